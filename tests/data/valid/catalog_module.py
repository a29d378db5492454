"""A Python module holding a Catalog, for `specgen check catalog_module:CATALOG`."""

from __future__ import annotations

from specgen.catalog.models import Catalog

CATALOG = Catalog.model_validate(
    {
        "specgen": 1,
        "info": {"title": "From Python", "version": "1"},
        "codes": {561: {"reason": "Unauthorized", "summary": "No credentials.", "equivalent": 401}},
    }
)
AS_DATA = {"specgen": 1, "info": {"title": "Data", "version": "1"}, "codes": {}}
BROKEN = {"specgen": 1, "info": {"title": "Broken"}, "codes": {"5xx": {}}}
