"""The rule table of `specgen diff`: every kind of change, its severity, and why.

The reference page of the rules is generated from this table, so the two cannot drift.
Severities are from the consumer's side: *breaking* means a client written against the old
catalog can misbehave without changing a line; *warning* means it keeps working but should
look; *info* is worth a line in the changelog.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["breaking", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("breaking", "warning", "info")


@dataclass(frozen=True)
class Rule:
    """One kind of change."""

    id: str
    severity: Severity
    title: str
    why: str


_TABLE = (
    Rule("code-removed", "breaking", "A status code was removed",
         "Clients that handle the code lose its documentation, and the API no longer promises"
         " what the code means; code written for it may now meet something else."),
    Rule("code-added", "warning", "A status code was added",
         "Clients that do not know the code treat it as the x00 of its class (RFC 9110"
         " §15); they keep working but may handle it too coarsely."),
    Rule("code-reason-changed", "info", "A reason phrase changed",
         "Clients must ignore the reason phrase (RFC 9112 §4); only people read it."),
    Rule("code-equivalent-changed", "warning", "The standard equivalent of a code changed",
         "Clients that map the custom code to a standard one should follow the new mapping."),
    Rule("code-sender-changed", "warning", "Who sends a code changed",
         "Clients and operators that tell the API's responses from those of a load balancer or"
         " CDN in front of it (to retry, or to look in the right logs) should follow."),
    Rule("code-deprecated", "warning", "A code was deprecated",
         "The API is phasing the code out; clients should prepare for its removal."),
    Rule("code-undeprecated", "info", "A code is no longer deprecated",
         "Nothing breaks; the code stays."),
    Rule("media-type-removed", "breaking", "A response media type was removed",
         "Clients that ask for or parse that representation get another one."),
    Rule("media-type-added", "info", "A response media type was added",
         "A new representation; clients that do not ask for it are not affected."),
    Rule("body-schema-removed", "breaking", "A body lost its schema",
         "Clients can no longer rely on any field of the body."),
    Rule("field-removed", "breaking", "A body field was removed",
         "Clients that read the field get nothing where they expected a value."),
    Rule("field-now-optional", "breaking", "A required body field became optional",
         "Clients that read the field unconditionally fail when it is absent."),
    Rule("field-type-changed", "breaking", "A body field's type changed",
         "Clients parse the field as the old type and fail on the new one."),
    Rule("field-enum-values-added", "warning", "A body field may take new values",
         "Clients that switch over the old values meet one they do not handle."),
    Rule("field-enum-values-removed", "info", "A body field takes fewer values",
         "Clients that handle every old value still handle every new one."),
    Rule("field-added", "info", "A body field was added",
         "Clients ignore members they do not know (RFC 9457 §3.2, and good JSON practice)."),
    Rule("field-now-required", "info", "An optional body field became required",
         "The field is now always there; clients that checked for it still work."),
    Rule("header-removed", "breaking", "A response header was removed",
         "Clients that read the header (Retry-After, WWW-Authenticate...) lose what it told them."),
    Rule("header-now-optional", "breaking", "A required response header became optional",
         "Clients that read the header unconditionally fail when it is absent."),
    Rule("header-type-changed", "breaking", "A response header's type changed",
         "Clients parse the header as the old type and fail on the new one."),
    Rule("header-enum-values-added", "warning", "A response header may take new values",
         "Clients that switch over the header's old values meet one they do not handle."),
    Rule("header-enum-values-removed", "info", "A response header takes fewer values",
         "Clients that handle every old value still handle every new one."),
    Rule("header-added", "info", "A response header was added",
         "Clients ignore headers they do not know."),
    Rule("retry-changed", "warning", "The retry advice changed",
         "Clients that retry (or not) by the old advice may now hammer the API or give up."),
    Rule("problem-removed", "breaking", "A problem type was removed",
         "Clients that match on its type URI stop recognising the error."),
    Rule("problem-added", "warning", "A problem type was added",
         "Clients that do not know the type fall back to the status code's handling."),
    Rule("problem-type-changed", "breaking", "A problem type's type URI changed",
         "Clients match problem documents by `type` (RFC 9457 §3.1.1); the old URI no longer"
         " comes."),
    Rule("problem-status-changed", "breaking", "A problem type moved to another status code",
         "Clients that expect the error under the old status no longer see it there."),
    Rule("problem-title-changed", "warning", "A problem type's title changed",
         "The title is the same for every occurrence (RFC 9457 §3.1.3); clients that show or"
         " match it change what they show."),
    Rule("problem-retryable-changed", "warning", "Whether a problem type is retryable changed",
         "Clients that decide to retry by the flag now decide the other way."),
    Rule("problem-deprecated", "warning", "A problem type was deprecated",
         "The API is phasing the type out; clients should move to the one it names instead."),
    Rule("problem-undeprecated", "info", "A problem type is no longer deprecated",
         "Nothing breaks; the type stays."),
    Rule("problem-replacement-changed", "warning",
         "The problem type to use instead of a deprecated one changed",
         "Clients moving off the deprecated type should move to the one it names now."),
    Rule("problem-sunset-changed", "warning", "A problem type's sunset date changed",
         "Clients planning their migration by the date must plan again."),
    Rule("oas-version-removed", "warning", "An OpenAPI version is no longer published",
         "Tools that read the error responses in that version (client generators, validators"
         " fed the merged document) no longer get them; they need a reader of the other"
         " version."),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _TABLE}
