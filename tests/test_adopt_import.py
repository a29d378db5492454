"""`specgen import` then `specgen merge --adopt`: every inline response a catalog was made from
is replaced by a `$ref` to its shared component (import keeps what it reads: a block scalar's
description, a single `example`, examples' names and summaries); every other inline response
under a catalog code is left and counted, with where it first differs. A second merge changes
nothing, and the result is a valid document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import SPECS
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from test_adopt import imported, parse

from specgen import import_catalog, merge, merge_summary
from specgen.cli import cli
from specgen.importer.collect import collect, operations
from specgen.importer.document import read_document
from specgen.importer.run import DEFAULT_CODES

REAL = sorted(p.name for p in SPECS.iterdir() if p.name != "SOURCES.md")
def _document(description: str, media: str) -> str:
    """Two operations with the same inline 404 (the reviewer's documents)."""
    operation = f"""\
      responses:
        '200': {{description: OK}}
        '404':
          description: {description}
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Err'}}
{media}"""
    return f"""\
openapi: 3.0.3
info: {{title: Shop, version: "1"}}
paths:
  /a:
    get:
{operation}  /b:
    get:
{operation}components:
  schemas:
    Err:
      type: object
      properties:
        code: {{type: string}}
"""


BLOCK = _document("|\n            Not found.\n\n            Nothing is there.", "")
SINGLE_EXAMPLE = _document("Not found.", "              example: {code: x}\n")


def _round_trip(tmp_path: Path, text: str) -> tuple[CliRunner, Path, Path, str]:
    """Import a document with the command line, then merge it back with --adopt in place."""
    spec = tmp_path / "openapi.yaml"
    spec.write_text(text, encoding="utf-8")
    catalog = tmp_path / "specgen.yaml"
    runner = CliRunner()
    result = runner.invoke(cli, ["import", str(spec), "-o", str(catalog)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["merge", str(spec), "--catalog", str(catalog), "--adopt",
                                 "--in-place"])
    assert result.exit_code == 0, result.output
    return runner, spec, catalog, result.output


def test_a_block_scalar_description_is_adopted_and_a_second_merge_changes_nothing(
    tmp_path: Path,
) -> None:
    """`description: |` ends with a newline the catalog's text lacks: CommonMark reads both
    alike, so both copies become one shared component."""
    runner, spec, catalog, output = _round_trip(tmp_path, BLOCK)
    assert "replaced 2 inline responses by a $ref (--adopt)" in output
    assert "left" not in output
    adopted = spec.read_text(encoding="utf-8")
    data = yaml.safe_load(adopted)
    assert data["paths"]["/a"]["get"]["responses"]["404"] == {
        "$ref": "#/components/responses/NotFound404"}
    assert data["components"]["responses"]["NotFound404"]["description"] == (
        "Not found.\n\nNothing is there.")
    validate(data)
    again = runner.invoke(cli, ["merge", str(spec), "--catalog", str(catalog), "--adopt",
                                "--check"])
    assert again.exit_code == 0, again.output
    assert merge(adopted, catalog, adopt=True) == adopted


def test_a_single_example_is_adopted(tmp_path: Path) -> None:
    """The reviewer's document: `example:` is imported as the media type's single example
    (`name: ""`), so merge writes it back as it was."""
    _, spec, catalog, output = _round_trip(tmp_path, SINGLE_EXAMPLE)
    assert 'name: ""' in catalog.read_text(encoding="utf-8")
    assert "replaced 2 inline responses by a $ref (--adopt)" in output
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    media = data["components"]["responses"]["NotFound404"]["content"]["application/json"]
    assert media["example"] == {"code": "x"} and "examples" not in media
    validate(data)


@pytest.mark.parametrize(("media", "kept"), [
    # a name that is a slug, with a summary: merge's own form
    ("              examples:\n                no-such-order:\n"
     "                  summary: No such order\n"
     "                  description: The order was deleted.\n"
     "                  value: {code: gone}\n", "slug: no-such-order"),
    # plaid's form: a name that is no slug, no summary
    ("              examples:\n                too_many_transactions:\n"
     "                  value: {code: many}\n", "name: too_many_transactions"),
])
def test_named_examples_keep_their_names_and_are_adopted(
    tmp_path: Path, media: str, kept: str
) -> None:
    _, spec, catalog, output = _round_trip(tmp_path, _document("Not found.", media))
    assert kept in catalog.read_text(encoding="utf-8")
    assert "replaced 2 inline responses by a $ref (--adopt)" in output
    validate(yaml.safe_load(spec.read_text(encoding="utf-8")))


def test_what_adopt_leaves_inline_is_counted_with_where_it_first_differs(tmp_path: Path) -> None:
    """An example whose summary is its name (not a slug) is written back without the summary
    (a name given has one only when the title differs): the summary says so instead of
    staying silent, and the document keeps its responses."""
    media = """              examples:
                Gone:
                  summary: Gone
                  value: {code: gone}
"""
    text = _document("Not found.", media)
    _, spec, _, output = _round_trip(tmp_path, text)
    assert f"{spec}: 404: left 2 inline responses as they are (--adopt), different from the" \
           f" catalog's: first {spec}:8 (GET /a), at /content/application~1json/examples/Gone" \
           "/summary: the document has it, NotFound404 has not\n" in output
    assert spec.read_text(encoding="utf-8") == text


def test_check_says_what_adopt_would_leave(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(SINGLE_EXAMPLE, encoding="utf-8")
    catalog = tmp_path / "specgen.yaml"
    catalog.write_text(import_catalog(spec).replace('      name: ""\n', ""), encoding="utf-8")
    result = CliRunner().invoke(cli, ["merge", str(spec), "--catalog", str(catalog), "--adopt",
                                      "--check"])
    assert "404: would leave 2 inline responses as they are (--adopt)" in result.output


@pytest.mark.slow
@pytest.mark.parametrize("name", REAL)
def test_import_then_adopt_shares_every_response_the_catalog_was_made_from(
    name: str, tmp_path: Path
) -> None:
    text, catalog = imported(tmp_path, name)
    source = tmp_path / name.removesuffix(".gz")
    document = read_document(source)
    ops = operations(document)
    taken = set()
    for responses in collect(document, ops, DEFAULT_CODES):
        for op in responses.chosen.ops:
            raw = op.data["responses"].get(str(responses.code),
                                           op.data["responses"].get(responses.code))
            if "$ref" not in raw:
                taken.add((str(responses.code), op.operation.method, op.operation.path))
    summary = merge_summary(text, catalog, adopt=True)
    adopted = merge(text, catalog, adopt=True)
    data = parse(adopted, name)
    shared = {(code, method, path) for code, method, path in taken
              if "$ref" in data["paths"][path][method]["responses"].get(
                  code, data["paths"][path][method]["responses"].get(int(code), {}))}
    assert taken == shared
    # Every inline response under a catalog code is replaced, or counted as left.
    inline = sum(1 for item in parse(text, name)["paths"].values() for operation in
                 item.values() if isinstance(operation, dict) for code, response in
                 (operation.get("responses") or {}).items()
                 if str(code) in {*summary.attached, *summary.unattached}
                 and isinstance(response, dict) and "$ref" not in response)
    left = sum(count for count, _ in summary.unadopted.values())
    assert summary.adopted + summary.unadoptable + summary.in_flow[0] + left == inline
    assert merge(adopted, catalog, adopt=True) == adopted
    # Valid before, valid after (openai's document breaks a rule of its own: not adopt's).
    if _valid(parse(text, name)):
        validate(data)


def _valid(data: Any) -> bool:
    try:
        validate(data)
    except OpenAPIValidationError:
        return False
    return True


paragraph = st.text(st.sampled_from("abc .,"), min_size=1, max_size=12).filter(
    lambda text: text.strip() == text and text.strip(".") != "")


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paragraphs=st.lists(paragraph, min_size=1, max_size=3), block=st.booleans(),
       example=st.sampled_from(["", "single", "one", "One", "Go_ne"]),
       summary=st.none() | st.sampled_from(["One", "A title"]))
def test_imported_descriptions_and_examples_adopt_whatever_their_form(
    tmp_path: Path, paragraphs: list[str], block: bool, example: str, summary: str | None
) -> None:
    """A description as a block scalar (ending with a newline) or a quoted string of one or
    more paragraphs; no example, a single `example`, or a named one, its name a slug or not,
    with a summary or none: import then --adopt shares it (but for a summary that is the
    name, see above)."""
    assume(summary != example)
    text = "\n\n".join(paragraphs)
    description = ("|\n" + "\n".join(f"            {line}" if line else ""
                                     for line in text.split("\n"))
                   if block else json.dumps(text))
    titled = f"                  summary: {summary}\n" if summary else ""
    media = "" if not example else "              example: {code: x}\n" if (
        example == "single") else (f"              examples:\n                {example}:\n"
                                   f"{titled}                  value: {{code: x}}\n")
    spec = tmp_path / "openapi.yaml"
    spec.write_text(_document(description, media), encoding="utf-8")
    catalog = tmp_path / "specgen.yaml"
    catalog.write_text(import_catalog(spec), encoding="utf-8")
    summary = merge_summary(spec.read_text(encoding="utf-8"), catalog, adopt=True)
    assert (summary.adopted, summary.unadopted) == (2, {})
