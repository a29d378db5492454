"""Two catalogs compared: one `Change` per difference a consumer can notice."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..catalog.models import Catalog, Deprecation, Header, MediaType, ProblemType, StatusCode
from ..catalog.senders import Origin, origin
from ..errors import clipped
from .fields import CatalogPath, FieldInfo, body_fields, enum, json_types, type_text
from .rules import RULES, Rule

_ADVICE_SHOWN = 80  # characters of new retry advice an entry quotes


@dataclass(frozen=True)
class Change:
    """One difference: its rule, what it concerns, and where it is in each catalog."""

    rule: Rule
    subject: str
    message: str
    old: CatalogPath | None = None
    new: CatalogPath | None = None


Schemas = dict[str, Any]


class _Comparison:
    def __init__(self, old: Catalog, new: Catalog, schemas: tuple[Schemas, Schemas]) -> None:
        self.old, self.new = old, new
        self.old_schemas, self.new_schemas = schemas
        self.changes: list[Change] = []
        # Named schemas used under the same name in both: compared once, after the codes.
        self.shared: dict[str, list[str]] = {}

    def add(self, rule: str, subject: str, message: str,
            old: CatalogPath | None = None, new: CatalogPath | None = None) -> None:
        self.changes.append(Change(RULES[rule], subject, message, old, new))

    def run(self) -> list[Change]:
        for code in sorted(self.old.codes.keys() | self.new.codes.keys()):
            before, after = self.old.codes.get(code), self.new.codes.get(code)
            where: CatalogPath = ("codes", code)
            if after is None and before is not None:
                self.add("code-removed", str(code), f"{code} {before.reason} was removed", where)
            elif before is None and after is not None:
                self.add("code-added", str(code), f"{code} {after.reason} was added", new=where)
            elif before is not None and after is not None:
                self.code(code, before, after)
        self.problems()
        for version in sorted(set(self.old.oas) - set(self.new.oas)):
            self.add("oas-version-removed", f"OpenAPI {version}",
                     f"the catalog no longer targets OpenAPI {version} (oas)", ("oas",),
                     ("oas",))
        for name, users in self.shared.items():
            if name in self.old_schemas and name in self.new_schemas:
                place: CatalogPath = ("schemas", name)
                self.fields(f"schema {name} ({', '.join(users)})", (place, place),
                            body_fields(name, self.old_schemas),
                            body_fields(name, self.new_schemas))
        return self.changes

    def code(self, code: int, before: StatusCode, after: StatusCode) -> None:
        subject, where = str(code), ("codes", code)
        if before.reason != after.reason:
            self.add("code-reason-changed", subject,
                     f"reason phrase {before.reason!r} became {after.reason!r}",
                     (*where, "reason"), (*where, "reason"))
        if before.equivalent != after.equivalent:
            self.add("code-equivalent-changed", subject,
                     f"equivalent {_or_none(before.equivalent)} became"
                     f" {_or_none(after.equivalent)}", where, where)
        sent_before, sent_after = origin(self.old, code), origin(self.new, code)
        if (sent_before.label, sent_before.reaches_client) != (sent_after.label,
                                                               sent_after.reaches_client):
            self.add("code-sender-changed", subject,
                     f"sent by {_sent(sent_before)} became sent by {_sent(sent_after)}",
                     where, where)
        if before.deprecated != after.deprecated:
            rule = "code-deprecated" if after.deprecated else "code-undeprecated"
            self.add(rule, subject, "deprecated" if after.deprecated else "no longer deprecated",
                     (*where, "deprecated"), (*where, "deprecated"))
        if _words(before.retry) != _words(after.retry):
            self.add("retry-changed", subject, _retry_message(before.retry, after.retry),
                     (*where, "retry") if before.retry else where,
                     (*where, "retry") if after.retry else where)
        self.headers(subject, where, before.headers, after.headers)
        self.content(subject, where, before.content, after.content)

    def problems(self) -> None:
        """Problem types by slug (unique in a catalog), wherever their code is."""
        old = {slug: (code, problem) for code, slug, problem in self.old.problem_types()}
        new = {slug: (code, problem) for code, slug, problem in self.new.problem_types()}
        for slug in sorted(old.keys() | new.keys()):
            subject = f"problem {slug}"
            if slug not in new:
                code, problem = old[slug]
                self.add("problem-removed", subject, f"{problem.title!r} under {code} was removed",
                         ("codes", code, "problems", slug))
            elif slug not in old:
                code, problem = new[slug]
                self.add("problem-added", subject, f"{problem.title!r} under {code} was added",
                         new=("codes", code, "problems", slug))
            else:
                self.problem(slug, *old[slug], *new[slug])

    def problem(self, slug: str, old_code: int, before: ProblemType, new_code: int,
                after: ProblemType) -> None:
        subject = f"problem {slug}"
        was: CatalogPath = ("codes", old_code, "problems", slug)
        now: CatalogPath = ("codes", new_code, "problems", slug)
        if old_code != new_code:
            self.add("problem-status-changed", subject, f"moved from {old_code} to {new_code}",
                     was, now)
        old_uri, new_uri = self.old.problem_uri(slug, before), self.new.problem_uri(slug, after)
        if old_uri != new_uri:
            self.add("problem-type-changed", subject, f"type {old_uri} became {new_uri}", was,
                     now)
        if before.title != after.title:
            self.add("problem-title-changed", subject,
                     f"title {before.title!r} became {after.title!r}", (*was, "title"),
                     (*now, "title"))
        if before.retryable != after.retryable:
            self.add("problem-retryable-changed", subject,
                     "now retryable" if after.retryable else "no longer retryable",
                     (*was, "retryable"), (*now, "retryable"))
        if _words(before.retry) != _words(after.retry):
            self.add("retry-changed", subject, _retry_message(before.retry, after.retry), was,
                     now)
        self.deprecation(subject, was, now, before.deprecated, after.deprecated)
        self.fields(f"{subject} extension members", ((*was, "extensions"), (*now, "extensions")),
                    body_fields(before.extensions or None, self.old_schemas,
                                (*was, "extensions")),
                    body_fields(after.extensions or None, self.new_schemas,
                                (*now, "extensions")))

    def deprecation(self, subject: str, was: CatalogPath, now: CatalogPath,
                    before: Deprecation | None, after: Deprecation | None) -> None:
        if after is not None and before is None:
            self.add("problem-deprecated", subject, "deprecated"
                     + (f", sunset {after.sunset}" if after.sunset else "")
                     + (f"; use {after.use_instead} instead" if after.use_instead else ""),
                     was, (*now, "deprecated"))
        elif before is not None and after is None:
            self.add("problem-undeprecated", subject, "no longer deprecated",
                     (*was, "deprecated"), now)
        elif before is not None and after is not None:
            if before.sunset != after.sunset:
                self.add("problem-sunset-changed", subject,
                         f"sunset {before.sunset or 'none'} became {after.sunset or 'none'}",
                         (*was, "deprecated"), (*now, "deprecated"))
            if before.use_instead != after.use_instead:
                self.add("problem-replacement-changed", subject,
                         _replacement(before.use_instead, after.use_instead),
                         (*was, "deprecated"), (*now, "deprecated"))

    def headers(self, subject: str, where: CatalogPath,
                before: dict[str, Header], after: dict[str, Header]) -> None:
        old = {name.lower(): (name, header) for name, header in before.items()}
        new = {name.lower(): (name, header) for name, header in after.items()}
        for key in sorted(old.keys() | new.keys()):
            if key not in new:
                name = old[key][0]
                self.add("header-removed", subject, f"header {name} was removed",
                         (*where, "headers", name))
                continue
            if key not in old:
                name = new[key][0]
                self.add("header-added", subject, f"header {name} was added",
                         new=(*where, "headers", name))
                continue
            (old_name, was), (new_name, now) = old[key], new[key]
            places = (*where, "headers", old_name), (*where, "headers", new_name)
            if was.required and not now.required:
                self.add("header-now-optional", subject,
                         f"header {new_name} is no longer always sent", *places)
            was_types, now_types = json_types(was.schema_), json_types(now.schema_)
            if was_types != now_types:
                self.add("header-type-changed", subject,
                         f"header {new_name}: {type_text(was_types)} became"
                         f" {type_text(now_types)}", *places)
            added, gone = _values_changed(enum(was.schema_), enum(now.schema_))
            if added:
                self.add("header-enum-values-added", subject,
                         f"header {new_name} may now be {added}", *places)
            if gone:
                self.add("header-enum-values-removed", subject,
                         f"header {new_name} is no longer {gone}", *places)

    def content(self, subject: str, where: CatalogPath,
                before: dict[str, MediaType], after: dict[str, MediaType]) -> None:
        old = {name.lower(): name for name in before}
        new = {name.lower(): name for name in after}
        for key in sorted(old.keys() | new.keys()):
            if key not in new:
                self.add("media-type-removed", subject, f"media type {old[key]} was removed",
                         (*where, "content", old[key]))
            elif key not in old:
                self.add("media-type-added", subject, f"media type {new[key]} was added",
                         new=(*where, "content", new[key]))
            else:
                places = (*where, "content", old[key]), (*where, "content", new[key])
                self.body(f"{subject} {new[key]}", places, before[old[key]].schema_,
                          after[new[key]].schema_)

    def body(self, subject: str, places: tuple[CatalogPath, CatalogPath],
             before: Any, after: Any) -> None:
        if before is not None and after is None:
            self.add("body-schema-removed", subject, "the body has no schema any more", *places)
            return
        if isinstance(before, str) and before == after:
            self.shared.setdefault(before, []).append(subject)
            return
        self.fields(subject, places,
                    body_fields(before, self.old_schemas, (*places[0], "schema")),
                    body_fields(after, self.new_schemas, (*places[1], "schema")))

    def fields(self, subject: str, places: tuple[CatalogPath, CatalogPath],
               before: dict[str, FieldInfo], after: dict[str, FieldInfo]) -> None:
        for message, rule, was, now in _field_changes(before, after):
            self.add(rule, subject, message, was.place if was else places[0],
                     now.place if now else places[1])


def _field_changes(
    before: dict[str, FieldInfo], after: dict[str, FieldInfo]
) -> Iterator[tuple[str, str, FieldInfo | None, FieldInfo | None]]:
    removed = sorted(before.keys() - after.keys())
    for path in removed:
        # A removed object reports once, not once more for each of its members.
        if not any(path.startswith(f"{parent}.") or path.startswith(f"{parent}[]")
                   for parent in removed if parent != path):
            yield f"field {path} was removed", "field-removed", before[path], None
    new = after.keys() - before.keys()
    for path in sorted(new):
        if path.endswith("[]") and path[:-2] in new:
            continue  # the items of an added array come with it
        yield f"field {path} was added", "field-added", None, after[path]
    for path in sorted(before.keys() & after.keys()):
        was, now = before[path], after[path]
        if was.required and not now.required:
            yield f"field {path} may now be absent", "field-now-optional", was, now
        elif now.required and not was.required:
            yield f"field {path} is now always present", "field-now-required", was, now
        if was.types and now.types and not now.types <= was.types:
            yield (f"field {path}: {type_text(was.types)} became {type_text(now.types)}",
                   "field-type-changed", was, now)
        added, gone = _values_changed(was.enum, now.enum)
        if added:
            yield f"field {path} may now be {added}", "field-enum-values-added", was, now
        if gone:
            yield f"field {path} is no longer {gone}", "field-enum-values-removed", was, now


def _values_changed(before: frozenset[str] | None, after: frozenset[str] | None,
                    ) -> tuple[str, str]:
    """The values an enum (None: any value) now allows that it did not, and those it no longer
    allows, as message text ("" for none)."""
    if before is None:
        return "", ""
    if after is None:
        return "any value", ""
    return ", ".join(sorted(after - before)), ", ".join(sorted(before - after))


def _replacement(before: str | None, after: str | None) -> str:
    if before is None:
        return f"use {after} instead"
    if after is None:
        return f"no longer names a type to use instead (was {before})"
    return f"use {after} instead, not {before}"


def _words(text: str) -> str:
    return " ".join(text.split())


def _sent(sender: Origin) -> str:
    return sender.label + ("" if sender.reaches_client else " (only logged)")


def _or_none(code: int | None) -> str:
    return "none" if code is None else str(code)


def _retry_message(before: str, after: str) -> str:
    """What became of the retry advice, quoting the new advice (at most a line's worth)."""
    if not before:
        return f"retry advice was added: {_quoted(after)}"
    if not after:
        return "retry advice was removed"
    return f"retry advice changed to {_quoted(after)}"


def _quoted(advice: str) -> str:
    return repr(clipped(_words(advice), _ADVICE_SHOWN))


def compare(old: Catalog, new: Catalog,
            schemas: tuple[Schemas, Schemas] | None = None) -> list[Change]:
    """Every change from `old` to `new`, in code order; `schemas` are their named schemas as
    JSON Schema when already resolved (`catalog.schemas.resolve`)."""
    if schemas is None:
        from ..catalog.schemas import resolve

        schemas = resolve(old), resolve(new)
    return _Comparison(old, new, schemas).run()
