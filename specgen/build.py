"""`specgen build`: every output of a catalog as one plan, written or compared as a whole."""

from __future__ import annotations

from pathlib import Path

from .docs import docs_plan
from .models import Catalog
from .openapi import openapi_plan
from .transcripts import transcripts_plan
from .write import Plan, Stale, stale, write_plan

MANAGED = ("openapi", "transcripts", "docs")
"""Folders under OUT that specgen owns: files there that the catalog no longer produces go."""


def build_plan(catalog: Catalog) -> Plan:
    """Relative path → content for OUT/openapi/, OUT/transcripts/ and OUT/docs/."""
    plan: dict[str, bytes | str] = {}
    for folder, part in (
        ("openapi", openapi_plan(catalog)),
        ("transcripts", transcripts_plan(catalog)),
        ("docs", docs_plan(catalog)),
    ):
        plan.update({f"{folder}/{relative}": content for relative, content in part.items()})
    return plan


def build(catalog: Catalog, out: Path) -> list[str]:
    """Write the catalog's outputs under `out`; returns the paths that changed."""
    return write_plan(out, build_plan(catalog), MANAGED)


def check_build(catalog: Catalog, out: Path) -> list[Stale]:
    """The outputs under `out` that differ from what the catalog produces (writes nothing)."""
    return stale(out, build_plan(catalog), MANAGED)
