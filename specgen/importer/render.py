"""The imported catalog as a commented YAML file."""

from __future__ import annotations

import re

from ..text.yamldump import to_yaml
from .assemble import Imported

_CODE_KEY = re.compile(r"^  (\d{3}):$", re.M)


def catalog_yaml(imported: Imported, schema: str | None = None) -> str:
    """YAML of the catalog, with a header saying where it came from and a comment above each
    code saying which responses it was made from. Comments hold only specgen's own words and
    numbers: names from the document go into values, which the dumper quotes. `schema`: the
    file of the catalog format's JSON Schema, named on the first line for editors
    (yaml-language-server); None: no such line."""
    text = to_yaml(imported.data)

    def comment(match: re.Match[str]) -> str:
        where = imported.sources.get(int(match.group(1)))
        return f"  # from {where}\n{match.group(0)}" if where else match.group(0)

    header = (
        (f"# yaml-language-server: $schema={schema}\n" if schema else "")
        + "# A specgen catalog imported from an OpenAPI document by `specgen import`.\n"
        "# Check it with `specgen check`; `specgen merge` puts its responses back.\n"
    )
    return header + _CODE_KEY.sub(comment, text)
