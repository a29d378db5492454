"""`specgen diff` validates only what can differ: it reports exactly what comparing the two
fully loaded catalogs reports, and still refuses what it cannot compare."""

from __future__ import annotations

import copy
import gc
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import assume, given
from hypothesis import strategies as st
from scale import problem_catalog

from specgen import diff_catalogs
from specgen.catalog.json_source import JsonPlaces
from specgen.catalog.load import load
from specgen.catalog.source import parse
from specgen.cli import cli
from specgen.diff.compare import compare
from specgen.diff.files import read_side
from specgen.diff.report import Located, locate
from specgen.diff.spans import cut
from specgen.errors import LoadError

Catalog = dict[str, Any]
Edit = Callable[[Catalog], None]


def _base() -> Catalog:
    """A small problem catalog; every fifth type's extensions refer to a shared schema."""
    catalog = problem_catalog(24, 4, 1)
    catalog["schemas"]["Extra"] = {"type": "object",
                                   "properties": {"trace_id": {"type": "string"}}}
    for index, (_, problem) in enumerate(_problems(catalog)):
        if index % 5 == 0:
            problem["extensions"] = {"allOf": [{"$ref": "#/components/schemas/Extra"}],
                                     "properties": {"account_sid": {"type": "string"}}}
    return catalog


def _problems(catalog: Catalog) -> list[tuple[int, dict[str, Any]]]:
    return [(code, problem) for code, status in catalog["codes"].items()
            for problem in status["problems"].values()]


def _slugs(catalog: Catalog) -> list[tuple[int, str]]:
    return [(code, slug) for code, status in catalog["codes"].items()
            for slug in status["problems"]]


def _problem(catalog: Catalog, pick: int) -> dict[str, Any]:
    code, slug = _slugs(catalog)[pick % len(_slugs(catalog))]
    problem: dict[str, Any] = catalog["codes"][code]["problems"][slug]
    return problem


def _remove_problem(pick: int) -> Edit:
    def edit(catalog: Catalog) -> None:
        code, slug = _slugs(catalog)[pick % len(_slugs(catalog))]
        del catalog["codes"][code]["problems"][slug]
    return edit


def _move_problem(pick: int) -> Edit:
    def edit(catalog: Catalog) -> None:
        code, slug = _slugs(catalog)[pick % len(_slugs(catalog))]
        others = [other for other in catalog["codes"] if other != code]
        target = others[pick % len(others)]
        catalog["codes"][target]["problems"][slug] = catalog["codes"][code]["problems"].pop(slug)
    return edit


def _add_problem(pick: int) -> Edit:
    def edit(catalog: Catalog) -> None:
        code = sorted(catalog["codes"])[pick % len(catalog["codes"])]
        catalog["codes"][code]["problems"][f"added-{pick}"] = {"title": f"Added {pick}"}
    return edit


def _set_in_problem(key: str, value: Any) -> Callable[[int], Edit]:
    def make(pick: int) -> Edit:
        def edit(catalog: Catalog) -> None:
            _problem(catalog, pick)[key] = copy.deepcopy(value)
        return edit
    return make


def _toggle_retryable(pick: int) -> Edit:
    def edit(catalog: Catalog) -> None:
        problem = _problem(catalog, pick)
        problem["retryable"] = not problem["retryable"]
    return edit


def _keys_reordered(pick: int) -> Edit:
    """The type's keys in reverse order: written otherwise, the same model."""
    def edit(catalog: Catalog) -> None:
        problem = _problem(catalog, pick)
        reordered = dict(reversed(problem.items()))
        assert list(reordered) != list(problem)
        problem.clear()
        problem.update(reordered)
    return edit


def _example_only(pick: int) -> Edit:
    def edit(catalog: Catalog) -> None:
        _problem(catalog, pick)["examples"][0]["title"] = f"Retitled {pick}"
    return edit


def _catalog_edit(change: Edit) -> Callable[[int], Edit]:
    return lambda pick: change


def _drop_shared_field(catalog: Catalog) -> None:
    catalog["schemas"]["Problem"]["properties"].pop("instance", None)


def _change_extra(catalog: Catalog) -> None:
    catalog["schemas"]["Extra"]["properties"]["trace_id"] = {"type": "integer"}


def _move_base(catalog: Catalog) -> None:
    catalog["problem_base"] = "https://errors.example.com/"


def _drop_header(catalog: Catalog) -> None:
    catalog["codes"][sorted(catalog["codes"])[0]]["headers"] = {"X-Trace": {"required": True}}


EDITS: list[Callable[[int], Edit]] = [
    _remove_problem, _move_problem, _add_problem, _toggle_retryable, _keys_reordered,
    _example_only,
    _set_in_problem("title", "A new title"),
    _set_in_problem("type", "https://other.example/type"),
    _set_in_problem("deprecated", {"sunset": "2030-01"}),
    _set_in_problem("retry", "Wait a minute."),
    _set_in_problem("extensions", {"properties": {"kind": {"const": 1}}}),
    _catalog_edit(_drop_shared_field), _catalog_edit(_change_extra),
    _catalog_edit(_move_base), _catalog_edit(_drop_header),
]


def _write(folder: Path, name: str, catalog: Catalog, form: str) -> Path:
    path = folder / f"{name}.{form}"
    if form == "json":
        path.write_text(json.dumps(catalog, indent=2, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(catalog, sort_keys=False, allow_unicode=True),
                        encoding="utf-8")
    return path


def _full(old: Path, new: Path) -> list[Located]:
    """The comparison of the two catalogs loaded whole (validated and checked)."""
    before, after = load(old), load(new)
    return locate(compare(before.catalog, after.catalog), before.locate, after.locate)


@given(
    edits=st.lists(st.tuples(st.sampled_from(range(len(EDITS))), st.integers(0, 99)),
                   min_size=1, max_size=4),
    form=st.sampled_from(["json", "yaml"]),
)
def test_validating_only_what_differs_reports_what_the_full_comparison_does(
    edits: list[tuple[int, int]], form: str
) -> None:
    old = _base()
    new = copy.deepcopy(old)
    for which, pick in edits:
        EDITS[which](pick)(new)
    with tempfile.TemporaryDirectory() as folder:
        old_path = _write(Path(folder), "old", old, form)
        new_path = _write(Path(folder), "new", new, form)
        assert diff_catalogs(str(old_path), str(new_path)) == _full(old_path, new_path)


@pytest.mark.parametrize(
    ("edit", "count"),
    [(_keys_reordered(0), 0), (_example_only(3), 0), (_toggle_retryable(3), 1),
     (_change_extra, 5), (_move_base, 24)],
)
def test_context_and_spelling_changes_are_found(edit: Edit, count: int, tmp_path: Path) -> None:
    """The cases the property test must meet: a problem type written alike may still change
    (its schemas or its problem_base did), and one written otherwise may not."""
    old = _base()
    new = copy.deepcopy(old)
    edit(new)
    old_path, new_path = _write(tmp_path, "old", old, "json"), _write(tmp_path, "new", new, "json")
    changes = diff_catalogs(str(old_path), str(new_path))
    assert len(changes) == count
    assert changes == _full(old_path, new_path)


def test_numbers_are_compared_as_written(tmp_path: Path) -> None:
    """const 1 and const 1.0 are equal in Python, but not to a client reading the JSON text:
    a problem type whose data differ so is validated and compared."""
    old = _base()
    _set_in_problem("extensions", {"properties": {"kind": {"const": 1}}})(4)(old)
    new = copy.deepcopy(old)
    _set_in_problem("extensions", {"properties": {"kind": {"const": 1.0}}})(4)(new)
    old_path, new_path = _write(tmp_path, "old", old, "json"), _write(tmp_path, "new", new, "json")
    changes = diff_catalogs(str(old_path), str(new_path))
    assert [c.change.rule.id for c in changes] == ["field-enum-values-added",
                                                   "field-enum-values-removed"]
    assert changes == _full(old_path, new_path)


def _cli_diff(tmp_path: Path, edit: Edit) -> tuple[Path, Any]:
    old = _base()
    new = copy.deepcopy(old)
    edit(new)
    old_path, new_path = _write(tmp_path, "old", old, "yaml"), _write(tmp_path, "new", new, "yaml")
    return new_path, CliRunner().invoke(cli, ["diff", str(old_path), str(new_path)])


def test_a_slug_under_two_codes_is_refused(tmp_path: Path) -> None:
    def twice(catalog: Catalog) -> None:
        catalog["codes"][401]["problems"]["error-00000"] = {"title": "Again"}
    new, result = _cli_diff(tmp_path, twice)
    assert result.exit_code == 2
    # the 1-based line of the slug's key is the 0-based index of the title below it
    line = new.read_text(encoding="utf-8").splitlines().index("        title: Again")
    assert result.stderr.startswith(f"{new}:{line}:")
    assert ("problem type 'error-00000' is also under code 400; slugs are unique in the"
            " catalog") in result.stderr


def test_an_undefined_body_schema_is_refused(tmp_path: Path) -> None:
    new, result = _cli_diff(tmp_path, lambda catalog: catalog["schemas"].pop("Problem"))
    assert result.exit_code == 2
    assert f"{new}:" in result.stderr
    assert "schema 'Problem' is not defined (known: Extra)" in result.stderr


def _schema_type(value: Any) -> Edit:
    def edit(catalog: Catalog) -> None:
        catalog["schemas"]["Problem"]["properties"]["detail"] = {"type": value}
    return edit


def _dangling_ref(catalog: Catalog) -> None:
    catalog["schemas"]["Problem"]["properties"]["detail"] = {"$ref": "#/components/schemas/Nope"}


def _broken_extensions(catalog: Catalog) -> None:
    problem = _problem(catalog, 1)
    problem["extensions"] = {"properties": {"name": {"type": "string", "pattern": "["}}}
    problem["retryable"] = not problem["retryable"]


@pytest.mark.parametrize(("edit", "message"), [
    (_schema_type(5), "not a valid JSON Schema: 5 is not a JSON Schema type"),
    (_dangling_ref, "$ref '#/components/schemas/Nope' names no schema of this catalog"),
    (lambda catalog: catalog["schemas"].pop("Extra"),
     "$ref '#/components/schemas/Extra' names no schema of this catalog"),
    (_broken_extensions, "not a valid JSON Schema: '[' is not a 'regex'"),
])
def test_a_schema_check_refuses_is_refused(edit: Edit, message: str, tmp_path: Path) -> None:
    """diff reads schemas field by field: one that is no JSON Schema, or whose `$ref` leads
    nowhere, would make its report silently wrong, so it is refused as `check` refuses it."""
    new, result = _cli_diff(tmp_path, edit)
    assert result.exit_code == 2, result.output
    assert f"{new}:" in result.stderr
    assert message in result.stderr


def test_a_dangling_shared_header_is_refused(tmp_path: Path) -> None:
    def dangling(catalog: Catalog) -> None:
        catalog["codes"][400]["headers"] = {"X-Trace": {"$ref": "#/headers/Trace"}}
    new, result = _cli_diff(tmp_path, dangling)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{new}:")
    assert ("header 'X-Trace' refers to '#/headers/Trace', but `headers` has no 'Trace'"
            " (defined: none)") in result.stderr


def test_a_changed_problem_type_that_does_not_validate_is_refused(tmp_path: Path) -> None:
    new, result = _cli_diff(tmp_path, _set_in_problem("retryable", "often")(2))
    assert result.exit_code == 2
    assert f"{new}:" in result.stderr and "retryable: must be true or false" in result.stderr


def test_a_model_that_does_not_import_is_refused(tmp_path: Path) -> None:
    def model(catalog: Catalog) -> None:
        catalog["schemas"]["Extra"] = {"model": "no_such_module:Model"}
    new, result = _cli_diff(tmp_path, model)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{new}:")
    assert "cannot import 'no_such_module'" in result.stderr


def test_examples_are_not_read(tmp_path: Path) -> None:
    """diff compares what consumers see; an example `check` refuses does not stop it."""
    def bad_example(catalog: Catalog) -> None:
        _problem(catalog, 1)["examples"][0]["response"]["body"]["account_sid"] = 42
        _problem(catalog, 2)["retryable"] = True
    _, result = _cli_diff(tmp_path, bad_example)
    assert result.exit_code == 0, result.stderr
    assert "[problem-retryable-changed]" in result.stdout


def test_diff_does_not_import_what_it_does_not_use(tmp_path: Path) -> None:
    old = _write(tmp_path, "old", _base(), "json")
    script = ("import sys\nfrom specgen.cli import main\n"
              f"sys.argv = ['specgen', 'diff', {str(old)!r}, {str(old)!r}]\n"
              "try:\n    main()\nexcept SystemExit:\n    pass\n"
              "print(sorted({m.split('.')[0] for m in sys.modules}))")
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True).stdout.splitlines()[-1]
    for heavy in ("jsonschema", "jinja2", "markdown", "nh3", "httpx", "yaml"):
        assert f"'{heavy}'" not in loaded


@pytest.mark.parametrize("form", ["json", "yaml"])
def test_each_file_is_read_in_a_forked_child_or_here_alike(form: str, tmp_path: Path) -> None:
    """The two files are read in a child forked before the models are imported; where fork
    cannot be used (other threads running, no os.fork) they are read here, alike."""
    old = _base()
    new = copy.deepcopy(old)
    for edit in (_remove_problem(1), _toggle_retryable(3), _change_extra):
        edit(new)
    old_path, new_path = _write(tmp_path, "old", old, form), _write(tmp_path, "new", new, form)
    with mock.patch("os.fork", wraps=os.fork) as fork:
        forked = diff_catalogs(str(old_path), str(new_path))
    assert fork.call_count == 1
    with mock.patch("specgen.output.background.can_fork", return_value=False):
        assert diff_catalogs(str(old_path), str(new_path)) == forked
    assert forked == _full(old_path, new_path)
    assert len(forked) >= 3


def test_the_cycle_collector_is_on_again_after_a_diff(tmp_path: Path) -> None:
    """diff turns it off while it reads the catalogs, also when it refuses one."""
    old = _write(tmp_path, "old", _base(), "yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("specgen: 1\ninfo: {title: x}\n", encoding="utf-8")
    assert diff_catalogs(str(old), str(old)) == []
    assert gc.isenabled()
    assert CliRunner().invoke(cli, ["diff", str(old), str(bad)]).exit_code == 2
    assert gc.isenabled()


@pytest.mark.parametrize("broken", ["parse", "validate"])
def test_two_broken_catalogs_are_both_reported(broken: str, tmp_path: Path) -> None:
    """A file that is no catalog does not hide the other's problems: both are said at once."""
    old, new = tmp_path / "old.yaml", tmp_path / "new.json"
    if broken == "parse":
        old.write_text("specgen: 1\ninfo: [\n", encoding="utf-8")
        new.write_text('{"specgen": 1,', encoding="utf-8")
    else:
        old.write_text("specgen: 1\ninfo: {title: x}\ncodes: {}\n", encoding="utf-8")
        new.write_text('{"specgen": 1, "info": {"title": "x", "version": "1"},'
                       ' "codes": {"561": {"reason": 5, "summary": "s"}}}', encoding="utf-8")
    result = CliRunner().invoke(cli, ["diff", str(old), str(new)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert any(line.startswith(f"{old}:") for line in lines), result.stderr
    assert any(line.startswith(f"{new}:") for line in lines), result.stderr


# YAML files are cut into their problem types' texts before parsing (specgen.diff.spans); these
# write the same catalogs in the other ways YAML allows, and text the cut must not be fooled by.
STYLES: list[dict[str, Any]] = [
    {}, {"indent": 4}, {"width": 24}, {"width": 24, "indent": 3},
    {"default_flow_style": None}, {"default_style": '"'}, {"default_style": "'", "width": 30},
    {"explicit_start": True, "explicit_end": True},
]


def _styled(folder: Path, name: str, catalog: Catalog, style: dict[str, Any]) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(catalog, sort_keys=False, allow_unicode=True, **style),
                    encoding="utf-8")
    return path


@given(
    edits=st.lists(st.tuples(st.sampled_from(range(len(EDITS))), st.integers(0, 99)),
                   min_size=1, max_size=3),
    styles=st.tuples(st.sampled_from(range(len(STYLES))), st.sampled_from(range(len(STYLES)))),
)
def test_yaml_cut_into_problem_types_reports_what_the_full_comparison_does(
    edits: list[tuple[int, int]], styles: tuple[int, int]
) -> None:
    """However each file is written (indentation, folded lines, quoting, flow collections),
    and also when the two are written differently, the report and its places are those of
    the two catalogs loaded whole."""
    old = _base()
    new = copy.deepcopy(old)
    for which, pick in edits:
        EDITS[which](pick)(new)
    with tempfile.TemporaryDirectory() as folder:
        old_path = _styled(Path(folder), "old", old, STYLES[styles[0]])
        new_path = _styled(Path(folder), "new", new, STYLES[styles[1]])
        assert diff_catalogs(str(old_path), str(new_path)) == _full(old_path, new_path)


@pytest.mark.parametrize("style", [{}, {"indent": 4}, {"width": 24}])
def test_a_block_style_catalog_is_cut_into_every_problem_type(
    style: dict[str, Any], tmp_path: Path
) -> None:
    """The property above does test the cut: block-style files are cut whole."""
    catalog = _base()
    raw = _styled(tmp_path, "c", catalog, style).read_bytes()
    found = cut(raw)
    assert found is not None
    assert sorted(slug for mapping in found.mappings for slug, *_ in mapping.entries) == sorted(
        slug for _, slug in _slugs(catalog))


CROSSING = """specgen: 1
info: {title: Crossing, version: "1"}
problem_base: https://example.com/problems/
codes:
  400:
    reason: Bad Request
    summary: Bad.
    content:
      application/problem+json: {}
    problems:
      a:
        title: A
        %s: %s
      b: %s
      c:
        title: C
"""


@pytest.mark.parametrize(("field", "opening", "closing"), [
    ("detail", '"Broken', 'still the detail"'),  # libyaml lets a quoted scalar run across a
    ("detail", "'Broken", "still the detail'"),  # key line
    ("extensions", "{properties: {kind: {enum: [one,", "two]}}}"),  # and a flow collection
])
def test_a_value_running_across_a_key_line_is_not_cut_there(
    field: str, opening: str, closing: str, tmp_path: Path
) -> None:
    """'b:' is inside a's title: a cut there would read a problem type b that does not
    exist. Each piece is parsed on its own first, which finds it, and the mapping is read
    whole."""
    old = tmp_path / "old.yaml"
    old.write_text(CROSSING % (field, opening, closing), encoding="utf-8")
    new = tmp_path / "new.yaml"
    new.write_text((CROSSING % (field, opening, closing)).replace("title: C", "title: D"),
                   encoding="utf-8")
    assert cut(old.read_bytes()) is None
    assert load(old).catalog.codes[400].problems.keys() == {"a", "c"}
    changes = diff_catalogs(str(old), str(new))
    assert [c.change.rule.id for c in changes] == ["problem-title-changed"]
    assert changes == _full(old, new)


@pytest.mark.parametrize("text", [
    "defaults: &base {title: Base}\n",  # an anchor: an alias in a piece could name it
    "%YAML 1.1\n---\n",  # a directive
    "specgen: 1\r\n",  # carriage returns
    "\ufeff",  # a byte order mark
])
def test_what_may_give_a_piece_meaning_from_elsewhere_stops_the_cut(
    text: str, tmp_path: Path
) -> None:
    raw = _styled(tmp_path, "c", _base(), {}).read_bytes()
    assert cut(raw) is not None
    assert cut(text.encode() + raw) is None


def _with_text(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_error_in_a_changed_problem_type_is_reported_as_check_reports_it(
    tmp_path: Path
) -> None:
    """A problem type that differs is parsed alone, with its lines and columns in the file."""
    old = _styled(tmp_path, "old", _base(), {})
    new = _styled(tmp_path, "new", _base(), {})
    _with_text(new, "        title: Error 4 of status 400\n",
               "        title: Error 4 of status 400\n        title: Again\n")
    with pytest.raises(LoadError) as full:
        load(new)
    result = CliRunner().invoke(cli, ["diff", str(old), str(new)])
    assert result.exit_code == 2
    assert result.stderr.strip() == str(full.value).strip()
    assert "duplicate key 'title'" in result.stderr


def test_problem_types_written_alike_are_not_read(tmp_path: Path) -> None:
    """As with examples, what both files write alike, byte for byte, is not diff's to check:
    a duplicate key in such a problem type is `check`'s to report, and diff sees no change."""
    old = _styled(tmp_path, "old", _base(), {})
    _with_text(old, "        title: Error 4 of status 400\n",
               "        title: Error 4 of status 400\n        title: Again\n")
    new = tmp_path / "new.yaml"
    new.write_bytes(old.read_bytes())
    with pytest.raises(LoadError):
        load(new)
    assert diff_catalogs(str(old), str(new)) == []


def test_errors_in_changed_problem_types_of_both_files_are_both_reported(
    tmp_path: Path
) -> None:
    old = _styled(tmp_path, "old", _base(), {})
    new = _styled(tmp_path, "new", _base(), {})
    for path, twice in ((old, "title: Once\n"), (new, "title: Twice\n")):
        _with_text(path, "        title: Error 4 of status 400\n",
                   "        title: Error 4 of status 400\n        " + twice)
    result = CliRunner().invoke(cli, ["diff", str(old), str(new)])
    assert result.exit_code == 2
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == [str(old), str(new)]


# A JSON file is read knowing the codes read from the other file: a code written alike, byte
# for byte, is not decoded again (json_source.JsonPlaces' `known`).
def test_json_codes_written_alike_are_decoded_once(tmp_path: Path) -> None:
    old = _base()
    new = copy.deepcopy(old)
    _toggle_retryable(3)(new)
    changed = [str(code) for code in old["codes"] if old["codes"][code] != new["codes"][code]]
    old_path, new_path = _write(tmp_path, "old", old, "json"), _write(tmp_path, "new", new, "json")
    before = read_side(str(old_path), old_path.read_bytes(), tmp_path)
    with mock.patch.object(JsonPlaces, "_value", autospec=True,
                           side_effect=JsonPlaces._value) as value:
        read_side(str(new_path), new_path.read_bytes(), tmp_path, before)
    decoded = [call.args[1] for call in value.call_args_list]
    assert len(changed) == 1 and len(old["codes"]) > 3
    assert [path for path in decoded if path[:1] == ("codes",) and len(path) == 2] == [
        ("codes", changed[0])]
    assert diff_catalogs(str(old_path), str(new_path)) == _full(old_path, new_path)


@pytest.mark.parametrize("after", ["x", " 1", ", \"404\": {}"])
def test_text_after_a_json_code_written_alike_is_read_as_the_full_read_does(
    after: str, tmp_path: Path
) -> None:
    """The old file's code is an object, whose text ends where it closes: what follows it in
    the new file is read as ever (an error where the full read finds one)."""
    old_path = _write(tmp_path, "old", _base(), "json")
    text = old_path.read_text(encoding="utf-8")
    first = sorted(_base()["codes"])[0]
    start = text.index(f'"{first}": ')
    end = start + len(f'"{first}": ') + json.JSONDecoder().raw_decode(
        text, start + len(f'"{first}": '))[1] - (start + len(f'"{first}": '))
    new_path = tmp_path / "new.json"
    new_path.write_text(text[:end] + after + text[end:], encoding="utf-8")
    try:
        expected: Any = _full(old_path, new_path)
    except LoadError as exc:
        expected = str(exc)
    try:
        found: Any = diff_catalogs(str(old_path), str(new_path))
    except LoadError as exc:
        found = str(exc)
    assert found == expected


# Text inserted into JSON catalogs, right or wrong: a code the new file writes as the old one
# did is not decoded again, which must not change what diff finds wherever the text falls.
JSON_JUNK = [",", "{", "}", "[", "]", '"', ":", " ", "\n", '"x": 1,', '"400": {},', "1e999",
             "NaN", '"\\ud800"', '"title": "T",', '"retryable": true,', "null,", '{"a": {}}',
             '"examples": [],', "\\", "\t", '"', "0", "-", '"retry": "Later.",',
             '"deprecated": {"sunset": "2030-01"},', '"x-note": "\\u00e9",']


@given(
    junk=st.lists(st.tuples(st.sampled_from(JSON_JUNK), st.integers(0, 10**7), st.booleans()),
                  min_size=1, max_size=3),
    both=st.booleans(),
)
def test_junk_in_json_is_refused_or_compared_as_loaded_whole(
    junk: list[tuple[str, int, bool]], both: bool, tmp_path_factory: Any
) -> None:
    """Text inserted anywhere in the new JSON file (and perhaps in the old one too, when it
    still loads): where both load, diff reports what the full comparison does; where the new
    one is no JSON catalog, diff refuses it with the parser's first problem; otherwise (a rule
    of `check` that diff does not apply, about examples say) it reports or refuses, located."""
    folder = tmp_path_factory.mktemp("junk")
    base = _write(folder, "base", _base(), "json").read_text(encoding="utf-8")
    text = base
    for snippet, where, line in junk:
        at = where % len(text)
        if line:  # before the next member, where another may well fit
            at = text.find('\n  "', at) + 1 or at
            at += len(text) - len(text[at:].lstrip(" "))
        text = text[:at] + snippet + text[at:]
    old_path, new_path = folder / "old.json", folder / "new.json"
    old_path.write_text(text if both else base, encoding="utf-8")
    new_path.write_text(_retitle_json(text), encoding="utf-8")
    if both:
        try:
            load(old_path)
        except LoadError:
            assume(False)
    found = _json_outcome(diff_catalogs, old_path, new_path)
    full = _json_outcome(_full, old_path, new_path)
    if full[0] == "reported":
        assert found == full
        return
    try:
        parse(str(new_path), new_path.read_text(encoding="utf-8"))
    except LoadError as exc:
        assert found == ("refused", str(exc).splitlines()[0])
        return
    assert found[0] == "reported" or found[1].startswith(f"{new_path}:")


def _retitle_json(text: str) -> str:
    """The text with one change diff reports, where the text still has it."""
    return text.replace('"title": "Error 1 of status', '"title": "Retitled error 1 of status', 1)


def _json_outcome(compare_: Callable[..., Any], old: Path, new: Path) -> tuple[str, Any]:
    try:
        return "reported", compare_(str(old), str(new))
    except LoadError as exc:
        return "refused", str(exc).splitlines()[0]
