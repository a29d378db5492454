"""The verdict of a run as text, JSON or JUnit XML, with every secret value redacted."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .compare import Redactor, Result


@dataclass(frozen=True)
class VerifyReport:
    """The results of `specgen verify`, and the renderings of them that may leave the process."""

    base_url: str
    results: list[Result]
    secrets: frozenset[str] = frozenset()

    @property
    def counts(self) -> Counter[str]:
        """How many exchanges passed, failed, were skipped or ended in an error."""
        return Counter(result.outcome for result in self.results)

    @property
    def exit_status(self) -> int:
        """0 when every exchange sent conforms, 1 when any failed or got no response, or when
        none was sent (no example selected, or every one skipped): a CI job that verified
        nothing must not pass."""
        counts = self.counts
        sent = counts["passed"] + counts["failed"] + counts["error"]
        return 1 if counts["failed"] or counts["error"] or not sent else 0

    def summary(self) -> str:
        """One line: how many exchanges passed, failed, ended in an error, were skipped."""
        counts = self.counts
        parts = [f"{counts[o]} {o}" for o in ("passed", "failed", "error", "skipped")]
        return f"{self.base_url}: {len(self.results)} example(s): " + ", ".join(parts)

    def text(self) -> str:
        """A line per exchange, each mismatch below it as expected versus received."""
        lines = []
        for result in self.results:
            item = result.exchange
            lines.append(f"{result.outcome.upper()} {item.name} {item.method} {item.target}")
            lines += [
                f"  {m.check}: expected {m.expected}; received {m.received}"
                for m in result.mismatches
            ]
            if result.message:
                lines.append(f"  {result.message}")
        return Redactor(self.secrets)("".join(line + "\n" for line in lines))

    def json(self) -> str:
        """The results as a JSON document (summary counts, then one object per exchange)."""
        document = {
            "base_url": self.base_url,
            "summary": {o: self.counts[o] for o in ("passed", "failed", "error", "skipped")},
            "results": [
                {
                    "code": r.exchange.code,
                    "example": r.exchange.slug,
                    "title": r.exchange.title,
                    "problem": r.exchange.problem,
                    "method": r.exchange.method,
                    "target": r.exchange.target,
                    "outcome": r.outcome,
                    "message": r.message,
                    "seconds": round(r.seconds, 6),
                    "mismatches": [
                        {"check": m.check, "expected": m.expected, "received": m.received}
                        for m in r.mismatches
                    ],
                }
                for r in self.results
            ],
        }
        # Strings are redacted before JSON escapes them, or an escaped secret would not match.
        return json.dumps(_redacted(document, Redactor(self.secrets)), indent=2,
                          ensure_ascii=False) + "\n"

    def junit(self) -> str:
        """The results as JUnit XML: a test case per example, classname its status code."""
        redact = Redactor(self.secrets)
        counts = self.counts
        suite = ET.Element("testsuite", {
            "name": "specgen verify",
            "tests": str(len(self.results)),
            "failures": str(counts["failed"]),
            "errors": str(counts["error"]),
            "skipped": str(counts["skipped"]),
            "time": f"{sum(r.seconds for r in self.results):.6f}",
        })
        ET.SubElement(ET.SubElement(suite, "properties"), "property",
                      {"name": "base_url", "value": redact(self.base_url)})
        for result in self.results:
            item = result.exchange
            case = ET.SubElement(suite, "testcase", {
                "classname": f"specgen.verify.{item.code}",
                "name": redact(f"{item.slug}: {item.method} {item.target}"),
                "time": f"{result.seconds:.6f}",
            })
            if result.outcome == "failed":
                text = "\n".join(
                    f"{m.check}: expected {m.expected}; received {m.received}"
                    for m in result.mismatches
                )
                failure = ET.SubElement(case, "failure", {
                    "message": redact(f"{len(result.mismatches)} mismatch(es)"),
                    "type": "mismatch",
                })
                failure.text = redact(text)
            elif result.outcome in ("error", "skipped"):
                ET.SubElement(case, result.outcome, {"message": redact(result.message)})
        root = ET.Element("testsuites")
        root.append(suite)
        ET.indent(root)
        return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _redacted(value: Any, redact: Redactor) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redacted(item, redact) for key, item in value.items()}
    if isinstance(value, list):
        return [_redacted(item, redact) for item in value]
    return value
