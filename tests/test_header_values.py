"""Header values written as integers (`Retry-After: 30`) are the text of their digits, in every
output; other values that are not text stay refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT

from specgen import check_catalog, load_catalog, render_openapi, render_transcripts
from specgen.catalog.models import Catalog

RETRY_AFTER = """specgen: 1
info: {title: T, version: "1"}
codes:
  503:
    reason: Service Unavailable
    summary: Down for maintenance.
    headers:
      Retry-After: {required: true, schema: {type: integer, minimum: 0}, example: 120}
    examples:
      - title: Maintenance
        request: {headers: {X-Attempt: 2}}
        response: {headers: {Retry-After: 30}}
"""


def test_an_integer_header_value_is_held_as_its_digits(tmp_path: Path) -> None:
    """The model holds the text, so transcripts, OpenAPI and verify read one value."""
    path = tmp_path / "specgen.yaml"
    path.write_text(RETRY_AFTER)
    status = load_catalog(path).codes[503]
    assert status.headers["Retry-After"].example == "120"
    assert status.examples[0].response.headers == {"Retry-After": "30"}
    assert status.examples[0].request.headers == {"X-Attempt": "2"}
    assert check_catalog(path) == []
    transcript = render_transcripts(path, code=503)[0]
    assert b"\r\nRetry-After: 30\r\n" in transcript.response
    assert b"\r\nX-Attempt: 2\r\n" in transcript.request
    header = render_openapi(path)["components"]["headers"]["Retry-After"]
    assert header["example"] == 120  # its schema's integer reading, as for "120"


def test_a_json_catalog_may_give_integer_header_values_too() -> None:
    data = {"specgen": 1, "info": {"title": "T", "version": "1"},
            "codes": {"429": {"reason": "Too Many Requests", "summary": "s",
                              "examples": [{"title": "E",
                                            "response": {"headers": {"Retry-After": 7}}}]}}}
    catalog = Catalog.model_validate(json.loads(json.dumps(data)))
    assert catalog.codes[429].examples[0].response.headers == {"Retry-After": "7"}


@pytest.mark.parametrize("value", [True, 2.5, None, [1], {"a": 1}])
def test_header_values_that_are_not_text_or_integers_are_refused(value: object) -> None:
    data = {"specgen": 1, "info": {"title": "T", "version": "1"},
            "codes": {429: {"reason": "Too Many Requests", "summary": "s",
                            "examples": [{"title": "E",
                                          "response": {"headers": {"Retry-After": value}}}]}}}
    with pytest.raises(ValueError, match="should be a valid string"):
        Catalog.model_validate(data)


FENCE = re.compile(r"^(?P<indent> *)```yaml\n(?P<code>.*?)^(?P=indent)```$", re.M | re.S)
# What the guides' catalog snippets leave out, as a reader's catalog would have it.
FRAME = {"specgen": 1, "info": {"title": "T", "version": "1"},
         "schemas": {"Problem": {"type": "object"}}}


def _snippets() -> list[tuple[str, str]]:
    found = []
    for page in [ROOT / "README.md", *sorted((ROOT / "site").rglob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            if re.search(r"^codes:", match["code"], re.M):
                line = text.count("\n", 0, match.start()) + 1
                found.append((f"{page.relative_to(ROOT)}:{line}", match["code"]))
    return found


SNIPPETS = _snippets()


def test_the_guides_have_catalog_snippets() -> None:
    assert len([o for o, _ in SNIPPETS if o.startswith("site/guide/catalog-parts.md")]) >= 5


@pytest.mark.parametrize(("origin", "snippet"), SNIPPETS, ids=[o for o, _ in SNIPPETS])
def test_a_guide_catalog_snippet_passes_check(origin: str, snippet: str, tmp_path: Path) -> None:
    """Each `codes:` snippet of the guides, completed with what it leaves out (format, info,
    a `Problem` schema), is a catalog `check` accepts."""
    import yaml

    data = yaml.safe_load(snippet)
    frame = {key: value for key, value in FRAME.items() if key not in data}
    path = tmp_path / "specgen.yaml"
    path.write_text((yaml.safe_dump(frame) if frame else "") + snippet)
    check_catalog(path)  # raises LoadError on any error
