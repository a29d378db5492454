"""Hostile catalog text cannot script the published site, on either path to it.

The paths: the MkDocs plugin (pages added at build time) and the Markdown pages `specgen build`
writes to OUT/docs/, which users build with their own mkdocs.yml (here with attr_list and
md_in_html on, which read `{: onclick=...}` and `markdown="1"`). Hand-written hostile catalogs
live in tests/data/docs/hostile/ (rendered inert) and tests/data/docs/refused/ (a located error,
golden stderr beside each); a property test puts generated hostile Markdown in every text field.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from click.testing import CliRunner
from conftest import DATA
from hazards import combined_catalog, hazards
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.utils.meta import get_data

from specgen import load_catalog
from specgen.catalog.load import load
from specgen.cli import cli
from specgen.docs.plan import EXTENSIONS, docs_plan
from specgen.output.build import build

HOSTILE = sorted((DATA / "docs" / "hostile").glob("*.yaml"))
REFUSED = sorted((DATA / "docs" / "refused").glob("*.yaml"))
LOCATED = re.compile(r"^[^:]+:[0-9]+:[0-9]+: \S")
# What a user's own mkdocs.yml may enable besides the extensions the pages need: the ones that
# read attributes and Markdown inside HTML, and the inline syntaxes of pymdownx.
USER_EXTENSIONS = [
    *EXTENSIONS, "md_in_html", "def_list", "footnotes", "abbr", "pymdownx.betterem",
    "pymdownx.caret", "pymdownx.mark", "pymdownx.tilde", "pymdownx.magiclink",
    "pymdownx.smartsymbols", "pymdownx.inlinehilite", "pymdownx.keys",
]


def user_html(page: str) -> str:
    """A page as MkDocs renders it with USER_EXTENSIONS, front matter read by MkDocs' loader."""
    body, _ = get_data(page)
    return markdown.markdown(body, extensions=USER_EXTENSIONS, extension_configs=EXTENSIONS)


@pytest.mark.parametrize("html", [
    "<script>x()</script>", "<p onclick=1>a</p>", "<a href=' jav&#x09;ascript:x()'>a</a>",
    "<a href='DATA:text/html,x'>a</a>", "<title>a</title><article><img src=x></article>",
    "<title>a<script>b</script></title>", "<header><script>var a = 1; x()</script></header>",
])
def test_hazard_checker_finds_each_kind_of_hazard(html: str) -> None:
    assert hazards(html, article_only=True)


def test_hazard_checker_leaves_theme_markup_and_string_data_alone() -> None:
    page = (
        '<title>a \uff1cb\uff1e</title><script src="assets/a.js"></script>'
        '<script>var name = "x() \\" x()";</script><article><p>x() <code>a</code></p></article>'
    )
    assert hazards(page, article_only=True) == []


def test_there_are_at_least_twenty_hand_written_hostile_catalogs() -> None:
    assert len(HOSTILE) >= 20
    assert len(REFUSED) >= 5


@pytest.mark.parametrize("case", HOSTILE, ids=lambda path: path.stem)
def test_hostile_catalog_renders_inert_under_a_users_extensions(case: Path) -> None:
    """Every page renders without script, handler or script URL; tables keep their columns."""
    started = time.monotonic()
    pages = docs_plan(load_catalog(case))
    assert time.monotonic() - started < 10, "rendering must stay fast (a shared CI machine)"
    for name, page in pages.items():
        html = user_html(page)
        assert hazards(html) == [], (case.name, name)
        for row in re.findall(r"<tr>.*?</tr>", html, re.DOTALL):
            assert row.count("<td") in (0, 4, 5), row  # no pipe split a cell


@pytest.mark.parametrize("case", HOSTILE, ids=lambda path: path.stem)
def test_hostile_catalog_front_matter_is_yaml_mkdocs_accepts(case: Path) -> None:
    for page in docs_plan(load_catalog(case)).values():
        _, meta = get_data(page)
        assert isinstance(meta.get("description"), str), page[:200]


def test_front_matter_keeps_characters_beyond_the_bmp() -> None:
    page = docs_plan(load_catalog(DATA / "docs" / "hostile" / "non_bmp_front_matter.yaml"))
    _, meta = get_data(page["codes/599.md"])
    assert meta["description"].startswith("Emoji \U0001f600 and \U0001d4b3")


@pytest.mark.parametrize("case", REFUSED, ids=lambda path: path.stem)
def test_refused_catalog_fails_build_with_a_located_golden_message(
    case: Path, tmp_path: Path, update_golden: bool
) -> None:
    """Exit 2, every line `FILE:LINE:COL: message`, nothing written."""
    catalog = tmp_path / case.name
    catalog.write_bytes(case.read_bytes())
    result = CliRunner().invoke(cli, ["build", str(catalog), "-o", str(tmp_path / "out")])
    stderr = result.stderr.replace(str(tmp_path) + os.sep, "")
    expected = case.with_name(case.name + ".expected")
    if update_golden:
        expected.write_text(stderr, "utf-8")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in stderr
    assert all(LOCATED.match(line) for line in stderr.splitlines()), stderr
    assert stderr == expected.read_text("utf-8")
    assert not (tmp_path / "out").exists()


# --- whole sites, built by MkDocs ---------------------------------------------------------------


def _mkdocs(config: dict[str, Any], root: Path) -> Path:
    """Build a site with `mkdocs build --strict` semantics; return its folder."""
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), "utf-8")
    site = root / "site"
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    mkdocs_build(load_config(str(root / "mkdocs.yml"), site_dir=str(site), strict=True))
    return site


def build_both_ways(catalog_file: Path, root: Path) -> list[Path]:
    """The catalog's site through the plugin (Material), and `specgen build` plus a plain config."""
    theme = {"name": "material", "font": False}
    plugin_root = root / "plugin"
    (plugin_root / "docs").mkdir(parents=True)
    plugin_site = _mkdocs({
        "site_name": "Plugin", "theme": theme,
        "plugins": ["search", {"specgen": {"catalog": str(catalog_file)}}],
    }, plugin_root)
    plain_root = root / "plain"
    build(load(catalog_file).catalog, plain_root / "out")
    # MkDocs' own theme inserts titles in attributes as they are, unlike Material.
    plain_site = _mkdocs({
        "site_name": "Plain", "theme": "readthedocs", "docs_dir": "out/docs",
        "plugins": ["search"],
        "markdown_extensions": [
            name if not options else {name: options}
            for name, options in {**{n: {} for n in USER_EXTENSIONS}, **EXTENSIONS}.items()
        ],
    }, plain_root)
    return [plugin_site, plain_site]


def assert_site_inert(sites: list[Path]) -> None:
    """The catalog's pages of the sites (the first built with Material) are inert."""
    # The catalog's pages only: the theme's own (search.html, 404.html) have forms and the like.
    pages = [
        page for site in sites for page in site.rglob("index.html")
        if page.parent == site or page.parent.parent.name == "codes"
    ]
    assert len(pages) >= 2 * len(sites)
    for page in pages:
        assert hazards(page.read_text("utf-8"), article_only=True) == [], page
    # Material shows search results' titles and text as HTML (MkDocs' themes escape them).
    for site in sites[:1]:
        index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
        for entry in index["docs"]:
            assert hazards(entry["title"] + entry["text"]) == [], entry["location"]


@pytest.mark.slow
def test_every_hand_written_hostile_catalog_builds_an_inert_site_both_ways(
    tmp_path: Path,
) -> None:
    """All hostile cases in one catalog (a code each), built by MkDocs --strict both ways."""
    catalog_file = tmp_path / "specgen.json"
    catalog_file.write_text(json.dumps(combined_catalog(HOSTILE)), "utf-8")
    assert_site_inert(build_both_ways(catalog_file, tmp_path))


# --- generated hostile Markdown in every text field ----------------------------------------------

_CALLS = st.sampled_from(["window.__pwned=1", "x()", "alert(document.title='pwned')"])
_SCHEMES = st.sampled_from([
    "javascript:", "JaVaScRiPt:", "java&#115;cript:", "&#106;avascript:", "javascript&colon;",
    "javascript&#x3A;", "data:text/html,", "data:image/svg+xml;base64,", "vbscript:",
    "DATA:text/html,", "livescript:",
])
_TAGS = st.sampled_from([
    "img src=x", "svg", "body", "a href=#", "details open", "iframe", "input autofocus",
    "video", "div", "math", "marquee",
])
_EVENTS = st.sampled_from(["onerror", "onload", "onclick", "ONMOUSEOVER", "ontoggle", "onfocus"])
_SCRIPTS = st.sampled_from(["script", "SCRIPT", "ScRiPt", "script ", "script type=module"])
_INFO = st.sampled_from(["", "js", "{: onclick=x() }", 'js" onload="x()', "{.x #y onclick=z}",
                         "<script>", "```", "~~~"])
# Characters no output can show as written (C0 but tab and newlines, DEL, C1, U+2028/2029)
# are refused by the catalog checks (tests/data/invalid); the rest reach the pages.
_CHARS = st.sampled_from(["😀", "\U0001f4a9", "\ufeff", "\U0001d4b3", "é", "\u00a0"])


@st.composite
def _payload(draw: st.DrawFn) -> str:
    """One construct that would run script if any layer let it through."""
    call = draw(_CALLS)
    script = draw(_SCRIPTS)
    handler = f"<{draw(_TAGS)} {draw(_EVENTS)}=\"{call}\">"
    url = f"{draw(_SCHEMES)}{call}"
    html = draw(st.sampled_from([f"<{script}>{call}</{script.split()[0]}>", handler]))
    ticks = "`" * draw(st.integers(1, 300))
    fence = draw(st.sampled_from(["```", "~~~", "````", "~~~~~"]))
    indent = " " * draw(st.integers(0, 4))
    return draw(st.sampled_from([
        html,
        f"[link]({url})",
        f"[link]({url} \"title\")",
        f"[link][ref]\n\n[ref]: {url}",
        f"[ref]\n\n  [ref]:  <{url}>  'title'",
        f"<{url}>",
        f"![image]({url})",
        f"![image](https://example.com/x.png \"{handler}\")",
        f"paragraph\n{{: {draw(_EVENTS)}=\"{call}\" }}",
        f"[link](https://example.com){{ {draw(_EVENTS)}={call} }}",
        f"\\`{html}\\`",
        f"`a\n\n{html}`",
        f"{ticks}{html}{ticks[:-1]}",
        f"{indent}{fence} {draw(_INFO)}\n{indent}{html}\n{indent}{fence[:-1]}",
        f"{indent}{fence}\n{html}",
        f"<!-- {html} -->",
        f"<![CDATA[{html}]]>",
        f"&lt;{script}&gt;{call}&lt;/script&gt;",
        f"<div markdown=\"1\" {draw(_EVENTS)}=\"{call}\">\n*x* {html}\n</div>",
        f"\\[a\\]\\({url}\\)",
        f"a \\| b | `c|d` {html}",
        f"{draw(_CHARS)} {html} {draw(_CHARS)}",
    ]))


_SEPARATORS = st.sampled_from([" ", "\n", "\n\n", "\n    ", "\t", ""])


@st.composite
def hostile_markdown(draw: st.DrawFn) -> str:
    """Several hostile constructs joined by spaces, line breaks or indentation."""
    parts = draw(st.lists(_payload(), min_size=1, max_size=4))
    text = "".join(part + draw(_SEPARATORS) for part in parts).strip()
    return text or "x"


_LINES = st.sampled_from([
    "Evil <script>x()</script>", "A {: onclick=x() }", "[a](javascript:x())", "`x` *y* | z",
    "\"><img src=x onerror=x()>", "&lt;script&gt;", "{#id onclick=x()}", "<!-- x -->",
])


@st.composite
def hostile_catalog(draw: st.DrawFn) -> dict[str, Any]:
    """A catalog whose every text field is hostile: prose Markdown and literal values alike."""
    md = hostile_markdown()
    line = draw(_LINES)
    title = draw(md).replace("\n", " ")
    return {
        "specgen": 1,
        "info": {"title": title, "version": f"1 {line}", "description": draw(md)},
        "schemas": {"Evil": {
            "type": "object", "description": draw(md), "required": [line],
            "properties": {
                line: {"type": "string", "description": draw(md), "enum": [line, draw(md)]},
            },
        }},
        "codes": {599: {
            "reason": line.replace("\"", "'"),
            "summary": draw(md), "description": draw(md),
            "causes": [draw(md), draw(md)], "remedies": [draw(md)], "retry": draw(md),
            "headers": {"X-Evil": {"description": draw(md), "example": line}},
            "content": {"application/json": {"schema": "Evil", "description": draw(md)},
                        "text/plain": {"description": draw(md)}},
            "examples": [{
                "title": title, "scenario": draw(md),
                "request": {"headers": {"X-Evil": line}},
                "response": {"content_type": "text/plain", "body": draw(md)},
            }],
        }},
    }


@pytest.mark.slow
@settings(max_examples=max(1, settings.default.max_examples // 2))
@given(document=hostile_catalog())
def test_generated_hostile_markdown_in_every_field_never_scripts_the_site(
    document: dict[str, Any],
) -> None:
    """Both sites build with --strict and their content has no script, handler or script URL."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        catalog_file = root / "specgen.json"
        catalog_file.write_text(json.dumps(document), "utf-8")
        assert_site_inert(build_both_ways(catalog_file, root))
