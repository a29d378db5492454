"""The `specgen` command: thin click wrappers, one core call per command.

The group and what its commands share are in `base`; each other module holds a group of
commands, registered on the group when it is imported here. Commands import the core they
need when they run, so `specgen merge` does not pay for the documentation renderer at start-up
(start-up is most of a merge's time on big documents).
"""

from __future__ import annotations

from . import catalog, diff, merge, outputs, verify
from .base import cli

__all__ = ["catalog", "cli", "diff", "main", "merge", "outputs", "verify"]


def main() -> None:
    """Entry point of the `specgen` console script."""
    cli(prog_name="specgen")
