"""Problem types at Twilio's scale: `specgen check`, and `specgen build` against `mkdocs build`.

Generates a catalog of 2,000 problem types over 60 status codes, three examples each (the size
of Twilio's error dictionary, tests/scale.py), then prints in one run (medians of --runs runs,
each a fresh process, interpreter start-up included):

- `specgen check` of the catalog (goal: at most 1 s), and its load+check time in one process;
  the same catalog written as YAML, for comparison;
- `specgen build` of it (2,000 problem pages, 6,000 transcript triples, fragments, catalog.json);
- `mkdocs build` of the pages it wrote, with Material, and the ratio (goal: specgen at most
  10 % of MkDocs). The problem pages stay out of the navigation (`not_in_nav`), as the plugin
  keeps them out, so that MkDocs does not render a 2,000-entry menu into each of 2,000 pages.

    python bench/problems.py [--types 2000] [--codes 60] [--examples 3] [--runs 3] [--quiet 6]
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

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work" / "problems"
sys.path.insert(0, str(HERE.parent))

import specgen  # noqa: E402 - after the path is set
from bench.scale import fresh, settle  # noqa: E402 - idle-disk waiting, shared
from specgen.docs.plan import EXTENSIONS  # noqa: E402
from specgen.docs.problem import PROBLEMS_DIR  # noqa: E402
from tests.scale import problem_catalog  # noqa: E402 - the generator is shared with the tests


def run(command: list[str], cwd: Path, quiet_s: float) -> float:
    """Wall time of one run of a command, started on a disk idle for `quiet_s` seconds (at
    most a minute's wait: on a machine shared with busy neighbours it may never be idle)."""
    settle(quiet_s, limit_s=60)
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    return time.perf_counter() - started


def main() -> None:
    """Run the benchmark and print the two figures and their goals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--types", type=int, default=2000)
    parser.add_argument("--codes", type=int, default=60)
    parser.add_argument("--examples", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quiet", type=float, default=6.0,
                        help="seconds of disk idleness to wait for before each timed run")
    args = parser.parse_args()
    if WORK.exists():
        shutil.rmtree(WORK)
        settle()
    WORK.mkdir(parents=True)
    # The timed processes run this checkout's specgen, whatever the environment has installed.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(HERE.parent), os.environ.get("PYTHONPATH")]))
    compileall.compile_dir(Path(specgen.__file__).parent, quiet=1)
    catalog = problem_catalog(args.types, args.codes, args.examples)
    (WORK / "specgen.json").write_text(json.dumps(catalog), "utf-8")
    (WORK / "specgen.yaml").write_text(
        yaml.safe_dump(catalog, sort_keys=False, allow_unicode=True), "utf-8")
    specgen_cli = [sys.executable, "-m", "specgen"]

    check_s, check_yaml_s = (statistics.median(
        run([*specgen_cli, "check", name], WORK, args.quiet) for _ in range(args.runs)
    ) for name in ("specgen.json", "specgen.yaml"))
    from specgen.catalog.load import load

    started = time.perf_counter()
    load(WORK / "specgen.json")
    in_process = time.perf_counter() - started

    build_s = statistics.median(
        run([*specgen_cli, "build", "specgen.json", "-o", fresh(WORK, "out")], WORK, args.quiet)
        for _ in range(args.runs)
    )
    (WORK / "mkdocs.yml").write_text(yaml.safe_dump({
        "site_name": "Problem types at scale",
        "docs_dir": "out-0/docs",
        "theme": {"name": "material", "font": False},
        "markdown_extensions": [{name: options} for name, options in EXTENSIONS.items()],
        "not_in_nav": f"/{PROBLEMS_DIR}/",
    }), "utf-8")
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "-q", "--strict", "-d"]
    mkdocs_s = statistics.median(
        run([*mkdocs, fresh(WORK, "site")], WORK, args.quiet) for _ in range(max(1, args.runs - 1))
    )
    docs = WORK / "out-0" / "docs"
    pages = len(list(docs.rglob("*.md")))
    transcripts = len(list((WORK / "out-0" / "transcripts").rglob("*.response.http")))
    print(f"catalog: {args.types} problem types over {args.codes} codes x {args.examples}"
          f" examples -> {pages} pages, {transcripts} transcript pairs")
    verdict = "met" if check_s <= 1.0 else "NOT met"
    print(f"specgen check : {check_s:7.2f} s  (goal <= 1 s: {verdict});"
          f" load+check in one process {in_process:.2f} s")
    print(f"  the same catalog as YAML: {check_yaml_s:.2f} s (libyaml's composer alone reads"
          " 3 MB in about half a second)")
    print(f"specgen build : {build_s:7.2f} s")
    print(f"mkdocs build  : {mkdocs_s:7.2f} s")
    ratio = build_s / mkdocs_s
    print(f"ratio         : {ratio:7.1%}  (goal <= 10%: {'met' if ratio <= 0.10 else 'NOT met'})")
    subprocess.run(["sync"], check=True)
    shutil.rmtree(WORK)


if __name__ == "__main__":
    main()
