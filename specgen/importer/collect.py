"""The error responses of a document: which operation has which response for which code."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..catalog.rules import METHODS, Operation
from .document import Document


@dataclass(frozen=True)
class Op:
    """An operation as import needs it: what rules see, and what builds an example request."""

    operation: Operation
    item: dict[str, Any]  # the path item (for shared parameters)
    data: dict[str, Any]  # the operation object


@dataclass
class Variant:
    """One distinct response for a code, and the operations that have it."""

    response: dict[str, Any]  # the resolved Response Object
    component: str | None  # its components.responses name, when it is one
    ops: list[Op] = field(default_factory=list)


@dataclass
class CodeResponses:
    """Everything the document says under one status code."""

    code: int
    variants: list[Variant]

    @property
    def chosen(self) -> Variant:
        """The response the catalog takes: the one most operations have (a shared component
        first when counts tie)."""
        return max(self.variants, key=lambda v: (len(v.ops), v.component is not None))


def selected(code: int, classes: frozenset[str]) -> bool:
    """Whether `--codes` (e.g. {'4xx', '503'}) selects the code."""
    return str(code) in classes or f"{code // 100}xx" in classes


def operations(document: Document) -> list[Op]:
    """Every operation under `paths`, in document order."""
    found = []
    default_security = document.data.get("security")
    for path, item in (document.data.get("paths") or {}).items():
        item, _ = document.resolve(item)
        if not isinstance(item, dict) or not isinstance(path, str):
            continue
        for method in METHODS:
            data = item.get(method)
            if not isinstance(data, dict):
                continue
            data, _ = document.resolve(data)
            tags = tuple(t for t in data.get("tags") or [] if isinstance(t, str))
            security = data.get("security", default_security)
            # As merge decides it: some requirement of the operation asks for credentials.
            secured = isinstance(security, list) and any(bool(s) for s in security)
            found.append(Op(Operation(path, method, tags, secured), item, data))
    return found


def _key(response: dict[str, Any]) -> str:
    return json.dumps(response, sort_keys=True, default=str)


def collect(document: Document, ops: list[Op], classes: frozenset[str]) -> list[CodeResponses]:
    """The selected error codes with their distinct responses; components.responses that no
    operation uses count too, as variants without operations."""
    by_code: dict[int, dict[str, Variant]] = {}
    for op in ops:
        for key, raw in (op.data.get("responses") or {}).items():
            code = int(key) if str(key).isdigit() and len(str(key)) == 3 else None
            if code is None or not 100 <= code <= 599 or not selected(code, classes):
                continue
            response, ref = document.resolve(raw)
            if not isinstance(response, dict):
                continue
            component = ref.rsplit("/", 1)[-1] if ref and ref.startswith(
                "#/components/responses/") else None
            variants = by_code.setdefault(code, {})
            variant = variants.setdefault(_key(response), Variant(response, component))
            variant.component = variant.component or component
            variant.ops.append(op)
    return [CodeResponses(code, list(variants.values())) for code, variants in
            sorted(by_code.items())]


def differing(codes: list[CodeResponses]) -> Counter[int]:
    """For each code with more than one distinct response, how many were left out."""
    return Counter({c.code: len(c.variants) - 1 for c in codes if len(c.variants) > 1})
