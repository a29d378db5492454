"""The two catalog files `specgen diff` compares, read before any model is involved.

Validating a big catalog costs far more than comparing it, and most of two versions is the same.
A model is a function of its data, so a problem type written alike in both files, under the same
code, is the same model on both sides; it compares equal unless what it refers to outside itself
changed: the catalog's `problem_base` (its type URI, when it gives no `type`) or `schemas` (the
`$ref`s of its extensions). Such problem types are left out of both sides, and so are examples,
which no rule of diff reads; `sides` validates and compares the rest.

All of this needs no pydantic: parsing the text, leaving out the examples, writing down each
problem type as it is written (`Written`; in a YAML file, where its text is, not parsed:
`Span`) and telling which cannot differ. So both files are read in a child forked before the
models are imported (`api.diff_catalogs`), while the parent imports them; what comes back is
small, the examples and the problem types that cannot differ being most of a big catalog.
"""

from __future__ import annotations

import marshal
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

from ..catalog.json_source import JsonEntries, JsonPlaces, Known, parse_json
from ..catalog.source import Document, Path_, Place, decode, no_cycle_collection
from ..errors import LoadError, each_loaded

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

    def needs(self, raw: bytes) -> tuple[str, ...]:
        """What its model may depend on outside itself (as `Written.needs`, without parsing:
        `problem_base` always). A `$ref` may also be written with escapes in double quotes
        ("\\x24ref", or "$\\" and "ref" on the next line): a backslash counts as one."""
        text = raw[self.start:self.end]
        return ("problem_base",) + (("schemas",) if b"$ref" in text or b"\\" in text else ())


Source = tuple[str, bytes, Path]
"""A catalog file: its name, its bytes, and the folder its model references import from."""


@dataclass
class Side:
    """One catalog file as read: its data without examples, each problem type in it as
    `Written` or `Span`, its document for the positions of every path outside examples, and
    where its model references import from. A JSON file's positions are found on demand from
    its text, which does not travel between processes: `entries` holds what the reader read of
    it, and `received` gives the text back."""

    document: Document
    data: Any
    folder: Path
    entries: JsonEntries | None = None
    positions: dict[Path_, Place] | None = None
    """A YAML side's positions, which its `place` reads: those of problem types read later
    (`written`) are added."""
    raw: bytes = b""
    """The bytes of the file, which `Span`s are cut from (until `reduced`)."""

    def received(self, raw: bytes) -> Side:
        """The side in the process it was sent to, with its JSON text (`raw`) back."""
        if self.entries is None:
            return self
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

    def problems(self) -> dict[Any, list[Written | Span]]:
        """Every problem type by slug; a slug twice in a catalog has two entries."""
        found: dict[Any, list[Written | Span]] = {}
        for status in _codes(self.data).values():
            entries = status.get("problems") if isinstance(status, dict) else None
            for slug, problem in entries.items() if isinstance(entries, dict) else ():
                found.setdefault(slug, []).append(problem)
        return found

    def pieces(self) -> frozenset[bytes]:
        """The texts of the problem types cut out of a YAML file: each a whole entry."""
        return frozenset(self.raw[problem.start:problem.end]
                         for places in self.problems().values() for problem in places
                         if isinstance(problem, Span))

    def json_codes(self) -> Known:
        """The codes read from a JSON file (each a mapping, as `read_side` keeps it), with
        their text."""
        table = self.entries.get(("codes",)) if self.entries else None
        codes = _codes(self.data)
        if table is None or not codes:
            return {}
        text = decode(self.document.file, self.raw)
        return {("codes", name): (text[value:end], codes[name])
                for name, (_, value, end) in table[0].items()
                if isinstance(codes.get(name), dict)}

    def reduced(self, unchanged: set[Any]) -> Side:
        """The side as the models validate it: its data without the problem types that cannot
        differ (`unchanged`), the others read back as data (LoadError, located, where a
        problem type's text does not parse)."""
        codes = _codes(self.data)
        if not codes:
            return replace(self, raw=b"")
        kept = {}
        for code, status in codes.items():
            found = status.get("problems") if isinstance(status, dict) else None
            if isinstance(found, dict):
                status = {**status, "problems": {
                    slug: marshal.loads(self.written(problem).form)
                    for slug, problem in found.items() if slug not in unchanged}}
            kept[code] = status
        reduced = replace(self, data={**self.data, "codes": kept}, raw=b"")
        if self.positions is None:
            return reduced
        # Nothing in a problem type that cannot differ is located: its positions stay here.
        positions = {path: where for path, where in self.positions.items()
                     if not (len(path) > 3 and path[0] == "codes" and path[2] == "problems"
                             and path[3] in unchanged)}
        return replace(reduced, document=replace(self.document, place=positions.get),
                       positions=positions)


def read_pair(old: Source, new: Source) -> tuple[Side, Side]:
    """Both files read and `reduced` to what may differ between them (LoadError with the
    problems of both when either is no catalog). The new one is read knowing what the old one
    read (`read_side`'s `before`)."""
    read: list[Side] = []
    each_loaded([lambda: read.append(read_side(*old)),
                 lambda: read.append(read_side(*new, read[0] if read else None))])
    before, after = read
    same = _unchanged(before, after)
    reduced = each_loaded([lambda: before.reduced(same), lambda: after.reduced(same)])
    return reduced[0], reduced[1]


def _unchanged(old: Side, new: Side) -> set[Any]:
    """The slugs of the problem types that cannot differ between the two catalogs."""
    if not isinstance(old.data, dict) or not isinstance(new.data, dict):
        return set()
    same = {key: written(old.data.get(key)) == written(new.data.get(key))
            for key in ("problem_base", "schemas")}
    after = new.problems()
    unchanged = set()
    for slug, places in old.problems().items():
        others = after.get(slug)
        if len(places) != 1 or others is None or len(others) != 1:
            continue  # added, removed, or twice in a catalog (refused later)
        needs = _alike(old, places[0], new, others[0])
        if needs is not None and all(same[key] for key in needs):
            unchanged.add(slug)
    return unchanged


def _alike(old: Side, before: Written | Span, new: Side, after: Written | Span,
           ) -> tuple[str, ...] | None:
    """What a problem type written alike in both files may depend on outside itself (its
    `needs`); None when it is not written alike (moved to another code, or changed), or is no
    mapping. Two `Span`s are alike when their texts are, byte for byte."""
    if isinstance(before, Span) and isinstance(after, Span):
        if before.code != after.code or (old.raw[before.start:before.end]
                                         != new.raw[after.start:after.end]):
            return None
        return before.needs(old.raw)
    try:
        written_before, written_after = old.written(before), new.written(after)
    except LoadError:
        return None  # `reduced` reads it again, and says so with the other side's problems
    return written_before.needs if written_before == written_after else None


def read_side(name: str, raw: bytes, folder: Path, before: Side | None = None) -> Side:
    """Parse a catalog file's bytes (LoadError, located, when they are not a catalog) and keep
    what diff compares. `before`: the other file, read already in this process; what both
    write alike is not read twice: the problem types cut out of a YAML file are not checked
    again (`spans.cut`), the codes of a JSON file are not decoded again (`JsonPlaces`)."""
    with no_cycle_collection():
        text = decode(name, raw)
        if not name.endswith(".json"):
            from .spans import read_yaml_cut  # PyYAML is imported only for YAML

            known = before.pieces() if before is not None else frozenset()
            data, positions = read_yaml_cut(name, raw, text, known)
            kept = _pruned(positions)
            return Side(Document(name, None, kept.get), _read(data), folder, positions=kept,
                        raw=raw)
        document = parse_json(name, text, before.json_codes() if before is not None else None)
        place, entries = _portable(document.place)
        return Side(replace(document, data=None, place=place), _read(document.data), folder,
                    entries, raw=raw)


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
                slug: problem if isinstance(problem, Span | Written)  # as read before
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
