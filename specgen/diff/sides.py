"""The two catalog files `specgen diff` compares, validated where they can differ and compared.

What `files.read_pair` leaves of each (the catalog's top level, every code, every problem type
that may differ; no examples) is validated as `load` validates it, and a catalog that does not
validate is refused with its problems located. Of `check`'s rules, diff applies those that
decide what it compares (problem type slugs are unique, shared headers exist, schemas are JSON
Schema whose `$ref`s lead somewhere); the others are about examples and prose, which are
`specgen check`'s business.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from ..catalog.load import catalog_model, importable
from ..catalog.models import Catalog, ModelRef
from ..catalog.problems import extension_errors
from ..catalog.schemas import schema_errors
from ..errors import LoadError, PathPart, Problem, each_loaded, sorted_problems
from .compare import Schemas, compare
from .files import Side
from .report import Located, locate


def diff_sides(old: Side, new: Side) -> list[Located]:
    """What changed from catalog file `old` to `new` (as `files.read_pair` reads them), exactly
    as comparing the two loaded catalogs finds."""
    (old_catalog, old_schemas), (new_catalog, new_schemas) = each_loaded(
        partial(_validated, side) for side in (old, new))
    changes = compare(old_catalog, new_catalog, (old_schemas, new_schemas))
    return locate(changes, old.document.locate, new.document.locate)


def prepare() -> None:
    """Build the catalog's validators now, which pydantic otherwise builds on first use: while
    the files are read elsewhere, the time is free."""
    Catalog.model_rebuild()


def _validated(side: Side) -> tuple[Catalog, Schemas]:
    """The side's catalog and its named schemas resolved; LoadError, located, when the catalog
    breaks a rule that decides what diff compares."""
    catalog = catalog_model(side.document, side.data)
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
