"""Following `$ref`s to path items and operations, in the document and across its files.

A multi-file description keeps its operations in other files (`get: {$ref: resources/x.yml}`).
A response attached there must be written in the file where the operation is, once however many
paths reach it, and as a reference back to the root file's component, relative to that file:
`../../openapi.yaml#/components/responses/X`, as a bundler resolves it.

Each file of the description gets its own plan (`MergePlan`), planned by its own `RefPlanner`
and checked by the same self-check; the root plan holds the others in `MergePlan.files`.

Files are untrusted input. A reference is followed only to a regular file inside the root
file's folder, reached without a symbolic link; URLs, absolute paths, paths leaving the folder,
missing files and cycles are refused at the `$ref` (file:line:col), before anything is written.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from ..catalog.rules import METHODS
from ..errors import Location, MergeError, Problem
from .equal import Side
from .outline import Node, Shape, Unsupported, local_target
from .planner import Planner
from .scan_json import JsonOutline

if TYPE_CHECKING:
    from .plan import Attachment, MergePlan, OnConflict, Path_

URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
"""A reference that starts with a scheme (`https:`, `file:`, `C:`): never fetched or opened."""

LONGEST = 32
"""The most parts a reference's JSON pointer may have (real ones have two to five)."""

_CALLBACK: Shape = {"responses": {}}
_OPERATION: Shape = {"responses": {}, "callbacks": {"*": {"*": dict.fromkeys(METHODS, _CALLBACK)}}}
TARGET: Shape = {**dict.fromkeys(METHODS, _OPERATION), **_OPERATION}
"""What a reference may lead to (a path item or an operation): the mappings to locate there."""

FIELDS = {
    "this operation": frozenset({
        "tags", "summary", "description", "externalDocs", "operationId", "parameters",
        "requestBody", "responses", "callbacks", "deprecated", "security", "servers"}),
    "this path item": frozenset({"summary", "description", "servers", "parameters", *METHODS}),
}
"""The fields of an Operation and a Path Item Object (OpenAPI 3.0 and 3.1; `x-` extensions
aside): a reference leading to a mapping with another key leads to something else (the
document, `info`, an operation where a path item belongs), where specgen must not write."""


def shape_at(pointer: Path_) -> Shape:
    """The mappings of a JSON file to locate for a reference: `TARGET` at its pointer (the JSON
    scanner insists that what its shape names is an object, so only that place is named)."""
    shape: Shape = TARGET
    for part in reversed(pointer):
        shape = {part: shape}
    return shape


def at_ref(owner: RefPlanner, offset: int, message: str) -> MergeError:
    """A refusal at a `$ref` of the owner's file. Located only when refusing: a line number is
    a count from the file's start, too much to spend on each of thousands of references."""
    return MergeError([Problem(owner.plan.document.location(offset), message)])


@dataclass
class Description:
    """The files of one description: the root file's folder, and a planner for each file read."""

    on_conflict: OnConflict
    fragments: Side  # what the catalog's side says, for every file's comparisons
    path: Path | None  # the root file on disk; None: a document given as text, files not followed
    name: str  # the root file's path in the folder (its name)
    planners: dict[str, RefPlanner] = field(default_factory=dict)  # by path in the folder
    regular: set[str] = field(default_factory=set)  # paths found to be no symbolic links

    @property
    def root(self) -> RefPlanner:
        return self.planners[self.name]

    @property
    def folder(self) -> Path:
        assert self.path is not None  # only files of a description on disk are opened
        return self.path.absolute().parent

    def shown(self, relative: str) -> str:
        """A file of the description as messages name it (beside the root file as given)."""
        assert self.path is not None
        return os.path.normpath(self.path.parent / relative)

    def resolve(self, owner: RefPlanner, ref: Any, offset: int) -> tuple[RefPlanner, Path_]:
        """The planner of the file a reference leads to, and the pointer in it (`offset`: where
        the `$ref` is in the owner's file)."""
        def refuse(why: str) -> MergeError:
            return at_ref(owner, offset, f"cannot follow the $ref {ref!r}: {why}")

        if not isinstance(ref, str):
            raise refuse("a reference is text")
        target, _, pointer = ref.partition("#")
        path = local_target("#" + pointer) if pointer else ()
        if path is None:
            raise refuse("its fragment is not a JSON pointer (#/a/b)")
        if len(path) > LONGEST:
            raise refuse(f"its pointer has more than {LONGEST} parts")
        if not target:  # in the same file (another file's JSON outline is extended for it)
            return (owner if owner.root else self.open(owner.relative, path, refuse)), path
        if URL.match(target):
            raise refuse("specgen reads no URLs; download the file beside the document")
        if self.path is None:
            raise refuse("another file is followed only when the document is read from a file"
                         " (specgen merge PATH, or specgen.merge_files); or bundle first")
        name = unquote(target)
        if name.startswith(("/", "\\")) or "\0" in name:
            raise refuse("an absolute path; references are followed only inside the root"
                         " file's folder")
        relative = posixpath.normpath(posixpath.join(posixpath.dirname(owner.relative), name))
        if relative == ".." or relative.startswith("../"):
            raise refuse("it leaves the root file's folder")
        if relative not in self.regular:  # checked once per file, not per reference
            real = os.path.realpath(self.folder / relative)
            if real != str(Path(os.path.realpath(self.folder)) / relative):
                raise refuse("it goes through a symbolic link; specgen follows only regular"
                             " files inside the root file's folder")
            self.regular.add(relative)
        return self.open(relative, path, refuse), path

    def open(self, relative: str, pointer: Path_,
             refuse: Callable[[str], MergeError]) -> RefPlanner:
        """The planner of a file of the description, read and outlined on first use (a JSON
        file's outline extended when a reference leads to a new place in it)."""
        from .plan import DocumentText, MergePlan, open_outline

        found = self.planners.get(relative)
        if found is not None:
            plan = found.plan
            if isinstance(plan.outline, JsonOutline) and pointer not in found.pointers:
                found.pointers.add(pointer)
                # Only what was skipped so far is scanned: thousands of references into one
                # file cost about one scan of it, not one each.
                try:
                    plan.outline.locate(shape_at(pointer))
                except Unsupported as exc:
                    raise plan.document.unsupported(exc) from None
            return found
        from .io import read_bytes
        try:
            data = read_bytes(self.folder / relative)
        except MergeError as exc:
            raise refuse(exc.problems[0].message if exc.problems else "cannot read it") from None
        document = DocumentText.of(data, self.shown(relative))
        # YAML is composed whole (every mapping located, any layout); JSON scanned for the
        # places references lead to.
        outline = open_outline(document, shape_at(pointer), compose=not document.is_json)
        planner = RefPlanner(MergePlan(document, outline), self, relative)
        planner.pointers.add(pointer)
        planner.conflicts = self.root.conflicts  # reported together, with the root file's
        self.planners[relative] = planner
        return planner

    def others(self) -> Iterator[RefPlanner]:
        """The planners of the files other than the root."""
        return (planner for relative, planner in self.planners.items() if relative != self.name)


class RefPlanner(Planner):
    """Plans the edits of one file of a description, following `$ref`s into the others."""

    def __init__(self, plan: MergePlan, description: Description, relative: str) -> None:
        super().__init__(plan, description.on_conflict, description.fragments)
        self.description = description
        self.relative = relative  # the file's path inside the root file's folder
        self.pointers: set[Path_] = set()  # where references lead in it (another file)
        self.root = relative == description.name
        self.prefix = ""  # how this file refers to the root file
        if not self.root:
            self.prefix = quote(posixpath.relpath(description.name,
                                                  posixpath.dirname(relative) or "."))

    def follow(self, node: Node, what: str, where: Path_) -> tuple[Planner, Path_, Node]:
        """Follow a `$ref` (and the `$ref`s it leads to) to the mapping that is not one."""
        # Each `$ref` met on the way, by file and place: one leading to any of them, or to a
        # mapping holding one (the document, the path item around an operation), is a cycle.
        seen: list[tuple[str, Path_]] = [(self.relative, where)]
        owner: RefPlanner = self
        while True:
            referrer, offset, ref = owner, node.offset("$ref"), node.value("$ref")
            owner, path = self.description.resolve(owner, ref, offset)
            if any(file == owner.relative and place[:len(path)] == path for file, place in seen):
                raise at_ref(referrer, offset, f"the $ref {ref!r} leads back to itself (a cycle"
                                               " of references)")
            seen.append((owner.relative, path))
            target = owner.plan.node(path)
            if target is None:
                raise at_ref(referrer, offset, (
                    f"cannot follow the $ref {ref!r}: it leads to no mapping specgen reads"
                    " (a path item or operation)"))
            if "$ref" not in target:
                other = next((key for key in target.names()
                              if key not in FIELDS[what] and not key.startswith("x-")), None)
                if other is not None:
                    kind = what.removeprefix("this ")
                    raise at_ref(referrer, offset, (
                        f"cannot follow the $ref {ref!r}: it leads to a mapping that is not"
                        f" {'an' if kind[0] == 'o' else 'a'} {kind} ({other!r} is no field of"
                        " one)"))
                return owner, path, target
            node = target

    def reference(self, attachment: Attachment) -> dict[str, str]:
        return {"$ref": self.prefix + attachment.ref["$ref"]}

    def located(self, exc: Unsupported) -> Exception:
        # The root file's errors go back to plan_merge, which may read it again another way;
        # the other files' are final, at their place.
        return exc if self.root else self.plan.document.unsupported(exc)

    def offer(self, path: Path_, key: str, value: Any, origin: Location, what: str = "") -> str:
        try:
            return super().offer(path, key, value, origin, what)
        except Unsupported as exc:
            raise self.located(exc) from None

    def rooted(self, value: Any) -> Any:
        ref = value.get("$ref") if isinstance(value, dict) and len(value) == 1 else None
        if self.root or not isinstance(ref, str) or not ref.startswith(self.prefix + "#"):
            return value
        return {"$ref": ref[len(self.prefix):]}

    def specgens(self, full: Path_, existing: Any) -> bool:
        if self.root:
            return super().specgens(full, existing)
        rooted = self.rooted(existing)
        return rooted is not existing and self.description.root.specgens(full, rooted)


def planner_for(plan: MergePlan, on_conflict: OnConflict, path: Path | None,
                fragments: Side) -> RefPlanner:
    """The planner of a root document (`path`: its file, whose folder holds the others);
    `fragments`: the catalog's side of comparisons."""
    description = Description(on_conflict, fragments, path,
                              path.name if path else plan.document.file)
    description.planners[description.name] = planner = RefPlanner(plan, description,
                                                                  description.name)
    return planner


def finish(planner: RefPlanner) -> dict[str, MergePlan]:
    """Render and self-check the plans of the other files; those that change, by path."""
    changed = {}
    for other in planner.description.others():
        plan = other.plan
        if not plan.changed:
            continue
        try:
            plan.edits()
        except Unsupported as exc:
            raise plan.document.unsupported(exc) from None
        plan.verify()
        changed[other.relative] = plan
    return changed
