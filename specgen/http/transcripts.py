"""Example transcripts: exact HTTP/1.1 request and response bytes, and the same request as curl.

Framing is computed here, never taken from the catalog or a template: `Host`, `Content-Type`,
`Content-Length` and `Connection` come from the catalog's server and the example's bodies, the
templates in `templates/http/` only lay out the head, and every rendered head is checked before
its lines are joined with CRLF.

Choices where HTTP allows more than one:

* a response to HEAD carries no body and no `Content-Length`: RFC 9110 §9.3.2 lets a server
  omit it, and an example (checked by `specgen check`) documents no body whose length it would be;
* 1xx, 204 and 304 responses carry no body and no `Content-Length` (RFC 9110 §8.6, RFC 9112 §6.3);
  205 carries `Content-Length: 0` (RFC 9110 §15.3.6);
* any other response states its length, `Content-Length: 0` when it has no body, so that a
  client never has to wait for the connection to close;
* a message with an `Upgrade` header gets `Connection: Upgrade` (RFC 9110 §7.8);
* the host and `Server` header are the sender's (catalog/senders.py): the API's `server`, or a
  component in front of it; a code the component only logs has no response at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..catalog.memo import derived
from ..catalog.models import Catalog, Example, Request, Response, StatusCode, is_json_media_type
from ..catalog.senders import Origin, origin
from ..errors import RenderError, json_pointer
from ..text.render import dump_json, render
from .curl import curl_script

REQUEST_TEMPLATE = "http/request.http.jinja"
RESPONSE_TEMPLATE = "http/response.http.jinja"
CRLF = "\r\n"
# Header fields whose values decide where a message ends: a template may not change them.
_FRAMING = ("host", "content-length", "transfer-encoding", "connection")
# RFC 9110 §5.1 field-name ":" OWS field-value OWS, values in visible ASCII (§5.5). The OWS
# is stripped in Python: a lazy value before `[ \t]*` made matching quadratic in inner spaces.
_FIELD_LINE = re.compile(r"([!#$%&'*+\-.^_`|~0-9A-Za-z]+):([\x20-\x7e\t]*)")


@dataclass(frozen=True)
class Transcript:
    """One example exchange: exact request and response bytes and the request as curl."""

    code: int
    slug: str
    title: str
    request: bytes
    response: bytes | None
    """None when no client ever receives the response (its sender only logs the code)."""
    curl: str
    problem: str | None = None
    """The slug of the problem type whose example this is (None: an example of the code)."""

    @property
    def stem(self) -> str:
        """The files' path without suffix: `<code>/<slug>`, `<code>/<problem>/<slug>`."""
        if self.problem is None:
            return f"{self.code}/{self.slug}"
        return f"{self.code}/{self.problem}/{self.slug}"


def forbids_content(code: int) -> bool:
    """Whether a response with this status never has content nor a length (1xx, 204, 304)."""
    return code < 200 or code in (204, 304)


def format_body(body: Any, media_type: str) -> str:
    """An example body as text: JSON pretty-printed one way everywhere, other text as written."""
    if is_json_media_type(media_type):
        return dump_json(body)
    return str(body)


def render_transcript(
    catalog: Catalog, code: int, example: Example, problem: str | None = None
) -> Transcript:
    """The transcript of one example of one code or of one of its problem types (rendered
    once per catalog object)."""
    return derived(
        catalog, ("transcript", code, id(example)),
        lambda: _render(catalog, code, example, problem),
    )


def _render(catalog: Catalog, code: int, example: Example, problem: str | None) -> Transcript:
    status = catalog.codes[code]
    sender = origin(catalog, code, example)
    request, curl_headers, body = _request(sender.host, example)
    url = f"{catalog.server.scheme}://{sender.host}{example.request.path}"
    response = _response(catalog, code, status, example, sender)
    return Transcript(
        code=code,
        slug=example.id,
        title=example.title,
        request=request,
        response=response if sender.reaches_client else None,
        curl=curl_script(
            code, status.reason, example.id, url, example.request.method,
            example.request.path, curl_headers, body,
        ),
        problem=problem,
    )


def iter_transcripts(catalog: Catalog) -> Iterator[Transcript]:
    """Every example's transcript: codes ascending, each code's examples in catalog order,
    then its problem types' examples."""
    for code in sorted(catalog.codes):
        yield from _code_transcripts(catalog, code)


def _code_transcripts(catalog: Catalog, code: int) -> Iterator[Transcript]:
    status = catalog.codes[code]
    for example in status.examples:
        yield render_transcript(catalog, code, example)
    for slug, problem in status.problems.items():
        for example in problem.examples:
            yield render_transcript(catalog, code, example, slug)


def transcripts_plan(catalog: Catalog) -> dict[str, bytes | str]:
    """The files of OUT/transcripts/: `<code>/<slug>.request.http`, `.response.http`, `.curl.sh`
    (`<code>/<problem>/<slug>.…` for the examples of problem types); no `.response.http` for
    a response that never reaches a client."""
    plan: dict[str, bytes | str] = {}
    for transcript in iter_transcripts(catalog):
        stem = transcript.stem
        plan[f"{stem}.request.http"] = transcript.request
        if transcript.response is not None:
            plan[f"{stem}.response.http"] = transcript.response
        plan[f"{stem}.curl.sh"] = transcript.curl
    return plan


def select_transcripts(
    catalog: Catalog, code: int | None = None, slug: str | None = None
) -> list[Transcript]:
    """The transcripts of one code and/or one example slug (or problem type slug); LookupError
    names what exists."""
    if code is not None and code not in catalog.codes:
        known = ", ".join(str(c) for c in sorted(catalog.codes)) or "none"
        raise LookupError(f"code {code} is not in the catalog (codes: {known})")
    codes = [code] if code is not None else sorted(catalog.codes)
    every = [transcript for number in codes for transcript in _code_transcripts(catalog, number)]
    chosen = [t for t in every if slug is None or slug in (t.slug, t.problem)]
    if slug is not None and not chosen:
        slugs = sorted({t.slug for t in every} | {t.problem for t in every if t.problem})
        where = f" of code {code}" if code is not None else ""
        raise LookupError(
            f"no example{where} has the slug {slug!r} (slugs: {', '.join(slugs) or 'none'})"
        )
    return chosen


# What a terminal would act on rather than show: C0 controls but tab and LF (a CR only when it
# does not end a line), DEL, C1 controls (0x9b starts an escape sequence on some terminals),
# the Unicode line separators and the bidirectional overrides that reorder what is shown.
_TERMINAL_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\r(?!\n)"
)


def for_terminal(text: str) -> str:
    """Text safe to print to a terminal: what it would act on is shown escaped (`\\x1b`)."""
    return _TERMINAL_UNSAFE.sub(
        lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text
    )


def transcripts_text(transcripts: Iterable[Transcript]) -> str:
    """Transcripts for reading, each file under a `==> path <==` heading as `head` prints them,
    with what a terminal would act on (escape sequences, lone CRs) shown escaped."""
    parts = []
    for transcript in transcripts:
        stem = transcript.stem
        parts.append(f"==> {stem}.request.http <==\n{readable(transcript.request)}")
        if transcript.response is not None:
            parts.append(f"==> {stem}.response.http <==\n{readable(transcript.response)}")
        parts.append(f"==> {stem}.curl.sh <==\n{transcript.curl}")
    return for_terminal("\n".join(parts))


def readable(raw: bytes) -> str:
    """A message for reading: head lines ended by LF, then a blank line and the body, if any."""
    head, _, body = raw.partition(b"\r\n\r\n")
    text = head.decode("ascii", errors="replace").replace(CRLF, "\n") + "\n"
    if body:
        content = body.decode("utf-8", errors="replace")
        text += "\n" + content + ("" if content.endswith("\n") else "\n")
    return text


def message_body(message: Request | Response, media_type: str | None) -> str | None:
    """A message's body text: its `body_text` as written, else its `body` formatted."""
    if message.body_text is not None:
        return message.body_text
    return None if message.body is None else format_body(message.body, media_type or "")


def _request(
    host: str, example: Example
) -> tuple[bytes, list[tuple[str, str]], str | None]:
    """The request bytes, the headers curl must send (all but Host, Content-Length), the body."""
    request = example.request
    body = message_body(request, request.content_type)
    headers = [("Host", host), *request.headers.items()]
    headers += _connection(request.headers)
    if body is not None and request.content_type is not None:
        headers.append(("Content-Type", request.content_type))
        headers.append(("Content-Length", str(len(body.encode("utf-8")))))
    start = f"{request.method} {request.path} HTTP/1.1"
    context = {"method": request.method, "target": request.path, "example": example}
    raw = _assemble(REQUEST_TEMPLATE, start, headers, body, context)
    curl_headers = [(n, v) for n, v in headers if n.lower() not in ("host", "content-length")]
    return raw, curl_headers, body


def _response(
    catalog: Catalog, code: int, status: StatusCode, example: Example, sender: Origin
) -> bytes:
    response = example.response
    media_type = response.content_type
    if media_type is None and response.has_body and len(status.content) == 1:
        media_type = next(iter(status.content))
    body = message_body(response, media_type)
    head = example.request.method == "HEAD"
    if body is not None and (forbids_content(code) or code == 205 or head):
        # `check` refuses these; a Catalog built in Python may not have been checked.
        index = next((i for i, other in enumerate(status.examples) if other == example), example.id)
        pointer = json_pointer(("codes", code, "examples", index, "response", "body"))
        what = "a response to HEAD" if head else f"a {code} response"
        raise RenderError.at(
            "catalog", f"{what} has no content; remove the example's body", pointer=pointer
        )
    headers = [("Date", catalog.server.date)]
    if sender.server is not None:
        headers.append(("Server", sender.server))
    headers += [*response.headers.items(), *_connection(response.headers)]
    if not forbids_content(code):
        if media_type is not None:
            headers.append(("Content-Type", media_type))
        if not head:
            headers.append(("Content-Length", str(len((body or "").encode("utf-8")))))
    context = {"code": code, "reason": status.reason, "example": example}
    return _assemble(RESPONSE_TEMPLATE, f"HTTP/1.1 {code} {status.reason}", headers, body, context)


def _connection(headers: dict[str, str]) -> list[tuple[str, str]]:
    has_upgrade = any(name.lower() == "upgrade" for name in headers)
    return [("Connection", "Upgrade")] if has_upgrade else []


def _assemble(
    template: str,
    start: str,
    headers: list[tuple[str, str]],
    body: str | None,
    context: dict[str, Any],
) -> bytes:
    """Render a head, check that it frames the message as computed, join with CRLF, add the body."""
    lines = render(template, headers=headers, **context).split("\n")
    while lines and not lines[-1]:
        lines.pop()
    where = f"templates/{template}"
    if not lines or lines[0] != start:
        raise RenderError.at(where, f"the first line must be {start!r}")
    fields = []
    for number, line in enumerate(lines[1:], start=2):
        match = _FIELD_LINE.fullmatch(line)
        if match is None:
            raise RenderError.at(where, f"output line {number} is not a header field: {line!r}")
        fields.append((match[1], match[2].strip(" \t")))
    rendered = [(n.lower(), v) for n, v in fields if n.lower() in _FRAMING]
    expected = [(n.lower(), v) for n, v in headers if n.lower() in _FRAMING]
    if rendered != expected:
        raise RenderError.at(
            where, f"framing headers must be {expected}, the template gave {rendered}"
        )
    head = CRLF.join(lines) + CRLF + CRLF
    return head.encode("ascii") + (body or "").encode("utf-8")
