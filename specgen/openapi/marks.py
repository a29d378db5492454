"""The mark on the components specgen writes, read back by `specgen merge` (which must not load
the catalog's models to read it)."""

from __future__ import annotations

from typing import Any

EXTENSION = "x-specgen"
MARK = {"generated": True}
"""What a fragment's schema, header or example carries to say specgen wrote it (a response's
extension says more): `specgen merge` updates what carries it, and only that."""


def marked(value: Any) -> Any:
    """A component with specgen's extension, unless it has one or cannot carry one (a boolean
    schema; a bare `$ref`, whose siblings readers ignore)."""
    if not isinstance(value, dict) or EXTENSION in value or "$ref" in value:
        return value
    return {**value, EXTENSION: dict(MARK)}  # a fresh dict: YAML would alias a shared one


def unmarked(value: Any) -> Any:
    """A component without the mark `marked` gave it (to compare with the team's own)."""
    if isinstance(value, dict) and value.get(EXTENSION) == MARK:
        return {key: item for key, item in value.items() if key != EXTENSION}
    return value


def is_marked(value: Any) -> bool:
    """Whether a value of a document carries specgen's extension (specgen wrote it)."""
    return isinstance(value, dict) and isinstance(value.get(EXTENSION), dict)
