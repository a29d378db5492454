"""Benchmark `specgen merge` of a multi-file description whose operations all live in one file.

Usage: .venv/bin/python bench/multifile.py [--runs N] [--operations N]

Generates under bench/.work/multifile/ a description of N path items (3,000 by default) whose
`get` operations are `$ref`s into one file of operations, `ops/ops.json` in one copy and
`ops/ops.yaml` in the other (the root file is the same JSON but for the extension in its
references), then times `specgen merge openapi.json --attach all --in-place` on a fresh copy of
each, as a fresh process, N times, and prints the medians, their ratio and the goal: the JSON
case within a few times (4) the YAML case and under 5 s. Exit status 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work" / "multifile"
SPECGEN = Path(sys.executable).with_name("specgen")
RATIO = 4.0
LIMIT = 5.0


def operation(index: int) -> dict[str, object]:
    """One operation of the generated file, of a realistic size (about 700 bytes as JSON)."""
    return {
        "operationId": f"getThing{index}",
        "summary": f"Read thing {index}",
        "description": f"Returns thing {index} with its attributes, owners and history.",
        "tags": [f"group{index % 40}"],
        "security": [{"token": []}],
        "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "expand", "in": "query", "schema": {"type": "array",
                                                         "items": {"type": "string"}}},
        ],
        "responses": {
            "200": {"description": "The thing.", "content": {"application/json": {
                "schema": {"type": "object", "properties": {
                    "id": {"type": "string"}, "name": {"type": "string"},
                    "owners": {"type": "array", "items": {"type": "string"}}}}}}},
            "404": {"description": "No such thing."},
        },
    }


def generate(folder: Path, operations: int, fmt: str) -> None:
    """A description of `operations` path items, each `get` a `$ref` into ops/ops.FMT."""
    (folder / "ops").mkdir(parents=True)
    paths = {f"/things{index}/{{id}}": {"get": {"$ref": f"ops/ops.{fmt}#/getThing{index}"}}
             for index in range(operations)}
    root = {"openapi": "3.0.3", "info": {"title": "Many operations in one file",
                                         "version": "1"},
            "components": {"securitySchemes": {"token": {"type": "http",
                                                         "scheme": "bearer"}}},
            "paths": paths}
    (folder / "openapi.json").write_text(json.dumps(root, indent=2) + "\n", encoding="utf-8")
    ops = {f"getThing{index}": operation(index) for index in range(operations)}
    text = (json.dumps(ops, indent=2) + "\n" if fmt == "json" else
            yaml.dump(ops, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
                      sort_keys=False, default_flow_style=False, width=100))
    (folder / "ops" / f"ops.{fmt}").write_text(text, encoding="utf-8")


def timed_merges(source: Path, runs: int) -> list[float]:
    """Wall times of `specgen merge --attach all --in-place`, each on a fresh copy (the copy
    is not timed)."""
    walls = []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this checkout's specgen
    for run in range(runs):
        copy = source.with_name(f"{source.name}-run{run}")
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(source, copy)
        started = time.perf_counter()
        done = subprocess.run([str(SPECGEN), "merge", "openapi.json", "--attach", "all",
                               "--in-place"], cwd=copy, env=env, capture_output=True,
                              text=True, check=False)
        walls.append(time.perf_counter() - started)
        if done.returncode != 0:
            sys.exit(f"specgen merge failed in {copy} ({done.returncode}): {done.stderr[-2000:]}")
        shutil.rmtree(copy)
    return walls


def main() -> int:
    """Generate, time both formats interleaved, print the figures and the goals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per case (median is used)")
    parser.add_argument("--operations", type=int, default=3000)
    args = parser.parse_args()
    compileall.compile_dir(ROOT / "specgen", quiet=1)
    shutil.rmtree(WORK, ignore_errors=True)
    sizes = {}
    for fmt in ("json", "yaml"):
        generate(WORK / fmt, args.operations, fmt)
        sizes[fmt] = (WORK / fmt / "ops" / f"ops.{fmt}").stat().st_size
    walls: dict[str, list[float]] = {"json": [], "yaml": []}
    for _ in range(args.runs):  # interleaved, so a busy moment hits both alike
        for fmt in walls:
            walls[fmt].extend(timed_merges(WORK / fmt, 1))
    print(f"{args.operations} path items, each `get` a $ref into one file of operations"
          f" ({args.runs} runs, median)")
    medians = {fmt: statistics.median(times) for fmt, times in walls.items()}
    for fmt, times in walls.items():
        print(f"  ops.{fmt:5} {sizes[fmt]:>11,} bytes   median {medians[fmt]:6.2f} s"
              f"   min {min(times):6.2f} s")
    ratio = medians["json"] / medians["yaml"]
    goals = [
        (f"JSON / YAML = {ratio:.2f} (goal <= {RATIO:g})", ratio <= RATIO),
        (f"JSON {medians['json']:.2f} s (goal < {LIMIT:g} s)", medians["json"] < LIMIT),
    ]
    for text, met in goals:
        print(("met     " if met else "NOT met ") + text)
    shutil.rmtree(WORK)
    return 0 if all(met for _, met in goals) else 1


if __name__ == "__main__":
    sys.exit(main())
