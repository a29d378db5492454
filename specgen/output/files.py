"""Single output files the user names (`-o`, `--in-place`, `--overlay`): atomic and confined.

A file is written to a temporary beside it and renamed over it, so a reader or a killed run
sees the old or the whole new file. What the user named is checked first: a FIFO, socket or
device is refused (as root, renaming over `-o /dev/null` would replace the system's), and an
output that is also an input of the command is refused before anything is read. A symbolic
link is written through, as a shell's `>` would: the file it points to is updated and the
link kept.

Temporaries are named `.NAME.specgen-PID-RANDOM.tmp`. A run killed while writing (a large
document takes a while) leaves one behind; the next write beside it removes those whose
process is gone. Named temporaries, rather than Linux's O_TMPFILE, keep one code path on every
system and let a user see at a glance what a leftover is.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..errors import Location, Problem, WriteError
from .tree import CREATE_FLAGS, cannot, not_regular
from .write import as_bytes

LEFTOVER = re.compile(r"\.(?P<name>.+)\.specgen-(?P<pid>[0-9]+)-[0-9a-f]+\.tmp")
"""The name of a temporary beside an output file; its process id says whether it is in use."""


def target_of(path: Path) -> Path:
    """The file a write to `path` updates: the end of its chain of links, or `path` itself."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def check_writable(path: Path) -> None:
    """Refuse a path that exists and is not a regular file (or a link to one)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:  # a link loop, or a folder on the way that is a file
        raise cannot(path, exc) from None
    if not stat.S_ISREG(mode):
        problem = not_regular(path, mode)
        raise WriteError([Problem(problem.location, f"{problem.message} ('-' writes to stdout)")])


def same_file(first: str, second: str) -> bool:
    """Whether two paths name one existing file (also through links, or as hard links)."""
    try:
        return Path(first).samefile(second)
    except (OSError, ValueError):  # one does not exist (so it is no input), or holds a NUL
        return False


def refuse_inputs(outputs: Mapping[str, str | None], inputs: Iterable[str | None]) -> None:
    """Refuse an output (option → path) that is one of the inputs, or not a regular file.

    Called before anything is read, so that a refused command does no work at all.
    """
    problems = []
    for option, output in outputs.items():
        if output is None or output == "-":
            continue
        check_writable(Path(output))
        for source in inputs:
            if source is not None and same_file(output, source):
                problems.append(Problem(Location(output), f"{option} names the input {source};"
                                                         " specgen never writes over its inputs"))
    if problems:
        raise WriteError(problems)


def remove_leftovers(folder: int, name: str) -> None:
    """Remove temporaries for `name` in the folder (a descriptor) whose process is gone."""
    for entry in os.listdir(folder):
        found = LEFTOVER.fullmatch(entry)
        if found is None or found["name"] != name or alive(int(found["pid"])):
            continue
        with contextlib.suppress(OSError):
            if stat.S_ISREG(os.stat(entry, dir_fd=folder, follow_symlinks=False).st_mode):
                os.unlink(entry, dir_fd=folder)


def alive(pid: int) -> bool:
    """Whether a process with this id exists (it may be another user's)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's, or not a process id: leave it
    return True


def atomic_write(path: Path, content: bytes | str) -> None:
    """Write a file so that readers see the old content or the whole new one, never a part.

    The missing folders above it are made. A link is written through (see the module).
    """
    data = as_bytes(content)
    check_writable(path)
    target = target_of(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        folder = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise cannot(path, exc) from None
    try:
        _write(folder, target.name, data, path)
    except OSError as exc:
        raise cannot(path, exc) from None
    finally:
        os.close(folder)


def _write(folder: int, name: str, data: bytes, shown: Path) -> None:
    """Write `name` in the folder through a temporary renamed over it; errors name `shown`."""
    try:  # checked again here, where no link or rename can come between check and write
        status: os.stat_result | None = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        status = None
    if status is not None and not stat.S_ISREG(status.st_mode):
        raise WriteError([not_regular(shown, status.st_mode)])
    remove_leftovers(folder, name)
    temp = f".{name}.specgen-{os.getpid()}-{secrets.token_hex(4)}.tmp"
    fd = os.open(temp, CREATE_FLAGS, 0o666, dir_fd=folder)
    try:
        try:
            rest = memoryview(data)
            while rest:  # a write may take only part of the data
                rest = rest[os.write(fd, rest) :]
            if status is not None:  # a replaced file keeps its mode (an executable stays one)
                os.fchmod(fd, status.st_mode & 0o7777)
        finally:
            os.close(fd)
        os.replace(temp, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp, dir_fd=folder)
        raise


def write_output(output: str | None, content: bytes | str) -> None:
    """Write an output file atomically, or to stdout for None or '-'."""
    if output is None or output == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(as_bytes(content))
        sys.stdout.buffer.flush()
    else:
        atomic_write(Path(output), content)
