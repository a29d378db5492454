"""Merging OpenAPI fragments into an existing document's text: add components, attach responses.

The document is text plus a parse, never re-dumped: the merge decides what to add or replace
from a located outline of the few mappings it touches (`components` sections, each operation's
`responses`, `paths`) and splices rendered text there, so every other byte survives.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..catalog.rules import METHODS, Rule
from ..catalog.source import reads_as_json
from ..errors import (
    Location,
    MergeError,
    Problem,
    json_pointer,
    line_start,
    not_utf8,
    sorted_problems,
)
from .outline import (
    Edit,
    Invalid,
    Node,
    Outline,
    Shape,
    Unsupported,
    apply_edits,
)
from .planner import beside_ref
from .refs import finish, planner_for
from .scan_json import JsonOutline, byte_text

if TYPE_CHECKING:
    from .adopt import Unadopted

OnConflict = Literal["error", "keep", "replace"]
Path_ = tuple[str, ...]
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Attachment:
    """Put the response component `response` under `code` on every operation a rule matches."""

    code: str
    response: str
    rules: tuple[Rule, ...]
    origin: Location | None = None

    @property
    def ref(self) -> dict[str, str]:
        """The response object placed on operations: a reference to the component."""
        return {"$ref": f"#/components/responses/{self.response}"}


@dataclass(frozen=True)
class Fragment:
    """OpenAPI components (and paths) to merge, and where each was written.

    Plain data (it can be pickled): `places` maps a component's or path's path in the fragment
    to its place in the file it came from.
    """

    data: Mapping[str, Any]
    file: str = "<fragment>"
    places: Mapping[Path_, Location] = field(default_factory=dict)

    @classmethod
    def located(cls, data: Mapping[str, Any], file: str,
                locate: Callable[[Path_], Location]) -> Fragment:
        """A fragment whose components and paths are placed by `locate`."""
        entries: list[Path_] = [("paths", path) for path in data.get("paths") or {}]
        for section, items in (data.get("components") or {}).items():
            entries.extend(("components", section, name) for name in items or {})
        return cls(data, file, {path: locate(path) for path in entries})

    def locate(self, path: Path_) -> Location:
        """Where a component or path of the fragment was written."""
        return self.places.get(path) or Location(self.file, pointer=json_pointer(path))


COMPONENT_SECTIONS = ("schemas", "responses", "parameters", "examples", "requestBodies",
                      "headers", "securitySchemes", "links", "callbacks", "pathItems")
"""The sections of OpenAPI's Components Object (3.1; 3.0 has all but pathItems)."""


def sections_of(fragments: Sequence[Fragment]) -> set[str]:
    """The components sections the fragments add to."""
    return {section for fragment in fragments for section in fragment.data.get("components") or {}}


def shape_for(sections: Iterable[str]) -> Shape:
    """The mappings the merge must locate: operations' responses (under paths, webhooks and
    callbacks), and the components sections."""
    callback: Shape = {"responses": {}}
    operation: Shape = {"responses": {}, "callbacks": {"*": {"*": dict.fromkeys(METHODS,
                                                                                callback)}}}
    components: dict[str, Shape] = {section: {} for section in {*COMPONENT_SECTIONS, *sections}}
    components["pathItems"] = {"*": dict.fromkeys(METHODS, operation)}  # followed from paths
    return {"paths": {"*": dict.fromkeys(METHODS, operation)},
            "webhooks": {"*": dict.fromkeys(METHODS, callback)},
            "components": components}


@dataclass(frozen=True)
class DocumentText:
    """The text a merge scans and edits, and the encoding that gives back the file's bytes.

    JSON is scanned as its bytes (`scan_json.byte_text`, encoding Latin-1), YAML as decoded text.
    """

    text: str
    encoding: str
    file: str
    bom: bytes = b""

    @property
    def is_json(self) -> bool:
        """Whether the document is JSON (scanned as its bytes)."""
        return self.encoding == "latin-1"

    @property
    def raw(self) -> bytes:
        """The bytes the text was read from."""
        return self.bom + self.text.encode(self.encoding)

    @classmethod
    def of(cls, document: str | bytes, file: str, *, whole: bool = True) -> DocumentText:
        """Read a document given as text or as the bytes of a file (UTF-8; a byte order mark
        is set aside and given back in front of the result). Not `whole`: JSON is not checked
        to be UTF-8 (for reading a few top-level keys)."""
        if isinstance(document, str):
            document = document.encode("utf-8", "surrogatepass")
        bom = BOM if document.startswith(BOM) else b""
        document = document[len(bom):]
        try:
            if reads_as_json(file, document):
                text = byte_text(document) if whole else document.decode("latin-1")
                return cls(text, "latin-1", file, bom)
            return cls(document.decode("utf-8"), "utf-8", file, bom)
        except UnicodeDecodeError as exc:
            raise MergeError([not_utf8(file, exc.object, exc.start)]) from None

    def location(self, offset: int) -> Location:
        """The line and column (in characters) of an offset into the text."""
        line, start = line_start(self.text, offset)
        prefix = self.text[start:offset].encode(self.encoding).decode("utf-8", "replace")
        return Location(self.file, line, len(prefix) + 1)

    def unsupported(self, exc: Unsupported) -> MergeError:
        """The error for a place the merge cannot edit."""
        return MergeError([Problem(self.location(exc.offset), f"cannot merge here: {exc.message}")])


def open_outline(document: DocumentText, shape: Shape, *, compose: bool = False) -> Outline:
    """The outline of a JSON or YAML document (`compose`: the slower, general YAML reader)."""
    text = document.text
    # The scan allocates a few hundred thousand acyclic objects on large documents; the cycle
    # collector would walk them over and over for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if document.is_json:
            return JsonOutline(text, shape)
        # PyYAML is imported for YAML documents only: a JSON merge starts faster without it.
        from .compose import ComposedOutline
        from .scan_yaml import YamlOutline

        if not compose:
            try:
                return YamlOutline(text, shape)
            except Unsupported as exc:
                # A duplicate key may be a line that only looks like a key (inside a quoted
                # scalar continued at column 0, say): the syntax check tells.
                if isinstance(exc, Invalid) and _scannable(document):
                    raise
                # flow style, CRLF, several documents...: compose instead
        return ComposedOutline(text, shape)
    except Unsupported as exc:
        raise document.unsupported(exc) from None
    finally:
        if collecting:
            gc.enable()


@dataclass
class MergePlan:
    """What a merge adds and replaces, found before anything is rendered or written."""

    document: DocumentText
    outline: Outline
    additions: dict[Path_, dict[str, Any]] = field(default_factory=dict)
    replacements: list[tuple[Path_, str, Any]] = field(default_factory=list)
    attached: list[tuple[str, str, str]] = field(default_factory=list)
    # What the merge did, for its summary: each component offered (path, outcome) and each
    # response placed on an operation (code, "METHOD path", outcome); see Planner.offer.
    offered: list[tuple[Path_, str]] = field(default_factory=list)
    placed: list[tuple[str, str, str]] = field(default_factory=list)
    codes: dict[str, str] = field(default_factory=dict)  # code → response name, of fragments
    ruled: set[str] = field(default_factory=set)  # the codes some rule attaches
    stale: list[Path_] = field(default_factory=list)  # written earlier, no longer offered
    adopted: list[tuple[str, str]] = field(default_factory=list)  # (code, "METHOD path")
    unadoptable: list[tuple[str, str]] = field(default_factory=list)  # equal, but anchored
    # equal, but in a flow-style mapping: (code, "METHOD path", offset of the mapping)
    in_flow: list[tuple[str, str, int]] = field(default_factory=list)
    unadopted: list[Unadopted] = field(default_factory=list)  # different: left inline
    _edits: list[Edit] | None = None
    _result: str | None = None
    scannable: bool | None = None  # YAML: whether the line scanner could be trusted (if known)
    # The other files of a multi-file description that the merge changes, by path in the root
    # file's folder (see refs.py); the plan's other fields are the whole merge's.
    files: dict[str, MergePlan] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        """Whether the merge changes the document at all."""
        return bool(self.additions or self.replacements)

    def node(self, path: Path_) -> Node | None:
        """The located mapping at a path of the document."""
        node: Node | None = self.outline.root
        for part in path:
            if node is None:
                return None
            node = node.child(part)
        return node

    def add(self, path: Path_, key: str, value: Any) -> None:
        """Plan a new entry; missing mappings on the way are added around it."""
        depth = len(path)
        while depth and self.node(path[:depth]) is None:
            depth -= 1
        node = self.node(path[:depth])
        name = path[depth] if depth < len(path) else key
        if node is not None and "$ref" in node:
            raise beside_ref(node, "this mapping")
        if node is not None and name in node:
            # The key is there but its value was not located as a mapping (a tag, a scalar,
            # a list): adding the key again would write a duplicate.
            raise Unsupported(node.offset(name), f"{name!r} is not a mapping specgen can edit")
        target = self.additions.setdefault(path[:depth], {})
        for part in path[depth:]:
            target = target.setdefault(part, {})
        target[key] = value

    def edits(self) -> list[Edit]:
        """The text edits that carry out the plan, rendered in the document's style."""
        if self._edits is None:
            self._edits = [
                self.outline.replace(self.node(path), key, value)
                for path, key, value in self.replacements
            ] + [self.outline.insert(self.node(path), entries)
                 for path, entries in self.additions.items()]
        return self._edits

    def distinct_edits(self) -> list[Edit]:
        """The edits, each once: a mapping reached through aliases is edited once for all."""
        return list(dict.fromkeys(self.edits()))

    def edit_at(self, path: Path_) -> Location:
        """Where the edit closest to `path` starts (for a message about that place)."""
        changed = [(*p, k) for p, k, _ in self.replacements] + list(self.additions)

        def shared(other: Path_) -> int:
            return next((i for i, (a, b) in enumerate(zip(path, other, strict=False)) if a != b),
                        min(len(path), len(other)))

        best = max(range(len(changed)), key=lambda i: shared(changed[i]), default=None)
        if best is None:
            return Location(self.document.file)
        return self.document.location(self.edits()[best].start)

    def result_text(self) -> str:
        """The merged document's text (in the scanned form: bytes as Latin-1 for JSON)."""
        if self._result is None:
            self._result = apply_edits(self.document.text, self.distinct_edits())
        return self._result

    def verify(self) -> None:
        """Read the result again and refuse (MergeError at the edit) unless it says what the
        original said plus exactly the planned changes."""
        from .verify import Changes, Mismatch, verify_json
        from .verify_yaml import verify_yaml

        if not self.changed:
            return
        try:
            if self.document.is_json:
                changes = [(path, key, value) for path, key, value in self.replacements] + [
                    (path, None, entries) for path, entries in self.additions.items()]
                verify_json(self.document.text, [
                    (path, self.node(path), key, value, edit)
                    for (path, key, value), edit in zip(changes, self.edits(), strict=True)])
            else:
                self.scannable = verify_yaml(self.document.text, self.result_text(),
                                             Changes(self.additions, self.replacements))
        except Mismatch as exc:
            pointer = json_pointer(exc.path) or "/"
            where = self.edit_at(exc.path) if exc.offset is None else (
                self.document.location(exc.offset))
            raise NotAsPlanned([Problem(where, (
                f"cannot merge here: the merged document would not read as planned at {pointer}"
                f" ({exc.message}); nothing was written"))]) from None

    def result_bytes(self) -> bytes:
        """The merged document as the bytes of a file."""
        text = self.result_text() if self.changed else self.document.text
        return self.document.bom + text.encode(self.document.encoding)

    def result(self) -> str:
        """The merged document's text."""
        return self.result_bytes().decode("utf-8")


class NotAsPlanned(MergeError):
    """The self-check found the merged text reading otherwise than planned."""


@dataclass(frozen=True)
class Scanned:
    """A document read and outlined, ready to be planned against fragments."""

    document: DocumentText
    outline: Outline
    sections: frozenset[str]  # the components sections located


def scan(spec: str | bytes, file: str = "<spec>", sections: Iterable[str] = ()) -> Scanned:
    """Read and outline a document: its text, or its file's bytes (UTF-8; JSON is then never
    decoded whole). Every standard components section is located, and `sections` too."""
    document = DocumentText.of(spec, file)
    located = frozenset({*COMPONENT_SECTIONS, *sections})
    return Scanned(document, open_outline(document, shape_for(located)), located)


def plan_merge(
    spec: str | bytes | Scanned,
    fragments: Sequence[Fragment],
    attachments: Sequence[Attachment] = (),
    on_conflict: OnConflict = "error",
    *,
    file: str = "<spec>",
    source: Path | None = None,
    adopt: bool = False,
) -> MergePlan:
    """Decide every addition and replacement; MergeError lists all conflicts when refusing.

    `spec` is the document (see `scan`), or one scanned already. `source`: the document's file,
    whose folder holds the other files of a multi-file description (followed through `$ref`s to
    path items and operations, and planned in `MergePlan.files`); without it other files are
    refused. `adopt`: replace operations' inline responses equal to the catalog's by
    references to it (see adopt.py).
    """
    sections = sections_of(fragments)
    scanned = spec if isinstance(spec, Scanned) else scan(spec, file, sections)
    document, outline = scanned.document, scanned.outline
    shape = shape_for(scanned.sections | sections)
    if not sections <= scanned.sections:  # a fragment adds to a section of its own invention
        outline = open_outline(document, shape)
    from .compose import ComposedOutline

    # YAML read by the line scanner is syntax-checked by the self-check's reading of the
    # original (one libyaml pass, not two); without changes, or on an error, by check_syntax.
    lines = not document.is_json and not isinstance(outline, ComposedOutline)
    try:
        plan = _plan(MergePlan(document, outline), fragments, attachments, on_conflict, source,
                     adopt)
    except NotAsPlanned:
        if not lines:
            raise
        _scannable(document)  # a syntax error in the original is the message to give
    except MergeError:
        if not lines or _scannable(document):
            raise
    except Unsupported as exc:
        if not lines or (isinstance(exc, Invalid) and _scannable(document)):
            raise document.unsupported(exc) from None
    else:
        if not lines:
            return plan
        if plan.scannable is None:
            plan.scannable = _scannable(document)
        if plan.scannable:
            return plan
    # The scanner found something it cannot edit (an alias, a flow operation) or cannot trust
    # (text continued at column 0): compose instead.
    outline = open_outline(document, shape, compose=True)
    try:
        return _plan(MergePlan(document, outline), fragments, attachments, on_conflict,
                     source, adopt)
    except Unsupported as exc:
        raise document.unsupported(exc) from None


def _scannable(document: DocumentText) -> bool:
    """Whether the line scanner can be trusted on a YAML document (see `check_syntax`); a
    syntax error is a MergeError at its place."""
    from .compose import check_syntax

    try:
        return check_syntax(document.text)
    except Unsupported as exc:
        raise document.unsupported(exc) from None


def _refuse_nested(plan: MergePlan) -> None:
    """Refuse a replacement with other changes inside it (a path item replaced, and responses
    attached to its old operations): the two edits would overlap."""
    changed = [(*path, key) for path, key, _ in plan.replacements] + list(plan.additions)
    for path, key, _ in plan.replacements:
        whole = (*path, key)
        inside = [p for p in changed if len(p) > len(whole) and p[: len(whole)] == whole]
        if inside:
            node = plan.node(path)
            where = plan.document.location(node.offset(key)) if node is not None else None
            raise MergeError([Problem(where or Location(plan.document.file), (
                f"cannot replace {json_pointer((*path, key))} and change"
                f" {json_pointer(inside[0])} inside it in one merge; merge the replacement"
                " first (--on-conflict replace without --attach), then attach"))])


def _plan(plan: MergePlan, fragments: Sequence[Fragment], attachments: Sequence[Attachment],
          on_conflict: OnConflict, source: Path | None, adopt: bool) -> MergePlan:
    from .adopt import adopt_inline, offered_components, settle

    components, side = offered_components(fragments)
    planner = planner_for(plan, on_conflict, source, side)
    for fragment in fragments:
        for section, items in (fragment.data.get("components") or {}).items():
            for name, value in items.items():
                path = ("components", section, name)
                plan.offered.append((path, planner.offer(path[:2], name, value,
                                                         fragment.locate(path))))
        for path, item in (fragment.data.get("paths") or {}).items():
            planner.offer(("paths",), path, item, fragment.locate(("paths", path)))
        plan.codes.update((fragment.data.get("x-specgen") or {}).get("codes") or {})
    plan.ruled = {attachment.code for attachment in attachments}
    if attachments:
        planner.attach(attachments, plan.document.file)
    if adopt:
        adopt_inline(planner)
    settle(planner, components)
    if any(path[1] == "responses" and outcome in ("same", "updated")
           for path, outcome in plan.offered):
        # A re-merge: what an earlier one wrote and the fragments no longer have is reported,
        # and left in place (operations, the team's too, may still refer to it).
        from .owned import written_by_specgen

        offered = {path for path, _ in plan.offered}
        plan.stale = [path for path in written_by_specgen(plan, sorted(sections_of(fragments)))
                      if path not in offered]
    if planner.conflicts:
        raise MergeError(sorted_problems(planner.conflicts))
    _refuse_nested(plan)
    plan.edits()  # rendered now, so that what cannot be edited shows before anything is written
    plan.verify()
    plan.files = finish(planner)
    return plan
