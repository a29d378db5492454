"""Hostile and malformed catalogs: `specgen check` refuses each with a located message, exit 2.

Every `tests/data/invalid/NAME` has its expected stderr in `NAME.expected` beside it;
`pytest --update-golden` rewrites them (review the diff).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from contextlib import chdir
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA

from specgen.catalog.source import MAX_BYTES
from specgen.cli import cli

INVALID = DATA / "invalid"
CASES = sorted(p for p in INVALID.iterdir() if p.suffix in (".yaml", ".json"))
LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>[0-9]+):(?P<col>[0-9]+): \S")


def run_check(folder: Path, name: str) -> tuple[int, str, str, float]:
    """Run `specgen check NAME` in `folder`; return exit code, stdout, stderr and seconds."""
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    started = time.monotonic()
    with chdir(folder):
        result = CliRunner().invoke(cli, ["check", name])
    seconds = time.monotonic() - started
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before, "check wrote"
    return result.exit_code, result.stdout, result.stderr, seconds


def test_there_are_at_least_sixty_hostile_catalogs() -> None:
    assert len(CASES) >= 60
    assert {p.suffix for p in CASES} == {".yaml", ".json"}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_invalid_catalog_is_refused_with_its_golden_message(
    case: Path, tmp_path: Path, update_golden: bool
) -> None:
    """Exit 2, every line `NAME:LINE:COL: message`, no traceback, nothing written, fast."""
    shutil.copy(case, tmp_path / case.name)
    status, stdout, stderr, seconds = run_check(tmp_path, case.name)
    expected = case.with_name(case.name + ".expected")
    if update_golden:
        expected.write_text(stderr, "utf-8")
    assert status == 2, stderr
    assert stdout == ""
    assert "Traceback" not in stderr
    assert seconds < 5
    lines = stderr.splitlines()
    assert lines
    for line in lines:
        match = LOCATED.match(line)
        assert match and match["file"] == case.name, line
    assert expected.is_file(), "run `pytest --update-golden` to create the expected message"
    assert stderr == expected.read_text("utf-8"), (
        "message changed; run `pytest --update-golden` and review the diff if intended"
    )


def test_every_golden_message_has_its_catalog() -> None:
    """No stale .expected file is left behind when a case is renamed or removed."""
    goldens = {p.name.removesuffix(".expected") for p in INVALID.glob("*.expected")}
    assert goldens == {p.name for p in CASES}


@pytest.mark.slow
def test_fifty_megabyte_catalog_is_refused_by_size_without_reading_it(tmp_path: Path) -> None:
    """A huge file answers at once with its size, naming the file (no line: it was not read)."""
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:
        handle.write(b"specgen: 1\ncodes:\n")
        handle.truncate(50 * 1024 * 1024)
    status, _, stderr, seconds = run_check(tmp_path, "huge.yaml")
    assert status == 2
    assert stderr == (
        f"huge.yaml: file is {50 * 1024 * 1024:,} bytes; catalogs are limited to {MAX_BYTES:,}"
        " bytes\n"
    )
    assert seconds < 2


def test_a_folder_is_not_a_catalog(tmp_path: Path) -> None:
    (tmp_path / "specgen.d").mkdir()
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "specgen.d")])
    assert result.exit_code == 2
    assert result.stderr == f"{tmp_path / 'specgen.d'}: is a folder, not a catalog file\n"


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    status, _, stderr, seconds = run_check(tmp_path, "pipe.yaml")
    assert (status, stderr) == (2, "pipe.yaml: is not a regular file\n")
    assert seconds < 2


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert result.stderr == f"{tmp_path / 'nope.yaml'}: no such file\n"


@pytest.mark.parametrize("command", [
    ["check"], ["build"], ["openapi"], ["transcripts"], ["merge", "spec.yaml", "--catalog"],
], ids=lambda c: c[0])
def test_a_header_example_is_never_validated_against_a_broken_header_schema(
    command: list[str], tmp_path: Path
) -> None:
    """Every command reading a catalog refuses a header schema that is no JSON Schema at the
    schema, instead of crashing while checking the header's example against it."""
    case = INVALID / "header_schema_unknown_type_with_example.yaml"
    shutil.copy(case, tmp_path / case.name)
    (tmp_path / "spec.yaml").write_text(
        'openapi: 3.1.0\ninfo: {title: T, version: "1"}\npaths: {}\n', "utf-8")
    with chdir(tmp_path):
        result = CliRunner().invoke(cli, [*command, case.name])
    assert result.exit_code == 2, result.output
    assert result.stderr == case.with_name(case.name + ".expected").read_text("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == [case.name, "spec.yaml"]
