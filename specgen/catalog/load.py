"""Loading a catalog from YAML, JSON or a Python module, with every problem located."""

from __future__ import annotations

import difflib
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import UnionType
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from ..errors import (
    LoadError,
    Location,
    PathPart,
    Problem,
    json_pointer,
    printable,
    sorted_problems,
)
from . import models
from .imports import ImportProblem, attribute, import_module
from .models import FORMAT_VERSION, Catalog
from .source import (
    MAX_BYTES,
    CatalogSource,
    Document,
    decode,
    no_cycle_collection,
    parse,
    read_file,
    too_large,
)
from .syntax import InsideError
from .values import unrenderable

if TYPE_CHECKING:
    from . import check

DEFAULT_CATALOG = "specgen.yaml"


def embedded_catalog_path() -> Path:
    """The example catalog shipped inside the package (the seed page's 561 Unauthorized)."""
    from importlib.resources import files  # with tempfile and random: not for every command

    return Path(str(files("specgen.catalog").joinpath("data/example.yaml")))


def find_catalog(argument: str | Path | None) -> CatalogSource:
    """The catalog a command works on: the argument, else ./specgen.yaml, else the example."""
    if argument is not None:
        return CatalogSource(str(argument))
    if Path(DEFAULT_CATALOG).is_file():
        return CatalogSource(DEFAULT_CATALOG)
    return CatalogSource(str(embedded_catalog_path()), embedded=True)


@dataclass
class Loaded:
    """A valid catalog and the document it came from, to locate later findings."""

    catalog: Catalog
    source: CatalogSource
    document: Document | None

    def locate(self, path: tuple[PathPart, ...]) -> Location:
        """Where a path of the catalog was written (a pointer for Python sources)."""
        if self.document is not None:
            return self.document.locate(path)
        return Location(self.source.name, pointer=json_pointer(path))

    def checked(self) -> Loaded:
        """Itself when `check` finds no error in the catalog; else LoadError listing them.
        (`check` is imported here: `diff` validates catalogs without it, and without the
        jsonschema it loads.)"""
        from . import check

        errors = check.errors(self.catalog)
        if errors:
            raise LoadError(self.problems(errors))
        return self

    def problems(self, findings: list[check.Finding]) -> list[Problem]:
        """Findings turned into located problems, in reading order."""
        return sorted_problems(
            Problem(self.locate(f.path), f.message, f.severity) for f in findings
        )


def load(argument: str | Path | CatalogSource | None = None) -> Loaded:
    """Read, validate and check a catalog; raise LoadError with every problem found."""
    source = argument if isinstance(argument, CatalogSource) else find_catalog(argument)
    folder = Path.cwd() if source.is_python else Path(source.name).resolve().parent
    with importable(folder), no_cycle_collection():
        if source.is_python:
            loaded = Loaded(_from_python(source.name), source, None)
        else:
            document = parse(source.name, decode(source.name, read_file(source.name)))
            loaded = Loaded(_validate(document), source, document)
        return loaded.checked()


def load_bytes(name: str, raw: bytes, folder: Path | None = None) -> Loaded:
    """Validate and check a catalog given as the bytes of a YAML or JSON file (one read from
    git, say); `name` is how problems name it. Model references import from `folder` (default:
    the current folder)."""
    if len(raw) > MAX_BYTES:
        raise LoadError.at(name, too_large(len(raw)))
    with no_cycle_collection():
        document = parse(name, decode(name, raw))
        with importable(folder or Path.cwd()):
            return Loaded(_validate(document), CatalogSource(name), document).checked()


def loaded_catalog(catalog: Catalog, name: str = "<catalog>") -> Loaded:
    """A catalog made in Python, checked as `load` checks files; its problems are located by
    JSON pointer."""
    return Loaded(_validated(catalog, _pointer_in(name)), CatalogSource(name), None).checked()


@contextmanager
def importable(folder: Path) -> Iterator[None]:
    """Let {model: ...} schemas import modules that sit beside the catalog."""
    entry = str(folder)
    sys.path.insert(0, entry)
    try:
        yield
    finally:
        sys.path.remove(entry)


def _validate(document: Document) -> Catalog:
    return catalog_model(document, document.data)


def catalog_model(document: Document, data: Any) -> Catalog:
    """`data`, the document's data or a copy of some of it, validated as a Catalog without
    `check`'s rules (`specgen diff` validates only the parts it compares); problems are located
    in `document`."""
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise LoadError.at(
            document.file,
            f"a catalog is a mapping with 'specgen: {FORMAT_VERSION}', 'info' and 'codes';"
            f" this file is {kind}",
            line=1,
            column=1,
        )
    if "specgen" not in data:
        raise LoadError(
            [
                Problem(
                    Location(document.file, 1, 1),
                    f"missing 'specgen: {FORMAT_VERSION}' (the catalog format version) at the top",
                )
            ]
        )
    version = data["specgen"]
    if type(version) is not int or version != FORMAT_VERSION:  # refuses true, 1.0 and "1"
        raise LoadError(
            [
                Problem(
                    document.locate(("specgen",)),
                    f"unknown catalog format version 'specgen: {_spelled(version)}';"
                    f" this specgen reads version {FORMAT_VERSION} only",
                )
            ]
        )
    return _validated(data, document.locate, clean=document.clean)


def _validated(data: Any, locate: Callable[[tuple[PathPart, ...]], Location],
               clean: bool = False) -> Catalog:
    """The catalog of plain data, or LoadError with every problem of its values and its shape;
    one problem per place (the value's own, which says more than the model's about it).
    `clean` data (`Document.clean`) has no value outputs cannot hold."""
    # A Catalog built in Python may have skipped validation (model_construct, assignments):
    # its data is checked and validated again as a file's would be.
    plain = _plain(data, locate) if isinstance(data, Catalog) else data
    problems = [] if clean else [
        Problem(locate(path), message) for path, message in unrenderable(plain)]
    try:
        catalog = Catalog.model_validate(plain)
    except ValidationError as exc:
        places = {problem.location for problem in problems}
        problems += [
            problem for path, message in _messages(exc)
            if (problem := Problem(locate(path), message)).location not in places
        ]
    if problems:
        raise LoadError(sorted_problems(problems))
    return catalog


def _spelled(value: Any) -> str:
    """A value as JSON would write it, so "1" and 1 and true read differently in messages."""
    return json.dumps(value, ensure_ascii=False, default=str)


def _kind(value: Any) -> str:
    """What a value is, in the words of YAML and JSON."""
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return "a boolean"
    for types, name in ((str, "a string"), (int, "an integer"), (float, "a number"),
                        (dict, "a mapping"), (list, "a list")):
        if isinstance(value, types):
            return name
    return f"a {type(value).__name__}"


# Pydantic's type errors in YAML/JSON words; the message then says what was given instead.
_EXPECTED = {
    "dict_type": "a mapping",
    "list_type": "a list",
    "string_type": "a string",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
}


def _keys_at(path: tuple[PathPart, ...]) -> list[str]:
    """The keys the model at `path` takes, followed from the Catalog through its fields,
    mappings and lists; every model's where the path leads through something else."""
    annotation: Any = Catalog
    for part in path:
        annotation = _model_or_container(annotation)
        if _is_model(annotation):
            annotation = _fields(annotation).get(str(part))
        elif get_origin(annotation) in (dict, list):
            annotation = get_args(annotation)[-1]
        else:
            return _all_keys()
    model = _model_or_container(annotation)
    return sorted(_fields(model)) if _is_model(model) else _all_keys()


def _model_or_container(annotation: Any) -> Any:
    """The model, mapping or list an annotation stands for, through Annotated and unions of
    one type and None (else None)."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, UnionType):
            members = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(members) != 1:
                return None
            annotation = members[0]
        else:
            return annotation


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel) and value is not BaseModel


def _fields(model: type[BaseModel]) -> dict[str, Any]:
    """A model's fields by the key a catalog writes (the alias, if it has one)."""
    return {field.alias or name: field.annotation for name, field in model.model_fields.items()}


def _all_keys() -> list[str]:
    return sorted({key for value in vars(models).values() if _is_model(value)
                   for key in _fields(value)})


def _messages(exc: ValidationError) -> Iterator[tuple[tuple[PathPart, ...], str]]:
    """Pydantic errors as (path, message) pairs in specgen's words."""
    for error in exc.errors(include_url=False):
        path = tuple(part for part in error["loc"] if part != "[key]")
        # A bad key is named by the message itself; "schemas...: '..'" would only confuse.
        is_key = error["loc"][-1:] == ("[key]",)
        where = "" if is_key else ".".join(printable(str(part)) for part in path)
        kind, message = error["type"], error["msg"]
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, InsideError):  # located at the place inside, named by `where`
            path = (*path, *cause.path)
        if kind == "extra_forbidden":
            key = str(path[-1])
            keys = [name for name in _keys_at(path[:-1]) if name != key]
            close = difflib.get_close_matches(key, keys, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            yield path, f"unknown key '{key}'{hint}"
            continue
        if kind == "missing":
            yield path, f"missing required key '{path[-1]}'"
            continue
        if kind in _EXPECTED:
            given = error["input"]
            message = f"must be {_EXPECTED[kind]}, not {_kind(given)}"
            if kind == "string_type" and not isinstance(given, dict | list | None):
                message += "; put it in quotes"
            elif kind == "string_type" and isinstance(given, dict) and len(given) == 1:
                # YAML reads `- Token expired: renew it` as a mapping, at the `: `.
                message += "; if it is text containing ': ', put it in quotes"
        message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        yield path, f"{where}: {message}" if where else message


def _from_python(name: str) -> Catalog:
    module_name, _, dotted = name.partition(":")
    try:
        module = import_module(module_name)
    except ImportProblem as exc:
        raise LoadError.at(name, f"cannot import {module_name!r}: {exc}") from None
    try:
        target = attribute(module, dotted, module_name)
    except ImportProblem as exc:
        raise LoadError.at(name, str(exc)) from None
    if not isinstance(target, Catalog | dict):
        raise LoadError.at(
            name,
            f"{dotted!r} is {_kind(target)}; it must hold a specgen Catalog or a mapping of"
            " catalog data",
        )
    return _validated(target, _pointer_in(name))


def _plain(catalog: Catalog, locate: Callable[[tuple[PathPart, ...]], Location]) -> Any:
    """A Catalog object's data as it holds it, even where it holds the wrong types."""
    try:
        return catalog.model_dump(by_alias=True, warnings=False)
    except Exception as exc:  # pydantic cannot serialize what a constructed model may hold
        message = f"the Catalog object holds values that cannot be read: {exc}"
        raise LoadError([Problem(locate(()), message)]) from None


def _pointer_in(name: str) -> Callable[[tuple[PathPart, ...]], Location]:
    return lambda path: Location(name, pointer=json_pointer(path))
