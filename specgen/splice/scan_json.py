"""JSON documents as text plus positions: locate the mappings a merge edits, render in their style.

Only the mappings the shape names are walked key by key; every other value is skipped with the
C decoder (`raw_decode`), so the whole document is decoded about once. An outline can be asked
for more places later (`JsonOutline.locate`): only values skipped so far are scanned then.

The text scanned is the document's bytes, one character per byte (`byte_text`): JSON's syntax
is ASCII, so the structure reads the same, slices are the file's bytes, and a 13 MB document
with one emoji is not widened to 52 MB of four-byte characters. Values read and text inserted
go through UTF-8 at the edges (`value`, `render`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from .outline import Edit, Invalid, Shape, Unsupported, line_of

_CHUNK = 4096


def byte_text(document: bytes | str) -> str:
    """A UTF-8 document as one character per byte (Latin-1); UnicodeDecodeError if not UTF-8."""
    if isinstance(document, str):
        return as_bytes_text(document)
    if not document.isascii():
        _check_utf8(document)
    return document.decode("latin-1")


def as_bytes_text(text: str) -> str:
    """Text in the one-character-per-byte form of its UTF-8 encoding."""
    return text if text.isascii() else text.encode("utf-8").decode("latin-1")


def _check_utf8(data: bytes) -> None:
    """Raise UnicodeDecodeError (offsets into `data`) unless `data` is UTF-8.

    Only the chunks holding non-ASCII bytes are decoded, each widened to whole characters: API
    descriptions are mostly ASCII, and decoding all of one takes longer than scanning it.
    """
    size = len(data)
    for start in range(0, size, _CHUNK):
        end = min(start + _CHUNK, size)
        if data[start:end].isascii():
            continue
        while start > 0 and 0x80 <= data[start] < 0xC0:  # back to the character's first byte
            start -= 1
        while end < size and 0x80 <= data[end] < 0xC0:  # on to its last
            end += 1
        try:
            data[start:end].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UnicodeDecodeError(
                "utf-8", data, start + exc.start, start + exc.end, exc.reason
            ) from None


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_not_json)  # Python's NaN and Infinity are not JSON
_MISSING = object()
_scanstring: Callable[[str, int, bool], tuple[str, int]] = (
    json.decoder.scanstring  # type: ignore[attr-defined]  # the C string scanner, untyped
)


@dataclass
class JsonEntry:
    """One key of an object: where its key and value are, its located mapping, a decoded value."""

    key_start: int
    key_end: int
    value_start: int
    value_end: int
    decoded: Any = _MISSING
    node: JsonNode | None = None


@dataclass
class JsonNode:
    """An object located in the text: its braces and entries."""

    text: str
    open: int
    close: int
    entries: dict[str, JsonEntry] = field(default_factory=dict)

    def names(self) -> list[str]:
        """The keys in document order."""
        return list(self.entries)

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def child(self, key: str) -> JsonNode | None:
        """The located object under `key`, if the shape asked for it."""
        entry = self.entries.get(key)
        return entry.node if entry else None

    def value(self, key: str) -> Any:
        """The decoded value under `key`."""
        entry = self.entries[key]
        if entry.decoded is _MISSING:
            entry.decoded = _decode(self.text, entry.value_start, entry.value_end)
        return entry.decoded

    def offset(self, key: str) -> int:
        """Where the key of the entry starts."""
        return self.entries[key].key_start


def _decode(text: str, start: int, end: int) -> Any:
    """The JSON value at text[start:end], read from its bytes (so UTF-8 and escapes decode)."""
    return json.loads(text[start:end].encode("latin-1"))


_WS = re.compile(r"[ \t\n\r]*")


def _skip(text: str, index: int) -> int:
    return _WS.match(text, index).end()  # type: ignore[union-attr]  # matches the empty string


# One regex per step of the loop: this runs once per key of every walked object.
_OPEN = re.compile(r'[ \t\n\r]*(?:(\})|")')
_COLON = re.compile(r"[ \t\n\r]*:[ \t\n\r]*")
_AFTER = re.compile(r'[ \t\n\r]*(?:,[ \t\n\r]*"|(\}))')


def scan_object(text: str, start: int, shape: Shape) -> JsonNode:
    """Locate the object at `start` and, as the shape says, the objects inside it."""
    node = JsonNode(text, start, start)
    step = _OPEN.match(text, start + 1)
    if step is None:
        raise Unsupported(start + 1, "expected a string key or '}'")
    if step.group(1):
        node.close = step.start(1)
        return node
    entries = node.entries
    wildcard = shape.get("*")
    while True:
        index = step.end() - 1
        try:
            key, key_end = _scanstring(text, index + 1, True)
        except json.JSONDecodeError as exc:
            raise Unsupported(exc.pos, exc.msg) from None
        if not key.isascii():
            key = _decode(text, index, key_end)
        if key in entries:
            line = line_of(text, entries[key].key_start)
            raise Invalid(index, f"duplicate key {key!r} (also on line {line})")
        colon = _COLON.match(text, key_end)
        if colon is None:
            raise Unsupported(key_end, "expected ':'")
        value_start = colon.end()
        # A `$ref` (a string) sits where a wildcard expects mappings (a callback by reference).
        sub = shape.get(key, wildcard if key != "$ref" else None)
        entry = JsonEntry(index, key_end, value_start, value_start)
        if sub is not None:
            entry.node = _scan_value(text, key, value_start, sub)
            entry.value_end = entry.node.close + 1
        else:
            entry.value_end = _skip_value(text, value_start)
        entries[key] = entry
        step = _AFTER.match(text, entry.value_end)
        if step is None:
            raise Unsupported(entry.value_end, "expected ',' or '}'")
        if step.group(1):
            node.close = step.start(1)
            return node


def _scan_value(text: str, key: str, start: int, shape: Shape) -> JsonNode:
    """The object that is the value of `key` (at `start`), located as the shape says."""
    if not text.startswith("{", start):
        raise Unsupported(start, f"{key!r} must be a mapping (a JSON object)")
    return scan_object(text, start, shape)


def _extend_object(node: JsonNode, shape: Shape) -> None:
    """Locate in an object located already the objects `shape` names that are not yet: only the
    values skipped so far are scanned, so asking for many places one at a time costs about what
    asking for all of them at once would (see JsonOutline.locate)."""
    entries = node.entries
    wildcard = shape.get("*")
    # In document order, as a scan with the shape would meet them (the first error is the one
    # it would give).
    keys = list(entries) if wildcard is not None else sorted(
        (key for key in shape if key in entries), key=lambda key: entries[key].key_start)
    for key in keys:
        sub = shape.get(key, wildcard if key != "$ref" else None)  # as scan_object says
        if sub is None:
            continue
        entry = entries[key]
        if entry.node is None:
            entry.node = _scan_value(node.text, key, entry.value_start, sub)
        else:
            _extend_object(entry.node, sub)


def _skip_value(text: str, start: int) -> int:
    """Where the value at `start` ends, checked but not kept: memory stays flat, and the few
    values the merge reads are decoded again from their span."""
    try:
        return _DECODER.raw_decode(text, start)[1]
    except json.JSONDecodeError as exc:
        raise Unsupported(exc.pos, exc.msg) from None
    except ValueError as exc:  # NaN or Infinity
        raise Unsupported(start, str(exc)) from None
    except RecursionError:
        raise Unsupported(start, "values nested too deeply") from None


class JsonOutline:
    """A JSON document: its located root object, and edits rendered in the document's layout.

    `text` is the document in `byte_text` form, and so are the edits' texts.
    """

    def __init__(self, text: str, shape: Shape) -> None:
        self.text = text
        start = _skip(text, 0)
        if not text.startswith("{", start):
            raise Unsupported(start, "the document is not a JSON object")
        self.root = scan_object(text, start, shape)
        if _skip(text, self.root.close + 1) != len(text):
            raise Unsupported(self.root.close + 1, "extra data after the document")
        self.ascii = text.isascii()
        self.step, self.colon, self.comma = self._style()
        self.newline = "\r\n" if "\r\n" in text[: 1 << 16] else "\n"
        self._rendered: dict[tuple[str, str, str, bool], str] = {}

    def locate(self, shape: Shape) -> None:
        """Locate also the objects `shape` names. The text is not read again: only values
        skipped so far are scanned, each at most once per level of nesting however many places
        are asked for one by one (the references into a file of operations, say)."""
        _extend_object(self.root, shape)

    def _style(self) -> tuple[int | None, str, str]:
        """The indent step (None for one-line JSON), key separator and, where entries share a
        line, entry separator the document uses. An indented document's objects written on
        one line (`{"title": "T", "version": "1"}`) are taken to separate entries as Python's
        json does, by ', ' after ': ' and ',' after ':'."""
        entries = list(self.root.entries.values())
        if not entries:
            return 2, ": ", ", "
        first = entries[0]
        colon = self.text[first.key_end : first.value_start]
        comma = "," + " " * colon.endswith(" ")
        gap = self.text[self.root.open + 1 : first.key_start]
        if "\n" not in gap:
            if len(entries) > 1:
                comma = self.text[first.value_end : entries[1].key_start]
            return None, colon, comma
        return len(gap) - gap.rindex("\n") - 1, colon, comma

    def _indent(self, offset: int) -> str:
        line_start = self.text.rfind("\n", 0, offset) + 1
        line = self.text[line_start:offset]
        return line[: len(line) - len(line.lstrip(" \t"))]

    def render(self, value: Any, indent: str, one_line: bool = False) -> str:
        """A value as JSON in the document's layout, its inner lines indented from `indent`;
        on one line where the document is, or where `one_line` asks."""
        if self.step is None or one_line:
            dumped = json.dumps(value, ensure_ascii=self.ascii,
                                separators=(self.comma, self.colon))
        else:
            dumped = json.dumps(
                value, ensure_ascii=self.ascii, indent=self.step, separators=(",", self.colon)
            ).replace("\n", self.newline + indent)
        return as_bytes_text(dumped)

    def _entry(self, key: str, value: Any, indent: str, one_line: bool = False) -> str:
        # The same few entries (a $ref per operation) recur at a few indents; the indenting
        # encoder is pure Python, so each distinct one is rendered once.
        memo = (key, json.dumps(value), indent, one_line)
        if memo not in self._rendered:
            self._rendered[memo] = (
                as_bytes_text(json.dumps(key, ensure_ascii=self.ascii))
                + self.colon
                + self.render(value, indent, one_line)
            )
        return self._rendered[memo]

    def insert(self, node: JsonNode, entries: dict[str, Any]) -> Edit:
        """New entries after the last one of an object, separated as its entries are (and on
        its line, when it is written on one)."""
        existing = list(node.entries.values())
        if existing:
            last = existing[-1]
            indent = self._indent(last.key_start)
            one_line = "\n" not in self.text[node.open : node.close]
            if len(existing) > 1:
                separator = self.text[existing[-2].value_end : last.key_start]
            elif one_line:
                separator = self.comma
            else:
                separator = "," + self.text[node.open + 1 : last.key_start]
            text = "".join(separator + self._entry(k, v, indent, one_line)
                           for k, v in entries.items())
            return Edit(last.value_end, last.value_end, text)
        outer = self._indent(node.open)
        if self.step is None:
            inner = ",".join(self._entry(k, v, "") for k, v in entries.items())
            return Edit(node.open + 1, node.close, inner)
        indent = outer + " " * self.step
        newline = self.newline
        inner = f",{newline}{indent}".join(self._entry(k, v, indent) for k, v in entries.items())
        return Edit(node.open + 1, node.close, f"{newline}{indent}{inner}{newline}{outer}")

    def replace(self, node: JsonNode, key: str, value: Any) -> Edit:
        """The value of an entry rendered anew, at the entry's indentation."""
        entry = node.entries[key]
        indent = self._indent(entry.key_start)
        return Edit(entry.value_start, entry.value_end, self.render(value, indent))


def root_entries(text: str) -> Iterator[tuple[str, Callable[[], Any], int]]:
    """The root object's entries one at a time (key, a function decoding its value, where
    the key starts): reading stops when the caller does."""
    start = _skip(text, 0)
    if not text.startswith("{", start):
        raise Unsupported(start, "the document is not a JSON object")
    step = _OPEN.match(text, start + 1)
    if step is None:
        raise Unsupported(start + 1, "expected a string key or '}'")
    while not step.group(1):
        index = step.end() - 1
        try:
            key_end = _scanstring(text, index + 1, True)[1]
        except json.JSONDecodeError as exc:
            raise Unsupported(exc.pos, exc.msg) from None
        colon = _COLON.match(text, key_end)
        if colon is None:
            raise Unsupported(key_end, "expected ':'")
        value_start, value_end = colon.end(), _skip_value(text, colon.end())
        yield _decode(text, index, key_end), partial(_decode, text, value_start, value_end), index
        step = _AFTER.match(text, value_end)
        if step is None:
            raise Unsupported(value_end, "expected ',' or '}'")
