"""The self-check after every splice: the merged text, read again by a real parser, must say
what the original said plus exactly the planned additions and replacements.

The scanners that place edits read only what a merge needs; this module does not trust them.
YAML is read back by libyaml's parser, the original and the result side by side (see
verify_yaml). JSON is context-free, so each edit is decoded where it is made, and the bytes
around it are checked to be exactly where the scanner said (see `verify_json`). Any difference
is a `Mismatch` naming where, and nothing is written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from .outline import Edit
from .scan_json import JsonNode

Path_ = tuple[str, ...]


class Mismatch(Exception):
    """The merged document does not read as planned at `path`."""

    def __init__(self, path: Path_, message: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.offset = offset  # where in the original, when known


class Changes:
    """What a plan changes, by path: entries added to mappings, entries replaced."""

    def __init__(self, additions: Mapping[Path_, Mapping[str, Any]],
                 replacements: list[tuple[Path_, str, Any]]) -> None:
        self.additions = additions
        self.replaced = {(*path, key): value for path, key, value in replacements}
        self.below: dict[Path_, list[Path_]] = {}  # each path on the way → the changes below
        for changed in [*additions, *self.replaced]:
            for end in range(len(changed) + 1):
                self.below.setdefault(changed[:end], []).append(changed)
        self.touched = self.below.keys()

    def under(self, path: Path_) -> tuple[dict[Path_, Any], dict[Path_, Any]]:
        """The changes at or below `path`, relative to it (to compare an alias with its anchor)."""
        size = len(path)
        found = self.below.get(path, [])
        return ({p[size:]: dict(self.additions[p]) for p in found if p in self.additions},
                {p[size:]: self.replaced[p] for p in found if p in self.replaced})


def verify_json(original: str, edited: Sequence[tuple[Path_, Any, str | None, Any, Edit]],
                ) -> None:
    """Check each edit of a JSON document where it is made: (path, object, replaced key or
    None for an addition, the planned value or entries, the edit), texts in `byte_text` form.

    JSON is context-free: text that reads as exactly the planned members (or value), spliced
    between bytes that are exactly the end of the object's last member and its closing brace
    (or a value's own span), gives a document that reads as the original plus the change.
    """
    for path, node, key, planned, edit in edited:
        if not isinstance(node, JsonNode):
            raise Mismatch(path, "no object was located here", edit.start)
        if original[node.open] != "{" or original[node.close] != "}":
            raise Mismatch(path, "specgen misread where this object is", node.open)
        if key is not None:
            entry = node.entries.get(key)
            if entry is None or (edit.start, edit.end) != (entry.value_start, entry.value_end):
                raise Mismatch((*path, key), "the replacement is not where the value is",
                               edit.start)
            if _decode(edit.text, (*path, key), edit.start) != planned:
                raise Mismatch((*path, key), "the replaced value reads differently", edit.start)
            continue
        if set(planned) & set(node.entries):
            raise Mismatch(path, "an added key is there already", node.open)
        members = list(node.entries.values())
        after = members[-1].value_end if members else node.open + 1
        text = edit.text[1:] if members and edit.text.startswith(",") else edit.text
        if ((edit.start, edit.end) != (after, after if members else node.close)
                or original[after : node.close].strip(" \t\r\n")
                or (members and text is edit.text)):
            raise Mismatch(path, "the addition is not at the end of the object", edit.start)
        if _decode("{" + text + "}", path, edit.start) != planned:
            raise Mismatch(path, "the added entries read differently", edit.start)


def _decode(text: str, path: Path_, offset: int) -> Any:
    try:
        return json.loads(text.encode("latin-1"))
    except ValueError as exc:
        raise Mismatch(path, f"the merged text does not read as JSON ({exc})", offset) from None
