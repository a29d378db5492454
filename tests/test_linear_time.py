"""Every regular expression applied to catalog text finishes fast on input built to make a
backtracking matcher blow up: 100 kB of adversarial text in well under a second each.

One case per pattern (named after it); the input is what would make that pattern backtrack if it
were ambiguous (long runs of what its repetitions share, then a character that fails the match).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from specgen.catalog import models, source, syntax
from specgen.catalog.source import CatalogSource
from specgen.docs.markdown import inline, prose
from specgen.http import curl
from specgen.http.transcripts import _FIELD_LINE
from specgen.openapi.schemas import component_name
from specgen.text import yamldump

SIZE = 100_000
LIMIT = 1.0  # seconds; each case takes milliseconds once linear


def _refused(function: Callable[[str], Any]) -> Callable[[str], None]:
    """Call a validator that must refuse the input (a ValueError)."""

    def call(text: str) -> None:
        with pytest.raises(ValueError):
            function(text)

    return call


def _json(text: str) -> None:
    with pytest.raises(Exception, match="invalid JSON"):
        source.parse("x.json", text)


def _yaml(text: str) -> None:
    source.parse("x.yaml", text)


CASES: list[tuple[str, Callable[[str], Any], str]] = [
    # syntax.py
    ("media type: empty quoted parameters", _refused(syntax.media_type),
     "a/b" + '; a=""' * (SIZE // 6) + "!"),
    ("media type: quotes and escapes", _refused(syntax.media_type),
     'a/b; a="' + '\\"' * (SIZE // 2)),
    ("media type: token parameters", _refused(syntax.media_type),
     "a/b" + ";a=b" * (SIZE // 4) + ";"),
    ("token", _refused(syntax.token), "a" * SIZE + " "),
    ("header value: inner spaces", _refused(syntax.field_value), "a" + " " * SIZE + "\x01"),
    ("header value: words", _refused(syntax.field_value), "a b" * (SIZE // 3) + " "),
    ("reason phrase", _refused(syntax.reason_phrase), "Not" + " x" * (SIZE // 2) + "\x7f"),
    ("request path", _refused(syntax.request_path), "/" + "a" * SIZE + "\x80"),
    ("host: labels", _refused(syntax.host), "a." * (SIZE // 2) + "-"),
    ("host: long label", _refused(syntax.host), "a" * SIZE + "!"),
    ("host: IPv6", _refused(syntax.host), "[" + ":" * SIZE),
    ("http date", _refused(syntax.http_date), "Mon, " + "0" * SIZE),
    ("model reference", _refused(syntax.model_reference), "a" * SIZE + ":" + "." * SIZE + "!"),
    ("slug", _refused(syntax.slug), "a-" * (SIZE // 2) + "-"),
    ("component name", _refused(syntax.component_name), "a." * (SIZE // 2) + "/"),
    ("status code", _refused(syntax.status_code), "5" * SIZE),
    ("response-name pattern", _refused(syntax.name_pattern), "{Reason}" * (SIZE // 8) + "{"),
    # models.py
    ("slugify", models.slugify, "a-!" * (SIZE // 3)),
    ("response name words", lambda text: models.Catalog.model_validate(
        {"specgen": 1, "info": {"title": "t", "version": "1"},
         "codes": {500: {"reason": text, "summary": "s"}}}).response_name(500),
     "A -" * (SIZE // 3) + "B"),
    # load.py
    ("python catalog name", lambda text: CatalogSource(text).is_python, "a" * SIZE + ":" + "a."
     * (SIZE // 2) + "!"),
    # source.py
    ("yaml anchors", _yaml, "a: \"" + " &" * (SIZE // 2) + "\"\n"),
    ("yaml decimal", _yaml, "a: " + "1" * 4000 + "\n"),
    ("json whitespace and numbers", _json, "[" + " " * SIZE + "-" + "0" * 10 + "e" + "\n"),
    ("json escaped surrogates", _json, '["' + "\\udc" * (SIZE // 4) + '"'),
    # http/
    ("transcript header line", lambda text: _FIELD_LINE.fullmatch(text),
     "X: a" + " " * SIZE + "b\x01"),
    ("curl glob and dot segments", lambda text: curl.curl_words(
        "https://h" + text, "GET", text, [], None), "/." * (SIZE // 2) + "x"),
    # openapi/
    ("openapi component name", component_name, "!a" * (SIZE // 2)),
    # docs/ (Markdown of catalog prose)
    ("code spans: backtick runs of distinct lengths", prose,
     "a".join("`" * length for length in range(1, 447))),
    ("code spans in a table cell", inline, "a".join("`" * length for length in range(1, 447))),
    ("code spans: unclosed openers", prose, "`a" + "``a" * (SIZE // 3)),
    ("autolinks", prose, "<" + "a@a" * (SIZE // 3)),
    ("autolinks: web", prose, "<http://" + "a" * SIZE),
    ("link targets", prose, "[" + "a" * SIZE + "\n" + "](" * (SIZE // 2)),
    ("reference definitions", prose, ("[" + "a" * 1000 + "\n") * 100),
    ("fences", prose, "```" + "`" * SIZE + "\n" + " " * SIZE + "~~~"),
    # text/
    ("yaml plain scalar", yamldump.to_yaml, "a" + " " * SIZE + "\x01"),
    ("yaml plain scalar ending in a colon", yamldump.to_yaml, "a" + ": " * (SIZE // 2) + ":"),
    ("yaml literal block", yamldump.to_yaml, "a\n" + " \n" * (SIZE // 2) + "\x85"),
]


@pytest.mark.parametrize(("name", "function", "text"), CASES, ids=[case[0] for case in CASES])
def test_pattern_is_linear_on_adversarial_input(
    name: str, function: Callable[[str], Any], text: str
) -> None:
    """A regex applied to catalog text takes under a second on its worst 100 kB input."""
    started = time.perf_counter()
    function(text)
    assert time.perf_counter() - started < LIMIT, name


def test_the_media_type_grammar_still_takes_quoted_escapes_and_refuses_a_bare_quote() -> None:
    """The linear media-type pattern accepts what RFC 9110 allows and nothing more."""
    assert syntax.media_type('text/plain; a="x\\"y"; b=c') == 'text/plain; a="x\\"y"; b=c'
    assert syntax.media_type('a/b; a=""; b=""') == 'a/b; a=""; b=""'
    with pytest.raises(ValueError, match="not a valid media type"):
        syntax.media_type('a/b; a="x"y"')
    with pytest.raises(ValueError, match="not a valid media type"):
        syntax.media_type('a/b; a="\\"')
