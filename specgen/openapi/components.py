"""The components of a fragment as the renderer names them, each with the place of the catalog
it comes from: where `specgen merge` says a conflicting component was written. Naming and
placing happen in one call, so no component can be named without a place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .downconvert import Path
from .schemas import unique_name

Key = tuple[str, str]
"""A component: (section, name), as `components/<section>/<name>` of the fragment."""


@dataclass
class Components:
    """Components by section, and the catalog path each comes from (`origins`)."""

    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    origins: dict[Key, Path] = field(default_factory=dict)

    def section(self, section: str) -> dict[str, Any]:
        """The components of one section so far (a new, empty section if it has none)."""
        return self.sections.setdefault(section, {})

    def add(self, section: str, name: str, value: Any, origin: Path) -> str:
        """Add a component named `name`, or `name.2`, `name.3`, … when that is taken, which
        comes from `origin` in the catalog; the name it got."""
        taken = self.section(section)
        name = unique_name(name, taken)
        taken[name] = value
        self.origins[section, name] = origin
        return name
