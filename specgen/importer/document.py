"""The document to import from: read, parsed, and its local `$ref`s resolved."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from ..catalog.schemas import resolve_pointer
from ..catalog.source import SPEC_MAX_BYTES, read_file, reads_as_json
from ..catalog.yaml_source import YamlLoader, yaml_message
from ..errors import LoadError
from ..openapi.version import declared_version


@dataclass(frozen=True)
class Document:
    """A parsed OpenAPI 3.0 or 3.1 document."""

    file: str
    data: dict[str, Any]
    oas: str  # "3.0" or "3.1"

    def resolve(self, node: Any, seen: frozenset[str] = frozenset()) -> tuple[Any, str | None]:
        """(the object a node stands for, the last local `$ref` followed to it, if any).

        Only local references (`#/...`) are followed; others raise LoadError."""
        last = None
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith("#/") and ref != "#":
                raise LoadError.at(self.file, f"$ref {ref!r} points outside the document;"
                                              " bundle it first (e.g. `redocly bundle`)")
            if ref in seen:
                raise LoadError.at(self.file, f"$ref {ref!r} refers to itself")
            seen = seen | {ref}
            try:
                # A $ref's pointer is a URI fragment: percent-encoded (RFC 6901 §6).
                target = resolve_pointer(self.data, unquote(ref[1:]))
            except LookupError:
                raise LoadError.at(self.file, f"$ref {ref!r} points to nothing") from None
            node, last = target, ref
        return node, last


def _parse(file: str, raw: bytes) -> Any:
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    text = raw.decode("utf-8")
    if reads_as_json(file, raw):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise LoadError.at(file, exc.msg, line=exc.lineno, column=exc.colno) from None
    try:
        return yaml.load(text, Loader=YamlLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise LoadError.at(file, yaml_message(exc, text), line=line, column=column) from None
    except yaml.YAMLError as exc:
        raise LoadError.at(file, str(exc)) from None


def read_document(path: Path) -> Document:
    """Read an OpenAPI 3.0 or 3.1 document (JSON or YAML); LoadError says why not."""
    name = str(path)
    raw = read_file(name, "OpenAPI document", SPEC_MAX_BYTES)
    try:
        data = _parse(name, raw)
    except UnicodeDecodeError as exc:
        raise LoadError.at(name, f"is not UTF-8 (byte {exc.start})") from None
    except RecursionError:
        raise LoadError.at(name, "is nested too deeply") from None
    if not isinstance(data, dict):
        raise LoadError.at(name, "an OpenAPI document is a mapping")
    try:
        version = declared_version(data)
    except ValueError as exc:
        raise LoadError.at(name, str(exc)) from None
    if not isinstance(data.get("paths", {}), dict):
        raise LoadError.at(name, "paths must be a mapping")
    return Document(name, data, version)
