"""`python -m specgen`: the same as the `specgen` command."""

from .cli import main

main()
