"""One catalog file as `specgen diff` reads it, before any model is involved.

Reading needs no pydantic: parsing the text, leaving out the examples (which no rule of diff
reads) and writing down each problem type as it is written, for `sides` to tell which ones
cannot differ. So the two files are read each in a child forked before the models are imported
(`api.diff_catalogs`), both while the parent imports them; what comes back is small, the
examples being most of a big catalog.
"""

from __future__ import annotations

import marshal
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..catalog.source import Document, decode, no_cycle_collection, parse

EXAMPLES = "examples"


@dataclass
class Side:
    """One catalog file as read: its document without examples (positions kept for every
    other path), each problem type's written form by slug, and where its model references
    import from."""

    document: Document
    written: dict[Any, list[tuple[str, bytes]]]
    """Every problem type by slug: the code it is under and its data as written (`_written`),
    examples left out; a slug twice in a catalog has two entries."""
    folder: Path


def read_side(name: str, raw: bytes, folder: Path) -> Side:
    """Parse a catalog file's bytes (LoadError, located, when they are not a catalog) and keep
    what diff compares."""
    with no_cycle_collection():
        document = parse(name, decode(name, raw))
        data = without_examples(document.data)
        forms = {slug: [(code, written(problem)) for code, problem in places]
                 for slug, places in problems(data).items()}
        return Side(replace(document, data=data, place=_without_example_places(document)),
                    forms, folder)


def without_examples(data: Any) -> Any:
    """The catalog's data without the examples of its codes and problem types."""
    codes = data.get("codes") if isinstance(data, dict) else None
    if not isinstance(codes, dict):
        return data
    kept = {}
    for code, status in codes.items():
        status = _without(status)
        found = status.get("problems") if isinstance(status, dict) else None
        if isinstance(found, dict):
            status["problems"] = {slug: _without(problem) for slug, problem in found.items()}
        kept[code] = status
    return {**data, "codes": kept}


def _without(entry: Any) -> Any:
    if not isinstance(entry, dict):
        return entry
    return {key: value for key, value in entry.items() if key != EXAMPLES}


def problems(data: Any) -> dict[Any, list[tuple[str, Any]]]:
    """Every problem type's data by slug, with the code it is under, as written."""
    found: dict[Any, list[tuple[str, Any]]] = {}
    codes = data.get("codes") if isinstance(data, dict) else None
    for code, status in codes.items() if isinstance(codes, dict) else ():
        entries = status.get("problems") if isinstance(status, dict) else None
        for slug, problem in entries.items() if isinstance(entries, dict) else ():
            found.setdefault(slug, []).append((str(code), problem))
    return found


def written(value: Any) -> bytes:
    """Parsed data as bytes that differ whenever the data do, types included: == holds between
    1, 1.0 and true, which a client reading the JSON text tells apart. Marshal format 2 writes
    no back-references, so its bytes depend on the values only, not on which objects the parser
    happened to share."""
    return marshal.dumps(value, 2)


def _without_example_places(document: Document) -> Any:
    """The document's positions without those inside examples, which diff never locates. YAML
    (and malformed JSON) record every path while parsing, most of them in examples, and all
    would travel back from the child: their `place` is the `get` of that table. Well-formed
    JSON finds positions on demand from its text, and keeps its `place`."""
    place = document.place
    table = getattr(place, "__self__", None)
    if not isinstance(table, dict):
        return place
    return {path: where for path, where in table.items() if not _in_examples(path)}.get


def _in_examples(path: tuple[str, ...]) -> bool:
    """Whether a path leads into a code's or a problem type's examples."""
    if path[:1] != ("codes",):
        return False
    return path[2:3] == (EXAMPLES,) or (path[2:3] == ("problems",) and path[4:5] == (EXAMPLES,))
