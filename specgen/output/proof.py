"""check => build: what `specgen build` would refuse, found without rendering what cannot be
refused, so that `specgen check` stays fast on big catalogs and never accepts what build refuses.
"""

from __future__ import annotations

from ..catalog.models import Catalog
from ..docs.links import refusals as link_refusals
from ..openapi.fragment import refusals as schema_refusals


def refusals(catalog: Catalog) -> None:
    """Raise what `build` would refuse: the schemas OpenAPI cannot express (either version)
    and prose links that lead nowhere. Transcripts refuse only bodies HTTP cannot frame, which
    `check` refuses first. tests/test_check_then_build.py holds this on hostile catalogs."""
    schema_refusals(catalog)
    link_refusals(catalog)
