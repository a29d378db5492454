"""The catalogs `specgen diff` compares: files, or `REV:PATH` read from git."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ..catalog.load import Loaded, load, load_bytes
from ..errors import LoadError


def _git_blob(revision: str, path: str) -> bytes | None:
    """The file at `path` in `revision`, or None when `revision` is not a git revision here."""
    git = shutil.which("git")
    if git is None or not revision or revision.startswith("-"):
        return None
    known = subprocess.run(
        [git, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"],
        capture_output=True, check=False,
    )
    if known.returncode != 0:
        return None
    shown = subprocess.run([git, "show", f"{revision}:{path}"], capture_output=True, check=False)
    if shown.returncode != 0:
        message = shown.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = message[-1].removeprefix("fatal: ") if message else "git show failed"
        raise LoadError.at(f"{revision}:{path}", f"cannot read from git: {reason}")
    return shown.stdout


def load_version(argument: str) -> Loaded:
    """A catalog file, or `REV:PATH` (PATH as git reads it: from the repository's top folder,
    or from the current one when it starts with `./`)."""
    revision, colon, path = argument.partition(":")
    if colon and path and not Path(argument).exists():
        blob = _git_blob(revision, path)
        if blob is not None:
            return load_bytes(argument, blob)
    return load(argument)
