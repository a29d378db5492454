"""One catalog file as `specgen diff` reads it, before any model is involved.

Reading needs no pydantic: parsing the text, leaving out the examples (which no rule of diff
reads) and writing down each problem type as it is written (`Written`; in a YAML file, where
its text is, not parsed: `Span`), for `sides` to tell which ones cannot differ. So the two
files are read each in a child forked before the models are imported (`api.diff_catalogs`),
both while the parent imports them; what comes back is small, the examples being most of a
big catalog.
"""

from __future__ import annotations

import marshal
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

from ..catalog.json_source import JsonEntries, JsonPlaces
from ..catalog.source import Document, Path_, Place, decode, no_cycle_collection, parse

EXAMPLES = "examples"


class Written(NamedTuple):
    """A problem type as one file writes it, examples left out."""

    code: str
    """The code it is under, as written."""
    form: bytes
    """Its data as `written` bytes: equal exactly when the data are; `marshal.loads` gives the
    data back."""
    needs: tuple[str, ...] | None
    """What its model may depend on outside itself: `problem_base` when it has no `type` of
    its own, `schemas` when it holds a `$ref` (its extensions may refer to a schema). None: it
    is not a mapping (never skipped)."""


class Span(NamedTuple):
    """A problem type of a YAML file as written there, not parsed (`spans`): the file's bytes
    `start:end`, from its key (on `line`, at `column`) to the next key."""

    code: str
    start: int
    end: int
    line: int
    column: int
    checked: bool = True
    """Whether its reader checked that it is a whole YAML entry (`spans.whole`). The reader of
    the new file leaves unchecked those written as in the old file, which the other reader
    checks: `Side.confirmed` makes sure."""

    def needs(self, raw: bytes) -> tuple[str, ...]:
        """What its model may depend on outside itself (as `Written.needs`, without parsing:
        `problem_base` always). A `$ref` may also be written with escapes in double quotes
        ("\\x24ref", or "$\\" and "ref" on the next line): a backslash counts as one."""
        text = raw[self.start:self.end]
        return ("problem_base",) + (("schemas",) if b"$ref" in text or b"\\" in text else ())


@dataclass
class Side:
    """One catalog file as read: its data without examples, each problem type in it as
    `Written` or `Span` (what goes back and forth between processes is then small), its document
    for the positions of every path outside examples, and where its model references import
    from. A JSON file's positions are found on demand from its text, which does not travel:
    `entries` holds what the reader read of it, and `received` gives the text back."""

    document: Document
    data: Any
    folder: Path
    entries: JsonEntries | None = None
    positions: dict[Path_, Place] | None = None
    """A YAML side's positions, which its `place` reads: those of problem types read later
    (`written`) are added."""
    raw: bytes = b""
    """The bytes of the file (given back by `received`), which `Span`s are cut from."""

    def received(self, raw: bytes) -> Side:
        """The side with the bytes it was read from (in this process), and its JSON text."""
        if self.entries is None:
            return replace(self, raw=raw)
        text = decode(self.document.file, raw)
        return replace(self, document=replace(
            self.document, place=JsonPlaces(text, self.entries).place), entries=None, raw=raw)

    def written(self, problem: Written | Span) -> Written:
        """A problem type as `Written`: a `Span` of the file is parsed now, its positions
        added to the side's."""
        if isinstance(problem, Written):
            return problem
        from .spans import parse_span

        at = ("codes", problem.code, "problems")
        data, positions = parse_span(self.document.file, self.raw, problem, at)
        assert self.positions is not None  # spans are cut from YAML sides only
        self.positions.update(_pruned(positions))
        return _written_type(problem.code, _without(data))

    def confirmed(self, other: Side) -> Side:
        """The side once each of its problem types its reader left unchecked is known to be a
        whole YAML entry: `other` has it checked, byte for byte, under the same code, or it is
        checked here. When one is not, the cut that trusted it was wrong: the file is read
        again here, every piece checked."""
        theirs = other.problems()
        for slug, places in self.problems().items():
            for span in places:
                if not isinstance(span, Span) or span.checked:
                    continue
                text = self.raw[span.start:span.end]
                if any(isinstance(their, Span) and their.checked and their.code == span.code
                       and other.raw[their.start:their.end] == text
                       for their in theirs.get(slug, ())):
                    continue
                from .spans import whole

                if not whole(text):
                    return read_side(self.document.file, self.raw, self.folder).received(
                        self.raw)
        return self

    def problems(self) -> dict[Any, list[Written | Span]]:
        """Every problem type by slug; a slug twice in a catalog has two entries."""
        found: dict[Any, list[Written | Span]] = {}
        for status in _codes(self.data).values():
            entries = status.get("problems") if isinstance(status, dict) else None
            for slug, problem in entries.items() if isinstance(entries, dict) else ():
                found.setdefault(slug, []).append(problem)
        return found


def load_readers(*names: str) -> None:
    """Import the YAML reader now when a file is YAML: called before the readers are forked,
    the children share one import, and this process has it for the problem types that
    differ (`Side.written`)."""
    if not all(name.endswith(".json") for name in names):
        from . import spans  # noqa: F401


def read_side(name: str, raw: bytes, folder: Path, other: bytes = b"") -> Side:
    """Parse a catalog file's bytes (LoadError, located, when they are not a catalog) and keep
    what diff compares. A YAML file's problem types written as in `other`, the bytes of the
    file it is compared with, are left for that file's reader to check (`Span.checked`)."""
    with no_cycle_collection():
        text = decode(name, raw)
        if not name.endswith(".json"):
            from .spans import pieces, read_yaml_cut  # PyYAML is imported only for YAML

            data, positions = read_yaml_cut(name, raw, text, pieces(other))
            kept = _pruned(positions)
            return Side(Document(name, None, kept.get), _read(data), folder, positions=kept)
        document = parse(name, text)
        place, entries = _portable(document.place)
        return Side(replace(document, data=None, place=place), _read(document.data), folder,
                    entries)


def _nowhere(path: tuple[str, ...]) -> None:
    """The positions of a JSON side until `Side.received` gives its text back."""
    return None


def _read(data: Any) -> Any:
    """The catalog's data without examples, each problem type as `Written`."""
    codes = _codes(data)
    if not codes:
        return data
    kept = {}
    for code, status in codes.items():
        status = _without(status)
        found = status.get("problems") if isinstance(status, dict) else None
        if isinstance(found, dict):
            status["problems"] = {
                slug: problem if isinstance(problem, Span)
                else _written_type(str(code), _without(problem))
                for slug, problem in found.items()}
        kept[code] = status
    return {**data, "codes": kept}


def _codes(data: Any) -> dict[Any, Any]:
    codes = data.get("codes") if isinstance(data, dict) else None
    return codes if isinstance(codes, dict) else {}


def _written_type(code: str, problem: Any) -> Written:
    form = written(problem)
    if not isinstance(problem, dict):
        return Written(code, form, None)
    # A `$ref` anywhere in its bytes (marshal writes text as it is): perhaps its extensions
    # refer to a schema; a mere mention only costs the type a validation.
    needs = (("problem_base",) if problem.get("type") is None else ()) + (
        ("schemas",) if b"$ref" in form else ())
    return Written(code, form, needs)


def _without(entry: Any) -> Any:
    if not isinstance(entry, dict):
        return entry
    return {key: value for key, value in entry.items() if key != EXAMPLES}


def written(value: Any) -> bytes:
    """Parsed data as bytes that differ whenever the data do, types included: == holds between
    1, 1.0 and true, which a client reading the JSON text tells apart. Marshal format 2 writes
    no back-references, so its bytes depend on the values only, not on which objects the parser
    happened to share."""
    return marshal.dumps(value, 2)


def _portable(place: Any) -> tuple[Any, JsonEntries | None]:
    """A JSON document's positions as they travel back from the child, and its entries read
    so far. Well-formed JSON finds positions on demand from its text, which does not travel
    (`Side.received` gives it back). What the locating parser read (escaped surrogates) records
    every path in a table whose `get` is its `place`: those inside examples, most of them, are
    left out, as diff never locates them (a YAML side's table is pruned alike in `read_side`)."""
    owner = getattr(place, "__self__", None)
    if isinstance(owner, JsonPlaces):
        return _nowhere, owner.entries
    if not isinstance(owner, dict):
        return place, None
    return _pruned(owner).get, None


def _pruned(positions: dict[Path_, Place]) -> dict[Path_, Place]:
    """Positions without those inside examples: codes/N/examples/...,
    codes/N/problems/SLUG/examples/..."""
    return {path: where for path, where in positions.items()
            if not (len(path) > 2 and path[0] == "codes" and (
                path[2] == EXAMPLES or (len(path) > 4 and path[2] == "problems"
                                        and path[4] == EXAMPLES)))}
