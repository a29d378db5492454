"""Every Python example in README.md, the site's pages and the API docstrings runs, so the
documentation cannot rot."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from conftest import ROOT

from specgen import api

FENCE = re.compile(r"^(?P<indent> *)```python\n(?P<code>.*?)^(?P=indent)```$", re.M | re.S)


def _blocks(text: str, origin: str, first_line: int = 1) -> list[tuple[str, str]]:
    found = []
    for match in FENCE.finditer(text):
        indent = len(match.group("indent"))
        code = "\n".join(line[indent:] for line in match.group("code").splitlines())
        line = first_line + text.count("\n", 0, match.start()) + 1
        found.append((f"{origin}:{line}", code))
    return found


def _examples() -> list[tuple[str, str]]:
    examples = []
    for page in [ROOT / "README.md", *sorted((ROOT / "site").rglob("*.md"))]:
        examples += _blocks(page.read_text(encoding="utf-8"), str(page.relative_to(ROOT)))
    for name, function in inspect.getmembers(api, inspect.isfunction):
        if not name.startswith("_") and function.__module__ == api.__name__:
            examples += _blocks(inspect.getdoc(function) or "", f"specgen.api.{name}")
    return examples


EXAMPLES = _examples()


def test_the_docs_have_python_examples() -> None:
    """The extraction finds the guide's and the docstrings' examples (not silently none)."""
    origins = {origin.split(":")[0] for origin, _ in EXAMPLES}
    assert {"site/guide/python.md", "specgen.api.merge", "specgen.api.build"} <= origins


@pytest.mark.parametrize(("origin", "code"), EXAMPLES, ids=[o for o, _ in EXAMPLES])
def test_python_example_runs(
    origin: str, code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run in an empty folder, as a reader would paste it: no ./specgen.yaml there."""
    monkeypatch.chdir(tmp_path)
    exec(compile(code, origin, "exec"), {"__name__": "__doc_example__"})
