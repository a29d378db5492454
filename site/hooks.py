"""MkDocs hooks of specgen's own site: reference pages generated from the code at build time.

The catalog reference comes from the models' JSON Schema and the CLI reference from the click
commands' help, so neither can drift from what specgen does.
"""

from __future__ import annotations

import click
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from specgen.catalog.models import catalog_json_schema
from specgen.cli import cli
from specgen.diff.report import rules_reference
from specgen.docs.markdown import fence
from specgen.docs.reference import schema_reference

CATALOG_PAGE = "reference/catalog.md"
CLI_PAGE = "reference/cli.md"
DIFF_RULES_PAGE = "reference/diff-rules.md"
CATALOG_INTRO = """
Every key a catalog (`specgen.yaml`) may hold. This page is generated from the catalog format's
JSON Schema, which `specgen schema` prints; point your editor at it for completion and checks:

```yaml
# yaml-language-server: $schema=specgen.schema.json
```

Unknown keys are errors, and `specgen check` reports each problem with its file, line and column.
"""


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated reference pages."""
    catalog = schema_reference(catalog_json_schema(), "Catalog reference", "Catalog")
    title, _, rest = catalog.partition("\n")
    files.append(File.generated(config, CATALOG_PAGE, content=f"{title}\n{CATALOG_INTRO}{rest}"))
    files.append(File.generated(config, CLI_PAGE, content=cli_reference(cli)))
    files.append(File.generated(config, DIFF_RULES_PAGE, content=rules_reference()))
    return files


def cli_reference(group: click.Group) -> str:
    """Markdown with the help of the group and of each of its commands, as the terminal shows it."""
    parts = ["# CLI reference\n", _help(group, "specgen")]
    for name in sorted(group.commands):
        parts.append(f"## specgen {name} {{#{name}}}\n")
        parts.append(_help(group.commands[name], f"specgen {name}"))
    return "\n".join(parts)


def _help(command: click.Command, path: str) -> str:
    # A fixed width keeps the page the same on every machine.
    context = click.Context(command, info_name=path, terminal_width=100, max_content_width=100)
    return fence(command.get_help(context), "text") + "\n"
