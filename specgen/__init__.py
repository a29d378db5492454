"""specgen: one catalog of HTTP status codes and error responses, rendered to OpenAPI,
transcripts and documentation."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .errors import LoadError, MergeError, RenderError, SpecgenError
    from .load import load_catalog
    from .merge import merge
    from .models import Catalog, Example, Header, MediaType, StatusCode
    from .openapi import render_openapi

# The public API, imported on first use: `specgen --version` and `specgen merge` should not
# pay for pydantic models and the documentation renderer they do not need.
_EXPORTS = {
    "Catalog": "models",
    "Example": "models",
    "Header": "models",
    "MediaType": "models",
    "StatusCode": "models",
    "LoadError": "errors",
    "MergeError": "errors",
    "RenderError": "errors",
    "SpecgenError": "errors",
    "load_catalog": "load",
    "merge": "merge",
    "render_openapi": "openapi",
}

__all__ = [
    "Catalog",
    "Example",
    "Header",
    "LoadError",
    "MediaType",
    "MergeError",
    "RenderError",
    "SpecgenError",
    "StatusCode",
    "__version__",
    "load_catalog",
    "merge",
    "render_openapi",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'specgen' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
