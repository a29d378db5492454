"""Benchmark `specgen merge` against openapi-merge-cli and Redocly `join` on GitHub's REST API.

Usage: .venv/bin/python bench/merge.py [--runs N]

Prepares bench/.work/ (the 13 MB JSON, a block-style YAML copy, the catalog's fragment for the
peers), installs the Node peers into bench/.node/ with npm when missing, then runs every tool as
a separate process, side by side, N times, and prints median wall time, peak RSS and the ratios
the goals are stated in. Exit status 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import compileall
import gzip
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

import specgen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.node import NODE, REDOCLY, install  # noqa: E402 - shared with the tests

WORK = ROOT / "bench" / ".work"
SPEC = ROOT / "tests" / "data" / "specs" / "github.api.github.com.json.gz"
PEERS = ("openapi-merge-cli@2.0.2", REDOCLY)
SPECGEN = Path(sys.executable).with_name("specgen")


@dataclass
class Result:
    """Wall times (s) and the largest peak RSS (MB) of one command's runs."""

    name: str
    walls: list[float]
    peak_mb: float

    @property
    def median(self) -> float:
        return statistics.median(self.walls)


def prepare() -> None:
    """Inputs in bench/.work/ and the Node peers in bench/.node/, made once."""
    WORK.mkdir(parents=True, exist_ok=True)
    github_json = WORK / "github.json"
    if not github_json.exists():
        github_json.write_bytes(gzip.decompress(SPEC.read_bytes()))
    github_yaml = WORK / "github.yaml"
    if not github_yaml.exists():
        data = json.loads(github_json.read_text(encoding="utf-8"))
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        text = yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True,
                         default_flow_style=False, width=100)
        github_yaml.write_text(text, encoding="utf-8")
    # As `pip install` does for a wheel: an editable install run with PYTHONDONTWRITEBYTECODE
    # would otherwise compile specgen's modules anew in every timed run.
    compileall.compile_dir(Path(specgen.__file__).parent, quiet=1)
    for fmt in ("json", "yaml"):
        subprocess.run([str(SPECGEN), "openapi", "--oas", "3.0", "--format", fmt,
                        "-o", str(WORK / f"fragment.{fmt}")], check=True, stderr=subprocess.DEVNULL)
    config = {"inputs": [{"inputFile": "github.json"}, {"inputFile": "fragment.json"}],
              "output": "out-omc.json"}
    (WORK / "openapi-merge.json").write_text(json.dumps(config), encoding="utf-8")
    try:
        install(*PEERS)
    except RuntimeError as exc:
        sys.exit(str(exc))


def measure(name: str, command: list[str], runs: int) -> Result:
    """Run a command `runs` times in bench/.work/, timing each and reading its peak RSS."""
    walls, peak = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=WORK, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        walls.append(time.perf_counter() - start)
        if status != 0:
            stderr = process.stderr.read().decode() if process.stderr else ""
            sys.exit(f"{name} failed ({status}): {stderr[-2000:]}")
        if process.stderr:
            process.stderr.close()
        peak = max(peak, usage.ru_maxrss)  # kilobytes on Linux
    return Result(name, walls, peak / 1024)


def main() -> int:
    """Prepare, measure side by side, print the table and the goals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per command (median is used)")
    args = parser.parse_args()
    prepare()
    bin_ = NODE / "node_modules" / ".bin"  # installed by prepare()
    commands = {
        "specgen merge (JSON)": [str(SPECGEN), "merge", "github.json", "--attach", "all",
                                 "-o", "out-specgen.json"],
        "openapi-merge-cli (JSON)": [str(bin_ / "openapi-merge-cli"), "--config",
                                     "openapi-merge.json"],
        "redocly join (JSON)": [str(bin_ / "redocly"), "join", "github.json", "fragment.json",
                                "-o", "out-redocly.json"],
        "specgen merge (YAML)": [str(SPECGEN), "merge", "github.yaml", "--attach", "all",
                                 "-o", "out-specgen.yaml"],
        "redocly join (YAML)": [str(bin_ / "redocly"), "join", "github.yaml", "fragment.yaml",
                                "-o", "out-redocly.yaml"],
        # What specgen's forked child does (load and check the catalog) as a process of its
        # own: its peak RSS adds to the parent's, since the two run at the same time.
        "specgen catalog side": [sys.executable, "-c", "from specgen.cli.merge import"
                                 " merge_fragment; merge_fragment(None, '3.0', 'github.yaml')"],
    }
    # Interleave the tools run by run, so a busy moment of the machine hits all of them alike.
    results = {name: Result(name, [], 0.0) for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            one = measure(name, command, 1)
            results[name].walls.extend(one.walls)
            results[name].peak_mb = max(results[name].peak_mb, one.peak_mb)
    print(f"{'command':28} {'median s':>9} {'min s':>7} {'peak MB':>8}   ({args.runs} runs)")
    for result in results.values():
        print(f"{result.name:28} {result.median:9.2f} {min(result.walls):7.2f}"
              f" {result.peak_mb:8.0f}")
    json_ratio = results["specgen merge (JSON)"].median / results["openapi-merge-cli (JSON)"].median
    yaml_ratio = results["specgen merge (YAML)"].median / results["redocly join (YAML)"].median
    peak = max(results["specgen merge (JSON)"].peak_mb, results["specgen merge (YAML)"].peak_mb)
    peak += results["specgen catalog side"].peak_mb
    redocly_peak = min(results["redocly join (JSON)"].peak_mb,
                       results["redocly join (YAML)"].peak_mb)
    goals = [
        (f"JSON: specgen / openapi-merge-cli = {json_ratio:.2f} (goal <= 0.50)", json_ratio <= 0.5),
        (f"YAML: specgen / redocly join = {yaml_ratio:.2f} (goal < 1)", yaml_ratio < 1),
        (f"peak RSS: specgen {peak:.0f} MB (both processes) vs redocly {redocly_peak:.0f} MB"
         " (goal: below)",
         peak < redocly_peak),
    ]
    for text, met in goals:
        print(("met     " if met else "MISSED  ") + text)
    return 0 if all(met for _, met in goals) else 1


if __name__ == "__main__":
    sys.exit(main())
