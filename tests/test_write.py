"""Writing outputs: atomic files, plans written and compared, failures leaving old or new files."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from specgen.errors import WriteError
from specgen.output import write
from specgen.output.write import Stale, atomic_write, stale, write_plan


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


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the disk fails mid-plan, each file is the old one or the whole new one."""
    write_plan(tmp_path, {f"f{i}.txt": f"old {i}" for i in range(5)})
    real_replace = Path.replace
    calls = []

    def failing_replace(self: Path, target: Path) -> Path:
        calls.append(target)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", failing_replace)
    with pytest.raises(WriteError, match="No space left on device"):
        write_plan(tmp_path, {f"f{i}.txt": f"new {i}" * 1000 for i in range(5)})
    for name, content in _tree(tmp_path).items():
        index = name[1]
        assert content in (f"old {index}".encode(), (f"new {index}" * 1000).encode()), name
    assert sorted(_tree(tmp_path)) == [f"f{i}.txt" for i in range(5)]


def test_unwritable_folder_gives_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only output folder is reported with the file's path, not a traceback."""
    def read_only(*args: object, **kwargs: object) -> int:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(write.os, "open", read_only)
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
