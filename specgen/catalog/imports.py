"""Importing the user's Python code ('package.module:attribute'): any failure, even an attempt to
exit the process, becomes a message instead of a traceback or a silent exit."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn


class ImportProblem(ValueError):
    """The reference cannot be followed; the message says why, in the user's words."""


class _ExitCalled(Exception):
    """The imported code called os._exit or os.abort, which would end specgen silently."""


def describe(exc: BaseException) -> str:
    """An exception as 'Type: first line of its message', for one-line reports."""
    if isinstance(exc, SystemExit):
        return f"it called sys.exit({exc.code!r})"
    if isinstance(exc, _ExitCalled):
        return str(exc)
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


@contextmanager
def _no_exits() -> Iterator[None]:
    """While the block runs, os._exit and os.abort raise instead of ending the process.

    They cannot be caught otherwise; an import is the user's code running inside specgen, and
    the user should learn what happened rather than see specgen stop with status 0.
    """

    def refuse_exit(status: int) -> NoReturn:
        raise _ExitCalled(f"it called os._exit({status!r})")

    def refuse_abort() -> NoReturn:
        raise _ExitCalled("it called os.abort()")

    saved = os._exit, os.abort
    os._exit, os.abort = refuse_exit, refuse_abort
    try:
        yield
    finally:
        os._exit, os.abort = saved


def import_module(name: str) -> Any:
    """The module `name`; ImportProblem describing whatever its import did instead."""
    try:
        with _no_exits():
            return importlib.import_module(name)
    # BaseException: SystemExit and KeyboardInterrupt raised by the module's own code must not
    # end specgen (nor be mistaken for the user's Ctrl-C).
    except BaseException as exc:  # reported to the user, never swallowed silently
        raise ImportProblem(describe(exc)) from None


def attribute(target: Any, dotted: str, module_name: str) -> Any:
    """`target.a.b` for dotted 'a.b'; ImportProblem when a part is missing or its lookup fails."""
    for part in dotted.split("."):
        try:
            with _no_exits():
                target = getattr(target, part)
        except AttributeError:
            raise ImportProblem(f"{module_name!r} has no attribute {dotted!r}") from None
        except BaseException as exc:  # a module __getattr__ or a property failed
            raise ImportProblem(
                f"reading {dotted!r} of {module_name!r} failed: {describe(exc)}"
            ) from None
    return target
