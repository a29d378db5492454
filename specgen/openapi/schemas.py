"""Catalog schemas as OpenAPI components: `$defs` lifted into components, `$ref`s rewritten."""

from __future__ import annotations

import json
import re
from collections.abc import Container, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..catalog.schemas import COMPONENT_PREFIX, iter_refs
from ..errors import unescape_pointer_part
from .downconvert import Inexpressible, Path, Refusal

_DEF_KEYWORDS = ("$defs", "definitions")
# Where JSON Schema 2020-12 (and draft 7) keeps subschemas; values elsewhere are data.
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions",
                          "dependentSchemas"})
_ONE_SCHEMA = frozenset({
    "items", "additionalItems", "additionalProperties", "not", "if", "then", "else", "contains",
    "propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema",
})
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_NOT_IN_NAMES = re.compile(r"[^A-Za-z0-9._-]+")

DefKey = tuple[str, str]  # ("$defs" or "definitions", name)


def component_name(text: str) -> str:
    """A valid OpenAPI component name (^[a-zA-Z0-9.\\-_]+$) from any text."""
    return _NOT_IN_NAMES.sub("_", text) or "_"


def unique_name(name: str, taken: Container[str]) -> str:
    """`name`, or else the first of `name.2`, `name.3`, … that is not taken."""
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name}.{number}"
    return candidate


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class Owner:
    """A schema that may hold `$defs`: a named catalog schema, or one written inline."""

    label: str  # its component name when named; else the prefix of its lifted definitions
    schema: Any
    path: Path  # where it is in the catalog, for error messages
    named: bool

    def defs(self) -> dict[DefKey, Any]:
        """The definitions at the schema's root, which become components."""
        root = self.schema if isinstance(self.schema, dict) else {}
        return {
            (keyword, name): sub
            for keyword in _DEF_KEYWORDS
            if isinstance(root.get(keyword), dict)
            for name, sub in root[keyword].items()
        }

    def alias(self) -> DefKey | None:
        """The definition a named schema merely points to (Pydantic's recursive root models)."""
        root = self.schema
        if not (self.named and isinstance(root, dict)) or set(root) - {*_DEF_KEYWORDS, "$ref"}:
            return None
        key = _def_key(root.get("$ref"))
        return key if key in self.defs() else None


def _def_key(ref: Any) -> DefKey | None:
    if not isinstance(ref, str):
        return None
    parts = ref.split("/")
    if len(parts) >= 3 and parts[0] == "#" and parts[1] in _DEF_KEYWORDS:
        return parts[1], unescape_pointer_part(parts[2])
    return None


@dataclass
class Lifted:
    """Components ready for an OpenAPI document, and the inline schemas rewritten to match."""

    schemas: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, Path] = field(default_factory=dict)  # component → its place in the catalog
    inline: list[Any] = field(default_factory=list)  # the inline owners' schemas, in order


def lift(owners: Sequence[Owner]) -> Lifted:
    """Lift every owner's root `$defs` into components and point every `$ref` at them.

    A definition keeps its own name when that is unambiguous (no catalog schema has it, and
    every schema defining it defines it the same way, so they share one component); otherwise
    it is named `Owner.Definition`. Raises Inexpressible for what an OpenAPI document cannot hold.
    """
    names = _names(owners)
    lifted = Lifted()
    refusals: list[Refusal] = []
    for index, owner in enumerate(owners):
        rewriter = _Rewriter(owner, {key: names[index, key] for key in owner.defs()}, refusals)
        alias = owner.alias()
        root = owner.schema
        if isinstance(root, dict):
            root = {k: v for k, v in root.items() if k not in _DEF_KEYWORDS}
        if alias is not None:
            lifted.schemas[owner.label] = rewriter.schema(owner.defs()[alias], alias)
            lifted.origins[owner.label] = (*owner.path, *alias)
        elif owner.named:
            lifted.schemas[owner.label] = rewriter.schema(root, ())
            lifted.origins[owner.label] = owner.path
        else:
            lifted.inline.append(rewriter.schema(root, ()))
        for key, sub in owner.defs().items():
            name = names[index, key]
            if key != alias and name not in lifted.schemas:
                lifted.schemas[name] = rewriter.schema(sub, key)
                lifted.origins[name] = (*owner.path, *key)
    if refusals:
        raise Inexpressible(refusals)
    return lifted


def _names(owners: Sequence[Owner]) -> dict[tuple[int, DefKey], str]:
    """The component name of every definition of every owner."""
    labels = {owner.label: index for index, owner in enumerate(owners) if owner.named}
    groups: dict[str, list[tuple[int, DefKey]]] = {}
    for index, owner in enumerate(owners):
        alias = owner.alias()
        for key in owner.defs():
            # A root model named after its catalog schema joins the definitions of its name,
            # so that other models nesting it share its component.
            if key != alias or owner.label == component_name(key[1]):
                groups.setdefault(component_name(key[1]), []).append((index, key))
    shared = {
        name for name, members in groups.items()
        if (name not in labels or (labels[name], owners[labels[name]].alias()) in members)
        and len({_canonical(owners[i].defs()[key]) for i, key in members}) == 1
    }
    # Shared definitions are emitted once, from their first owner: that is right only when each
    # of their references means the same in every owner.
    while True:
        unportable = {name for name in shared if not _portable(name, groups, shared, owners)}
        if not unportable:
            break
        shared -= unportable
    taken = set(labels) | shared
    result: dict[tuple[int, DefKey], str] = {}
    for index, owner in enumerate(owners):
        alias = owner.alias()
        for key in owner.defs():
            plain = component_name(key[1])
            if key == alias:
                result[index, key] = owner.label
            elif plain in shared:
                result[index, key] = plain
            else:
                result[index, key] = unique_name(f"{owner.label}.{plain}", taken)
                taken.add(result[index, key])
    return result


def _portable(
    name: str,
    groups: dict[str, list[tuple[int, DefKey]]],
    shared: set[str],
    owners: Sequence[Owner],
) -> bool:
    """Whether a shared definition's local references reach the same shared definitions in
    every owner that defines it."""
    members = groups[name]
    first, key = members[0]
    for _, ref in iter_refs(owners[first].defs()[key]):
        if not ref.startswith("#") or ref.startswith(COMPONENT_PREFIX):
            continue
        target = _def_key(ref)
        if target is None:
            return False
        group = component_name(target[1])
        if group not in shared or any((i, target) not in groups[group] for i, _ in members):
            return False
    return True


class _Rewriter:
    """Copies one owner's schemas with every local `$ref` pointed at its component."""

    def __init__(self, owner: Owner, names: dict[DefKey, str], refusals: list[Refusal]) -> None:
        self.owner, self.names, self.refusals = owner, names, refusals

    def schema(self, node: Any, path: Path) -> Any:
        """A copy of `node` with references rewritten (`path`: where it is in the owner)."""
        if not isinstance(node, dict):
            return node
        result: dict[str, Any] = {}
        for key, value in node.items():
            here = (*path, key)
            if key == "$ref" and isinstance(value, str):
                result[key] = self.ref(value, here)
            elif key == "$id":
                self.refusals.append(((*self.owner.path, *here), (
                    "'$id' changes what every $ref below it points to, which breaks them once the"
                    " schema is inside an OpenAPI document; remove it")))
            elif key == "discriminator" and isinstance(value, dict) and isinstance(
                value.get("mapping"), dict
            ):
                mapping = {
                    name: self.ref(target, (*here, "mapping", name)) if isinstance(target, str)
                    else target
                    for name, target in value["mapping"].items()
                }
                result[key] = {**value, "mapping": mapping}
            elif key in _SCHEMA_MAPS and isinstance(value, dict):
                result[key] = {name: self.schema(sub, (*here, name)) for name, sub in value.items()}
            elif key in _ONE_SCHEMA:
                result[key] = self.schema(value, here)
            elif key in _SCHEMA_LISTS and isinstance(value, list):
                result[key] = [self.schema(sub, (*here, i)) for i, sub in enumerate(value)]
            else:
                result[key] = value
        return result

    def ref(self, ref: str, path: Path) -> str:
        """Where a reference points once the schemas are components."""
        if not (ref == "#" or ref.startswith("#/")) or ref.startswith(COMPONENT_PREFIX):
            return ref
        key = _def_key(ref)
        if key in self.names:
            rest = ref.split("/", 3)[3:]
            return COMPONENT_PREFIX + self.names[key] + "".join(f"/{part}" for part in rest)
        if self.owner.named:
            return COMPONENT_PREFIX + self.owner.label + ref[1:]
        self.refusals.append(((*self.owner.path, *path), (
            f"$ref {ref!r} points into an inline schema, which has no name in an OpenAPI"
            " document; move the schema under 'schemas' and refer to it by name")))
        return ref
