"""The docs pages' Markdown: golden pages, escaping, schema tables, notices, index."""

from __future__ import annotations

import time
from html.parser import HTMLParser

import markdown
import pytest
import yaml
from conftest import DATA
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specgen import load_catalog
from specgen.catalog.models import Catalog
from specgen.docs.markdown import _yaml_string, code, fence, inline, links_of, literal, prose
from specgen.docs.plan import EXTENSIONS, docs_plan
from specgen.docs.sanitize import render, sanitized

DOCS = DATA / "docs"


class Tags(HTMLParser):
    """Collects the elements and attributes of an HTML page, and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.cells: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "tr":
            self.cells.append(0)
        if tag in ("td", "th"):
            self.cells[-1] += 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def to_html(page: str) -> Tags:
    """Render a page as MkDocs would (front matter stripped) and parse the HTML."""
    body = page.split("---\n", 2)[2] if page.startswith("---\n") else page
    html = markdown.markdown(
        body, extensions=list(EXTENSIONS), extension_configs=EXTENSIONS, tab_length=4
    )
    parser = Tags()
    parser.feed(html)
    return parser


def assert_inert(tags: Tags) -> None:
    """No element or attribute that could run script."""
    for tag, attrs in tags.tags:
        assert tag not in ("script", "img", "iframe", "object", "style"), tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src"):
                assert not (value or "").lower().startswith(("javascript:", "data:")), value


@pytest.fixture(scope="module")
def hostile() -> Catalog:
    return load_catalog(DOCS / "hostile.yaml")


@pytest.fixture(scope="module")
def several() -> Catalog:
    return load_catalog(DOCS / "codes.yaml")


def test_embedded_catalog_pages_match_golden(embedded: Catalog, golden: object) -> None:
    golden.check_tree("docs-embedded", docs_plan(embedded))  # type: ignore[attr-defined]


def test_pages_are_the_same_bytes_every_time(several: Catalog) -> None:
    assert docs_plan(several) == docs_plan(several)


def test_plan_has_an_index_and_one_page_per_code(several: Catalog) -> None:
    assert sorted(docs_plan(several)) == [
        "codes/404.md", "codes/451.md", "codes/499.md", "codes/561.md", "index.md",
    ]


def test_hostile_values_render_as_text_and_run_nothing(hostile: Catalog) -> None:
    for name, page in docs_plan(hostile).items():
        tags = to_html(page)
        assert_inert(tags)
        text = "".join(tags.text)
        if name == "codes/599.md":
            for marker in ("description", "header", "field", "title", "plain", "request-body"):
                assert f"window.__pwned = '{marker}'" in text, marker


def test_hostile_values_keep_tables_and_headings_whole(hostile: Catalog) -> None:
    tags = to_html(docs_plan(hostile)["codes/599.md"])
    widths = set(tags.cells)
    assert widths == {4}, widths
    headings = [attrs.get("id") for tag, attrs in tags.tags if tag in ("h2", "h3")]
    assert "example-title-script-window-pwned-title-script-x-y" in headings
    assert "x" not in headings  # `{#x}` in a title must not set an anchor
    assert "related" in headings  # the open fence in the description did not swallow the page


def test_hostile_title_keeps_its_characters_as_text(hostile: Catalog) -> None:
    page = docs_plan(hostile)["codes/599.md"]
    h1 = next(line for line in page.splitlines() if line.startswith("# "))
    assert "".join(to_html(h1).text).rstrip("¶") == "599 Evil <script> | `x` *y*"


def test_index_links_every_code_under_its_class_with_standing_and_equivalent(
    several: Catalog,
) -> None:
    index = docs_plan(several)["index.md"]
    assert (
        "| [561](codes/561.md) | [Unauthorized](codes/561.md) | custom |"
        " [401 Unauthorized](https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2) |" in index
    )
    assert "| [404](codes/404.md) | [Not Found](codes/404.md) | registered | — |" in index
    order = ["## 4xx Client Error {#class-4xx}", "[404](codes/404.md) |",
             "## 5xx Server Error {#class-5xx}", "[561](codes/561.md) |"]
    assert [index.index(text) for text in order] == sorted(index.index(text) for text in order)
    assert "{#unknown-codes}" in index
    assert "2 custom codes\n(499, 561)" in index


def test_custom_code_page_explains_fallback_vendors_and_equivalent(embedded: Catalog) -> None:
    page = docs_plan(embedded)["codes/561.md"]
    assert '!!! warning "Not a standard code"' in page
    assert "treats it as **500 Internal Server Error**" in page
    assert "AWS Application Load Balancer" in page
    assert "handle it the way you handle 401" in page
    assert "status: custom" in page


def test_renamed_registered_code_warns_and_lists_other_uses(several: Catalog) -> None:
    page = docs_plan(several)["codes/451.md"]
    assert '!!! warning "Redefines a standard code"' in page
    assert "IANA registers 451 as **Unavailable For Legal Reasons**" in page
    assert '!!! info "Other meanings in the wild"' in page
    assert "Not a standard code" not in page


def test_deprecated_code_is_flagged_on_its_page_and_in_the_nav(several: Catalog) -> None:
    page = docs_plan(several)["codes/499.md"]
    assert '!!! danger "Deprecated"' in page
    assert "status: deprecated" in page


def test_related_codes_link_to_pages_or_to_the_rfc(several: Catalog) -> None:
    page = docs_plan(several)["codes/561.md"]
    assert "- [404 Not Found](404.md)" in page
    assert "- [401 Unauthorized](https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2)" in page


def test_schema_table_follows_refs_nests_fields_and_shows_null(several: Catalog) -> None:
    page = docs_plan(several)["codes/404.md"]
    rows = [line for line in page.splitlines() if line.startswith("| <code>")]
    names = ["".join(to_html(row.split(" | ")[0][2:]).text) for row in rows]
    assert names == [
        "type", "title", "errors", "errors[].field", "errors[].code", "retry_after", "meta",
        "meta.request_id",
    ]
    assert "| string (uri-reference) | yes | The kind of problem. |" in rows[0]
    assert "| integer or null | no |" in rows[5]
    assert "One of: <code>missing</code>, <code>invalid</code>." in rows[4]
    assert "Example: <code>req-42</code>." in rows[7]


def test_examples_show_request_and_response_in_http_and_curl_tabs(embedded: Catalog) -> None:
    page = docs_plan(embedded)["codes/561.md"]
    assert page.count('=== "HTTP"') == page.count('=== "curl"') == 4
    assert "{#example-api-request-without-token}" in page
    assert "    HTTP/1.1 561 Unauthorized\n" in page
    assert "    curl -i \\\n" in page
    assert "#!/bin/sh" not in page


def test_fence_is_longer_than_any_backtick_run_inside() -> None:
    block = fence("a ```` b\n```\n", "text")
    assert block.startswith("````` text\n") and block.endswith("\n`````")
    assert "".join(to_html(block).text) == "a ```` b\n```\n"


def test_prose_shows_raw_html_attribute_lists_and_comments_as_text() -> None:
    tags = to_html(prose("a <b>x</b> {: onclick=y}\n\n<!-- c --> <![CDATA[d]]>"))
    assert "".join(tags.text) == "a <b>x</b> {: onclick=y}\n<!-- c --> <![CDATA[d]]>"
    assert [tag for tag, _ in tags.tags] == ["div", "p", "p"]


def test_prose_keeps_emphasis_code_spans_lists_and_safe_links() -> None:
    tags = to_html(prose(
        "**Use** `<b>` and <https://example.com/a?b=1>.\n\n- [z](#causes)\n- *y*"
    ))
    assert [tag for tag, _ in tags.tags] == [
        "div", "p", "strong", "code", "a", "ul", "li", "a", "li", "em",
    ]
    hrefs = [attrs["href"] for tag, attrs in tags.tags if tag == "a"]
    assert hrefs == ["https://example.com/a?b=1", "#causes"]
    assert "<b>" in "".join(tags.text)


def test_prose_drops_link_targets_that_run_code() -> None:
    text = (
        "[x](JavaScript:alert) [y](java&#115;cript:z) [w](data:text/html,x)"
        " [v][r] ![i](vbscript:q)\n\n[r]: javascript:alert(1)"
    )
    tags = to_html(prose(text))
    links = [attrs for tag, attrs in tags.tags if tag == "a"]
    assert len(links) == 5
    assert all("href" not in attrs for attrs in links), links


def test_prose_images_become_links_so_pages_load_nothing() -> None:
    tags = to_html(prose("![logo](https://example.com/a.png)"))
    assert ("a", {"href": "https://example.com/a.png", "rel": "noopener noreferrer"}) in tags.tags
    assert "img" not in [tag for tag, _ in tags.tags]


def test_inline_prose_keeps_table_cells_whole_with_pipes_and_escaped_pipes() -> None:
    cell = inline("a | b \\| `c|d` `e`\nf")
    tags = to_html(f"| x |\n| --- |\n| {cell} |")
    assert tags.cells == [1, 1]
    assert "".join(tags.text).split() == ["x", "a", "|", "b", "|", "c|d", "e", "f"]


def test_literal_and_code_neutralise_markdown_and_html() -> None:
    assert literal("*a* <b> {#id}") == "&#42;a&#42; &#60;b&#62; &#123;&#35;id&#125;"
    assert "".join(to_html(code("`|` *x*")).text) == "`|` *x*"


@given(st.text(st.sampled_from(list("Aa1 ,.;?'\t\n-")), max_size=12))
def test_plain_words_shortcut_renders_what_markdown_and_nh3_render(text: str) -> None:
    assert render(text) == sanitized(text)


_NASTY = st.text(
    alphabet=st.sampled_from(list("<>&\"'`|*_{}[]()#!:=\\/ \nabcscriptonerrorjavascript")),
    min_size=1,
    max_size=60,
).filter(lambda text: text.strip() != "")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    summary=_NASTY, description=_NASTY, cause=_NASTY, title=_NASTY, header=_NASTY,
)
def test_any_catalog_text_renders_inert_with_whole_tables(
    summary: str, description: str, cause: str, title: str, header: str
) -> None:
    catalog = Catalog.model_validate({
        "specgen": 1,
        "info": {"title": title, "version": "1", "description": description},
        "codes": {
            599: {
                "reason": "Odd",
                "summary": summary,
                "description": description,
                "causes": [cause],
                "headers": {"X-A": {"description": header}},
                "examples": [{"title": title, "scenario": description}],
            }
        },
    })
    for page in docs_plan(catalog).values():
        tags = to_html(page)
        assert_inert(tags)
        assert set(tags.cells) <= {4, 5}


@pytest.mark.parametrize("text", [
    "[" * 8000 + "x",
    ("[" + "a " * 200) * 256,
    "".join("    " * depth + "- a\n" for depth in range(300)),
], ids=["bracket-run", "brackets-spread", "nested-lists"])
def test_prose_markdown_cannot_render_in_time_shows_as_written_at_once(text: str) -> None:
    started = time.monotonic()
    shown = "".join(to_html(prose(text)).text)
    assert time.monotonic() - started < 4
    assert shown.split() == text.split()


def test_links_are_still_found_after_prose_too_deep_for_the_parser() -> None:
    prose("".join("    " * depth + "- a\n" for depth in range(300)))
    assert links_of("[a](https://example.com/b) [c](#d)") == ("https://example.com/b", "#d")


@settings(max_examples=500)
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
       | st.text(st.sampled_from(' "\\\xa0\ufeff\ufffd\t\x7f\x85é𝄞'), max_size=6))
def test_front_matter_strings_are_pyyamls_double_quoted_scalars(text: str) -> None:
    expected = yaml.dump(text, allow_unicode=True, width=1 << 30, default_style='"').strip()
    assert _yaml_string(text) == expected
    assert yaml.safe_load(_yaml_string(text)) == text
