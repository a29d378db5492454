"""Benchmark import, merge back and `merge --adopt` on GitHub's REST description (13 MB JSON).

Usage: .venv/bin/python bench/adopt.py [--runs N] [--spec NAME]

Imports the description (tests/data/specs/NAME) to a catalog, then times, each command in a
fresh process (interpreter start-up included) and N times:

- `specgen merge SPEC --catalog CATALOG --check`: the inverse of import, which must find the
  document up to date (exit 0);
- `specgen merge SPEC --catalog CATALOG --adopt -o OUT`: inline responses equal to the catalog's
  replaced by $refs to shared components;

and prints the medians, the document's size before and after --adopt, the bytes saved and how
many responses were replaced. Exit status 1 when the merge back is not up to date.
"""

from __future__ import annotations

import argparse
import compileall
import gzip
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
SPECS = ROOT / "tests" / "data" / "specs"
SPECGEN = Path(sys.executable).with_name("specgen")


def timed(command: list[str], runs: int) -> tuple[float, subprocess.CompletedProcess[str]]:
    """The median wall time of a command over `runs` runs, and its last run."""
    walls = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        walls.append(time.perf_counter() - started)
    return statistics.median(walls), done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--spec", default="github.api.github.com.json.gz")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    raw = (SPECS / args.spec).read_bytes()
    spec = WORK / ("adopt-" + args.spec.removesuffix(".gz"))
    spec.write_bytes(gzip.decompress(raw) if args.spec.endswith(".gz") else raw)
    compileall.compile_dir(ROOT / "specgen", quiet=1)
    catalog = WORK / "adopt-catalog.yaml"
    out = WORK / ("adopted-" + spec.name)
    imported, _ = timed([str(SPECGEN), "import", str(spec), "-o", str(catalog), "--force"],
                        args.runs)
    base = [str(SPECGEN), "merge", str(spec), "--catalog", str(catalog)]
    checked, check = timed([*base, "--check"], args.runs)
    adopted, adopt = timed([*base, "--adopt", "-o", str(out)], args.runs)
    if adopt.returncode:
        print(adopt.stderr, file=sys.stderr)
        return 2
    found = re.search(r"replaced (\d+) inline responses?", adopt.stderr)
    before, after = spec.stat().st_size, out.stat().st_size
    print(f"{spec.name}: medians of {args.runs} runs")
    print(f"specgen import:               {imported:.2f} s")
    print(f"specgen merge --check (back): {checked:.2f} s, exit {check.returncode}"
          f" ({'up to date' if check.returncode == 0 else 'NOT up to date'})")
    print(f"specgen merge --adopt:        {adopted:.2f} s,"
          f" {found.group(1) if found else 0} inline responses replaced by a $ref")
    print(f"size before: {before:,} bytes; after: {after:,} bytes;"
          f" saved: {before - after:,} bytes ({(before - after) / before:.3%})")
    return 1 if check.returncode else 0


if __name__ == "__main__":
    sys.exit(main())
