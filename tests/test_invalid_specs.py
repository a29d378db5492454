"""Hostile and malformed OpenAPI documents: `specgen merge` refuses each at its line, exit 2.

Every `tests/data/invalid/specs/NAME` has its expected stderr in `NAME.expected` beside it;
`pytest --update-golden` rewrites them (review the diff). The merge runs with --in-place and
the `secured` rule (so that security requirements are read too): the document must come out
unchanged, and nothing else may be written.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA

from specgen.cli import cli

SPECS = DATA / "invalid" / "specs"
CASES = sorted(p for p in SPECS.iterdir() if p.suffix in (".yaml", ".json"))
LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>[0-9]+):(?:(?P<col>[0-9]+):)? \S")


def test_there_are_at_least_thirty_hostile_documents() -> None:
    assert len(CASES) >= 30
    assert {p.suffix for p in CASES} == {".yaml", ".json"}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_invalid_document_is_refused_with_its_golden_message(
    case: Path, tmp_path: Path, update_golden: bool
) -> None:
    """Exit 2, every line `NAME:LINE[:COL]: message`, no traceback, nothing written, fast."""
    shutil.copy(case, tmp_path / case.name)
    before = case.read_bytes()
    started = time.monotonic()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        result = CliRunner().invoke(cli, ["merge", case.name, "--attach", "secured",
                                          "--in-place"])
    seconds = time.monotonic() - started
    expected = case.with_name(case.name + ".expected")
    if update_golden:
        expected.write_text(result.stderr, "utf-8")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert seconds < 5
    lines = result.stderr.splitlines()
    assert lines
    for line in lines:
        match = LOCATED.match(line)
        assert match and match["file"] == case.name, line
    assert (tmp_path / case.name).read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [case.name]
    assert expected.is_file(), "run `pytest --update-golden` to create the expected message"
    assert result.stderr == expected.read_text("utf-8"), (
        "message changed; run `pytest --update-golden` and review the diff if intended"
    )


def test_every_golden_message_has_its_document() -> None:
    """No stale .expected file is left behind when a case is renamed or removed."""
    for expected in SPECS.glob("*.expected"):
        assert expected.with_suffix("").is_file(), expected
