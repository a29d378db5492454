"""Half-done work: killed parents take their forked child along, builds take turns at OUT,
a killed `merge --in-place` leaves a temporary that the next run removes, `init` is all or none.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import ROOT, SPECS, spec_bytes
from filelock import FileLock
from scale import catalog as scale_catalog

from specgen.catalog.load import embedded_catalog_path
from specgen.cli import cli
from specgen.output import lock
from specgen.output.build import MANIFEST, build_plan, manifest
from specgen.output.files import LEFTOVER
from specgen.output.lock import LOCK_FILE
from specgen.output.write import as_bytes

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def run(folder: Path, *args: str) -> Result:
    """`specgen ARGS` in-process, from `folder`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        return CliRunner().invoke(cli, list(args))


def specgen(folder: Path, *args: str | Path) -> subprocess.Popen[bytes]:
    """The real CLI in a process of its own."""
    return subprocess.Popen([sys.executable, "-m", "specgen", *map(str, args)], cwd=folder,
                            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def children(pid: int) -> list[int]:
    """The live child processes of `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue  # ended meanwhile
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie, awaiting its reaper, has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(condition: Any, limit: float, step: float = 0.005) -> bool:
    """Poll `condition()` until it is true or `limit` seconds pass; its last value."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(step)
    return True


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def plan_of(data: dict[str, Any]) -> dict[str, bytes]:
    """The tree a build of this catalog leaves (its lock file included)."""
    from specgen.catalog.models import Catalog

    plan = build_plan(Catalog.model_validate(data))
    files = {path: as_bytes(content) for path, content in plan.items()}
    return {**files, LOCK_FILE: b"", MANIFEST: manifest(plan).encode()}


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# The forked child dies with its parent.

@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_killing_a_build_kills_its_forked_child_too(tmp_path: Path) -> None:
    catalog = write_json(tmp_path / "big.json", scale_catalog(range(100, 600), 6))
    process = specgen(tmp_path, "build", catalog, "-o", "out")
    try:
        found: list[int] = []
        assert wait_for(lambda: found.extend(children(process.pid)) or found, 60), \
            "the build never forked"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        (child,) = found
        assert wait_for(lambda: not alive(child), 2.0, 0.02), "the child outlived its parent"
    finally:
        process.kill()
        process.communicate()


WATCHED = """
import os, sys, time
from specgen.output import background
background._ask_kernel = lambda: False  # as on a system without prctl
parent = os.getpid()
pid = os.fork()
if pid == 0:
    background.die_with(parent)
    time.sleep(30)
    os._exit(0)
print(pid, flush=True)
time.sleep(30)
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_without_prctl_a_watching_thread_ends_the_orphaned_child() -> None:
    process = subprocess.Popen([sys.executable, "-c", WATCHED], env=ENV, stdout=subprocess.PIPE)
    try:
        assert process.stdout is not None
        child = int(process.stdout.readline())
        assert alive(child)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        assert wait_for(lambda: not alive(child), 2.0, 0.02), "the child outlived its parent"
    finally:
        process.kill()
        process.communicate()


# One build at a time.

def held(path: Path) -> bool:
    """Whether another process holds the flock of the file."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


@pytest.fixture
def catalogs(tmp_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two small catalogs (a.json, b.json in tmp_path) whose builds differ in every file."""
    first = scale_catalog([404, 561], 1)
    second = scale_catalog([404, 561, 503], 1)
    second["server"] = {"host": "other.example.org"}
    write_json(tmp_path / "a.json", first)
    write_json(tmp_path / "b.json", second)
    return first, second


def test_a_build_waits_briefly_for_another_then_says_which_lock_it_holds(
    tmp_path: Path, catalogs: tuple[dict[str, Any], dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, _ = catalogs
    assert run(tmp_path, "build", "a.json", "-o", "out").exit_code == 0
    monkeypatch.setattr(lock, "LOCK_WAIT", 0.3)
    with FileLock(tmp_path / "out" / LOCK_FILE):
        began = time.monotonic()
        result = run(tmp_path, "build", "b.json", "-o", "out")
        waited = time.monotonic() - began
        check = run(tmp_path, "build", "a.json", "-o", "out", "--check")
    assert result.exit_code == 2
    assert result.stderr == (f"out: another specgen build is writing out"
                             f" (lock {Path('out') / LOCK_FILE})\n")
    assert waited >= 0.3
    assert tree(tmp_path / "out") == plan_of(first)  # nothing staged is left either
    assert check.exit_code == 0, check.output  # --check takes no lock


def test_two_builds_at_once_leave_the_tree_of_one_catalog_never_a_mix(
    tmp_path: Path, catalogs: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    big = scale_catalog(range(100, 600), 4)
    write_json(tmp_path / "big.json", big)
    first = specgen(tmp_path, "build", "big.json", "-o", "out")
    try:
        assert wait_for(lambda: held(tmp_path / "out" / LOCK_FILE), 60), "never locked"
        second = specgen(tmp_path, "build", "b.json", "-o", "out")
        _, err = second.communicate(timeout=120)
    finally:
        _, first_err = first.communicate(timeout=120)
    assert first.returncode == 0, first_err.decode()
    if second.returncode == 0:  # it got the lock after the first had finished
        assert tree(tmp_path / "out") == plan_of(catalogs[1])
    else:
        assert second.returncode == 2
        assert b"another specgen build is writing out" in err
        assert tree(tmp_path / "out") == plan_of(big)


def test_a_link_in_place_of_the_lock_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "elsewhere").write_text("x")
    (tmp_path / "out" / LOCK_FILE).symlink_to(tmp_path / "elsewhere")
    result = run(tmp_path, "build", "-o", "out")
    assert result.exit_code == 2
    assert "cannot write" in result.stderr
    assert (tmp_path / "elsewhere").read_text() == "x"


# Temporaries of killed writes.

def test_leftover_temporaries_of_dead_processes_go_with_the_next_write(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", "pass"], check=True)
    assert done.returncode == 0
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    spec = tmp_path / "petstore.yaml"
    spec.write_bytes((SPECS / "petstore.openapi.yaml").read_bytes())
    gone = tmp_path / f".petstore.yaml.specgen-{dead.pid}-00ff.tmp"
    kept = [tmp_path / f".petstore.yaml.specgen-{os.getpid()}-00ff.tmp",  # a live writer's
            tmp_path / f".other.yaml.specgen-{dead.pid}-00ff.tmp"]  # another file's
    for path in [gone, *kept]:
        path.write_bytes(b"half a document")
    result = run(tmp_path, "merge", "petstore.yaml", "--in-place", "--attach", "all")
    assert result.exit_code == 0, result.output
    assert not gone.exists()
    assert all(path.exists() for path in kept)
    assert LEFTOVER.fullmatch(gone.name) is not None


@pytest.mark.slow
def test_a_killed_merge_in_place_leaves_a_temporary_that_the_next_run_removes(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "github.json"
    original = spec_bytes("github.api.github.com.json.gz")
    spec.write_bytes(original)
    catalog = ("--catalog", embedded_catalog_path(), "--attach", "all")
    caught = None

    def temporary() -> list[Path]:
        return [p for p in tmp_path.iterdir() if LEFTOVER.fullmatch(p.name)]

    for _ in range(10):  # the write takes a few milliseconds: aim at it
        process = specgen(tmp_path, "merge", spec.name, "--in-place", *catalog)
        seen = wait_for(lambda p=process: temporary() or p.poll() is not None, 120, 0.0005)
        process.send_signal(signal.SIGKILL)
        process.communicate()
        if seen and temporary():
            caught = temporary()
            break
        spec.write_bytes(original)
    assert caught, "no kill landed while the temporary existed"
    assert spec.read_bytes() == original  # killed before its rename: the old document, whole
    again = specgen(tmp_path, "merge", spec.name, "--in-place", *catalog)
    _, err = again.communicate(timeout=120)
    assert again.returncode == 0, err.decode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["github.json"]


def test_a_failed_write_leaves_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    real = os.write

    def full(fd: int, data: Any) -> int:
        if len(data) > 1000:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data)

    monkeypatch.setattr(os, "write", full)
    result = run(tmp_path, "schema", "-o", "schema.json")
    assert result.exit_code == 2
    assert result.stderr == "schema.json: cannot write: No space left on device\n"
    assert list(tmp_path.iterdir()) == []


# init: all or none.

@pytest.mark.parametrize("failing", [1, 2, 3])
def test_init_that_cannot_write_one_file_writes_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: int
) -> None:
    real, calls = os.link, 0

    def link(*args: Any, **kwargs: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == failing:
            raise OSError(errno.EDQUOT, "Disk quota exceeded")
        real(*args, **kwargs)

    monkeypatch.setattr(os, "link", link)
    result = run(tmp_path, "init", "site")
    assert result.exit_code == 2
    assert "cannot write: Disk quota exceeded" in result.stderr
    assert list(tmp_path.iterdir()) == []  # not even the folder it made
    assert calls == failing  # the files linked before were taken back, not linked again


def test_init_does_not_write_through_a_dangling_link(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").symlink_to(tmp_path / "elsewhere.yml")
    result = run(tmp_path, "init", ".")
    assert result.exit_code == 2
    assert not (tmp_path / "elsewhere.yml").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mkdocs.yml"]



def test_check_takes_no_lock_and_creates_no_lock_file(
    tmp_path: Path, catalogs: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    assert run(tmp_path, "build", "a.json", "-o", "out").exit_code == 0
    (tmp_path / "out" / LOCK_FILE).unlink()
    (tmp_path / "out").chmod(0o555)  # as a read-only checkout in CI (root ignores the mode)
    try:
        result = run(tmp_path, "build", "a.json", "-o", "out", "--check")
    finally:
        (tmp_path / "out").chmod(0o755)
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "out" / LOCK_FILE).exists()
