"""`specgen build`: every output of a catalog, written as a whole or compared (--check)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from .background import Background
from .docs import docs_plan
from .models import Catalog
from .openapi import openapi_plan
from .transcripts import transcripts_plan
from .write import Plan, Staging, Stale, stale

Part = Callable[[Catalog], Mapping[str, bytes | str]]

# The folders under OUT that specgen owns (files there that the catalog no longer produces go),
# and what renders each. Transcripts, most of the files, are the background part of a build.
PARTS: tuple[tuple[str, Part], ...] = (
    ("transcripts", transcripts_plan),
    ("openapi", openapi_plan),
    ("docs", docs_plan),
)
MANAGED = tuple(folder for folder, _ in PARTS)


def _part(catalog: Catalog, folder: str, render: Part) -> dict[str, bytes | str]:
    return {f"{folder}/{relative}": content for relative, content in render(catalog).items()}


def build_plan(catalog: Catalog) -> Plan:
    """Relative path → content for OUT/openapi/, OUT/transcripts/ and OUT/docs/."""
    plan: dict[str, bytes | str] = {}
    for folder, render in PARTS:
        plan.update(_part(catalog, folder, render))
    return plan


def _stage(catalog: Catalog, out: Path, parts: tuple[tuple[str, Part], ...]) -> Staging:
    """Render the parts and stage their files; on failure, what was staged is taken back."""
    staging = Staging(out)
    try:
        for folder, render in parts:
            staging.stage(_part(catalog, folder, render), (folder,))
    except BaseException:
        staging.abort()
        raise
    return staging


def build(catalog: Catalog, out: Path) -> tuple[int, list[str]]:
    """Write the catalog's outputs under `out`: (files in the build, paths that changed).

    Every file is first staged (written to a temporary beside its target); only when every
    part has rendered and staged are they renamed into place, so a render error or a full disk
    changes nothing. The transcripts are rendered and staged by a forked child process
    (`background`) while this one does the fragments and pages: rendering holds the GIL, so
    a thread could not overlap it with the writing of the other part's thousands of files.
    """
    background = Background(lambda: _stage(catalog, out, PARTS[:1]))
    try:
        staging = _stage(catalog, out, PARTS[1:])
        try:
            staging.adopt(background.result())
        except BaseException:
            staging.abort()
            raise
    except BaseException:
        staged = background.settle()  # the child finishes; what it staged is taken back too
        if staged is not None:
            staged.abort()
        raise
    return staging.count, staging.commit()


def check_build(catalog: Catalog, out: Path) -> tuple[int, list[Stale]]:
    """(files in the build, outputs under `out` that differ from them); writes nothing."""
    plan = build_plan(catalog)
    return len(plan), stale(out, plan, MANAGED)
