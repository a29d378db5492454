"""`specgen diff -o FILE` writes its report as the other commands write their outputs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA

from specgen.cli import cli

CATALOG = DATA / "diff" / "base.yaml"


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_no_changes_is_one_line_not_an_empty_report(fmt: str, tmp_path: Path) -> None:
    """A report without changes says so, in the file and on stdout alike."""
    out = tmp_path / "report"
    written = CliRunner().invoke(cli, ["diff", str(CATALOG), str(CATALOG), "-o", str(out),
                                       "--format", fmt])
    assert written.exit_code == 0, written.output
    shown = CliRunner().invoke(cli, ["diff", str(CATALOG), str(CATALOG), "--format", fmt])
    assert out.read_text(encoding="utf-8") == shown.stdout
    assert "No changes for consumers.\n" in shown.stdout
    if fmt == "text":
        assert shown.stdout == "No changes for consumers.\n"


@pytest.mark.parametrize("command", [
    ["diff", str(CATALOG), str(CATALOG)],
    ["openapi", str(CATALOG)],
    ["schema"],
    ["build", str(CATALOG)],
    ["merge", str(DATA / "merge" / "commented.yaml"), "--catalog", str(CATALOG)],
])
def test_every_output_option_makes_missing_folders(command: list[str], tmp_path: Path) -> None:
    """`-o` under folders that do not exist yet makes them, whatever the command (one writer)."""
    out = tmp_path / "a" / "b" / "out"
    result = CliRunner().invoke(cli, [*command, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists()
