"""The two catalog files `specgen diff` compares: parsed in full, validated where they can differ.

Validating a big catalog costs far more than comparing it, and most of two versions is the same.
A model is a function of its data, so a problem type written alike in both files, under the same
code, is the same model on both sides; it compares equal unless what it refers to outside itself
changed: the catalog's `problem_base` (its type URI, when it gives no `type`) or `schemas` (the
`$ref`s of its extensions). Such problem types are left out of both sides before validation, and
so are examples, which no rule of diff reads. Everything else (the catalog's top level, every
code, every other problem type) is validated as `load` validates it, and a catalog that does
not validate is refused with its problems located. Of `check`'s rules, diff applies those that
decide what it compares (problem type slugs are unique, named body schemas and shared headers
exist); the others are about examples and prose, which are `specgen check`'s business.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..catalog.load import catalog_model, importable
from ..catalog.models import Catalog, ModelRef
from ..catalog.source import Document, decode, no_cycle_collection, parse
from ..errors import LoadError, PathPart, Problem, sorted_problems
from .compare import Schemas, compare
from .report import Located, locate


@dataclass
class _Side:
    """One catalog file as parsed, and where its model references import from."""

    document: Document
    folder: Path


def diff_files(old: tuple[str, bytes, Path], new: tuple[str, bytes, Path]) -> list[Located]:
    """What changed from catalog file `old` to `new` (each its name, bytes and the folder its
    model references import from), exactly as comparing the two loaded catalogs finds."""
    with no_cycle_collection():
        return _diff(*(_Side(parse(name, decode(name, raw)), folder)
                       for name, raw, folder in (old, new)))


def _diff(old: _Side, new: _Side) -> list[Located]:
    same = _unchanged(old.document.data, new.document.data)
    old_catalog, new_catalog = (
        _validated(side, _reduced(side.document.data, same)) for side in (old, new)
    )
    changes = compare(old_catalog, new_catalog,
                      (_schemas(old_catalog, old), _schemas(new_catalog, new)))
    return locate(changes, old.document.locate, new.document.locate)


def _validated(side: _Side, data: Any) -> Catalog:
    catalog = catalog_model(side.document, data)
    found = list(_dangling(catalog))
    if found:
        raise LoadError(sorted_problems(
            Problem(side.document.locate(path), message) for path, message in found
        ))
    return catalog


def _dangling(catalog: Catalog) -> Iterator[tuple[tuple[PathPart, ...], str]]:
    """`check`'s errors about what diff compares: a slug twice, a body schema or shared header
    that is not defined (a comparison would silently miss what they stand for). Written here,
    not called from `check`, whose module loads jsonschema for the rules diff does not run."""
    slugs: dict[str, int] = {}
    for code, slug, _ in catalog.problem_types():
        if slug in slugs:
            yield ("codes", code, "problems", slug), (
                f"problem type {slug!r} is also under code {slugs[slug]}; slugs are unique in"
                " the catalog")
        slugs.setdefault(slug, code)
    schemas = ", ".join(sorted(catalog.schemas)) or "none"
    shared = ", ".join(catalog.headers) or "none"
    for code, status in catalog.codes.items():
        for media_type, media in status.content.items():
            if isinstance(media.schema_, str) and media.schema_ not in catalog.schemas:
                yield ("codes", code, "content", media_type, "schema"), (
                    f"schema {media.schema_!r} is not defined (known: {schemas})")
        for name, header in status.headers.items():
            if header.ref is not None:  # a `$ref` the catalog resolved no longer has one
                yield ("codes", code, "headers", name, "$ref"), (
                    f"header {name!r} refers to {header.ref!r}, but `headers` has no"
                    f" {header.shared!r} (defined: {shared})")


def _schemas(catalog: Catalog, side: _Side) -> Schemas:
    """The catalog's named schemas as JSON Schema, models imported from beside the file."""
    if not any(isinstance(schema, ModelRef) for schema in catalog.schemas.values()):
        return dict(catalog.schemas)
    from ..catalog.schemas import SchemaProblem, model_schema

    resolved: Schemas = {}
    problems = []
    with importable(side.folder):
        for name, schema in catalog.schemas.items():
            try:
                resolved[name] = model_schema(schema) if isinstance(schema, ModelRef) else schema
            except SchemaProblem as exc:
                problems.append(Problem(side.document.locate(("schemas", name, "model")),
                                        str(exc)))
    if problems:
        raise LoadError(problems)
    return resolved


def _problems(data: Any) -> dict[Any, list[tuple[str, Any]]]:
    """Every problem type's data by slug, with the code it is under, as written."""
    found: dict[Any, list[tuple[str, Any]]] = {}
    codes = data.get("codes") if isinstance(data, dict) else None
    for code, status in codes.items() if isinstance(codes, dict) else ():
        problems = status.get("problems") if isinstance(status, dict) else None
        for slug, problem in problems.items() if isinstance(problems, dict) else ():
            found.setdefault(slug, []).append((str(code), problem))
    return found


def _without_examples(entry: Any) -> Any:
    if not isinstance(entry, dict):
        return entry
    return {key: value for key, value in entry.items() if key != "examples"}


def _written(value: Any) -> bytes:
    """Parsed data as bytes that differ whenever the data do, types included: == holds between
    1, 1.0 and true, which a client reading the JSON text tells apart. Marshal format 2 writes
    no back-references, so its bytes depend on the values only, not on which objects the parser
    happened to share."""
    return marshal.dumps(value, 2)


def _same(old: Any, new: Any, key: str) -> bool:
    """Whether both catalogs write `key` alike."""
    return _written(old.get(key)) == _written(new.get(key))


def _unchanged(old: Any, new: Any) -> set[Any]:
    """The slugs of the problem types that cannot differ between the two catalogs."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return set()
    same_base, same_schemas = _same(old, new, "problem_base"), _same(old, new, "schemas")
    before, after = _problems(old), _problems(new)
    unchanged = set()
    for slug, places in before.items():
        if len(places) != 1 or len(after.get(slug, ())) != 1:
            continue  # added, removed, or twice in a catalog (refused after validation)
        [(code, problem)], [(new_code, new_problem)] = places, after[slug]
        if code != new_code or not isinstance(problem, dict):
            continue
        if _written(_without_examples(problem)) != _written(_without_examples(new_problem)):
            continue
        if problem.get("type") is None and not same_base:
            continue
        if "$ref" in repr(problem.get("extensions")) and not same_schemas:
            continue
        unchanged.add(slug)
    return unchanged


def _reduced(data: Any, unchanged: set[Any]) -> Any:
    """The catalog without its examples and without the problem types that cannot differ."""
    codes = data.get("codes") if isinstance(data, dict) else None
    if not isinstance(codes, dict):
        return data
    kept = {}
    for code, status in codes.items():
        status = _without_examples(status)
        problems = status.get("problems") if isinstance(status, dict) else None
        if isinstance(problems, dict):
            status["problems"] = {slug: _without_examples(problem)
                                  for slug, problem in problems.items() if slug not in unchanged}
        kept[code] = status
    return {**data, "codes": kept}
