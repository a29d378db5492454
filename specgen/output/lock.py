"""One build at a time per output folder: an flock(2) on the folder itself.

Two builds writing one folder at once would leave a tree that matches neither catalog. A build
holds an exclusive flock on OUT's own directory while it writes. There is no lock file: nothing
stays in OUT for git to list as untracked or for a link to stand in for, and nothing needs
removing (removing a lock file is unsafe: a waiting build would lock a file no one else sees).
A first build that fails removes the OUT it made while it still holds the lock; a build that
was waiting then finds the folder it locked gone (or another in its place) and makes and locks
the one now at the path. A build that finds the lock held waits LOCK_WAIT seconds, then fails
saying so. `--check` only reads and takes no lock.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import WriteError
from .tree import cannot

LOCK_WAIT = 3.0
"""Seconds to wait for another build to finish before giving up."""
POLL = 0.05
"""Seconds between attempts while another build holds the lock."""


@contextmanager
def build_lock(out: Path, make: Callable[[], None]) -> Iterator[None]:
    """Hold the lock of the output folder `out` while the block runs; `make()` makes `out`
    when it is missing (first, and again if it went while this build waited)."""
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        make()
        fd = _locked(out, deadline)
        if fd is not None:
            break
    try:
        yield
    finally:
        # Closing releases the lock once a forked child that shares it has ended too.
        os.close(fd)


def _locked(out: Path, deadline: float) -> int | None:
    """A descriptor of `out` holding its lock (None: `out` went or was replaced meanwhile)."""
    try:
        fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise cannot(out, exc) from None
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WriteError.at(str(out), f"another specgen build is writing {out}"
                                                  "; run it again when that one is done") from None
                time.sleep(POLL)
            except OSError as exc:
                raise cannot(out, exc) from None
        try:
            same = os.path.samestat(os.fstat(fd), out.stat())
        except FileNotFoundError:
            same = False
    except BaseException:
        os.close(fd)
        raise
    if not same:
        os.close(fd)
        return None
    return fd
