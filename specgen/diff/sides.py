"""The two catalog files `specgen diff` compares: parsed in full, validated where they can differ.

Validating a big catalog costs far more than comparing it, and most of two versions is the same.
A model is a function of its data, so a problem type written alike in both files, under the same
code, is the same model on both sides; it compares equal unless what it refers to outside itself
changed: the catalog's `problem_base` (its type URI, when it gives no `type`) or `schemas` (the
`$ref`s of its extensions). Such problem types are left out of both sides before validation, and
so are examples, which no rule of diff reads. Everything else (the catalog's top level, every
code, every other problem type) is validated as `load` validates it, and a catalog that does
not validate is refused with its problems located. Of `check`'s rules, diff applies those that
decide what it compares (problem type slugs are unique, shared headers exist, schemas are JSON
Schema whose `$ref`s lead somewhere); the others are about examples and prose, which are
`specgen check`'s business.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterator
from functools import partial
from typing import Any

from ..catalog.load import catalog_model, importable
from ..catalog.models import Catalog, ModelRef
from ..catalog.problems import extension_errors
from ..catalog.schemas import schema_errors
from ..errors import LoadError, PathPart, Problem, each_loaded, sorted_problems
from .compare import Schemas, compare
from .files import Side, Span, Written, written
from .report import Located, locate


def diff_sides(old: Side, new: Side) -> list[Located]:
    """What changed from catalog file `old` to `new` (each read by `files.read_side`), exactly
    as comparing the two loaded catalogs finds; `new` may be read knowing `old`'s bytes."""
    new = new.confirmed(old)
    same = _unchanged(old, new)
    (old_catalog, old_schemas), (new_catalog, new_schemas) = each_loaded(
        partial(_validated, side, same) for side in (old, new))
    changes = compare(old_catalog, new_catalog, (old_schemas, new_schemas))
    return locate(changes, old.document.locate, new.document.locate)


def prepare() -> None:
    """Build the catalog's validators now, which pydantic otherwise builds on first use: while
    the files are read elsewhere, the time is free."""
    Catalog.model_rebuild()


def _validated(side: Side, unchanged: set[Any]) -> tuple[Catalog, Schemas]:
    """The side's catalog (without the `unchanged` problem types) and its named schemas
    resolved; LoadError, located, when the catalog breaks a rule that decides what diff
    compares."""
    catalog = catalog_model(side.document, _reduced(side, unchanged))
    schemas = _schemas(catalog, side)
    found = [*_undefined(catalog), *schema_errors(catalog, schemas),
             *extension_errors(catalog, set(catalog.schemas))]
    if found:
        raise LoadError(sorted_problems(
            Problem(side.document.locate(path), message) for path, message in found
        ))
    return catalog, schemas


def _undefined(catalog: Catalog) -> Iterator[tuple[tuple[PathPart, ...], str]]:
    """Of `check`'s errors about what diff compares, those beside the schemas': a slug twice,
    a shared header that is not defined (a comparison would silently miss what they stand
    for). The schemas are refused as `check` refuses them: no JSON Schema, a `$ref` that leads
    nowhere or loops, a body schema that is not defined; the extensions of problem types
    written alike in both files are not read, and not checked."""
    slugs: dict[str, int] = {}
    for code, slug, _ in catalog.problem_types():
        if slug in slugs:
            yield ("codes", code, "problems", slug), (
                f"problem type {slug!r} is also under code {slugs[slug]}; slugs are unique in"
                " the catalog")
        slugs.setdefault(slug, code)
    shared = ", ".join(catalog.headers) or "none"
    for code, status in catalog.codes.items():
        for name, header in status.headers.items():
            if header.ref is not None:  # a `$ref` the catalog resolved no longer has one
                yield ("codes", code, "headers", name, "$ref"), (
                    f"header {name!r} refers to {header.ref!r}, but `headers` has no"
                    f" {header.shared!r} (defined: {shared})")


def _schemas(catalog: Catalog, side: Side) -> Schemas:
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


def _unchanged(old: Side, new: Side) -> set[Any]:
    """The slugs of the problem types that cannot differ between the two catalogs."""
    if not isinstance(old.data, dict) or not isinstance(new.data, dict):
        return set()
    same = {key: written(old.data.get(key)) == written(new.data.get(key))
            for key in ("problem_base", "schemas")}
    after = new.problems()
    unchanged = set()
    for slug, places in old.problems().items():
        others = after.get(slug)
        if len(places) != 1 or others is None or len(others) != 1:
            continue  # added, removed, or twice in a catalog (refused later)
        needs = _alike(old, places[0], new, others[0])
        if needs is not None and all(same[key] for key in needs):
            unchanged.add(slug)
    return unchanged


def _alike(old: Side, before: Written | Span, new: Side, after: Written | Span,
           ) -> tuple[str, ...] | None:
    """What a problem type written alike in both files may depend on outside itself (its
    `needs`); None when it is not written alike (moved to another code, or changed), or is no
    mapping. Two `Span`s are alike when their texts are, byte for byte."""
    if isinstance(before, Span) and isinstance(after, Span):
        if before.code != after.code or (old.raw[before.start:before.end]
                                         != new.raw[after.start:after.end]):
            return None
        return before.needs(old.raw)
    try:
        written_before, written_after = old.written(before), new.written(after)
    except LoadError:
        return None  # validation reads it again, and says so with the other side's problems
    return written_before.needs if written_before == written_after else None


def _reduced(side: Side, unchanged: set[Any]) -> Any:
    """The side's catalog as read (without examples) without the problem types that cannot
    differ, and the others' data read back from their written form (or their text)."""
    data = side.data
    codes = data.get("codes") if isinstance(data, dict) else None
    if not isinstance(codes, dict):
        return data
    kept = {}
    for code, status in codes.items():
        found = status.get("problems") if isinstance(status, dict) else None
        if isinstance(found, dict):
            status = {**status, "problems": {slug: marshal.loads(side.written(problem).form)
                                             for slug, problem in found.items()
                                             if slug not in unchanged}}
        kept[code] = status
    return {**data, "codes": kept}
