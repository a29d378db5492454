"""Hostile output paths: nothing specgen writes or removes leaves the target the user named.

Links inside OUT (to folders or files, dangling, looping, appearing mid-build) are refused,
never followed; FIFOs, sockets and devices named as outputs are refused without being opened;
an output that is also an input is refused before any work.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import DATA, SPECS
from scale import catalog as scale_catalog

from specgen import load_catalog
from specgen.catalog.load import embedded_catalog_path
from specgen.cli import cli
from specgen.errors import WriteError
from specgen.output import write
from specgen.output.build import build, build_plan
from specgen.output.write import as_bytes, stale
from specgen.text.render import dump_yaml

LINK = "is a symbolic link; specgen does not follow links inside the folder it writes"


def run(folder: Path, *args: str) -> Result:
    """`specgen ARGS` in-process, from `folder`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        return CliRunner().invoke(cli, list(args))


def snapshot(root: Path) -> dict[str, tuple[int, bytes | str]]:
    """Every entry under root, links as their targets, files with content: to show no change."""
    found: dict[str, tuple[int, bytes | str]] = {}
    for path in sorted(root.rglob("*")):
        status = path.lstat()
        relative = path.relative_to(root).as_posix()
        if stat.S_ISLNK(status.st_mode):
            found[relative] = (status.st_mode, str(path.readlink()))
        elif stat.S_ISREG(status.st_mode):
            found[relative] = (status.st_mode, path.read_bytes())
        else:
            found[relative] = (status.st_mode, b"")
    return found


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """tmp_path with catalog.yaml built into out/, and a folder `outside` holding a file."""
    (tmp_path / "catalog.yaml").write_text(dump_yaml(scale_catalog([404, 561], 1)), "utf-8")
    assert run(tmp_path, "build", "catalog.yaml", "-o", "out").exit_code == 0
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "bashrc").write_text("export SAFE=1\n", "utf-8")
    return tmp_path


def edit(site: Path) -> None:
    """Change the catalog so that every output changes on the next build."""
    data = scale_catalog([404, 561], 1)
    data["server"] = {"host": "changed.example.org"}
    (site / "catalog.yaml").write_text(dump_yaml(data), "utf-8")


def assert_refused(site: Path, result: Result, link: str) -> None:
    """Exit 2 naming the link; nothing outside changed and the output as it was."""
    assert result.exit_code == 2, result.output
    assert f"{Path(link)}: {LINK}" in result.stderr
    assert "Traceback" not in result.output
    assert (site / "outside" / "bashrc").read_bytes() == b"export SAFE=1\n"


@pytest.mark.parametrize("check", [False, True], ids=["build", "check"])
def test_a_managed_folder_that_links_outside_is_refused_and_nothing_is_written_there(
    site: Path, check: bool
) -> None:
    shutil.rmtree(site / "out" / "docs")
    (site / "out" / "docs").symlink_to(site / "outside")
    before = snapshot(site / "outside")
    edit(site)
    result = run(site, "build", "catalog.yaml", "-o", "out", *(["--check"] if check else []))
    assert_refused(site, result, "out/docs")
    assert snapshot(site / "outside") == before


def test_a_nested_folder_link_is_refused(site: Path) -> None:
    shutil.rmtree(site / "out" / "docs" / "codes")
    (site / "out" / "docs" / "codes").symlink_to(site / "outside", target_is_directory=True)
    edit(site)
    result = run(site, "build", "catalog.yaml", "-o", "out")
    assert_refused(site, result, "out/docs/codes")
    assert [p.name for p in (site / "outside").iterdir()] == ["bashrc"]


def test_a_file_link_to_a_file_outside_is_refused_and_the_file_kept(site: Path) -> None:
    page = site / "out" / "docs" / "index.md"
    page.unlink()
    page.symlink_to(site / "outside" / "bashrc")
    edit(site)
    result = run(site, "build", "catalog.yaml", "-o", "out")
    assert_refused(site, result, "out/docs/index.md")
    assert page.is_symlink()
    assert (site / "outside" / "bashrc").read_text("utf-8") == "export SAFE=1\n"


@pytest.mark.parametrize("kind", ["dangling", "loop"])
def test_dangling_and_looping_links_where_a_file_belongs_are_refused(
    site: Path, kind: str
) -> None:
    page = site / "out" / "openapi" / "fragment-3.1.yaml"
    page.unlink()
    if kind == "dangling":
        page.symlink_to(site / "outside" / "created-by-specgen")
    else:
        page.symlink_to(page.with_name("other"))
        page.with_name("other").symlink_to(page)
    result = run(site, "build", "catalog.yaml", "-o", "out")
    assert_refused(site, result, "out/openapi/fragment-3.1.yaml")
    assert not (site / "outside" / "created-by-specgen").exists()


def test_a_link_left_in_a_managed_folder_is_not_followed_by_the_clean_up(site: Path) -> None:
    """An extra entry that links to a folder outside: the clean-up deletes nothing there."""
    (site / "outside" / "keep.http").write_bytes(b"precious")
    (site / "out" / "transcripts" / "999").symlink_to(site / "outside")
    (site / "out" / "transcripts" / "old.http").symlink_to(site / "outside" / "keep.http")
    result = run(site, "build", "catalog.yaml", "-o", "out")
    assert result.exit_code == 2
    assert LINK in result.stderr
    assert sorted(p.name for p in (site / "outside").iterdir()) == ["bashrc", "keep.http"]
    assert (site / "out" / "transcripts" / "999").is_symlink()


def test_a_link_swapped_in_after_staging_cannot_redirect_the_renames(site: Path) -> None:
    """The race: a folder replaced by a link between staging and commit. Every rename is made
    in the folder opened before, or refused; nothing reaches the link's target."""
    edit(site)
    catalog = load_catalog(site / "catalog.yaml")
    out = site / "out"
    staging = write.Staging(out)
    staging.stage(build_plan(catalog), ("docs", "openapi", "transcripts"))
    staging.close()  # no descriptor kept: the commit opens each folder anew, without following
    (out / "docs" / "codes").rename(out / "docs" / "codes.moved")
    (out / "docs" / "codes").symlink_to(site / "outside")
    with pytest.raises(WriteError, match="is a symbolic link"):
        staging.commit()
    assert [p.name for p in (site / "outside").iterdir()] == ["bashrc"]


def test_out_itself_may_be_a_link_the_user_chose(site: Path) -> None:
    """OUT is the user's target: a link there is followed, and the build lands at its end."""
    (site / "real").mkdir()
    (site / "link").symlink_to(site / "real")
    result = run(site, "build", "catalog.yaml", "-o", "link")
    assert result.exit_code == 0, result.output
    assert (site / "real" / "docs" / "index.md").is_file()
    assert (site / "link").is_symlink()


def test_a_fifo_where_an_output_belongs_is_refused_without_blocking(site: Path) -> None:
    page = site / "out" / "docs" / "index.md"
    page.unlink()
    os.mkfifo(page)
    result = run(site, "build", "catalog.yaml", "-o", "out", "--check")
    assert result.exit_code == 2
    assert f"{Path('out/docs/index.md')}: is a FIFO, not a regular file" in result.stderr
    assert stat.S_ISFIFO(page.lstat().st_mode)


def test_a_folder_where_an_output_file_belongs_is_refused(site: Path) -> None:
    page = site / "out" / "docs" / "index.md"
    page.unlink()
    page.mkdir()
    (page / "mine.txt").write_text("x")
    result = run(site, "build", "catalog.yaml", "-o", "out")
    assert result.exit_code == 2
    assert "is a folder, not a regular file" in result.stderr
    assert (page / "mine.txt").read_text() == "x"


def test_every_link_in_the_way_is_reported_at_once(site: Path) -> None:
    for name in ("index.md", "codes/404.md"):
        page = site / "out" / "docs" / name
        page.unlink()
        page.symlink_to(site / "outside" / "bashrc")
    result = run(site, "build", "catalog.yaml", "-o", "out")
    assert result.exit_code == 2
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == [
        str(Path("out/docs/codes/404.md")), str(Path("out/docs/index.md"))]


@pytest.mark.parametrize("name", ["a/./b", "a//b", "a\0b", "/abs", "a/.."])
def test_plan_names_that_are_not_plain_relative_paths_are_refused(
    tmp_path: Path, name: str
) -> None:
    with pytest.raises(WriteError, match="escapes the output folder"):
        stale(tmp_path, {name: "x"})


def test_out_that_is_a_fifo_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "out")
    result = run(tmp_path, "build", "-o", "out")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert stat.S_ISFIFO((tmp_path / "out").lstat().st_mode)


# Single output files: -o, --overlay, --in-place.

def special(tmp_path: Path, kind: str) -> Path:
    """A FIFO, a socket or a character device (a twin of /dev/null; /dev/null itself when not
    root) to name as an output."""
    path = tmp_path / kind
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        server.close()
    elif os.geteuid() == 0:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    else:
        return Path("/dev/null")
    return path


KINDS = {"fifo": "a FIFO", "socket": "a socket", "device": "a character device"}


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("command", [
    ["schema", "-o"],
    ["openapi", "-o"],
    ["merge", str(DATA / "merge" / "tabbed.json"), "-o"],
    ["merge", str(DATA / "merge" / "tabbed.json"), "--overlay"],
], ids=["schema", "openapi", "merge", "overlay"])
def test_special_files_named_as_outputs_are_refused_untouched(
    tmp_path: Path, kind: str, command: list[str]
) -> None:
    path = special(tmp_path, kind)
    before = path.lstat()
    result = run(tmp_path, *command, str(path))
    assert result.exit_code == 2, result.output
    message = f"{path}: is {KINDS[kind]}, not a regular file; specgen writes only regular files"
    assert message in result.stderr
    after = path.lstat()
    assert (after.st_mode, after.st_ino, after.st_rdev) == (
        before.st_mode, before.st_ino, before.st_rdev)
    assert sorted(p.name for p in tmp_path.iterdir()) == ([kind] if path.parent == tmp_path
                                                          else [])


def test_dev_null_as_output_is_refused_and_left_a_device(tmp_path: Path) -> None:
    before = Path("/dev/null").lstat()
    result = run(tmp_path, "openapi", "-o", "/dev/null")
    assert result.exit_code == 2
    assert "/dev/null: is a character device" in result.stderr
    assert Path("/dev/null").lstat().st_ino == before.st_ino
    assert stat.S_ISCHR(Path("/dev/null").lstat().st_mode)


def test_a_folder_named_as_output_is_refused(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    result = run(tmp_path, "openapi", "-o", "dir")
    assert result.exit_code == 2
    assert "dir: is a folder, not a regular file" in result.stderr


def test_dash_still_writes_to_stdout(tmp_path: Path) -> None:
    result = run(tmp_path, "schema", "-o", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith("{")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("chain", [1, 3])
def test_merge_in_place_on_a_link_updates_the_file_and_keeps_the_link(
    tmp_path: Path, chain: int
) -> None:
    real = tmp_path / "real" / "petstore.yaml"
    real.parent.mkdir()
    shutil.copy(SPECS / "petstore.openapi.yaml", real)
    before = real.read_bytes()
    target = real
    for index in range(chain):
        link = tmp_path / f"link{index}.yaml"
        link.symlink_to(target)
        target = link
    result = run(tmp_path, "merge", target.name, "--in-place", "--attach", "all")
    assert result.exit_code == 0, result.output
    assert real.read_bytes() != before
    assert b"561" in real.read_bytes()
    assert all((tmp_path / f"link{index}.yaml").is_symlink() for index in range(chain))
    assert sorted(p.name for p in real.parent.iterdir()) == ["petstore.yaml"]


def test_merge_in_place_keeps_a_hard_link_partner_unchanged_but_the_file_updated(
    tmp_path: Path,
) -> None:
    """A rename replaces the name it is given: the spec's other hard link keeps the old text."""
    spec = tmp_path / "petstore.yaml"
    shutil.copy(SPECS / "petstore.openapi.yaml", spec)
    before = spec.read_bytes()
    os.link(spec, tmp_path / "backup.yaml")
    assert run(tmp_path, "merge", "petstore.yaml", "--in-place", "--attach", "all").exit_code == 0
    assert spec.read_bytes() != before
    assert (tmp_path / "backup.yaml").read_bytes() == before


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """tmp_path with spec.yaml, frag.yaml, catalog.yaml, a link to the spec and a hard link."""
    shutil.copy(SPECS / "petstore.openapi.yaml", tmp_path / "spec.yaml")
    (tmp_path / "frag.yaml").write_text("openapi: 3.1.0\ninfo: {title: f, version: '1'}\n")
    shutil.copy(embedded_catalog_path(), tmp_path / "catalog.yaml")
    (tmp_path / "spec-link.yaml").symlink_to(tmp_path / "spec.yaml")
    os.link(tmp_path / "spec.yaml", tmp_path / "spec-hard.yaml")
    return tmp_path


@pytest.mark.parametrize(("option", "output", "named"), [
    ("-o/--output", "spec.yaml", "spec.yaml"),
    ("-o/--output", "spec-link.yaml", "spec.yaml"),
    ("-o/--output", "spec-hard.yaml", "spec.yaml"),
    ("-o/--output", "./sub/../spec.yaml", "spec.yaml"),
    ("-o/--output", "frag.yaml", "frag.yaml"),
    ("-o/--output", "catalog.yaml", "catalog.yaml"),
    ("--overlay", "spec.yaml", "spec.yaml"),
    ("--overlay", "frag.yaml", "frag.yaml"),
], ids=["spec", "link", "hard-link", "dotted", "fragment", "catalog", "overlay-spec",
        "overlay-fragment"])
def test_merge_output_equal_to_an_input_is_refused_before_any_work(
    inputs: Path, option: str, output: str, named: str
) -> None:
    (inputs / "sub").mkdir()
    before = snapshot(inputs)
    flag = "-o" if option.startswith("-o") else "--overlay"
    result = run(inputs, "merge", "spec.yaml", "--fragment", "frag.yaml", "--catalog",
                 "catalog.yaml", "--attach", "all", flag, output)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"{output}: {option} names the input ")
    assert "specgen never writes over its inputs" in result.stderr
    assert snapshot(inputs) == before


def test_openapi_output_equal_to_its_catalog_is_refused(inputs: Path) -> None:
    before = snapshot(inputs)
    for output in ("catalog.yaml", str(inputs / "catalog.yaml")):
        result = run(inputs, "openapi", "catalog.yaml", "-o", output)
        assert result.exit_code == 2
        assert "specgen never writes over its inputs" in result.stderr
    assert snapshot(inputs) == before


def test_openapi_output_equal_to_the_default_catalog_is_refused(inputs: Path) -> None:
    shutil.copy(inputs / "catalog.yaml", inputs / "specgen.yaml")
    before = (inputs / "specgen.yaml").read_bytes()
    result = run(inputs, "openapi", "-o", "specgen.yaml")
    assert result.exit_code == 2
    assert (inputs / "specgen.yaml").read_bytes() == before


def test_build_refuses_a_catalog_inside_the_folders_it_rewrites(tmp_path: Path) -> None:
    """The clean-up of extras would delete the catalog it builds from."""
    (tmp_path / "out" / "docs").mkdir(parents=True)
    catalog = tmp_path / "out" / "docs" / "specgen.yaml"
    shutil.copy(embedded_catalog_path(), catalog)
    result = run(tmp_path, "build", str(catalog), "-o", "out")
    assert result.exit_code == 2
    assert f"is inside {Path('out/docs')}, which specgen build rewrites" in result.stderr
    assert catalog.is_file()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["docs"]


def test_build_beside_its_catalog_in_out_is_allowed(tmp_path: Path) -> None:
    """A catalog in OUT itself (not in a managed folder) is never touched by a build."""
    (tmp_path / "specgen.yaml").write_bytes(embedded_catalog_path().read_bytes())
    result = run(tmp_path, "build", "-o", ".")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "specgen.yaml").read_bytes() == embedded_catalog_path().read_bytes()


def test_build_writes_nothing_through_a_link_even_via_the_python_api(site: Path) -> None:
    page = site / "out" / "docs" / "index.md"
    page.unlink()
    page.symlink_to(site / "outside" / "bashrc")
    with pytest.raises(WriteError, match="is a symbolic link"):
        build(load_catalog(site / "catalog.yaml"), site / "out")
    assert (site / "outside" / "bashrc").read_bytes() == b"export SAFE=1\n"
    plan = {path: as_bytes(content) for path, content in
            build_plan(load_catalog(site / "catalog.yaml")).items()}
    assert (site / "out" / "docs" / "codes" / "404.md").read_bytes() == plan["docs/codes/404.md"]


def test_an_output_link_loop_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    result = run(tmp_path, "openapi", "-o", "a.yaml")
    assert result.exit_code == 2
    assert result.stderr == "a.yaml: cannot write: Too many levels of symbolic links\n"
    assert (tmp_path / "a.yaml").is_symlink()


def test_an_output_link_to_a_fifo_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "out.yaml").symlink_to(tmp_path / "pipe")
    result = run(tmp_path, "openapi", "-o", "out.yaml")
    assert result.exit_code == 2
    assert "out.yaml: is a FIFO, not a regular file" in result.stderr


def test_an_overlay_written_through_a_link_keeps_the_link(tmp_path: Path) -> None:
    shutil.copy(SPECS / "petstore.openapi.yaml", tmp_path / "spec.yaml")
    (tmp_path / "overlays").mkdir()
    (tmp_path / "overlay.yaml").symlink_to(tmp_path / "overlays" / "561.yaml")
    result = run(tmp_path, "merge", "spec.yaml", "--attach", "all", "--overlay", "overlay.yaml")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "overlay.yaml").is_symlink()
    assert (tmp_path / "overlays" / "561.yaml").read_text("utf-8").startswith("overlay: \"1.0.0\"")


def test_a_file_where_a_managed_folder_belongs_is_refused(site: Path) -> None:
    shutil.rmtree(site / "out" / "docs")
    (site / "out" / "docs").write_text("mine")
    result = run(site, "build", "catalog.yaml", "-o", "out")
    assert result.exit_code == 2
    assert result.stderr == f"{Path('out/docs')}: is a regular file, not a folder\n"
    assert (site / "out" / "docs").read_text() == "mine"


def test_build_into_its_own_catalog_file_is_refused(tmp_path: Path) -> None:
    shutil.copy(embedded_catalog_path(), tmp_path / "specgen.yaml")
    result = run(tmp_path, "build", "specgen.yaml", "-o", "specgen.yaml")
    assert result.exit_code == 2
    assert (tmp_path / "specgen.yaml").read_bytes() == embedded_catalog_path().read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["specgen.yaml"]


def test_a_hard_link_to_a_file_outside_is_replaced_not_written_into(site: Path) -> None:
    """Each output is renamed into place: an outside file sharing its inode keeps its bytes."""
    page = site / "out" / "docs" / "index.md"
    page.unlink()
    os.link(site / "outside" / "bashrc", page)
    edit(site)
    result = run(site, "build", "catalog.yaml", "-o", "out")
    assert result.exit_code == 0, result.output
    assert (site / "outside" / "bashrc").read_bytes() == b"export SAFE=1\n"
    assert page.read_bytes() != b"export SAFE=1\n"


def test_a_fifo_left_in_a_managed_folder_is_never_opened(site: Path) -> None:
    """Not written by specgen, so not removed either; and never opened (a build that opened
    it would wait for a writer forever)."""
    os.mkfifo(site / "out" / "transcripts" / "stray.http")
    result = run(site, "build", "catalog.yaml", "-o", "out")
    assert result.exit_code == 0, result.output
    assert ", 0 changed, in " in result.stderr
    assert stat.S_ISFIFO((site / "out" / "transcripts" / "stray.http").lstat().st_mode)
    check = run(site, "build", "catalog.yaml", "-o", "out", "--check")
    assert check.exit_code == 0, check.output
