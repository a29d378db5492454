"""What verify sends and expects: one exchange per selected example, made from its transcript."""

from __future__ import annotations

import os
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..catalog.models import Catalog, Example, Header, JsonSchema, MediaType
from ..catalog.syntax import field_value, token
from ..errors import SpecgenError
from ..http.transcripts import CRLF, render_transcript

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PROBLEM_MEDIA_TYPE = "application/problem+json"
# Fields the client computes for the base URL and the body it sends (Host is the base URL's,
# not the catalog's example host); the rest of the transcript's head is sent as written.
_COMPUTED = frozenset({"host", "content-length", "connection", "transfer-encoding"})
# Header fields whose values are credentials: never printed, whoever set them.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})


class VerifyError(SpecgenError):
    """verify cannot run: a bad option, base URL or selection, or an unreachable server."""


@dataclass(frozen=True)
class ProblemFields:
    """The RFC 9457 members a problem document must carry exactly: `type`, `title`, `status`."""

    type: str | None
    title: str | None
    status: int


@dataclass(frozen=True)
class Expected:
    """What the catalog documents for the response of one example."""

    status: int
    content_type: str | None
    """The media type the response must have (None when the example documents no body)."""
    media: MediaType | None
    """The code's representation of that media type, whose schema the body must satisfy."""
    headers: Mapping[str, Header]
    """The headers every response with the code carries (`required: true`)."""
    problem: ProblemFields | None = None
    has_body: bool = True
    extensions: JsonSchema | None = None
    """A problem type's schema of its extension members, which its bodies must satisfy too."""


@dataclass(frozen=True)
class Exchange:
    """One example to replay: the request as its transcript has it and the expected response."""

    code: int
    slug: str
    title: str
    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    expected: Expected
    problem: str | None = None
    """The catalog slug of the problem type the example belongs to (None for a code's own
    examples, whatever `type` their bodies carry)."""
    name: str = ""
    """`<code>/<slug>` or `<code>/<problem>/<slug>`, as the transcripts' file names have it."""

    @property
    def safe(self) -> bool:
        """Whether the method is GET, HEAD or OPTIONS, which verify sends without asking."""
        return self.method in SAFE_METHODS


@dataclass(frozen=True)
class Selection:
    """Which examples to verify: all, or those of a code, a problem type and/or a slug."""

    code: int | None = None
    problem: str | None = None
    example: str | None = None


@dataclass
class Plan:
    """The exchanges of a run and the secrets no output may show."""

    exchanges: list[Exchange]
    secrets: set[str] = field(default_factory=set)


def parse_message(raw: bytes) -> tuple[str, list[tuple[str, str]], bytes]:
    """Start line, header fields and body of a transcript's message bytes.

    Transcripts check every head line they render against RFC 9110's field syntax, so a split
    on the first colon reads them back exactly.
    """
    head, _, body = raw.partition((CRLF + CRLF).encode())
    start, *lines = head.decode("ascii").split(CRLF)
    fields = []
    for line in lines:
        name, _, value = line.partition(":")
        fields.append((name, value.strip(" \t")))
    return start, fields, body


def parse_request(raw: bytes) -> tuple[str, str, list[tuple[str, str]], bytes]:
    """Method, target, header fields and body of a transcript's request bytes."""
    start, fields, body = parse_message(raw)
    method, target, _version = start.split(" ")
    return method, target, fields, body


def _expected_problem(
    catalog: Catalog, code: int, content_type: str | None, body: Any, problem: str | None
) -> ProblemFields | None:
    """The problem members an example's response documents, when its body is a problem: the
    problem type's own `type` URI and `title` for its examples, else the body's members."""
    if content_type is None or content_type.split(";")[0].strip().lower() != PROBLEM_MEDIA_TYPE:
        return None
    if problem is not None:
        documented = catalog.codes[code].problems[problem]
        return ProblemFields(catalog.problem_uri(problem, documented), documented.title, code)
    if not isinstance(body, dict):
        return None
    member_type, title = body.get("type"), body.get("title")
    return ProblemFields(
        type=member_type if isinstance(member_type, str) else None,
        title=title if isinstance(title, str) else None,
        status=code,
    )


def _expected(
    catalog: Catalog, code: int, example: Example, response: bytes, problem: str | None
) -> Expected:
    """The documented response, its content type as the transcript's response has it."""
    status = catalog.codes[code]
    _start, fields, body = parse_message(response)
    content_type = next((v for n, v in fields if n.lower() == "content-type"), None)
    required = {name: header for name, header in status.headers.items() if header.required}
    return Expected(
        status=code,
        content_type=content_type,
        media=status.content.get(content_type) if content_type is not None else None,
        headers=required,
        problem=_expected_problem(catalog, code, content_type, example.response.body, problem),
        has_body=bool(body),
        extensions=(status.problems[problem].extensions or None) if problem is not None else None,
    )


def exchange(
    catalog: Catalog, code: int, example: Example, problem: str | None = None
) -> Exchange | None:
    """The exchange of one example of a code (or of its problem type `problem`): its
    transcript's request and the documented response (None: its sender only logs the code, so
    no client could ever receive the response)."""
    transcript = render_transcript(catalog, code, example, problem)
    if transcript.response is None:
        return None
    method, target, fields, body = parse_request(transcript.request)
    expected = _expected(catalog, code, example, transcript.response, problem)
    return Exchange(
        code=code,
        slug=transcript.slug,
        title=transcript.title,
        method=method,
        target=target,
        headers=tuple((n, v) for n, v in fields if n.lower() not in _COMPUTED),
        body=body,
        expected=expected,
        problem=problem,
        name=transcript.stem,
    )


def select(catalog: Catalog, selection: Selection) -> list[Exchange]:
    """The selected examples as exchanges; VerifyError names what exists when none match."""
    codes = sorted(catalog.codes)
    if selection.code is not None:
        if selection.code not in catalog.codes:
            known = ", ".join(str(c) for c in codes) or "none"
            raise VerifyError.at(
                "--code", f"code {selection.code} is not in the catalog (codes: {known})"
            )
        codes = [selection.code]
    if selection.problem is not None:
        # Problem types are named by their catalog slug, the key under `problems:`; a code's
        # own examples belong to no problem type, whatever `type` URI their bodies carry.
        slugs = sorted({slug for code in codes for slug in catalog.codes[code].problems})
        if selection.problem not in slugs:
            raise VerifyError.at(
                "--problem",
                f"no problem type {selection.problem!r}"
                f"{f' under code {selection.code}' if selection.code is not None else ''}"
                f" (problem types: {', '.join(slugs) or 'none'})",
            )
    made = (
        exchange(catalog, code, example, problem)
        for code in codes
        for problem, example in [
            *((None, example) for example in catalog.codes[code].examples),
            *((slug, example) for slug, documented in catalog.codes[code].problems.items()
              for example in documented.examples),
        ]
    )
    every = [
        item for item in made
        if item is not None and (selection.problem is None or item.problem == selection.problem)
    ]
    chosen = [item for item in every if selection.example in (None, item.slug)]
    if not chosen and selection.example is not None:
        names = ", ".join(sorted({item.slug for item in every})) or "none"
        raise VerifyError.at(
            "--example", f"no example matches {selection.example!r} (known: {names})"
        )
    return chosen


def parse_header(text: str, environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """A `--header 'Name: value'` option, `$VAR` and `${VAR}` expanded from the environment."""
    name, colon, raw = text.partition(":")
    name = name.strip()
    if not colon:
        raise VerifyError.at("--header", f"{text!r} is not 'Name: value'")
    try:
        value = string.Template(raw.strip()).substitute(os.environ if environ is None else environ)
    except KeyError as exc:
        raise VerifyError.at(
            "--header", f"header {name!r}: environment variable {exc.args[0]} is not set"
        ) from None
    except ValueError:
        raise VerifyError.at(
            "--header", f"header {name!r}: a '$' must start $NAME or ${{NAME}} ('$$' for '$')"
        ) from None
    return check_header(name, value)


def check_header(name: str, value: str) -> tuple[str, str]:
    """An extra request header, refused when it is malformed or would change the framing or
    the destination of requests (Host, Content-Length, Transfer-Encoding, Connection)."""
    try:
        token(name)
    except ValueError as exc:
        raise VerifyError.at("--header", f"header name {exc}") from None
    try:
        field_value(value)
    except ValueError:
        # The value may be a secret: say what is wrong with it, never what it is.
        raise VerifyError.at(
            "--header",
            f"header {name!r}: the value must be printable ASCII without CR, LF or leading or"
            " trailing whitespace",
        ) from None
    if name.lower() in _COMPUTED:
        raise VerifyError.at("--header", f"header {name!r} is set by verify; remove it")
    return name, value


def plan(catalog: Catalog, selection: Selection, extra: Iterable[tuple[str, str]]) -> Plan:
    """The exchanges of a run with the extra headers applied, and every secret value in them.

    An extra header replaces an example's header of the same name, as curl's -H does.
    """
    extra = [check_header(name, value) for name, value in extra]
    names = {name.lower() for name, _ in extra}
    secrets = {value for _, value in extra if value}
    exchanges = []
    for item in select(catalog, selection):
        headers = tuple((n, v) for n, v in item.headers if n.lower() not in names) + tuple(extra)
        secrets.update(v for n, v in headers if n.lower() in SECRET_HEADERS and v)
        exchanges.append(replace(item, headers=headers))
    return Plan(exchanges, secrets)

