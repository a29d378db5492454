"""A merge as an OpenAPI Overlay 1.0 document: the same change, for pipelines applying overlays."""

from __future__ import annotations

import json
import re
from typing import Any

from .plan import MergePlan, Path_

OVERLAY_VERSION = "1.0.0"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def jsonpath(path: Path_) -> str:
    """A JSONPath selecting exactly the mapping at `path` (bracket notation where names need it)."""
    parts = ["$"]
    for part in path:
        if _NAME.fullmatch(part):
            parts.append("." + part)
        elif "'" in part or "\\" in part:
            parts.append("[" + json.dumps(part) + "]")
        else:
            parts.append(f"['{part}']")
    return "".join(parts)


def overlay(plan: MergePlan, title: str = "specgen merge") -> dict[str, Any]:
    """The overlay whose actions, applied to the document, give the merged document."""
    actions: list[dict[str, Any]] = []
    for path, key, value in plan.replacements:
        # Overlay updates merge into what is there, so a replacement removes the old value first.
        actions.append({"target": jsonpath((*path, key)), "remove": True})
        actions.append({"target": jsonpath(path), "update": {key: value}})
    for path, entries in plan.additions.items():
        actions.append({"target": jsonpath(path), "update": entries})
    return {
        "overlay": OVERLAY_VERSION,
        "info": {"title": title, "version": "1.0.0"},
        "actions": actions,
    }
