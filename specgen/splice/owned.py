"""The mark on what a merge writes, so that a re-merge may update it and nothing else.

Every component a merge adds carries specgen's extension, `x-specgen`: a response already has
it (its code, class, attach rules); a schema, header or example gets `x-specgen: {merged:
true}`. A component of the document without the mark is the team's, whatever its name, and a
different version of it stays a conflict. A value that cannot carry a mark (a boolean schema, or
a bare `$ref`, whose siblings readers ignore) is written unmarked, and is the team's from then
on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .plan import MergePlan, Path_

EXTENSION = "x-specgen"
MARK = {"merged": True}


def marked(value: Any) -> Any:
    """A component as a merge writes it: with specgen's extension where it has none."""
    if not isinstance(value, dict) or EXTENSION in value or "$ref" in value:
        return value
    return {**value, EXTENSION: dict(MARK)}  # a fresh dict: YAML would alias a shared one


def unmarked(value: Any) -> Any:
    """A component without the mark `marked` gave it (to compare with the team's own)."""
    if isinstance(value, dict) and value.get(EXTENSION) == MARK:
        return {key: item for key, item in value.items() if key != EXTENSION}
    return value


def is_marked(value: Any) -> bool:
    """Whether a value of the document carries specgen's extension (a merge wrote it)."""
    return isinstance(value, dict) and isinstance(value.get(EXTENSION), dict)


def written_by_specgen(plan: MergePlan, sections: Iterable[str]) -> dict[Path_, Any]:
    """The components of some sections an earlier merge wrote (path → value in the document)."""
    owned: dict[Path_, Any] = {}
    for section in sections:
        node = plan.node(("components", section))
        if node is None:
            continue
        for name in node.names():
            value = node.value(name)
            if is_marked(value):
                owned["components", section, name] = value
    return owned
