"""`specgen build`: every output of a catalog, written as a whole or compared (--check)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .docs import docs_plan
from .models import Catalog
from .openapi import openapi_plan
from .transcripts import transcripts_plan
from .write import Plan, Staging, Stale, stale

Part = Callable[[Catalog], Mapping[str, bytes | str]]

# The folders under OUT that specgen owns (files there that the catalog no longer produces go),
# and what renders each. Transcripts come first: they are most of the files, so staging them
# overlaps the rendering of the rest.
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


def build(catalog: Catalog, out: Path) -> tuple[int, list[str]]:
    """Write the catalog's outputs under `out`: (files in the build, paths that changed).

    Each part is staged (written to temporary files, on a second thread) while the next one
    renders; only when every part has rendered and staged are the files renamed into place,
    so a render error or a full disk changes nothing.
    """
    staging = Staging(out)
    total = 0
    try:
        with ThreadPoolExecutor(max_workers=1) as writer:
            staged: list[Future[None]] = []
            for folder, render in PARTS:
                part = _part(catalog, folder, render)
                total += len(part)
                staged.append(writer.submit(staging.stage, part, (folder,)))
            for future in staged:
                future.result()
    except BaseException:
        staging.abort()
        raise
    return total, staging.commit()


def check_build(catalog: Catalog, out: Path) -> tuple[int, list[Stale]]:
    """(files in the build, outputs under `out` that differ from them); writes nothing."""
    plan = build_plan(catalog)
    return len(plan), stale(out, plan, MANAGED)
