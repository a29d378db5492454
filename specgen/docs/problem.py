"""One problem type's page, and the rows that list problem types on code pages and the index.

A problem type's page lives at `problems/<slug>.md`, so with MkDocs' directory URLs it is
served at `<site>/problems/<slug>/`: a catalog whose `problem_base` is `<site>/problems/` has
type URIs that lead to their pages (RFC 9457 §3.1.1), as servers answer the URI without the
final slash with a redirect to the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog.models import Catalog, ProblemType
from ..catalog.schemas import resolve
from ..http.transcripts import render_transcript
from .links import CUSTOM_STATUS, is_custom, page_path
from .markdown import code, inline, literal, meta, meta_title, prose
from .page import ExampleView, FieldRow, Notice, example_view, field_row
from .schema import SchemaReader

PROBLEMS_DIR = "problems"


def problem_path(slug: str) -> str:
    """Where a problem type's page lives, relative to the docs folder."""
    return f"{PROBLEMS_DIR}/{slug}.md"


@dataclass(frozen=True)
class ProblemRow:
    """A problem type in a list of them; every cell is safe Markdown."""

    title: str
    code: str
    type_uri: str
    retryable: str
    detail: str


def problem_rows(catalog: Catalog, here: str, only: int | None = None) -> list[ProblemRow]:
    """The problem types of one code (or of all), linked from a page in folder `here`."""
    prefix = "../" if here else ""
    rows = []
    for number, slug, problem in catalog.problem_types():
        if only is not None and number != only:
            continue
        note = " *(deprecated)*" if problem.deprecated is not None else ""
        rows.append(ProblemRow(
            title=f"[{literal(problem.title)}]({prefix}{problem_path(slug)}){note}",
            code=f"[{number}]({prefix}{page_path(number)})",
            type_uri=code_uri(catalog, slug, problem),
            retryable="yes" if problem.retryable else "no",
            detail=inline(problem.detail),
        ))
    return rows


def code_uri(catalog: Catalog, slug: str, problem: ProblemType) -> str:
    """The type URI in code style ('' when it has none: only unchecked catalogs)."""
    uri = catalog.problem_uri(slug, problem)
    return code(uri) if uri else ""


@dataclass(frozen=True)
class ProblemPage:
    """Everything a problem type's page shows; every string is safe Markdown."""

    title: str
    meta_title: str
    meta_description: str
    status: str
    detail: str
    glance: list[tuple[str, str]]
    notices: list[Notice]
    fields: list[FieldRow]
    causes: list[str]
    remedies: list[str]
    retry: str
    examples: list[ExampleView]


def problem_page(catalog: Catalog, number: int, slug: str) -> ProblemPage:
    """The content of one problem type's page."""
    status = catalog.codes[number]
    problem = status.problems[slug]
    glance = [
        ("Type", code_uri(catalog, slug, problem)),
        ("Title", code(problem.title)),
        ("Status", f"[{number} {literal(status.reason)}](../{page_path(number)})"),
        ("Retryable", "yes" if problem.retryable else "no"),
    ]
    if problem.since:
        glance.append(("Since", problem.since))
    if problem.tags:
        glance.append(("Tags", ", ".join(code(tag) for tag in problem.tags)))
    fields = []
    if problem.extensions:
        reader = SchemaReader(resolve(catalog))
        fields = [field_row(row) for row in reader.fields(reader.inline(problem.extensions))]
    flag = "deprecated" if problem.deprecated else CUSTOM_STATUS if is_custom(number) else ""
    return ProblemPage(
        title=literal(problem.title),
        meta_title=meta_title(problem.title),
        meta_description=meta(problem.detail or problem.title),
        status=flag,
        detail=prose(problem.detail),
        glance=glance,
        notices=_notices(catalog, problem),
        fields=fields,
        causes=[prose(cause) for cause in problem.causes],
        remedies=[prose(remedy) for remedy in problem.remedies],
        retry=prose(problem.retry),
        examples=[
            example_view(catalog, render_transcript(catalog, number, example, slug), example)
            for example in problem.examples
        ],
    )


def _notices(catalog: Catalog, problem: ProblemType) -> list[Notice]:
    deprecation = problem.deprecated
    if deprecation is None:
        return []
    parts = ["This API is phasing this problem type out."]
    if deprecation.since:
        parts.append(f"Deprecated since {deprecation.since}.")
    if deprecation.sunset:
        parts.append(f"It is no longer sent from {deprecation.sunset}.")
    if deprecation.use_instead:
        other = next((p for _, s, p in catalog.problem_types() if s == deprecation.use_instead),
                     None)
        name = literal(other.title) if other else code(deprecation.use_instead)
        parts.append(f"Expect [{name}]({deprecation.use_instead}.md) instead.")
    return [Notice("danger", "Deprecated", " ".join(parts))]
