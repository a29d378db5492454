"""Scale benchmark: `specgen build` against the `mkdocs build` that follows it.

Generates a catalog with every status code from 100 to 599 and N examples each, then times
(medians of --runs runs, each a fresh process, interpreter start-up included):

- `specgen build` of that catalog (load, check, render, write 500 pages and 5,000 transcript pairs);
- `mkdocs build` of the pages it wrote, with Material (what a team runs next);

and prints both, their ratio (goal: specgen at most 10 % of MkDocs), and specgen's time per
example at several example counts, so growth can be seen to be linear.

    python bench/scale.py [--examples 10] [--runs 3]
"""

from __future__ import annotations

import argparse
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
WORK = HERE / ".work" / "scale"
sys.path.insert(0, str(HERE.parent))

from tests.scale import catalog  # noqa: E402 - the generator is shared with the tests


def timed(command: list[str], cwd: Path, runs: int) -> float:
    """Median wall time of `runs` runs of a command; fails loudly if the command fails."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, capture_output=True,
                       env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def specgen_time(examples: int, runs: int) -> tuple[float, Path]:
    """Median time of a fresh `specgen build` (output folder emptied before each run)."""
    folder = WORK / f"ex{examples}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "specgen.json").write_text(json.dumps(catalog(range(100, 600), examples)), "utf-8")
    times = []
    for _ in range(runs):
        shutil.rmtree(folder / "out", ignore_errors=True)
        times.append(timed([sys.executable, "-m", "specgen", "build", "specgen.json", "-o", "out"],
                           folder, 1))
    return statistics.median(times), folder


def main() -> None:
    """Run the benchmark and print figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    spec_s, folder = specgen_time(args.examples, args.runs)
    (folder / "mkdocs.yml").write_text(yaml.safe_dump({
        "site_name": "Scale benchmark",
        "docs_dir": "out/docs",
        "site_dir": "site",
        "theme": {"name": "material", "font": False},
        "markdown_extensions": [
            "admonition", "attr_list", "tables", "toc",
            {"pymdownx.superfences": {}}, {"pymdownx.tabbed": {"alternate_style": True}},
            "pymdownx.details",
        ],
    }), "utf-8")
    mkdocs_s = timed([sys.executable, "-m", "mkdocs", "build", "-q"], folder, max(1, args.runs - 1))
    pages = len(list((folder / "out" / "docs").rglob("*.md")))
    transcripts = len(list((folder / "out" / "transcripts").rglob("*.request.http")))
    print(f"catalog: 500 codes x {args.examples} examples -> {pages} pages,"
          f" {transcripts} transcript pairs")
    print(f"specgen build : {spec_s:7.2f} s")
    print(f"mkdocs build  : {mkdocs_s:7.2f} s")
    ratio = spec_s / mkdocs_s
    print(f"ratio         : {ratio:7.1%}  (goal <= 10%: {'met' if ratio <= 0.10 else 'NOT met'})")
    print("linearity (specgen build; the cost of each added example should stay flat):")
    previous: tuple[int, float] | None = None
    for count in (1, 5, args.examples, args.examples * 2):
        seconds, _ = specgen_time(count, args.runs)
        line = f"  {count:3d} examples/code: {seconds:6.2f} s"
        if previous:
            added = 500 * (count - previous[0])
            line += f", {(seconds - previous[1]) / added * 1e3:6.3f} ms per added example"
        print(line)
        previous = (count, seconds)


if __name__ == "__main__":
    main()
