"""One build at a time per output folder: a `filelock` lock file inside it.

Two builds writing one folder at once would leave a tree that matches neither catalog. The
lock is `OUT/.specgen.lock`, outside the folders specgen manages; it stays after the build, as
flock-based locks must (removing it would let a waiting build lock a file no one else sees) —
except after a failed first build, which removes the OUT it made, lock and all: a second build
started into the same new folder at that very moment is the price of leaving nothing behind.
A build that finds it held waits LOCK_WAIT seconds, then fails saying so. `--check` only reads
and takes no lock.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import WriteError
from .tree import cannot

LOCK_FILE = ".specgen.lock"
LOCK_WAIT = 3.0
"""Seconds to wait for another build to finish before giving up."""


@contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """Hold the lock of the output folder `out` (which exists) while the block runs."""
    path = out / LOCK_FILE
    # Not thread-local and not a singleton: one plain lock per build, released on leaving.
    lock = FileLock(path, timeout=LOCK_WAIT, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise WriteError.at(str(out), f"another specgen build is writing {out}"
                                      f" (lock {path})") from None
    except OSError as exc:  # a read-only folder, a link or a folder in the lock's place...
        raise cannot(path, exc) from None
    try:
        yield
    finally:
        lock.release()


def remove_lock(out: Path) -> None:
    """Remove the lock file of `out`, if there is one (after a failed first build)."""
    with contextlib.suppress(OSError):
        (out / LOCK_FILE).unlink()
