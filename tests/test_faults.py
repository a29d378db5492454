"""Faults while writing: killed processes, full disks and read-only folders leave no torn file.

`specgen build` and `specgen merge --in-place` replace each file atomically, so whenever they
stop, every output is the old file or the whole new one. The kill tests run the real CLI in a
subprocess over outputs of an older catalog (so every file changes) and SIGKILL it at points
spread over its write phase, measured first on this machine by a run during which a reader
checks that every file it reads is the old one or the whole new one.
"""

from __future__ import annotations

import errno
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import SPECS, spec_bytes
from scale import catalog as scale_catalog

from specgen import load_catalog
from specgen.catalog.load import embedded_catalog_path
from specgen.catalog.models import Catalog
from specgen.cli import cli
from specgen.output import files
from specgen.output.build import MANAGED, MANIFEST, build, build_plan, manifest
from specgen.output.lock import LOCK_FILE
from specgen.output.write import as_bytes

KILLS = 5
FULL = "No space left on device"
RETRIES = 5
TEMPORARY = re.compile(r"\.(?P<name>.+)\.[^./]+\.tmp")
"""A temporary beside its target: `.<name>.<random>.tmp` (build), or
`.<name>.specgen-<pid>-<random>.tmp` (atomic_write, whose clean-up looks for that name)."""


def catalogs(codes: range, examples: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """An old and a new catalog whose outputs differ in every file; the new one drops a code."""
    old = scale_catalog(codes, examples)
    new = scale_catalog(codes[:-1], examples)
    # The version reaches the fragments, the host requests and curl, the software responses.
    new["info"]["version"] = "2.0.0"
    new["server"] = {"host": "api.example.org", "software": "specgen-test/2"}
    return old, new


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root by relative path, but the lock file a build leaves in it."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and p != root / LOCK_FILE}


def planned(data: dict[str, Any]) -> dict[str, bytes]:
    """What `specgen build` writes for this catalog."""
    plan = build_plan(Catalog.model_validate(data))
    return {**{path: as_bytes(content) for path, content in plan.items()},
            MANIFEST: manifest(plan).encode()}


def specgen(*args: str | Path) -> subprocess.Popen[bytes]:
    """Start the real CLI, as CI runs it."""
    return subprocess.Popen(
        [sys.executable, "-m", "specgen", *map(str, args)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def finish(process: subprocess.Popen[bytes]) -> None:
    """Wait for a run that must succeed."""
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()


def identity(path: Path) -> tuple[int, int, int]:
    """What changes when a file is replaced or rewritten."""
    status = path.stat()
    return status.st_ino, status.st_mtime_ns, status.st_size


def reader(root: Path, old: dict[str, bytes], new: dict[str, bytes]) -> Callable[[], None]:
    """Reads outputs as a web server or a watching tool would: each must be old or whole new.

    Files are written in sorted order, so the reader chases the writer: it rereads the first
    file that is still old (the one being written) and moves on once that file is new.
    """
    paths = sorted(set(old) & set(new))
    position = 0

    def look() -> None:
        nonlocal position
        while position < len(paths):
            relative = paths[position]
            content = (root / relative).read_bytes()
            if content == old[relative]:
                return
            assert content == new[relative], f"a reader saw a torn {relative}"
            position += 1

    return look


def write_phase(
    start: Callable[[], subprocess.Popen[bytes]],
    first: Path,
    look: Callable[[], None],
    last: Path | None = None,
) -> tuple[float, float]:
    """Seconds from launch until `first` is rewritten, and until `last` is (or the process ends).

    Meanwhile `look` reads the outputs as a web server or a watching tool would.
    """
    stamp = identity(first)
    last_stamp = identity(last) if last else None
    began = time.perf_counter()
    process = start()
    replaced = done = None
    try:
        while process.poll() is None:
            if replaced is None and identity(first) != stamp:
                replaced = time.perf_counter() - began
            if last and done is None and identity(last) != last_stamp:
                done = time.perf_counter() - began
            look()
    finally:
        if process.poll() is None:  # the reader failed: stop the writer before reporting it
            process.kill()
            process.communicate()
    ended = time.perf_counter() - began
    finish(process)
    assert replaced is not None, f"{first} was never rewritten"
    return replaced, done or ended


def kill_points(begin: float, end: float, rng: random.Random) -> list[float]:
    """KILLS delays, one at a random point in each equal slice of [begin, end]."""
    step = (end - begin) / KILLS
    return [begin + step * (index + rng.random()) for index in range(KILLS)]


def kill_after(process: subprocess.Popen[bytes], delay: float, began: float) -> bool:
    """SIGKILL the process `delay` seconds after `began`; whether it was still running."""
    time.sleep(max(0.0, began + delay - time.perf_counter()))
    running = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    return running


def assert_old_or_new(root: Path, old: dict[str, bytes], new: dict[str, bytes]) -> set[str]:
    """Every file is its old or its whole new content (or a leftover temporary); the states."""
    states = set()
    found = tree(root)
    for relative, content in found.items():
        folder, _, name = relative.rpartition("/")
        leftover = TEMPORARY.fullmatch(name)
        if leftover is not None:
            assert "/".join(filter(None, [folder, leftover["name"]])) in new, relative
            continue
        assert relative in old or relative in new, f"unexpected file {relative}"
        if content == new.get(relative):
            states.add("new")
        elif content == old.get(relative):
            states.add("old")
        else:
            pytest.fail(f"{relative} is neither the old nor the new file (torn write)")
    lost = (set(old) & set(new)) - set(found)
    assert not lost, f"files that both catalogs produce were lost: {sorted(lost)[:5]}"
    return states


@pytest.mark.slow
def test_killed_build_leaves_old_or_whole_new_files_and_the_next_build_cleans_up(
    tmp_path: Path,
) -> None:
    old_data, new_data = catalogs(range(100, 600), 1)
    (tmp_path / "old.json").write_text(json.dumps(old_data), encoding="utf-8")
    (tmp_path / "new.json").write_text(json.dumps(new_data), encoding="utf-8")
    pristine, out = tmp_path / "pristine", tmp_path / "out"
    finish(specgen("build", tmp_path / "old.json", "-o", pristine))
    old, new = tree(pristine), planned(new_data)
    # catalog.json's schema is the same for every catalog; every other file changes.
    same = {name for name, _ in set(old.items()) & set(new.items())}
    assert same == {"docs/catalog.schema.json"}, "some file would not change"

    def restore() -> None:
        # Hard links copy fast; specgen renames new files over them, so pristine stays as it
        # was (and `old` is held in memory, so a writer that broke this would still be caught).
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(pristine, out, copy_function=os.link)

    def restart() -> subprocess.Popen[bytes]:
        restore()
        return specgen("build", tmp_path / "new.json", "-o", out)

    # Staged files are renamed into place in sorted order, so the first and last of them mark
    # the phase in which a kill can leave old and new files side by side.
    restore()
    replaced, renamed = write_phase(
        lambda: specgen("build", tmp_path / "new.json", "-o", out),
        out / sorted(new)[0], reader(out, old, new), out / sorted(new)[-1],
    )
    assert tree(out) == new
    rng = random.Random(7)
    seen = []
    # Kills spread over the run, then some aimed at the short rename phase (its start moves a
    # little from run to run). Only the renames can leave old and new files side by side, and
    # they take milliseconds, so landing there is not required: the reader above and
    # test_interrupted_renames_… check that state deterministically.
    delays = kill_points(replaced / 2, renamed, rng)
    delays += [rng.uniform(replaced - 0.2, renamed + 0.05) for _ in range(RETRIES)]
    for delay in delays:
        process = restart()
        # The copy is done before the process starts: time its delay from the launch.
        if kill_after(process, delay, time.perf_counter()):
            seen.append(assert_old_or_new(out, old, new))
    assert seen, "every kill came after the build had finished"

    # A temporary file a kill left behind, whether or not one of ours did.
    leftover = out / "docs" / "codes" / f".100.md.{os.getpid():08x}1.tmp"
    leftover.write_bytes(new["docs/codes/100.md"][:10])
    finish(specgen("build", tmp_path / "new.json", "-o", out))
    assert tree(out) == new


LEFTOVER_FOLDER = re.compile(r"\.(?P<name>[a-z]+)\.[0-9a-f]{8}\.tmp")
"""The temporary folder a first build stages a whole managed folder in: `.<name>.<random>.tmp`."""


def assert_absent_or_whole(out: Path, new: dict[str, bytes]) -> set[str]:
    """Each managed folder of a first build is missing or complete; what else is there."""
    found = set()
    for entry in out.iterdir() if out.exists() else ():
        if entry.name == LOCK_FILE:
            continue
        leftover = LEFTOVER_FOLDER.fullmatch(entry.name)
        if leftover is not None:
            assert leftover["name"] in MANAGED, entry
            found.add("leftover")
            continue
        assert entry.name in MANAGED, f"unexpected {entry.name}"
        mine = {f"{entry.name}/{path}": content for path, content in tree(entry).items()}
        assert mine == {path: content for path, content in new.items()
                        if path.startswith(entry.name + "/")}, f"{entry.name} is partial"
        found.add(entry.name)
    return found


@pytest.mark.slow
def test_killed_first_build_leaves_each_folder_absent_or_whole_and_the_next_build_cleans_up(
    tmp_path: Path,
) -> None:
    """A first build stages each folder whole and renames it: a kill leaves it absent or whole."""
    data = scale_catalog(range(100, 600), 1)
    (tmp_path / "new.json").write_text(json.dumps(data), encoding="utf-8")
    new, out = planned(data), tmp_path / "out"
    began = time.perf_counter()
    finish(specgen("build", tmp_path / "new.json", "-o", out))
    took = time.perf_counter() - began
    rng = random.Random(11)
    seen = []
    for delay in kill_points(0.1 * took, took, rng):
        shutil.rmtree(out, ignore_errors=True)
        process = specgen("build", tmp_path / "new.json", "-o", out)
        if kill_after(process, delay, time.perf_counter()):
            seen.append(assert_absent_or_whole(out, new))
    assert seen, "every kill came after the build had finished"
    finish(specgen("build", tmp_path / "new.json", "-o", out))
    assert tree(out) == new  # leftover temporary folders removed, every file in place


def test_full_disk_during_a_first_build_leaves_no_output_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "new.json").write_text(json.dumps(scale_catalog(range(100, 140), 2)), "utf-8")
    real, calls = os.write, 0

    def write_until_full(fd: int, data: Any) -> int:
        nonlocal calls
        calls += 1
        if calls > 50:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data)

    monkeypatch.setattr(os, "write", write_until_full)
    result = run(tmp_path, "build", "new.json", "-o", "out")
    assert_clear_error(result, "No space left on device")
    assert not (tmp_path / "out").exists()  # as the test's name says: not even the lock


@pytest.mark.slow
def test_killed_merge_in_place_leaves_the_old_or_the_whole_merged_document(
    tmp_path: Path,
) -> None:
    spec, merged = tmp_path / "github.json", tmp_path / "merged.json"
    old = spec_bytes("github.api.github.com.json.gz")
    catalog = ("--catalog", embedded_catalog_path(), "--attach", "all")
    spec.write_bytes(old)
    finish(specgen("merge", spec, *catalog, "-o", merged))
    new = merged.read_bytes()
    assert new != old

    def restart() -> subprocess.Popen[bytes]:
        spec.write_bytes(old)
        return specgen("merge", spec, "--in-place", *catalog)

    replaced, ended = write_phase(restart, spec, reader(tmp_path, {spec.name: old},
                                                        {spec.name: new}))
    assert spec.read_bytes() == new
    # The one write is quick: aim at the end of the run, from a little before the rename.
    for delay in kill_points(replaced * 0.8, ended, random.Random(11)):
        process = restart()
        kill_after(process, delay, time.perf_counter())
        content = spec.read_bytes()
        assert content in (old, new), "the document is neither the old nor the merged one"
        for path in tmp_path.iterdir():
            assert path.name in {spec.name, merged.name} or TEMPORARY.fullmatch(path.name)


def run(folder: Path, *args: str) -> Result:
    """Run `specgen ARGS` in-process in `folder`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        return CliRunner().invoke(cli, list(args))


def old_tree(tmp_path: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """tmp_path/out built from an old catalog, tmp_path/new.json a newer one: both trees."""
    old_data, new_data = catalogs(range(400, 406), 2)
    (tmp_path / "old.json").write_text(json.dumps(old_data), encoding="utf-8")
    (tmp_path / "new.json").write_text(json.dumps(new_data), encoding="utf-8")
    assert run(tmp_path, "build", "old.json", "-o", "out").exit_code == 0
    return tree(tmp_path / "out"), planned(new_data)


def fail_after(calls: int, error: BaseException) -> Callable[..., Any]:
    """An os.replace whose call number `calls + 1` raises `error` (the others work)."""
    real = os.replace
    count = 0

    def replace(source: Any, target: Any, **kwargs: Any) -> None:
        nonlocal count
        count += 1
        if count == calls + 1:
            raise error
        real(source, target, **kwargs)

    return replace


def assert_clear_error(result: Result, message: str) -> None:
    """Exit 2, one `path: cannot write: reason` line, no traceback."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].endswith(f": cannot write: {message}"), lines
    assert "Traceback" not in result.output


def test_full_disk_during_build_exits_2_with_a_clear_message_and_no_torn_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = old_tree(tmp_path)
    monkeypatch.setattr(os, "replace", fail_after(5, OSError(errno.ENOSPC, FULL)))
    result = run(tmp_path, "build", "new.json", "-o", "out")
    assert_clear_error(result, "No space left on device")
    # Six changed files were tried in sorted order, the root's (the manifest) last (an
    # unchanged file, such as catalog.schema.json, is not written at all): the sixth failed,
    # the five before it went back.
    changed = [name for name in new if old.get(name) != new[name]]
    sixth = sorted(changed, key=lambda name: ("/" not in name, name))[5]
    assert result.stderr.startswith(str(Path("out", sixth)))
    assert tree(tmp_path / "out") == old  # all or nothing; no temporary or second name left


def test_full_disk_during_merge_in_place_keeps_the_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = tmp_path / "petstore.yaml"
    shutil.copy(SPECS / "petstore.openapi.yaml", spec)
    before = spec.read_bytes()
    monkeypatch.setattr(os, "replace", fail_after(0, OSError(errno.ENOSPC, FULL)))
    result = run(tmp_path, "merge", "petstore.yaml", "--in-place", "--attach", "all")
    assert_clear_error(result, "No space left on device")
    assert result.stderr.startswith("petstore.yaml: ")
    assert spec.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["petstore.yaml"]


def test_read_only_output_folder_gives_a_clear_error_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EROFS, simulated: as root a chmod would not stop the writes."""
    old, _ = old_tree(tmp_path)
    out = tmp_path / "out"
    real = os.open

    def read_only(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        # Creating a file (the lock, a temporary) is what a read-only mount refuses; under OUT
        # every file is created relative to a folder descriptor.
        if flags & os.O_CREAT and ("dir_fd" in kwargs or Path(path).resolve().is_relative_to(out)):
            raise OSError(errno.EROFS, "Read-only file system")
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    result = run(tmp_path, "build", "new.json", "-o", "out")
    assert_clear_error(result, "Read-only file system")
    assert tree(tmp_path / "out") == old


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_unwritable_output_folder_gives_a_clear_error_and_keeps_the_old_files(
    tmp_path: Path,
) -> None:
    old, _ = old_tree(tmp_path)
    folders = [p for p in (tmp_path / "out").rglob("*") if p.is_dir()]
    for folder in folders:
        folder.chmod(0o555)
    try:
        result = run(tmp_path, "build", "new.json", "-o", "out")
    finally:
        for folder in folders:
            folder.chmod(0o755)
    assert_clear_error(result, "Permission denied")
    assert tree(tmp_path / "out") == old


def test_temporary_name_pattern_matches_what_atomic_write_creates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kill tests recognise leftovers by name; this pins the name they look for."""
    real = os.replace
    renamed: list[str] = []

    def replace(source: Any, target: Any, **kwargs: Any) -> None:
        renamed.append(source)
        real(source, target, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    files.atomic_write(tmp_path / "100.md", "x")
    (name,) = renamed
    found = TEMPORARY.fullmatch(name)
    assert found is not None, name
    assert found["name"] == "100.md"
    leftover = files.LEFTOVER.fullmatch(name)  # what the next write's clean-up recognises
    assert leftover is not None
    assert (leftover["name"], int(leftover["pid"])) == ("100.md", os.getpid())


def test_interrupted_renames_put_every_file_back_and_the_next_build_completes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped halfway through renaming (Ctrl-C), the renames done are undone: all old files."""
    old_data, new_data = catalogs(range(100, 130), 1)
    (tmp_path / "old.json").write_text(json.dumps(old_data), encoding="utf-8")
    (tmp_path / "new.json").write_text(json.dumps(new_data), encoding="utf-8")
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(tmp_path / "old.json"), "-o", str(out)]).exit_code == 0
    old, new = tree(out), planned(new_data)
    monkeypatch.setattr(os, "replace", fail_after(len(new) // 2, KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        build(load_catalog(tmp_path / "new.json"), out)
    monkeypatch.undo()
    assert tree(out) == old
    assert runner.invoke(cli, ["build", str(tmp_path / "new.json"), "-o", str(out)]).exit_code == 0
    assert tree(out) == new
