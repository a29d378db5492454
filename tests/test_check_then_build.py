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
