"""Benchmark `specgen diff`: on a real history against api-smart-diff, and on big catalogs.

Usage: .venv/bin/python bench/diff.py [--runs N] [--generated-only]

1. GitHub's REST description in two published versions, two releases apart (npm
   `@octokit/openapi` 23.0.0 and 23.0.2, fetched into bench/.work/ when missing): specgen
   imports both and diffs the catalogs (three processes, timed together) against
   api-smart-diff comparing the two documents (Node, installed into bench/.node/ when missing).
   Goal (issue 18): specgen at most 0.3 of api-smart-diff's time. Also printed: how many
   entries each reports. Skipped with --generated-only.
2. Two catalogs of 2,000 problem types (tests/scale.py `problem_catalog`, the #13 benchmark's
   generator), the second with changes consumers see: a field removed from the shared error
   schema, a problem type removed and one added, one's retryable flipped, one's title changed,
   one deprecated with a sunset, a header added to a code. `specgen diff` of the two, written as
   JSON and as YAML. Goal (issue 18): at most 0.5 s. Printed beside it, for scale: the
   interpreter starting, importing click and validating a first pydantic model (which any
   command that validates a catalog pays), and parsing both files whole, with `json.loads`
   for JSON and libyaml's composer (`yaml.compose`, CSafeLoader) for YAML (diff parses a YAML
   file's problem types only where the two files write them differently).

Every timing is the median of N runs of fresh processes, interpreter start-up included.
Exit status 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import compileall
import copy
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work" / "diff"
NODE = ROOT / "bench" / ".node"
SPECGEN = Path(sys.executable).with_name("specgen")
VERSIONS = ("23.0.0", "23.0.2")
PEER = "api-smart-diff@1.0.6"
sys.path.insert(0, str(ROOT))

from tests.scale import problem_catalog  # noqa: E402 - the generator is shared with the tests

PEER_SCRIPT = """
const fs = require("fs");
const { apiCompare } = require("api-smart-diff");
const before = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const after = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const { diffs } = apiCompare(before, after);
console.log(diffs.length);
"""


def _github(version: str) -> Path:
    target = WORK / f"github-{version}.json"
    if not target.exists():
        packed = subprocess.run(
            ["npm", "pack", f"@octokit/openapi@{version}", "--pack-destination", str(WORK)],
            check=True, capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]
        with tarfile.open(WORK / packed) as archive:
            member = archive.extractfile("package/generated/api.github.com.json")
            assert member is not None
            target.write_bytes(member.read())
        (WORK / packed).unlink()
    return target


def _prepare() -> tuple[Path, Path, Path]:
    WORK.mkdir(parents=True, exist_ok=True)
    if not (NODE / "node_modules" / "api-smart-diff").is_dir():
        NODE.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(NODE), "--no-save", PEER],
                       check=True, capture_output=True)
    script = NODE / "asd-compare.cjs"
    script.write_text(PEER_SCRIPT, encoding="utf-8")
    old, new = (_github(version) for version in VERSIONS)
    return old, new, script


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(commands: list[list[str]], runs: int) -> tuple[float, float, list[str]]:
    """Median wall time and CPU time (of the processes, which other load on the machine
    inflates less) of running the commands one after the other, and their last outputs."""
    walls, cpus, outputs = [], [], []
    for _ in range(runs):
        started, used = time.perf_counter(), _cpu()
        outputs = [subprocess.run(command, check=False, capture_output=True, text=True).stdout
                   for command in commands]
        walls.append(time.perf_counter() - started)
        cpus.append(_cpu() - used)
    return statistics.median(walls), statistics.median(cpus), outputs


def _generated() -> dict[str, tuple[Path, Path]]:
    """The two problem catalogs, as JSON and as YAML files, by format."""
    old = problem_catalog(2000, 60, 3)
    new: Any = copy.deepcopy(old)
    del new["schemas"]["Problem"]["properties"]["instance"]
    codes = new["codes"]
    del codes[400]["problems"]["error-00000"]
    codes[401]["problems"]["error-00001"]["retryable"] = True
    codes[402]["problems"]["error-00002"]["title"] = "Payment declined"
    codes[403]["problems"]["error-00003"]["deprecated"] = {"since": "2026-01",
                                                             "sunset": "2027-01"}
    codes[404]["problems"]["error-02000"] = {"title": "Item archived",
                                               "detail": "The item was archived."}
    codes[429]["headers"] = {"Retry-After": {"required": True, "schema": {"type": "integer"}}}
    files = {}
    for suffix in ("json", "yaml"):
        paths = WORK / f"problems-old.{suffix}", WORK / f"problems-new.{suffix}"
        for path, data in zip(paths, (old, new), strict=True):
            if suffix == "json":
                text = json.dumps(data, indent=2, ensure_ascii=False)
            else:
                text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
            path.write_text(text, encoding="utf-8")
        files[suffix] = paths
    return files


# What any command that validates a catalog pays before its own work: pydantic imports its
# machinery on the first model.
STARTUP = "import click\nfrom pydantic import BaseModel\nclass M(BaseModel):\n    x: int\nM(x=1)"
# Without the cycle collector, as diff runs: with it, composing YAML takes a third longer.
PARSERS = {
    "json": "import gc, json, sys\ngc.disable()\nfor name in sys.argv[1:]:\n"
            "    with open(name, 'rb') as f:\n        json.loads(f.read())",
    "yaml": "import gc, sys, yaml\ngc.disable()\nfor name in sys.argv[1:]:\n"
            "    with open(name, encoding='utf-8') as f:\n"
            "        yaml.compose(f.read(), Loader=yaml.CSafeLoader)",
}


def _big_catalogs(runs: int) -> bool:
    """Time diff of the two problem catalogs in each format, with the floors; True: goal met."""
    met = True
    print("two catalogs of 2,000 problem types (60 codes, 6,000 examples each):")
    for suffix, (old, new) in _generated().items():
        wall, cpu, outputs = _timed([[str(SPECGEN), "diff", str(old), str(new), "--format",
                                      "json", "--fail-on", "never"]], runs)
        entries = len(json.loads(outputs[0])["changes"])
        startup, _, _ = _timed([[sys.executable, "-c", STARTUP]], runs)
        parse, _, _ = _timed([[sys.executable, "-c", PARSERS[suffix], str(old), str(new)]],
                             runs)
        size = old.stat().st_size / 1e6
        ok = wall <= 0.5
        met = met and ok
        parser = "json.loads" if suffix == "json" else "libyaml's yaml.compose"
        print(f"  {suffix.upper()} ({size:.1f} MB each): specgen diff {wall:.2f} s (CPU"
              f" {cpu:.2f} s), {entries} entries (goal <= 0.5 s: {'met' if ok else 'MISSED'})")
        print(f"    for scale: interpreter + click + a first pydantic model {startup:.2f} s;"
              f" interpreter + {parser} of both files whole {parse:.2f} s")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--generated-only", action="store_true",
                        help="only the generated catalogs (no Node, no download)")
    args = parser.parse_args()
    compileall.compile_dir(ROOT / "specgen", quiet=1)
    WORK.mkdir(parents=True, exist_ok=True)
    ok_history = True
    if not args.generated_only:
        if shutil.which("npm") is None or shutil.which("node") is None:
            print("needs node and npm (or --generated-only)", file=sys.stderr)
            return 2
        ok_history = _history(args.runs)
    ok_big = _big_catalogs(args.runs)
    return 0 if ok_history and ok_big else 1


def _history(runs: int) -> bool:
    """Time import x2 + diff of two GitHub releases against api-smart-diff; True: goal met."""
    old, new, script = _prepare()
    cat_old, cat_new = WORK / "github-old.yaml", WORK / "github-new.yaml"
    ours, _, outputs = _timed([
        [str(SPECGEN), "import", str(old), "-o", str(cat_old), "--force"],
        [str(SPECGEN), "import", str(new), "-o", str(cat_new), "--force"],
        [str(SPECGEN), "diff", str(cat_old), str(cat_new), "--format", "json",
         "--fail-on", "never"],
    ], runs)
    entries = len(json.loads(outputs[2])["changes"])
    theirs, _, peer_out = _timed([["node", str(script), str(old), str(new)]], runs)
    ratio = ours / theirs
    print(f"GitHub {VERSIONS[0]} -> {VERSIONS[1]}:")
    print(f"  specgen import x2 + diff: {ours:.2f} s, {entries} entries")
    print(f"  api-smart-diff:           {theirs:.2f} s, {peer_out[0].strip()} entries")
    print(f"  ratio {ratio:.2f} (goal <= 0.30: {'met' if ratio <= 0.3 else 'MISSED'})")
    return ratio <= 0.3


if __name__ == "__main__":
    sys.exit(main())
