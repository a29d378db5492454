"""What a merge did (or, under --check, would do), as data and as a few lines for stderr."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import line_start

if TYPE_CHECKING:
    from .plan import MergePlan

FEW = 5
"""Up to this many names (components, operations) are listed; more are counted only."""


@dataclass(frozen=True)
class MergeSummary:
    """Components by outcome and section, responses by code and operation, codes left out.

    Sections and names keep the fragments' order; codes are sorted.
    """

    added: dict[str, list[str]]  # section → names of new components
    updated: dict[str, list[str]]  # written by an earlier merge, rewritten from the catalog
    replaced: dict[str, list[str]]  # the team's, replaced under --on-conflict replace
    kept: dict[str, list[str]]  # the team's, kept under --on-conflict keep
    stale: dict[str, list[str]]  # written by an earlier merge, no longer in the catalog
    attached: dict[str, list[str]]  # code → the operations it is on ("GET /pets")
    new: dict[str, int]  # code → how many of those operations get it now, where they had none
    # code → how many of those operations had their own response for it, now the catalog's
    # (--on-conflict replace)
    replaced_on: dict[str, int]
    unattached: dict[str, str]  # code → why no operation has it
    # The files a merge into a multi-file description changes, as messages name them (empty
    # when it changes the document alone).
    files: tuple[str, ...] = ()
    adopted: int = 0  # inline responses replaced by a $ref (--adopt)
    shrunk: int = 0  # how many bytes smaller the document got (negative: larger)
    unadoptable: int = 0  # equal inline responses left alone: they share YAML anchors
    # equal inline responses left alone for their `responses` mapping is in flow style: how
    # many, and where the first one is ("openapi.yaml:6 (GET /a)")
    in_flow: tuple[int, str] = (0, "")
    # code → how many of its inline responses --adopt left as they are, for they differ from
    # the catalog's, and where and how the first one differs
    unadopted: dict[str, tuple[int, str]] = field(default_factory=dict)

    @classmethod
    def of(cls, plan: MergePlan) -> MergeSummary:
        """The summary of a plan."""
        outcomes: dict[str, dict[str, list[str]]] = {
            outcome: {} for outcome in ("added", "updated", "replaced", "kept")}
        for (_, section, name), outcome in plan.offered:
            if outcome in outcomes:
                outcomes[outcome].setdefault(section, []).append(name)
        stale: dict[str, list[str]] = {}
        for _, section, name in plan.stale:
            stale.setdefault(section, []).append(name)
        attached: dict[str, list[str]] = {}
        new: dict[str, int] = {}
        replaced_on: dict[str, int] = {}
        kept: set[str] = set()
        for code, operation, outcome in plan.placed:
            if outcome == "kept":
                kept.add(code)
            else:
                attached.setdefault(code, []).append(operation)
                new[code] = new.get(code, 0) + (outcome in ("added", "updated"))
                replaced_on[code] = replaced_on.get(code, 0) + (outcome == "replaced")
        unattached = {
            code: ("every operation the rules select has its own response, kept"
                   " (--on-conflict keep)") if code in kept
            else "rules matched no operation" if code in plan.ruled else "no attach rules"
            for code in plan.codes if code not in attached}
        files = ([plan.document.file] if plan.changed else []) + [
            other.document.file for other in plan.files.values()]
        shrunk = 0
        if plan.adopted:
            before = len(plan.document.text.encode(plan.document.encoding))
            shrunk = before + len(plan.document.bom) - len(plan.result_bytes())
        in_flow = (0, "")
        if plan.in_flow:
            _, operation, offset = plan.in_flow[0]
            line, _ = line_start(plan.document.text, offset)
            in_flow = (len(plan.in_flow), f"{plan.document.file}:{line} ({operation})")
        unadopted: dict[str, tuple[int, str]] = {}
        for left in plan.unadopted:
            count, why = unadopted.get(left.code) or (
                0, left.why(plan.codes[left.code], plan.document))
            unadopted[left.code] = (count + 1, why)
        return cls(outcomes["added"], outcomes["updated"], outcomes["replaced"],
                   outcomes["kept"], stale, dict(sorted(attached.items())),
                   dict(sorted(new.items())), dict(sorted(replaced_on.items())),
                   dict(sorted(unattached.items())),
                   tuple(files) if plan.files else (), len(plan.adopted), shrunk,
                   len(plan.unadoptable), in_flow, dict(sorted(unadopted.items())))

    def lines(self, *, check: bool = False) -> list[str]:
        """The summary as lines for stderr (`check`: said of what a merge would do)."""
        def verb(done: str, would: str) -> str:
            return would if check else done

        lines = []
        for what, sections in (
            (verb("added", "would add"), self.added),
            (verb("updated", "would update") + " (written by an earlier merge)", self.updated),
            (verb("replaced", "would replace") + " (--on-conflict replace)", self.replaced),
            ("kept the document's (--on-conflict keep)", self.kept),
        ):
            if sections:
                lines.append(f"{what}: {_components(sections)}")
        for code, operations in self.attached.items():
            state = ", ".join(
                f"{'all' if number == len(operations) else number} {what}"
                for number, what in (
                    (self.new[code], verb("new", "to add")),
                    (self.replaced_on[code], verb("replaced", "to replace")
                     + " under --on-conflict replace"))
                if number) or "all there already"
            listed = f": {', '.join(operations)}" if len(operations) <= FEW else ""
            lines.append(f"{code} on {_count(len(operations), 'operation')} ({state}){listed}")
        lines.extend(f"{code} not attached: {why}" for code, why in self.unattached.items())
        if self.adopted:
            size = (f"{self.shrunk:,} bytes smaller" if self.shrunk >= 0
                    else f"{-self.shrunk:,} bytes larger")
            lines.append(f"{verb('replaced', 'would replace')} {self.adopted} inline"
                         f" response{'' if self.adopted == 1 else 's'} by a $ref (--adopt);"
                         f" the document {verb('is', 'would be')} {size}")
        left = verb("left", "would leave")
        if self.unadoptable:
            lines.append(f"{left} {_count(self.unadoptable, 'equal inline response')} as"
                         f" {_it(self.unadoptable, 'it is', 'they are')}: YAML anchors or"
                         f" aliases share {_it(self.unadoptable, 'it', 'them')} with other places")
        flow, first = self.in_flow
        if flow:
            lines.append(
                f"{left} {_count(flow, 'equal inline response')} as"
                f" {_it(flow, 'it is', 'they are')} (--adopt):"
                f" {_it(flow, 'its `responses` mapping is', 'their `responses` mappings are')}"
                " in flow style ({...}), which specgen does not edit entry by entry; write"
                f" {_it(flow, 'that mapping', 'those mappings')} in block style (one entry per"
                f" line) to adopt {_it(flow, 'it', 'them')}: {_it(flow, '', 'first ')}{first}")
        lines.extend(
            f"{code}: {left} {_count(count, 'inline response')} as"
            f" {_it(count, 'it is', 'they are')} (--adopt), different from the catalog's:"
            f" first {why}" for code, (count, why) in self.unadopted.items())
        if self.stale:
            lines.append(f"no longer in the catalog, left in place (remove by hand if unused):"
                         f" {_components(self.stale)}")
        lines.extend(f"{verb('changed', 'would change')} {file}" for file in self.files)
        return lines


def _it(number: int, one: str, more: str) -> str:
    return one if number == 1 else more


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _components(sections: dict[str, list[str]]) -> str:
    """`responses 2 (A, B), schemas 9` — names shown when there are few."""
    parts = []
    for section, names in sections.items():
        listed = f" ({', '.join(names)})" if len(names) <= FEW else ""
        parts.append(f"{section} {len(names)}{listed}")
    return ", ".join(parts)
