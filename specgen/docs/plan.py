"""The documentation site's Markdown: an index of every code and one page per code.

Pages are plain Markdown plus the syntax of Material for MkDocs and pymdownx (admonitions, content
tabs, attribute lists), so they build with MkDocs and its forks with or without specgen's plugin.
Everything shown is escaped here, in Python (see docs_markdown); the templates only lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog.models import Catalog
from ..text.render import render
from .links import CODES_DIR, INDEX, class_title, code_link, is_custom, page_path
from .markdown import code, inline, literal, plain, prose
from .page import code_page
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


def docs_plan(catalog: Catalog) -> dict[str, str]:
    """Markdown pages relative to the docs folder: `index.md`, `codes/<code>.md` per code and
    `problems/<slug>.md` per problem type."""
    pages = {INDEX: render("docs/index.md.jinja", index=index_view(catalog),
                           problems=problem_rows(catalog, ""))}
    for number in sorted(catalog.codes):
        pages[page_path(number)] = render("docs/code.md.jinja", page=code_page(catalog, number),
                                          problems=problem_rows(catalog, CODES_DIR, number))
    for number, slug, _ in catalog.problem_types():
        pages[problem_path(slug)] = render("docs/problem.md.jinja",
                                           page=problem_page(catalog, number, slug))
    return pages


@dataclass(frozen=True)
class IndexRow:
    """One code in the index table; every cell is safe Markdown."""

    code: int
    link: str
    reason: str
    klass: str
    standing: str
    equivalent: str
    summary: str


@dataclass(frozen=True)
class IndexView:
    """What the index page shows."""

    title: str
    meta_description: str
    description: str
    version: str
    rows: list[IndexRow]
    custom: list[int]


def index_view(catalog: Catalog) -> IndexView:
    """The index page's content: the catalog's title and a row per code."""
    rows = []
    for number in sorted(catalog.codes):
        status = catalog.codes[number]
        link = page_path(number)
        equivalent = (
            code_link(catalog, status.equivalent, "") if status.equivalent is not None else ""
        )
        rows.append(IndexRow(
            code=number,
            link=link,
            reason=f"[{literal(status.reason)}]({link})",
            klass=class_title(number),
            standing="custom" if is_custom(number) else "registered",
            equivalent=equivalent,
            summary=inline(status.summary) + (" *(deprecated)*" if status.deprecated else ""),
        ))
    info = catalog.info
    return IndexView(
        title=literal(info.title),
        meta_description=plain(info.description or info.title),
        description=prose(info.description),
        version=code(info.version),
        rows=rows,
        custom=[number for number in sorted(catalog.codes) if is_custom(number)],
    )
