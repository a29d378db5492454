"""Error-body schemas: resolving Pydantic models, checking references, validating examples."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from pydantic import BaseModel
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .models import Catalog, JsonSchema, MediaType, ModelRef

COMPONENT_PREFIX = "#/components/schemas/"
_BASE = "urn:specgen:schemas:"


class SchemaProblem(ValueError):
    """A schema that cannot be used, with the path inside the schema where it goes wrong."""

    def __init__(self, message: str, path: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.path = path


def model_schema(ref: ModelRef) -> JsonSchema:
    """Import a Pydantic model named 'package.module:Model' and return its JSON Schema."""
    module_name, _, attribute = ref.model.partition(":")
    try:
        target: Any = importlib.import_module(module_name)
        for part in attribute.split("."):
            target = getattr(target, part)
    except ImportError as exc:
        raise SchemaProblem(f"cannot import {module_name!r} for model {ref.model!r}: {exc}") from None
    except AttributeError:
        raise SchemaProblem(f"{module_name!r} has no attribute {attribute!r}") from None
    if not (isinstance(target, type) and issubclass(target, BaseModel)):
        raise SchemaProblem(f"{ref.model!r} is not a Pydantic model class")
    return target.model_json_schema(mode="serialization")


def resolve(catalog: Catalog) -> dict[str, JsonSchema]:
    """Every named schema of a catalog as JSON Schema (models turned into their schemas)."""
    return {
        name: model_schema(schema) if isinstance(schema, ModelRef) else schema
        for name, schema in catalog.schemas.items()
    }


def iter_refs(schema: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every `$ref` in a schema, with its path."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str):
                yield (*path, key), value
            else:
                yield from iter_refs(value, (*path, key))
    elif isinstance(schema, list):
        for index, item in enumerate(schema):
            yield from iter_refs(item, (*path, index))


def _pointer_target(schema: Any, pointer: str) -> bool:
    node = schema
    for raw in pointer.lstrip("/").split("/") if pointer.strip("/") else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return True


def check_schema(schema: JsonSchema, names: set[str]) -> None:
    """Raise SchemaProblem when a schema is not valid JSON Schema 2020-12 or a `$ref` dangles."""
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise SchemaProblem(f"not a valid JSON Schema: {exc.message}", tuple(exc.absolute_path)) from None
    for path, ref in iter_refs(schema):
        if ref.startswith(COMPONENT_PREFIX):
            if ref.removeprefix(COMPONENT_PREFIX) not in names:
                raise SchemaProblem(f"$ref {ref!r} names no schema of this catalog", path)
        elif ref.startswith("#"):
            if not _pointer_target(schema, ref[1:]):
                raise SchemaProblem(f"$ref {ref!r} points to nothing in this schema", path)
        else:
            raise SchemaProblem(
                f"$ref {ref!r} is not supported: use '#/...' inside the schema or"
                f" '{COMPONENT_PREFIX}NAME' for another schema of the catalog",
                path,
            )


def ref_cycles(schemas: dict[str, JsonSchema]) -> list[str]:
    """Names of schemas that are nothing but a chain of `$ref`s leading back to themselves."""
    def target(name: str) -> str | None:
        ref = schemas[name].get("$ref")
        if isinstance(ref, str) and ref.startswith(COMPONENT_PREFIX):
            return ref.removeprefix(COMPONENT_PREFIX)
        return None

    looping = []
    for start in schemas:
        seen, name = {start}, target(start)
        while name is not None and name in schemas and name not in seen:
            seen.add(name)
            name = target(name)
        if name == start:
            looping.append(start)
    return looping


def _registry(schemas: dict[str, JsonSchema]) -> Registry:
    resources = [
        (_BASE + name, Resource.from_contents(_rebase(schema), default_specification=DRAFT202012))
        for name, schema in schemas.items()
    ]
    return Registry().with_resources(resources)


def _rebase(schema: Any) -> Any:
    """Point references to other catalog schemas at their registry URIs."""
    if isinstance(schema, dict):
        return {
            key: (_BASE + value.removeprefix(COMPONENT_PREFIX)
                  if key == "$ref" and isinstance(value, str) and value.startswith(COMPONENT_PREFIX)
                  else _rebase(value))
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [_rebase(item) for item in schema]
    return schema


class BodyValidator:
    """Validates example bodies against the catalog's schemas (named or inline)."""

    def __init__(self, schemas: dict[str, JsonSchema]) -> None:
        self.registry = _registry(schemas)

    def errors(self, media: MediaType, body: Any) -> list[str]:
        """Messages for every way a body fails its media type's schema (empty when it fits)."""
        if media.schema_ is None:
            return []
        schema = {"$ref": _BASE + media.schema_} if isinstance(media.schema_, str) else _rebase(
            media.schema_
        )
        validator = Draft202012Validator(schema, registry=self.registry)
        messages = []
        for error in sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path)):
            where = "".join(f"/{part}" for part in error.absolute_path)
            messages.append(f"{error.message}" + (f" (at {where})" if where else ""))
        return messages
