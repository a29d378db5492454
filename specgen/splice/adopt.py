"""The end of a merge's planning: which components the document needs, and `--adopt`.

A component the document lacks is added when something added refers to it, or when no other
component refers to it and nothing in the document already says what it says. The catalog's
response for a code that the operations the rules select already have, inline and equal
(equal.py), is not added: nothing would refer to it, and a merge back into the document a
catalog was imported from changes nothing. The same holds for a code no rule places on any
operation when some operation has its response inline. What only such a response, or a component the
document already has, refers to (schemas, headers, examples) is not added either.

`--adopt` replaces each operation's inline response that equals the catalog's response for its
code by a `$ref` to the shared component (added when missing), whatever the rules select: the
document says the same thing, once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from ..catalog.yaml_source import YamlLoader
from ..errors import json_pointer, line_start
from .equal import Difference, Side, data_side, difference, same
from .outline import FlowStyle, Node, Unsupported, local_target

if TYPE_CHECKING:
    from .plan import DocumentText, Fragment, MergePlan
    from .planner import Planner

Path_ = tuple[str, ...]
RESPONSES = ("components", "responses")


@dataclass(frozen=True)
class Unadopted:
    """An inline response under one of the catalog's codes that `--adopt` leaves: it says
    something else than the catalog's response (where it first differs, from the response)."""

    code: str
    operation: str  # "METHOD path"
    offset: int  # of the response's key in the document's text
    difference: Difference

    def why(self, name: str, document: DocumentText) -> str:
        """Where and how it differs from the catalog's response (named `name`). The line is
        counted here, for the few responses a summary shows."""
        what = {"left": f"the document has it, {name} has not",
                "right": f"{name} has it, the document has not"}.get(
                    self.difference.side, "the values differ")
        at = json_pointer(self.difference.path) or "the response"
        line, _ = line_start(document.text, self.offset)
        return f"{document.file}:{line} ({self.operation}), at {at}: {what}"


def refs_in(value: Any) -> Iterator[Path_]:
    """The components a value refers to (`#/components/SECTION/NAME...`), as their paths."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            target = local_target(item.get("$ref"))
            if target is not None and len(target) >= 3 and target[0] == "components":
                yield target[:3]
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _closure(start: Iterable[Path_], components: dict[Path_, Any]) -> set[Path_]:
    found: set[Path_] = set()
    stack = list(start)
    while stack:
        path = stack.pop()
        if path in found or path not in components:
            continue
        found.add(path)
        stack.extend(refs_in(components[path]))
    return found


Inline = tuple[Path_, str, Node, str, dict[str, str], dict[str, Any]]
"""An operation's inline response under one of the catalog's codes: where the operation is,
"METHOD path", its responses, the code, the `$ref` to the catalog's response, and the
response."""


def _inline(planner: Planner, codes: Iterable[str]) -> Iterator[Inline]:
    """The inline responses of the operations under paths and webhooks, for some codes."""
    wanted = {code: planner.plan.codes[code] for code in codes if code in planner.plan.codes}
    done: set[Path_] = set()
    for owner, where, _, path, method, node in planner.operations({"paths", "webhooks"}):
        responses = node.child("responses")
        if owner is not planner or where in done or responses is None:
            continue  # operations in other files of a description are not adopted
        done.add(where)
        for code in responses.names():
            existing = responses.value(code) if code in wanted else None
            if isinstance(existing, dict) and "$ref" not in existing:
                ref = {"$ref": f"#/components/responses/{wanted[code]}"}
                yield where, f"{method.upper()} {path}", responses, code, ref, existing


def _equal(planner: Planner, codes: Iterable[str]) -> Iterator[Inline]:
    """The inline responses that say what the catalog's do, as a reader sees it (equal.py)."""
    for found in _inline(planner, codes):
        if same(found[5], planner.document, found[4], planner.fragments):
            yield found


def adopt_inline(planner: Planner) -> None:
    """Plan a `$ref` to the catalog's response in place of every operation's inline response
    that equals it exactly (under paths and webhooks); note where each other one differs."""
    plan = planner.plan
    for where, operation, responses, code, ref, existing in _inline(planner, plan.codes):
        found = difference(existing, planner.document, ref, planner.fragments, exactly=True)
        if found is not None:
            plan.unadopted.append(Unadopted(code, operation, responses.offset(code), found))
            continue
        try:
            shared = _shares(plan, responses, code, ref)
        except FlowStyle as exc:
            plan.in_flow.append((code, operation, exc.offset))
        else:
            if shared:
                plan.unadoptable.append((code, operation))
            else:
                plan.replacements.append(((*where, "responses"), code, ref))
                plan.adopted.append((code, operation))


def _shares(plan: MergePlan, responses: Node, code: str, ref: Any) -> bool:
    """Whether a YAML response cannot be replaced alone: it is an alias, or it defines an
    anchor that other places may use (replacing it would change or break them). FlowStyle:
    the responses mapping is written in flow style, which the merge does not edit entry by
    entry."""
    if plan.document.is_json:
        return False
    try:
        edit = plan.outline.replace(responses, code, ref)
    except FlowStyle:
        raise
    except Unsupported:
        return True
    removed = plan.document.text[edit.start : edit.end]
    if "&" not in removed and "*" not in removed:
        return False
    try:
        return any(getattr(event, "anchor", None) is not None
                   for event in yaml.parse(removed, Loader=YamlLoader))
    except yaml.YAMLError:
        return True


def offered_components(fragments: Sequence[Fragment]) -> tuple[dict[Path_, Any], Side]:
    """The fragments' components by path, and as the side their references are read on (the
    first fragment's component of a name wins, as when they are offered)."""
    components: dict[Path_, Any] = {}
    nested: dict[str, dict[str, Any]] = {}
    for fragment in fragments:
        for section, items in (fragment.data.get("components") or {}).items():
            for name, value in items.items():
                if ("components", section, name) not in components:
                    components["components", section, name] = value
                    nested.setdefault(section, {})[name] = value
    return components, data_side({"components": nested})


def settle(planner: Planner, components: dict[Path_, Any]) -> None:
    """Add the missing components something needs (see the module's docstring); the others
    are offered as "unused". `components` are the fragments' components by path."""
    plan = planner.plan
    edits = [value for _, _, value in plan.replacements]
    edits += [entries for path, entries in plan.additions.items()]
    referred = {path for value in edits for path in refs_in(value)}
    inline = {(*RESPONSES, plan.codes[code]) for code, _, outcome in plan.placed
              if outcome == "inline" and code in plan.codes}
    placed = {code for code, _, _ in plan.placed}
    unplaced = [code for code in plan.codes if code not in placed
                and (*RESPONSES, plan.codes[code]) in planner.missing]
    # A code no rule placed: is its response somewhere already? (An operation that merge
    # cannot read, never visited otherwise, ends the search: the component is added as before.)
    if unplaced:
        with contextlib.suppress(Unsupported):
            inline |= {(*RESPONSES, plan.codes[found[3]])
                       for found in _equal(planner, unplaced)}
    unneeded = inline - referred
    # What other components refer to is needed only as far as they are: a component the
    # document has already (equal) needs nothing of the fragment's.
    inner = {target for path, value in components.items() for target in refs_in(value)
             if target != path}
    roots = [path for path in planner.missing if path not in unneeded and path not in inner]
    needed = _closure([*roots, *referred], components)
    for path, value in planner.missing.items():
        if path in needed:
            plan.add(path[:2], path[2], value)
    plan.offered = [(path, "unused" if outcome == "added" and path not in needed else outcome)
                    for path, outcome in plan.offered]
