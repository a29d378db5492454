"""The wheel: built from the repository, installed in a fresh venv, it works from any folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT

from specgen import __version__

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Installed:
    """A wheel and the venv it was installed into."""

    wheel: Path
    bin: Path

    def run(self, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        """Run the installed `specgen` console script, which must not see a PYTHONPATH that
        points at a source tree."""
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        return subprocess.run(
            [str(self.bin / "specgen"), *args],
            cwd=cwd, capture_output=True, text=True, timeout=120, check=False, env=env,
        )


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """Build the wheel once per session and install it (with its dependencies) in a new venv."""
    root = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(root / "dist"),
         str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )
    (wheel,) = (root / "dist").glob("specgen-*.whl")
    venv.create(root / "venv", with_pip=True)
    bin_dir = root / "venv" / "bin"
    subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         str(wheel)],
        check=True, capture_output=True, timeout=600,
    )
    return Installed(wheel, bin_dir)


def test_the_wheel_carries_templates_and_data(installed: Installed) -> None:
    names = zipfile.ZipFile(installed.wheel).namelist()
    assert "specgen/catalog/data/example.yaml" in names
    assert "specgen/catalog/data/registry.json" in names
    templates = sorted(ROOT.joinpath("templates").rglob("*.jinja"))
    assert templates
    for template in templates:
        assert f"specgen/templates/{template.relative_to(ROOT / 'templates').as_posix()}" in names
    assert not [name for name in names if name.startswith(("tests/", "templates/"))]


def test_installed_version_runs_from_another_folder(installed: Installed, tmp_path: Path) -> None:
    done = installed.run("--version", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout == f"specgen, version {__version__}\n"


def test_installed_check_uses_the_embedded_catalog(installed: Installed, tmp_path: Path) -> None:
    done = installed.run("check", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "using the embedded example catalog" in done.stderr
    assert "1 code(s), 3 problem type(s), 7 example(s)" in done.stderr
    assert str(ROOT) not in done.stderr  # the packaged copy, not the repository's
    assert list(tmp_path.iterdir()) == []


def test_installed_check_reports_located_errors(installed: Installed, tmp_path: Path) -> None:
    (tmp_path / "specgen.yaml").write_text("specgen: 1\ninfo: {title: T}\n", "utf-8")
    done = installed.run("check", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == "specgen.yaml:2:1: missing required key 'version'\n"


def test_installed_explain_561(installed: Installed, tmp_path: Path) -> None:
    done = installed.run("explain", "561", cwd=tmp_path)
    assert done.returncode == 0
    assert "AWS Application Load Balancer" in done.stdout


def test_installed_schema_is_json(installed: Installed, tmp_path: Path) -> None:
    done = installed.run("schema", cwd=tmp_path)
    assert done.returncode == 0
    assert json.loads(done.stdout)["$schema"] == "https://json-schema.org/draft/2020-12/schema"
