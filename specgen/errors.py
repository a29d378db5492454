"""Errors and located problems: every failure names its file and place."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal, Self, TypeVar

Severity = Literal["error", "warning"]
MAX_MESSAGE = 400
PathPart = str | int
T = TypeVar("T")


def line_start(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line of an offset into the text and where that line starts. A line ends at
    LF, CRLF or a lone CR, as YAML and editors count them (a file saved with CR line ends is
    not one long line)."""
    if "\r" not in text:  # the usual text: counted at C speed, no copy
        return text.count("\n", 0, offset) + 1, text.rfind("\n", 0, offset) + 1
    head = text[:offset]
    breaks = head.count("\n") + head.count("\r") - head.count("\r\n")
    return breaks + 1, max(head.rfind("\n"), head.rfind("\r")) + 1


def printable(text: str) -> str:
    """Text with control characters escaped, so a report stays one line per problem."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def json_pointer(path: Sequence[PathPart]) -> str:
    """Render a path as an RFC 6901 JSON pointer ('' for the whole document)."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def unescape_pointer_part(part: str) -> str:
    """One reference token of a JSON pointer, with its ~1 and ~0 escapes undone."""
    return part.replace("~1", "/").replace("~0", "~")


def parse_pointer(pointer: str) -> tuple[str, ...]:
    """The parts of an RFC 6901 JSON pointer ('' is the whole document)."""
    return tuple(unescape_pointer_part(part) for part in pointer.split("/")[1:])


def resolve_pointer(document: Any, pointer: str) -> Any:
    """The value a JSON pointer names inside a document; LookupError when it leads nowhere."""
    try:
        return descend(document, parse_pointer(pointer))
    except LookupError:
        raise LookupError(pointer) from None


def descend(node: Any, parts: Sequence[str]) -> Any:
    """The value at a path of keys and item indexes; LookupError naming the part that leads
    nowhere."""
    for part in parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise LookupError(part)
    return node


@dataclass(frozen=True, order=True)
class Location:
    """Where a problem is: a file, and a line and column (1-based) or a JSON pointer."""

    file: str
    line: int | None = None
    column: int | None = None
    pointer: str = ""

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.file}:{self.line}:{self.column or 1}"
        if self.pointer:
            return f"{self.file}#{self.pointer}"
        return self.file


def clipped(text: str, limit: int) -> str:
    """The text, or its first `limit - 3` characters and "..." when it is longer than `limit`:
    a message that quotes a value must not be flooded by a huge one."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) at one place."""

    location: Location
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        message = clipped(printable(self.message), MAX_MESSAGE)  # messages quote values
        return f"{printable(str(self.location))}: {prefix}{message}"


@dataclass
class SpecgenError(Exception):
    """Base of every error specgen reports; carries one or more located problems."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)

    @classmethod
    def at(
        cls,
        file: str,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        pointer: str = "",
    ) -> Self:
        """Build an error with a single problem at one place."""
        return cls([Problem(Location(file, line, column, pointer), message)])


class LoadError(SpecgenError):
    """A catalog (or document) could not be read, parsed or validated."""


class CheckError(SpecgenError):
    """Linting found problems that the caller asked to treat as errors."""


class RenderError(SpecgenError):
    """A catalog is valid but cannot be expressed in the requested output."""


class MergeError(SpecgenError):
    """A merge would damage the target document or conflicts with it."""


class WriteError(SpecgenError):
    """An output could not be written."""


class ArgumentError(SpecgenError, ValueError):
    """A function of the Python API was given an argument it does not take (also a ValueError,
    what Python raises for a bad argument)."""


def each_loaded(loads: Iterable[Callable[[], T]]) -> list[T]:
    """What each call returns; when some raise LoadError, one LoadError with all their
    problems, so that one broken input does not hide another's."""
    results: list[T] = []
    problems: list[Problem] = []
    for load in loads:
        try:
            results.append(load())
        except LoadError as exc:
            problems += exc.problems
    if problems:
        raise LoadError(problems)
    return results


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in file, line, column order, so reports read top to bottom."""

    def key(problem: Problem) -> tuple[str, int, int, str, str]:
        loc = problem.location
        return (loc.file, loc.line or 0, loc.column or 0, loc.pointer, problem.message)

    return sorted(problems, key=key)


def not_utf8(file: str, raw: bytes, offset: int) -> Problem:
    """The problem of a file whose bytes stop being UTF-8 at `offset`."""
    line, start = line_start(raw[:offset].decode("latin-1"), offset)
    column = offset - start + 1
    return Problem(Location(file, line, column), f"not UTF-8 text (byte 0x{raw[offset]:02x})")


@contextmanager
def locating(locate: Callable[[tuple[PathPart, ...]], Location]) -> Iterator[None]:
    """Show render errors, which carry JSON pointers, at the places `locate` finds for them."""
    try:
        yield
    except RenderError as exc:
        raise RenderError([
            Problem(locate(parse_pointer(problem.location.pointer)), problem.message)
            if problem.location.line is None else problem
            for problem in exc.problems
        ]) from None
