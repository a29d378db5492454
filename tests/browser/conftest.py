"""Built sites for the site and browser tests: each built once per session, served on 127.0.0.1."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, ROOT
from hazards import combined_catalog

from specgen.output.init import init_plan

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@dataclass(frozen=True)
class Built:
    """The result of `mkdocs build --strict`: the output folder and what MkDocs said."""

    site: Path
    returncode: int
    log: str


def mkdocs_build(config_file: Path, site: Path) -> Built:
    """Build a site in a separate process, exactly as a user runs MkDocs."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config_file),
         "-d", str(site)],
        cwd=config_file.parent, capture_output=True, text=True, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return Built(site, result.returncode, result.stderr)


@pytest.fixture(scope="session")
def project_site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The project's own site (top-level mkdocs.yml), built into a temporary folder."""
    return mkdocs_build(ROOT / "mkdocs.yml", tmp_path_factory.mktemp("project") / "site")


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A `specgen init` site whose catalog is full of `<script>`, backticks and pipes."""
    root = tmp_path_factory.mktemp("hostile")
    (root / "docs").mkdir()
    (root / "mkdocs.yml").write_text(init_plan()["mkdocs.yml"], encoding="utf-8")
    shutil.copy(DATA / "docs" / "hostile.yaml", root / "specgen.yaml")
    return mkdocs_build(root / "mkdocs.yml", root / "site")


@pytest.fixture(scope="session")
def hostile_cases_site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A `specgen init` site documenting every hand-written hostile catalog, a code each."""
    root = tmp_path_factory.mktemp("hostile-cases")
    (root / "docs").mkdir()
    (root / "mkdocs.yml").write_text(
        init_plan()["mkdocs.yml"].replace("specgen.yaml", "specgen.json"), encoding="utf-8"
    )
    cases = sorted((DATA / "docs" / "hostile").glob("*.yaml"))
    (root / "specgen.json").write_text(json.dumps(combined_catalog(cases)), encoding="utf-8")
    return mkdocs_build(root / "mkdocs.yml", root / "site")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean."""


def _serve(folder: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def project_url(project_site: Built) -> Iterator[str]:
    """The project's site served over HTTP; stops at the end of the session."""
    assert project_site.returncode == 0, project_site.log
    yield from _serve(project_site.site)


@pytest.fixture(scope="session")
def hostile_url(hostile_site: Built) -> Iterator[str]:
    """The hostile catalog's site served over HTTP; stops at the end of the session."""
    assert hostile_site.returncode == 0, hostile_site.log
    yield from _serve(hostile_site.site)


@pytest.fixture(scope="session")
def hostile_cases_url(hostile_cases_site: Built) -> Iterator[str]:
    """The hand-written hostile catalogs' site served over HTTP; stops with the session."""
    assert hostile_cases_site.returncode == 0, hostile_cases_site.log
    yield from _serve(hostile_cases_site.site)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, never a downloaded one; in CI a missing browser fails the run."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing, and CI=true requires the browser tests to run")
        pytest.skip(f"{CHROMIUM} is not installed")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url() -> None:
    """No base URL: tests use the served sites' addresses.

    Replaces pytest-playwright's own, which pytest 9 deprecates (a session fixture written as a
    method), so that warnings-as-errors keeps working.
    """
    return None


@dataclass(frozen=True)
class Served:
    """A site built for the address it is served at, and that address."""

    url: str
    built: Built


@pytest.fixture(scope="session")
def problems_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The embedded catalog as a `specgen init` site whose `problem_base` is the site's own
    `problems/` URL, so that every type URI is the address of its page (RFC 9457 §3.1.1)."""
    root = tmp_path_factory.mktemp("problems")
    site = root / "site"
    site.mkdir()
    # The server takes its port first; the site is built for that address, then served.
    for url in _serve(site):
        (root / "docs").mkdir()
        config = init_plan()["mkdocs.yml"].replace("site_name:", f"site_url: {url}\nsite_name:", 1)
        (root / "mkdocs.yml").write_text(config, encoding="utf-8")
        catalog = (ROOT / "specgen" / "catalog" / "data" / "example.yaml").read_text("utf-8")
        base = "problem_base: https://docs.example.com/problems/"
        assert base in catalog
        (root / "specgen.yaml").write_text(
            catalog.replace(base, f"problem_base: {url}problems/"), encoding="utf-8")
        built = mkdocs_build(root / "mkdocs.yml", site)
        assert built.returncode == 0, built.log
        yield Served(url, built)


@pytest.fixture(scope="session")
def platform_site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A `specgen init` site of the platform catalog: the API's codes, its load balancer's and
    its CDN's (tests/data/sender/platform.yaml)."""
    root = tmp_path_factory.mktemp("platform")
    (root / "docs").mkdir()
    (root / "mkdocs.yml").write_text(init_plan()["mkdocs.yml"], encoding="utf-8")
    shutil.copy(DATA / "sender" / "platform.yaml", root / "specgen.yaml")
    return mkdocs_build(root / "mkdocs.yml", root / "site")


@pytest.fixture(scope="session")
def platform_url(platform_site: Built) -> Iterator[str]:
    """The platform catalog's site served over HTTP; stops at the end of the session."""
    assert platform_site.returncode == 0, platform_site.log
    yield from _serve(platform_site.site)
