"""Benchmark `specgen import` on GitHub's REST description (13 MB JSON, 1,223 operations).

Usage: .venv/bin/python bench/importer.py [--runs N]

Times the whole command in a fresh process (interpreter start-up included), N times, and prints
the median against the goal of issue 16 (at most 1.5 s) and against the floor: parsing the same
document with the standard library's json module, and with orjson when it is installed.
Exit status 1 when the goal is missed.
"""

from __future__ import annotations

import argparse
import compileall
import gzip
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
SPEC = ROOT / "tests" / "data" / "specs" / "github.api.github.com.json.gz"
SPECGEN = Path(sys.executable).with_name("specgen")
GOAL_S = 1.5


def _median(run: list[float]) -> float:
    return statistics.median(run)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    spec = WORK / "github.json"
    if not spec.exists():
        spec.write_bytes(gzip.decompress(SPEC.read_bytes()))
    compileall.compile_dir(ROOT / "specgen", quiet=1)
    out = WORK / "github-catalog.yaml"
    walls = []
    for _ in range(args.runs):
        started = time.perf_counter()
        subprocess.run([str(SPECGEN), "import", str(spec), "-o", str(out), "--force"],
                       check=True, capture_output=True)
        walls.append(time.perf_counter() - started)
    raw = spec.read_bytes()
    parses = []
    for _ in range(args.runs):
        started = time.perf_counter()
        json.loads(raw)
        parses.append(time.perf_counter() - started)
    print(f"specgen import github.json: {_median(walls):.2f} s (median of {args.runs};"
          f" goal <= {GOAL_S} s: {'met' if _median(walls) <= GOAL_S else 'MISSED'})")
    print(f"floor, json.loads alone:    {_median(parses):.2f} s")
    try:
        import orjson  # type: ignore[import-not-found]
    except ImportError:
        print("floor, orjson.loads:        (orjson not installed)")
    else:
        started = time.perf_counter()
        orjson.loads(raw)
        print(f"floor, orjson.loads:        {time.perf_counter() - started:.2f} s")
    print(f"catalog: {out.stat().st_size:,} bytes from {len(raw):,}")
    return 0 if _median(walls) <= GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
