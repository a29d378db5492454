"""A YAML catalog's problem types as the text each is written in, cut out before parsing.

Two versions of a catalog are mostly the same text, and parsing is most of what diff costs:
libyaml makes a Python object per node. In a block-style catalog, the problem types of a code
are the entries of a block mapping, each written from its key line to the next key line. Their
texts are cut out of the file (their lines left empty, so every other position stays where it
is) and the rest is parsed as usual; `sides` then compares the texts. A problem type written
alike, byte for byte, under the same code in both files has the same data, as a `files.Written`
of equal bytes has; only the others are parsed, each on its own (`parse_span`).

A cut must not change what the rest means, nor what a piece means:
- each piece is a whole YAML entry: libyaml parses every piece on its own without making any
  object (`raw_parse`: C speed, and the parser of the full read), as deep as in the file (its
  nesting limit counts the levels above), which finds a quoted scalar or a flow collection
  running across a key line;
- `codes` and each code cut are block mappings (a code's key line ends at its colon, and no
  flow collection or tag opens its value), and the line after a `problems` mapping is indented
  no more than the code's fields: one indented between those and the entries would become the
  value of `problems` once the entries are cut;
- the parsed rest holds each code, and its emptied `problems`, on the lines the cut found them;
- anchors and directives would give a piece meaning from elsewhere in the file: a file that
  may hold either is not cut at all, and neither is one with tabs where lines begin, a byte
  order mark (libyaml skips one where a line begins) or another line break than "\\n" (libyaml
  also ends lines, and comments, at CR, NEL, LS and PS);
- without anchors an alias is an error that libyaml's composer finds only after its parser,
  before any error of the builder: a mapping whose pieces may hold one is not cut, so that such
  an error is reported first, as the full read reports it.
A mapping that breaks any of these stays in the text, parsed in full; any doubt about the whole
reads the whole file, as `check` does.

Checking every piece is most of what the cut costs, and most pieces of the new file are written
as in the old one. Whether a piece is a whole entry depends on its bytes alone: the new file is
cut knowing the old file's pieces, each checked already, and a piece written as one of them,
byte for byte, is not checked again (`cut`'s `known`).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import cache
from typing import Any, NamedTuple

import yaml
from yaml.resolver import Resolver

from ..catalog.source import Path_, Place, decode
from ..catalog.yaml_source import read_yaml
from ..errors import LoadError
from .files import Span

try:
    from yaml._yaml import CParser  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - PyYAML built without libyaml: nothing is cut
    CParser = None  # type: ignore[misc,assignment]

# The regular expressions begin with a newline, which `re` scans for at C speed ('^' would be
# tried at every byte): searches start at the newline that ends the line before.
# An anchor (&name) may start after whitespace, a flow indicator or ':' (as in
# yaml_source._ANCHOR; a false match only costs the speed).
_ANCHOR = re.compile(rb"(?<![^\s\[{,:])&[^\s\[\]{},]")
_TAB = re.compile(rb"\n *+\t")
# What an alias (*name) may follow, spaces aside, where it starts a node: an indicator, a line's
# indentation, or a flow collection's opening or comma.
_BEFORE_NODE = b"\n:?,[{-"
# Line breaks to libyaml besides "\n" (which the cut counts lines by) and the byte order mark
# (which libyaml skips where a line begins), each after a byte of it found at memchr's speed
# that few files hold (not the last bytes of letters such as é).
_ODD = ((b"\r", b"\r"), (b"\x85", b"\xc2\x85"), (b"\xe2", b"\xe2\x80\xa8"),
        (b"\xe2", b"\xe2\x80\xa9"), (b"\xef", b"\xef\xbb\xbf"))
# The rest of a key line whose value is below it: spaces, perhaps a comment.
_KEY_LINE_END = rb"[ \t]*(?:#[^\n]*)?\n"
_CODES_LINE = rb"codes:" + _KEY_LINE_END
_CODES_FIRST = re.compile(_CODES_LINE)
_CODES = re.compile(b"\n" + _CODES_LINE)
_TOP = re.compile(rb"\n[^ \n#]")
_FIRST = re.compile(rb"\n( *+)[^ \n#]")
_INDENT = re.compile(rb" *")
_LINE_END = re.compile(_KEY_LINE_END)
# A code's key line, its value below it; and what may begin a flow collection, or a tag, on the
# line below: the code (and `codes`) must be a block mapping, whose indentation the cut reads.
_CODE_KEY = re.compile(
    rb" *(?:[0-9A-Za-z_]+|\"[0-9A-Za-z_]+\"|'[0-9A-Za-z_]+'):(?:[ \t]+#[^\n]*)?[ \t]*\n")
_NOT_BLOCK = b"{[!"
_SLUG = re.compile(rb"([A-Za-z0-9_][A-Za-z0-9_.-]*):(?:[ \t]|\n|$)")
_STR = "tag:yaml.org,2002:str"
_RESOLVER = Resolver()
# The first characters the loader's implicit resolvers are listed under (None: any character).
_IMPLICIT: frozenset[str | None] = frozenset(_RESOLVER.yaml_implicit_resolvers)


class _Mapping(NamedTuple):
    """A code's `problems` block mapping as cut: where the code's key and `problems` are, which
    bytes were emptied, and each entry's slug, bytes and key line."""

    code_line: int
    problems_line: int
    start: int
    end: int
    entries: list[tuple[str, int, int, int, int]]


class Cut(NamedTuple):
    """A YAML catalog's text with its problem types cut out, and where each was."""

    text: str
    mappings: list[_Mapping]

    def attach(self, data: Any, positions: dict[Path_, Place]) -> bool:
        """Put each problem type back into the parsed rest as its `Span`, with its key's
        position; False (nothing changed) when the rest does not hold what was cut where the cut
        found it, which a sound cut never gives."""
        codes = data.get("codes") if isinstance(data, dict) else None
        if not isinstance(codes, dict):
            return False
        by_line = {}
        for key in codes:
            where = positions.get(("codes", str(key)))
            if where is not None:
                by_line[where[0]] = key
        found = []
        for mapping in self.mappings:
            key = by_line.get(mapping.code_line)
            status = codes.get(key) if key is not None else None
            where = positions.get(("codes", str(key), "problems"))
            if not (isinstance(status, dict) and "problems" in status
                    and status["problems"] is None and where is not None
                    and where[0] == mapping.problems_line):
                return False
            found.append((str(key), status, mapping))
        for code, status, mapping in found:
            status["problems"] = {
                slug: Span(code, start, end, line, column)
                for slug, start, end, line, column in mapping.entries}
            for slug, _, _, line, column in mapping.entries:
                positions[("codes", code, "problems", slug)] = (line, column)
        return True


def cut(raw: bytes, known: Collection[bytes] = frozenset()) -> Cut | None:
    """The catalog's text with the problem types of each code cut out, where that is sound;
    None when nothing is cut. `known`: texts already found to be whole entries (`_whole`), which
    are not checked again."""
    if CParser is None or _uncuttable(raw):
        return None
    codes = _CODES_FIRST.match(raw) or _CODES.search(raw)
    if codes is None:
        return None
    start = codes.end()
    top = _TOP.search(raw, start - 1)
    lines = _Lines(raw)
    listed, _ = _entries(raw, start, top.start() + 1 if top else len(raw))
    if listed and raw[listed[0][0] + _indent(raw, listed[0][0])] in _NOT_BLOCK:
        return None
    mappings = [mapping for mapping in (_mapping(raw, lines, *code, known) for code in listed)
                if mapping is not None]
    if not mappings:
        return None
    parts, last = [], 0
    for mapping in mappings:
        parts.append(raw[last:mapping.start])
        parts.append(b"\n" * raw.count(b"\n", mapping.start, mapping.end))
        last = mapping.end
    parts.append(raw[last:])
    return Cut(b"".join(parts).decode("utf-8"), mappings)


def read_yaml_cut(name: str, raw: bytes, text: str, known: Collection[bytes] = frozenset(),
                  ) -> tuple[Any, dict[Path_, Place]]:
    """A YAML file's data and positions, its problem types cut out as `Span`s where they can
    be (`spans`; the `known` texts not checked again); any doubt, or any error, reads the whole
    text instead (the error, then, as `check` reports it)."""
    found = cut(raw, known)
    if found is not None:
        try:
            data, positions, _ = read_yaml(name, found.text)
        except LoadError:
            pass
        else:
            if found.attach(data, positions):
                return data, positions
    data, positions, _ = read_yaml(name, text)
    return data, positions


def parse_span(file: str, raw: bytes, span: Span, at: Path_) -> tuple[Any, dict[Path_, Place]]:
    """A cut problem type's data (`at`: the path of its `problems` mapping), parsed as the full
    read parses it: on its lines, `_within` the keys of `at` on the lines before, so that its
    paths and its depth are those of the full read."""
    text = "\n" * (span.line - 1 - len(at)) + _within(at) + decode(file, raw[span.start:span.end])
    data, positions, _ = read_yaml(file, text)
    for key in at:
        data = data[key]
    (value,) = data.values()
    return value, {path: where for path, where in positions.items() if len(path) > len(at)}


def _within(at: Path_) -> str:
    """Block mappings, one key a line, that hold the text after them at path `at`: a piece
    parsed under them is as deep as in the file (libyaml's nesting limit counts the levels
    above it too), and indented more than they are."""
    return "".join(" " * depth + "'" + key.replace("'", "''") + "':\n"
                   for depth, key in enumerate(at))


# Where `_mapping` parses each piece: as deep as in the file, under a code of any name.
_CONTEXT = _within(("codes", "", "problems")).encode()


def _mapping(raw: bytes, lines: _Lines, start: int, end: int, known: Collection[bytes],
             ) -> _Mapping | None:
    """The `problems` mapping of the code written in `start:end`, cut out; None when it is
    not a block mapping of text keys whose entries each parse on their own (`_whole`, unless
    `known`)."""
    if not _CODE_KEY.match(raw, start, end):
        return None
    body = raw.find(b"\n", start, end) + 1  # the line after the code's key
    first = _FIRST.search(raw, body - 1, end)  # the code's first field: how fields are indented
    if first is None or raw[first.end() - 1] in _NOT_BLOCK:
        return None
    fields = len(first.group(1))
    found = _problems(raw, fields, body - 1, end)
    if found is None:
        return None
    field, inside = found
    listed, field_end = _entries(raw, inside, end, fields)
    if field_end < end and _indent(raw, field_end) > fields:
        return None  # a line indented between the fields and the entries: problems' value, cut
    if _may_alias(raw, inside, field_end):
        return None
    code_line, problems_line = lines.at(start), lines.at(field)
    entries: list[tuple[str, int, int, int, int]] = []
    slugs: set[str] = set()
    for entry, entry_end in listed:
        indent = _indent(raw, entry)
        key = _SLUG.match(raw, entry + indent)
        if key is None:
            return None
        slug = key.group(1).decode("ascii")
        if slug in slugs or _resolved(slug) != _STR:
            return None  # a slug twice (the full read says so), or a key such as 404 or true
        slugs.add(slug)
        piece = raw[entry:entry_end]
        if piece not in known and not _whole(piece):
            return None
        entries.append((slug, entry, entry_end, lines.at(entry), indent + 1))
    if not entries:
        return None
    return _Mapping(code_line, problems_line, inside, field_end, entries)


def _resolved(plain: str) -> str:
    """The tag the YAML loader gives a plain scalar: most slugs begin with a character no
    implicit resolver is listed under (only those for null, booleans and numbers are), and are
    text without trying any."""
    if plain[:1] not in _IMPLICIT and None not in _IMPLICIT:
        return _STR
    tag: str = _RESOLVER.resolve(  # type: ignore[no-untyped-call]
        yaml.ScalarNode, plain, (True, False))
    return tag


def _whole(piece: bytes) -> bool:
    """Whether a problem type's text is a whole YAML entry on its own: libyaml parses it, as
    deep as in the file, without making any object (`raw_parse`)."""
    try:
        CParser(_CONTEXT + piece).raw_parse()
    except yaml.YAMLError:
        return False
    return True


def _indent(raw: bytes, line: int) -> int:
    """How many spaces begin the line starting at offset `line`."""
    return _INDENT.match(raw, line).end() - line  # type: ignore[union-attr]


def _may_alias(raw: bytes, start: int, end: int) -> bool:
    """Whether an alias may start a node in the lines `start:end` (a false match, in text,
    only costs the speed)."""
    star = raw.find(b"*", start, end)
    while star != -1:
        before = star - 1
        while raw[before] in b" \t":  # the line before `start` ends with a newline
            before -= 1
        if raw[before] in _BEFORE_NODE:
            return True
        star = raw.find(b"*", star + 1, end)
    return False


def _uncuttable(raw: bytes) -> bool:
    """Whether the file may hold an anchor, a directive, a tab in a line's indentation, a line
    break other than "\\n" or a byte order mark (which libyaml skips where a line begins)."""
    return (raw.startswith(b"%") or b"\n%" in raw
            or any(last in raw and odd in raw for last, odd in _ODD)
            or (b"&" in raw and _ANCHOR.search(raw) is not None)
            or (b"\t" in raw and _TAB.search(raw) is not None))


def _entries(raw: bytes, start: int, end: int, outer: int = 0,
             ) -> tuple[list[tuple[int, int]], int]:
    """The entries of the block collection written from `start` (its lines indented by more
    than `outer`), each from a line at its indentation to the next, and where the collection
    ends: at the first line indented less, or at `end`."""
    first = _FIRST.search(raw, start - 1, end)
    if first is None or len(first.group(1)) <= outer:
        return [], start
    indent = len(first.group(1))
    found, stop = [], end
    for match in _at_most(indent).finditer(raw, start - 1, end):
        if match.end() - match.start() - 2 < indent:  # a newline, the spaces and a character
            stop = match.start() + 1
            break
        found.append(match.start() + 1)
    return list(zip(found, [*found[1:], stop], strict=True)), stop


def _problems(raw: bytes, indent: int, start: int, end: int) -> tuple[int, int] | None:
    """Where the first line in `start:end` of a code's field `problems` (indented by `indent`,
    its value below it) starts and ends; found at memchr's speed."""
    key = b"\n" + b" " * indent + b"problems:"
    found = raw.find(key, start, end)
    while found != -1:
        rest = _LINE_END.match(raw, found + len(key), end)
        if rest is not None:
            return found + 1, rest.end()
        found = raw.find(key, found + 1, end)
    return None


@cache
def _at_most(indent: int) -> re.Pattern[bytes]:
    """A line indented by at most `indent` spaces that is not blank or a comment."""
    return re.compile(rb"\n {0,%d}+[^ \n#]" % indent)


class _Lines:
    """Line numbers of offsets met in increasing order, counting each newline once."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.offset = 0
        self.line = 1

    def at(self, offset: int) -> int:
        self.line += self.raw.count(b"\n", self.offset, offset)
        self.offset = offset
        return self.line
