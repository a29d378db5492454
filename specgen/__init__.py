"""specgen: one catalog of HTTP status codes and error responses, rendered to OpenAPI,
transcripts and documentation."""

from importlib.metadata import PackageNotFoundError, version

from .errors import LoadError, MergeError, RenderError, SpecgenError
from .load import load_catalog
from .merge import merge
from .models import Catalog, Example, Header, MediaType, StatusCode

try:
    __version__ = version("specgen")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

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
]
