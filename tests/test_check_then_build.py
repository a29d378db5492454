""""check passes => build passes": for hostile catalogs, whatever `specgen check` accepts,
`specgen build` writes; whatever it refuses, it refuses with located lines and exit 2.

Both fragments must also read back, YAML equal to JSON (PyYAML reads no simple key over 1,024
characters). Catalogs come from `strategies.hostile_catalog_dicts()` (nasty text in every prose
field, boolean subschemas, odd media types, reason phrases and name patterns, header names over
1,024 characters), written as JSON so that every generated value reaches specgen unchanged.
"""

from __future__ import annotations

import json
import re
import tempfile
from contextlib import chdir
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import event, given, settings
from strategies import hostile_catalog_dicts

from specgen.cli import cli

LOCATED = re.compile(r"^catalog\.json(?::[0-9]+:[0-9]+|#\S*)?: \S")


def run(folder: Path, *args: str) -> tuple[int, str]:
    with chdir(folder):
        result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.stderr, result.stderr
    return result.exit_code, result.stderr


# At least 60 in CI (the default profile has fewer); the deep profile explores further.
@settings(max_examples=max(60, settings.default.max_examples))
@given(hostile_catalog_dicts())
def test_a_catalog_check_accepts_always_builds(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "catalog.json").write_text(json.dumps(data), "utf-8")
        status, stderr = run(folder, "check", "catalog.json")
        event("check accepts" if status == 0 else "check refuses")
        if status != 0:
            assert status == 2, stderr
            for line in stderr.splitlines():
                assert LOCATED.match(line), line
            return
        built, stderr = run(folder, "build", "catalog.json", "-o", "out")
        assert built == 0, stderr
        for oas in ("3.0", "3.1"):  # what was written reads back: YAML and JSON say the same
            fragment = folder / "out" / "openapi" / f"fragment-{oas}"
            as_yaml = yaml.safe_load(Path(f"{fragment}.yaml").read_text("utf-8"))
            assert as_yaml == json.loads(Path(f"{fragment}.json").read_text("utf-8"))


MODEL_CATALOG = """specgen: 1
info: {title: t, version: "1"}
schemas:
  Err: {model: "MODULE:Err"}
codes:
  561:
    reason: Unauthorized
    summary: Not authenticated.
    equivalent: 401
    content:
      application/json: {schema: Err}
"""


@pytest.mark.parametrize(("link", "message"), [
    ("#nowhere", "the link to '#nowhere' leads nowhere: the page of 561 has no such anchor"),
    ("code:599", "specgen.yaml:4:3: the link to 'code:599' leads nowhere: the catalog has no"
                 " code 599"),
])
def test_a_link_in_a_models_description_is_judged_by_check_as_by_build(
    tmp_path: Path, link: str, message: str
) -> None:
    """A model's schema is not in the catalog's data (only `model: pkg:Class` is), but its
    descriptions are shown on the pages: a link there that leads nowhere is refused by check,
    as build refuses it (check used to accept it)."""
    module = "models_" + re.sub(r"\W", "_", link)
    (tmp_path / f"{module}.py").write_text(
        "from pydantic import BaseModel, Field\n\n\nclass Err(BaseModel):\n"
        f"    code: str = Field(description='See [the list]({link}).')\n", "utf-8")
    (tmp_path / "specgen.yaml").write_text(MODEL_CATALOG.replace("MODULE", module), "utf-8")
    status, stderr = run(tmp_path, "check", "specgen.yaml")
    assert status == 2
    assert message in stderr
    built, stderr = run(tmp_path, "build", "specgen.yaml", "-o", "out")
    assert built == 2
    assert message in stderr
    assert not (tmp_path / "out").exists()
