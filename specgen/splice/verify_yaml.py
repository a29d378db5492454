"""The self-check for YAML: libyaml's events for the original and the result, side by side.

Every event must match, except where the plan adds or replaces: there the new part is composed
from the result's events and compared with the planned value. Anchors and aliases are followed
by path, so an edit to a shared mapping passes only when every place sharing it changes alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NoReturn

import yaml

from ..catalog.yaml_source import YamlLoader
from .outline import indented
from .verify import Changes, Mismatch, Path_

Event = Any  # PyYAML's stubs declare no attributes on events


_RESOLVER = yaml.resolver.Resolver()
_QUOTES = ("'", '"')
SHARE = ("an edit to a shared value is made only when every place sharing it is an operation"
         " the rules select alike; write the value out, or select all of them")


def _tag(kind: type[yaml.Node], event: Event) -> str:
    """The tag of a node from its event: given, or resolved as a loader would."""
    if event.tag:
        return str(event.tag)
    value = event.value if kind is yaml.ScalarNode else None
    return str(_RESOLVER.resolve(kind, value, event.implicit))  # type: ignore[no-untyped-call]


class _Stream:
    """A YAML event stream with one event of look-ahead."""

    def __init__(self, text: str, which: str) -> None:
        self.events: Iterator[Event] = yaml.parse(text, Loader=YamlLoader)
        self.which = which
        self.ahead: Event | None = None

    def next(self) -> Event:
        if self.ahead is not None:
            event, self.ahead = self.ahead, None
            return event
        return next(self.events)

    def peek(self) -> Event:
        if self.ahead is None:
            self.ahead = next(self.events)
        return self.ahead


def _same(a: Event, b: Event) -> bool:
    """Whether two events read the same (style and position aside)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, yaml.ScalarEvent):
        return bool(a.value == b.value and a.tag == b.tag and a.implicit == b.implicit
                    and a.anchor == b.anchor)
    if isinstance(a, yaml.NodeEvent):
        return bool(a.anchor == b.anchor and getattr(a, "tag", None) == getattr(b, "tag", None))
    return True


def _is_null(event: Event) -> bool:
    return (isinstance(event, yaml.ScalarEvent) and event.value == "" and event.tag is None
            and event.implicit[0] and event.anchor is None)


def _is_merge_key(event: Event) -> bool:
    return (isinstance(event, yaml.ScalarEvent) and event.value == "<<" and event.tag is None
            and event.implicit[0])


def _compose(first: Event, stream: _Stream, path: Path_) -> yaml.Node:
    """The node whose first event is `first` (of text the merge inserted: no aliases)."""
    if isinstance(first, yaml.ScalarEvent):
        return yaml.ScalarNode(_tag(yaml.ScalarNode, first), first.value, style=first.style)
    if isinstance(first, yaml.SequenceStartEvent):
        items = []
        while not isinstance(stream.peek(), yaml.SequenceEndEvent):
            items.append(_compose(stream.next(), stream, path))
        stream.next()
        return yaml.SequenceNode(_tag(yaml.SequenceNode, first), items)
    if isinstance(first, yaml.MappingStartEvent):
        pairs = []
        while not isinstance(stream.peek(), yaml.MappingEndEvent):
            key = _compose(stream.next(), stream, path)
            pairs.append((key, _compose(stream.next(), stream, path)))
        stream.next()
        return yaml.MappingNode(_tag(yaml.MappingNode, first), pairs)
    raise Mismatch(path, "the merged text has an alias where specgen wrote none")


def _construct(node: yaml.Node, path: Path_) -> Any:
    try:
        return yaml.constructor.SafeConstructor().construct_document(node)
    except yaml.YAMLError as exc:
        raise Mismatch(path, f"the merged text does not read back: {exc}") from None


class _YamlCheck:
    """Walks the original's and the result's events side by side."""

    def __init__(self, original: str, result: str, changes: Changes) -> None:
        self.text = original
        self.old = _Stream(original, "original")
        self.new = _Stream(result, "result")
        self.changes = changes
        self.anchors: dict[str, Path_ | None] = {}  # None: anchored where nothing changes
        # Whether the line scanner could trust the original's lines (see check_syntax).
        self.scannable = True
        self.last: Event = None  # the original's last event read by _pair

    def _note(self, start: Event, end: Event) -> None:
        """Note a quoted scalar or outermost flow collection (from `start` to `end`)."""
        if self.scannable:
            self.scannable = indented(self.text, start.start_mark, end.end_mark)

    def run(self) -> None:
        while not isinstance(self.old.peek(), yaml.MappingStartEvent | yaml.StreamEndEvent):
            self._pair(())
        if isinstance(self.old.peek(), yaml.MappingStartEvent):
            self.node(())
        while True:
            event = self._pair(())
            if isinstance(event, yaml.StreamEndEvent):
                return

    def _pair(self, path: Path_) -> Event:
        a, b = self.old.next(), self.new.next()
        if not _same(a, b):
            raise Mismatch(path, "the merged text reads differently here", a.start_mark.index)
        if type(a) is yaml.ScalarEvent and a.style in _QUOTES:
            self._note(a, a)
        return a

    def _alias(self, event: Event, path: Path_) -> None:
        anchored = self.anchors.get(event.anchor)
        if anchored is None and path not in self.changes.touched:
            return
        there = self.changes.under(anchored) if anchored is not None else ({}, {})
        if self.changes.under(path) != there:
            raise Mismatch(path, f"this alias (*{event.anchor}) would change unlike the value"
                                 f" it shares; {SHARE}", event.start_mark.index)

    def _record(self, event: Event, path: Path_ | None) -> None:
        anchor = getattr(event, "anchor", None)
        if anchor is not None and not isinstance(event, yaml.AliasEvent):
            self.anchors[anchor] = path

    def untouched(self, path: Path_) -> None:
        """One node where nothing changes: every event alike (the hot loop of the check, so
        it reads both parsers' events directly)."""
        first = self._pair(path)
        self._record(first, None)
        if isinstance(first, yaml.AliasEvent):
            self._alias(first, path)
        if not isinstance(first, yaml.CollectionStartEvent):
            return
        new_events = self.new.events
        depth = 1
        flow_at, flow_start = (1, first) if first.flow_style else (0, None)
        for a in self.old.events:
            b = next(new_events)
            kind = type(a)
            if kind is not type(b):
                self._differs(first, a, path)
            if kind is yaml.ScalarEvent:
                if (a.value != b.value or a.implicit != b.implicit or a.tag != b.tag
                        or a.anchor != b.anchor):
                    self._differs(first, a, path)
                if a.anchor is not None:
                    self.anchors[a.anchor] = None
                if a.style in _QUOTES and not flow_at:
                    self._note(a, a)
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                if depth == flow_at:
                    self._note(flow_start, a)
                    flow_at = 0
                depth -= 1
                if depth == 0:
                    return
            elif kind is yaml.AliasEvent:
                if a.anchor != b.anchor:
                    self._differs(first, a, path)
                self._alias(a, path)
            else:  # the start of a mapping or sequence
                if a.tag != b.tag or a.anchor != b.anchor:
                    self._differs(first, a, path)
                if a.anchor is not None:
                    self.anchors[a.anchor] = None
                depth += 1
                if a.flow_style and not flow_at:
                    flow_at, flow_start = depth, a

    @staticmethod
    def _differs(first: Event, event: Event, path: Path_) -> NoReturn:
        if first.anchor is None or isinstance(first, yaml.AliasEvent):
            raise Mismatch(path, "the merged text reads differently here", event.start_mark.index)
        raise Mismatch(path, f"the value anchored here (&{first.anchor}) would change through"
                             f" an alias that the merge edits; {SHARE}", first.start_mark.index)

    def node(self, path: Path_) -> None:
        """One node on the way to a change."""
        if path not in self.changes.touched:
            self.untouched(path)
            return
        added = self.changes.additions.get(path)
        if added is not None and _is_null(self.old.peek()):
            self.old.next()
            value = _construct(_compose(self.new.next(), self.new, path), path)
            if value != added:
                raise Mismatch(path, "the added entries read differently")
            return
        a = self._pair(path)
        self._record(a, path)
        if isinstance(a, yaml.AliasEvent):
            self._alias(a, path)
        elif isinstance(a, yaml.SequenceStartEvent):
            index = 0
            while not isinstance(self.old.peek(), yaml.SequenceEndEvent):
                self.node((*path, str(index)))
                index += 1
            self.last = self._pair(path)
            if a.flow_style:
                self._note(a, self.last)
        elif isinstance(a, yaml.MappingStartEvent):
            self._mapping(path, added)
            if a.flow_style:
                self._note(a, self.last)
        elif added is not None:
            raise Mismatch(path, "entries added to a value that is not a mapping")

    def _mapping(self, path: Path_, added: Mapping[str, Any] | None) -> None:
        seen: set[str] = set()
        merges = False
        while not isinstance(self.old.peek(), yaml.MappingEndEvent):
            key = self.old.peek()
            if not isinstance(key, yaml.ScalarEvent):
                self.untouched(path)
                self.untouched(path)
                continue
            name = key.value
            merges = merges or _is_merge_key(key)
            seen.add(name)
            child = (*path, name)
            if child in self.changes.replaced:
                self.old.next()
                if self.new.next().value != name:
                    raise Mismatch(child, "the replaced entry's key reads differently")
                self._skip(child)
                value = _construct(_compose(self.new.next(), self.new, child), child)
                if value != self.changes.replaced[child]:
                    raise Mismatch(child, "the replaced value reads differently")
                continue
            self._pair(child)
            self.node(child)
        if added is not None:
            if merges:
                raise Mismatch(path, "adding to a mapping with a merge key (<<) would hide"
                                     " what it merges in")
            if seen & set(added):
                raise Mismatch(path, "an added key is there already")
            entries: dict[Any, Any] = {}
            while not isinstance(self.new.peek(), yaml.MappingEndEvent):
                key_node = _compose(self.new.next(), self.new, path)
                value_node = _compose(self.new.next(), self.new, path)
                entries.update(_construct(yaml.MappingNode(
                    "tag:yaml.org,2002:map", [(key_node, value_node)]), path))
            if entries != added:
                raise Mismatch(path, "the added entries read differently")
        self.last = self._pair(path)

    def _skip(self, path: Path_) -> None:
        depth = 0
        while True:
            event = self.old.next()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if depth == 0:
                return


def verify_yaml(original: str, result: str, changes: Changes) -> bool:
    """Check the result's events against the original's plus the changes; whether the line
    scanner could trust the original (no quoted scalar or flow collection continued on a line
    indented no deeper than its first)."""
    check = _YamlCheck(original, result, changes)
    try:
        check.run()
    except StopIteration:
        raise Mismatch((), "the merged text ends early") from None
    except yaml.YAMLError as exc:
        raise Mismatch((), f"the merged text is not YAML that reads back ({exc})") from None
    return check.scannable
