"""Writing a plan of outputs into a folder: all or nothing, confined to it, and compared (--check).

Every write, rename and removal goes through `Tree`, which never follows a link under the
output folder (see `tree`). A plan is first staged (each changed file written to a temporary
beside its target); `commit` then renames the temporaries into place, keeping the old content
of each replaced or removed file under a second name (a hard link) until all of them are done,
so that a failure halfway, or an interrupt, puts every file back as it was.
"""

from __future__ import annotations

import contextlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import WriteError
from .tree import Tree, cannot, split

Plan = Mapping[str, bytes | str]
"""Relative output path → content; what renderers produce and `write_plan` puts on disk."""


def as_bytes(content: bytes | str) -> bytes:
    """Text is written as UTF-8, byte for byte (no newline translation)."""
    return content if isinstance(content, bytes) else content.encode("utf-8")


def check_relative(relative: str) -> None:
    """Refuse an output name that is not a plain relative path inside the output folder."""
    parts = relative.split("/")
    if relative.startswith("/") or "\0" in relative or any(p in ("", ".", "..") for p in parts):
        raise WriteError.at(relative, "output path escapes the output folder")


def join(folder: str, name: str) -> str:
    """A relative path from its folder ('' for the root) and name."""
    return f"{folder}/{name}" if folder else name


# A temporary file a killed build left (`Staging._temporary`): specgen's, so it goes.
_LEFTOVER = re.compile(r"\.(?P<name>.+)\.[0-9a-f]{9,}\.tmp")


@dataclass(frozen=True)
class Stale:
    """An output that differs from what the catalog produces."""

    path: str
    reason: str  # "missing", "changed" or "extra"


def stale(root: Path, plan: Plan, managed: tuple[str, ...] = (),
          owned: frozenset[str] | None = None) -> list[Stale]:
    """Outputs under root missing or differing from the plan, and extras in managed folders
    (only those in `owned`, when given: the files an earlier run wrote)."""
    for relative in plan:
        check_relative(relative)
    tree = Tree(root)
    try:
        return _stale(tree, plan, managed, owned)
    finally:
        tree.close()


def _stale(tree: Tree, plan: Plan, managed: tuple[str, ...],
           owned: frozenset[str] | None = None) -> list[Stale]:
    found = []
    refused = []  # every link or special file in the way, reported together
    for relative, content in sorted(plan.items()):
        try:
            reason = tree.compare(relative, as_bytes(content))
        except WriteError as exc:
            refused.extend(exc.problems)
            continue
        if reason is not None:
            found.append(Stale(relative, reason))
    if refused:
        raise WriteError(refused)
    for folder in managed:
        found.extend(Stale(path, "extra") for path in tree.files(folder)
                     if path not in plan and (owned is None or path in owned
                                              or _LEFTOVER.fullmatch(split(path)[1])))
    return found


class Staging:
    """Changed outputs written as temporary files beside their targets, then renamed in place.

    Staging does the slow part (creating files) and may run while the next part of a build is
    still rendering; nothing the user sees changes until `commit`, which only renames and
    removes, and undoes its renames if one fails. `abort` takes everything staged back.

    A managed folder that does not exist yet is staged whole: its files are written under their
    own names into a temporary folder beside it (`.NAME.RANDOM.tmp`), which `commit` renames
    into place, so a first build creates each file once and renames three folders, instead of
    creating 15,000 temporaries and renaming each.

    With `replace=False` an existing target is never replaced, even one that appears after
    staging (each file is linked into place, which fails if the name exists).
    """

    def __init__(self, root: Path, replace: bool = True,
                 owned: frozenset[str] | None = None) -> None:
        self.root = root
        self.replace = replace
        self.owned = owned  # the extras that may go (None: every file of a managed folder)
        # Relative paths as text: a forked build sends its staging back pickled, and 15,000 Path
        # objects take half a second to pickle and rebuild.
        self.renames: list[tuple[str, str]] = []  # (temporary, target)
        self.folders: list[tuple[str, str, list[str]]] = []  # (temporary, folder, files in it)
        self.extras: list[str] = []
        self.planned: list[str] = []  # every file of the plans staged in managed folders
        self.created: list[str] = []  # folders under root made for staged files
        self.above: list[str] = []  # root and the folders above it, when this staging made them
        self.count = 0  # the files of the plans staged, changed or not
        self._token = secrets.token_hex(4)
        self._made = 0
        self._tree = Tree(root)

    def __getstate__(self) -> dict[str, Any]:
        return {key: value for key, value in self.__dict__.items() if key != "_tree"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, _tree=Tree(state["root"]))

    def _temporary(self, name: str) -> str:
        # One random part per staging and a counter: names no other writer picks (O_EXCL
        # would say so), without asking the system for randomness once per file.
        self._made += 1
        return f".{name}.{self._token}{self._made:x}.tmp"

    def stage(self, plan: Plan, managed: tuple[str, ...] = (), *, counted: bool = True) -> None:
        """Write the plan's changed files as temporaries; note extras in managed folders.
        `counted`: whether the files count among the outputs (a record of them does not)."""
        if counted:
            self.count += len(plan)
        if managed:
            self.planned.extend(plan)
        for relative in plan:
            check_relative(relative)  # refuse the whole plan before writing anything
        self.make_root()
        self._remove_leftovers(managed, [path for path in plan if "/" not in path])
        fresh = {folder for folder in managed if self._tree.folder(folder) is None}
        whole = {path: content for path, content in plan.items()
                 if path.partition("/")[0] in fresh and "/" in path}
        if whole:
            self._stage_folders(whole)
        rest = {path: content for path, content in plan.items() if path not in whole}
        for item in _stale(self._tree, rest, tuple(f for f in managed if f not in fresh),
                           self.owned):
            if item.reason == "extra":
                self.extras.append(item.path)
                continue
            folder, name = split(item.path)
            temp = join(folder, self._temporary(name))
            # A replaced file keeps its own mode; a new one gets 0o666 and the umask.
            mode = self._tree.mode(item.path) if item.reason == "changed" else None
            try:
                self._tree.create(temp, as_bytes(plan[item.path]), mode, self.created)
            except OSError as exc:
                raise cannot(self._tree.path(item.path), exc) from None
            self.renames.append((temp, item.path))

    def _stage_folders(self, plan: Plan) -> None:
        """Write the files of folders that do not exist yet into temporary folders."""
        staged: dict[str, tuple[str, list[str]]] = {}
        inside: list[str] = []  # folders made in a temporary folder go with it
        for relative in sorted(plan):
            folder, _, inner = relative.partition("/")
            if folder not in staged:
                temp = f".{folder}.{self._token}.tmp"
                self._tree.folder(temp, inside)
                staged[folder] = (temp, [])
                self.folders.append((temp, folder, staged[folder][1]))
            temp, files = staged[folder]
            try:
                self._tree.create(f"{temp}/{inner}", as_bytes(plan[relative]), None, inside)
            except OSError as exc:
                raise cannot(self._tree.path(relative), exc) from None
            files.append(relative)

    def _remove_leftovers(self, managed: tuple[str, ...], files: list[str]) -> None:
        """Remove the temporaries a killed build left in the root: folders beside the managed
        folders, and files beside the plan's files there (a manifest)."""
        if not (managed or files):
            return
        names = "|".join(re.escape(folder) for folder in managed)
        folders = re.compile(rf"\.(?:{names})\.[0-9a-f]{{8}}\.tmp") if managed else None
        for name in self._tree.entries():
            leftover = _LEFTOVER.fullmatch(name)
            if (folders and folders.fullmatch(name)) or (leftover and leftover["name"] in files):
                self._tree.remove(name)

    def make_root(self) -> None:
        """Make the root folder and the missing ones above it; `abort` removes them again."""
        missing = []
        folder = self.root
        while not folder.is_dir():
            missing.append(folder)
            folder = folder.parent
        for path in reversed(missing):
            try:
                path.mkdir()
            except FileExistsError:
                continue  # made meanwhile
            except OSError as exc:
                raise cannot(path, exc) from None
            self.above.append(str(path))

    def adopt(self, other: Staging) -> None:
        """Take over what another Staging (of the same root) staged: commit or abort it too."""
        self.renames.extend(other.renames)
        self.folders.extend(other.folders)
        self.extras.extend(other.extras)
        self.planned.extend(other.planned)
        self.created.extend(other.created)
        self.count += other.count
        other.renames, other.folders, other.extras, other.created = [], [], [], []
        other.count = 0
        other.close()

    def commit(self) -> list[str]:
        """Rename every staged file into place and remove extras, or nothing; the paths changed.

        If any step fails, or the process is interrupted, the steps done are undone in reverse
        (replaced and removed files come back from their second names) before the error goes on.
        """
        done: list[tuple[str, str, str | None]] = []  # (folder, name, its old content's name)
        moved: list[tuple[str, str]] = []  # (temporary, folder) of folders renamed into place
        changed: list[str] = []
        current = ""
        try:
            for temp, folder, files in sorted(self.folders, key=lambda staged: staged[1]):
                current = folder
                self._tree.rename("", temp, folder)
                moved.append((temp, folder))
                changed.extend(files)
            # In path order, whatever staged first; files in the root (a build's manifest of
            # what it wrote) last, after the extras are gone: a build killed on the way leaves
            # the previous manifest, which still names the extras for the next build to remove.
            renames = sorted(self.renames, key=lambda staged: staged[1])
            for temp, target in [staged for staged in renames if "/" in staged[1]]:
                current = target
                done.append(self._place(temp, target))
                changed.append(target)
            for target in self.extras:
                current = target
                folder, name = split(target)
                aside = self._temporary(name)
                self._tree.rename(folder, name, aside)
                done.append((folder, name, aside))
                changed.append(target)
            for temp, target in [staged for staged in renames if "/" not in staged[1]]:
                current = target
                done.append(self._place(temp, target))
                changed.append(target)
        except BaseException as exc:
            self._undo(done, moved)
            self.abort()
            if isinstance(exc, OSError):
                raise cannot(self._tree.path(current), exc) from None
            raise
        for folder, _, backup in done:
            if backup is not None:
                with contextlib.suppress(OSError):  # a leftover goes as an extra next time
                    self._tree.remove(join(folder, backup))
        self._remove_emptied(self.extras)
        self.renames, self.folders, self.extras = [], [], []
        self.close()
        return changed

    def _remove_emptied(self, removed: list[str]) -> None:
        """Remove the folders inside managed folders that the removed files leave empty, deepest
        first (`transcripts/561/gone/` once its last file went); the managed folders themselves
        stay, and so does a folder that holds anything else."""
        folders = {
            "/".join(parts[:end])
            for parts in (path.split("/") for path in removed)
            for end in range(2, len(parts))
        }
        for folder in sorted(folders, key=lambda f: f.count("/"), reverse=True):
            self._tree.remove_folder(folder)

    def _place(self, temp: str, target: str) -> tuple[str, str, str | None]:
        """Rename a staged file into place: (folder, name, the old content's second name)."""
        folder, name = split(target)
        backup = self._keep(folder, name)
        try:
            self._tree.rename(folder, split(temp)[1], name, self.replace)
        except BaseException:
            if backup is not None:
                self._tree.remove(join(folder, backup))
            raise
        return folder, name, backup

    def _keep(self, folder: str, name: str) -> str | None:
        """A second name for the file being replaced (None when there is none)."""
        backup = self._temporary(name)
        try:
            self._tree.keep(folder, name, backup)
        except FileNotFoundError:
            return None
        return backup

    def _undo(self, done: list[tuple[str, str, str | None]], moved: list[tuple[str, str]]) -> None:
        """Put back what `commit` changed, last change first; best effort."""
        for folder, name, backup in reversed(done):
            try:
                if backup is None:
                    self._tree.remove(join(folder, name))
                else:
                    self._tree.rename(folder, backup, name)
            except OSError:
                continue  # the others are still put back
        for temp, folder in reversed(moved):
            try:
                self._tree.rename("", folder, temp)
            except OSError:
                continue

    def abort(self) -> None:
        """Remove what was staged and the folders made for it; targets stay as they were."""
        for temp, _ in self.renames:
            self._tree.remove(temp)
        for temp, _, _ in self.folders:
            self._tree.remove(temp)
        for folder in sorted(self.created, key=len, reverse=True):  # a folder before its parent
            self._tree.remove_folder(folder)
        self.close()
        while self.above:
            try:
                Path(self.above[-1]).rmdir()
            except OSError:
                break  # not empty (the lock, or something else put there): kept for a retry
            self.above.pop()
        self.renames, self.folders, self.extras, self.created = [], [], [], []

    def close(self) -> None:
        """Release the folder descriptors (the staging can still commit or abort)."""
        self._tree.close()


def write_plan(root: Path, plan: Plan, managed: tuple[str, ...] = (),
               replace: bool = True) -> list[str]:
    """Write every changed file of the plan, remove extras from managed folders: all or nothing.

    Returns the relative paths that were written or removed. Files already up to date are not
    touched, so timestamps stay meaningful for tools that watch them. With `replace=False` no
    existing file is overwritten (the write fails and changes nothing).
    """
    staging = Staging(root, replace)
    try:
        staging.stage(plan, managed)
    except BaseException:
        staging.abort()
        raise
    return staging.commit()
