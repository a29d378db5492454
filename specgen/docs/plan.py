"""The documentation site's Markdown: an index of every code and one page per code.

Pages are plain Markdown plus the syntax of Material for MkDocs and pymdownx (admonitions, content
tabs, attribute lists), so they build with MkDocs and its forks with or without specgen's plugin.
Everything shown is escaped here, in Python (see docs_markdown); the templates only lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog.models import Catalog
from ..catalog.senders import origin
from ..errors import Problem, RenderError, json_pointer
from ..text.render import render
from .links import CHANGES, CODES_DIR, INDEX, class_title, code_link, dangling, is_custom, page_path
from .markdown import code, collecting_links, inline, literal, meta, meta_title, prose
from .page import code_page, sentence
from .problem import problem_page, problem_path, problem_rows

EXTENSIONS = {
    "admonition": {},
    "attr_list": {},
    "tables": {},
    "toc": {"permalink": True},
    "pymdownx.details": {},
    "pymdownx.highlight": {},
    "pymdownx.superfences": {},
    "pymdownx.tabbed": {"alternate_style": True},
}
"""The Markdown extensions the pages use, with the options they need."""


def docs_plan(catalog: Catalog, changes: str | None = None) -> dict[str, str]:
    """Markdown pages relative to the docs folder: `index.md`, `codes/<code>.md` per code and
    `problems/<slug>.md` per problem type, and `changes` (the Markdown of what changed since a
    revision, `diff.revision.changes_since`) as `changes.md`, which the index links to. Links
    in prose that lead nowhere are render errors."""
    problems: list[Problem] = []
    # Links are checked once every page exists: a code link may name another page's anchor.
    checks: list[tuple[str, str, list[str], list[tuple[str, str]], str]] = []
    with collecting_links() as links:
        index = render("docs/index.md.jinja", index=index_view(catalog),
                       problems=problem_rows(catalog, ""),
                       changes=CHANGES if changes is not None else None)
    shown = [("/info/description", catalog.info.description)] + [
        (f"/codes/{number}/summary", status.summary) for number, status in catalog.codes.items()
    ]
    checks.append((INDEX, f"the index page ({INDEX})", links, shown, "/info"))
    pages = {INDEX: index} | ({} if changes is None else {CHANGES: changes})
    for number in sorted(catalog.codes):
        path = page_path(number)
        with collecting_links(CODES_DIR) as links:
            page = render("docs/code.md.jinja", page=code_page(catalog, number),
                          problems=problem_rows(catalog, CODES_DIR, number))
        checks.append((path, f"the page of {number}", links, _prose_fields(catalog, number),
                       f"/codes/{number}"))
        pages[path] = page
    for number, slug, problem in catalog.problem_types():
        path = problem_path(slug)
        with collecting_links(path.rpartition("/")[0]) as links:
            page = render("docs/problem.md.jinja", page=problem_page(catalog, number, slug))
        base = ("codes", number, "problems", slug)
        fields: list[tuple[tuple[str | int, ...], str]] = [
            (("detail",), problem.detail), (("retry",), problem.retry),
            *((("causes", i), text) for i, text in enumerate(problem.causes)),
            *((("remedies", i), text) for i, text in enumerate(problem.remedies)),
            *((("examples", i, "scenario"), e.scenario) for i, e in enumerate(problem.examples)),
        ]
        checks.append((path, f"the page of problem type {slug}", links,
                       [(json_pointer((*base, *where)), text) for where, text in fields],
                       json_pointer(base)))
        pages[path] = page
    for path, name, links, shown, fallback in checks:
        problems += dangling(pages, path, name, links, shown, fallback)
    # A summary is on its code's page and the index: one mistake, one report.
    problems = list(dict.fromkeys(problems))
    if problems:
        raise RenderError(problems)
    return pages


@dataclass(frozen=True)
class IndexRow:
    """One code in the index table; every cell is safe Markdown."""

    code: int
    link: str
    reason: str
    standing: str
    equivalent: str
    summary: str


@dataclass(frozen=True)
class IndexView:
    """What the index page shows."""

    title: str
    meta_title: str
    meta_description: str
    description: str
    version: str
    rows: list[IndexRow]
    by_class: list[tuple[str, str, list[IndexRow]]]
    """(class heading, its anchor, the class's rows), classes ascending."""
    custom: list[int]
    """The codes outside the IANA registry that the API itself sends."""
    by_sender: list[tuple[str, list[str]]]
    """(sender, links to its codes), the API first; empty when the API sends every code."""
    by_tag: list[tuple[str, list[str]]]
    """(tag, links to its codes), tags in alphabetical order."""


def index_view(catalog: Catalog) -> IndexView:
    """The index page's content: the catalog's title and a row per code."""
    rows = []
    senders: dict[str, list[str]] = {}
    tags: dict[str, list[str]] = {}
    custom = []
    for number in sorted(catalog.codes):
        status = catalog.codes[number]
        link = page_path(number)
        sender = origin(catalog, number)
        senders.setdefault(sentence(literal(sender.label)), []).append(f"[{number}]({link})")
        for tag in dict.fromkeys(status.tags):
            tags.setdefault(tag, []).append(f"[{number}]({link})")
        if is_custom(number) and sender.is_api:
            custom.append(number)
        equivalent = (
            code_link(catalog, status.equivalent, "") if status.equivalent is not None else ""
        )
        rows.append(IndexRow(
            code=number,
            link=link,
            reason=f"[{literal(status.reason)}]({link})",
            standing="registered" if not is_custom(number)
            else "custom" if sender.is_api else "not registered",
            equivalent=equivalent,
            summary=inline(status.summary) + (" *(deprecated)*" if status.deprecated else ""),
        ))
    info = catalog.info
    return IndexView(
        title=literal(info.title),
        meta_title=meta_title(info.title),
        meta_description=meta(info.description or info.title),
        description=prose(info.description),
        version=code(info.version),
        rows=rows,
        by_class=[
            (class_title(digit * 100), f"class-{digit}xx",
             [row for row in rows if row.code // 100 == digit])
            for digit in sorted({row.code // 100 for row in rows})
        ],
        custom=custom,
        by_sender=list(senders.items()) if len(senders) > 1 else [],
        by_tag=[(literal(tag), tags[tag]) for tag in sorted(tags)],
    )


def _prose_fields(catalog: Catalog, number: int) -> list[tuple[str, str]]:
    """(JSON pointer, Markdown) of the prose a code's page shows from the code itself."""
    status = catalog.codes[number]
    fields: list[tuple[tuple[str | int, ...], str]] = [
        (("summary",), status.summary), (("description",), status.description),
        (("retry",), status.retry),
    ]
    fields += [(("causes", i), text) for i, text in enumerate(status.causes)]
    fields += [(("remedies", i), text) for i, text in enumerate(status.remedies)]
    fields += [(("headers", name, "description"), header.description)
               for name, header in status.headers.items()]
    fields += [(("content", media_type, "description"), media.description)
               for media_type, media in status.content.items()]
    fields += [(("examples", i, "scenario"), example.scenario)
               for i, example in enumerate(status.examples)]
    return [(json_pointer(("codes", number, *path)), text) for path, text in fields]
