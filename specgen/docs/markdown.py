"""Markdown building blocks for the docs pages: literal values, code fences and the author's prose.

Two kinds of text go into a page, and they are treated differently:

* **literal values** (reason phrases, header values, example titles, enum values, media types) are
  shown exactly as written: every character Markdown or HTML could read as syntax becomes a numeric
  character reference, so a value can neither format nor break a heading, table cell or list;
* **prose** (summaries, descriptions, causes, remedies, scenarios, schema descriptions) is the
  author's Markdown. It becomes HTML only through the sanitizer (`sanitize`): rendered by
  Python-Markdown, cleaned by nh3's allowlist, and embedded as HTML that no later Markdown pass
  reads as syntax. Raw HTML in prose shows as text; links keep http, https, mailto and `#anchor`
  targets (`links.dangling` refuses anchors a page lacks), and `code:NNN` links become the URL
  of that code's page relative to the page they are on.

Code blocks use a backtick fence longer than any backtick run in their content, so no content can
close them early.

Reports that people also read raw (`specgen diff --format markdown`, pasted into pull requests)
use `escaped` and `code_span` instead of `literal` and `code`: they mark only what GitHub's and
Python-Markdown's inline syntax reads, with backslashes where both take them, so ordinary text
stays as written; they are for inline text, never the start of a line.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import yaml

from ..text import links as code_links
from .sanitize import inert_text, render, unwrap

# ASCII punctuation that Markdown, its extensions (attr_list's {#id}, tables' |) or HTML may
# read as syntax. Letters, digits, spaces and harmless punctuation stay as they are.
_LITERAL_REFERENCES = str.maketrans(
    {char: f"&#{ord(char)};" for char in "&<>\"'|\\`*_{}[]()#~^=:!+$"}
)
# Inline syntax of CommonMark/GFM and Python-Markdown with MkDocs' extensions, and its escape.
# `\ * { # |` take a backslash in both (MkDocs always loads `tables`, which adds `|`); `<` (raw
# HTML, autolinks) does not in Python-Markdown, so it becomes a reference, as does `&` where it
# could start one. `[` opens links, images and footnotes, except in the `[]` of a field path
# that no `(` or `[` follows; `_` emphasises, except between two letters or digits. `~` is
# syntax only in pairs (GFM's ~strike~ and ~~strike~~, pymdownx.tilde's ~sub~): see `escaped`.
_SYNTAX = re.compile(r"[\\`*{#|]|<|&(?=[#A-Za-z0-9])|\[(?!\](?![(\[]))|(?<![^\W_])_|_(?![^\W_])")
_ESCAPES = {"<": "&lt;", "&": "&amp;"}
_LINKS: ContextVar[list[str] | None] = ContextVar("specgen_prose_links", default=None)
# The folder of the page being rendered ('' for the index), which code links are relative to.
_HERE: ContextVar[str] = ContextVar("specgen_page_folder", default="")
# A code link as the sanitized HTML has it: `code:` with its colon as a character reference.
_CODE_HREF = re.compile(r'href="code&#58;([^"]*)"')
# Characters PyYAML's double-quoted style writes as escapes (besides `"` and `\\`): all but
# printable ASCII and the printable BMP, and U+00A0 and U+FEFF too.
_YAML_ESCAPED = re.compile("[^\x20-\x7e\xa1-\ud7ff\ue000-\ufefe\uff00-\ufffd]")


def literal(text: str) -> str:
    """A value shown exactly as written, inline: no Markdown or HTML in it takes effect."""
    return " ".join(text.split()).translate(_LITERAL_REFERENCES)


def code(text: str) -> str:
    """A literal value in code style, safe inside headings, table cells and lists."""
    return f"<code>{literal(text)}</code>"


def escaped(text: str) -> str:
    """Text shown as written, inline, that reads as written in the raw Markdown too: only what
    would be syntax is escaped, so no HTML, link, emphasis, code or table cell comes of it."""
    flat = " ".join(text.split())
    marked = _SYNTAX.sub(lambda match: _ESCAPES.get(match[0], "\\" + match[0]), flat)
    # A lone tilde (`HEAD~1`) has nothing to pair with, so it stays as written; with two or
    # more, any pair could strike or subscript, and Python-Markdown takes no backslash before
    # `~`: every one becomes a reference.
    return marked.replace("~", "&#126;") if flat.count("~") > 1 else marked


def code_span(text: str) -> str:
    """Text in a Markdown code span, whose content no Markdown reads: the backtick run around
    it is longer than any inside, and spaces keep a backtick at either end apart from it."""
    flat = " ".join(text.split())
    ticks = _backticks(flat, 1)
    padded = f" {flat} " if flat.startswith("`") or flat.endswith("`") else flat
    return f"{ticks}{padded}{ticks}"


def _backticks(text: str, least: int) -> str:
    """A run of at least `least` backticks, longer than any run in `text`: around the text, as
    a code span's or a fence's, no run inside can close it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(least, longest + 1)


def fence(text: str, info: str = "") -> str:
    """A fenced code block holding `text` verbatim, whatever backticks it contains."""
    ticks = _backticks(text, 3)
    body = text if text.endswith("\n") or not text else text + "\n"
    opening = f"{ticks} {info}".rstrip()
    return f"{opening}\n{body}{ticks}"

def prose(text: str) -> str:
    """The author's Markdown as one line of sanitized HTML, a block of its own on the page."""
    if not text.strip():
        return ""
    rendered = render(text)
    _note(rendered.links)
    return _resolved(rendered.html)


def inline(text: str) -> str:
    """The author's Markdown as sanitized HTML for table cells: one line, no `|` to split them."""
    if not text.strip():
        return ""
    rendered = render(text)
    _note(rendered.links)
    return unwrap(_resolved(rendered.html))


def plain(text: str) -> str:
    """Prose reduced to one line of text for HTML attributes such as the page description."""
    flat = " ".join(text.split()).replace("`", "")
    return (
        flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace('"', "&quot;").replace("'", "&#39;")
    )


def meta(text: str) -> str:
    """Prose as a YAML string for the front matter's description (an HTML attribute's text)."""
    return _yaml_string(plain(text))


def meta_title(text: str) -> str:
    """A page title as a YAML string for the front matter: the nav, the header and `<title>`.

    Themes insert the title unescaped, and some unescape it first (Jinja's `striptags`), so an
    escaped `<` would come back as a tag and `</title>` could end the element. A fullwidth sign
    reads the same and is never markup. `&` and quotes are escaped for the themes that insert the
    title as is, into text or an attribute (readthedocs' `title="..."`).
    """
    flat = " ".join(text.split()).replace("&", "&amp;").replace('"', "&quot;").replace("'", "&#39;")
    return _yaml_string(flat.replace("<", "\uff1c").replace(">", "\uff1e"))


def _yaml_string(text: str) -> str:
    if not _YAML_ESCAPED.search(text):
        # What PyYAML writes for text without characters it escapes, at a fraction of its cost
        # (two strings per page); tests/test_docs.py checks both agree.
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    # PyYAML escapes what YAML forbids in a stream (controls, U+FEFF…) and writes characters
    # beyond the BMP as one \\U escape, never as the surrogate pairs MkDocs' loader refuses.
    return yaml.dump(text, allow_unicode=True, width=1 << 30, default_style='"').strip()


def _resolved(rendered: str) -> str:
    """Sanitized HTML whose code links lead to the code's page, relative to the page's folder
    (MkDocs' directory URLs put `codes/561.md` at `codes/561/`, two levels down)."""
    if "code&#58;" not in rendered:
        return rendered
    up = "../../" if _HERE.get() else ""

    def replace(match: re.Match[str]) -> str:
        named = code_links.parse("code:" + html.unescape(match[1]))
        if named is None:
            return match[0]  # `check` refuses the catalog
        return f'href="{inert_text(up + code_links.page_url(*named))}"'

    return _CODE_HREF.sub(replace, rendered)


@contextmanager
def collecting_links(here: str = "") -> Iterator[list[str]]:
    """The link targets of the prose rendered inside the block, to check them against a page,
    which lives in the folder `here` ('' for the docs folder itself)."""
    found: list[str] = []
    token = _LINKS.set(found)
    folder = _HERE.set(here)
    try:
        yield found
    finally:
        _LINKS.reset(token)
        _HERE.reset(folder)


def links_of(text: str) -> tuple[str, ...]:
    """The link targets of the author's Markdown, as its sanitized HTML has them."""
    return render(text).links if text.strip() else ()


def _note(links: tuple[str, ...]) -> None:
    found = _LINKS.get()
    if found is not None:
        found.extend(links)
