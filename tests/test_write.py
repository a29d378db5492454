"""Writing outputs: atomic files, plans written and compared, failures leaving old or new files."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest

from specgen.errors import WriteError
from specgen.output import files, write
from specgen.output.files import atomic_write
from specgen.output.write import Stale, stale, write_plan


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_write_plan_writes_every_file_and_reports_them(tmp_path: Path) -> None:
    """A first write creates all files, in nested folders, byte for byte (CRLF kept)."""
    plan = {"a/x.txt": "one\r\n", "a/b/y.bin": b"\x00\xff", "z.md": "é"}
    assert sorted(write_plan(tmp_path, plan)) == sorted(plan)
    expected = {"a/x.txt": b"one\r\n", "a/b/y.bin": b"\x00\xff", "z.md": "é".encode()}
    assert _tree(tmp_path) == expected


def test_unchanged_files_are_not_rewritten(tmp_path: Path) -> None:
    """A second write of the same plan touches nothing, so file times stay meaningful."""
    plan = {"a.txt": "same"}
    write_plan(tmp_path, plan)
    os.utime(tmp_path / "a.txt", (1, 1))
    assert write_plan(tmp_path, plan) == []
    assert (tmp_path / "a.txt").stat().st_mtime == 1


def test_extra_files_are_removed_only_from_managed_folders(tmp_path: Path) -> None:
    """Files the plan no longer has go from managed folders; the user's other files stay."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "old.md").write_text("old")
    (tmp_path / "notes.txt").write_text("mine")
    changed = write_plan(tmp_path, {"docs/new.md": "new"}, managed=("docs",))
    assert sorted(changed) == ["docs/new.md", "docs/old.md"]
    assert _tree(tmp_path) == {"docs/new.md": b"new", "notes.txt": b"mine"}


def test_stale_lists_missing_changed_and_extra(tmp_path: Path) -> None:
    """stale() names each difference and writes nothing."""
    write_plan(tmp_path, {"docs/a.md": "a", "docs/b.md": "b", "docs/c.md": "c"})
    (tmp_path / "docs" / "a.md").unlink()
    (tmp_path / "docs" / "b.md").write_text("edited")
    before = _tree(tmp_path)
    found = stale(tmp_path, {"docs/a.md": "a", "docs/b.md": "b"}, managed=("docs",))
    assert found == [Stale("docs/a.md", "missing"), Stale("docs/b.md", "changed"),
                     Stale("docs/c.md", "extra")]
    assert _tree(tmp_path) == before


@pytest.mark.parametrize("name", ["../escape.txt", "/etc/passwd", "a/../../b", ""])
def test_paths_escaping_the_output_folder_are_refused_before_writing(
    tmp_path: Path, name: str
) -> None:
    """A plan with one bad path writes nothing at all."""
    out = tmp_path / "out"
    with pytest.raises(WriteError, match="escapes the output folder"):
        write_plan(out, {"good.txt": "x", name: "y"})
    assert not out.exists()


def fail_nth_rename(monkeypatch: pytest.MonkeyPatch, n: int, error: BaseException) -> list[str]:
    """Make the n-th os.replace (1-based) raise `error`; the names renamed over are listed."""
    real = os.replace
    calls: list[str] = []

    def replace(source: Any, target: Any, **kwargs: Any) -> None:
        calls.append(str(target))
        if len(calls) == n:
            raise error
        real(source, target, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    return calls


@pytest.mark.parametrize("n", [1, 3, 5, 6])
def test_a_rename_that_fails_puts_back_every_file_renamed_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, n: int
) -> None:
    """All or nothing: the n-th of 6 renames fails (the 6th moves the extra aside); the ones
    done before it are undone, the replaced files come back from their second names."""
    (tmp_path / "docs").mkdir()
    write_plan(tmp_path, {f"docs/f{i}.txt": f"old {i}" for i in range(4)} | {"docs/x.md": "x"})
    before = _tree(tmp_path)
    calls = fail_nth_rename(monkeypatch, n, OSError(errno.ENOSPC, "No space left on device"))
    new = {f"docs/f{i}.txt": f"new {i}" * 1000 for i in range(5)}  # 4 replaced, 1 new, 1 extra
    with pytest.raises(WriteError, match="No space left on device"):
        write_plan(tmp_path, new, managed=("docs",))
    renamed = [f"f{i}.txt" for i in range(min(n, 5))]
    assert calls[: len(renamed)] == renamed  # in path order
    # The n-1 done are put back: renamed from their second names, but f4, new, is removed.
    assert len(calls) == n + min(n - 1, 4)
    assert _tree(tmp_path) == before  # no temporary, no second name, nothing replaced


def test_an_interrupt_during_the_renames_puts_back_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C (KeyboardInterrupt) halfway through committing undoes the renames done."""
    write_plan(tmp_path, {f"f{i}.txt": f"old {i}" for i in range(6)})
    before = _tree(tmp_path)
    fail_nth_rename(monkeypatch, 4, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        write_plan(tmp_path, {f"f{i}.txt": f"new {i}" for i in range(6)})
    assert _tree(tmp_path) == before


def test_replace_false_never_overwrites_a_file_that_appears_after_staging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The exclusive commit (init's) links each file into place; a name taken meanwhile fails."""
    staging = write.Staging(tmp_path, replace=False)
    staging.stage({"a.txt": "mine", "b.txt": "mine"})
    (tmp_path / "b.txt").write_text("theirs")
    with pytest.raises(WriteError, match="File exists"):
        staging.commit()
    assert _tree(tmp_path) == {"b.txt": b"theirs"}


def test_unwritable_folder_gives_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only output folder is reported with the file's path, not a traceback."""
    def read_only(*args: object, **kwargs: object) -> int:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(files.os, "open", read_only)
    with pytest.raises(WriteError) as caught:
        atomic_write(tmp_path / "a.txt", "x")
    assert str(caught.value) == f"{tmp_path / 'a.txt'}: cannot write: Read-only file system"
    assert not (tmp_path / "a.txt").exists()


def test_atomic_write_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    """An executable stays executable when its content is replaced."""
    target = tmp_path / "run.sh"
    target.write_text("old")
    target.chmod(0o755)
    atomic_write(target, "new")
    assert target.read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o755
