"""Work done in a forked child while the parent goes on: start-up that overlaps other work.

`specgen merge` spends about as long importing and checking the catalog (pydantic, jsonschema)
as it does scanning a large document, and neither needs the other until planning. With a
second core, the catalog side runs in a child forked before the imports, and the result comes
back pickled through a pipe. Where fork is missing or unsafe (no `os.fork`, or other threads
running, whose locks the child would inherit) the work simply runs in this process on demand.

The child dies with its parent: a killed `specgen build` must not leave a process writing into
OUT for seconds after. On Linux the kernel sees to it (prctl PR_SET_PDEATHSIG); elsewhere a
thread of the child watches for its parent to change.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Generic, TypeVar

from ..errors import SpecgenError

T = TypeVar("T")
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCH_INTERVAL = 0.1
"""Seconds between looks at the parent where the kernel cannot be asked to signal."""


def can_fork() -> bool:
    """Whether work can run in a forked child here: POSIX, and no other thread running."""
    return hasattr(os, "fork") and threading.active_count() == 1


def die_with(parent: int) -> None:
    """Make this (forked) process end when `parent` does."""
    if not (sys.platform.startswith("linux") and _ask_kernel()):
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # it died before the request took effect
        os._exit(1)


def _ask_kernel() -> bool:
    """Ask Linux to SIGKILL this process when its parent ends; whether it agreed."""
    import ctypes  # in the child only: the parent goes on without it

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)
    return False


def _watch(parent: int) -> None:
    """Poll for the parent's end (the process is then adopted by another) and exit."""
    while os.getppid() == parent:
        time.sleep(WATCH_INTERVAL)
    os._exit(1)


class Background(Generic[T]):
    """`work()` started in a forked child where `can_fork()`; `result()` returns what it returned.

    A SpecgenError in the child is raised again here with its problems. Anything else that goes
    wrong in the child (a bug, a kill) makes `result()` run the work in this process instead, so
    that the failure shows with its real traceback. Leaving the `with` block without the result
    stops the child.
    """

    def __init__(self, work: Callable[[], T]) -> None:
        self.work = work
        self.pid = 0
        self.reader = -1
        if can_fork():
            self._start()

    def _start(self) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        reader, writer = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(reader)
            die_with(parent)
            self._child(writer)
        os.close(writer)
        self.pid, self.reader = pid, reader

    def _child(self, writer: int) -> None:
        status = 0
        try:
            try:
                outcome: tuple[str, object] = ("ok", self.work())
            except SpecgenError as exc:
                outcome = ("error", (type(exc), exc.problems))
            with os.fdopen(writer, "wb") as pipe:
                pickle.dump(outcome, pipe, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # the parent runs the work again, and so reports it
            status = 1
        finally:
            os._exit(status)  # no atexit handlers, no flushing of buffers copied from the parent

    def result(self) -> T:
        """The work's result (waiting for the child), or the SpecgenError it raised."""
        if not self.pid:
            return self.work()
        outcome = self._collect()
        if outcome is None:
            return self.work()
        kind, value = outcome
        if kind == "error":
            error_type, problems = value
            raise error_type(problems)
        result: T = value
        return result

    def settle(self) -> T | None:
        """Wait for the child; what it returned, or None. Never runs the work in this process.

        For cleaning up after a failure elsewhere: what the child made can then be undone.
        """
        outcome = self._collect() if self.pid else None
        if outcome is None or outcome[0] != "ok":
            return None
        result: T = outcome[1]
        return result

    def _collect(self) -> tuple[str, Any] | None:
        with os.fdopen(self.reader, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if status != 0 or not data:
            return None
        outcome: tuple[str, Any] = pickle.loads(data)
        return outcome

    def __enter__(self) -> Background[T]:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self.pid:  # the result was not wanted: stop the child
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            os.close(self.reader)
            self.pid = 0
