"""Python catalogs (`module:attribute`) that misbehave: every failure is a located error, exit 2.

The module's code runs inside specgen; whatever it does at import (raise anything, call sys.exit,
os._exit or os.abort, be interrupted) or holds (the wrong type, values JSON cannot carry, keys
that collide once written) must be reported, never end specgen silently or with a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from specgen.catalog.load import load
from specgen.catalog.models import Catalog
from specgen.cli import cli
from specgen.errors import LoadError

BASE = 'BASE = {"specgen": 1, "info": {"title": "T", "version": "1"}}\n'
CODE = '{"reason": "Internal Server Error", "summary": "s"'


@pytest.fixture
def module_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on the import path whose modules are forgotten after the test."""
    monkeypatch.chdir(tmp_path)
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        del sys.modules[name]


def refused(folder: Path, module: str, source: str, attribute: str = "CATALOG") -> list[str]:
    """The lines of `specgen check module:attribute`, which must exit 2 without a traceback."""
    (folder / f"{module}.py").write_text(source, "utf-8")
    result = CliRunner().invoke(cli, ["check", f"{module}:{attribute}"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    return result.stderr.splitlines()


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("import sys\nsys.exit(3)\n", "cannot import 'mod': it called sys.exit(3)"),
        ("raise SystemExit\n", "cannot import 'mod': it called sys.exit(None)"),
        ("raise KeyboardInterrupt\n", "cannot import 'mod': KeyboardInterrupt"),
        ("import os\nos._exit(0)\n", "cannot import 'mod': it called os._exit(0)"),
        ("import os\nos.abort()\n", "cannot import 'mod': it called os.abort()"),
        ("raise RuntimeError('boom')\n", "cannot import 'mod': RuntimeError: boom"),
        ("class E(BaseException): pass\nraise E('odd')\n", "cannot import 'mod': E: odd"),
        ("def __getattr__(name):\n    raise SystemExit(1)\n",
         "reading 'CATALOG' of 'mod' failed: it called sys.exit(1)"),
        ("def __getattr__(name):\n    raise ValueError('no')\n",
         "reading 'CATALOG' of 'mod' failed: ValueError: no"),
    ],
)
def test_a_module_that_fails_or_exits_at_import_is_a_located_error(
    module_dir: Path, source: str, message: str
) -> None:
    assert refused(module_dir, "mod", source) == [f"mod:CATALOG: {message}"]
    assert os._exit.__module__ in ("posix", "nt")  # the real one is back after the import


def test_a_model_module_that_exits_at_import_is_a_located_error(module_dir: Path) -> None:
    """`{model: module:Model}` imports user code too: its exit is an error at the reference."""
    (module_dir / "models_exit.py").write_text("import sys\nsys.exit(4)\n", "utf-8")
    (module_dir / "c.yaml").write_text(
        'specgen: 1\ninfo: {title: T, version: "1"}\nschemas:\n  A: {model: "models_exit:A"}\n',
        "utf-8",
    )
    result = CliRunner().invoke(cli, ["check", "c.yaml"])
    assert (result.exit_code, result.stderr) == (
        2, "c.yaml:4:7: cannot import 'models_exit' for model 'models_exit:A':"
        " it called sys.exit(4)\n"
    )


@pytest.mark.parametrize(
    ("value", "kind"),
    [("5", "an integer"), ("len", "a builtin_function_or_method"), ("[BASE]", "a list"),
     ("'specgen: 1'", "a string"), ("None", "empty (null)")],
)
def test_an_attribute_of_the_wrong_type_is_named(module_dir: Path, value: str, kind: str) -> None:
    assert refused(module_dir, "wrong", f"{BASE}CATALOG = {value}\n") == [
        f"wrong:CATALOG: 'CATALOG' is {kind}; it must hold a specgen Catalog or a mapping of"
        " catalog data"
    ]


@pytest.mark.parametrize(
    ("assignment", "expected"),
    [
        (f'{{**BASE, "codes": {{500: {{**{CODE}}}, "content": {{"application/json": {{}}}},'
         ' "examples": [{"title": "t", "response": {"body": {"x": float("nan")}}}]}}}',
         "#/codes/500/examples/0/response/body/x: codes.500.examples.0.response.body.x:"
         " nan has no JSON form; use a finite number"),
        (f'{{**BASE, "codes": {{500: {{**{CODE}}}, "content": {{"application/json": {{"schema":'
         ' {"type": "number", "maximum": float("inf")}}}}}}',
         "#/codes/500/content/application~1json/schema/maximum:"
         " codes.500.content.application/json.schema.maximum: inf has no JSON form;"
         " use a finite number"),
        (f'{{**BASE, "codes": {{500: {{**{CODE}}}, "content": {{"application/json": {{}}}},'
         ' "examples": [{"title": "t", "response": {"body": {"x": {1, 2}}}}]}}}',
         "#/codes/500/examples/0/response/body/x: codes.500.examples.0.response.body.x:"
         " a Python set is not JSON data (text, number, boolean, null, list or mapping)"),
        (f'{{**BASE, "codes": {{500: {{**{CODE}}}, "content": {{"application/json": {{}}}},'
         ' "examples": [{"title": "t", "response": {"body": {1: "a", "1": "b"}}}]}}}',
         "#/codes/500/examples/0/response/body/1: codes.500.examples.0.response.body:"
         " the key 1 is given twice (as 1 and '1')"),
        ('{**BASE, "schemas": {"A": {"type": "object", (1, 2): 3}}}',
         "#/schemas/A/(1, 2): schemas.A: the key (1, 2) is a Python tuple; keys are text"
         " (put it in quotes)"),
        (f'{{**BASE, "codes": {{561: {{**{CODE}}}}}, "561": {{**{CODE}}}}}}}}}',
         "#/codes/561: codes: code 561 is given twice (as 561 and '561')"),
        (f'{{**BASE, "codes": {{500: {{**{CODE}, "description": "a\\x00b"}}}}}}}}',
         "#/codes/500/description: codes.500.description: contains U+0000"
         " (a control character) at position 2, which outputs cannot show as written; remove it"),
        (f'{{**BASE, "codes": {{500: {{**{CODE}, "causes": ["\\ud800"]}}}}}}}}',
         "#/codes/500/causes/0: codes.500.causes.0: contains a lone surrogate (U+D800),"
         " which no file can encode"),
    ],
    ids=["nan-body", "infinite-schema", "set-body", "colliding-body-keys", "tuple-key",
         "colliding-codes", "nul-text", "lone-surrogate"],
)
def test_values_json_cannot_carry_are_refused_by_pointer(
    module_dir: Path, assignment: str, expected: str
) -> None:
    assert refused(module_dir, "data", f"{BASE}CATALOG = {assignment}\n") == [
        f"data:CATALOG{expected}"
    ]


def test_a_catalog_that_holds_itself_is_refused_not_walked_forever(module_dir: Path) -> None:
    source = (
        f'{BASE}CATALOG = {{**BASE, "codes": {{500: {{**{CODE}, "content":'
        ' {"application/json": {}}, "examples": [{"title": "t", "response": {"body": {}}}]}}}}\n'
        'CATALOG["codes"][500]["examples"][0]["response"]["body"]["self"] = CATALOG\n'
    )
    assert refused(module_dir, "loop", source) == [
        "loop:CATALOG#/codes/500: nesting is deeper than 100 levels (does a value hold itself?)"
    ]


def test_a_constructed_catalog_is_checked_like_data(module_dir: Path) -> None:
    """model_construct skips validation; specgen still refuses what no output could hold."""
    source = (
        "from specgen.catalog.models import Catalog, Info\n"
        'CATALOG = Catalog.model_construct(specgen=1, info=Info(title="T", version="\\x07"),'
        " codes={})\n"
    )
    assert refused(module_dir, "built", source) == [
        "built:CATALOG#/info/version: info.version: contains U+0007 (a control character)"
        " at position 1, which outputs cannot show as written; remove it"
    ]


def test_a_json_body_may_hold_control_characters_that_a_text_body_may_not(
    module_dir: Path,
) -> None:
    """JSON writes them as escapes, faithfully; a text/plain page cannot show them."""
    source = (
        f'{BASE}CATALOG = {{**BASE, "codes": {{500: {{**{CODE}, "content":'
        ' {"application/json": {}, "text/plain": {}}, "examples": ['
        '{"title": "j", "response": {"content_type": "application/json", "body": "a\\x00"}},'
        '{"title": "o", "response": {"content_type": "application/json", "body": ["\\x1b"]}},'
        '{"title": "t", "response": {"content_type": "text/plain", "body": "a\\x00"}}]}}}}\n'
    )
    assert refused(module_dir, "bodies", source) == [
        "bodies:CATALOG#/codes/500/examples/2/response/body: codes.500.examples.2.response.body:"
        " contains U+0000 (a control character) at position 2, which outputs cannot show as"
        " written; remove it"
    ]


def test_a_valid_python_catalog_still_loads(module_dir: Path) -> None:
    (module_dir / "fine.py").write_text(f'{BASE}CATALOG = {{**BASE, "codes": {{}}}}\n', "utf-8")
    assert isinstance(load("fine:CATALOG").catalog, Catalog)
    with pytest.raises(LoadError):
        load("fine:MISSING")


@pytest.mark.parametrize(
    ("construct", "expected"),
    [
        ('info="x", codes={}', ["#/info: info: Input should be a valid dictionary or instance of"
                                " Info"]),
        ("info=Info(title='T', version='1'), codes=[1]",
         ["#/codes: codes: must be a mapping, not a list"]),
        ("info=Info(title='T', version='1'), codes={500: StatusCode.model_construct("
         "reason='A\\r\\nB', summary='s')}",
         ["#/codes/500/reason: codes.500.reason: reason phrase 'A\\r\\nB' contains CR or LF,"
          " which would break the status line"]),
    ],
    ids=["info-not-a-model", "codes-a-list", "reason-with-crlf"],
)
def test_a_catalog_built_without_validation_is_validated_again(
    module_dir: Path, construct: str, expected: list[str]
) -> None:
    """model_construct skips every validator; specgen validates the object's data itself."""
    source = (
        "from specgen.catalog.models import Catalog, Info, StatusCode\n"
        f"CATALOG = Catalog.model_construct(specgen=1, {construct})\n"
    )
    assert refused(module_dir, "constructed", source) == [
        f"constructed:CATALOG{line}" for line in expected
    ]


def test_a_model_schema_holding_nan_or_controls_is_refused_at_its_reference(
    module_dir: Path,
) -> None:
    """A Pydantic model's defaults and descriptions reach every output like catalog values."""
    (module_dir / "odd_defaults.py").write_text(
        "from pydantic import BaseModel, Field\n"
        "class M(BaseModel):\n"
        "    x: float = float('nan')\n"
        "    y: str = Field(default='ok', description='bell\\x07')\n",
        "utf-8",
    )
    (module_dir / "c.yaml").write_text(
        'specgen: 1\ninfo: {title: T, version: "1"}\nschemas:\n  M: {model: "odd_defaults:M"}\n',
        "utf-8",
    )
    result = CliRunner().invoke(cli, ["check", "c.yaml"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "c.yaml:4:7: the JSON Schema of 'odd_defaults:M': properties.x.default: nan has no JSON"
        " form; use a finite number",
        "c.yaml:4:7: the JSON Schema of 'odd_defaults:M': properties.y.description: contains"
        " U+0007 (a control character) at position 5, which outputs cannot show as written;"
        " remove it",
    ]
