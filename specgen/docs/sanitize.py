"""The HTML sanitizer boundary: the author's Markdown becomes HTML here, and nowhere else.

Catalog prose is rendered with Python-Markdown (the engine MkDocs uses) and a fixed set of
extensions, then cleaned by nh3, an allowlist sanitizer: only the tags and attributes below
survive, and links keep only http, https, mailto, `code:` (links between codes, resolved per
page by `markdown`) and relative URLs. Raw HTML in the prose is
not interpreted (it shows as text), and images become links, so a page loads nothing a catalog
names.

The clean HTML is then made inert to the Markdown pass of the page that embeds it: every ASCII
punctuation character of its text and attribute values becomes a numeric character reference,
and its line breaks become `&#10;`. What is left is tags and references, which Markdown and its
extensions (attr_list, md_in_html, tables, emphasis, links…) pass through unchanged wherever the
HTML lands: a table cell, a list item, an admonition or the top level.
"""

from __future__ import annotations

import html
import re
import string
from dataclasses import dataclass
from functools import lru_cache
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong",
    "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
})
_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}
# `code:` links between codes stay for `markdown` to resolve to the page's URL.
_SCHEMES = frozenset({"http", "https", "mailto", "code"})
_CLEANER = nh3.Cleaner(
    tags=set(_TAGS),
    attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
    url_schemes=set(_SCHEMES),
    link_rel="noopener noreferrer",
    strip_comments=True,
)
# ASCII punctuation is syntax to Markdown or one of its extensions; `, . ; ?` only ever next to
# other punctuation or at the start of a line, and no line starts inside this HTML.
_INERT = str.maketrans({
    char: f"&#{ord(char)};" for char in set(string.punctuation + "\n") - set(",.;?")
})
# nh3 serialises every attribute value in double quotes, with `"` and `&` escaped inside.
_TAG = re.compile(r"<(/?[a-z0-9]+)((?: [a-z-]+=\"[^\"]*\")*)(/?)>")
_ATTRIBUTE = re.compile(r" ([a-z-]+)=\"([^\"]*)\"")
_WRAPPER = '<div class="specgen-prose">'
# Python-Markdown looks for the end of a link or code span from every `[` and backtick of a
# paragraph, to the paragraph's end when there is none: about 0.6 µs per `[` per character,
# so 4,000 `[` take a minute. Capping them per paragraph, and their product with its length,
# bounds that work (to about a second); prose beyond the caps is shown as written.
_MAX_OPENERS = 128
_MAX_SCAN = 2_000_000
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# Lists or quotes nested this deep document nothing, and Python-Markdown recurses once per
# level until the interpreter's limit, which takes seconds: such prose is shown as written.
_TOO_DEEP = re.compile(r"^(?:(?: {4}|\t|>[ \t]?)){32}", re.M)
# One line of words that no Markdown syntax can start: a letter first (not a list number or an
# indent), no space last (two make a line break).
_WORDS = re.compile(r"[A-Za-z](?:[A-Za-z0-9 ,.;?']*[A-Za-z0-9,.;?'])?")


@dataclass(frozen=True)
class Rendered:
    """A text as inert HTML, with the targets of its links."""

    html: str
    links: tuple[str, ...]


class _NoImages(Treeprocessor):
    """Images become links to them: a catalog never makes a page load something."""

    def run(self, root: Element) -> None:
        for image in root.iter("img"):
            source = image.get("src", "")
            alt = image.get("alt", "") or source
            image.attrib.clear()
            image.tag = "a"
            image.set("href", source)
            image.text = alt


class _Prose(Extension):
    """Raw HTML stays text (its `<` is escaped); images become links."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_NoImages(md), "specgen_no_images", 5)


def _new_markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=["fenced_code", "tables", "sane_lists", _Prose()], output_format="html"
    )


# One instance, reset per text: building one costs more than converting most texts.
_MARKDOWN = [_new_markdown()]


@lru_cache(maxsize=65536)
def render(text: str) -> Rendered:
    """The author's Markdown as clean HTML in a wrapper `div`, inert to any Markdown pass."""
    if _WORDS.fullmatch(text):
        # What Markdown and nh3 make of one line of words, without their cost (most prose of a
        # big catalog); test_docs checks that both paths agree.
        return Rendered(f"{_WRAPPER}<p>{text.translate(_INERT)}</p></div>", ())
    if _TOO_DEEP.search(text) or not all(map(_tractable, _BLANK_LINE.split(text))):
        return verbatim(text)
    try:
        return sanitized(text)
    except RecursionError:  # lists or quotes nested hundreds deep
        # The instance's parser state is left half-way (it then drops links): start afresh.
        _MARKDOWN[0] = _new_markdown()
        return verbatim(text)


def sanitized(text: str) -> Rendered:
    """`render` without the shortcut for plain words: Python-Markdown, then nh3, then `inert`."""
    engine = _MARKDOWN[0].reset()
    clean = _CLEANER.clean(engine.convert(text))
    return Rendered(f"{_WRAPPER}{inert(clean)}</div>", tuple(_links(clean)))


def inert(clean: str) -> str:
    """HTML from nh3 with its text and attribute values as character references."""
    pieces = []
    position = 0
    for tag in _TAG.finditer(clean):
        pieces.append(_text(clean[position:tag.start()]))
        attributes = "".join(
            f' {name}="{_text(value)}"' for name, value in _ATTRIBUTE.findall(tag[2])
        )
        pieces.append(f"<{tag[1]}{attributes}{tag[3]}>")
        position = tag.end()
    pieces.append(_text(clean[position:]))
    return "".join(pieces)


def unwrap(rendered: str) -> str:
    """Rendered HTML without its wrapper and, when it is one paragraph, without the `<p>`."""
    inner = rendered.removeprefix(_WRAPPER).removesuffix("</div>")
    if inner.startswith("<p>") and inner.endswith("</p>") and inner.count("<p>") == 1:
        return inner[3:-4]
    return inner


def _tractable(paragraph: str) -> bool:
    openers = max(paragraph.count("["), paragraph.count("`"))
    return openers <= _MAX_OPENERS and openers * len(paragraph) <= _MAX_SCAN


def verbatim(text: str) -> Rendered:
    """The text as it is written, one paragraph, for prose Markdown cannot render in time."""
    clean = _CLEANER.clean(html.escape(text, quote=False))
    return Rendered(f"{_WRAPPER}<p>{inert(clean)}</p></div>", ())


def inert_text(text: str) -> str:
    """Plain text (an attribute value) made inert like every text of the sanitized HTML."""
    return text.translate(_INERT)


def _text(escaped: str) -> str:
    # `&` and `<` become references again, so no text can start a tag or a reference.
    return html.unescape(escaped).translate(_INERT)


def _links(clean: str) -> list[str]:
    return [
        html.unescape(value)
        for tag in _TAG.finditer(clean) if tag[1] == "a"
        for name, value in _ATTRIBUTE.findall(tag[2]) if name == "href"
    ]
