"""Pydantic models that the catalogs beside this file name as `{model: "error_models:..."}`."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Problem(BaseModel):
    """An RFC 9457 problem details body."""

    type: str = "about:blank"
    title: str
    status: int = Field(ge=100, le=599)
    detail: str | None = None


NOT_A_MODEL = 42
