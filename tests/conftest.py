"""Shared fixtures: the embedded catalog, golden files, and the repository's paths."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from specgen import load_catalog
from specgen.catalog.load import embedded_catalog_path
from specgen.catalog.models import Catalog
from specgen.splice.plan import Attachment, Fragment, OnConflict, plan_merge

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
GOLDEN = ROOT / "tests" / "golden"
SPECS = DATA / "specs"

def spec_bytes(name: str) -> bytes:
    """A real document of tests/data/specs, decompressed when it is stored gzipped."""
    raw = (SPECS / name).read_bytes()
    return gzip.decompress(raw) if name.endswith(".gz") else raw


def git(folder: Path, *args: str) -> None:
    """Run git in `folder` with an author set, as a test that commits catalogs needs."""
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                   cwd=folder, check=True, capture_output=True)


def merge_text(
    spec_text: str,
    fragment: Mapping[str, Any] | Fragment,
    attach: Sequence[Attachment] = (),
    on_conflict: OnConflict = "error",
    *,
    file: str = "<spec>",
    extra: Sequence[Fragment] = (),
) -> str:
    """The document's text with already-rendered fragments merged and attachments made."""
    first = fragment if isinstance(fragment, Fragment) else Fragment(fragment)
    return plan_merge(spec_text, [first, *extra], attach, on_conflict, file=file).result()


os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def _outside_checkout(event: str, args: tuple[Any, ...]) -> None:
    """Fail any test that reads beside the checkout (a sibling data folder, say): a user's clone
    has nothing there. The Python environment may live beside it and is allowed."""
    if event not in ("open", "os.listdir", "os.scandir") or not args:
        return
    if not isinstance(args[0], str | bytes | os.PathLike):
        return
    # Not Path.resolve(): it would follow links and raise more audit events of its own.
    path = os.path.abspath(os.fsdecode(args[0])) + os.sep  # noqa: PTH100
    if path.startswith(_BESIDE) and not path.startswith(_ALLOWED):
        raise PermissionError(f"the tests read {path[:-1]}, outside the checkout {ROOT}")


# Everything under the checkout's parent folder that is not the checkout itself.
_BESIDE = str(ROOT.parent).rstrip(os.sep) + os.sep
_ALLOWED = tuple(
    str(Path(folder).resolve()).rstrip(os.sep) + os.sep
    for folder in {str(ROOT), sys.prefix, sys.base_prefix, sys.exec_prefix}
)
if ROOT.parent != ROOT.parent.parent:  # a checkout at the file system's root has no "beside"
    sys.addaudithook(_outside_checkout)

# Property tests take their example counts from the profile: "ci" (the default) keeps the suite
# within CI's time and derandomized, so a run's verdict does not depend on luck;
# `pytest --hypothesis-profile=deep` explores far more, with fresh random examples each time.
settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "deep", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the golden files under tests/golden from the current output",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright and the sites' servers keep threads until the session
    ends, and with other threads running specgen does not fork (`specgen.output.background`), so
    every test before them exercises the two-process merge and build as the CLI runs them."""
    items.sort(key=lambda item: "browser" in item.path.parts)


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def embedded() -> Catalog:
    """The embedded example catalog (the seed page's 561 Unauthorized)."""
    return load_catalog(embedded_catalog_path())


class Golden:
    """Compares outputs with files under tests/golden/<case>/ (or rewrites them)."""

    def __init__(self, update: bool) -> None:
        self.update = update

    def check_tree(self, case: str, files: Mapping[str, str | bytes]) -> None:
        """The whole tree of tests/golden/<case>/ equals `files` (relative path → content)."""
        base = GOLDEN / case
        if self.update:
            if base.exists():
                for old in sorted(base.rglob("*"), reverse=True):
                    old.unlink() if old.is_file() else old.rmdir()
            for relative, content in files.items():
                target = base / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content.encode() if isinstance(content, str) else content)
            return
        hint = "run `pytest --update-golden` and review the diff if the change is intended"
        assert base.is_dir(), f"no golden files for {case!r}; {hint}"
        present = {p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()}
        assert present == set(files), f"golden {case!r}: file lists differ; {hint}"
        for relative, content in sorted(files.items()):
            expected = (base / relative).read_bytes()
            actual = content.encode() if isinstance(content, str) else content
            if isinstance(content, str):
                assert actual.decode() == expected.decode(), f"golden {case}/{relative}: {hint}"
            else:
                assert actual == expected, f"golden {case}/{relative}: {hint}"

    def check(self, case: str, name: str, content: str | bytes) -> None:
        """One golden file: tests/golden/<case>/<name>."""
        target = GOLDEN / case / name
        if self.update:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content.encode() if isinstance(content, str) else content)
            return
        hint = "run `pytest --update-golden` and review the diff if the change is intended"
        assert target.is_file(), f"no golden file {case}/{name}; {hint}"
        expected = target.read_bytes()
        if isinstance(content, str):
            assert content == expected.decode(), f"golden {case}/{name}: {hint}"
        else:
            assert content == expected, f"golden {case}/{name}: {hint}"


@pytest.fixture(scope="session")
def golden(update_golden: bool) -> Golden:
    return Golden(update_golden)
