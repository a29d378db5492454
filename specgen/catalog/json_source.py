"""JSON catalogs parsed into plain data: at C speed when well-formed (positions found on
demand), by a small locating parser otherwise."""

from __future__ import annotations

import bisect
import json
import math
import re
from collections.abc import Callable, Iterator
from typing import Any

from ..errors import LoadError, line_start
from .source import MAX_DEPTH, NOT_FINITE, UNSHOWABLE, Document, Path_, Place

# json's own string scanner (C speed, exact error offsets); public, but typeshed omits it.
_scanstring: Callable[[str, int, bool], tuple[str, int]] = (
    json.decoder.scanstring  # type: ignore[attr-defined]
)

_DECODER = json.JSONDecoder()
# The same as JSON escapes (\b, \f, \u0001, \u2028...), and more: an escaped backslash before
# a b or f, or tab, LF and CR as \u escapes, only cost the full check.
_UNSHOWABLE_ESCAPE = re.compile(r"\\[bf]|\\u(?:00[01]|007[fF]|00[89]|202[89]|[dD][89a-fA-F])")
_LINE_BREAK = re.compile(r"\r\n?|\n")  # as errors.line_start counts lines

_WS = re.compile(r"[ \t\n\r]*")
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")


class _Duplicate(ValueError):
    """A JSON object repeats a key (the fast path then hands over to the locating parser)."""


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _Duplicate
    return result


def _not_finite(constant: str) -> Any:
    raise ValueError(constant)


def _finite(number: str) -> float:
    value = float(number)
    if not math.isfinite(value):
        raise ValueError(number)
    return value


# The C decoder as catalogs are read: duplicate keys and numbers without a JSON form refused.
_HOOKED = json.JSONDecoder(
    object_pairs_hook=_unique, parse_constant=_not_finite, parse_float=_finite)
_READ_WHOLE = frozenset({(), ("codes",)})
"""The objects `JsonPlaces.read` reads entry by entry: the catalog and its codes."""


def _nesting(data: Any) -> int:
    """How deep the arrays and objects of parsed JSON nest, counted level by level without
    recursion (the C decoder nests far deeper than Python's walks may)."""
    level = 0
    current = [data] if type(data) in (dict, list) else []
    while current and level <= MAX_DEPTH:
        level += 1
        current = [
            child for value in current for child in (
                value.values() if type(value) is dict else value)
            if type(child) is dict or type(child) is list
        ]
    return level


def parse_json(file: str, text: str, known: Known | None = None) -> Document:
    """C-speed json for well-formed files; the locating parser for errors and positions.
    `known`: values already read from another text (`JsonPlaces`)."""
    # Escaped surrogates need the locating parser, which refuses lone halves.
    if not _ESCAPED_SURROGATE.search(text):
        places = JsonPlaces(text, known=known)
        try:
            data = places.read()
        except (ValueError, RecursionError):
            pass  # the locating parser says what and where
        else:
            # Deeper files go to the locating parser, which refuses a value below MAX_DEPTH.
            if _nesting(data) <= MAX_DEPTH:
                return Document(file, data, places.place, _clean_json(text))
    return _JsonParser(file, text).document()


def _clean_json(text: str) -> bool:
    """Whether JSON text the C decoder accepted has no character outputs cannot show, raw or
    escaped. Accepted text has no raw control character but tab, LF and CR (the decoder refuses
    them in strings, and outside strings only those and space may stand), so only DEL, C1
    controls, the line separators and lone surrogates can be there raw: in UTF-8 the bytes 7F,
    C2, E2 80 and ED start them, and only text with one of those is searched for them
    character by character."""
    if text.isascii():
        raw_found = "\x7f" in text
    else:
        raw = text.encode("utf-8", "surrogatepass")
        raw_found = any(start in raw for start in (b"\x7f", b"\xc2", b"\xe2\x80", b"\xed")) and (
            UNSHOWABLE.search(text) is not None)
    return not raw_found and ("\\" not in text or _UNSHOWABLE_ESCAPE.search(text) is None)


JsonEntries = dict[Path_, tuple[dict[str, tuple[int, int, int]], int | None]]
Known = dict[Path_, tuple[str, Any]]


class JsonPlaces:
    """Positions in well-formed JSON, found on demand: the containers on the way to a path are
    read only as far as the entry wanted (and resumed from there for the next path), their
    values skipped by the C decoder, so locating a few messages in a big file costs a fraction
    of a C-speed parse, never a parse in Python."""

    def __init__(self, text: str, entries: JsonEntries | None = None,
                 known: Known | None = None) -> None:
        self.text = text
        # Container path -> its entries read so far (key or item index -> offsets of the entry,
        # of its value and of the value's end), and where reading stopped (None: at its end).
        # Another process that read the same text may hand over what it read.
        self.entries: JsonEntries = {} if entries is None else entries
        # Objects read from another text, by path: an entry that `read` reads there written
        # as that text is that value (an object's text ends where it closes, and means what it
        # meant there: the same keys, values and depth), and is not decoded again.
        self.known: Known = {} if known is None else known

    def read(self) -> Any:
        """The text's data, as `json.loads` with the hooks of `_HOOKED` reads it (raising
        ValueError or RecursionError where it refuses the text). The top-level object and its
        `codes` are read entry by entry, their values by the C decoder, and their entries'
        places recorded on the way: the paths messages name most need no second reading."""
        data, end = self._value((), _skip_space(self.text, 0))
        if _skip_space(self.text, end) != len(self.text):
            raise ValueError("extra data after the JSON value")
        return data

    def _value(self, path: Path_, start: int) -> tuple[Any, int]:
        """The value at `start` and the offset after it."""
        text = self.text
        if path not in _READ_WHOLE or not text.startswith("{", start):
            return _HOOKED.raw_decode(text, start)
        table: dict[str, tuple[int, int, int]] = {}
        data: dict[str, Any] = {}
        index = _skip_space(text, start + 1)
        if text.startswith("}", index):
            self.entries[path] = (table, None)
            return data, index + 1
        while True:
            if not text.startswith('"', index):
                raise ValueError("expected a key")
            name, after = _scanstring(text, index + 1, True)
            colon = _skip_space(text, after)
            if not text.startswith(":", colon):
                raise ValueError("expected ':'")
            if name in data:
                raise _Duplicate
            value = _skip_space(text, colon + 1)
            child = (*path, name)
            same = self.known.get(child)
            if same is not None and same[0].startswith("{") and text.startswith(same[0], value):
                data[name], end = same[1], value + len(same[0])
            else:
                data[name], end = self._value(child, value)
            table[name] = (index, value, end)
            index = _skip_space(text, end)
            if text.startswith("}", index):
                self.entries[path] = (table, None)
                return data, index + 1
            if not text.startswith(",", index):
                raise ValueError("expected ',' or '}'")
            index = _skip_space(text, index + 1)

    def place(self, path: Path_) -> Place | None:
        """Line and column of the entry at `path` (its key, or its item), or None."""
        value = entry = _skip_space(self.text, 0)
        for depth, part in enumerate(path):
            found = self._entry(path[:depth], value, part)
            if found is None:
                return None
            entry, value, _ = found
        line, start = line_start(self.text, entry)
        return line, entry - start + 1

    def _entry(self, container: Path_, start: int, key: str) -> tuple[int, int, int] | None:
        """(offset of the entry, of its value, of the value's end) of `key` in the container at
        `start`."""
        text = self.text
        if container in self.entries:
            table, index = self.entries[container]
        else:
            table = {}
            index = _skip_space(text, start + 1) if text.startswith(("{", "["), start) else None
        while key not in table and index is not None:
            if text.startswith(("}", "]"), index):
                index = None
                break
            entry = index
            if text[start] == "{":
                name, index = _scanstring(text, index + 1, True)
                index = _skip_space(text, _skip_space(text, index) + 1)  # past the colon
            else:
                name = str(len(table))
            end = _DECODER.raw_decode(text, index)[1]
            table[name] = (entry, index, end)
            index = _skip_space(text, end)
            if text.startswith(",", index):
                index = _skip_space(text, index + 1)
        self.entries[container] = (table, index)
        return table.get(key)


def _skip_space(text: str, index: int) -> int:
    """The offset of the first character from `index` on that is not JSON whitespace."""
    return _WS.match(text, index).end()  # type: ignore[union-attr]


class _JsonParser:
    """A small recursive-descent JSON parser that records positions and refuses duplicates."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.text = text
        self.index = 0
        self.positions: dict[Path_, tuple[int, int]] = {}
        self.line_starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def fail(self, message: str, offset: int | None = None) -> LoadError:
        offset = self.index if offset is None else offset
        if offset >= len(self.text):
            message = "unexpected end of file"
        line, column = self.position(offset)
        return LoadError.at(self.file, f"invalid JSON: {message}", line=line, column=column)

    def document(self) -> Document:
        self.skip()
        self.positions[()] = self.position(self.index)
        data = self.value((), 0)
        self.skip()
        if self.index != len(self.text):
            raise self.fail("extra data after the document")
        return Document(self.file, data, self.positions.get)

    def skip(self) -> None:
        self.index = _skip_space(self.text, self.index)

    def value(self, path: Path_, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise self.fail(f"nesting is deeper than {MAX_DEPTH} levels")
        char = self.text[self.index : self.index + 1]
        if char == "{":
            return self.object(path, depth)
        if char == "[":
            return self.array(path, depth)
        if char == '"':
            return self.string()
        for literal, result in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(literal, self.index):
                self.index += len(literal)
                return result
        match = _NUMBER.match(self.text, self.index)
        if match:
            self.index = match.end()
            number = match.group()
            try:
                value = float(number) if match.group(1) or match.group(2) else int(number)
            except ValueError as exc:  # more than 4,300 digits
                message = f"invalid number: {str(exc).split(';')[0]}"
                raise self.fail(message, match.start()) from None
            if isinstance(value, float) and not math.isfinite(value):
                raise self.fail(NOT_FINITE, match.start())
            return value
        raise self.fail("expected a value" if char else "unexpected end of file")

    def string(self) -> str:
        start = self.index
        try:
            text, self.index = _scanstring(self.text, self.index + 1, True)
        except json.JSONDecodeError as exc:
            # json's own wording ends in " at" (it appends the offset); the position says where.
            raise self.fail(exc.msg.removesuffix(" at").lower(), exc.pos) from None
        if _SURROGATE.search(text):
            # "\ud800" alone is no character: UTF-8 cannot encode it, so no output could be written.
            raise self.fail("a \\u escape names half of a surrogate pair, not a character", start)
        return text

    def expect(self, char: str) -> None:
        self.skip()
        if not self.text.startswith(char, self.index):
            raise self.fail(f"expected {char!r}")
        self.index += 1

    def members(self, closing: str) -> Iterator[None]:
        """Step into an object or array and stop before each of its members (the caller reads
        it), over the commas between them, to past its `closing` character."""
        self.index += 1
        self.skip()
        if self.text.startswith(closing, self.index):
            self.index += 1
            return
        while True:
            self.skip()
            yield
            self.skip()
            if not self.text.startswith(",", self.index):
                self.expect(closing)
                return
            self.index += 1

    def object(self, path: Path_, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for _ in self.members("}"):
            start = self.index
            if not self.text.startswith('"', start):
                raise self.fail("expected a string key")
            key = self.string()
            if key in result:
                raise self.fail(f"duplicate key {key!r}", start)
            entry = (*path, key)
            self.positions[entry] = self.position(start)
            self.expect(":")
            self.skip()
            result[key] = self.value(entry, depth + 1)
        return result

    def array(self, path: Path_, depth: int) -> list[Any]:
        items: list[Any] = []
        for _ in self.members("]"):
            entry = (*path, str(len(items)))
            self.positions[entry] = self.position(self.index)
            items.append(self.value(entry, depth + 1))
        return items
