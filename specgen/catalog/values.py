"""What every output can carry: JSON values, finite numbers, text without control characters.

Checked on the catalog's plain data before the models see it, so every field (and any field added
later) is covered at once, whether the data came from YAML, JSON or a Python module.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from ..errors import PathPart, printable
from .models import is_json_media_type
from .source import MAX_DEPTH, UNSHOWABLE

Path = tuple[PathPart, ...]

# Lone surrogates: UTF-8 cannot encode them, so no file holding one can be written.
_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 controls but tab, LF and CR; DEL; C1 controls; and the two Unicode line separators, which
# YAML, Markdown and JavaScript readers split lines at while others do not. None can be shown on
# a page as written.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
# In example bodies that are JSON data, JSON writes C0 controls as escapes (faithfully), but it
# leaves DEL, C1 controls and the line separators raw.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029]")
_BODY = "body"


class _TooDeep(Exception):
    """The data nests deeper than any file may (perhaps it contains itself)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path


def unrenderable(data: Any) -> list[tuple[Path, str]]:
    """(path, message) for every value of a catalog's data that some output cannot hold."""
    found: list[tuple[Path, str]] = []
    try:
        _visit(data, (), False, found)
    except _TooDeep as exc:
        # Files cannot nest this deep (the parsers refuse it); Python data may contain itself.
        message = f"nesting is deeper than {MAX_DEPTH} levels (does a value hold itself?)"
        found.append((exc.path[:2], message))
    return found


def _visit(value: Any, path: Path, in_body: bool, found: list[tuple[Path, str]]) -> None:
    """Check one value and what it contains. Plain text, integers and the like are checked in
    their container's loop, without a call each: big catalogs hold hundreds of thousands."""
    if isinstance(value, dict):
        if len(path) > MAX_DEPTH:
            raise _TooDeep(path)
        if path != ("codes",) and (
            not all(type(key) is str for key in value) or UNSHOWABLE.search("".join(value))
        ):
            found.extend(_keys(value, path))
        bodies = path[-1:] in (("request",), ("response",)) and _BODY in value
        for key, item in value.items():
            if type(item) is str:
                if UNSHOWABLE.search(item):
                    data = in_body or (bodies and key == _BODY and _is_data(value))
                    _report(item, (*path, key), data, found)
            elif not (item is None or type(item) is int or type(item) is bool):
                data = in_body or (bodies and key == _BODY and _is_data(value))
                _visit(item, (*path, key), data, found)
    elif isinstance(value, list):
        if len(path) > MAX_DEPTH:
            raise _TooDeep(path)
        for index, item in enumerate(value):
            if type(item) is str:
                if UNSHOWABLE.search(item):
                    _report(item, (*path, index), in_body, found)
            elif not (item is None or type(item) is int or type(item) is bool):
                _visit(item, (*path, index), in_body, found)
    else:
        _report(value, path, in_body, found)


def _report(value: Any, path: Path, in_body: bool, found: list[tuple[Path, str]]) -> None:
    problem = _scalar(value, in_body)
    if problem:
        found.append((path, f"{_where(path)}{problem}"))


def _is_data(message: dict[Any, Any]) -> bool:
    """Whether the body of a request or response is JSON data, written with escapes: a container,
    or a string declared as JSON (a text body is shown on pages as it is)."""
    media_type = message.get("content_type")
    return not isinstance(message[_BODY], str) or (
        isinstance(media_type, str) and is_json_media_type(media_type)
    )


def _where(path: Path) -> str:
    return ".".join(printable(str(part)) for part in path) + ": " if path else ""


def _keys(mapping: dict[Any, Any], path: Path) -> Iterator[tuple[Path, str]]:
    if path == ("codes",):
        return  # code keys are checked by the model, in its words (" 561" and 561.0 too)
    seen: dict[str, Any] = {}
    for key in mapping:
        if isinstance(key, bool) or not isinstance(key, str | int):
            spelled = json.dumps(key) if key is None or isinstance(key, bool | float) else repr(key)
            yield (*path, str(key)), (
                f"{_where(path)}the key {spelled} is {_kind(key)}; keys are text (put it in"
                " quotes)"
            )
            continue
        spelled = str(key)
        if spelled in seen:
            # JSON writes both as "561": one would silently replace the other.
            yield (*path, spelled), (
                f"{_where(path)}the key {spelled} is given twice (as {seen[spelled]!r} and"
                f" {key!r})"
            )
        seen[spelled] = key
        problem = _text(spelled) if isinstance(key, str) else None
        if problem:
            yield (*path, spelled), f"{_where(path)}the key {spelled!r} {problem}"


def _scalar(value: Any, in_body: bool) -> str | None:
    if value is None or isinstance(value, bool | int):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"{value!r} has no JSON form; use a finite number"
    if isinstance(value, str):
        return _text(value, _RAW_IN_JSON if in_body else _CONTROL)
    return f"{_kind(value)} is not JSON data (text, number, boolean, null, list or mapping)"


def _text(value: str, controls: re.Pattern[str] = _CONTROL) -> str | None:
    surrogate = _SURROGATE.search(value)
    if surrogate:
        return (
            f"contains a lone surrogate (U+{ord(surrogate.group()):04X}), which no file can"
            " encode"
        )
    control = controls.search(value)
    if control:
        char = control.group()
        return (
            f"contains U+{ord(char):04X} ({unicodedata.name(char, 'a control character')}) at"
            f" position {control.start() + 1}, which outputs cannot show as written; remove it"
        )
    return None


def _kind(value: Any) -> str:
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, float):
        return "a number"
    return f"a Python {type(value).__name__}"
