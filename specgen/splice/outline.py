"""What the merge sees of an existing document: located mappings, and the edits it splices in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote

from ..errors import line_start

Shape = Mapping[str, "Shape"]
"""Which mappings to locate: key (or '*' for any key) → the shape of its value."""


class Unsupported(Exception):
    """The fast scanner met something it cannot edit safely (the caller falls back)."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


class FlowStyle(Unsupported):
    """An entry of a flow-style mapping (`{...}`) to replace: the merge adds entries inside
    the braces, but does not rewrite one of them."""

    def __init__(self, offset: int) -> None:
        super().__init__(offset, (
            "cannot replace an entry of a flow-style mapping ({...}); write this mapping in"
            " block style (one entry per line) and merge again"))


class Invalid(Unsupported):
    """The document itself is wrong (a duplicate key, say): no other reader would do better."""


@dataclass(frozen=True, order=True)
class Edit:
    """Replace text[start:end] with `text` (an insertion when start == end)."""

    start: int
    end: int
    text: str


class Node(Protocol):
    """A mapping of the document whose entries are located in its text."""

    def names(self) -> list[str]:
        """The keys in document order."""

    def __contains__(self, key: object) -> bool:
        """Whether the mapping has the key."""

    def child(self, key: str) -> Node | None:
        """The located mapping under `key` (only where the shape asked for one)."""

    def value(self, key: str) -> Any:
        """The parsed value under `key`."""

    def offset(self, key: str) -> int:
        """Where the entry of `key` starts in the text."""


class Outline(Protocol):
    """A parsed document that can say where things are and render edits in its own style."""

    @property
    def root(self) -> Node:
        """The document's root mapping."""

    def insert(self, node: Any, entries: dict[str, Any]) -> Edit:
        """An edit adding new entries at the end of a mapping."""

    def replace(self, node: Any, key: str, value: Any) -> Edit:
        """An edit replacing the value of an existing entry."""


def local_target(ref: Any) -> tuple[str, ...] | None:
    """The path a reference into this document names (`#/a/b~1c`), else None."""
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return None
    return tuple(unquote(part).replace("~1", "/").replace("~0", "~")
                 for part in ref[2:].split("/"))


def line_of(text: str, offset: int) -> int:
    """The 1-based line number of an offset (only used for messages, so a count is fine)."""
    return line_start(text, offset)[0]


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Splice non-overlapping edits into the text; everything else is kept byte for byte."""
    parts = []
    cursor = 0
    for edit in sorted(edits):
        if edit.start < cursor:
            raise ValueError(f"overlapping edits at offset {edit.start}")
        parts.append(text[cursor : edit.start])
        parts.append(edit.text)
        cursor = edit.end
    parts.append(text[cursor:])
    return "".join(parts)


def indented(text: str, start: Any, end: Any) -> bool:
    """Whether every line after the first of text[start:end] is indented deeper than the first
    (blank lines aside)."""
    if start.line == end.line:
        return True
    first = text.rfind("\n", 0, start.index) + 1
    indent = len(text[first:start.index]) - len(text[first:start.index].lstrip(" "))
    for line in text[start.index : end.index].split("\n")[1:]:
        stripped = line.lstrip(" ")
        if stripped and len(line) - len(stripped) <= indent:
            return False
    return True
