"""The self-check after every splice: the merged text, read again by a real parser, must say
what the original said plus exactly the planned additions and replacements.

The scanners that place edits read only what a merge needs; this module does not trust them.
YAML is read back by libyaml's parser (events, no Python objects for untouched parts), the
original and the result side by side: every event must match, except where the plan adds or
replaces, and there the new part is constructed and compared with the planned value. JSON is
context-free, so only the objects that hold edits are decoded again (with the C decoder), from
the original and from the result, each checked to end exactly where the untouched bytes
resume. Any difference is a `Mismatch` naming where, and nothing is written.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from itertools import accumulate
from typing import Any

from .outline import Edit

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

    def apply(self, value: Any, path: Path_) -> Any:
        """`value` (the original at `path`) with the changes below it made, copying only the
        mappings on the way, so that shared (aliased) parts stay as they were."""
        root = {"": value}
        owned: set[int] = {id(root)}

        def walk(parts: Path_) -> dict[Any, Any]:
            node = root
            for part in ("", *parts):
                key = _key_in(node, part)
                child = node.get(key) if key is not None else None
                if child is None:
                    child = {}
                elif not isinstance(child, dict):
                    raise Mismatch((*path, *parts), "not a mapping")
                if id(child) not in owned:
                    child = dict(child)
                    owned.add(id(child))
                node[part if key is None else key] = child
                node = child
            return node

        additions, replaced = self.under(path)
        for parts, entries in additions.items():
            node = walk(parts)
            for key, entry in entries.items():
                if _key_in(node, key) is not None:
                    raise Mismatch((*path, *parts, key), f"{key!r} is there already")
                node[key] = entry
        for parts, entry in replaced.items():
            node = walk(parts[:-1])
            existing = _key_in(node, parts[-1])
            if existing is None:
                raise Mismatch((*path, *parts), f"{parts[-1]!r} is not there to replace")
            del node[existing]
            node[parts[-1]] = entry
        return root[""]


def _key_in(mapping: dict[Any, Any], key: str) -> Any:
    """The key of `mapping` that reads as `key` (YAML may have made `200` an int), or None."""
    if key in mapping:
        return key
    return next((k for k in mapping if not isinstance(k, str) and str(k) == key), None)


def verify_json(original: str, result: str, nodes: Mapping[Path_, tuple[int, int]],
                changes: Changes, edits: list[Edit]) -> None:
    """Check each outermost edited object (`nodes`: path → its braces in `original`), decoded
    from the original and from the result (both in `byte_text` form)."""
    outermost = [p for p in nodes if not any(p[:end] in nodes for end in range(len(p)))]
    edits = sorted(edits)
    starts = [edit.start for edit in edits]
    shifts = list(accumulate((len(e.text) - (e.end - e.start) for e in edits), initial=0))
    for path in outermost:
        start, close = nodes[path]
        # How much the edits before the object, and up to its closing brace, move the text.
        shift_start = shifts[bisect_left(starts, start)]
        shift_end = shifts[bisect_right(starts, close)]
        try:
            before = _decode(original[start : close + 1])
        except ValueError:
            raise Mismatch(path, "specgen misread where this object ends", start) from None
        try:
            after = _decode(result[start + shift_start : close + 1 + shift_end])
        except ValueError as exc:
            raise Mismatch(path, f"the merged text does not read as JSON here ({exc})",
                           start) from None
        if after != changes.apply(before, path):
            raise Mismatch(path, "the merged object differs from the planned one", start)


def _decode(text: str) -> Any:
    import json

    return json.loads(text.encode("latin-1"))
