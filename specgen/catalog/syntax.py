"""The grammar of the catalog's text: HTTP syntax (RFC 9110/9112) and safe names.

Each function returns its value or raises ValueError with a message for the catalog's author;
models.py attaches them to fields.
"""

from __future__ import annotations

import re
import string
from datetime import UTC
from typing import Any

# RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_"
#                          / "`" / "|" / "~" / DIGIT / ALPHA
_TCHARS = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_TOKEN = re.compile(_TCHARS)
# Visible ASCII with inner spaces or tabs; no CR, LF, NUL or other controls (RFC 9110 §5.5).
_FIELD_VALUE = re.compile(r"(?:[\x21-\x7e](?:[\x20-\x7e\t]*[\x21-\x7e])?)?")
# RFC 9112 §3.2.1 origin-form: an absolute path and optional query, visible ASCII only.
_ORIGIN_FORM = re.compile(r"/[\x21-\x7e]*")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(rf"(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{{1,5}})?")
_IMF_FIXDATE = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r" [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT"
)
# RFC 9110 §5.6.4 quoted-string: a '"' or '\' inside must be escaped by '\'. Every character
# has one reading (token, quoted text or escape), so matching is linear: the earlier
# `"[\x20-\x7e]*"` let a '"' both close and continue a value, and `; a=""` repeated made the
# matcher try exponentially many splits.
_QUOTED = r'"(?:[\t\x20\x21\x23-\x5b\x5d-\x7e]|\\[\t\x20-\x7e])*"'
_MEDIA_TYPE = re.compile(rf"{_TCHARS}/{_TCHARS}(?:; ?{_TCHARS}=(?:{_TCHARS}|{_QUOTED}))*")
_MODEL_REF = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_][\w.]*")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# RFC 3986 §3: an absolute URI (scheme ":" then unreserved, reserved and percent-encoded
# characters), without quotes and parentheses (percent-encode them): with no spaces, quotes,
# parentheses, '<', '>' or backslashes, a URI is safe in Markdown links, YAML and JSON as is.
_ABSOLUTE_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9\-._~:/?#\[\]@!$&*+,;=%]+")
# A month or a day: the `since` and `sunset` of problem types.
_DATE = re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12][0-9]|3[01]))?")
# OpenAPI 3.x: component names match ^[a-zA-Z0-9.\-_]+$; specgen also refuses a leading '.'
# because names may become file names ('..' must never climb out of an output folder).
_COMPONENT_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")


def full(pattern: re.Pattern[str], value: str, what: str) -> str:
    """The value when the whole of it matches the pattern; else a ValueError naming `what`."""
    if not pattern.fullmatch(value):
        raise ValueError(f"{value!r} is not a valid {what}")
    return value


def token(value: str) -> str:
    """An HTTP token (RFC 9110 §5.6.2): methods and header names."""
    if not _TOKEN.fullmatch(value):
        raise ValueError(
            f"{value!r} is not an HTTP token (letters, digits and !#$%&'*+-.^_`|~ only)"
        )
    return value


def integer_text(value: Any) -> Any:
    """An integer given for a header value as the text a message carries (`30` as "30"): YAML
    and JSON read `Retry-After: 30` as a number. Other values are left for the string check to
    refuse: `true`, `2.5` or `null` have no one spelling on the wire."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def field_value(value: str) -> str:
    """A header value that cannot end its header early or smuggle another one."""
    if "\r" in value or "\n" in value:
        raise ValueError(f"{value!r} contains CR or LF, which would end the header early")
    if not _FIELD_VALUE.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a valid header value (printable ASCII without leading or"
            " trailing whitespace; encode other characters, e.g. RFC 8187)"
        )
    return value


def reason_phrase(value: str) -> str:
    """A reason phrase that keeps the status line one line of printable ASCII."""
    if "\r" in value or "\n" in value:
        raise ValueError(
            f"reason phrase {value!r} contains CR or LF, which would break the status line"
        )
    if not value or not _FIELD_VALUE.fullmatch(value):
        raise ValueError(
            f"reason phrase {value!r} must be printable ASCII words separated by spaces"
        )
    return value


def request_path(value: str) -> str:
    """An origin-form request target (RFC 9112 §3.2.1): path and query, visible ASCII."""
    if _ORIGIN_FORM.fullmatch(value) and "#" not in value:
        return value  # the common case, said in one match
    if any(ch in value for ch in " \t\r\n"):
        raise ValueError(f"request path {value!r} contains whitespace; percent-encode it (%20)")
    if "#" in value:
        # RFC 9112 §3.2: the request target never carries a fragment; clients strip it.
        raise ValueError(f"request path {value!r} contains '#'; a fragment is never sent (use %23)")
    if not _ORIGIN_FORM.fullmatch(value):
        raise ValueError(
            f"request path {value!r} must start with '/' and use visible ASCII only"
            " (percent-encode anything else)"
        )
    return value


def http_date(value: str) -> str:
    """An IMF-fixdate (RFC 9110 §5.6.7) that names a real day."""
    if not _IMF_FIXDATE.fullmatch(value):
        raise ValueError(
            f"{value!r} is not an HTTP date like 'Wed, 09 Oct 2024 23:14:51 GMT' (RFC 9110 §5.6.7)"
        )
    from email.utils import parsedate_to_datetime  # the email package: only for dates given

    try:
        parsed = parsedate_to_datetime(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a real date: {exc}") from None
    if parsed.astimezone(UTC).strftime("%a") != value[:3]:
        raise ValueError(f"{value!r}: the weekday does not match the date")
    return value


def status_code(value: Any) -> int:
    """A status code: an integer (or its three digits as text) in 100-599."""
    # bool is an int subclass; YAML 'yes' must not become code 1.
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"status code {value!r} must be a three-digit integer")
    if isinstance(value, str):
        if not re.fullmatch(r"[0-9]{3}", value):
            raise ValueError(f"status code {value!r} must be a three-digit integer")
        value = int(value)
    number: int = value
    if not 100 <= number <= 599:
        raise ValueError(f"status code {number} is outside 100-599 (RFC 9110 §15)")
    return number


def format_version(value: Any) -> Any:
    """The catalog format version exactly as an integer."""
    # Literal[1] alone would also take True and 1.0; the version must be written as 1.
    if type(value) is not int:
        raise ValueError(f"unknown catalog format version {value!r}; this specgen reads 1")
    return value


class InsideError(ValueError):
    """A validator's error about one place inside the value it checks (`path`, relative to
    the value), so that it is reported there: the second spelling of a key, not the mapping."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path


def codes_unique(value: Any) -> Any:
    """A codes mapping in which no code is spelled twice."""
    # YAML may spell one code twice as 561 and "561"; a dict would silently keep the last.
    if isinstance(value, dict):
        seen: dict[str, Any] = {}
        for key in value:
            spelled = str(key).strip()
            if spelled in seen:
                raise InsideError(
                    (key,), f"code {spelled} is given twice (as {seen[spelled]!r} and {key!r})"
                )
            seen[spelled] = key
    return value


NAME_FIELDS = ("Reason", "reason", "code")


def name_parts(pattern: str) -> list[tuple[str, str | None]]:
    """A response-name pattern as (literal text, field or None) pairs; ValueError if it uses
    anything but the bare fields {Reason}, {reason} and {code}."""
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as exc:  # an unmatched '{' or '}'
        raise ValueError(
            f"{pattern!r} may use only {{Reason}}, {{reason}} and {{code}} as placeholders"
            f" ({exc}; write '{{{{' and '}}}}' for braces)"
        ) from None
    parts: list[tuple[str, str | None]] = []
    for literal, field, spec, conversion in parsed:
        # Indexing, attributes, conversions and format specs ({Reason[9]}, {code.real},
        # {code!r}, {code:>99}) would be evaluated per code and could fail or vary: refused.
        if field is not None and (field not in NAME_FIELDS or spec or conversion):
            raise ValueError(
                f"{pattern!r} may use only {{Reason}}, {{reason}} and {{code}} as placeholders"
            )
        parts.append((literal, field))
    return parts


def fill_name(pattern: str, values: dict[str, str]) -> str:
    """A response-name pattern with its fields replaced by `values` (keys: NAME_FIELDS)."""
    return "".join(
        literal + (values[field] if field is not None else "")
        for literal, field in name_parts(pattern)
    )


def name_pattern(value: str) -> str:
    """A response-name pattern using only {Reason}, {reason} and {code}, with {code}."""
    fields = [field for _, field in name_parts(value)]
    if "code" not in fields:
        raise ValueError(f"{value!r} must contain {{code}} so that names are unique")
    component_name(fill_name(value, dict.fromkeys(NAME_FIELDS, "561")), "response name")
    return value


def not_blank(value: str) -> str:
    """Text with something other than whitespace in it."""
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def media_type(value: str) -> str:
    """A media type with optional parameters, e.g. 'application/json; charset=utf-8'."""
    return full(_MEDIA_TYPE, value, "media type")


def slug(value: str) -> str:
    """A slug: lowercase ASCII words joined by '-', safe in file names and URLs."""
    return full(_SLUG, value, "slug (lowercase words joined by '-')")


def component_name(value: str, what: str = "name") -> str:
    """An OpenAPI component name that cannot climb out of a folder when used as a file name."""
    return full(
        _COMPONENT_NAME, value, f"{what} (letters, digits, '.', '-', '_'; not starting with '.')"
    )


def host(value: str) -> str:
    """A host name or [IPv6] literal, with an optional port."""
    full(_HOST, value, "host (name or [IPv6], optional :port)")
    port = value.rpartition("]")[2].partition(":")[2]  # what follows a name or an [IPv6]
    if port and not 1 <= int(port) <= 65535:
        raise ValueError(f"{value!r}: port {port} is outside 1-65535")
    return value


def model_reference(value: str) -> str:
    """A 'package.module:Model' reference to a Pydantic model."""
    return full(_MODEL_REF, value, "model reference (package.module:Model)")


def absolute_uri(value: str) -> str:
    """An absolute URI (RFC 3986 §4.3) such as a problem type's `type`."""
    return full(_ABSOLUTE_URI, value, "absolute URI (scheme:..., no spaces or quotes)")


def header_ref(value: str) -> str:
    """A reference to a header of the catalog's `headers`: `#/headers/NAME`."""
    name = value.removeprefix("#/headers/")
    if name == value:
        raise ValueError(f"$ref {value!r} must be '#/headers/NAME', NAME under `headers`")
    token(name)
    return value


def month_or_day(value: str) -> str:
    """A date written YYYY-MM or YYYY-MM-DD."""
    return full(_DATE, value, "date (YYYY-MM or YYYY-MM-DD)")
