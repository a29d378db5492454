"""`specgen diff --format markdown` reads as written raw (it is pasted into pull requests) and,
rendered, shows catalog text literally: no HTML, link, emphasis, code or block comes of it."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from click.testing import CliRunner
from conftest import DATA
from markdown_it import MarkdownIt

from specgen.cli import cli
from specgen.docs.markdown import code_span, escaped

ROOT = Path(__file__).resolve().parent.parent
# Field names are catalog text that reaches the report's messages ("field NAME was added").
HOSTILE = [
    "<script>alert(1)</script>", "[x](javascript:alert(1))", "![i](x.png)", "[^1]",
    "<http://x.example>", "a|b", "# heading", "`tick`", "``two``", "*star*", "**bold**",
    "_under_", "__dunder__", "~~strike~~", "{#id .cls}", "&amp; &#58;", "back\\*slash\\",
    "x\n# heading\n- item\n> quote\n1. one", "trailing  \nbreak", "[][link]", "[](x)",
    "~sub~", "a~b~c", "HEAD~1", "~~~",
]


def _site_renderer() -> markdown.Markdown:
    """Python-Markdown as MkDocs runs it for this project's site: MkDocs' own extensions and
    those of mkdocs.yml, with the ones a site commonly adds."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    names = ["toc", "tables", "fenced_code", "md_in_html", "def_list", "footnotes", "abbr",
             "pymdownx.tilde"]
    configs = {}
    for entry in config["markdown_extensions"]:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        names.append(name)
        configs[name] = options
    return markdown.Markdown(extensions=list(dict.fromkeys(names)), extension_configs=configs)


class _Page(HTMLParser):
    """The tags of an HTML page (but the toc's permalinks) and the text of each list item."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.items: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if ("class", "headerlink") not in attrs:
            self.tags.add(tag)
        if tag == "li":
            self.items.append("")

    def handle_data(self, data: str) -> None:
        if self.items:
            self.items[-1] += data


def _report(tmp_path: Path, names: list[str]) -> str:
    old = yaml.safe_load((DATA / "diff" / "base.yaml").read_text(encoding="utf-8"))
    new = yaml.safe_load((DATA / "diff" / "base.yaml").read_text(encoding="utf-8"))
    new["schemas"]["Error"]["properties"].update({name: {"type": "string"} for name in names})
    for path, catalog in [(tmp_path / "old.yaml", old), (tmp_path / "new.yaml", new)]:
        path.write_text(yaml.safe_dump(catalog, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(cli, ["diff", str(tmp_path / "old.yaml"),
                                      str(tmp_path / "new.yaml"), "--format", "markdown"])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("renderer", ["site", "commonmark"])
def test_hostile_catalog_text_shows_literally_once_rendered(renderer: str,
                                                            tmp_path: Path) -> None:
    """Rendered by the site's Python-Markdown or a CommonMark renderer (GitHub's kind), each
    hostile field name shows as its text, and the page holds only the report's own tags."""
    report = _report(tmp_path, HOSTILE)
    if renderer == "site":
        rendered = _site_renderer().convert(report)
    else:
        rendered = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(report)
    page = _Page()
    page.feed(rendered)
    assert page.tags <= {"h1", "h2", "p", "ul", "li", "code"}
    for name in HOSTILE:
        shown = f"field {' '.join(name.split())} was added"
        assert any(shown in item for item in page.items), (name, page.items)


def test_ordinary_text_reads_without_references(tmp_path: Path) -> None:
    """Colons, dots, quotes, field paths and snake_case stay as written in the raw report."""
    report = _report(tmp_path, ["wait_seconds", "items[].code", "a:b.c", "x=y 'q'"])
    assert "&#" not in report
    assert "- `schema Error (400 application/json, 429 application/json)`: field wait_seconds" \
        " was added (`field-added`)" in report
    for name in ["items[].code", "a:b.c", "x=y 'q'"]:
        assert f"field {name} was added" in report


@pytest.mark.parametrize(("text", "raw"), [
    ("a: b.", "a: b."),
    ("<b> & &amp;", "&lt;b> & &amp;amp;"),
    ("[x](y) items[] [](y)", r"\[x](y) items[] \[](y)"),
    ("_a_ a_b b_ *c* `d` \\ | # {e} ~~f~~", r"\_a\_ a_b b\_ \*c\* \`d\` \\ \| \# \{e} "
                                            "&#126;&#126;f&#126;&#126;"),
    ("line\n# two", r"line \# two"),
    ("HEAD~1, one tilde", "HEAD~1, one tilde"),
    ("~a~ b", "&#126;a&#126; b"),
])
def test_escaped_marks_only_syntax(text: str, raw: str) -> None:
    assert escaped(text) == raw


@pytest.mark.parametrize(("text", "raw"), [
    ("plain", "`plain`"), ("a``b", "```a``b```"), ("`x`", "`` `x` ``"), ("a\nb", "`a b`"),
])
def test_code_span_fences_any_backticks(text: str, raw: str) -> None:
    assert code_span(text) == raw


def test_changes_are_a_tight_list(tmp_path: Path) -> None:
    """Items follow each other without blank lines, raw and rendered (no <p> in an item, which
    would space them apart), in the site's renderer and a CommonMark one alike."""
    report = _report(tmp_path, ["alpha", "beta", "gamma"])
    lines = report.splitlines()
    first = next(n for n, line in enumerate(lines) if line.startswith("- "))
    assert all(line.startswith("- ") for line in lines[first:first + 3])
    assert "\n\n\n" not in report and report.endswith(")\n")
    for rendered in (_site_renderer().convert(report),
                     MarkdownIt("commonmark").render(report)):
        assert "<li>" in rendered and "<li>\n<p>" not in rendered and "<li><p>" not in rendered


def test_a_revision_with_a_tilde_reads_as_written_in_the_heading() -> None:
    """`--since HEAD~1`: the page's title shows HEAD~1 raw too, not a character reference."""
    from specgen.diff.report import markdown as report_page

    assert report_page([], "Changes since HEAD~1").startswith("# Changes since HEAD~1\n")
