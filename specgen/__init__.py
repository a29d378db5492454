"""specgen: one catalog of HTTP status codes and error responses, rendered to OpenAPI,
transcripts and documentation.

The functions here are the Python twins of the `specgen` commands (see `specgen.api`); the
models are those of the catalog format.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .api import (
        BuildResult,
        build,
        catalog_schema,
        check_catalog,
        diff_catalogs,
        explain,
        import_catalog,
        init,
        load_catalog,
        merge,
        merge_files,
        merge_overlay,
        merge_summary,
        openapi_text,
        render_openapi,
        render_transcripts,
        verify_api,
    )
    from .catalog.models import Catalog, Example, Header, MediaType, StatusCode
    from .errors import (
        ArgumentError,
        LoadError,
        MergeError,
        Problem,
        RenderError,
        SpecgenError,
        WriteError,
    )
    from .http.transcripts import Transcript
    from .verify.plan import VerifyError
    from .verify.report import VerifyReport

# The public API, imported on first use: `specgen --version` and `specgen merge` should not
# pay for pydantic models and the documentation renderer they do not need.
_EXPORTS = {
    **dict.fromkeys(
        ["BuildResult", "build", "catalog_schema", "check_catalog", "diff_catalogs", "explain",
         "import_catalog", "init",
         "load_catalog", "merge", "merge_files", "merge_overlay", "merge_summary",
         "openapi_text", "render_openapi",
         "render_transcripts", "verify_api"],
        "api",
    ),
    **dict.fromkeys(["Catalog", "Example", "Header", "MediaType", "StatusCode"], "catalog.models"),
    **dict.fromkeys(
        ["ArgumentError", "LoadError", "MergeError", "Problem", "RenderError", "SpecgenError",
         "WriteError"],
        "errors",
    ),
    "Transcript": "http.transcripts",
    "VerifyError": "verify.plan",
    "VerifyReport": "verify.report",
}

__all__ = [
    "ArgumentError",
    "BuildResult",
    "Catalog",
    "Example",
    "Header",
    "LoadError",
    "MediaType",
    "MergeError",
    "Problem",
    "RenderError",
    "SpecgenError",
    "StatusCode",
    "Transcript",
    "VerifyError",
    "VerifyReport",
    "WriteError",
    "__version__",
    "build",
    "catalog_schema",
    "check_catalog",
    "diff_catalogs",
    "explain",
    "import_catalog",
    "init",
    "load_catalog",
    "merge",
    "merge_files",
    "merge_overlay",
    "merge_summary",
    "openapi_text",
    "render_openapi",
    "render_transcripts",
    "verify_api",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'specgen' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
