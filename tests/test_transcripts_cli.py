"""`specgen transcripts`: readable text by default, exact bytes with --raw, clear usage errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import DATA

from specgen.catalog.models import Catalog
from specgen.cli import cli
from specgen.http.transcripts import iter_transcripts, readable

EDGE = str(DATA / "transcripts" / "edge.yaml")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["transcripts", *args])


@pytest.fixture
def empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder without specgen.yaml, so the embedded example catalog is used."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_prints_every_file_of_the_embedded_catalog_under_its_name(
    empty_folder: Path, embedded: Catalog
) -> None:
    result = run()
    assert result.exit_code == 0, result.output
    assert "embedded example catalog" in result.stderr
    for transcript in iter_transcripts(embedded):
        stem = transcript.stem
        assert f"==> {stem}.request.http <==\n{readable(transcript.request)}" in result.stdout
        assert f"==> {stem}.response.http <==\n{readable(transcript.response)}" in result.stdout
        assert f"==> {stem}.curl.sh <==\n{transcript.curl}" in result.stdout
    assert "\r" not in result.stdout


def test_raw_writes_the_exact_bytes_of_one_exchange(empty_folder: Path, embedded: Catalog) -> None:
    result = run("--code", "561", "--example", "invalid-credentials", "--raw")
    assert result.exit_code == 0, result.output
    (transcript,) = [t for t in iter_transcripts(embedded) if t.slug == "invalid-credentials"]
    assert result.stdout_bytes == transcript.request + transcript.response


def test_code_selects_only_that_codes_examples() -> None:
    result = run(EDGE, "--code", "204")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("==> ") == 3
    assert "==> 204/delete-without-body.request.http <==\nDELETE /items/1?force=true" in (
        result.stdout
    )


def test_example_alone_searches_every_code() -> None:
    result = run(EDGE, "--example", "head")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("==> 418/head.request.http <==\nHEAD /pot HTTP/1.1\n")


def test_unknown_code_is_a_usage_error_listing_the_codes() -> None:
    result = run(EDGE, "--code", "599")
    assert result.exit_code == 2
    assert "code 599 is not in the catalog (codes: 100, 101, 204, 205, 304, 418, 561)" in (
        result.stderr
    )


def test_unknown_example_is_a_usage_error_listing_the_slugs() -> None:
    result = run(EDGE, "--code", "418", "--example", "nope")
    assert result.exit_code == 2
    assert "no example of code 418 has the slug 'nope' (slugs: get-with-a-body, head)" in (
        result.stderr
    )


def test_bad_catalog_is_reported_at_its_place() -> None:
    bad = DATA / "transcripts" / "invalid" / "path-space.yaml"
    result = run(str(bad))
    assert result.exit_code == 2
    assert f"{bad}:14:11:" in result.stderr
    assert "Traceback" not in result.output


TERMINAL_ATTACK = """specgen: 1
info: {title: T, version: "1"}
codes:
  500:
    reason: Internal Server Error
    summary: s
    content: {application/json: {}}
    examples:
      - title: escapes
        request: {method: POST, path: /, body: {note: "\\e]0;owned\\a\\e[2J"}}
        response: {body: {error: "\\e[31m red", line: "a\\rb"}}
"""


def test_escape_sequences_in_json_bodies_never_reach_the_terminal_raw(tmp_path: Path) -> None:
    """JSON writes C0 controls as escapes (specgen refuses DEL, C1 and U+2028/2029, which JSON
    leaves raw), so neither the text nor --raw carries an escape sequence."""
    catalog = tmp_path / "c.yaml"
    catalog.write_text(TERMINAL_ATTACK, "utf-8")
    shown = run(str(catalog))
    assert shown.exit_code == 0, shown.output
    assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout
    assert "\\u001b]0;owned\\u0007\\u001b[2J" in shown.stdout
    raw = run(str(catalog), "--raw")
    assert b"\x1b" not in raw.stdout_bytes


def test_transcripts_text_escapes_what_a_terminal_would_act_on() -> None:
    """Whatever a transcript holds (a template of the user's, say), the readable text shows
    controls, C1, bidi overrides and lone CRs escaped."""
    from specgen.http.transcripts import Transcript, transcripts_text

    response = "HTTP/1.1 500 X\r\nA: b\r\n\r\n\x1b[2J\x9b31m \u202e \x7f a\rb\r\n".encode()
    text = transcripts_text([Transcript(500, "s", "t", b"GET / HTTP/1.1\r\n\r\n", response, "")])
    assert "\\x1b[2J\\x9b31m \\u202e \\x7f a\\x0db\r\n" in text
    for char in "\x1b\x9b\u202e\x7f":
        assert char not in text


def test_for_terminal_escapes_lone_carriage_returns_but_keeps_line_ends_and_tabs() -> None:
    from specgen.http.transcripts import for_terminal

    assert for_terminal("a\rb\r\nc\td\n\x1b\u2028") == "a\\x0db\r\nc\td\n\\x1b\\u2028"
