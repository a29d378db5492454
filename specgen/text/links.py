"""Links between codes in catalog prose: `[text](code:422)` or `[text](code:422#anchor)`.

One form in the catalog, which each output resolves: the site links to the code's page
(`codes/422/`, MkDocs' default directory URLs); OpenAPI descriptions link to the page under the
catalog's `docs_url`, or show the link's text alone when there is none.
"""

from __future__ import annotations

import re
from collections.abc import Callable

SCHEME = "code"
_TARGET = re.compile(r"code:(?P<code>[1-5][0-9]{2})(?:#(?P<anchor>[A-Za-z0-9_-]+))?")
# A Markdown inline link whose target is a code link; the text holds no brackets.
_MARKDOWN_LINK = re.compile(r"\[(?P<text>[^\[\]]*)\]\((?P<target>code:[^()\s]*)\)")


def may_hold(text: str) -> bool:
    """Whether Markdown text may hold a code link: the cheap test before the pattern's."""
    return "](code:" in text


def targets(text: str) -> list[str]:
    """The targets of the code links in Markdown text."""
    return [match["target"] for match in _MARKDOWN_LINK.finditer(text)] if may_hold(text) else []


def parse(target: str) -> tuple[int, str] | None:
    """The code and anchor ('' for none) a `code:` link names (None: not one)."""
    match = _TARGET.fullmatch(target)
    return None if match is None else (int(match["code"]), match["anchor"] or "")


def page_url(code: int, anchor: str = "") -> str:
    """The URL of a code's page relative to the site's root, with an anchor if given."""
    return f"codes/{code}/" + (f"#{anchor}" if anchor else "")


def resolve_markdown(text: str, url: Callable[[int, str], str | None]) -> str:
    """Markdown with each code link's target replaced by `url(code, anchor)`, or the link by
    its text where that is None."""

    def replace(match: re.Match[str]) -> str:
        named = parse(match["target"])
        if named is None:
            return match[0]
        target = url(*named)
        return match["text"] if target is None else f"[{match['text']}]({target})"

    return _MARKDOWN_LINK.sub(replace, text) if may_hold(text) else text
