"""Work in a forked child: results and located errors come back; a failed child changes nothing."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA

from specgen.cli import cli
from specgen.errors import LoadError, Location, Problem
from specgen.output import background
from specgen.output.background import Background, can_fork


@pytest.fixture
def forking() -> None:
    """Skip unless this process can fork now (POSIX, no other thread running)."""
    if not can_fork():
        pytest.skip("no fork here (or other threads run)")


def in_child_pid() -> int:
    return os.getpid()


@pytest.mark.usefixtures("forking")
def test_the_work_runs_in_another_process_and_its_result_comes_back() -> None:
    with Background(in_child_pid) as pending:
        assert pending.pid
        assert pending.result() not in (0, os.getpid())
    assert pending.pid == 0


@pytest.mark.parametrize("fork", [True, False])
def test_a_specgen_error_comes_back_with_its_problems(fork: bool) -> None:
    problem = Problem(Location("specgen.yaml", 3, 5), "codes.561.summary: must not be empty")

    def refuse() -> None:
        raise LoadError([problem])

    if fork and not can_fork():
        pytest.skip("no fork here")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(background, "can_fork", lambda: fork)
        with Background(refuse) as pending, pytest.raises(LoadError) as caught:
            pending.result()
    assert caught.value.problems == [problem]


@pytest.mark.usefixtures("forking")
def test_a_child_that_dies_makes_the_parent_do_the_work() -> None:
    parent = os.getpid()
    calls: list[int] = []

    def dies_in_the_child() -> str:
        calls.append(os.getpid())
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return "done here"

    with Background(dies_in_the_child) as pending:
        assert pending.result() == "done here"
    assert calls == [parent]  # the child's own list died with it


@pytest.mark.usefixtures("forking")
def test_leaving_without_the_result_stops_the_child() -> None:
    def sleeps() -> None:
        signal.pause()

    with Background(sleeps) as pending:
        pid = pending.pid
    with pytest.raises(ChildProcessError):  # already reaped: no zombie left behind
        os.waitpid(pid, os.WNOHANG)


def test_without_fork_the_work_waits_for_the_result() -> None:
    calls: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(background, "can_fork", lambda: False)
        pending = Background(lambda: calls.append("ran"))
    with pending:
        assert calls == []
        pending.result()
    assert calls == ["ran"]


def test_merge_reports_a_bad_catalog_at_its_line_and_writes_nothing(tmp_path: Path) -> None:
    """The catalog loads in the child; its located problems reach the user unchanged."""
    spec = tmp_path / "spec.json"
    spec.write_bytes((DATA / "merge" / "tabbed.json").read_bytes())
    before = spec.read_bytes()
    catalog = DATA / "invalid" / "blank_summary.yaml"
    result = CliRunner().invoke(cli, ["merge", str(spec), "--catalog", str(catalog),
                                      "--in-place"])
    assert result.exit_code == 2
    assert result.stderr == f"{catalog}:6:5: codes.561.summary: must not be empty\n"
    assert spec.read_bytes() == before


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")
def test_no_thread_left_running_by_earlier_tests() -> None:
    """The in-process CLI tests take the two-process paths only while no other thread runs."""
    assert threading.active_count() == 1, threading.enumerate()
