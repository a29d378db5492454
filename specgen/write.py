"""Writing outputs: atomically, deterministically, and comparing with what is there (--check)."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import WriteError

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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError.at(str(path), f"cannot write: {exc.strerror or exc}") from None
    _replace(path, as_bytes(content))


def _replace(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        # 0o666 and the umask, as any new file; a replaced file keeps its own mode below.
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise WriteError.at(str(path), f"cannot write: {exc.strerror or exc}") from None
    try:
        # No fsync: the rename alone guarantees readers and killed processes see the old or the
        # whole new file; syncing each of thousands of outputs would multiply build time.
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            with contextlib.suppress(FileNotFoundError):  # a new file keeps the umask's mode
                os.fchmod(handle.fileno(), path.stat().st_mode & 0o7777)
        temp.replace(path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise WriteError.at(str(path), f"cannot write: {exc.strerror or exc}") from None


@dataclass(frozen=True)
class Stale:
    """An output that differs from what the catalog produces."""

    path: str
    reason: str  # "missing", "changed" or "extra"


def stale(root: Path, plan: Plan, managed: tuple[str, ...] = ()) -> list[Stale]:
    """Outputs under root missing or differing from the plan, and extras in managed folders."""
    found = []
    for relative, content in sorted(plan.items()):
        target = safe_target(root, relative)
        if not target.is_file():
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


def write_plan(root: Path, plan: Plan, managed: tuple[str, ...] = ()) -> list[str]:
    """Write every changed file of the plan atomically, remove extras from managed folders.

    Returns the relative paths that were written or removed. Files already up to date are not
    touched, so timestamps stay meaningful for tools that watch them.
    """
    for relative in plan:
        safe_target(root, relative)  # refuse the whole plan before writing anything
    changed = []
    folders: set[Path] = set()
    for item in stale(root, plan, managed):
        target = safe_target(root, item.path)
        if item.reason == "extra":
            target.unlink()
        elif target.parent in folders:  # one mkdir per folder, not per file
            _replace(target, as_bytes(plan[item.path]))
        else:
            atomic_write(target, plan[item.path])
            folders.add(target.parent)
        changed.append(item.path)
    return changed
