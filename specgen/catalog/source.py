"""Parsing YAML and JSON into plain data while keeping where every value came from: what both
share (reading the file, the document, the limits); each format in `json_source` and
`yaml_source`."""

from __future__ import annotations

import gc
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import (
    LoadError,
    Location,
    PathPart,
    Problem,
    json_pointer,
    line_start,
    not_utf8,
)

# A JSON string token; JSON has no quotes outside strings, so tokens found in turn stay in step.
JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
# The characters values.unrenderable looks for (it then says which, and where): controls but
# tab, LF and CR, DEL, C1, the Unicode line separators and lone surrogates.
UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")

# Limits that keep hostile input from exhausting time or memory; real catalogs are far below.
MAX_BYTES = 20 * 1024 * 1024
MAX_NODES = 500_000
MAX_DEPTH = 100
NOT_FINITE = "infinite or NaN numbers have no JSON form; write a finite number"

Path_ = tuple[str, ...]

Place = tuple[int, int]


_PYTHON_SOURCE = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_][\w.]*")


@dataclass(frozen=True)
class CatalogSource:
    """Which catalog to read: a file, a Python 'module:attribute', or the embedded example."""

    name: str
    embedded: bool = False

    @property
    def is_python(self) -> bool:
        """Whether the source names a Python attribute rather than a file."""
        return (
            not self.embedded
            and _PYTHON_SOURCE.fullmatch(self.name) is not None
            and not Path(self.name).exists()
        )


@dataclass
class Document:
    """Parsed data, and where its mapping entries and list items are: `place` gives the line
    and column (1-based) of a path, or None. YAML and malformed JSON record every position
    while parsing; well-formed JSON is parsed at C speed and finds the few paths that located
    messages need on demand (`json_source.JsonPlaces`)."""

    file: str
    data: Any
    place: Callable[[Path_], Place | None]
    clean: bool = False
    """The data was read from text without a character (raw or escaped) that an output cannot
    show, with text for every key (the codes' numbers aside): `values.unrenderable` has
    nothing to find in it."""

    def locate(self, path: Sequence[PathPart]) -> Location:
        """The closest known position of a path: the value itself, else its nearest parent."""
        parts = tuple(str(part) for part in path)
        for end in range(len(parts), -1, -1):
            found = self.place(parts[:end])
            if found is not None:
                return Location(self.file, found[0], found[1], json_pointer(parts))
        return Location(self.file, pointer=json_pointer(parts))


@contextmanager
def no_cycle_collection(final: bool = False) -> Iterator[None]:
    """Reading big catalogs (and importing pydantic and the models) allocates hundreds of
    thousands of containers and no garbage cycles: the cycle collector would only walk them over
    and over: a tenth of diff's time, a third of libyaml's. Reference counting frees it all.

    `final`: the process ends soon after the block (a command of the command line). What the
    block made is then moved out of the collector's sight (`gc.freeze`), or the first
    allocation after it, and the interpreter's exit, would each walk all of it once more.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if final:
            gc.freeze()
        if enabled:
            gc.enable()


def too_large(size: int, what: str = "catalogs", limit: int = MAX_BYTES) -> str:
    """The message for a file over the size limit."""
    return f"file is {size:,} bytes; {what} are limited to {limit:,} bytes"


SPEC_MAX_BYTES = 256 * 1024 * 1024
"""The largest OpenAPI document merge and import read (GitHub's is 13 MB)."""


def read_file(name: str, what: str = "catalog", limit: int = MAX_BYTES) -> bytes:
    """The bytes of an input file: a regular file of at most `limit` bytes, else a LoadError
    saying why (one way to read every input, so no command can block on a FIFO or read
    /dev/zero until memory runs out)."""
    path = Path(name)
    try:
        # Look before opening: opening a FIFO blocks, and a huge file should cost nothing.
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise LoadError.at(name, f"is a folder, not a {what} file")
        if not stat.S_ISREG(status.st_mode):
            raise LoadError.at(name, "is not a regular file")
        if status.st_size > limit:
            raise LoadError.at(name, too_large(status.st_size, what + "s", limit))
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)  # bounded even if the file grows meanwhile
    except FileNotFoundError:
        raise LoadError.at(name, "no such file") from None
    except OSError as exc:
        raise LoadError.at(name, f"cannot read: {exc.strerror}") from None
    if len(raw) > limit:
        raise LoadError.at(name, too_large(len(raw), what + "s", limit))
    return raw


def decode(file: str, raw: bytes) -> str:
    """Bytes to text: UTF-8 only, with the place of the first bad byte."""
    if len(raw) > MAX_BYTES:
        raise LoadError.at(file, too_large(len(raw)))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError([not_utf8(file, raw, exc.start)]) from None
    if "\x00" in text:
        line = line_start(text, text.index("\x00"))[0]
        raise LoadError.at(file, "binary data (NUL byte) is not a catalog", line=line, column=1)
    return text.removeprefix("\ufeff")


# JSON's keys are quoted: `{openapi: 3.1.0, ...}` is a YAML flow mapping, `{"openapi": ...}`
# and `{}` are JSON (which YAML reads far slower, and less strictly).
_JSON_START = re.compile(rb'\s*\{\s*["}]')


def reads_as_json(file: str, raw: bytes) -> bool:
    """Whether an OpenAPI document (its bytes, after any byte order mark) is JSON: named
    `.json`, or opening an object whose first key is quoted. `import` and `merge` both decide
    so, and YAML reads the rest."""
    return file.endswith(".json") or _JSON_START.match(raw[:256]) is not None


def parse(file: str, text: str) -> Document:
    """Parse JSON (by extension .json) or YAML text, rejecting duplicate keys and bombs."""
    if file.endswith(".json"):
        from .json_source import parse_json

        return parse_json(file, text)
    from .yaml_source import parse_yaml  # PyYAML is imported only for YAML

    return parse_yaml(file, text)


def problem_at(document: Document, path: Sequence[PathPart], message: str) -> Problem:
    """A problem located at a path of a parsed document."""
    return Problem(document.locate(path), message)
