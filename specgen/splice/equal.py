"""When a value of the document and one of a fragment say the same thing, whatever their form.

Merge asks this before it calls two values different: an operation's inline response and the
catalog's response component, or a component of the document and the fragment's of that name.
Two values are equal when, read as OpenAPI:

- a local `$ref` (`#/...`) stands for what it points to, on either side (the document's
  references are followed in the document, the fragment's in the fragments); a reference
  cycle compares equal when both sides loop alike. Other references compare as text, and a
  `$ref` with siblings is not followed (the siblings would change its meaning);
- specgen's own extensions (`x-specgen`, `x-specgen-*`) are not part of the value;
- mappings compare without regard to key order;
- numbers compare by value (`1` and `1.0`), but a boolean is never a number.

A component's *own* content (`own`) is compared the same way, except that a reference to
another component (`#/components/SECTION/NAME`), the same on both sides and there on both,
is equal without being followed: merge compares that component on its own, so a difference
in it is reported there, and not again at every component that refers to it.

That is `exactly`: the dereferenced documents are equal but for specgen's marks and a
`description`'s final line ending (what `--adopt` asks before it replaces a response). A
description is CommonMark, whose last line ends at the end of the text with or without one:
a YAML block scalar (`description: |`) ends with it, the catalog's text does not. `difference`
says where two values first differ (what `--adopt` reports of a response it leaves).

A value is *already there* (what merge asks before it adds or reports a conflict) on looser
terms, which say what a reader sees:

- a `description` or `summary` compares with its leading and trailing whitespace stripped
  (a YAML block scalar's final newline, say; Markdown renders both alike);
- the named examples of a media type, header or parameter (`examples`, a mapping) compare as
  their Example Objects in order, by `value`, `externalValue` and `description`: an example's
  name and `summary` are labels (a catalog names its examples by slug and titles each one);
  a media type's single `example` reads as one such Example Object holding it.

Inside data (`example`, `value`, `default`, `const`, `enum`, a schema's `examples`) every key
counts, extensions too, and text compares exactly; under `properties` and
`patternProperties` the keys are property names, kept as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import descend
from .outline import Node, local_target

_DATA = frozenset({"example", "value", "default", "const", "enum"})
_NAMES = frozenset({"properties", "patternProperties"})
_TEXT = frozenset({"description", "summary"})
_LABELS = frozenset({"summary"})


def _own(key: str) -> bool:
    return key == "x-specgen" or key.startswith("x-specgen-")


class Side:
    """One side of a comparison: the values its local references point to."""

    def __init__(self, lookup: Callable[[tuple[str, ...]], Any]) -> None:
        self._lookup = lookup
        self._found: dict[str, Any] = {}

    def target(self, ref: str) -> Any:
        """The value a local reference points to; LookupError when nothing is there."""
        if ref not in self._found:
            path = local_target(ref)
            if path is None:
                raise LookupError(ref)
            self._found[ref] = self._lookup(path)
        return self._found[ref]


def document_side(root: Node) -> Side:
    """The document's side: references followed through its located mappings, the rest decoded
    only where a reference points."""

    def lookup(path: tuple[str, ...]) -> Any:
        node = root
        for index, part in enumerate(path):
            if part not in node:
                raise LookupError(part)
            child = node.child(part) if index < len(path) - 1 else None
            if child is None:
                return descend(node.value(part), path[index + 1:])
            node = child
        raise LookupError("#")  # the whole document is no response, schema or header

    return Side(lookup)


def data_side(data: Mapping[str, Any]) -> Side:
    """The side of plain data (the fragments' components, under `components`)."""
    return Side(lambda path: descend(data, path))


def _lone_ref(value: Any) -> str | None:
    """The local reference a value is, when it is one alone (specgen's marks aside)."""
    if not isinstance(value, dict) or [key for key in value if not _own(key)] != ["$ref"]:
        return None
    ref = value["$ref"]
    return ref if isinstance(ref, str) and local_target(ref) is not None else None


def _component(ref: str, side: Side) -> bool:
    """Whether a local reference names a component (`#/components/SECTION/NAME`) that the side
    has."""
    path = local_target(ref)
    if path is None or len(path) != 3 or path[0] != "components":
        return False
    try:
        side.target(ref)
    except LookupError:
        return False
    return True


def _followed(value: Any, side: Side, seen: set[str]) -> tuple[Any, str | None]:
    """The value a lone local reference stands for (followed to the end), and the last one."""
    last = None
    while (ref := _lone_ref(value)) is not None:
        if ref in seen:
            return None, ref
        seen.add(ref)
        try:
            value, last = side.target(ref), ref
        except LookupError:
            break  # a dangling reference compares as its text
    return value, last


@dataclass(frozen=True)
class Difference:
    """Where two values first differ: the keys (and list indexes) down to it, from the values
    compared (references followed), and which side has something the other lacks ("left",
    "right"; "both" when both have it, differently)."""

    path: tuple[str, ...]
    side: str


class _Compare:
    def __init__(self, left: Side, right: Side, exactly: bool, own: bool) -> None:
        self.left = left
        self.right = right
        self.exactly = exactly
        self.own = own
        self.assumed: set[tuple[str, str]] = set()
        self.trail: list[str] = []
        # The first difference met: the comparison is a conjunction that stops there.
        self.difference: Difference | None = None

    def differs(self, *, key: str | None = None, side: str = "both") -> bool:
        """Note the first difference (at `key` below the current place) and say False."""
        if self.difference is None:
            self.difference = Difference((*self.trail, *([key] if key else [])), side)
        return False

    def below(self, key: str, a: Any, b: Any, data: bool = False) -> bool:
        """Compare values one key (or list index) down."""
        self.trail.append(key)
        try:
            return self.same(a, b, data)
        finally:
            self.trail.pop()

    def same(self, a: Any, b: Any, data: bool = False) -> bool:
        return self._same(a, b, data) or self.differs()

    def _same(self, a: Any, b: Any, data: bool) -> bool:
        if not data:
            if self.own and (ref := _lone_ref(a)) is not None and ref == _lone_ref(b) and (
                    _component(ref, self.left) and _component(ref, self.right)):
                return True
            a, ref_a = _followed(a, self.left, set())
            b, ref_b = _followed(b, self.right, set())
            if ref_a is not None and ref_b is not None:
                # Coinductive: a pair met again on the way down is equal unless something
                # else differs (equality is a conjunction, so the first difference decides).
                if (ref_a, ref_b) in self.assumed:
                    return True
                self.assumed.add((ref_a, ref_b))
        if isinstance(a, dict):
            return isinstance(b, dict) and self._mapping(a, b, data, names=False)
        if isinstance(a, list):
            return (isinstance(b, list) and len(a) == len(b)
                    and all(self.below(str(index), x, y, data)
                            for index, (x, y) in enumerate(zip(a, b, strict=True))))
        if isinstance(a, bool) or isinstance(b, bool):
            return type(a) is type(b) and a == b
        if isinstance(a, int | float) and isinstance(b, int | float):
            return a == b
        return type(a) is type(b) and bool(a == b)

    def _mapping(self, a: dict[str, Any], b: dict[str, Any], data: bool, names: bool) -> bool:
        keys_a = [key for key in a if data or names or not _own(key)]
        keys_b = [key for key in b if data or names or not _own(key)]
        if set(keys_a) != set(keys_b):
            only = [key for key in keys_a if key not in keys_b]
            return self.differs(key=(only or [k for k in keys_b if k not in keys_a])[0],
                                side="left" if only else "right")
        if len(keys_a) != len(keys_b):
            return False  # a key repeated: not a mapping OpenAPI reads
        for key in keys_a:
            self.trail.append(key)
            try:
                if not self._entry(key, a[key], b[key], data, names):
                    return self.differs()
            finally:
                self.trail.pop()
        return True

    def _entry(self, key: str, x: Any, y: Any, data: bool, names: bool) -> bool:
        """Whether the values of a key in two mappings are equal."""
        if names:
            return self.same(x, y, data)
        if data:
            return self.same(x, y, True)
        if key in _TEXT and isinstance(x, str) and isinstance(y, str):
            if not self.exactly:
                return x.strip() == y.strip()
            return (key == "description" and _markdown(x) == _markdown(y)) or x == y
        if key == "content" and isinstance(x, dict) and not self.exactly:
            return isinstance(y, dict) and self._mapping(
                {name: _named_example(media) for name, media in x.items()},
                {name: _named_example(media) for name, media in y.items()}, False, True)
        if key == "examples" and isinstance(x, dict) and not self.exactly:
            return isinstance(y, dict) and self._named(list(x.values()), list(y.values()))
        if key in _NAMES and isinstance(x, dict) and isinstance(y, dict):
            return self._mapping(x, y, False, names=True)
        inner = key in _DATA or (key == "examples" and isinstance(x, list))
        return self.same(x, y, inner)

    def _named(self, a: list[Any], b: list[Any]) -> bool:
        """Example Objects, their labels aside."""
        if len(a) != len(b):
            return False
        for x, y in zip(a, b, strict=True):
            x, _ = _followed(x, self.left, set())
            y, _ = _followed(y, self.right, set())
            if isinstance(x, dict) and isinstance(y, dict):
                x = {key: item for key, item in x.items() if key not in _LABELS}
                y = {key: item for key, item in y.items() if key not in _LABELS}
            if not self.same(x, y):
                return False
        return True


def _markdown(text: str) -> str:
    """A CommonMark text without its final line ending (a YAML block scalar's newline): the
    last line ends at the end of the text with or without it, so nothing renders otherwise."""
    return text.removesuffix("\n")


def _named_example(media: Any) -> Any:
    """A Media Type Object with its single `example` as an Example Object under `examples`."""
    if not isinstance(media, dict) or "example" not in media or "examples" in media:
        return media
    rest = {key: value for key, value in media.items() if key != "example"}
    return {**rest, "examples": {"": {"value": media["example"]}}}


def difference(a: Any, left: Side, b: Any, right: Side, *, exactly: bool = False,
               own: bool = False) -> Difference | None:
    """Where `a` (read on the `left` side) and `b` (on the `right`) first differ; None when
    they say the same thing (`exactly`: dereferenced, they are equal but for specgen's marks;
    `own`: but for the components they both refer to)."""
    compare = _Compare(left, right, exactly, own)
    try:
        return None if compare.same(a, b) else compare.difference
    except RecursionError:  # nested deeper than Python follows: not known to be equal
        return Difference((), "both")


def same(a: Any, left: Side, b: Any, right: Side, *, exactly: bool = False,
         own: bool = False) -> bool:
    """Whether `a` and `b` say the same thing (see `difference`)."""
    return difference(a, left, b, right, exactly=exactly, own=own) is None
