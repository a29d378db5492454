"""Writing outputs: atomically, deterministically, and comparing with what is there (--check)."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import WriteError

Plan = Mapping[str, bytes | str]
"""Relative output path → content; what renderers produce and `write_plan` puts on disk."""


def as_bytes(content: bytes | str) -> bytes:
    """Text is written as UTF-8, byte for byte (no newline translation)."""
    return content if isinstance(content, bytes) else content.encode("utf-8")


def safe_target(root: Path, relative: str) -> Path:
    """The path of an output under root; refuses names that would escape it."""
    parts = Path(relative).parts
    if not relative or Path(relative).is_absolute() or ".." in parts:
        raise WriteError.at(relative, "output path escapes the output folder")
    return root.joinpath(*parts)


def atomic_write(path: Path, content: bytes | str) -> None:
    """Write a file so that readers see the old content or the whole new one, never a part."""
    write_plan(path.parent, {path.name: content})


def write_output(output: str | None, content: bytes | str) -> None:
    """Write an output file atomically, or to stdout for None or '-'."""
    if output is None or output == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(as_bytes(content))
        sys.stdout.buffer.flush()
    else:
        atomic_write(Path(output), content)


def _cannot(path: Path, exc: OSError) -> WriteError:
    return WriteError.at(str(path), f"cannot write: {exc.strerror or exc}")


@dataclass(frozen=True)
class Stale:
    """An output that differs from what the catalog produces."""

    path: str
    reason: str  # "missing", "changed" or "extra"


def stale(root: Path, plan: Plan, managed: tuple[str, ...] = ()) -> list[Stale]:
    """Outputs under root missing or differing from the plan, and extras in managed folders."""
    found = []
    folders: dict[Path, bool] = {}  # a missing folder holds no file: one look, not one per file
    for relative, content in sorted(plan.items()):
        target = safe_target(root, relative)
        if target.parent not in folders:
            folders[target.parent] = target.parent.is_dir()
        if not folders[target.parent] or not target.is_file():
            found.append(Stale(relative, "missing"))
        elif target.read_bytes() != as_bytes(content):
            found.append(Stale(relative, "changed"))
    for folder in managed:
        base = root / folder
        if base.is_dir():
            for path in sorted(p for p in base.rglob("*") if p.is_file()):
                relative = path.relative_to(root).as_posix()
                if relative not in plan:
                    found.append(Stale(relative, "extra"))
    return found


class Staging:
    """Changed outputs written as temporary files beside their targets, then renamed in place.

    Staging does the slow part (creating files) and may run while the next part of a build is
    still rendering; nothing the user sees changes until `commit`, which only renames and
    removes. `abort` takes everything staged back, so a failed build changes nothing.

    A managed folder that does not exist yet is staged whole: its files are written under their
    own names into a temporary folder beside it (`.NAME.RANDOM.tmp`), which `commit` renames
    into place, so a first build creates each file once and renames three folders, instead of
    creating 15,000 temporaries and renaming each.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        # Paths as text: a forked build sends its staging back pickled, and 15,000 Path
        # objects take half a second to pickle and rebuild.
        self.renames: list[tuple[str, str, str]] = []  # (temporary, target, relative path)
        self.folders: list[tuple[str, str, list[str]]] = []  # (temporary, target, files in it)
        self.extras: list[tuple[str, str]] = []
        self.created: list[str] = []  # folders made for staged files
        self.count = 0  # the files of the plans staged, changed or not
        self._token = secrets.token_hex(4)
        self._made = 0

    def stage(self, plan: Plan, managed: tuple[str, ...] = ()) -> None:
        """Write the plan's changed files as temporaries; note extras in managed folders."""
        self.count += len(plan)
        for relative in plan:
            safe_target(self.root, relative)  # refuse the whole plan before writing anything
        for folder in managed:
            self._remove_leftovers(folder)
        fresh = {folder for folder in managed if not (self.root / folder).exists()}
        whole = {path: content for path, content in plan.items()
                 if path.partition("/")[0] in fresh and "/" in path}
        if whole:
            self._stage_folders(whole)
        ready: set[Path] = set()
        rest = {path: content for path, content in plan.items() if path not in whole}
        for item in stale(self.root, rest, tuple(f for f in managed if f not in fresh)):
            target = safe_target(self.root, item.path)
            if item.reason == "extra":
                self.extras.append((str(target), item.path))
                continue
            if target.parent not in ready:  # one look per folder, not per file
                self.make_folder(target.parent)
                ready.add(target.parent)
            self._made += 1
            # One random part per staging and a counter: names no other writer picks (O_EXCL
            # would say so), without asking the system for randomness once per file.
            temp = target.with_name(f".{target.name}.{self._token}{self._made:x}.tmp")
            self._write(temp, as_bytes(plan[item.path]), target, item.reason == "changed")
            self.renames.append((str(temp), str(target), item.path))

    def _stage_folders(self, plan: Plan) -> None:
        """Write the files of folders that do not exist yet into temporary folders."""
        self.make_folder(self.root)
        staged: dict[str, tuple[Path, list[str]]] = {}
        made: set[Path] = set()
        for relative in sorted(plan):
            folder, _, inner = relative.partition("/")
            if folder not in staged:
                temp = self.root / f".{folder}.{self._token}.tmp"
                try:
                    temp.mkdir()
                except OSError as exc:
                    raise _cannot(temp, exc) from None
                staged[folder] = (temp, [])
                self.folders.append((str(temp), str(self.root / folder), staged[folder][1]))
                made.add(temp)
            temp, files = staged[folder]
            path = temp.joinpath(*inner.split("/"))
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            self._write(path, as_bytes(plan[relative]), self.root / relative, replacing=False)
            files.append(relative)

    def _remove_leftovers(self, folder: str) -> None:
        """Remove the temporary folders a killed build left beside `folder`."""
        pattern = re.compile(rf"\.{re.escape(folder)}\.[0-9a-f]{{8}}\.tmp")
        if self.root.is_dir():
            for path in self.root.iterdir():
                if pattern.fullmatch(path.name) and path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)

    def make_folder(self, folder: Path) -> None:
        """Make a folder and the missing ones above it; `abort` removes them again."""
        missing = []
        while not folder.is_dir():
            missing.append(folder)
            folder = folder.parent
        for path in reversed(missing):
            try:
                path.mkdir()
            except FileExistsError:
                continue  # made meanwhile by another part of the build, in another process
            except OSError as exc:
                raise _cannot(path, exc) from None
            self.created.append(str(path))

    def adopt(self, other: Staging) -> None:
        """Take over what another Staging (of the same root) staged: commit or abort it too."""
        self.renames.extend(other.renames)
        self.folders.extend(other.folders)
        self.extras.extend(other.extras)
        self.created.extend(other.created)
        self.count += other.count
        other.renames, other.folders, other.extras, other.created = [], [], [], []
        other.count = 0

    def _write(self, path: Path, data: bytes, target: Path, replacing: bool) -> None:
        """Create `path` (which must not exist) holding `data`; errors name `target`."""
        try:
            # 0o666 and the umask, as any new file; a replaced file keeps its own mode below.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except OSError as exc:
            raise _cannot(target, exc) from None
        try:
            # No fsync: the rename alone guarantees readers and killed processes see the old
            # or the whole new file; syncing thousands of outputs would multiply build time.
            rest = memoryview(data)
            while rest:  # a write may take only part of the data
                rest = rest[os.write(fd, rest) :]
            if replacing:
                with contextlib.suppress(FileNotFoundError):  # gone meanwhile: a new file
                    os.fchmod(fd, target.stat().st_mode & 0o7777)
        except OSError as exc:
            path.unlink(missing_ok=True)
            raise _cannot(target, exc) from None
        finally:
            os.close(fd)

    def commit(self) -> list[str]:
        """Rename every staged file over its target and remove extras; the paths changed."""
        changed = []
        self.folders.sort(key=lambda staged: staged[1])
        for index, (temp, target, files) in enumerate(self.folders):
            try:
                Path(temp).rename(target)
            except OSError as exc:
                self.folders = self.folders[index:]
                self.abort()
                raise _cannot(Path(target), exc) from None
            changed.extend(files)
        self.folders = []
        self.renames.sort(key=lambda staged: staged[2])  # in path order, whatever staged first
        for index, (temp, target, relative) in enumerate(self.renames):
            try:
                Path(temp).replace(target)
            except OSError as exc:
                self.renames = self.renames[index:]
                self.abort()
                raise _cannot(Path(target), exc) from None
            changed.append(relative)
        self.renames = []
        for target, relative in self.extras:
            try:
                Path(target).unlink()
            except OSError as exc:
                raise _cannot(Path(target), exc) from None
            changed.append(relative)
        return changed

    def abort(self) -> None:
        """Remove what was staged and the folders made for it; targets stay as they were."""
        for temp, _, _ in self.renames:
            Path(temp).unlink(missing_ok=True)
        for temp, _, _ in self.folders:
            shutil.rmtree(temp, ignore_errors=True)
        for folder in sorted(self.created, key=len, reverse=True):  # a folder before its parent
            with contextlib.suppress(OSError):  # not empty: something else was put there
                Path(folder).rmdir()
        self.renames, self.folders, self.created = [], [], []


def write_plan(root: Path, plan: Plan, managed: tuple[str, ...] = ()) -> list[str]:
    """Write every changed file of the plan atomically, remove extras from managed folders.

    Returns the relative paths that were written or removed. Files already up to date are not
    touched, so timestamps stay meaningful for tools that watch them.
    """
    staging = Staging(root)
    try:
        staging.stage(plan, managed)
    except BaseException:
        staging.abort()
        raise
    return staging.commit()
