"""Error-body schemas: resolving Pydantic models, checking references, validating examples."""

from __future__ import annotations

import json
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import jsonschema_rs
from pydantic import BaseModel

# Beside the models and the other pointer helpers, where `diff` reads them without loading
# jsonschema; named here too, where the schema code of the other packages looks for them.
from ..errors import clipped
from ..errors import resolve_pointer as resolve_pointer
from .imports import ImportProblem, attribute, describe, import_module
from .models import COMPONENT_PREFIX as COMPONENT_PREFIX
from .models import Catalog, JsonSchema, MediaType, ModelRef

if TYPE_CHECKING:  # jsonschema is imported only for what jsonschema-rs cannot settle
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError
    from referencing import Registry

_TYPES = ("array", "boolean", "integer", "null", "number", "object", "string")
_BASE = "urn:specgen:schemas:"


class SchemaProblem(ValueError):
    """A schema that cannot be used, with the path inside the schema where it goes wrong."""

    def __init__(self, message: str, path: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.path = path


def model_schema(ref: ModelRef) -> JsonSchema:
    """Import a Pydantic model named 'package.module:Model' and return its JSON Schema."""
    module_name, _, dotted = ref.model.partition(":")
    try:
        module = import_module(module_name)
    except ImportProblem as exc:
        raise SchemaProblem(
            f"cannot import {module_name!r} for model {ref.model!r}: {exc}"
        ) from None
    try:
        target = attribute(module, dotted, module_name)
    except ImportProblem as exc:
        raise SchemaProblem(str(exc)) from None
    if not (isinstance(target, type) and issubclass(target, BaseModel)):
        raise SchemaProblem(f"{ref.model!r} is not a Pydantic model class")
    try:
        return target.model_json_schema(mode="serialization")
    except Exception as exc:  # pydantic refuses some types (callables, arbitrary classes)
        raise SchemaProblem(
            f"cannot make a JSON Schema from {ref.model!r}: {describe(exc)}"
        ) from None


def resolve(catalog: Catalog) -> dict[str, JsonSchema]:
    """Every named schema of a catalog as JSON Schema (models turned into their schemas)."""
    return {
        name: model_schema(schema) if isinstance(schema, ModelRef) else schema
        for name, schema in catalog.schemas.items()
    }


def iter_refs(
    schema: Any, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
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
    try:
        resolve_pointer(schema, pointer)
    except LookupError:
        return False
    return True


def _meta_error(schema: Any) -> SchemaError | None:
    """Why a schema is not valid JSON Schema 2020-12 (jsonschema's answer and message), or
    None. A schema jsonschema-rs finds valid skips jsonschema (and its import) when nothing
    jsonschema also checks can differ: no `$schema` (jsonschema-rs would read it and take
    another draft's meta-schema), and every regex, which jsonschema compiles with Python's re,
    compiles."""
    if _meta_passes(schema):
        return None
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return exc
    return None


def _meta_passes(schema: Any) -> bool:
    if isinstance(schema, dict) and "$schema" in schema:
        return False
    try:
        if not jsonschema_rs.meta.is_valid(schema):
            return False
    except (ValueError, jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError):
        return False
    try:
        for regex in _regexes(schema):
            re.compile(regex)
    except (re.error, RecursionError, OverflowError):
        return False
    return True


def _regexes(value: Any) -> Iterator[str]:
    """Every text a schema may hold as a regex (`pattern` values, `patternProperties` keys),
    wherever it sits: more than the meta-schema asks jsonschema to compile, never less."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "pattern" and isinstance(item, str):
                yield item
            elif key == "patternProperties" and isinstance(item, dict):
                yield from item
            yield from _regexes(item)
    elif isinstance(value, list):
        for item in value:
            yield from _regexes(item)


@lru_cache(maxsize=1024)
def _cached_meta_error(canonical: str) -> SchemaError | None:
    # Big catalogs repeat the same small schemas ({type: string} for every header) many times.
    return _meta_error(json.loads(canonical))


def check_schema(schema: JsonSchema, names: set[str]) -> None:
    """Raise SchemaProblem when a schema is not valid JSON Schema 2020-12 or a `$ref` dangles."""
    try:
        exc = _cached_meta_error(json.dumps(schema, sort_keys=True))
    except (TypeError, ValueError):  # keys or values JSON cannot hold: check the schema itself
        exc = _meta_error(schema)
    if exc is not None:
        path = tuple(exc.absolute_path)
        message = exc.message
        if path and path[-1] == "type" and exc.validator == "anyOf":
            # The meta-schema's anyOf says only "not valid under any of the given schemas".
            message = f"{exc.instance!r} is not a JSON Schema type ({', '.join(_TYPES)})"
        where = "".join(f"/{part}" for part in path)
        raise SchemaProblem(
            f"not a valid JSON Schema: {message}" + (f" (at {where})" if where else ""), path
        ) from None
    for path, ref in iter_refs(schema):
        if ref.startswith(COMPONENT_PREFIX):
            if ref.removeprefix(COMPONENT_PREFIX) not in names:
                raise SchemaProblem(f"$ref {ref!r} names no schema of this catalog", path)
        elif ref.startswith("#") and ref != "#" and not ref.startswith("#/"):
            # OpenAPI 3.0 has no $anchor, and a plain-name reference points nowhere once the
            # schema is a component: only JSON pointers survive into every output.
            raise SchemaProblem(
                f"$ref {ref!r} names an anchor; refer by JSON pointer instead (e.g."
                " '#/$defs/Name')",
                path,
            )
        elif ref.startswith("#"):
            if not _pointer_target(schema, ref[1:]):
                raise SchemaProblem(f"$ref {ref!r} points to nothing in this schema", path)
        else:
            raise SchemaProblem(
                f"$ref {ref!r} is not supported: use '#/...' inside the schema or"
                f" '{COMPONENT_PREFIX}NAME' for another schema of the catalog",
                path,
            )


LOOP = "loops: its $refs lead back to themselves without descending into the value"
Found = tuple[tuple[str | int, ...], str]


def schema_errors(catalog: Catalog, schemas: dict[str, JsonSchema]) -> list[Found]:
    """(path, message) for each of the catalog's schemas (`schemas`: the named ones resolved)
    that is no JSON Schema 2020-12, whose `$ref`s lead nowhere or loop, or that a code's media
    type names without defining: what `check` refuses first, and `diff`, which reads schemas
    field by field, too. A problem type's extensions are among them
    (`problems.extension_errors`)."""
    found: list[Found] = []
    names = set(catalog.schemas)

    def check(schema: Any, path: tuple[str | int, ...]) -> None:
        try:
            check_schema(schema, names)
        except SchemaProblem as exc:
            found.append(((*path, *exc.path), str(exc)))

    for name, schema in schemas.items():
        check(schema, ("schemas", name))
    found += [(("schemas", name), f"schema {name!r} {LOOP}") for name in ref_cycles(schemas)]
    for name, header in catalog.headers.items():
        check(header.schema_, ("headers", name, "schema"))
    for code, status in catalog.codes.items():
        for name, header in status.headers.items():
            if header.shared is None:  # a shared header's schema is checked under `headers`
                check(header.schema_, ("codes", code, "headers", name, "schema"))
        for media_type, media in status.content.items():
            where = ("codes", code, "content", media_type, "schema")
            if isinstance(media.schema_, str):
                if media.schema_ not in names:
                    known = ", ".join(sorted(names)) or "none"
                    found.append((where, f"schema {media.schema_!r} is not defined (known:"
                                         f" {known})"))
            elif media.schema_ is not None:
                check(media.schema_, where)
                if ref_cycles({"": media.schema_}):
                    found.append((where, f"the schema {LOOP}"))
    return found


# Keywords whose subschemas apply to the same value (not to a member or item of it): a loop of
# `$ref`s through these alone never reaches the end of the value, so validation recurses forever.
_IN_PLACE_LISTS = ("allOf", "anyOf", "oneOf")
_IN_PLACE_ONE = ("not", "if", "then", "else")
Node = tuple[str, str]  # (schema name, JSON pointer inside it)


def _in_place_refs(schema: Any) -> Iterator[str]:
    if not isinstance(schema, dict):
        return
    if isinstance(schema.get("$ref"), str):
        yield schema["$ref"]
    for key in _IN_PLACE_LISTS:
        if isinstance(schema.get(key), list):
            for sub in schema[key]:
                yield from _in_place_refs(sub)
    for key in _IN_PLACE_ONE:
        yield from _in_place_refs(schema.get(key))
    if isinstance(schema.get("dependentSchemas"), dict):
        for sub in schema["dependentSchemas"].values():
            yield from _in_place_refs(sub)


def _ref_node(name: str, ref: str) -> Node | None:
    if ref.startswith(COMPONENT_PREFIX):
        return ref.removeprefix(COMPONENT_PREFIX), ""
    if ref.startswith("#"):
        return name, ref[1:]
    return None


def _at(schemas: dict[str, Any], node: Node) -> Any:
    try:
        return resolve_pointer(schemas.get(node[0]), node[1])
    except LookupError:
        return None


def ref_cycles(schemas: dict[str, Any]) -> list[str]:
    """Names of schemas holding a loop of `$ref`s that never descends into the value."""
    starts: list[Node] = [(name, "") for name in schemas]
    for name, schema in schemas.items():
        starts.extend(n for _, ref in iter_refs(schema) if (n := _ref_node(name, ref)) is not None)
    state: dict[Node, bool] = {}  # False while on the current path, True when finished
    looping: set[str] = set()
    for start in starts:
        stack: list[tuple[Node, bool]] = [(start, False)]
        while stack:  # iterative depth-first search: catalogs may chain many schemas
            node, closing = stack.pop()
            if closing:
                state[node] = True
            elif node in state:
                if not state[node]:
                    looping.add(node[0])
            else:
                state[node] = False
                stack.append((node, True))
                for ref in _in_place_refs(_at(schemas, node)):
                    target = _ref_node(node[0], ref)
                    if target is not None:
                        stack.append((target, False))
    return [name for name in schemas if name in looping]




def _rebase(schema: Any) -> Any:
    """Point references to other catalog schemas at their registry URIs."""
    if isinstance(schema, dict):
        return {
            key: (
                _BASE + value.removeprefix(COMPONENT_PREFIX)
                if key == "$ref" and isinstance(value, str) and value.startswith(COMPONENT_PREFIX)
                else _rebase(value)
            )
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [_rebase(item) for item in schema]
    return schema


BODY_SECONDS = 2.0
"""How long validating one example body may take. Valid schemas and bodies take microseconds;
a `pattern` that backtracks catastrophically (`^(a+)+$` against forty a's and a b) takes hours,
and `re` has no timeout of its own."""


class _TooSlow(BaseException):
    """The time limit passed (a BaseException, so that no `except Exception` swallows it)."""


def _expire(signum: int, frame: object) -> None:
    raise _TooSlow


@contextmanager
def time_limits() -> Iterator[None]:
    """Within the block, `BodyValidator.errors` gives each body at most BODY_SECONDS.

    SIGALRM's handler is installed once here (that call costs ten times the timer's) and
    restored after; the timer is armed per body. Only where SIGALRM can be used: POSIX, main
    thread. Elsewhere bodies validate without a limit.
    """
    main = threading.current_thread() is threading.main_thread()
    if not (main and hasattr(signal, "setitimer")):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expire)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise _TooSlow after `seconds` of the block, inside `time_limits`."""
    if not hasattr(signal, "SIGALRM") or signal.getsignal(signal.SIGALRM) is not _expire:
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


class BodyValidator:
    """Validates example bodies against the catalog's schemas (named or inline)."""

    def __init__(self, schemas: dict[str, JsonSchema]) -> None:
        self.rebased = {name: _rebase(schema) for name, schema in schemas.items()}
        self._registry: Registry | None = None
        # One validator per schema, not per example: big catalogs have thousands of examples.
        self.validators: dict[str | int, Draft202012Validator] = {}
        self.fast: dict[str | int, jsonschema_rs.Validator | None] = {}
        self._fast_registry: jsonschema_rs.Registry | None = None

    def _target(self, schema: str | JsonSchema) -> Any:
        # A named schema is validated as the root itself (not through a "$ref" to it), which
        # saves a registry lookup per example.
        return self.rebased[schema] if isinstance(schema, str) else _rebase(schema)

    @staticmethod
    def _key(schema: str | JsonSchema) -> str | int:
        """A schema's key in the validator caches: its name, or the inline mapping's id."""
        return schema if isinstance(schema, str) else id(schema)

    def _validator(self, schema: str | JsonSchema) -> Draft202012Validator:
        """jsonschema's validator of a schema, for the bodies jsonschema-rs does not pass."""
        from jsonschema import Draft202012Validator
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        if self._registry is None:
            self._registry = Registry().with_resources(
                (_BASE + name, Resource.from_contents(value, default_specification=DRAFT202012))
                for name, value in self.rebased.items()
            )
        key = self._key(schema)
        if key not in self.validators:
            self.validators[key] = Draft202012Validator(self._target(schema),
                                                        registry=self._registry)
        return self.validators[key]

    def _fast_validator(self, schema: str | JsonSchema) -> jsonschema_rs.Validator | None:
        """The same schema compiled by jsonschema-rs, or None where it cannot compile it
        (a pattern Rust's regex engines refuse, say): then only jsonschema decides."""
        key = self._key(schema)
        if key not in self.fast:
            try:
                if self._fast_registry is None:
                    self._fast_registry = jsonschema_rs.Registry(
                        [(_BASE + name, value) for name, value in self.rebased.items()],
                        draft=jsonschema_rs.Draft202012)
                self.fast[key] = jsonschema_rs.Draft202012Validator(
                    self._target(schema), registry=self._fast_registry, offline=True)
            except (ValueError, jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError):
                self.fast[key] = None
        return self.fast[key]

    def _passes(self, schema: str | JsonSchema, body: Any) -> bool:
        """True when jsonschema-rs finds the value valid: most example bodies are, and it
        says so about fifty times faster than jsonschema. Anything else (invalid, a value it
        cannot take, a regex over its backtracking limit) goes to jsonschema, which gives the
        messages and the time limit. Where the two differ, jsonschema-rs follows the JSON
        Schema specification and its acceptance stands: `multipleOf` in exact decimals (0.3
        is a multiple of 0.1) and ECMA-262 regexes (`\\s` matches U+FEFF)."""
        fast = self._fast_validator(schema)
        try:
            return fast is not None and fast.is_valid(body)
        except (ValueError, OverflowError, jsonschema_rs.ValidationError):
            return False

    def errors(self, media: MediaType, body: Any) -> list[tuple[tuple[str | int, ...], str]]:
        """(path in the body, message) for every way a body fails its media type's schema."""
        if media.schema_ is None:
            return []
        return self.value_errors(media.schema_, body)

    def value_errors(
        self, schema: str | JsonSchema, body: Any
    ) -> list[tuple[tuple[str | int, ...], str]]:
        """(path in the value, message) for every way a value fails a schema (named or inline)."""
        if self._passes(schema, body):
            return []
        from referencing.exceptions import Unresolvable

        validator = self._validator(schema)
        try:
            with _time_limit(BODY_SECONDS):
                errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        except _TooSlow:
            return [((), f"validating the body took over {BODY_SECONDS:g} s; does a `pattern`"
                         " of the schema backtrack catastrophically?")]
        except RecursionError:  # a body nested as deep as the loader allows, under a deep schema
            return [((), "the body is nested too deeply to validate")]
        except Unresolvable as exc:  # e.g. a $dynamicRef to a URL: specgen never fetches schemas
            return [((), f"the schema refers to {exc.ref!r}, which specgen cannot resolve")]
        found = []
        for error in errors:
            where = "".join(f"/{part}" for part in error.absolute_path)
            # jsonschema quotes the whole offending value; a big body must not flood the report.
            text = clipped(error.message, 160) + (f" (at {where})" if where else "")
            found.append((tuple(error.absolute_path), text))
        return found
