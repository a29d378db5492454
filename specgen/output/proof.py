"""check => build: what `specgen build` would refuse, found without rendering what cannot be
refused, so that `specgen check` stays fast on big catalogs and never accepts what build refuses.
"""

from __future__ import annotations

from ..catalog import check
from ..catalog.load import Loaded
from ..catalog.models import Catalog
from ..errors import Problem, locating
from ..openapi.fragment import refusals as schema_refusals


def checked(loaded: Loaded) -> list[Problem]:
    """`specgen check` of a loaded catalog: raise what `build` would refuse (located), and
    return the lint warnings (located), which `--strict` fails on."""
    with locating(loaded.locate):
        refusals(loaded.catalog)
    return loaded.problems(check.warnings(loaded.catalog))


def refusals(catalog: Catalog) -> None:
    """Raise what `build` would refuse: the schemas OpenAPI cannot express (either version)
    and prose links that lead nowhere. Transcripts refuse only bodies HTTP cannot frame, which
    `check` refuses first. tests/test_check_then_build.py holds this on hostile catalogs."""
    schema_refusals(catalog)
    if check.link_texts(catalog):  # else no prose has a link, and Markdown is never imported
        from ..docs.links import refusals as link_refusals

        link_refusals(catalog)
