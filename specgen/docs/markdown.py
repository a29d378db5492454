"""Markdown building blocks for the docs pages: literal values, code fences and the author's prose.

Two kinds of text go into a page, and they are treated differently:

* **literal values** (reason phrases, header values, example titles, enum values, media types) are
  shown exactly as written: every character Markdown or HTML could read as syntax becomes a numeric
  character reference, so a value can neither format nor break a heading, table cell or list;
* **prose** (summaries, descriptions, causes, remedies, scenarios, schema descriptions) is the
  author's Markdown and keeps its emphasis, links, lists and code. Raw HTML is the exception: the
  catalog is data that may come from many hands, so `<` outside code is shown as text. A
  description containing `<script>` therefore reads "<script>" and runs nothing. So does `{`, as
  attribute lists (`{onclick=...}`) would otherwise set any HTML attribute. Autolinks
  (`<https://example.com>`) still work, and a fence the author left open is closed at the end of the
  prose so it cannot swallow the rest of the page.

Code blocks use a backtick fence longer than any backtick run in their content, so no content can
close them early.
"""

from __future__ import annotations

import html
import re

# ASCII punctuation that Markdown, its extensions (attr_list's {#id}, tables' |) or HTML may
# read as syntax. Letters, digits, spaces and harmless punctuation stay as they are.
_LITERAL_SPECIAL = frozenset("&<>\"'|\\`*_{}[]()#~^=:!+$")
# Any indentation: fences nested in list items count too.
_FENCE_OPEN = re.compile(r"([ \t]*)(`{3,}|~{3,})(.*)")
_BACKTICKS = re.compile(r"`+")
# Autolinks Python-Markdown turns into links itself (web URLs and e-mail addresses), limited to
# URI characters: anything else that starts with `<` could be read as an HTML tag.
_AUTOLINK = re.compile(
    r"<(?:(?:https?|ftp)://[A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%]+"
    r"|(?:mailto:)?[A-Za-z0-9.!#$%&*+/=?^_{}~-]+@[A-Za-z0-9.-]+)>"
)

# Inline links `[text](target` and reference definitions `[label]: target`.
_LINK_TARGET = re.compile(r"(\]\(\s*<?|^[ \t]*\[[^\]\n]+\]:[ \t]*<?)([^\s)>]+)", re.MULTILINE)
_SAFE_SCHEMES = frozenset({"http", "https", "mailto", "ftp", "tel"})


def code_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, content) of each code span: a backtick run closed by the next run of the
    same length. Found in one pass over the runs; the regex it replaces (`(`+)(.+?)\\1`) tried
    every opener against the rest of the text, so 5 kB of runs of distinct lengths took 30 s."""
    runs = [(match.start(), match.end()) for match in _BACKTICKS.finditer(text)]
    closer: list[int | None] = [None] * len(runs)
    later: dict[int, int] = {}  # run length -> index of the nearest run of that length to the right
    for index in range(len(runs) - 1, -1, -1):
        length = runs[index][1] - runs[index][0]
        closer[index] = later.get(length)
        later[length] = index
    spans = []
    index = 0
    while index < len(runs):
        end = closer[index]
        if end is None:  # no run of the same length follows: the backticks are text
            index += 1
            continue
        spans.append((runs[index][0], runs[end][1], text[runs[index][1] : runs[end][0]]))
        index = end + 1
    return spans


def literal(text: str) -> str:
    """A value shown exactly as written, inline: no Markdown or HTML in it takes effect."""
    flat = " ".join(text.split())
    return "".join(f"&#{ord(ch)};" if ch in _LITERAL_SPECIAL else ch for ch in flat)


def code(text: str) -> str:
    """A literal value in code style, safe inside headings, table cells and lists."""
    return f"<code>{literal(text)}</code>"


def fence(text: str, info: str = "") -> str:
    """A fenced code block holding `text` verbatim, whatever backticks it contains."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    body = text if text.endswith("\n") or not text else text + "\n"
    opening = f"{ticks} {info}".rstrip()
    return f"{opening}\n{body}{ticks}"


def prose(text: str) -> str:
    """The author's Markdown as a block, with raw HTML shown as text and open fences closed."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n")
    out: list[str] = []
    pending: list[str] = []
    closing: re.Pattern[str] | None = None
    fence_mark = ""
    for line in lines:
        if closing is not None:
            out.append(line)
            if closing.fullmatch(line):
                closing = None
            continue
        opened = _FENCE_OPEN.fullmatch(line)
        if opened and not (opened[2][0] == "`" and "`" in opened[3]):
            if pending:
                out.append(_tame("\n".join(pending)))
            pending = []
            out.append(line)
            fence_mark = opened[2]
            closing = re.compile(rf"[ \t]*{re.escape(fence_mark[0])}{{{len(fence_mark)},}}[ \t]*")
            continue
        pending.append(line)
    if pending:
        out.append(_tame("\n".join(pending)))
    if closing is not None:
        out.append(fence_mark)
    return "\n".join(out).strip()


def inline(text: str) -> str:
    """The author's Markdown on one line, for table cells: no raw HTML, no line breaks, `|` kept."""
    flat = " ".join(prose(text).split())
    # A pipe outside a code span would split the table cell; inside one, a backslash would show.
    pieces = []
    position = 0
    for start, end, content in code_spans(flat):
        pieces.append(flat[position:start].replace("|", "\\|"))
        pieces.append(code(content.strip()) if "|" in content else flat[start:end])
        position = end
    pieces.append(flat[position:].replace("|", "\\|"))
    return "".join(pieces)


def plain(text: str) -> str:
    """Prose reduced to one line of text for HTML attributes such as the page description."""
    flat = " ".join(text.split()).replace("`", "")
    return (
        flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace('"', "&quot;").replace("'", "&#39;")
    )


def _tame(text: str) -> str:
    """Escape `<` and `{` outside code: raw HTML shows as text, and no attribute list applies."""
    pieces = []
    position = 0
    for start, end, _ in code_spans(text):
        pieces.append(_escape_tags(text[position:start]))
        pieces.append(text[start:end])
        position = end
    pieces.append(_escape_tags(text[position:]))
    return "".join(pieces)


def _escape_tags(text: str) -> str:
    pieces = []
    position = 0
    for match in _AUTOLINK.finditer(text):
        pieces.append(_escape_outside(text[position:match.start()]))
        pieces.append(match[0])
        position = match.end()
    pieces.append(_escape_outside(text[position:]))
    return "".join(pieces)


def _escape_outside(text: str) -> str:
    # attr_list reads `{onclick=...}` after a paragraph, cell or link as HTML attributes.
    text = text.replace("<", "&lt;").replace("{", "&#123;")
    return _LINK_TARGET.sub(_safe_target, text)


def _safe_target(match: re.Match[str]) -> str:
    """Neutralise link targets with a scheme that runs code (javascript:, data:, …)."""
    target = match[2]
    # Browsers drop whitespace and control characters and decode references before reading
    # the scheme, so `java&#115;cript:` must be caught too.
    bare = re.sub(r"[\x00-\x20]", "", html.unescape(target))
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", bare)
    if scheme and scheme[1].lower() not in _SAFE_SCHEMES:
        return f"{match[1]}#unsafe-link"
    return match[0]
