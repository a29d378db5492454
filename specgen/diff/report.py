"""`specgen diff` output: text for terminals, Markdown for changelogs and the site, JSON for
tools; and the rules reference page, generated from the rule table."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..errors import Location, printable
from .compare import Change
from .fields import CatalogPath
from .rules import RULES, SEVERITIES, Severity

Format = Literal["text", "markdown", "json"]
Locate = Callable[[CatalogPath], Location]
_HEADINGS = {
    "breaking": "Breaking changes", "warning": "Changes to look at", "info": "Other changes",
}


@dataclass(frozen=True)
class Located:
    """A change with the places it concerns in the old and the new catalog."""

    change: Change
    old: Location | None
    new: Location | None

    @property
    def where(self) -> Location:
        """The place to show first: in the new catalog, or the old one for removals."""
        place = self.new or self.old
        assert place is not None  # every change concerns at least one side
        return place


def locate(changes: Sequence[Change], old: Locate, new: Locate) -> list[Located]:
    """Each change with its locations, most severe first, then in catalog order."""
    located = [
        Located(c, old(c.old) if c.old is not None else None,
                new(c.new) if c.new is not None else None)
        for c in changes
    ]
    rank = {severity: index for index, severity in enumerate(SEVERITIES)}
    return sorted(located, key=lambda item: rank[item.change.rule.severity])


def counts(changes: Sequence[Located]) -> dict[Severity, int]:
    """How many changes there are of each severity."""
    found = Counter(item.change.rule.severity for item in changes)
    return {severity: found[severity] for severity in SEVERITIES}


def summary(changes: Sequence[Located]) -> str:
    """`2 breaking, 1 warning, 3 info`, or `no changes`."""
    if not changes:
        return "no changes for consumers"
    return ", ".join(f"{n} {severity}" for severity, n in counts(changes).items() if n)


def text(changes: Sequence[Located]) -> str:
    """One line per change, as compilers print them: `new.yaml:12:5: breaking: ...`; without
    changes, one line saying so (a report file is never empty)."""
    if not changes:
        return f"{summary(changes).capitalize()}.\n"
    lines = []
    for item in changes:
        change = item.change
        was = f" (was {item.old})" if item.old is not None and item.new is not None else ""
        lines.append(printable(
            f"{item.where}: {change.rule.severity}: {change.subject}: {change.message}"
            f" [{change.rule.id}]{was}"
        ))
    return "".join(f"{line}\n" for line in lines)


def markdown(changes: Sequence[Located], title: str = "Changes") -> str:
    """A Markdown page: the changes grouped by severity, each a list item (`title` is text).

    It reads as written raw too (it is pasted into pull requests): catalog text is escaped only
    where Markdown would read it as syntax, and subjects and rule ids are code spans."""
    # Imported here: the docs package pulls in Python-Markdown and nh3, which text and JSON skip.
    from ..docs.markdown import code_span, escaped

    parts = [f"# {escaped(title)}\n", f"{summary(changes).capitalize()}.\n"]
    for severity in SEVERITIES:
        group = [item.change for item in changes if item.change.rule.severity == severity]
        if not group:
            continue
        parts.append(f"## {_HEADINGS[severity]}\n")
        # One block, no blank line between items: a tight list (loose ones space items apart).
        parts.append("".join(
            f"- {code_span(change.subject)}: {escaped(change.message)}"
            f" ({code_span(change.rule.id)})\n"
            for change in group
        ))
    return "\n".join(parts)


def _place(location: Location | None) -> dict[str, Any] | None:
    if location is None:
        return None
    return {"file": location.file, "line": location.line, "column": location.column,
            "pointer": location.pointer or None}


def as_json(changes: Sequence[Located]) -> str:
    """The changes and their counts as a JSON document."""
    document = {
        "summary": counts(changes),
        "changes": [
            {
                "severity": item.change.rule.severity,
                "rule": item.change.rule.id,
                "subject": item.change.subject,
                "message": item.change.message,
                "old": _place(item.old),
                "new": _place(item.new),
            }
            for item in changes
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render(changes: Sequence[Located], fmt: Format) -> str:
    """The report in one of the formats."""
    if fmt == "json":
        return as_json(changes)
    if fmt == "markdown":
        return markdown(changes)
    return text(changes)


def rules_reference() -> str:
    """The reference page of every rule: severity, what it means, and why."""
    parts = [
        "# Diff rules\n",
        "Every change `specgen diff` reports is one of these rules. The severity is from the"
        " API consumer's side: **breaking** means a client written against the old catalog can"
        " fail without changing a line, **warning** that it keeps working but should look, and"
        " **info** that the change is worth a changelog line. `--fail-on` picks the severity"
        " that makes the command exit 1.\n",
        "| rule | severity | change |",
        "|---|---|---|",
    ]
    parts.extend(f"| [`{r.id}`](#{r.id}) | {r.severity} | {r.title} |" for r in RULES.values())
    parts.append("")
    for rule in RULES.values():
        parts.append(f"## `{rule.id}` {{#{rule.id}}}\n")
        parts.append(f"**{rule.severity}**: {rule.title}. {rule.why}\n")
    return "\n".join(parts)
