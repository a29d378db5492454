"""The merge's planning walk: the fragments' components and paths offered one by one, and the
operations (under paths, webhooks and callbacks) the attach rules select."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..catalog.rules import METHODS, Operation, any_matches
from ..errors import Location, Problem
from ..openapi.marks import is_marked, unmarked
from .equal import Side, document_side, same
from .outline import Invalid, Node, Unsupported, local_target

if TYPE_CHECKING:
    from .plan import Attachment, MergePlan, OnConflict, Path_


def beside_ref(node: Node, what: str) -> Invalid:
    """The refusal to write beside a `$ref` (readers ignore a reference's siblings)."""
    target = node.value("$ref")
    return Invalid(node.offset("$ref"), (
        f"{what} is a $ref to {target!r}: specgen never writes beside a $ref (readers ignore"
        " what sits next to one) and follows only references to path items and operations;"
        " merge into the document it points to, or bundle first"))


class Planner:
    """Walks the fragments and operations once, collecting additions, replacements, conflicts."""

    def __init__(self, plan: MergePlan, on_conflict: OnConflict, fragments: Side) -> None:
        self.plan = plan
        self.on_conflict = on_conflict
        self.conflicts: list[Problem] = []
        self.pending: dict[Path_, tuple[Any, Location]] = {}
        self.fragments = fragments
        self.document = document_side(plan.outline.root)
        # Components the document lacks: added once it is known what refers to them (settle).
        self.missing: dict[Path_, Any] = {}

    def specgens(self, full: Path_, existing: Any) -> bool:
        """Whether the value at `full` is what an earlier merge wrote: a component with
        specgen's mark, or an operation's reference to a response with it."""
        if full[0] == "components" and len(full) == 3:
            return is_marked(existing)
        ref = existing.get("$ref") if isinstance(existing, dict) and len(existing) == 1 else None
        target = local_target(ref)
        if full[-2] != "responses" or target is None or target[:2] != ("components", "responses"):
            return False
        responses = self.plan.node(target[:2])
        return (responses is not None and target[2] in responses
                and is_marked(responses.value(target[2])))

    def here(self, node: Node, key: str) -> Location:
        return self.plan.document.location(node.offset(key))

    def conflict(self, where: Location, what: str, other: Location) -> bool:
        """Record a conflict; True when the incoming value should replace the existing one."""
        if self.on_conflict == "error":
            self.conflicts.append(Problem(where, f"{what}; {other} has different content"
                                          " (use --on-conflict keep or replace)"))
        return self.on_conflict == "replace"

    def rooted(self, value: Any) -> Any:
        """A value as the root file writes it, which is how the catalog's side reads it (this
        file is the root file)."""
        return value

    def offer(self, path: Path_, key: str, value: Any, origin: Location, what: str = "") -> str:
        """Add `value` at path/key unless an equal one is there; a different one is updated
        when an earlier merge wrote it, else a conflict. What happened: "added", "same",
        "updated", "replaced", "kept" (a conflict reported or kept), or "inline" (an operation's
        own response, equal to the one offered: see equal.py)."""
        full = (*path, key)
        what = what or "/".join(full) + " already exists"
        if full in self.pending:
            earlier, where = self.pending[full]
            if earlier == value:
                return "same"
            if self.conflict(origin, what, where):
                if full in self.missing:
                    self.missing[full] = value
                else:
                    self.plan.add(path, key, value)
                self.pending[full] = (value, origin)
                return "replaced"
            return "kept"
        self.pending[full] = (value, origin)
        node = self.plan.node(path)
        if node is not None and key in node:
            existing = node.value(key)
            if existing == value or existing == unmarked(value):  # the team's, identical
                return "same"
            if self.specgens(full, existing):
                self.plan.replacements.append((path, key, value))
                return "updated"
            if same(existing, self.document, self.rooted(value), self.fragments):
                inline = full[0] != "components" and not (
                    isinstance(existing, dict) and "$ref" in existing)
                return "inline" if inline else "same"
            if full[0] == "components" and same(existing, self.document, self.rooted(value),
                                                self.fragments, own=True):
                # It differs only in components it refers to, and those are offered too: a
                # difference is reported (and kept or replaced) once, where it is.
                return "same"
            if self.conflict(self.here(node, key), what, origin):
                self.plan.replacements.append((path, key, value))
                return "replaced"
            return "kept"
        if full[0] == "components" and len(full) == 3:
            self.missing[full] = value
        else:
            self.plan.add(path, key, value)
        return "added"

    def attach(self, attachments: Sequence[Attachment], file: str) -> None:
        terms = {t.kind for a in attachments for r in a.rules for t in r.terms}
        places = {r.place for a in attachments for r in a.rules}
        root = self.plan.outline.root
        default_security = (
            root.value("security") if "secured" in terms and "security" in root else None
        )
        decided: dict[tuple[str, Path_], tuple[frozenset[str], str]] = {}
        selects = [(a, any_matches(a.rules)) for a in attachments]
        for owner, where, place, path, method, node in self.operations(places):
            tags = tuple(node.value("tags") or ()) if "tag" in terms and "tags" in node else ()
            security = default_security
            if "secured" in terms and "security" in node:
                security = node.value("security")
            secured = any(bool(requirement) for requirement in security or ())
            operation = Operation(path, method, tags, secured, place)
            chosen = [a for a, matches in selects if matches(operation)]
            # An operation reached from several paths ($ref) is edited once for all of them.
            codes = frozenset(attachment.code for attachment in chosen)
            earlier = decided.setdefault((owner.plan.document.file, where), (codes, path))
            if earlier[0] != codes:
                raise owner.located(Invalid(node.offset(node.names()[0]) if node.names() else 0, (
                    f"{method.upper()} {path} and {method.upper()} {earlier[1]} are one operation"
                    f" (through $ref) that the rules select differently; attach to both or"
                    " neither")))
            for attachment in chosen:
                self.plan.attached.append((path, method, attachment.code))
                outcome = owner.offer(
                    (*where, "responses"), attachment.code, owner.reference(attachment),
                    attachment.origin or Location(file),
                    f"{method.upper()} {path} already has a {attachment.code} response")
                self.plan.placed.append((attachment.code, f"{method.upper()} {path}", outcome))

    def operations(self, places: set[str]) -> Iterator[tuple[Planner, Path_, str, str, str, Node]]:
        """(planner of the file it is in, where, place, path or name, method, node) of each
        operation in `places`."""
        if "paths" in places or "callbacks" in places:
            for owner, where, path, method, node in self.path_items(("paths",)):
                if "paths" in places:
                    yield owner, where, "paths", path, method, node
                if "callbacks" in places and "callbacks" in node:
                    callbacks = owner.mapping(node, "callbacks")
                    for name in callbacks.names():
                        inner = (*where, "callbacks", name)
                        if "$ref" in owner.mapping(callbacks, name):
                            raise owner.located(
                                beside_ref(owner.mapping(callbacks, name), "this callback"))
                        for found in owner.path_items(inner):
                            yield found[0], found[1], "callbacks", *found[2:]
        if "webhooks" in places:
            for owner, at, name, method, node in self.path_items(("webhooks",)):
                yield owner, at, "webhooks", name, method, node

    def mapping(self, node: Node, key: str) -> Node:
        """The located mapping under `key`, which must be one."""
        child = node.child(key)
        if child is None:
            raise self.unreadable(node, key, f"{key} is not a mapping")
        return child

    def path_items(self, where: Path_) -> Iterator[tuple[Planner, Path_, str, str, Node]]:
        """(planner of the file it is in, where the operation is, path, method, node) of each
        operation of the path items in the mapping at `where`; path items and operations that
        are $refs are followed (see `follow`)."""
        paths = self.plan.node(where)
        if paths is None:
            parent = self.plan.node(where[:-1])
            if parent is not None and where[-1] in parent:
                raise self.unreadable(parent, where[-1], f"{where[-1]} is not a mapping")
            return
        for path in paths.names():
            item = paths.child(path)
            if item is None:
                raise self.unreadable(paths, path, "this path item is not a mapping")
            owner: Planner = self
            item_where: Path_ = (*where, path)
            if "$ref" in item:
                owner, item_where, item = self.follow(item, "this path item", item_where)
            for method in item.names():
                if method not in METHODS:
                    continue
                operation = item.child(method)
                if operation is None:
                    raise owner.unreadable(item, method, "this operation is not a block mapping")
                at, operation_where = owner, (*item_where, method)
                if "$ref" in operation:
                    at, operation_where, operation = owner.follow(
                        operation, "this operation", operation_where)
                if "responses" in operation and operation.child("responses") is None:
                    raise at.unreadable(operation, "responses", "responses is not a mapping")
                yield at, operation_where, path, method, operation

    def follow(self, node: Node, what: str, where: Path_) -> tuple[Planner, Path_, Node]:
        """Where a path item or operation given as a `$ref` (at `where`) really is (see
        splice/refs.py, which follows references; this document alone follows none)."""
        raise beside_ref(node, what)

    def reference(self, attachment: Attachment) -> dict[str, str]:
        """The `$ref` to an attachment's response as written in this file."""
        return attachment.ref

    def located(self, exc: Unsupported) -> Exception:
        """An error at a place of this file, as raised from the walk."""
        return exc

    def unreadable(self, node: Node, key: str, message: str) -> Exception:
        return self.located(Unsupported(node.offset(key), message))
