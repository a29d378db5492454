"""The catalogs `specgen diff` compares: files, or `REV:PATH` read from git."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..catalog.source import CatalogSource, read_file
from ..errors import LoadError

if TYPE_CHECKING:  # loading imports pydantic and the models: `diff` reads files before that
    from ..catalog.load import Loaded

CATALOG_SUFFIXES = (".yaml", ".yml", ".json")
"""What ends a catalog file's name (never a Python attribute's)."""


def _git_blob(revision: str, path: str, folder: Path | None = None) -> bytes | None:
    """The file at `path` in `revision`, or None when `revision` is not a git revision of the
    repository holding `folder` (default: the current folder)."""
    import shutil  # only for REV:PATH
    import subprocess

    git = shutil.which("git")
    if git is None or not revision or revision.startswith("-"):
        return None
    known = subprocess.run(
        [git, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"],
        capture_output=True, check=False, cwd=folder,
    )
    if known.returncode != 0:
        return None
    # `git cat-file blob` takes its argument as an object name only: `git show` reads one that
    # names nothing as a pathspec (wildcards and all) and shows nothing, which read as an empty
    # file, and it shows a folder as its listing.
    shown = subprocess.run([git, "cat-file", "blob", f"{revision}:{path}"], capture_output=True,
                           check=False, cwd=folder)
    if shown.returncode != 0:
        message = shown.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = message[-1].removeprefix("fatal: ") if message else "git cat-file failed"
        if reason.endswith(": bad file"):
            reason = f"it is not a file in {revision} (a folder?)"
        elif "does not exist in" in reason and not path.startswith("./") and Path(path).exists():
            reason += (f"; PATH is read from the repository's top folder: {revision}:./{path}"
                       " reads it from the current one")
        raise LoadError.at(f"{revision}:{path}", f"cannot read from git: {reason}")
    return shown.stdout


def read_version(argument: str) -> tuple[bytes, Path] | None:
    """The bytes of a catalog file, or of `REV:PATH` (PATH as git reads it: from the
    repository's top folder, or from the current one when it starts with `./`), and the folder
    its model references import from; None for a Python module's catalog."""
    revision, colon, path = argument.partition(":")
    if colon and not path and revision and not Path(argument).exists():
        raise LoadError.at(argument, "no file after the revision: write REV:PATH, such as"
                                     f" {revision}:specgen.yaml")
    if colon and path and not Path(argument).exists():
        blob = _git_blob(revision, path)
        if blob is not None:
            return blob, Path.cwd()
        if Path(path).suffix.lower() in CATALOG_SUFFIXES:
            # A file name, not a Python attribute: a mistyped revision (`mian:specgen.yaml`).
            raise LoadError.at(argument, f"no such file, and {revision!r} is not a revision of"
                                         " a git repository holding the current folder")
    if CatalogSource(argument).is_python:
        return None
    return read_file(argument), Path(argument).resolve().parent


def load_version(argument: str) -> Loaded:
    """A catalog file, `REV:PATH` or Python module's catalog, loaded and checked."""
    from ..catalog.load import load, load_bytes

    read = read_version(argument)
    return load(argument) if read is None else load_bytes(argument, *read)


def load_revision(revision: str, catalog: Path) -> Loaded:
    """The catalog file `catalog` as it was in git revision `revision`."""
    from ..catalog.load import load_bytes

    name = f"{revision}:{catalog}"
    blob = _git_blob(revision, f"./{catalog.name}", catalog.resolve().parent)
    if blob is None:
        raise LoadError.at(name, f"{revision!r} is not a revision of a git repository holding"
                                 f" {catalog}")
    return load_bytes(name, blob)


def changes_since(loaded: Loaded, revision: str) -> str:
    """The Markdown of a Changes page: what changed for consumers in a catalog file since git
    revision `revision` (`build --since`, the plugin's `since`)."""
    from .compare import compare
    from .report import locate, markdown

    if loaded.source.embedded or loaded.source.is_python or loaded.document is None:
        raise LoadError.at(loaded.source.name, "a Changes page compares the catalog file with"
                                               " its past in git: give a catalog file")
    old = load_revision(revision, Path(loaded.source.name))
    changes = locate(compare(old.catalog, loaded.catalog), old.locate, loaded.locate)
    return markdown(changes, f"Changes since {revision}")
