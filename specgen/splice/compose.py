"""The fallback outline for YAML the line scanner declines (flow style, aliases, markers, CRLF).

It composes the whole document with PyYAML, which is slower on large files but knows where every
node starts and ends; edits are then rendered in the same style as the scanner's.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from ..catalog.yaml_source import YamlLoader, yaml_message
from .outline import Edit, FlowStyle, Invalid, Shape, Unsupported, indented
from .scan_yaml import MERGE_KEY, YamlStyle, keep_key

_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_ALIAS_AFTER_KEY = re.compile(r"[ \t]*:[ \t]+\*[^\s,\[\]{}]+")


def _line_after(text: str, index: int) -> int:
    """The start of the line after the one where `index` falls (or the end of the text)."""
    if index > 0 and text[index - 1] == "\n":
        return index
    found = text.find("\n", index)
    return len(text) if found < 0 else found + 1


class ComposedNode:
    """A mapping node of the composed document (or the null value of a key, an empty mapping)."""

    def __init__(self, outline: ComposedOutline, node: yaml.MappingNode | None,
                 start: int, indent: int) -> None:
        self.outline = outline
        self.node = node
        self.start = start
        self.indent = indent
        self.pairs: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key, value in node.value if node is not None else ():
            if isinstance(key, yaml.ScalarNode):
                if key.tag == _MERGE:
                    raise Invalid(key.start_mark.index, MERGE_KEY)
                if key.value in self.pairs:
                    line = self.pairs[key.value][0].start_mark.line + 1
                    raise Invalid(key.start_mark.index,
                                  f"duplicate key {key.value!r} (also on line {line})")
                self.pairs[key.value] = (key, value)

    def names(self) -> list[str]:
        """The keys in document order."""
        return list(self.pairs)

    def __contains__(self, key: object) -> bool:
        return key in self.pairs

    def child(self, key: str) -> ComposedNode | None:
        """The mapping under `key`; a key with no value counts as an empty mapping."""
        pair = self.pairs.get(key)
        if pair is None:
            return None
        key_node, value = pair
        if isinstance(value, yaml.MappingNode):
            return ComposedNode(self.outline, value, value.start_mark.index,
                                key_node.start_mark.column)
        if isinstance(value, yaml.ScalarNode) and value.tag == _NULL and not value.value:
            indent = key_node.start_mark.column + self.outline.style.step
            return ComposedNode(self.outline, None,
                                _line_after(self.outline.text, key_node.end_mark.index), indent)
        return None

    def value(self, key: str) -> Any:
        """The value under `key`, constructed from its nodes."""
        return yaml.constructor.SafeConstructor().construct_document(self.pairs[key][1])

    def offset(self, key: str) -> int:
        """Where the key starts."""
        return int(self.pairs[key][0].start_mark.index)


def invalid_yaml(exc: yaml.YAMLError, text: str) -> Unsupported:
    """A YAML error in `text` as Unsupported, at the place it names."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        return Unsupported(mark.index if mark else 0, yaml_message(exc, text))
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow
        return Unsupported(exc.position, f"invalid YAML: {exc.reason} (#x{exc.character:04x})")
    return Unsupported(0, f"invalid YAML: {exc}")


def check_syntax(text: str) -> bool:
    """Raise Unsupported at the first YAML syntax error: libyaml's parser reads the whole
    document (the scanner that locates what a merge edits reads only the lines it needs).

    False when the line scanner must not be trusted: a quoted scalar or a flow collection
    continued on a line indented no deeper than the line it starts on (libyaml accepts that,
    and such a line would look like a key of an outer mapping).
    """
    scannable = True
    flow_depth = 0
    opened: Any = None
    event: Any
    try:
        for event in yaml.parse(text, Loader=YamlLoader):
            if isinstance(event, yaml.ScalarEvent):
                if event.style in ('"', "'") and not flow_depth and scannable:
                    scannable = indented(text, event.start_mark, event.end_mark)
            elif isinstance(event, yaml.CollectionStartEvent):
                if event.flow_style or flow_depth:
                    opened = opened if flow_depth else event.start_mark
                    flow_depth += 1
            elif isinstance(event, yaml.CollectionEndEvent) and flow_depth:
                flow_depth -= 1
                if not flow_depth and scannable:
                    scannable = indented(text, opened, event.end_mark)
    except yaml.YAMLError as exc:
        raise invalid_yaml(exc, text) from None
    return scannable


def root_scalars(text: str, keys: tuple[str, ...]) -> dict[str, tuple[Any, int]]:
    """The first of some keys of the root mapping with its scalar value (and where the key
    starts), read from libyaml's events only as far as that key."""
    found: dict[str, tuple[Any, int]] = {}
    depth = 0
    is_key = True
    key: Any = None  # PyYAML's stubs declare no attributes on events
    try:
        for event in yaml.parse(text, Loader=YamlLoader):
            if depth == 0 and isinstance(event, yaml.SequenceStartEvent):
                break  # the root is not a mapping
            if depth == 1 and not isinstance(event, yaml.CollectionEndEvent):
                if is_key:
                    key = event if isinstance(event, yaml.ScalarEvent) else None
                elif key is not None and key.value in keys:
                    value = event.value if isinstance(event, yaml.ScalarEvent) else "not text"
                    found[key.value] = (value, key.start_mark.index)
                    break
                is_key = not is_key
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:
        raise invalid_yaml(exc, text) from None
    return found


class ComposedOutline:
    """Any YAML document PyYAML reads, with edits placed by node marks."""

    def __init__(self, text: str, shape: Shape) -> None:
        del shape  # composing finds every mapping anyway
        self.text = text
        try:
            root = yaml.compose(text, Loader=YamlLoader)
        except yaml.YAMLError as exc:
            raise invalid_yaml(exc, text) from None
        if not isinstance(root, yaml.MappingNode):
            raise Unsupported(0, "the document is not a mapping")
        self.shared = self._aliased(root)
        self.style = YamlStyle(text)
        self.root = ComposedNode(self, root, 0, -1)

    @staticmethod
    def _aliased(root: yaml.Node) -> set[int]:
        """Mappings reached more than once: anchored and aliased, so an edit would show twice."""
        seen: set[int] = set()
        shared: set[int] = set()
        stack = [root]
        while stack:
            node = stack.pop()
            if id(node) in seen:
                shared.add(id(node))
                continue
            seen.add(id(node))
            if isinstance(node, yaml.MappingNode):
                stack.extend(part for pair in node.value for part in pair)
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)
        return shared

    def _end(self, value: yaml.Node, *, defined: bool = False) -> int:
        """The start of the line after a value's last character (`defined`: of the place where
        an aliased value is defined).

        A block collection's end mark sits at the next token, past comments and blank lines
        that may belong to what follows, so the end of its last scalar is used instead.
        """
        node, key = value, None
        while isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style:
            if (id(node) in self.shared and not (defined and node is value)) or not node.value:
                break
            last = node.value[-1]
            node, key = (last[1], last[0]) if isinstance(last, tuple) else (last, None)
        if id(node) not in self.shared or (defined and node is value):
            return _line_after(self.text, node.end_mark.index)
        # An alias's node carries the marks of its anchor, elsewhere in the document; the alias
        # itself is found only where it follows its key on the same line.
        if key is not None:
            line = _ALIAS_AFTER_KEY.match(self.text, key.end_mark.index)
            if line is not None:
                return _line_after(self.text, line.end())
        raise Unsupported(value.start_mark.index, "cannot place text after this alias")

    def insert(self, node: ComposedNode, entries: dict[str, Any]) -> Edit:
        """New entries after the last one of a mapping (inside the braces in flow style)."""
        mapping = node.node
        if mapping is None:
            return self._at(node.start, self.style.render(entries, node.indent))
        # An aliased mapping is edited once, where it is defined: that changes every alias,
        # which the self-check (verify) accepts only when the plan changes every alias alike.
        if mapping.flow_style:
            closing = self.text.rindex("}", 0, mapping.end_mark.index)
            separator = ", " if mapping.value else ""
            return Edit(closing, closing, separator + self.style.flow(entries))
        indent = mapping.value[0][0].start_mark.column
        return self._at(self._end(mapping, defined=True), self.style.render(entries, indent))

    def replace(self, node: ComposedNode, key: str, value: Any) -> Edit:
        """An entry of a block mapping rewritten with a new value."""
        mapping = node.node
        if mapping is None or id(mapping) in self.shared:
            raise Unsupported(node.start, "cannot replace an entry of this mapping")
        if mapping.flow_style:
            raise FlowStyle(mapping.start_mark.index)
        key_node, value_node = node.pairs[key]
        start = key_node.start_mark.index - key_node.start_mark.column
        end = self._end(value_node)
        block = self.style.render({key: value}, key_node.start_mark.column)
        colon = self.text.find(":", key_node.end_mark.index)
        if colon < 0 or self.text[key_node.end_mark.index : colon].strip(" \t"):
            return Edit(start, end, block)
        return Edit(start, end, keep_key(block, self.text[start : colon + 1]))

    def _at(self, pos: int, block: str) -> Edit:
        prefix = "" if pos == 0 or self.text[pos - 1] == "\n" else self.style.newline
        return Edit(pos, pos, prefix + block)
