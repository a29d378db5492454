"""Which OpenAPI version a document declares: merge and import take 3.0 and 3.1 alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

Oas = Literal["3.0", "3.1"]


def declared_version(fields: Mapping[str, Any]) -> Oas:
    """'3.0' or '3.1' from a document's top-level `openapi` (or `swagger`) field; ValueError
    with what it declares instead, and for Swagger 2 how to go on."""
    version = str(fields["openapi"]) if "openapi" in fields else ""
    if version.startswith("3.0"):
        return "3.0"
    if version.startswith("3.1"):
        return "3.1"
    key = "openapi" if "openapi" in fields else "swagger" if "swagger" in fields else ""
    what = f"{key}: {fields[key]}" if key else "openapi: missing"
    hint = "; convert it to OpenAPI 3 first" if key == "swagger" else ""
    raise ValueError(f"not an OpenAPI 3.0 or 3.1 document ({what}){hint}")
