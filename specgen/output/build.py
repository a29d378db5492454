"""`specgen build`: every output of a catalog, written as a whole or compared (--check)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from ..catalog.models import Catalog
from ..docs.export import export_plan
from ..docs.plan import docs_plan
from ..errors import Location, Problem, WriteError
from ..http.transcripts import transcripts_plan
from ..openapi.fragment import openapi_plan
from .background import Background
from .lock import build_lock, remove_lock
from .tree import Tree
from .write import Plan, Staging, Stale, stale

Part = Callable[[Catalog], Mapping[str, bytes | str]]
Parts = tuple[tuple[str, Part], ...]


def _parts(changes: str | None = None) -> Parts:
    """The folders under OUT that specgen owns (files there that the catalog no longer produces
    go), and what renders each; `changes` is the Markdown of the Changes page, if any.
    The first, the OpenAPI fragments (a third of the CPU of a big build, in four files), is
    the background part of a build: the pages show the transcripts, so those render in the
    process that renders the pages, once (`catalog.memo`)."""

    def docs(catalog: Catalog) -> dict[str, str]:
        return {**docs_plan(catalog, changes), **export_plan(catalog)}  # and catalog.json

    return (("openapi", openapi_plan), ("transcripts", transcripts_plan), ("docs", docs))


MANAGED = tuple(folder for folder, _ in _parts())
MANIFEST = ".specgen-manifest.json"
"""The files of the managed folders the last build wrote, in OUT: only those go when the
catalog no longer makes them. OUT/docs/ is often the site's own docs folder, with the team's
pages beside specgen's, and a file specgen did not write is never specgen's to remove."""


def manifest(paths: Iterable[str]) -> str:
    """The manifest of a build that wrote these files of the managed folders."""
    return json.dumps(sorted(paths), indent=1) + "\n"


def _owned(out: Path) -> frozenset[str]:
    """The files the last build's manifest lists (none without a manifest: a folder specgen
    did not build, or one an older specgen built)."""
    if not out.is_dir():
        return frozenset()
    tree = Tree(out)
    try:
        raw = tree.read(MANIFEST)
    finally:
        tree.close()
    try:
        files = json.loads(raw or b"[]")
    except ValueError:
        files = None
    if not isinstance(files, list):  # not one specgen wrote: nothing is taken for specgen's
        return frozenset()
    return frozenset(f for f in files if isinstance(f, str))


def _part(catalog: Catalog, folder: str, render: Part) -> dict[str, bytes | str]:
    return {f"{folder}/{relative}": content for relative, content in render(catalog).items()}


def refuse_inputs_inside(out: Path, inputs: Iterable[str]) -> None:
    """Refuse inputs (existing files) inside the folders of `out` that a build rewrites."""
    problems = []
    folder = Path(os.path.realpath(out))
    for source in inputs:
        if not Path(source).is_file():
            continue
        inside = Path(os.path.realpath(source))
        if inside.is_relative_to(folder) and inside.relative_to(folder).parts[0] in MANAGED:
            managed = inside.relative_to(folder).parts[0]
            problems.append(Problem(Location(source), f"is inside {out / managed}, which"
                                    " specgen build rewrites; build into another folder"))
    if problems:
        raise WriteError(problems)


def build_plan(catalog: Catalog, changes: str | None = None) -> Plan:
    """Relative path → content for OUT/openapi/, OUT/transcripts/ and OUT/docs/."""
    plan: dict[str, bytes | str] = {}
    for folder, render in _parts(changes):
        plan.update(_part(catalog, folder, render))
    return plan


def _stage(catalog: Catalog, staging: Staging, parts: Parts) -> Staging:
    """Render the parts and stage their files."""
    for folder, render in parts:
        staging.stage(_part(catalog, folder, render), (folder,))
    return staging


def _stage_alone(catalog: Catalog, out: Path, parts: Parts,
                 owned: frozenset[str] | None) -> Staging:
    """`_stage` into a Staging of its own, which a failure takes back."""
    staging = Staging(out, owned=owned)
    try:
        return _stage(catalog, staging, parts)
    except BaseException:
        staging.abort()
        raise


def build(catalog: Catalog, out: Path, changes: str | None = None) -> tuple[int, list[str]]:
    """Write the catalog's outputs under `out`: (files in the build, paths that changed);
    `changes` is the Markdown of a Changes page to publish with the pages.

    Every file is first staged (written to a temporary beside its target); only when every
    part has rendered and staged are they renamed into place, so a render error or a full disk
    changes nothing; a rename that fails takes back those done before it. A lock in OUT keeps
    a second build from writing there at the same time. The fragments are rendered and
    staged by a forked child process (`background`) while this one does the transcripts and
    the pages that show them: rendering holds the GIL, so a thread could not overlap them.
    """
    staging = Staging(out)
    first = not out.exists()
    try:
        staging.make_root()  # before the fork, so that only this process removes it, and last
        with build_lock(out):
            try:
                staging.owned = _owned(out)
                changed = _commit(catalog, out, staging, _parts(changes))
            except BaseException:
                staging.abort()  # under the lock: no other build sees the half-removed work
                raise
    except BaseException:
        if first:  # a failed first build leaves nothing, not even its lock
            remove_lock(out)
        staging.abort()  # the folders made for OUT (and the lock's, on a first build)
        raise
    return staging.count, changed


def _commit(catalog: Catalog, out: Path, staging: Staging, parts: Parts) -> list[str]:
    """Stage every part (the fragments in a forked child) and commit them together."""
    background = Background(lambda: _stage_alone(catalog, out, parts[:1], staging.owned))
    try:
        _stage(catalog, staging, parts[1:])
        staging.adopt(background.result())
        staging.stage({MANIFEST: manifest(staging.planned)}, counted=False)
    except BaseException:
        staged = background.settle()  # the child finishes; what it staged is taken back too
        if staged is not None:
            staged.abort()
        raise
    return [path for path in staging.commit() if path != MANIFEST]


def check_build(
    catalog: Catalog, out: Path, changes: str | None = None
) -> tuple[int, list[Stale]]:
    """(files in the build, outputs under `out` that differ from them); writes nothing."""
    plan = build_plan(catalog, changes)
    return len(plan), stale(out, plan, MANAGED, _owned(out))
