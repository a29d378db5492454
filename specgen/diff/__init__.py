"""Catalog x catalog: what changed for the API's consumers between two versions of a catalog,
one entry per change at the level consumers think in (codes, problem types, body fields,
headers, media types, retry advice, deprecation), each with a severity from the rule table.

May import: `docs` (for the Markdown of catalog text), `openapi`, `http`, `catalog`, `text`,
`errors`.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Reading big catalogs (and importing pydantic and the models) allocates hundreds of
    thousands of containers and no garbage cycles: the cycle collector would only walk them over
    and over, a tenth of diff's time. Reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
