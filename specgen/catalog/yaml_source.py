"""YAML catalogs parsed into plain data, with the line and column of every entry."""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

from ..errors import LoadError
from .source import MAX_DEPTH, MAX_NODES, NOT_FINITE, UNSHOWABLE, Document, Path_, Place

try:  # libyaml's composer is an order of magnitude faster; the pure one gives the same nodes.
    YamlLoader: type[Any] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    YamlLoader = yaml.SafeLoader

# Where an anchor (&name) may start: the start of the text, after whitespace, a flow indicator
# or a ':'. Any other '&' cannot be an anchor; a false match only costs the explosion check.
_ANCHOR = re.compile(r"(?:^|[\s\[{,:])&")
_CORE = "tag:yaml.org,2002:"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_PLAIN_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})
_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{kind}" for kind in ("str", "int", "float", "bool", "null")
)
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
# The escapes of double-quoted YAML that can write a character outputs cannot show (and more:
# an escaped backslash before one of these letters only costs the full check).
_UNSHOWABLE_ESCAPE = re.compile(r"\\[0abvfeNLPxuU]")


def yaml_message(exc: yaml.MarkedYAMLError, text: str) -> str:
    """libyaml's error in `text` as every reader of YAML words it, catalogs and OpenAPI
    documents alike: what it was doing and what it found, and the reason when it stopped at a
    tab (libyaml says only that it "cannot start any token")."""
    mark = exc.problem_mark or exc.context_mark
    message = " ".join(part for part in (exc.context, exc.problem) if part)
    if mark and text[mark.index:mark.index + 1] == "\t" and "tab" not in message:
        message += " (a tab: YAML indentation uses spaces, not tabs)"
    return f"invalid YAML: {message}"


def parse_yaml(file: str, text: str) -> Document:
    """Parse YAML text, rejecting duplicate keys, unsupported tags and alias bombs."""
    data, positions, clean = read_yaml(file, text)
    return Document(file, data, positions.get, clean)


def read_yaml(file: str, text: str) -> tuple[Any, dict[Path_, Place], bool]:
    """`parse_yaml`'s data, the position of every path in it, and whether the text is clean
    (`Document.clean`)."""
    try:
        node = yaml.compose(text, Loader=YamlLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise LoadError.at(file, yaml_message(exc, text), line=line, column=column) from None
    except yaml.YAMLError as exc:
        raise LoadError.at(file, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise LoadError.at(file, f"nesting is deeper than {MAX_DEPTH} levels") from None
    positions: dict[Path_, Place] = {}
    if node is None:
        return None, positions, False
    if _ANCHOR.search(text):  # without anchors there are no aliases, so nothing can explode
        _refuse_explosion(file, node)
    positions[()] = _mark(node)
    builder = _YamlBuilder(file, positions)
    data = builder.build(node)
    clean = (builder.text_keys and UNSHOWABLE.search(text) is None
             and ("\\" not in text or _UNSHOWABLE_ESCAPE.search(text) is None))
    return data, positions, clean


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _refuse_explosion(file: str, root: yaml.Node) -> None:
    """Refuse alias loops and 'billion laughs' from the composed graph, before building data.

    Aliases make the node graph a DAG (or a loop); its expanded size is computed once per
    distinct node, so a bomb is measured in microseconds instead of being expanded.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # the current depth-first path: meeting one again is a loop
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        key = id(node)
        if closing:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > MAX_NODES:
                raise _fail(
                    file,
                    node,
                    f"more than {MAX_NODES:,} values after expanding aliases (an alias bomb?)",
                )
        elif key in open_nodes:
            raise _fail(file, node, "an alias refers to a node that contains it (a loop)")
        elif key not in sizes:
            open_nodes.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node))


def _fail(file: str, node: yaml.Node, message: str) -> LoadError:
    line, column = _mark(node)
    return LoadError.at(file, message, line=line, column=column)


class _YamlBuilder:
    """Turns composed nodes into data, recording where each entry was written."""

    def __init__(self, file: str, positions: dict[Path_, tuple[int, int]]) -> None:
        self.file = file
        self.positions = positions
        self.text_keys = True  # every key is text (the codes' numbers aside)
        self.constructor = yaml.constructor.SafeConstructor()

    def fail(self, node: yaml.Node, message: str) -> LoadError:
        return _fail(self.file, node, message)

    def build(self, node: yaml.Node, path: Path_ = (), depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nesting is deeper than {MAX_DEPTH} levels")
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in _PLAIN_TAGS:
            raise self.fail(node, f"unsupported YAML tag {_short_tag(node.tag)!r}")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                item_path = (*path, str(index))
                self.positions.setdefault(item_path, _mark(item))
                items.append(self._child(item, item_path, depth + 1))
            return items
        if node.tag == _INT_TAG and not _DECIMAL.fullmatch(node.value):
            # YAML 1.1 reads 0561 as octal 369 and 9:21 as 561: keep such spellings as text,
            # so a code written that way is refused instead of silently becoming another one.
            return node.value
        if node.tag == _BOOL_TAG and node.value.lower() not in ("true", "false"):
            # Likewise yes/no/on/off: YAML 1.1 booleans that people write meaning text.
            return node.value
        if node.tag == _TIMESTAMP_TAG:
            # JSON has no dates: keep the text (an HTTP date is text too) so bodies stay JSON.
            return node.value
        if node.tag not in _SCALAR_TAGS:
            raise self.fail(node, f"unsupported YAML tag {_short_tag(node.tag)!r}")
        try:
            value = self.constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            raise self.fail(node, f"invalid value: {exc.problem}") from None
        except ValueError as exc:  # e.g. an integer of more than 4,300 digits
            raise self.fail(node, f"invalid value: {str(exc).split(';')[0]}") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(node, NOT_FINITE)
        return value

    def _child(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        """`build` of a child node; plain text, most of a catalog, taken as it is (what
        PyYAML's constructor makes of it, without its bookkeeping)."""
        if node.tag == _STR_TAG and type(node) is yaml.ScalarNode and depth <= MAX_DEPTH:
            return node.value
        return self.build(node, path, depth)

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        explicit: set[Any] = set()
        merged: list[tuple[Any, Any]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.extend(self._merge_sources(value_node, path, depth))
                continue
            key = self._child(key_node, path, depth + 1)
            if isinstance(key, list | dict):
                raise self.fail(key_node, "a mapping key must be a plain value")
            if key in explicit:
                raise self.fail(key_node, f"duplicate key {key!r}")
            explicit.add(key)
            if type(key) is not str and path != ("codes",):
                self.text_keys = False
            entry = (*path, str(key))
            self.positions[entry] = _mark(key_node)
            result[key] = self._child(value_node, entry, depth + 1)
        for key, value in merged:  # explicit keys win over merged ones (YAML merge key rules)
            result.setdefault(key, value)
        return result

    def _merge_sources(self, node: yaml.Node, path: Path_, depth: int) -> list[tuple[Any, Any]]:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        pairs: list[tuple[Any, Any]] = []
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                raise self.fail(source, "'<<' merges only mappings")
            pairs.extend(self._mapping(source, path, depth + 1).items())
        return pairs


def _short_tag(tag: str) -> str:
    """'tag:yaml.org,2002:binary' as it is written: '!!binary'."""
    return "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1
