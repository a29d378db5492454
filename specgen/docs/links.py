"""Where the docs pages live and how they link to each other, to RFCs and to the registry."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from ..catalog import registry
from ..catalog.check import link_texts
from ..catalog.models import Catalog, slugify
from ..errors import Location, Problem
from ..text import links as code_links
from .markdown import links_of, literal

INDEX = "index.md"
CHANGES = "changes.md"
"""The page of what changed since a git revision (`build --since`, the plugin's `since`)."""
CODES_DIR = "codes"
CUSTOM_STATUS = "custom"
"""Front-matter `status` of a code that is not IANA-registered; Material marks it in the nav."""
CUSTOM_STATUS_TEXT = "Not a standard HTTP status code"
CATALOG = "catalog"
"""The file name of render errors: the docs see a Catalog, not where it was read."""
_ANCHOR = re.compile(r"\{#([A-Za-z0-9_-]+)\}")
_RFC = re.compile(r"RFC (\d+)(?:, Section ([\d.]+))?")


def page_path(code: int) -> str:
    """Where a code's page lives, relative to the docs folder."""
    return f"{CODES_DIR}/{code}.md"


def class_title(code: int) -> str:
    """The heading of a code's class, e.g. `5xx Server Error`."""
    return f"{code // 100}xx {registry.CLASS_NAMES[code // 100]}"


def is_custom(code: int) -> bool:
    """Whether a code is missing from the IANA registry."""
    return registry.facts(code).registered is None


def rfc_url(reference: str) -> str:
    """The RFC Editor URL of a reference like 'RFC 9110, Section 15.5.2' ('' if it names none)."""
    match = _RFC.fullmatch(reference)
    if match is None:
        return ""
    return f"https://www.rfc-editor.org/rfc/rfc{match[1]}" + (
        f"#section-{match[2]}" if match[2] else ""
    )


def rfc_link(reference: str) -> str:
    """A registry reference as Markdown, linked to the RFC (and section) when it names one."""
    url = rfc_url(reference)
    return f"[{literal(reference)}]({url})" if url else literal(reference)


def code_link(catalog: Catalog, number: int, here: str) -> str:
    """A code named by number and reason, linked to its page (or its RFC) where one exists.

    `here` is the folder of the page the link appears on, relative to the docs folder.
    """
    status = catalog.codes.get(number)
    if status is not None:
        target = page_path(number)
        relative = target.removeprefix(f"{here}/") if here else target
        return f"[{number} {literal(status.reason)}]({relative})"
    entry = registry.facts(number).registered
    if entry is None:
        return str(number)
    name = f"{number} {literal(entry.reason)}"
    url = rfc_url(entry.reference)
    return f"[{name}]({url})" if url else name


def slug_of(text: str, used: set[str]) -> str:
    """An anchor made from text, unique among `used` (which it joins)."""
    base = slugify(text)
    slug, counter = base, 2
    while slug in used:
        slug, counter = f"{base}-{counter}", counter + 1
    used.add(slug)
    return slug


def anchors(page: str) -> set[str]:
    """The anchors a page's Markdown sets on its headings (`{#id}`)."""
    return set(_ANCHOR.findall(page))


def dangling(
    pages: Mapping[str, str],
    path: str,
    name: str,
    links: Iterable[str],
    fields: Iterable[tuple[str, str]],
    fallback: str,
) -> list[Problem]:
    """Problems for links in prose that lead nowhere: to an anchor the page lacks, or relative.

    The prose is HTML that MkDocs neither rewrites nor validates, so a relative link would break
    on a site with directory URLs and a wrong anchor would fail silently. `fields` are the
    (JSON pointer, text) pairs shown on the page, to place each problem; `fallback` is the
    pointer of a link found in none of them (a schema's description). A code link
    (`code:422#anchor`) must lead to an anchor of that code's page among `pages`.
    """
    present = anchors(pages[path])
    problems = []
    for target in dict.fromkeys(links):
        named = code_links.parse(target)
        if named is not None:
            message = _code_link_problem(target, *named, pages)
        else:
            message = _link_problem(target, present, name)
        if message is None:
            continue
        pointer = next(
            (pointer for pointer, text in fields if target in links_of(text)), fallback
        )
        problems.append(Problem(Location(CATALOG, pointer=pointer), message))
    return problems


def _code_link_problem(
    target: str, number: int, anchor: str, pages: Mapping[str, str]
) -> str | None:
    page = pages.get(page_path(number))
    if page is None:  # `check` refuses this catalog; a Catalog built in Python may get here
        return f"the link to {target!r} leads nowhere: the catalog has no code {number}"
    present = anchors(page)
    if not anchor or anchor in present:
        return None
    return (
        f"the link to {target!r} leads nowhere: the page of {number} has no anchor #{anchor}"
        " (it has " + ", ".join(f"#{name}" for name in sorted(present)) + ")"
    )


def refusals(catalog: Catalog) -> None:
    """Raise the RenderError `docs_plan` would raise, rendering the pages only when needed.

    All that docs_plan refuses is prose links that lead nowhere, and only links whose targets
    are page-dependent can. Links come only from `[` (inline and reference links) and `<`
    (autolinks) in the prose renderer's Markdown, so a catalog none of whose texts has such a
    link is proved without rendering (or even importing) the pages.
    """
    if any(any(map(page_dependent, links_of(text))) for text in link_texts(catalog)):
        from .plan import docs_plan  # the pages import templates and every renderer

        docs_plan(catalog)


def page_dependent(target: str) -> bool:
    """Whether `dangling` must see the pages to judge a prose link: one to an anchor (of its
    own page, or of a code's page in `code:422#anchor`) or a relative one (always refused).
    Absolute URLs and plain code links (`check` knows the codes) are judged without pages."""
    named = code_links.parse(target)
    if named is not None:
        return bool(named[1])
    parts = urlsplit(target)
    return not (parts.scheme or parts.netloc or not target)


def _link_problem(target: str, present: set[str], name: str) -> str | None:
    if not page_dependent(target):
        return None
    if target.startswith("#"):
        if target[1:] in present:
            return None
        return (
            f"the link to {target!r} leads nowhere: {name} has no such anchor (it has "
            + ", ".join(f"#{anchor}" for anchor in sorted(present)) + ")"
        )
    return (
        f"the link to {target!r} is relative, and links in catalog text are not resolved:"
        " use an absolute URL, or an #anchor of the page"
    )
