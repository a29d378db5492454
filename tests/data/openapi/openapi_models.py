"""Pydantic models of error bodies, for the down-conversion tests (loaded by pydantic.yaml)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field


class FieldError(BaseModel):
    """One invalid field of a request."""

    field: str
    issue: Literal["missing", "invalid", "too-long"]
    limit: int | None = Field(default=None, gt=0, le=1000)


class Cause(BaseModel):
    """What led to the error; causes chain."""

    message: str
    cause: Cause | None = None


class TokenProblem(BaseModel):
    kind: Literal["token"]
    expired: bool


class ProviderProblem(BaseModel):
    kind: Literal["provider"]
    provider: str
    retry_after: float | None = Field(default=None, ge=0, lt=3600)


class Problem(BaseModel):
    """An RFC 9457 problem body with this API's extensions."""

    type: str = "about:blank"
    title: str = Field(examples=["Unauthorized"])
    status: Literal[561] = 561
    detail: str | None = None
    code: int | str
    errors: list[FieldError] = []
    first_error: FieldError | None = Field(default=None, description="The error to show first.")
    cause: Cause | None = None
    reason: Annotated[TokenProblem | ProviderProblem, Field(discriminator="kind")] | None = None
    window: tuple[int, int] | None = None
    level: Literal["warning", "error", None] = None
