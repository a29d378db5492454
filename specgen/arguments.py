"""The Python API's arguments, checked before any work is done.

A wrong argument is an `ArgumentError` (a `SpecgenError`) that names the function, the argument,
the value given and what is allowed, rather than a KeyError or AttributeError from deep inside,
or a value silently taken for another. Each public function declares what each argument takes
with `@takes(name=KIND, ...)`; the checks are made against the call's bound arguments.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from typing import Any, ParamSpec, TypeVar

from .catalog.registry import code_class
from .errors import ArgumentError, clipped

P = ParamSpec("P")
R = TypeVar("R")
_SHOWN = 80  # characters of a given value's repr a message quotes


@dataclass(frozen=True)
class Kind:
    """What an argument takes: a test of the value and the words for what passes it."""

    test: Callable[[Any], bool]
    allowed: str

    def or_none(self) -> Kind:
        """The same, or None."""
        return Kind(lambda value: value is None or self.test(value), f"{self.allowed}, or None")


def _is_catalog(value: Any) -> bool:
    if value is None or isinstance(value, str | PathLike):
        return True  # without importing the models: `diff` reads files before it needs them
    from .catalog.models import Catalog

    return isinstance(value, Catalog)


def _is_status(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599


def _is_number(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def _is_sequence_of(test: Callable[[Any], bool]) -> Callable[[Any], bool]:
    # A string is a sequence of strings too: `attach="all"` would be read as rules 'a', 'l', 'l'.
    return lambda value: (isinstance(value, Sequence) and not isinstance(value, str | bytes)
                          and all(map(test, value)))


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def _is_path(value: Any) -> bool:
    return isinstance(value, str | PathLike)


def _is_pair(value: Any) -> bool:
    return (isinstance(value, Sequence) and not isinstance(value, str | bytes) and len(value) == 2
            and all(map(_is_text, value)))


def _is_headers(value: Any) -> bool:
    if isinstance(value, Mapping):
        return all(map(_is_text, value)) and all(map(_is_text, value.values()))
    return _is_sequence_of(_is_pair)(value)


def one_of(*options: str) -> Kind:
    """One of these strings."""
    return Kind(lambda value: isinstance(value, str) and value in options,
                "one of " + ", ".join(map(repr, options)))


CATALOG = Kind(_is_catalog, "a Catalog, a path to a YAML or JSON catalog, a 'module:attribute'"
                            " string, or None (./specgen.yaml, else the embedded example)")
STATUS = Kind(_is_status, "a status code: an integer in 100-599 (RFC 9110 §15)")
STATUS_OR_CLASS = Kind(
    lambda value: _is_status(value) or (isinstance(value, str) and code_class(value) is not None),
    "a status code (an integer in 100-599, RFC 9110 §15) or a class such as '5xx'")
TEXT = Kind(_is_text, "a string")
PATH = Kind(_is_path, "a path (str or pathlib.Path)")
PATHS = Kind(_is_sequence_of(_is_path), "a list of paths (str or pathlib.Path), not one path")
RULES = Kind(_is_sequence_of(_is_text), "a list of rule strings, e.g. ['all'], not one string")
DOCUMENT = Kind(lambda value: isinstance(value, str | bytes), "the document's text (str or bytes)")
FLAG = Kind(lambda value: isinstance(value, bool), "True or False")
COUNT = Kind(lambda value: isinstance(value, int) and not isinstance(value, bool), "an integer")
SECONDS = Kind(_is_number, "a number of seconds")
HEADERS = Kind(_is_headers, "a mapping of header names to values, or a list of (name, value)"
                            " string pairs")
CALLBACK = Kind(callable, "a function").or_none()
OAS = one_of("3.0", "3.1").or_none()
CONFLICT = one_of("error", "keep", "replace")


def takes(**kinds: Kind) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Check the named arguments of each call against their kinds before the call runs."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            import inspect  # on the first call, not when the API is imported

            call = f"specgen.{function.__name__}"
            try:
                bound = inspect.signature(function).bind(*args, **kwargs)
            except TypeError as exc:
                raise ArgumentError.at(call, str(exc)) from None
            bound.apply_defaults()
            for name, kind in kinds.items():
                value = bound.arguments[name]
                if not kind.test(value):
                    shown = clipped(repr(value), _SHOWN)
                    raise ArgumentError.at(call, f"{name}={shown}: must be {kind.allowed}")
            return function(*args, **kwargs)

        return checked

    return decorate
