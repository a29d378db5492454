"""What would make an invalid HTTP message is refused when the catalog loads, at its file:line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import DATA

from specgen.catalog.load import load
from specgen.errors import LoadError

INVALID = DATA / "transcripts" / "invalid"
CASES = sorted(INVALID.glob("*.yaml"))


def marked_line(path: Path) -> int:
    """The line that a case file marks with `# error` as the one to blame."""
    (line,) = [n for n, text in enumerate(path.read_text("utf-8").splitlines(), 1)
               if text.rstrip().endswith("# error")]
    return line


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_message_breaking_value_is_refused_at_its_file_and_line(
    path: Path, monkeypatch: pytest.MonkeyPatch, golden: Any
) -> None:
    monkeypatch.chdir(INVALID)
    with pytest.raises(LoadError) as caught:
        load(path.name)
    (problem,) = caught.value.problems
    assert problem.location.file == path.name
    assert problem.location.line == marked_line(path)
    assert str(problem).startswith(f"{path.name}:{marked_line(path)}:")
    golden.check("transcripts-invalid", f"{path.stem}.txt", str(caught.value) + "\n")

