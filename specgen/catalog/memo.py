"""Values derived from a catalog, computed once per catalog object.

Pages show the transcripts and OpenAPI snippets that other outputs also render; without a memo a
build of n codes would render them again for every page. Catalogs are not changed once loaded,
so the object itself is a safe key; its entries go when the catalog is garbage-collected.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from .models import Catalog

T = TypeVar("T")
_store: dict[int, dict[Hashable, Any]] = {}


def derived(catalog: Catalog, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()` the first time this catalog object asks for `key`; the same value after."""
    values = _store.get(id(catalog))
    if values is None:
        values = _store[id(catalog)] = {}
        weakref.finalize(catalog, _store.pop, id(catalog), None)
    if key not in values:
        values[key] = compute()
    return values[key]  # type: ignore[no-any-return]
