"""`specgen init`: a starter catalog and an MkDocs site that builds from it immediately."""

from __future__ import annotations

from pathlib import Path

from ..catalog.models import catalog_json_schema
from ..errors import Location, Problem, WriteError
from ..text.render import dump_json, render
from . import DEFAULT_OUT
from .write import write_plan

CATALOG_FILE = "specgen.yaml"
SCHEMA_FILE = "specgen.schema.json"
MKDOCS_FILE = "mkdocs.yml"
DOCS_KEEP = "docs/.gitkeep"
"""MkDocs needs docs_dir to exist; the pages themselves come from the plugin."""
TITLE = "My API status codes"
"""The starter catalog's title, which is also the site's name."""


def schema_text() -> str:
    """The catalog format's JSON Schema, as `specgen init` and `specgen import` write it beside
    the catalog whose first line points editors at it."""
    return dump_json(catalog_json_schema()) + "\n"


def init_plan() -> dict[str, str]:
    """The starter files by relative path: catalog, its JSON Schema, and mkdocs.yml."""
    # One title for both files, as a JSON string: YAML reads it back unchanged, whatever it is.
    title = dump_json(TITLE)
    return {
        CATALOG_FILE: render("docs/init/specgen.yaml.jinja", schema_file=SCHEMA_FILE,
                             title=title, out=DEFAULT_OUT),
        SCHEMA_FILE: schema_text(),
        MKDOCS_FILE: render("docs/init/mkdocs.yml.jinja", catalog_file=CATALOG_FILE,
                            title=title, out=DEFAULT_OUT),
    }


def init(directory: Path) -> list[Path]:
    """Write the starter files into `directory`, all or none; refuse if any already exists."""
    plan = init_plan()
    if not (directory / "docs").is_dir():
        plan[DOCS_KEEP] = ""
    existing = [directory / relative for relative in plan if (directory / relative).exists()]
    if existing:
        raise WriteError([
            Problem(Location(str(path)), "already exists; specgen init never overwrites files")
            for path in existing
        ])
    # All or none: a file that cannot be written takes back those written before it, and one
    # that appears meanwhile is not replaced (the write fails instead).
    write_plan(directory, plan, replace=False)
    return [directory / relative for relative in plan]
