"""The mark on what specgen writes, so that a re-merge may update it and nothing else.

Every component of the catalog's fragment carries specgen's extension, `x-specgen`: a response
its code, class and attach rules; a schema, header or example `x-specgen: {generated: true}`
(see openapi.marks). A component of the document without the mark is the team's,
whatever its name, and a different version of it stays a conflict. A value that cannot carry a
mark (a boolean schema, a bare `$ref`) is the team's once merged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..openapi.marks import is_marked

if TYPE_CHECKING:
    from .plan import MergePlan, Path_

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
