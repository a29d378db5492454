"""One verify run: plan the exchanges, send them, compare, and gather the report."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..catalog.load import Loaded
from ..errors import locating
from .client import Origin, send
from .compare import Comparer, Redactor
from .plan import Selection, plan
from .report import VerifyReport

Progress = Callable[[int, int], None]
"""Called with (exchanges done, exchanges in the run) as each one completes."""


def verify_catalog(
    loaded: Loaded,
    base_url: str,
    selection: Selection,
    headers: Sequence[tuple[str, str]],
    *,
    concurrency: int,
    timeout: float,
    allow_unsafe_methods: bool,
    progress: Progress | None = None,
) -> VerifyReport:
    """Replay the selected examples of a loaded catalog against `base_url`."""
    origin = Origin.parse(base_url)
    with locating(loaded.locate):
        run = plan(loaded.catalog, selection, headers)
    redact = Redactor(run.secrets)
    done = 0

    def count(_result: object) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, len(run.exchanges))

    results = send(
        run, origin, Comparer(loaded.catalog, redact), concurrency=concurrency,
        timeout=timeout, allow_unsafe_methods=allow_unsafe_methods, on_result=count,
    )
    return VerifyReport(str(origin), results, frozenset(run.secrets))
