"""Compare a received response with what the catalog documents, naming each deviation."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..catalog.models import Catalog, Header, MediaType, is_json_media_type
from ..catalog.schemas import BodyValidator, resolve
from ..errors import clipped
from .plan import Exchange, Expected, ProblemFields

EXCERPT = 200
"""How many characters of a received value a mismatch quotes."""
REDACTED = "[redacted]"


@dataclass(frozen=True)
class Received:
    """A response as it arrived: status, header fields in order, body bytes."""

    status: int
    headers: Sequence[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        """The first value of a header field (names compare case-insensitively)."""
        lower = name.lower()
        return next((value for key, value in self.headers if key.lower() == lower), None)


@dataclass(frozen=True)
class Mismatch:
    """One way a response differs from the catalog: what was checked, expected, received."""

    check: str
    expected: str
    received: str


def excerpt(text: str) -> str:
    """A received value short enough to quote, with control characters escaped."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return clipped(shown, EXCERPT)


class Redactor:
    """Replaces every secret value (credentials, --header values) wherever it appears."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so a secret that contains another is hidden whole.
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text


def compact(value: Any) -> str:
    """A JSON value on one line, for quoting in a mismatch."""
    return json.dumps(value, ensure_ascii=False)


def essence(media_type: str) -> str:
    """A media type without parameters, lowercased: `application/json; charset=utf-8` ->
    `application/json`."""
    return media_type.split(";", 1)[0].strip().lower()


def _scalar(text: str) -> Any:
    """A header value as OpenAPI's `simple` style reads a primitive: a number or boolean when
    it spells one, else the text itself."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, int | float | bool) else text


class Comparer:
    """Compares responses with a catalog's expectations; schemas compile once per run."""

    def __init__(self, catalog: Catalog, redact: Redactor) -> None:
        self.validator = BodyValidator(resolve(catalog))
        self.redact = redact
        self._header_media: dict[int, MediaType] = {}

    def quote(self, text: str) -> str:
        """A received value for a mismatch: secrets redacted before it is shortened, so no
        part of one survives the cut."""
        return excerpt(self.redact(text))

    def compare(self, expected: Expected, received: Received) -> list[Mismatch]:
        """Every deviation of `received` from `expected`; none when it conforms.

        A wrong status stops the comparison: the rest would describe another response.
        """
        if received.status != expected.status:
            got = str(received.status)
            location = received.header("Location")
            if location is not None:
                got += f" (Location: {self.quote(location)})"
            return [Mismatch("status", str(expected.status), got)]
        found = [
            mismatch for name, header in expected.headers.items()
            if (mismatch := self._header(name, header, received)) is not None
        ]
        if expected.content_type is None:
            return found
        content_type = received.header("Content-Type")
        if content_type is None or essence(content_type) != essence(expected.content_type):
            got = self.quote(content_type) if content_type is not None else "(none)"
            found.append(Mismatch("content type", expected.content_type, got))
            return found
        if expected.has_body:
            found += self._body(expected, received.body)
        return found

    def _header(self, name: str, header: Header, received: Received) -> Mismatch | None:
        value = received.header(name)
        wanted = f"a value valid against {compact(header.schema_)}"
        if value is None:
            return Mismatch(f"header {name}", wanted, "(missing)")
        media = self._header_media.get(id(header))
        if media is None:
            media = MediaType.model_validate({"schema": header.schema_})
            self._header_media[id(header)] = media
        errors = self.validator.errors(media, value)
        if errors and _scalar(value) != value:
            errors = self.validator.errors(media, _scalar(value))
        if errors:
            reason = self.quote(errors[0][1])
            return Mismatch(f"header {name}", wanted, f"{self.quote(value)}: {reason}")
        return None

    def _body(self, expected: Expected, raw: bytes) -> list[Mismatch]:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            return [Mismatch("body", "UTF-8 text", f"byte 0x{raw[exc.start]:02x} at {exc.start}")]
        body: Any = text
        assert expected.content_type is not None  # compare() checks bodies of typed responses
        if is_json_media_type(expected.content_type):
            try:
                body = json.loads(text)
            except ValueError as exc:
                return [Mismatch("body", "JSON", f"{self.quote(text)} ({exc})")]
        found = []
        if expected.media is not None:
            schema = expected.media.schema_
            named = schema if isinstance(schema, str) else "the schema"
            found += [
                Mismatch("body", f"valid against {named}", self.quote(message))
                for _, message in self.validator.errors(expected.media, body)
            ]
        if expected.extensions is not None:
            found += [
                Mismatch("body", "valid against the problem type's extensions", self.quote(message))
                for _, message in self.validator.value_errors(expected.extensions, body)
            ]
        if expected.problem is not None:
            found += problem_mismatches(expected.problem, body, self.quote)
        return found


def problem_mismatches(
    problem: ProblemFields, body: Any, quote: Callable[[str], str] = excerpt
) -> list[Mismatch]:
    """How a problem document's `type`, `title` and `status` differ from its problem type's."""
    if not isinstance(body, dict):
        return [Mismatch("problem", "a JSON object (RFC 9457)", quote(compact(body)))]
    wanted: list[tuple[str, Any]] = [("type", problem.type), ("title", problem.title)]
    wanted.append(("status", problem.status))
    found = []
    for member, value in wanted:
        if value is None:
            continue
        if member in body and body[member] == value and type(body[member]) is type(value):
            continue
        got = quote(compact(body[member])) if member in body else "(missing)"
        found.append(Mismatch(f"problem {member}", compact(value), got))
    return found


Outcome = Literal["passed", "failed", "skipped", "error"]


@dataclass(frozen=True)
class Result:
    """The verdict on one exchange: its outcome, the mismatches, and why it was skipped or
    could not complete (`message`)."""

    exchange: Exchange
    outcome: Outcome
    mismatches: tuple[Mismatch, ...] = ()
    message: str = ""
    seconds: float = 0.0
