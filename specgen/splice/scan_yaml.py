"""Block-style YAML as text plus positions: locate the mappings a merge edits, in their style.

A line scanner, not a YAML parser: in block style, the keys of a mapping are exactly the lines at
its indentation that are neither comments nor `- ` items, so a regex per level finds them without
reading what lies below. Values are parsed (by PyYAML) only where the merge needs them. Anything
the scanner cannot edit safely raises Unsupported, and the caller uses the composing fallback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml

from ..catalog.yaml_source import YamlLoader
from .outline import Edit, FlowStyle, Invalid, Shape, Unsupported, line_of

_FIRST_CONTENT = re.compile(r"^( *)[^ \n#]", re.M)
_KEY = re.compile(
    r"""(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\n]|'')*)'|([^ \t\n#'"{\[\]}&*!|>%@`?,][^\n]*?))"""
    r"[ \t]*:(?=[ \t]|$)"
)
_KEEP = re.compile(r"[|>](?:[1-9]?\+|\+[1-9])[ \t]*(?:#[^\n]*)?$", re.M)
_STEP = re.compile(r"^\S[^\n]*:[ \t]*\n(?:[ \t]*(?:#[^\n]*)?\n)*( +)[^ \n#-]", re.M)
# Keys whose values are lists in OpenAPI, so their first item shows the document's list indent
# (a generic "key:" line could sit inside a Markdown description).
_SEQUENCE = re.compile(
    r"^( *)(?:servers|tags|required|enum|security|parameters|allOf|anyOf|oneOf):[ \t]*\n( *)- ",
    re.M,
)


MERGE_KEY = ("a merge key (<<) in a mapping the merge reads or edits (paths, operations,"
             " responses, components): specgen cannot tell what it merges in; write the keys out")


@cache
def _keys_at(indent: int) -> re.Pattern[str]:
    # A literal prefix ("\n" and the spaces) lets the regex engine skip ahead quickly, where a
    # multi-line "^" would be tried at every character of a 10 MB document.
    return re.compile(rf"\n {{{indent}}}([^ \n#][^\n]*)")


def _key_lines(text: str, start: int, end: int, indent: int) -> Iterator[tuple[int, str]]:
    """(line start, line after the indentation) of each line in text[start:end] at `indent`."""
    if start == 0:
        first = re.match(rf" {{{indent}}}([^ \n#][^\n]*)", text)
        if first is not None:
            yield 0, first.group(1)
    for match in _keys_at(indent).finditer(text, max(start - 1, 0), end):
        yield match.start() + 1, match.group(1)


@dataclass
class YamlEntry:
    """One key of a block mapping: its line, what follows the colon, and where its lines end."""

    line_start: int
    line_end: int
    end: int
    rest: str
    node: YamlNode | None = None


@dataclass
class YamlNode:
    """A mapping located by lines: entries at `indent`, within text[start:end]."""

    text: str
    indent: int | None
    parent_indent: int
    start: int
    end: int
    entries: dict[str, YamlEntry] = field(default_factory=dict)
    flow: tuple[int, int] | None = None
    flow_data: dict[str, Any] | None = None
    locked: str = ""

    def names(self) -> list[str]:
        """The keys in document order."""
        return list(self.flow_data or self.entries)

    def __contains__(self, key: object) -> bool:
        return key in (self.flow_data if self.flow_data is not None else self.entries)

    def child(self, key: str) -> YamlNode | None:
        """The located mapping under `key`, if the shape asked for it."""
        entry = self.entries.get(key)
        return entry.node if entry else None

    def value(self, key: str) -> Any:
        """The value under `key`, parsed from the entry's own lines."""
        if self.flow_data is not None:
            return self.flow_data[key]
        entry = self.entries[key]
        try:
            data = yaml.load(self.text[entry.line_start : entry.end], Loader=YamlLoader)
        except yaml.YAMLError as exc:
            raise Unsupported(entry.line_start, f"cannot read this entry alone: {exc}") from None
        return next(iter(data.values()))

    def offset(self, key: str) -> int:
        """Where the entry of `key` starts."""
        if self.flow is not None:
            return self.flow[0]
        return self.entries[key].line_start + (self.indent or 0)


def _key(line: str, offset: int) -> tuple[str, str]:
    match = _KEY.match(line)
    if match is None:
        raise Unsupported(offset, f"cannot read a key in {line[:40]!r}")
    double, single, plain = match.groups()
    if double is not None:
        key = str(json.loads(f'"{double}"'))
    elif single is not None:
        key = single.replace("''", "'")
    else:
        key = plain
    return key, line[match.end() :]


def _strip_comment(rest: str) -> str:
    stripped = rest.strip()
    return "" if stripped.startswith("#") else stripped


def scan_block(text: str, start: int, end: int, parent_indent: int, shape: Shape) -> YamlNode:
    """Locate the block mapping in text[start:end] (more indented than its parent) and below."""
    node = YamlNode(text, None, parent_indent, start, end)
    first = _FIRST_CONTENT.search(text, start, end)
    if first is None or len(first.group(1)) <= parent_indent:
        return node
    indent = node.indent = len(first.group(1))
    previous: YamlEntry | None = None
    for line_start, line in _key_lines(text, start, end, indent):
        if line.startswith("- ") or line == "-":
            if previous is None:
                raise Unsupported(line_start, "a sequence where a mapping was expected")
            continue  # an item of the previous key's indentless sequence
        if line.startswith(("---", "...")):
            raise Unsupported(line_start, "several YAML documents in one file")
        key, rest = _key(line, line_start)
        if key == "<<" and line.startswith("<<"):
            raise Invalid(line_start + indent, MERGE_KEY)
        if key in node.entries:
            earlier = line_of(text, node.entries[key].line_start)
            raise Invalid(line_start, f"duplicate key {key!r} (also on line {earlier})")
        if previous is not None:
            previous.end = line_start
        line_end = line_start + indent + len(line)
        previous = node.entries[key] = YamlEntry(line_start, line_end, end, rest)
    for key, entry in node.entries.items():
        sub = shape.get(key, shape.get("*") if key != "$ref" else None)
        if sub is not None:
            entry.node = _child(text, entry, indent, sub)
    return node


def _child(text: str, entry: YamlEntry, indent: int, shape: Shape) -> YamlNode | None:
    value = _strip_comment(entry.rest)
    below = min(entry.line_end + 1, entry.end)
    if value == "":
        return scan_block(text, below, entry.end, indent, shape)
    if value.startswith("!"):  # a tag, even !!map: composing reads it as libyaml does
        raise Unsupported(entry.line_start, "a tagged value")
    if value.startswith("&") and " " not in value:
        node = scan_block(text, below, entry.end, indent, shape)
        _lock(node, "it carries an anchor (or is inside one), so its aliases would change too")
        return node
    if value.startswith("{") and value.endswith("}"):
        try:
            data = yaml.load(value, Loader=YamlLoader)
        except yaml.YAMLError:
            raise Unsupported(entry.line_start, "cannot read a flow mapping") from None
        opening = entry.line_start + text.index("{", entry.line_start, entry.line_end) - (
            entry.line_start
        )
        closing = text.rindex("}", entry.line_start, entry.line_end) + 1
        node = YamlNode(text, None, indent, below, entry.end, flow=(opening, closing))
        node.flow_data = {str(k): v for k, v in data.items()}
        return node
    return None


def _lock(node: YamlNode, reason: str) -> None:
    """Mark a mapping and every mapping located inside it as not editable by the scanner."""
    node.locked = reason
    for entry in node.entries.values():
        if entry.node is not None:
            _lock(entry.node, reason)


class _StyleDumper(yaml.SafeDumper):
    """PyYAML's dumper, told the document's sequence indentation and preferred quote."""

    indentless = True
    quote = "'"

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, indentless and self.indentless)

    def choose_scalar_style(self) -> str:
        style: str = super().choose_scalar_style()
        return self.quote if style in ("'", '"') and self.quote == '"' else style


_YAML_BREAKS = ("\x85", "\u2028", "\u2029")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line text reads best as a literal block; PyYAML falls back where one cannot hold it.
    # YAML reads U+0085, U+2028 and U+2029 as line breaks: only double quotes can escape them.
    if any(mark in value for mark in _YAML_BREAKS):
        style: str | None = '"'
    else:
        style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_StyleDumper.add_representer(str, _represent_str)


class YamlStyle:
    """How a YAML document lays itself out (indent step, list indent, quote, line ends)."""

    def __init__(self, text: str) -> None:
        sample = text[: 1 << 21]
        step = _STEP.search(sample)
        self.step = len(step.group(1)) if step else 2
        sequence = _SEQUENCE.search(sample)
        indentless = sequence is None or len(sequence.group(1)) == len(sequence.group(2))
        double = sample.count(': "') > sample.count(": '")
        style = {"indentless": indentless, "quote": '"' if double else "'"}
        self.dumper = type("DocumentDumper", (_StyleDumper,), style)
        self.newline = "\r\n" if "\r\n" in sample else "\n"
        self._rendered: dict[tuple[str, int], str] = {}

    def render(self, entries: dict[str, Any], indent: int) -> str:
        """Entries as block YAML lines at `indent`, in the document's style."""
        memo = (json.dumps(entries), indent)
        if memo not in self._rendered:
            dumped = yaml.dump(
                entries, Dumper=self.dumper, indent=self.step, sort_keys=False,
                allow_unicode=True, default_flow_style=False, width=max(60, 100 - indent),
            )
            pad = " " * indent
            # Split on "\n" only: str.splitlines would also break at U+0085 and U+2028 that a
            # quoted scalar may hold, and padding there would change the value.
            block = "\n".join(pad + line if line else line for line in dumped.split("\n"))
            self._rendered[memo] = block.replace("\n", self.newline)
        return self._rendered[memo]

    @staticmethod
    def flow(entries: dict[str, Any]) -> str:
        """Entries for the inside of a flow mapping: JSON, which every YAML reader accepts."""
        return ", ".join(
            json.dumps(k, ensure_ascii=False) + ": " + json.dumps(v, ensure_ascii=False)
            for k, v in entries.items()
        )


def keep_key(block: str, head: str, comment: str = "") -> str:
    """A rendered entry whose key is written as the document wrote it (`head`: the key's line
    up to its colon), so that only the value changes: `400:` stays an integer, `"400":` keeps
    its quotes, and a comment after it stays when the value starts on the next line."""
    first, newline, rest = block.partition("\n")
    pad = len(first) - len(first.lstrip(" "))
    match = _KEY.match(first, pad)
    if match is None:
        return block
    after = first[match.end():]
    return head + (after or comment) + newline + rest


class YamlOutline:
    """A block-style YAML document: its located root mapping, and edits in the document's style."""

    def __init__(self, text: str, shape: Shape) -> None:
        if "\r" in text:
            raise Unsupported(text.index("\r"), "CR line endings")
        self.text = text
        first = _FIRST_CONTENT.search(text)
        if first is not None and text.startswith(("---", "%"), first.start()):
            raise Unsupported(first.start(), "a document marker or directive")
        self.root = scan_block(text, 0, len(text), -1, shape)
        if self.root.indent not in (0, None):
            raise Unsupported(0, "the root mapping is indented")
        self.style = YamlStyle(text)

    def _content_end(self, start: int, end: int, indent: int) -> int:
        """Where the last line of a block ends: trailing blank lines and comments at or left of
        its indentation belong to what follows, unless a kept block scalar owns them."""
        text = self.text
        pos = end
        keep: bool | None = None
        while pos > start:
            line_end = pos - 1 if text[pos - 1] == "\n" else pos
            line_start = max(text.rfind("\n", start, line_end) + 1, start)
            line = text[line_start:line_end]
            stripped = line.lstrip(" ")
            if not stripped:
                if keep is None:
                    keep = _KEEP.search(text, start, pos) is not None
                if keep:
                    return pos
            elif not (stripped.startswith("#") and len(line) - len(stripped) <= indent):
                return pos
            pos = line_start
        return pos

    def _at(self, pos: int, block: str) -> Edit:
        prefix = "" if pos == 0 or self.text[pos - 1] == "\n" else "\n"
        return Edit(pos, pos, prefix + block)

    def insert(self, node: YamlNode, entries: dict[str, Any]) -> Edit:
        """New entries after the last line of a mapping, or inside its braces when in flow style."""
        if node.flow is not None:
            opening, closing = node.flow
            items = self.style.flow(entries)
            if node.flow_data:
                return Edit(closing - 1, closing - 1, ", " + items)
            return Edit(opening + 1, closing - 1, items)
        if node.locked:
            raise Unsupported(node.start, f"cannot add to this mapping: {node.locked}")
        if node.indent is None:
            indent = node.parent_indent + self.style.step
            return self._at(node.start, self.style.render(entries, indent))
        pos = self._content_end(node.start, node.end, node.indent)
        return self._at(pos, self.style.render(entries, node.indent))

    def replace(self, node: YamlNode, key: str, value: Any) -> Edit:
        """An entry's lines rewritten with a new value, at the same indentation."""
        if node.flow is not None and not node.locked:
            raise FlowStyle(node.flow[0])
        if node.flow is not None or node.locked or node.indent is None:
            raise Unsupported(node.start, "cannot replace an entry of this mapping")
        entry = node.entries[key]
        pos = self._content_end(entry.line_start, entry.end, node.indent)
        block = self.style.render({key: value}, node.indent)
        head = self.text[entry.line_start : entry.line_end - len(entry.rest)]
        comment = entry.rest if entry.rest.strip().startswith("#") else ""
        return Edit(entry.line_start, pos, keep_key(block, head, comment))
