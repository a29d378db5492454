"""The Python API refuses an argument it does not take with an `ArgumentError` (a
`SpecgenError`) naming the function, the value and what is allowed, before doing any work."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import specgen
from specgen import ArgumentError, SpecgenError

SPEC = 'openapi: 3.1.0\ninfo: {title: P, version: "1"}\npaths: {}\n'

# (call, what the message must say): each a wrong argument to one public function.
BAD_CALLS: list[tuple[str, Callable[[], Any], str]] = [
    ("load_catalog", lambda: specgen.load_catalog(42), "catalog=42: must be a Catalog"),
    ("check_catalog", lambda: specgen.check_catalog([]), "catalog=[]: must be a Catalog"),
    ("explain", lambda: specgen.explain(999), "code=999: must be a status code"),
    ("explain", lambda: specgen.explain(42), "code=42: must be a status code"),
    ("explain", lambda: specgen.explain("404"), "code='404': must be a status code"),
    ("explain", lambda: specgen.explain(True), "code=True: must be a status code"),
    ("explain", lambda: specgen.explain("6xx"), "code='6xx': must be a status code (an integer"
     " in 100-599, RFC 9110 §15) or a class such as '5xx'"),
    ("catalog_schema", lambda: specgen.catalog_schema("x"), "too many positional arguments"),
    ("render_openapi", lambda: specgen.render_openapi(oas="3.2"),
     "oas='3.2': must be one of '3.0', '3.1', or None"),
    ("openapi_text", lambda: specgen.openapi_text(fmt="toml"),
     "fmt='toml': must be one of 'yaml', 'json'"),
    ("render_transcripts", lambda: specgen.render_transcripts(code=999),
     "code=999: must be a status code"),
    ("render_transcripts", lambda: specgen.render_transcripts(code=404),
     "code 404 is not in the catalog (codes: 561)"),
    ("render_transcripts", lambda: specgen.render_transcripts(example="nope"),
     "no example has the slug 'nope' (slugs: "),
    ("build", lambda: specgen.build(out=42), "out=42: must be a path"),
    ("build", lambda: specgen.build(check="yes"), "check='yes': must be True or False"),
    ("build", lambda: specgen.build(since=1), "since=1: must be a string, or None"),
    ("merge", lambda: specgen.merge(42), "spec=42: must be the document's text"),
    ("merge", lambda: specgen.merge(SPEC, on_conflict="bogus"),
     "on_conflict='bogus': must be one of 'error', 'keep', 'replace'"),
    ("merge", lambda: specgen.merge(SPEC, attach="all"), "attach='all': must be a list of rule"),
    ("merge", lambda: specgen.merge(SPEC, attach=[1]), "attach=[1]: must be a list of rule"),
    ("merge", lambda: specgen.merge(SPEC, fragments="f.yaml"),
     "fragments='f.yaml': must be a list of paths"),
    ("merge", lambda: specgen.merge(SPEC, file=3), "file=3: must be a string"),
    ("merge", lambda: specgen.merge(SPEC, adopt="yes"), "adopt='yes': must be True or False"),
    ("merge", lambda: specgen.merge(SPEC, bogus=1), "unexpected keyword argument 'bogus'"),
    ("merge_files", lambda: specgen.merge_files(3), "spec=3: must be a path"),
    ("merge_files", lambda: specgen.merge_files("a.yaml", write=1),
     "write=1: must be True or False"),
    ("merge_overlay", lambda: specgen.merge_overlay(SPEC, on_conflict="bogus"),
     "on_conflict='bogus'"),
    ("merge_summary", lambda: specgen.merge_summary(SPEC, attach="all"), "attach='all'"),
    ("init", lambda: specgen.init(42), "directory=42: must be a path"),
    ("verify_api", lambda: specgen.verify_api(42), "base_url=42: must be a string"),
    ("verify_api", lambda: specgen.verify_api("http://127.0.0.1:9", code=999), "code=999"),
    ("verify_api", lambda: specgen.verify_api("http://127.0.0.1:9", headers=3),
     "headers=3: must be a mapping of header names"),
    ("verify_api", lambda: specgen.verify_api("http://127.0.0.1:9", concurrency="4"),
     "concurrency='4': must be an integer"),
    ("verify_api", lambda: specgen.verify_api("http://127.0.0.1:9", timeout=float("nan")),
     "timeout=nan: must be a number of seconds"),
    ("verify_api", lambda: specgen.verify_api("http://127.0.0.1:9", progress=1),
     "progress=1: must be a function, or None"),
    ("verify_api", lambda: specgen.verify_api("http://127.0.0.1:9", allow_unsafe_methods=1),
     "allow_unsafe_methods=1: must be True or False"),
    ("diff_catalogs", lambda: specgen.diff_catalogs(42, "b.yaml"), "old=42: must be a Catalog"),
    ("import_catalog", lambda: specgen.import_catalog(42), "spec=42: must be a path"),
    ("import_catalog", lambda: specgen.import_catalog("a.yaml", codes=5),
     "codes=5: must be a string"),
]


@pytest.mark.parametrize(("function", "call", "message"), BAD_CALLS,
                         ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(BAD_CALLS)])
def test_a_bad_argument_is_an_argument_error_naming_the_value_and_what_is_allowed(
    function: str, call: Callable[[], Any], message: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # the embedded example catalog; nothing may be written
    with pytest.raises(ArgumentError) as raised:
        call()
    assert isinstance(raised.value, SpecgenError | ValueError)
    assert str(raised.value).startswith(f"specgen.{function}: ")
    assert message in str(raised.value)
    assert list(tmp_path.iterdir()) == []


def test_every_public_function_is_in_the_table() -> None:
    """A function added to the API without bad-argument cases fails here."""
    functions = {name for name in specgen.__all__ if name[0].islower() and name != "__version__"}
    assert functions == {function for function, _, _ in BAD_CALLS}


def test_a_long_value_is_cut_in_the_message() -> None:
    with pytest.raises(ArgumentError) as raised:
        specgen.merge(SPEC, attach=["x" * 500, 1])
    assert len(str(raised.value)) < 200
    assert "...: must be a list of rule strings" in str(raised.value)
