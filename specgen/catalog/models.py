"""The catalog format: Pydantic models that are specgen's one in-memory truth."""

from __future__ import annotations

import ast
import inspect
import json
import re
import sys
from collections.abc import Iterator
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    Strict,
    WithJsonSchema,
    model_serializer,
    model_validator,
)

from . import syntax

FORMAT_VERSION = 1

# Headers whose values specgen computes itself, so examples cannot contradict them.
FRAMING_HEADERS = frozenset({"content-length", "transfer-encoding", "content-type", "connection"})
REQUEST_RESERVED = FRAMING_HEADERS | {"host"}
RESPONSE_RESERVED = FRAMING_HEADERS | {"date", "server"}

Token = Annotated[str, AfterValidator(syntax.token)]
HeaderName = Token
HeaderValue = Annotated[str, AfterValidator(syntax.field_value)]
# An example's header value may be written as an integer (`Retry-After: 30`); it is held as its
# text, so transcripts, OpenAPI examples and verify all read the one string.
ExampleHeaderValue = Annotated[
    str,
    BeforeValidator(syntax.integer_text),
    AfterValidator(syntax.field_value),
    WithJsonSchema({"type": ["string", "integer"]}),
]
ReasonPhrase = Annotated[str, AfterValidator(syntax.reason_phrase)]
RequestPath = Annotated[str, AfterValidator(syntax.request_path)]
HttpDate = Annotated[str, AfterValidator(syntax.http_date)]
StatusCodeNumber = Annotated[int, BeforeValidator(syntax.status_code)]
MediaTypeName = Annotated[str, AfterValidator(syntax.media_type)]
Slug = Annotated[str, AfterValidator(syntax.slug)]
ComponentName = Annotated[str, AfterValidator(syntax.component_name)]
Host = Annotated[str, AfterValidator(syntax.host)]
Text = Annotated[str, AfterValidator(syntax.not_blank)]
AbsoluteUri = Annotated[str, AfterValidator(syntax.absolute_uri)]
MonthOrDay = Annotated[str, AfterValidator(syntax.month_or_day)]
JsonSchema = dict[str, Any]
# Only true and false: Pydantic's lax mode would read "yes", "no", "true", 1 and 0 as booleans
# the published JSON Schema refuses, and the outputs would show a value the catalog never said.
Flag = Annotated[bool, Strict()]


class Model(BaseModel):
    """Base of every catalog model: unknown keys are errors, and aliases are accepted."""

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, serialize_by_alias=True, validate_default=True,
        # Validators are built on first use, once for the whole Catalog, instead of once per
        # model class at import: a third less start-up for every command.
        defer_build=True,
    )


def _headers_unique(headers: dict[str, Any], reserved: frozenset[str], where: str) -> None:
    seen: dict[str, str] = {}
    for name in headers:
        lower = name.lower()
        if lower in seen:
            raise syntax.InsideError(
                ("headers", name), f"header {name!r} is given twice (also as {seen[lower]!r})")
        if lower in reserved:
            raise syntax.InsideError(
                ("headers", name), f"header {name!r} is set by specgen in {where}; remove it")
        seen[lower] = name


def is_json_media_type(media_type: str) -> bool:
    """Whether a media type carries JSON (application/json, application/*+json)."""
    essence = media_type.split(";", 1)[0].strip().lower()
    return essence == "application/json" or essence.endswith("+json")


def is_problem_media_type(media_type: str) -> bool:
    """Whether a media type is a problem document (application/problem+json, RFC 9457 §3)."""
    return media_type.split(";", 1)[0].strip().lower().endswith("/problem+json")


def _one_body(body: Any, body_text: str | None) -> None:
    if body is not None and body_text is not None:
        raise ValueError("give body (a value) or body_text (the exact text), not both")


OAS_VERSIONS = ("3.0", "3.1")
"""The OpenAPI versions specgen writes fragments in."""


def _oas_version(value: Any) -> Any:
    # Checked before the Literal, for messages that say what to write instead.
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(f'write the version as a string, "{value}", not a number (in YAML,'
                         " in quotes)")
    if value not in OAS_VERSIONS:
        raise ValueError(f"OpenAPI version {json.dumps(value, default=str)} is not one specgen"
                         ' writes; give "3.0" or "3.1"')
    return value


def _oas_list(value: Any) -> Any:
    # One version given bare: say how to write it as a list.
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        spelled = json.dumps(str(value))
        quoted = "" if isinstance(value, str) else " (in YAML, in quotes)"
        raise ValueError(f"a list of versions: write [{spelled}]{quoted}")
    return value


def _oas_versions(value: list[str]) -> list[str]:
    if not value:
        raise ValueError('give at least one OpenAPI version: ["3.0"], ["3.1"] or both')
    for version in OAS_VERSIONS:
        if value.count(version) > 1:
            raise ValueError(f'OpenAPI version "{version}" is given twice')
    return value


def _example_name(value: str) -> str:
    return value and syntax.component_name(value, "example name")


def _examples_unique(examples: list[Example]) -> None:
    ids = [example.id for example in examples]
    if len(set(ids)) < len(ids):
        twice = sorted({slug for slug in ids if ids.count(slug) > 1})
        raise ValueError(f"two examples have the slug {twice[0]!r}; give one a distinct slug")


class Info(Model):
    """What the catalog documents: the title and version shown in outputs."""

    title: Text
    """The name of the catalog, e.g. the API's name; titles the index page and the OpenAPI info."""
    version: Text
    """The catalog's version, shown on the index page and in the OpenAPI info."""
    description: str = ""
    """Markdown introducing the catalog on the index page."""


class Server(Model):
    """The server the examples talk to; fixed values keep transcripts reproducible."""

    host: Host = "www.example.com"
    """The `Host` of example requests and the host of curl URLs (name or [IPv6], optional :port)."""
    scheme: Literal["https", "http"] = "https"
    """The scheme of curl URLs."""
    software: HeaderValue = "ExampleServer/1.0"
    """The `Server` header of example responses."""
    date: HttpDate = "Wed, 09 Oct 2024 23:14:51 GMT"
    """The `Date` header of example responses, fixed so that outputs are reproducible."""

    @property
    def base_url(self) -> str:
        """The URL prefix that example paths are appended to."""
        return f"{self.scheme}://{self.host}"


class ModelRef(Model):
    """A schema taken from a Pydantic model's model_json_schema()."""

    model: Annotated[
        str,
        AfterValidator(syntax.model_reference),
    ]


def _schema_def(value: Any) -> ModelRef | JsonSchema:
    # One validator instead of a Union, so a mistake gives one message, not one per member.
    if isinstance(value, ModelRef):
        return value
    if not isinstance(value, dict):
        raise ValueError("a schema is a JSON Schema mapping or {model: 'package.module:Model'}")
    if "model" in value and len(value) == 1:
        ref = value["model"]
        if not isinstance(ref, str):
            raise ValueError("model must be a string 'package.module:Model'")
        return ModelRef(model=syntax.model_reference(ref))
    return value


def _media_schema(value: Any) -> str | JsonSchema | None:
    if isinstance(value, dict) and list(value) == ["model"]:
        # Read inline, `model` would be an unknown keyword that only OpenAPI 3.0 refuses.
        raise ValueError("a Pydantic model's schema is a named entry of `schemas`"
                         " ({NAME: {model: 'package.module:Model'}}); give its NAME here")
    if value is None or isinstance(value, dict):
        return value
    if isinstance(value, str):
        return syntax.component_name(value, "schema name")
    raise ValueError("schema is the name of a catalog schema or an inline JSON Schema mapping")


SchemaDef = Annotated[
    Any,
    BeforeValidator(_schema_def),
    WithJsonSchema(
        {
            "description": "A JSON Schema (2020-12), or {model: 'package.module:Model'}"
            " naming a Pydantic model whose JSON Schema is used.",
            "type": "object",
        }
    ),
]
MediaSchema = Annotated[
    Any,
    BeforeValidator(_media_schema),
    WithJsonSchema(
        {
            "description": "The name of a schema under 'schemas', or an inline JSON Schema.",
            "type": ["string", "object", "null"],
        }
    ),
]


SHARED_HEADERS = "#/headers/"
"""The prefix of a code's `$ref` to a header of the catalog's `headers`."""
COMPONENT_PREFIX = "#/components/schemas/"
"""The prefix of a `$ref` to a schema of the catalog's `schemas` (as OpenAPI names them)."""


class Header(Model):
    """A response header the code documents, or a `$ref` to one of the catalog's `headers`."""

    ref: Annotated[str, AfterValidator(syntax.header_ref)] | None = Field(
        default=None, alias="$ref"
    )
    """`'#/headers/NAME'`: the header defined once under the catalog's `headers`, instead of the
    keys below."""
    description: str = ""
    """Markdown: what the header tells the client."""
    required: Flag = False
    """Whether every response with this code carries the header."""
    schema_: JsonSchema = Field(default_factory=lambda: {"type": "string"}, alias="schema")
    """The JSON Schema of the header's value."""
    example: ExampleHeaderValue | None = None
    """A typical value (text, or an integer standing for its digits), shown in the headers
    table; checked against `schema`."""

    @model_validator(mode="after")
    def _check(self) -> Header:
        if self.ref is not None and self.model_fields_set - {"ref"}:
            given = ", ".join(sorted(self.model_fields_set - {"ref"}))
            raise ValueError(f"a header with $ref takes no other keys (remove {given})")
        return self

    # Set on the copy that replaces a `$ref`: the name of the catalog header it came from, so
    # OpenAPI refers every code to the one shared component.
    _shared: str | None = PrivateAttr(default=None)

    @model_serializer(mode="wrap")
    def _dump(self, handler: SerializerFunctionWrapHandler) -> Any:
        # A copy of a shared header dumps as the `$ref` it replaced: data read back resolves
        # to the same shared header.
        if self._shared is not None:
            return {"$ref": SHARED_HEADERS + self._shared}
        return handler(self)

    @property
    def shared(self) -> str | None:
        """The catalog header this one is (a `$ref`'s target; None: it is defined here)."""
        if self.ref is not None:
            return self.ref.removeprefix(SHARED_HEADERS)
        return self._shared


class MediaType(Model):
    """One representation of the error body: a schema by name, inline, or none."""

    schema_: MediaSchema = Field(default=None, alias="schema")
    description: str = ""
    """Markdown: when this representation is sent."""


class Request(Model):
    """The request of an example exchange."""

    method: Token = "GET"
    """The request method."""
    path: RequestPath = "/"
    """The request target: an absolute path and optional query, percent-encoded."""
    headers: dict[HeaderName, ExampleHeaderValue] = Field(default_factory=dict)
    """Request headers (each value text, or an integer standing for its digits); `Host`,
    `Content-Type` and `Content-Length` are added by specgen."""
    content_type: MediaTypeName | None = None
    """The media type of the body (default: text/plain for a string, else application/json)."""
    body: Any = None
    """The request body: a string, or a JSON value for JSON media types."""
    body_text: str | None = None
    """The exact body text, sent byte for byte whatever the media type (e.g. malformed JSON);
    instead of `body`."""

    @model_validator(mode="after")
    def _check(self) -> Request:
        _headers_unique(self.headers, REQUEST_RESERVED, "requests (Host from server.host)")
        _one_body(self.body, self.body_text)
        if self.body_text is not None and self.content_type is None:
            self.content_type = "text/plain"
        if self.body is not None and self.content_type is None:
            self.content_type = "text/plain" if isinstance(self.body, str) else "application/json"
        if self.content_type is not None and not self.has_body:
            raise ValueError("content_type is given but there is no body")
        if (
            self.body is not None
            and not isinstance(self.body, str)
            and not is_json_media_type(self.content_type or "")
        ):
            raise ValueError(f"a {self.content_type} body must be a string")
        return self

    @property
    def has_body(self) -> bool:
        """Whether the request has a body (`body` or `body_text`)."""
        return self.body is not None or self.body_text is not None


class Response(Model):
    """The response of an example exchange."""

    content_type: MediaTypeName | None = None
    """One of the code's `content` media types (may be left out when there is only one)."""
    headers: dict[HeaderName, ExampleHeaderValue] = Field(default_factory=dict)
    """Response headers (each value text, or an integer standing for its digits); `Date`,
    `Server`, `Content-Type` and `Content-Length` come from specgen."""
    body: Any = None
    """The response body, checked against the media type's schema."""
    body_text: str | None = None
    """The exact body text, sent byte for byte whatever the media type, e.g. malformed JSON
    under `application/json`; instead of `body`, and not checked against the schema."""

    @model_validator(mode="after")
    def _check(self) -> Response:
        _headers_unique(self.headers, RESPONSE_RESERVED, "responses (Date and Server from server)")
        _one_body(self.body, self.body_text)
        return self

    @property
    def has_body(self) -> bool:
        """Whether the response has a body (`body` or `body_text`)."""
        return self.body is not None or self.body_text is not None


class Sender(Model):
    """Who sends a response when it is not the API itself: a component in front of it."""

    component: Slug | None = None
    """A component specgen's registry knows (`aws-alb`, `cloudflare`, `nginx`): its name, its
    `Server` header and what it means by each code come from there."""
    name: Text | None = None
    """The component's name as sentences use it, e.g. `the edge gateway` (default: the
    registry's name of `component`; required without one)."""
    server: HeaderValue | None = None
    """The `Server` header of its responses (default: the registry's; none without one)."""
    host: Host | None = None
    """The host the client talks to, in transcripts and curl URLs (default: `server.host`)."""
    reaches_client: Flag | None = None
    """False when the component only logs the code and no client ever receives it (default:
    what the registry says of the component's use of the code, else true)."""

    @model_validator(mode="after")
    def _check(self) -> Sender:
        if self.component is None and self.name is None:
            raise ValueError("a sender names a registry 'component' or gives its own 'name'")
        return self


class Example(Model):
    """One scenario: a request and the response it gets."""

    title: Text
    """The scenario's heading on the code's page."""
    slug: Slug | None = None
    """The name of the example in file names and anchors (default: made from the title)."""
    scenario: str = ""
    """Markdown: the situation in which the client gets this response."""
    request: Request = Field(default_factory=Request)
    """The request the client sends."""
    response: Response = Field(default_factory=Response)
    """The response it gets."""
    sender: Sender | None = None
    """Who sends this example's response (default: the code's `sender`, else the API)."""
    name: Annotated[str, AfterValidator(_example_name)] | None = None
    """A code's example only: its name under its media type's `examples` in OpenAPI (default:
    the slug, with the title as its `summary`); a name given has a `summary` only when the
    title differs from it. An empty name writes the body alone as the media type's single
    `example` (no title, no scenario): for the only example of its media type. `specgen
    import` sets it where the OpenAPI document says it that way."""

    @cached_property
    def id(self) -> str:
        """The slug used in file names and anchors (given, or made from the title)."""
        return self.slug or slugify(self.title)


class Deprecation(Model):
    """How a problem type is phased out."""

    since: MonthOrDay | None = None
    """When it was deprecated (YYYY-MM or YYYY-MM-DD)."""
    sunset: MonthOrDay | None = None
    """When the API stops sending it (YYYY-MM or YYYY-MM-DD)."""
    use_instead: Slug | None = None
    """The slug of the problem type that replaces it."""


class ProblemType(Model):
    """An application error under a status code: a problem type of RFC 9457."""

    title: Text
    """The problem's `title`, the same for every occurrence (RFC 9457 §3.1.3)."""
    type: AbsoluteUri | None = None
    """The type URI (default: `problem_base` followed by the slug); it should lead to this
    problem type's page."""
    detail: str = ""
    """The usual `detail` text of an occurrence: what the client can do to fix it."""
    extensions: JsonSchema = Field(default_factory=dict)
    """A JSON Schema of the extension members this type adds, e.g.
    `{type: object, properties: {realm: {type: string}}}`; names are a letter, then letters,
    digits or `_`, three characters at least (RFC 9457 §3.2)."""
    causes: list[Text] = Field(default_factory=list)
    """Markdown: the situations in which this problem occurs."""
    remedies: list[Text] = Field(default_factory=list)
    """Markdown: what the client should do about it."""
    retryable: Flag = False
    """Whether repeating the same request may succeed (for tools; `retry` explains)."""
    retry: str = ""
    """Markdown: whether and when to send the request again."""
    since: MonthOrDay | None = None
    """When the API started sending it (YYYY-MM or YYYY-MM-DD)."""
    deprecated: Deprecation | None = None
    """Set when the API is phasing this problem type out."""
    tags: list[Text] = Field(default_factory=list)
    """Free-form labels."""
    examples: list[Example] = Field(default_factory=list)
    """Scenarios whose responses are problem documents of this type; specgen fills in the
    `type`, `title` and `status` members a body leaves out."""

    @model_validator(mode="after")
    def _check(self) -> ProblemType:
        _examples_unique(self.examples)
        if any(example.name is not None for example in self.examples):
            raise ValueError("a problem type's examples are named from its slug; `name` is"
                             " for a code's examples")
        return self


class StatusCode(Model):
    """Everything specgen knows about one status code."""

    reason: ReasonPhrase
    """The reason phrase of the status line, e.g. `Unauthorized`."""
    summary: Text
    """One sentence (Markdown): what the code means, shown first on its page and in the index."""
    description: str = ""
    """Markdown: what the code means in this API, in full."""
    equivalent: StatusCodeNumber | None = None
    """The registered code a client should treat this one as (for custom codes)."""
    name: ComponentName | None = None
    """The OpenAPI response component name (default: from `response_names`)."""
    headers: dict[HeaderName, Header] = Field(default_factory=dict)
    """The response headers the code documents, by name."""
    content: dict[MediaTypeName, MediaType] = Field(default_factory=dict)
    """The response body, by media type."""
    causes: list[Text] = Field(default_factory=list)
    """Markdown: the situations in which the code is sent."""
    remedies: list[Text] = Field(default_factory=list)
    """Markdown: what the client should do about it."""
    retry: str = ""
    """Markdown: whether and when to send the request again."""
    cacheable: Flag = False
    """Whether the response is heuristically cacheable (RFC 9110 §15)."""
    examples: list[Example] = Field(default_factory=list)
    """Scenarios with a request and the response it gets."""
    related: list[StatusCodeNumber] = Field(default_factory=list)
    """Codes a reader of this one should know about."""
    attach: list[Text] = Field(default_factory=list)
    """Default merge rules: the operations this code's response is attached to (e.g. `secured`)."""
    deprecated: Flag = False
    """Whether the API is phasing the code out."""
    tags: list[Text] = Field(default_factory=list)
    """Free-form labels."""
    problems: dict[Slug, ProblemType] = Field(default_factory=dict)
    """The problem types (RFC 9457) sent with this code, by slug: stable, URL-safe and unique
    in the catalog."""
    sender: Sender | None = None
    """Who sends the code when it is not the API: a component in front of it, e.g.
    `{component: aws-alb}` (default: the API itself)."""

    @model_validator(mode="after")
    def _check(self) -> StatusCode:
        _headers_unique(self.headers, RESPONSE_RESERVED, "responses (Date and Server from server)")
        _examples_unique(self.examples)
        self._names_unique()
        return self

    def _names_unique(self) -> None:
        """OpenAPI's names of the examples: one per media type each, and a single `example`
        alone under its media type (where no problem type adds examples)."""
        names: dict[str | None, list[str]] = {}
        for example in self.examples:
            names.setdefault(self.example_media_type(example), []).append(
                example.id if example.name is None else example.name)
        if "" in names.get(None, []):
            raise ValueError("an example named '' is written as OpenAPI's single `example`, its"
                             " response body: give it one")
        for media_type, found in names.items():
            if "" in found and (len(found) > 1 or (
                    self.problems and media_type == self.problem_media_type)):
                raise ValueError(f"an example named '' is the single `example` of {media_type}"
                                 " in OpenAPI: it must be that media type's only example, and"
                                 " no problem type may add others")
            twice = sorted({name for name in found if found.count(name) > 1})
            if twice:
                raise ValueError(f"two examples of {media_type} are named {twice[0]!r} in"
                                 " OpenAPI; give one another name")
        if any(example.name == "" and example.scenario for example in self.examples):
            raise ValueError("an example named '' is written as OpenAPI's single `example`,"
                             " which has no scenario: remove one of them")

    def example_media_type(self, example: Example) -> str | None:
        """The media type an example's body is shown under (None: it has no body)."""
        if not example.response.has_body:
            return None
        if example.response.content_type is None and len(self.content) == 1:
            return next(iter(self.content))
        return example.response.content_type

    @property
    def problem_media_type(self) -> str | None:
        """The first problem+json media type of the code's content (None: it has none)."""
        return next((name for name in self.content if is_problem_media_type(name)), None)


class Catalog(Model):
    """A set of status codes with their error schemas: the root of specgen.yaml."""

    specgen: Annotated[Literal[1], BeforeValidator(syntax.format_version)] = Field(
        description="Format version of the catalog; this specgen reads version 1."
    )
    info: Info
    """What the catalog documents."""
    server: Server = Field(default_factory=Server)
    """The server of the examples: host, software and date of the transcripts."""
    response_names: Annotated[str, AfterValidator(syntax.name_pattern)] = Field(
        default="{Reason}{code}",
        description="Pattern for OpenAPI response component names: {Reason}, {reason}, {code}.",
    )
    problem_base: AbsoluteUri | None = None
    """The prefix of problem type URIs: a type's URI is this followed by its slug, unless it
    gives `type`. Set it to the URL of the site's `problems/` folder and every type URI is
    its page's URL."""
    docs_url: AbsoluteUri | None = None
    """The URL of the published site's root: OpenAPI descriptions link `code:NNN` to the
    code's page there (without it they show the link's text)."""
    oas: Annotated[
        list[Annotated[Literal["3.0", "3.1"], BeforeValidator(_oas_version)]],
        BeforeValidator(_oas_list),
        AfterValidator(_oas_versions),
    ] = ["3.0", "3.1"]
    """The OpenAPI versions the API publishes, `"3.0"` and/or `"3.1"`: `build` writes a
    fragment for each, `check` and `build` refuse only the schemas one of them cannot express,
    and `merge` refuses documents of another version. `["3.1"]` lets schemas use what only
    OpenAPI 3.1 says (`if`/`then`, `dependentSchemas`, tuples under `oneOf`, ...)."""
    headers: dict[HeaderName, Header] = Field(default_factory=dict)
    """Response headers defined once, which codes refer to by `$ref: '#/headers/NAME'`."""
    schemas: dict[ComponentName, SchemaDef] = Field(default_factory=dict)
    """Error-body schemas by name, referenced from the codes' `content`."""
    codes: Annotated[
        dict[StatusCodeNumber, StatusCode], BeforeValidator(syntax.codes_unique)
    ] = Field(default_factory=dict)
    """The status codes, keyed by their three-digit number."""

    @model_validator(mode="after")
    def _resolve_headers(self) -> Catalog:
        """Put each shared header in place of the `$ref`s to it, so every output sees one
        definition; a `$ref` to a missing header stays, and `check` reports it."""
        for status in self.codes.values():
            for name, header in status.headers.items():
                target = self.headers.get(header.shared or "")
                if target is not None:
                    resolved = target.model_copy()
                    resolved._shared = header.shared
                    status.headers[name] = resolved
        return self

    @model_validator(mode="after")
    def _fill_problem_examples(self) -> Catalog:
        """Complete the problem documents of problem-type examples, so no output disagrees.

        An example of a problem type answers with the code's problem+json media type unless it
        names another; a JSON object body gets the `type`, `title` and `status` it leaves out
        (the ones it gives are checked by `check`), and a missing body becomes the minimal
        document of the type.
        """
        for code, slug, problem in self.problem_types():
            media_type = self.codes[code].problem_media_type
            members: dict[str, Any] = {"type": self.problem_uri(slug, problem),
                                       "title": problem.title,
                                       "status": code}
            if members["type"] is None:
                del members["type"]  # `check` reports the missing URI
            for example in problem.examples:
                response = example.response
                if response.content_type is None:
                    response.content_type = media_type
                if (response.content_type is None or example.request.method == "HEAD"
                        or not is_json_media_type(response.content_type)):
                    continue  # `check` refuses these: a HEAD response has no body to fill
                if not response.has_body:
                    response.body = {**members, **({"detail": problem.detail} if problem.detail
                                                   else {})}
                elif isinstance(response.body, dict):
                    response.body = {**members, **response.body}
        return self

    def problem_types(self) -> Iterator[tuple[int, str, ProblemType]]:
        """Every problem type as (code, slug, problem): codes ascending, then catalog order."""
        for code in sorted(self.codes):
            for slug, problem in self.codes[code].problems.items():
                yield code, slug, problem

    def problem_uri(self, slug: str, problem: ProblemType) -> str | None:
        """A problem type's URI: its `type`, else `problem_base` + slug (None: neither)."""
        if problem.type is not None:
            return problem.type
        return None if self.problem_base is None else self.problem_base + slug

    def response_name(self, code: int) -> str:
        """The OpenAPI component name of a code's response."""
        status = self.codes[code]
        if status.name:
            return status.name
        words = re.split(r"[^A-Za-z0-9]+", status.reason)
        pascal = "".join(word[:1].upper() + word[1:] for word in words)
        plain = "_".join(word for word in words if word)
        values = {"Reason": pascal, "reason": plain, "code": str(code)}
        return syntax.fill_name(self.response_names, values)


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by '-', safe for file names and anchors."""
    slug = _NOT_SLUG.sub("-", text.lower()).strip("-")
    return slug or "example"


def catalog_json_schema() -> dict[str, Any]:
    """The JSON Schema of the catalog format, for editors (yaml-language-server) and docs."""
    schema = Catalog.model_json_schema(by_alias=True, mode="validation")
    schema["properties"]["codes"]["propertyNames"] = {"pattern": "^[1-5][0-9][0-9]$"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": "specgen catalog",
    }


def _describe_fields() -> None:
    """Give every field its docstring as its description: the catalog's JSON Schema carries
    it, editors show it on hover and the site's catalog reference is made from it.

    pydantic's `use_attribute_docstrings` does the same, but reads the source anew for each
    class, which cost a third of this module's import; this reads it once. The validators are
    built later (`defer_build`), so they see the descriptions.
    """
    models = {name: value for name, value in globals().items()
              if isinstance(value, type) and issubclass(value, Model)}
    for node in ast.parse(inspect.getsource(sys.modules[__name__])).body:
        if not isinstance(node, ast.ClassDef) or node.name not in models:
            continue
        fields = models[node.name].model_fields
        for statement, following in zip(node.body, node.body[1:], strict=False):
            if (isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
                    and isinstance(following, ast.Expr)
                    and isinstance(following.value, ast.Constant)
                    and isinstance(following.value.value, str)
                    and statement.target.id in fields):
                fields[statement.target.id].description = inspect.cleandoc(
                    following.value.value)


_describe_fields()
