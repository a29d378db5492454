"""Benchmark `specgen diff`: on a real history against api-smart-diff, and on big catalogs.

Usage: .venv/bin/python bench/diff.py [--runs N]

1. GitHub's REST description in two published versions, two releases apart (npm
   `@octokit/openapi` 23.0.0 and 23.0.2, fetched into bench/.work/ when missing): specgen
   imports both and diffs the catalogs (three processes, timed together) against
   api-smart-diff comparing the two documents (Node, installed into bench/.node/ when missing).
   Goal (issue 18): specgen at most 0.3 of api-smart-diff's time. Also printed: how many
   entries each reports.
2. Two generated catalogs of the same size (tests/scale.py), the second with every code's
   body changed: `specgen diff` of the two files. Goal: at most 0.5 s.

Every timing is the median of N runs of fresh processes. Exit status 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import compileall
import json
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work" / "diff"
NODE = ROOT / "bench" / ".node"
SPECGEN = Path(sys.executable).with_name("specgen")
VERSIONS = ("23.0.0", "23.0.2")
PEER = "api-smart-diff@1.0.6"
sys.path.insert(0, str(ROOT))

from tests.scale import catalog  # noqa: E402 - the generator is shared with the tests

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


def _timed(commands: list[list[str]], runs: int) -> tuple[float, list[str]]:
    walls, outputs = [], []
    for _ in range(runs):
        started = time.perf_counter()
        outputs = [subprocess.run(command, check=False, capture_output=True, text=True).stdout
                   for command in commands]
        walls.append(time.perf_counter() - started)
    return statistics.median(walls), outputs


def _generated(examples: int) -> tuple[Path, Path]:
    old_data = catalog(range(400, 600), examples)
    new_data = json.loads(json.dumps(old_data))
    schema = new_data["schemas"]["Error"]  # every body changes: one field gone, one added
    schema["properties"].pop("message", None)
    schema["properties"]["doc_url"] = {"type": "string"}
    for entry in new_data["codes"].values():
        for example in entry.get("examples", []):
            body = example.get("response", {}).get("body")
            if isinstance(body, dict):
                body.pop("message", None)
    old, new = WORK / "scale-old.yaml", WORK / "scale-new.yaml"
    old.write_text(yaml.safe_dump(old_data, sort_keys=False), encoding="utf-8")
    new.write_text(yaml.safe_dump(new_data, sort_keys=False), encoding="utf-8")
    return old, new


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("npm") is None or shutil.which("node") is None:
        print("needs node and npm", file=sys.stderr)
        return 2
    compileall.compile_dir(ROOT / "specgen", quiet=1)
    old, new, script = _prepare()
    cat_old, cat_new = WORK / "github-old.yaml", WORK / "github-new.yaml"
    ours, outputs = _timed([
        [str(SPECGEN), "import", str(old), "-o", str(cat_old), "--force"],
        [str(SPECGEN), "import", str(new), "-o", str(cat_new), "--force"],
        [str(SPECGEN), "diff", str(cat_old), str(cat_new), "--format", "json",
         "--fail-on", "never"],
    ], args.runs)
    entries = len(json.loads(outputs[2])["changes"])
    theirs, peer_out = _timed([["node", str(script), str(old), str(new)]], args.runs)
    ratio = ours / theirs
    ok_history = ratio <= 0.3
    print(f"GitHub {VERSIONS[0]} -> {VERSIONS[1]}:")
    print(f"  specgen import x2 + diff: {ours:.2f} s, {entries} entries")
    print(f"  api-smart-diff:           {theirs:.2f} s, {peer_out[0].strip()} entries")
    print(f"  ratio {ratio:.2f} (goal <= 0.30: {'met' if ok_history else 'MISSED'})")
    scale_old, scale_new = _generated(3)
    big, _ = _timed([[str(SPECGEN), "diff", str(scale_old), str(scale_new), "--fail-on",
                      "never"]], args.runs)
    ok_big = big <= 0.5
    print(f"generated catalogs (200 codes, 600 examples each): specgen diff {big:.2f} s"
          f" (goal <= 0.5 s: {'met' if ok_big else 'MISSED'})")
    return 0 if ok_history and ok_big else 1


if __name__ == "__main__":
    sys.exit(main())
