"""Scale benchmark: `specgen build` against the `mkdocs build` that follows it.

Generates a catalog with every status code from 100 to 599 and N examples each, then times
(medians of --runs runs, each a fresh process, interpreter start-up included):

- `specgen build` of that catalog (load, check, render, write 500 pages and 5,000 transcript pairs);
- `mkdocs build` of the pages it wrote, with Material (what a team runs next);

and prints both, their ratio (goal: specgen at most 10 % of MkDocs), and specgen's time per
example at several example counts, so growth can be seen to be linear. Every timed run starts
on an idle disk, and nothing is deleted until the measurements are done (see bench/README.md).

    python bench/scale.py [--examples 10] [--runs 3]
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
WORK = HERE / ".work" / "scale"
sys.path.insert(0, str(HERE.parent))

import specgen  # noqa: E402 - after the path is set
from specgen.docs.plan import EXTENSIONS  # noqa: E402
from tests.scale import catalog  # noqa: E402 - the generator is shared with the tests


def _disk_counters() -> str | None:
    """The /proc/diskstats line of the disk holding bench/.work (None where there is none)."""
    device = WORK.parent.stat().st_dev
    wanted = [str(os.major(device)), str(os.minor(device))]
    try:
        lines = Path("/proc/diskstats").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.split(None, 2)[:2] == wanted:
            return line
    return None


def settle(quiet_s: float = 6.0, limit_s: float = 300.0) -> None:
    """Flush pending writes, then wait until the disk has been idle for `quiet_s` seconds.

    Deleting files keeps a disk mounted with `discard` busy after `sync`, in bursts at each
    journal commit (every 5 s on ext4); a run that started during one would pay for it. The
    benchmark deletes only before it starts, and waits out the bursts before every run.
    """
    subprocess.run(["sync"], check=True)
    deadline = time.monotonic() + limit_s
    before = _disk_counters()
    while True:
        time.sleep(quiet_s)
        after = _disk_counters()
        if after is None or after == before or time.monotonic() > deadline:
            return
        before = after


def run(command: list[str], cwd: Path) -> float:
    """Wall time of one run of a command (interpreter start-up included); fails loudly."""
    settle()
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    return time.perf_counter() - started


def fresh(folder: Path, name: str) -> str:
    """A name for an output folder that does not exist yet (removed with the work folder)."""
    index = 0
    while (folder / f"{name}-{index}").exists():
        index += 1
    return f"{name}-{index}"


def specgen_time(examples: int, runs: int) -> tuple[float, Path]:
    """Median time of `specgen build` into a new, empty output folder."""
    folder = WORK / fresh(WORK, f"ex{examples}")  # nothing is deleted while timing
    folder.mkdir(parents=True)
    (folder / "specgen.json").write_text(json.dumps(catalog(range(100, 600), examples)), "utf-8")
    command = [sys.executable, "-m", "specgen", "build", "specgen.json", "-o"]
    times = [run([*command, fresh(folder, "out")], folder) for _ in range(runs)]
    return statistics.median(times), folder


def phases(folder: Path) -> dict[str, float]:
    """specgen's time by phase, in one process: load and check, render, write."""
    from specgen.catalog.load import load
    from specgen.output.build import MANAGED, build_plan
    from specgen.output.write import write_plan

    settle()
    started = time.perf_counter()
    catalog_ = load(folder / "specgen.json").catalog
    loaded = time.perf_counter()
    plan = build_plan(catalog_)
    rendered = time.perf_counter()
    write_plan(folder / fresh(folder, "out"), plan, MANAGED)
    written = time.perf_counter()
    return {
        "load+check": loaded - started, "render": rendered - loaded, "write": written - rendered
    }


def main() -> None:
    """Run the benchmark and print figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if WORK.exists():  # a run that stopped early: its files go, and their discards settle
        shutil.rmtree(WORK)
        settle()
    WORK.mkdir(parents=True)
    # As `pip install` does for a wheel (an editable install under PYTHONDONTWRITEBYTECODE
    # would compile specgen's modules in every timed run); MkDocs is installed compiled.
    compileall.compile_dir(Path(specgen.__file__).parent, quiet=1)

    spec_s, folder = specgen_time(args.examples, args.runs)
    (folder / "mkdocs.yml").write_text(yaml.safe_dump({
        "site_name": "Scale benchmark",
        "docs_dir": "out-0/docs",
        "theme": {"name": "material", "font": False},
        "markdown_extensions": [{name: options} for name, options in EXTENSIONS.items()],
    }), "utf-8")
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "-q", "-d"]
    mkdocs_s = statistics.median(
        run([*mkdocs, fresh(folder, "site")], folder) for _ in range(max(1, args.runs - 1))
    )
    pages = len(list((folder / "out-0" / "docs").rglob("*.md")))
    transcripts = len(list((folder / "out-0" / "transcripts").rglob("*.request.http")))
    print(f"catalog: 500 codes x {args.examples} examples -> {pages} pages,"
          f" {transcripts} transcript pairs")
    print(f"specgen build : {spec_s:7.2f} s")
    print(f"mkdocs build  : {mkdocs_s:7.2f} s")
    ratio = spec_s / mkdocs_s
    print(f"ratio         : {ratio:7.1%}  (goal <= 10%: {'met' if ratio <= 0.10 else 'NOT met'})")
    split = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in phases(folder).items())
    print(f"specgen phases (one process, no start-up): {split}")
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
    shutil.rmtree(WORK)  # now, not at the start of the next run, where it would slow the disk


if __name__ == "__main__":
    main()
