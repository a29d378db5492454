"""An output folder worked on through folder descriptors: nothing under it follows a link.

`build` writes thousands of files under OUT and removes those the catalog no longer makes.
Every such operation is made relative to an open descriptor of its folder, and each folder is
opened from its parent with O_NOFOLLOW. So a symbolic link inside OUT (to a folder or to a
file, dangling or looping) is met, never followed: it is refused with a message naming it, and
a link put in place while a build runs cannot redirect a write or a removal either, because no
path under OUT is resolved again once its folder is open. OUT itself is the user's choice: a
link there is followed, once, when OUT is opened.

Refusing a link, rather than replacing it, is deliberate: a link in OUT was put there by
someone, maybe to publish the pages elsewhere, and removing it silently would lose that; the
message says which link, so the user decides.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

from ..errors import Location, Problem, WriteError

FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: opening a FIFO planted where an output belongs must not wait for a writer.
READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
OPEN_FOLDERS = 64
"""Folder descriptors kept open at once (most recently used): files come folder by folder."""

KINDS = {
    stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device", stat.S_IFDIR: "a folder", stat.S_IFLNK: "a symbolic link",
    stat.S_IFREG: "a regular file",
}


def kind(mode: int) -> str:
    """What a file of this mode is, in words ('a FIFO', 'a folder'...)."""
    return KINDS.get(stat.S_IFMT(mode), "not a regular file")


def cannot(path: Path | str, exc: OSError, verb: str = "write") -> WriteError:
    """The located error for a failed operation on `path`."""
    return WriteError.at(str(path), f"cannot {verb}: {exc.strerror or exc}")


def link_problem(path: Path | str) -> Problem:
    """The refusal of a symbolic link met inside the output folder."""
    return Problem(Location(str(path)), "is a symbolic link; specgen does not follow links inside"
                                        " the folder it writes (remove the link, or write"
                                        " elsewhere)")


def not_regular(path: Path | str, mode: int) -> Problem:
    """The refusal of a FIFO, device, socket or folder where a file is to be written."""
    return Problem(Location(str(path)), f"is {kind(mode)}, not a regular file; specgen writes"
                                        " only regular files")


def split(relative: str) -> tuple[str, str]:
    """(folder, name) of a relative path with '/' separators; the folder of 'a' is ''."""
    folder, _, name = relative.rpartition("/")
    return folder, name


class Tree:
    """The folder `root` and what is under it, reached only through directory descriptors."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._open: dict[str, int] = {}  # relative folder ('' is root) → descriptor, LRU order

    def path(self, relative: str) -> Path:
        """The path of a relative name, for messages."""
        return self.root.joinpath(*relative.split("/")) if relative else self.root

    def folder(self, relative: str, made: list[str] | None = None) -> int | None:
        """A descriptor of the folder (None when it is missing); with `made`, create it.

        Folders created are appended to `made`. A link or a non-folder on the way is refused.
        The descriptor stays valid until the next call (at most OPEN_FOLDERS are kept).
        """
        fd = self._open.pop(relative, None)
        if fd is None:
            fd = self._reach(relative, made)
            if fd is None:
                return None
            if len(self._open) >= OPEN_FOLDERS:
                os.close(self._open.pop(next(iter(self._open))))
        self._open[relative] = fd
        return fd

    def _reach(self, relative: str, made: list[str] | None) -> int | None:
        if not relative:
            try:
                return os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
            except FileNotFoundError:
                return None
            except NotADirectoryError:
                raise WriteError.at(str(self.root), "is not a folder") from None
            except OSError as exc:
                raise cannot(self.root, exc, "open") from None
        above, name = split(relative)
        parent = self.folder(above, made)
        if parent is None:
            return None
        parent = os.dup(parent)  # the cache may close it while this folder is made
        try:
            return self._child(parent, name, relative, made)
        finally:
            os.close(parent)

    def _child(self, parent: int, name: str, relative: str, made: list[str] | None) -> int | None:
        try:
            return os.open(name, FOLDER_FLAGS, dir_fd=parent)
        except FileNotFoundError:
            if made is None:
                return None
        except OSError as exc:
            raise self._refusal(parent, name, relative, exc) from None
        try:
            os.mkdir(name, dir_fd=parent)
            made.append(relative)
        except FileExistsError:
            pass  # made meanwhile by the other process of the build
        except OSError as exc:
            raise cannot(self.path(relative), exc) from None
        try:
            return os.open(name, FOLDER_FLAGS, dir_fd=parent)
        except OSError as exc:
            raise self._refusal(parent, name, relative, exc) from None

    def _refusal(self, parent: int, name: str, relative: str, exc: OSError) -> WriteError:
        """Why `name` could not be opened: a link, not a folder, or the system's reason."""
        with contextlib.suppress(OSError):
            mode = os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode
            if stat.S_ISLNK(mode):
                return WriteError([link_problem(self.path(relative))])
            if not stat.S_ISDIR(mode):
                return WriteError.at(str(self.path(relative)), f"is {kind(mode)}, not a folder")
        return cannot(self.path(relative), exc, "open")

    def compare(self, relative: str, content: bytes) -> str | None:
        """'missing', 'changed', or None when the file holds `content`; never reads a link."""
        opened = self._file(relative)
        if opened is None:
            return "missing"
        fd, size = opened
        with os.fdopen(fd, "rb") as file:
            if size != len(content) or file.read() != content:
                return "changed"
        return None

    def read(self, relative: str) -> bytes | None:
        """A regular file's bytes, None when it is missing; never reads a link."""
        opened = self._file(relative)
        if opened is None:
            return None
        with os.fdopen(opened[0], "rb") as file:
            return file.read()

    def _file(self, relative: str) -> tuple[int, int] | None:
        """A regular file's descriptor and size, None when it is missing; refuses the rest."""
        folder, name = split(relative)
        parent = self.folder(folder)
        if parent is None:
            return None
        try:
            fd = os.open(name, READ_FLAGS, dir_fd=parent)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise self._refusal(parent, name, relative, exc) from None
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            os.close(fd)
            raise WriteError([not_regular(self.path(relative), status.st_mode)])
        return fd, status.st_size

    def files(self, relative: str) -> Iterator[str]:
        """Every entry but folders under a folder (recursively), as relative paths; no links."""
        fd = self.folder(relative)
        if fd is not None:
            yield from self._files(os.dup(fd), relative)

    def _files(self, fd: int, relative: str) -> Iterator[str]:
        try:
            with os.scandir(fd) as entries:
                found = sorted((entry.name, entry.is_symlink(),
                                entry.is_dir(follow_symlinks=False)) for entry in entries)
        finally:
            os.close(fd)
        for name, is_link, is_dir in found:
            path = f"{relative}/{name}"
            if is_link:
                raise WriteError([link_problem(self.path(path))])
            if not is_dir:
                yield path
                continue
            parent = self.folder(relative)
            assert parent is not None  # scanned just now
            try:
                child = os.open(name, FOLDER_FLAGS, dir_fd=parent)
            except OSError as exc:
                raise self._refusal(parent, name, path, exc) from None
            yield from self._files(child, path)

    def mode(self, relative: str) -> int | None:
        """The permission bits of an existing file (None when missing), not following links."""
        folder, name = split(relative)
        parent = self.folder(folder)
        with contextlib.suppress(FileNotFoundError):
            if parent is not None:
                return os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode & 0o7777
        return None

    def create(self, relative: str, data: bytes, mode: int | None, made: list[str]) -> None:
        """Create a new file (it must not exist) holding `data`; `mode` None: 0o666 and umask."""
        folder, name = split(relative)
        parent = self.folder(folder, made)
        assert parent is not None  # made
        fd = os.open(name, CREATE_FLAGS, 0o666, dir_fd=parent)
        try:
            # No fsync: the rename alone guarantees readers and killed processes see the old
            # or the whole new file; syncing thousands of outputs would multiply build time.
            rest = memoryview(data)
            while rest:  # a write may take only part of the data
                rest = rest[os.write(fd, rest) :]
            if mode is not None:
                os.fchmod(fd, mode)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(name, dir_fd=parent)
            raise
        finally:
            os.close(fd)

    def rename(self, folder: str, source: str, target: str, replace: bool = True) -> None:
        """Rename within one folder; without `replace`, fail (EEXIST) if `target` exists."""
        fd = self.folder(folder)
        if fd is None:
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(self.path(folder)))
        if replace:
            os.replace(source, target, src_dir_fd=fd, dst_dir_fd=fd)
        else:  # link, then drop the temporary name: atomic, and never over an existing file
            os.link(source, target, src_dir_fd=fd, dst_dir_fd=fd, follow_symlinks=False)
            os.unlink(source, dir_fd=fd)

    def keep(self, folder: str, name: str, backup: str) -> None:
        """Give a file a second name (a hard link) that keeps its content after a rename."""
        fd = self.folder(folder)
        assert fd is not None  # the file is in it
        os.link(name, backup, src_dir_fd=fd, dst_dir_fd=fd, follow_symlinks=False)

    def remove(self, relative: str) -> None:
        """Remove a file, or a folder and all it holds; a missing one is not an error."""
        folder, name = split(relative)
        parent = self.folder(folder)
        if parent is None:
            return
        try:
            os.unlink(name, dir_fd=parent)
        except FileNotFoundError:
            return
        except OSError:  # EISDIR on Linux, EPERM elsewhere: a folder
            if not stat.S_ISDIR(os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode):
                raise
            shutil.rmtree(name, dir_fd=parent)  # never follows links (descriptor-based)

    def remove_folder(self, relative: str) -> None:
        """Remove an empty folder (made by this build); one that is not empty stays."""
        folder, name = split(relative)
        stale = self._open.pop(relative, None)
        if stale is not None:
            os.close(stale)
        parent = self.folder(folder)
        if parent is not None:
            with contextlib.suppress(OSError):  # not empty: something else was put there
                os.rmdir(name, dir_fd=parent)

    def entries(self) -> list[str]:
        """The names in the root folder (none when it is missing)."""
        fd = self.folder("")
        return [] if fd is None else os.listdir(fd)  # noqa: PTH208 - a descriptor

    def close(self) -> None:
        """Close every descriptor held."""
        while self._open:
            os.close(self._open.popitem()[1])
