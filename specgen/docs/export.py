"""catalog.json: the catalog's codes and problem types for tools, with the URLs of their pages.

It is written beside the pages (so MkDocs publishes it at the site's root, as Twilio publishes
its error dictionary) with its JSON Schema, `catalog.schema.json`, which ships in the package.
Page URLs are relative to catalog.json and follow MkDocs' default directory URLs.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from ..catalog import registry
from ..catalog.models import Catalog
from ..catalog.senders import origin
from ..text.render import dump_json
from .links import page_path
from .problem import problem_path

EXPORT = "catalog.json"
EXPORT_SCHEMA = "catalog.schema.json"


def export_schema_text() -> str:
    """The JSON Schema of catalog.json, as shipped in the package."""
    return files("specgen.docs").joinpath("data/catalog-export.schema.json").read_text("utf-8")


def _url(path: str) -> str:
    """The URL of a page under MkDocs' directory URLs: `codes/561.md` → `codes/561/`."""
    return path.removesuffix(".md") + "/"


def _sender(catalog: Catalog, number: int) -> dict[str, Any] | None:
    """Who sends a code, for tools (None: the API itself)."""
    sender = origin(catalog, number)
    if sender.is_api:
        return None
    return {"name": sender.phrase, "component": sender.component,
            "reaches_client": sender.reaches_client}


def export_data(catalog: Catalog) -> dict[str, Any]:
    """The content of catalog.json."""
    codes = []
    for number in sorted(catalog.codes):
        status = catalog.codes[number]
        codes.append({
            "code": number,
            "reason": status.reason,
            "summary": status.summary,
            "doc": _url(page_path(number)),
            "registered": registry.facts(number).registered is not None,
            "equivalent": status.equivalent,
            "deprecated": status.deprecated,
            "problems": list(status.problems),
            "sender": _sender(catalog, number),
        })
    problems = []
    for number, slug, problem in catalog.problem_types():
        deprecated = problem.deprecated
        extensions = problem.extensions.get("properties")
        problems.append({
            "slug": slug,
            "type": catalog.problem_uri(slug, problem),
            "title": problem.title,
            "status": number,
            "detail": problem.detail,
            "doc": _url(problem_path(slug)),
            "retryable": problem.retryable,
            "since": problem.since,
            "deprecated": None if deprecated is None else {
                "since": deprecated.since, "sunset": deprecated.sunset,
                "use_instead": deprecated.use_instead,
            },
            "tags": list(problem.tags),
            "extensions": list(extensions) if isinstance(extensions, dict) else [],
        })
    return {
        "$schema": EXPORT_SCHEMA,
        "export": 1,
        "title": catalog.info.title,
        "version": catalog.info.version,
        "problem_base": catalog.problem_base,
        "codes": codes,
        "problems": problems,
    }


def export_plan(catalog: Catalog) -> dict[str, str]:
    """catalog.json and its schema, by file name in the docs folder."""
    return {EXPORT: dump_json(export_data(catalog)) + "\n", EXPORT_SCHEMA: export_schema_text()}
