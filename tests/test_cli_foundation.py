"""The foundation commands: `check`, `explain`, `schema`, `--version` and `python -m specgen`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from conftest import ROOT, Golden
from jsonschema import Draft202012Validator

from specgen import __version__
from specgen.catalog.load import embedded_catalog_path
from specgen.cli import cli

WARNED = """\
specgen: 1
info: {title: Lint me, version: "1"}
codes:
  404: {reason: Missing, summary: Renamed a registered code.}
  499: {reason: Client Closed Request, summary: Collides twice., equivalent: 400}
  561: {reason: Unauthorized, summary: No equivalent.}
"""


def run(args: list[str], folder: Path) -> Result:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        return CliRunner().invoke(cli, args)


@pytest.fixture
def warned(tmp_path: Path) -> Path:
    (tmp_path / "lint.yaml").write_text(WARNED, "utf-8")
    return tmp_path


def test_check_without_catalog_uses_the_embedded_example_and_says_so(tmp_path: Path) -> None:
    result = run(["check"], tmp_path)
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "note: no CATALOG given and no ./specgen.yaml here; using the embedded example catalog"
        " (561 Unauthorized)"
    )
    assert lines[-1] == (
        f"{embedded_catalog_path()}: 1 code(s), 3 problem type(s), 7 example(s), 1 warning(s)"
    )
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_check_prefers_specgen_yaml_in_the_current_folder(warned: Path) -> None:
    (warned / "lint.yaml").rename(warned / "specgen.yaml")
    result = run(["check"], warned)
    assert "note:" not in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "specgen.yaml: 3 code(s), 0 problem type(s), 0 example(s), 5 warning(s)"
    )


def test_check_prints_located_warnings_and_succeeds(warned: Path) -> None:
    result = run(["check", "lint.yaml"], warned)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "lint.yaml:4:9: warning: 404 is registered as 'Not Found' (RFC 9110, Section 15.5.5);"
        " calling it 'Missing' redefines a standard code",
        "lint.yaml:5:3: warning: 499 collides with Esri ArcGIS's 499 Token Required (the request"
        " needs an access token and carried none): clients behind it cannot tell the two apart",
        "lint.yaml:5:3: warning: 499 collides with nginx's 499 Client Closed Request (the client"
        " closed the connection while nginx was still processing the request): clients behind"
        " it cannot tell the two apart; if nginx in front of this API sends it, say"
        " `sender: {component: nginx}`",
        "lint.yaml:6:3: warning: 561 collides with AWS Application Load Balancer's 561"
        " Unauthorized (the identity provider returned an error while the load balancer"
        " authenticated the user; the access log's error_reason field says which): clients"
        " behind it cannot tell the two apart; if AWS Application Load Balancer in front of"
        " this API sends it, say `sender: {component: aws-alb}`",
        "lint.yaml:6:3: warning: custom code 561 gives no 'equivalent': clients that do not know"
        " it treat it as 500; name the standard code it stands for",
        "lint.yaml: 3 code(s), 0 problem type(s), 0 example(s), 5 warning(s)",
    ]


def test_check_strict_fails_with_1_on_warnings(warned: Path) -> None:
    assert run(["check", "--strict", "lint.yaml"], warned).exit_code == 1
    clean = (
        "specgen: 1\ninfo: {title: T, version: '1'}\n"
        "codes: {404: {reason: Not Found, summary: s}}\n"
    )
    (warned / "clean.yaml").write_text(clean, "utf-8")
    assert run(["check", "--strict", "clean.yaml"], warned).exit_code == 0


def test_check_of_a_bad_catalog_exits_2_with_located_errors(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("specgen: 1\ninfo: {title: T}\n", "utf-8")
    result = run(["check", "bad.yaml"], tmp_path)
    assert result.exit_code == 2
    assert result.stderr == "bad.yaml:2:1: missing required key 'version'\n"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("561", ["561 — class 5xx (Server Error)", "AWS Application Load Balancer", "500"]),
        ("499", ["nginx", "Esri ArcGIS", "These meanings collide", "400 Bad Request"]),
        ("451", ["Registered with IANA: 451 Unavailable For Legal Reasons (RFC 7725)",
                 "Microsoft Exchange ActiveSync", "These meanings collide"]),
        ("404", ["Registered with IANA: 404 Not Found"]),
    ],
)
def test_explain_prints_what_a_code_means(code: str, expected: list[str], tmp_path: Path) -> None:
    result = run(["explain", code], tmp_path)
    assert result.exit_code == 0
    for part in expected:
        assert part in result.stdout


def test_explain_a_class_lists_its_registered_codes_and_the_vendors_unregistered_ones(
    tmp_path: Path,
) -> None:
    result = run(["explain", "5XX"], tmp_path)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:3] == ["5xx — Server Error", "Registered with IANA:",
                         "  500 Internal Server Error (RFC 9110, Section 15.6.1)"]
    unregistered = lines.index("Used without registration:")
    assert all(line.startswith("  5") for line in lines[1:unregistered] if line.startswith(" "))
    assert "  561 AWS Application Load Balancer: Unauthorized" in lines[unregistered:]
    assert "  530 Cloudflare: Origin DNS Error" in lines and "  530 Pantheon: Site Frozen" in lines
    assert ("A client that does not know a 5xx code treats it as 500 Internal Server Error, the"
            " first code of its class (RFC 9110 §15).") in lines
    assert "Used without registration:" not in run(["explain", "2xx"], tmp_path).stdout


@pytest.mark.parametrize(
    "code", ["600", "99", "6xx", "5x", "5xxx", "561.0", "abc", "5_61", "+561",
             "\u0665\u0666\u0661"]
)
def test_explain_refuses_codes_outside_100_599_with_2(code: str, tmp_path: Path) -> None:
    """In specgen's words, saying what is accepted (click's would be "'abc' is not a valid
    integer range" or "600 is not in the range 100<=x<=599")."""
    result = run(["explain", code], tmp_path)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for 'CODE': {code!r} is not a status code or a class: give one"
        " from 100 to 599, like 561, or a class, like 5xx"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["transcripts", "--code", "x"], "'--code': 'x' is not a status code: give one from 100"),
        (["verify", "--base-url", "http://127.0.0.1:9", "--code", "1000"],
         "'--code': '1000' is not a status code"),
        (["verify", "--base-url", "http://127.0.0.1:9", "--concurrency", "0"],
         "'--concurrency': '0' is not a whole number from 1 to 256"),
        (["verify", "--base-url", "http://127.0.0.1:9", "--concurrency", "2.5"],
         "'--concurrency': '2.5' is not a whole number from 1 to 256"),
        (["verify", "--base-url", "http://127.0.0.1:9", "--timeout", "-1"],
         "'--timeout': '-1' is not a number of seconds above 0, like 10 or 0.5"),
        (["verify", "--base-url", "http://127.0.0.1:9", "--timeout", "nan"],
         "'--timeout': 'nan' is not a number of seconds above 0"),
        (["init", "specgen.yaml"], "Invalid value for 'DIRECTORY': "),
    ],
)
def test_usage_errors_say_what_is_accepted_in_specgens_words(
    args: list[str], message: str, tmp_path: Path
) -> None:
    """Numbers and codes are refused saying what would do, not click's ranges (`1<=x<=256`,
    `x>0`, "not a valid integer"); an optional argument is named without brackets."""
    (tmp_path / "specgen.yaml").write_text("a file, not a folder", "utf-8")
    result = run(args, tmp_path)
    assert result.exit_code == 2
    error = result.stderr.splitlines()[-1]  # after click's usage line and hint
    assert message in error
    assert not any(click_ism in error
                   for click_ism in ("<=x", "x>", "valid integer", "valid float", "[DIRECTORY]"))


def test_numeric_options_take_their_values(tmp_path: Path) -> None:
    """The same options accept what their errors describe (a whole number, seconds like 0.5)."""
    from specgen.cli.base import STATUS_CODE, Bounded

    assert STATUS_CODE.convert(" 561 ", None, None) == 561
    assert Bounded(float, "seconds", 0, metavar="S", above=True).convert("0.5", None, None) == 0.5
    assert Bounded(int, "n", 1, 256, metavar="N").convert(4, None, None) == 4  # a default


def test_schema_is_json_schema_2020_12_that_accepts_the_embedded_catalog(tmp_path: Path) -> None:
    result = run(["schema"], tmp_path)
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    data = yaml.safe_load(embedded_catalog_path().read_text("utf-8"))
    data["codes"] = {str(code): entry for code, entry in data["codes"].items()}
    assert list(validator.iter_errors(data)) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.pop("specgen"),
        lambda d: d.update(specgen=2),
        lambda d: d.update(bogus=1),
        lambda d: d["codes"].update({"5xx": d["codes"]["561"]}),
        lambda d: d["codes"]["561"].pop("reason"),
        lambda d: d["codes"]["561"].update(sumary="typo"),
        lambda d: d["info"].update(version=1),
    ],
)
def test_schema_rejects_broken_catalogs(change: object, tmp_path: Path) -> None:
    schema = json.loads(run(["schema"], tmp_path).stdout)
    data = yaml.safe_load(embedded_catalog_path().read_text("utf-8"))
    data["codes"] = {str(code): entry for code, entry in data["codes"].items()}
    change(data)  # type: ignore[operator]
    assert list(Draft202012Validator(schema).iter_errors(data)) != []


def test_schema_writes_to_a_file_with_output(tmp_path: Path) -> None:
    assert run(["schema", "-o", "specgen.schema.json"], tmp_path).exit_code == 0
    assert json.loads((tmp_path / "specgen.schema.json").read_text("utf-8"))["title"]


def test_version_prints_the_package_version(tmp_path: Path) -> None:
    result = run(["--version"], tmp_path)
    assert result.stdout == f"specgen, version {__version__}\n"


def test_python_dash_m_specgen_runs_the_cli(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "specgen", "explain", "561"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("561 — class 5xx (Server Error)\n")
    catalog = ROOT / "tests" / "data" / "invalid" / "reason_crlf.yaml"
    bad = subprocess.run(
        [sys.executable, "-m", "specgen", "check", str(catalog)],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert "reason_crlf.yaml:5:5: " in bad.stderr


def test_every_commands_help_is_as_recorded(golden: Golden) -> None:
    """`specgen --help` and each command's --help equal tests/golden/cli-help/ (the command
    line split into modules changed none of them; an intended change: --update-golden)."""
    pages = {}
    for name in ["", *sorted(cli.commands)]:
        args = [name, "--help"] if name else ["--help"]
        result = CliRunner().invoke(cli, args, prog_name="specgen", terminal_width=80)
        assert result.exit_code == 0, result.output
        pages[f"{name or 'specgen'}.txt"] = result.output
    golden.check_tree("cli-help", pages)


@pytest.mark.parametrize("arguments", [["merge", "nosuch.yaml"], ["import", "nosuch.yaml"],
                                       ["merge", "doc.yaml", "--fragment", "nosuch.yaml"],
                                       ["check", "nosuch.yaml"]])
def test_a_missing_input_file_is_said_alike_by_every_command(arguments: list[str],
                                                             tmp_path: Path) -> None:
    (tmp_path / "doc.yaml").write_text(
        'openapi: 3.1.0\ninfo: {title: T, version: "1"}\npaths: {}\n', encoding="utf-8")
    result = run(arguments, tmp_path)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "nosuch.yaml: no such file"
