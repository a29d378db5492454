"""One status code's page: what it means, when it is sent, what to do, headers, body, examples."""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog import registry
from ..catalog.models import Catalog, Example, MediaType, StatusCode
from ..catalog.schemas import resolve
from ..catalog.senders import Origin, origin
from ..http.transcripts import Transcript, readable, render_transcript
from ..openapi.fragment import response_snippet
from ..text.render import dump_json
from .links import (
    CODES_DIR,
    CUSTOM_STATUS,
    class_title,
    code_link,
    is_custom,
    rfc_link,
    slug_of,
)
from .markdown import code, fence, inline, literal, meta, meta_title, prose
from .schema import Field, SchemaReader

RFC_CLASSES = "https://www.rfc-editor.org/rfc/rfc9110#section-15"


@dataclass(frozen=True)
class Notice:
    """An admonition: its kind (warning, info, danger), title and Markdown body."""

    kind: str
    title: str
    body: str


@dataclass(frozen=True)
class HeaderRow:
    """A response header in the headers table."""

    name: str
    required: str
    description: str
    example: str


@dataclass(frozen=True)
class FieldRow:
    """A field in a schema table; every cell is safe Markdown."""

    name: str
    type: str
    required: str
    description: str


@dataclass(frozen=True)
class Body:
    """One media type of the error body: its schema as a table and as JSON Schema."""

    anchor: str
    media_type: str
    description: str
    intro: str
    fields: list[FieldRow]
    schema_title: str
    schema_json: str


@dataclass(frozen=True)
class ExampleView:
    """One example scenario with its transcripts, ready for content tabs."""

    anchor: str
    title: str
    scenario: str
    request: str
    curl: str
    response: str
    """The response transcript ('' when no client ever receives it)."""
    note: str = ""
    """Who sends this example's response, when the page's code says otherwise ('' if not)."""


@dataclass(frozen=True)
class CodePage:
    """Everything a code's page shows; every string is safe Markdown."""

    code: int
    title: str
    meta_title: str
    meta_description: str
    status: str
    summary: str
    glance: list[tuple[str, str]]
    notices: list[Notice]
    description: str
    causes: list[str]
    remedies: list[str]
    retry: str
    headers: list[HeaderRow]
    bodies: list[Body]
    examples: list[ExampleView]
    response_name: str
    openapi: str
    related: list[str]


def code_page(catalog: Catalog, number: int) -> CodePage:
    """The content of one code's page."""
    status = catalog.codes[number]
    reader = SchemaReader(resolve(catalog))
    bodies = _bodies(status, reader)
    flag = "deprecated" if status.deprecated else CUSTOM_STATUS if is_custom(number) else ""
    sender = origin(catalog, number)
    return CodePage(
        code=number,
        title=f"{number} {literal(status.reason)}",
        meta_title=meta_title(f"{number} {status.reason}"),
        meta_description=meta(status.summary),
        status=flag,
        summary=prose(status.summary),
        glance=_glance(catalog, number, bodies, sender),
        notices=_notices(catalog, number, sender),
        description=prose(status.description),
        causes=[prose(cause) for cause in status.causes],
        remedies=[prose(remedy) for remedy in status.remedies],
        retry=prose(status.retry),
        headers=[
            HeaderRow(
                name=code(name),
                required="yes" if header.required else "no",
                description=inline(header.description),
                example=code(header.example) if header.example else "",
            )
            for name, header in status.headers.items()
        ],
        bodies=bodies,
        examples=_examples(catalog, number),
        response_name=code(f"#/components/responses/{catalog.response_name(number)}"),
        openapi=fence(response_snippet(catalog, number), "yaml"),
        related=[code_link(catalog, other, CODES_DIR) for other in status.related],
    )


def sentence(phrase: str) -> str:
    """A sender's phrase at the start of a sentence: 'The AWS Application Load Balancer'."""
    return phrase[:1].upper() + phrase[1:]


def _glance(
    catalog: Catalog, number: int, bodies: list[Body], sender: Origin
) -> list[tuple[str, str]]:
    status = catalog.codes[number]
    entry = registry.facts(number).registered
    if entry:
        standard = f"yes, {rfc_link(entry.reference)}"
    elif sender.meaning is not None:
        standard = f"no, a code of {literal(sender.phrase)}"
    else:
        standard = f"no, a custom code of {literal(sender.phrase)}"
    rows = [
        ("Status line", code(f"HTTP/1.1 {number} {status.reason}")),
        ("Class", f"{class_title(number)}"),
        ("Standard", standard),
    ]
    if not sender.is_api:
        rows.append(("Sent by" if sender.reaches_client else "Logged by", literal(sender.label)))
    if not sender.reaches_client:
        rows.append(("Reaches the client", "no, it is only logged"))
    if status.equivalent is not None:
        rows.append(("Handle as", code_link(catalog, status.equivalent, CODES_DIR)))
    rows.append(("Cacheable", "yes, heuristically" if status.cacheable else "no"))
    if bodies:
        rows.append(("Body", ", ".join(f"[{b.media_type}](#{b.anchor})" for b in bodies)))
    return rows


def _sender_notices(number: int, sender: Origin) -> list[Notice]:
    """What a reader must know when a component in front of the API sends the code."""
    if sender.is_api:
        return []
    who = literal(sender.phrase)
    verb = "sends" if sender.reaches_client else "logs"
    body = f"{sentence(who)} in front of this API {verb} {number}, not the API itself"
    body += f": {inline(sender.meaning)}." if sender.meaning else "."
    notices = [Notice("info", f"Sent by {who}" if sender.reaches_client else f"Logged by {who}",
                      body)]
    if not sender.reaches_client:
        notices.append(Notice("note", "Never reaches a client", (
            f"{sentence(who)} only logs {number}: no client ever receives a response with this"
            f" code. Look for it in the logs of {who}; the examples show requests only."
        )))
    return notices


def _notices(catalog: Catalog, number: int, sender: Origin) -> list[Notice]:
    status = catalog.codes[number]
    facts = registry.facts(number)
    notices = []
    if status.deprecated:
        notices.append(Notice(
            "danger", "Deprecated", "This API is phasing this code out; do not rely on it."
        ))
    notices += _sender_notices(number, sender)
    # The sender's own use of the code is what the code means here, not another meaning.
    uses = "".join(
        f"\n- **{literal(use.vendor)}** sends {number} {literal(use.reason)}:"
        f" {inline(use.meaning)}."
        for use in facts.vendors
        if use.component is None or use.component != sender.component
    )
    if facts.registered is None:
        fallback = facts.fallback
        base = registry.facts(fallback).registered
        base_name = f" {literal(base.reason)}" if base else ""
        body = (
            f"{number} is not in the IANA HTTP Status Code Registry, so HTTP libraries, proxies"
            f" and monitoring tools do not know what it means. A client that does not recognise"
            f" it treats it as **{fallback}{base_name}**, the generic code of its class"
            f" ([RFC 9110, Section 15]({RFC_CLASSES}))."
        ) if sender.reaches_client else (
            f"{number} is not in the IANA HTTP Status Code Registry: log analysis and monitoring"
            " tools do not know what it means."
        )
        if status.equivalent is not None:
            body += (
                f"\n\n{'In this API' if sender.is_api else 'Here'}, {number} means what"
                f" {code_link(catalog, status.equivalent, CODES_DIR)} means: handle it the way you"
                f" handle {status.equivalent}."
            )
        if uses:
            body += f"\n\nOther software sends {number} too, with its own meaning:\n{uses}"
        notices.append(Notice("warning", "Not a standard code", body))
        return notices
    registered = facts.registered
    if registered.reason.lower() != status.reason.lower():
        notices.append(Notice(
            "warning",
            "Redefines a standard code",
            f"IANA registers {number} as **{literal(registered.reason)}**"
            f" ({rfc_link(registered.reference)}); this API uses it for"
            f" **{literal(status.reason)}**. Generic clients and tools assume the standard"
            " meaning.",
        ))
    if uses:
        notices.append(Notice("info", "Other meanings in the wild", (
            f"Besides its standard meaning, {number} is sent by:\n{uses}"
            "\n\nCheck which server produced a response before acting on it."
        )))
    return notices


def _bodies(status: StatusCode, reader: SchemaReader) -> list[Body]:
    bodies = []
    used: set[str] = set()
    for media_type, media in status.content.items():
        anchor = slug_of(f"body-{media_type}", used)
        bodies.append(_body(media_type, media, reader, anchor))
    return bodies


def _body(media_type: str, media: MediaType, reader: SchemaReader, anchor: str) -> Body:
    schema = media.schema_
    if schema is None:
        return Body(anchor, code(media_type), prose(media.description),
                    "Free-form: no schema is documented.", [], "", "")
    node = reader.named(schema) if isinstance(schema, str) else reader.inline(schema)
    rows = reader.fields(node)
    kind = reader.type_text(node)
    about = reader.deref(node).schema.get("description")
    about_text = f": {inline(str(about))}" if about else "."
    if isinstance(schema, str):
        intro = f"Schema **{literal(schema)}** ({kind}){about_text}"
    else:
        intro = f"{'An' if kind[0] in 'aeiou' else 'A'} {kind}{about_text}"
    shown = isinstance(schema, str) or bool(rows)
    return Body(
        anchor=anchor,
        media_type=code(media_type),
        description=prose(media.description),
        intro=intro,
        fields=[field_row(row) for row in rows],
        schema_title=f"JSON Schema of {literal(schema)}" if isinstance(schema, str)
        else "JSON Schema",
        schema_json=fence(dump_json(node.root), "json") if shown else "",
    )


def field_row(row: Field) -> FieldRow:
    notes = [inline(row.description)] if row.description else []
    if row.deprecated:
        notes.append("*Deprecated.*")
    notes += [
        f"{fact.label}: {', '.join(code(value) for value in fact.values)}." for fact in row.facts
    ]
    return FieldRow(
        name=code(row.name),
        type=row.type,
        required="yes" if row.required else "no",
        description="<br>".join(notes),
    )


def _examples(catalog: Catalog, number: int) -> list[ExampleView]:
    return [
        example_view(catalog, render_transcript(catalog, number, example), example)
        for example in catalog.codes[number].examples
    ]


def example_view(catalog: Catalog, transcript: Transcript, example: Example) -> ExampleView:
    """An example's scenario and transcripts, ready for the HTTP and curl tabs."""
    sender = origin(catalog, transcript.code, example)
    note = ""
    if example.sender is not None:
        note = f"Sent by {literal(sender.label)}."
    if transcript.response is None:
        note = (f"{note} " if note else "") + (
            f"No client receives a response: {literal(sender.phrase)} only logs"
            f" {transcript.code}."
        )
    return ExampleView(
        anchor=f"example-{example.id}",
        title=literal(example.title),
        scenario=prose(example.scenario),
        request=fence(readable(transcript.request), 'http title="Request"'),
        curl=fence(_command(transcript.curl), 'sh title="Request"'),
        response="" if transcript.response is None
        else fence(readable(transcript.response), 'http title="Response"'),
        note=note,
    )


def _command(script: str) -> str:
    """The curl command without the script's shebang and comment header."""
    lines = script.splitlines(keepends=True)
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "".join(lines)
