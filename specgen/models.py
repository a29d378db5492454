"""The catalog format: Pydantic models that are specgen's one in-memory truth."""

from __future__ import annotations

import re
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

FORMAT_VERSION = 1

# RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_"
#                          / "`" / "|" / "~" / DIGIT / ALPHA
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# Visible ASCII with inner spaces or tabs; no CR, LF, NUL or other controls (RFC 9110 §5.5).
_FIELD_VALUE = re.compile(r"(?:[\x21-\x7e](?:[\x20-\x7e\t]*[\x21-\x7e])?)?")
# RFC 9112 §3.2.1 origin-form: an absolute path and optional query, visible ASCII only.
_ORIGIN_FORM = re.compile(r"/[\x21-\x7e]*")
_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")
_IMF_FIXDATE = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r" [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT"
)
_MEDIA_TYPE = re.compile(
    r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+/[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
    r"(?:; ?[!#$%&'*+\-.^_`|~0-9A-Za-z]+=(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+|\"[\x20-\x7e]*\"))*"
)
_MODEL_REF = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_][\w.]*")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# OpenAPI 3.x: component names match ^[a-zA-Z0-9.\-_]+$
_COMPONENT_NAME = re.compile(r"[A-Za-z0-9._-]+")
# Headers whose values specgen computes itself, so examples cannot contradict them.
FRAMING_HEADERS = frozenset({"content-length", "transfer-encoding", "content-type", "connection"})
REQUEST_RESERVED = FRAMING_HEADERS | {"host"}
RESPONSE_RESERVED = FRAMING_HEADERS | {"date", "server"}


def _full(pattern: re.Pattern[str], value: str, what: str) -> str:
    if not pattern.fullmatch(value):
        raise ValueError(f"{what} {value!r} is not allowed")
    return value


def _token(value: str) -> str:
    if not _TOKEN.fullmatch(value):
        raise ValueError(f"{value!r} is not an HTTP token (letters, digits and !#$%&'*+-.^_`|~ only)")
    return value


def _field_value(value: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError(f"{value!r} contains CR or LF, which would end the header early")
    if not _FIELD_VALUE.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a valid header value (printable ASCII without leading or"
            " trailing whitespace; encode other characters, e.g. RFC 8187)"
        )
    return value


def _reason(value: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError(f"reason phrase {value!r} contains CR or LF, which would break the status line")
    if not value or not _FIELD_VALUE.fullmatch(value):
        raise ValueError(
            f"reason phrase {value!r} must be printable ASCII words separated by spaces"
        )
    return value


def _path(value: str) -> str:
    if any(ch in value for ch in " \t\r\n"):
        raise ValueError(f"request path {value!r} contains whitespace; percent-encode it (%20)")
    if not _ORIGIN_FORM.fullmatch(value):
        raise ValueError(
            f"request path {value!r} must start with '/' and use visible ASCII only"
            " (percent-encode anything else)"
        )
    return value


def _http_date(value: str) -> str:
    if not _IMF_FIXDATE.fullmatch(value):
        raise ValueError(
            f"{value!r} is not an HTTP date like 'Wed, 09 Oct 2024 23:14:51 GMT' (RFC 9110 §5.6.7)"
        )
    try:
        parsed = parsedate_to_datetime(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a real date: {exc}") from None
    if parsed.astimezone(UTC).strftime("%a") != value[:3]:
        raise ValueError(f"{value!r}: the weekday does not match the date")
    return value


def _status_code(value: Any) -> int:
    # bool is an int subclass; YAML 'yes' must not become code 1.
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"status code {value!r} must be a three-digit integer")
    if isinstance(value, str):
        if not re.fullmatch(r"[0-9]{3}", value):
            raise ValueError(f"status code {value!r} must be a three-digit integer")
        value = int(value)
    if not 100 <= value <= 599:
        raise ValueError(f"status code {value} is outside 100-599 (RFC 9110 §15)")
    return value


def _name_pattern(value: str) -> str:
    try:
        sample = value.format(Reason="Unauthorized", reason="Unauthorized", code=561)
    except (KeyError, IndexError, ValueError):
        raise ValueError(
            f"{value!r} may use only {{Reason}}, {{reason}} and {{code}} as placeholders"
        ) from None
    if "{code}" not in value:
        raise ValueError(f"{value!r} must contain {{code}} so that names are unique")
    return _full(_COMPONENT_NAME, sample, "response name")


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


Token = Annotated[str, AfterValidator(_token)]
HeaderName = Token
HeaderValue = Annotated[str, AfterValidator(_field_value)]
ReasonPhrase = Annotated[str, AfterValidator(_reason)]
RequestPath = Annotated[str, AfterValidator(_path)]
HttpDate = Annotated[str, AfterValidator(_http_date)]
StatusCodeNumber = Annotated[int, BeforeValidator(_status_code)]
MediaTypeName = Annotated[str, AfterValidator(lambda v: _full(_MEDIA_TYPE, v, "media type"))]
Slug = Annotated[str, AfterValidator(lambda v: _full(_SLUG, v, "slug (lowercase words and '-')"))]
ComponentName = Annotated[
    str, AfterValidator(lambda v: _full(_COMPONENT_NAME, v, "name (letters, digits, '.', '-', '_')"))
]
Host = Annotated[str, AfterValidator(lambda v: _full(_HOST, v, "host (name or [IPv6], optional :port)"))]
Text = Annotated[str, AfterValidator(_not_blank)]
JsonSchema = dict[str, Any]


class Model(BaseModel):
    """Base of every catalog model: unknown keys are errors, and aliases are accepted."""

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, serialize_by_alias=True, validate_default=True
    )


def _headers_unique(headers: dict[str, Any], reserved: frozenset[str], where: str) -> None:
    seen: dict[str, str] = {}
    for name in headers:
        lower = name.lower()
        if lower in seen:
            raise ValueError(f"header {name!r} is given twice (also as {seen[lower]!r})")
        if lower in reserved:
            raise ValueError(f"header {name!r} is set by specgen in {where}; remove it")
        seen[lower] = name


def is_json_media_type(media_type: str) -> bool:
    """Whether a media type carries JSON (application/json, application/*+json)."""
    essence = media_type.split(";", 1)[0].strip().lower()
    return essence == "application/json" or essence.endswith("+json")


class Info(Model):
    """What the catalog documents: the title and version shown in outputs."""

    title: Text
    version: Text
    description: str = ""


class Server(Model):
    """The server the examples talk to; fixed values keep transcripts reproducible."""

    host: Host = "www.example.com"
    scheme: Literal["https", "http"] = "https"
    software: HeaderValue = "ExampleServer/1.0"
    date: HttpDate = "Wed, 09 Oct 2024 23:14:51 GMT"

    @property
    def base_url(self) -> str:
        """The URL prefix that example paths are appended to."""
        return f"{self.scheme}://{self.host}"


class ModelRef(Model):
    """A schema taken from a Pydantic model's model_json_schema()."""

    model: Annotated[
        str, AfterValidator(lambda v: _full(_MODEL_REF, v, "model reference (package.module:Model)"))
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
        return ModelRef(model=_full(_MODEL_REF, ref, "model reference (package.module:Model)"))
    return value


def _media_schema(value: Any) -> str | JsonSchema | None:
    if value is None or isinstance(value, dict):
        return value
    if isinstance(value, str):
        return _full(_COMPONENT_NAME, value, "schema name")
    raise ValueError("schema is the name of a catalog schema or an inline JSON Schema mapping")


SchemaDef = Annotated[
    Any,
    BeforeValidator(_schema_def),
    WithJsonSchema({
        "description": "A JSON Schema (2020-12), or {model: 'package.module:Model'}"
        " naming a Pydantic model whose JSON Schema is used.",
        "type": "object",
    }),
]
MediaSchema = Annotated[
    Any,
    BeforeValidator(_media_schema),
    WithJsonSchema({
        "description": "The name of a schema under 'schemas', or an inline JSON Schema.",
        "type": ["string", "object", "null"],
    }),
]


class Header(Model):
    """A response header the code documents."""

    description: str = ""
    required: bool = False
    schema_: JsonSchema = Field(default_factory=lambda: {"type": "string"}, alias="schema")
    example: HeaderValue | None = None


class MediaType(Model):
    """One representation of the error body: a schema by name, inline, or none."""

    schema_: MediaSchema = Field(default=None, alias="schema")
    description: str = ""


class Request(Model):
    """The request of an example exchange."""

    method: Token = "GET"
    path: RequestPath = "/"
    headers: dict[HeaderName, HeaderValue] = Field(default_factory=dict)
    content_type: MediaTypeName | None = None
    body: Any = None

    @model_validator(mode="after")
    def _check(self) -> Request:
        _headers_unique(self.headers, REQUEST_RESERVED, "requests (Host from server.host)")
        if self.body is not None and self.content_type is None:
            self.content_type = "text/plain" if isinstance(self.body, str) else "application/json"
        if self.content_type is not None and self.body is None:
            raise ValueError("content_type is given but there is no body")
        if self.body is not None and not isinstance(self.body, str) and not is_json_media_type(
            self.content_type or ""
        ):
            raise ValueError(f"a {self.content_type} body must be a string")
        return self


class Response(Model):
    """The response of an example exchange."""

    content_type: MediaTypeName | None = None
    headers: dict[HeaderName, HeaderValue] = Field(default_factory=dict)
    body: Any = None

    @model_validator(mode="after")
    def _check(self) -> Response:
        _headers_unique(self.headers, RESPONSE_RESERVED, "responses (Date and Server from server)")
        return self


class Example(Model):
    """One scenario: a request and the response it gets."""

    title: Text
    slug: Slug | None = None
    scenario: str = ""
    request: Request = Field(default_factory=Request)
    response: Response = Field(default_factory=Response)

    @property
    def id(self) -> str:
        """The slug used in file names and anchors (given, or made from the title)."""
        return self.slug or slugify(self.title)


class StatusCode(Model):
    """Everything specgen knows about one status code."""

    reason: ReasonPhrase
    summary: Text
    description: str = ""
    equivalent: StatusCodeNumber | None = None
    name: ComponentName | None = None
    headers: dict[HeaderName, Header] = Field(default_factory=dict)
    content: dict[MediaTypeName, MediaType] = Field(default_factory=dict)
    causes: list[Text] = Field(default_factory=list)
    remedies: list[Text] = Field(default_factory=list)
    retry: str = ""
    cacheable: bool = False
    examples: list[Example] = Field(default_factory=list)
    related: list[StatusCodeNumber] = Field(default_factory=list)
    attach: list[Text] = Field(default_factory=list)
    deprecated: bool = False
    tags: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> StatusCode:
        _headers_unique(self.headers, RESPONSE_RESERVED, "responses (Date and Server from server)")
        ids = [example.id for example in self.examples]
        twice = sorted({slug for slug in ids if ids.count(slug) > 1})
        if twice:
            raise ValueError(f"two examples have the slug {twice[0]!r}; give one a distinct slug")
        return self


class Catalog(Model):
    """A set of status codes with their error schemas: the root of specgen.yaml."""

    specgen: Literal[1] = Field(
        description="Format version of the catalog; this specgen reads version 1."
    )
    info: Info
    server: Server = Field(default_factory=Server)
    response_names: Annotated[str, AfterValidator(_name_pattern)] = Field(
        default="{Reason}{code}",
        description="Pattern for OpenAPI response component names: {Reason}, {reason}, {code}.",
    )
    schemas: dict[ComponentName, SchemaDef] = Field(default_factory=dict)
    codes: dict[StatusCodeNumber, StatusCode] = Field(default_factory=dict)

    def response_name(self, code: int) -> str:
        """The OpenAPI component name of a code's response."""
        status = self.codes[code]
        if status.name:
            return status.name
        words = re.split(r"[^A-Za-z0-9]+", status.reason)
        pascal = "".join(word[:1].upper() + word[1:] for word in words)
        plain = "_".join(word for word in words if word)
        return self.response_names.format(Reason=pascal, reason=plain, code=code)


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by '-', safe for file names and anchors."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "example"


def catalog_json_schema() -> dict[str, Any]:
    """The JSON Schema of the catalog format, for editors (yaml-language-server) and docs."""
    schema = Catalog.model_json_schema(by_alias=True, mode="validation")
    schema["properties"]["codes"]["propertyNames"] = {"pattern": "^[1-5][0-9][0-9]$"}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema, "title": "specgen catalog"}
