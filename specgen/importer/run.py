"""`specgen import` from end to end: document in, catalog text and notes out."""

from __future__ import annotations

from pathlib import Path

from ..output.files import atomic_write
from ..output.init import SCHEMA_FILE, schema_text
from .assemble import Imported, assemble
from .collect import collect, operations
from .document import read_document
from .render import catalog_yaml

DEFAULT_CODES = frozenset({"4xx", "5xx"})


def parse_codes(text: str) -> frozenset[str]:
    """`4xx,5xx,429` as a set of selectors; ValueError names a bad one."""
    found = set()
    for raw in text.split(","):
        word = raw.strip().lower()
        if len(word) == 3 and word[0] in "12345" and (word[1:] == "xx" or word[1:].isdigit()):
            found.add(word)
        elif word:
            raise ValueError(f"bad code selector {raw.strip()!r}: use 4xx, 5xx or a code (429)")
    if not found:
        raise ValueError("no codes selected")
    return frozenset(found)


def import_document(spec: Path, codes: frozenset[str] = DEFAULT_CODES, *,
                    schema: bool = False) -> tuple[str, Imported]:
    """The catalog text imported from an OpenAPI document, and what import has to say.
    `schema`: its first line points editors at the catalog format's JSON Schema beside it (see
    `write_catalog`)."""
    document = read_document(spec)
    ops = operations(document)
    imported = assemble(document, ops, collect(document, ops, codes))
    return catalog_yaml(imported, SCHEMA_FILE if schema else None), imported


def write_catalog(output: Path, text: str) -> None:
    """Write an imported catalog, and beside it the JSON Schema its first line names (as
    `specgen init` does) unless a file of that name is there already: the line never names a
    missing file. The schema goes first: a catalog is never left naming one not written."""
    beside = output.parent / SCHEMA_FILE
    if not beside.exists():
        atomic_write(beside, schema_text())
    atomic_write(output, text)
