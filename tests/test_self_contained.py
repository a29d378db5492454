"""The repository stands alone: tests and benchmarks read nothing beside the checkout."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from conftest import ROOT


def test_reading_beside_the_checkout_fails_the_test() -> None:
    """conftest's audit hook refuses reads outside the checkout for the whole suite, so a test
    that needs a file a user's clone lacks fails here too, not only on a user's machine."""
    beside = ROOT.parent / "beside-the-checkout" / "anything.yaml"
    with pytest.raises(PermissionError, match="outside the checkout"):
        beside.read_bytes()
    with pytest.raises(PermissionError, match="outside the checkout"):
        list(ROOT.parent.iterdir())


@pytest.mark.parametrize("script", sorted((ROOT / "bench").glob("*.py")), ids=lambda p: p.name)
def test_benchmark_paths_stay_in_the_checkout(
    script: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every path a benchmark names at module level is inside the checkout (or the Python
    environment running it)."""
    spec = importlib.util.spec_from_file_location(f"bench_{script.stem}", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    paths = [value for value in vars(module).values() if isinstance(value, Path)]
    assert paths, "the benchmark names no paths: the check would prove nothing"
    allowed = (ROOT, Path(sys.prefix).resolve(), Path(sys.executable).parent)
    for path in paths:
        assert any(path.resolve().is_relative_to(root) for root in allowed), path
