"""Attach rules inferred from where a response was: few rules that select exactly the
operations that had it, so that merging the catalog back puts it where it was and nowhere else."""

from __future__ import annotations

from collections.abc import Sequence

from ..catalog.rules import Operation

_GLOB_SPECIAL = frozenset("*?[")


class Unselectable(ValueError):
    """No rule can select exactly the operations: the message names the path it cannot write."""


class OperationIndex:
    """The document's operations by position, with what rules select them by."""

    def __init__(self, operations: Sequence[Operation]) -> None:
        self.operations = list(operations)
        self.position = {op: index for index, op in enumerate(self.operations)}
        self.every = frozenset(range(len(self.operations)))
        self.secured = frozenset(i for i, op in enumerate(self.operations) if op.secured)
        tags: dict[str, set[int]] = {}
        paths: dict[str, set[int]] = {}
        for index, op in enumerate(self.operations):
            for tag in op.tags:
                tags.setdefault(tag, set()).add(index)
            paths.setdefault(op.path, set()).add(index)
        # A tag holding ',' cannot be written as a rule term.
        self.tags = {tag: frozenset(ops) for tag, ops in tags.items() if "," not in tag}
        self.paths = {path: frozenset(ops) for path, ops in paths.items()}

    def rules_for(self, chosen: Sequence[Operation]) -> list[str]:
        """The rules selecting exactly `chosen`, in the CLI's rule syntax: `all`, `secured`,
        else tags whose every operation is chosen, then whole paths, then single operations.
        Unselectable when the rule language cannot say it (paths with glob characters or
        commas)."""
        wanted = frozenset(self.position[op] for op in chosen)
        if not wanted:
            return []
        if wanted == self.every:
            return ["all"]
        if wanted == self.secured:
            return ["secured"]
        rules: list[str] = []
        left = set(wanted)
        candidates = [(tag, ops) for tag, ops in self.tags.items() if ops <= wanted]
        while left and candidates:
            tag, ops = max(candidates, key=lambda item: (len(item[1] & left), item[0]))
            if not ops & left:
                break
            rules.append(f"tag:{tag}")
            left -= ops
            candidates.remove((tag, ops))
        for index in sorted(left, key=lambda i: (self.operations[i].path,
                                                 self.operations[i].method)):
            if index not in left:
                continue
            op = self.operations[index]
            if _GLOB_SPECIAL & set(op.path) or "," in op.path:
                raise Unselectable(f"a path:GLOB term cannot name {op.path!r} (it holds '*', '?',"
                                   " '[' or ',')")
            if self.paths[op.path] <= wanted:
                rules.append(f"path:{op.path}")
                left -= self.paths[op.path]
            else:
                rules.append(f"path:{op.path},method:{op.method}")
                left.discard(index)
        return rules
