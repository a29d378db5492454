"""`specgen import` from end to end: document in, catalog text and notes out."""

from __future__ import annotations

from pathlib import Path

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


def import_document(spec: Path, codes: frozenset[str] = DEFAULT_CODES) -> tuple[str, Imported]:
    """The catalog text imported from an OpenAPI document, and what import has to say."""
    document = read_document(spec)
    ops = operations(document)
    imported = assemble(document, ops, collect(document, ops, codes))
    return catalog_yaml(imported), imported
