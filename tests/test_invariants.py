"""End-to-end invariants for generated catalogs: every output is valid, whole and repeatable.

For each catalog from `strategies.catalogs()`: the build is the same bytes twice, the OpenAPI
fragments (3.0 and 3.1) validate, every transcript parses whole with h11, the site builds with
`mkdocs build --strict`, and merging into each real document of SPECS gives a valid document
that a second merge leaves unchanged.

How many catalogs each test sees comes from the hypothesis profile in conftest.py ("ci" by
default). The slow checks (MkDocs builds, validating the big merged documents) see a fraction
of that number. For a long exploration before a release:

    .venv/bin/pytest tests/test_invariants.py --hypothesis-profile=deep
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml
from conftest import merge_text, spec_bytes
from hypothesis import assume, given, settings
from openapi_spec_validator import validate
from strategies import catalogs
from test_merge_specs import expected, parse
from test_transcripts import _switches_without_proposal, assert_matches_catalog

from specgen.catalog.models import Catalog
from specgen.catalog.rules import parse_rule
from specgen.docs.plan import docs_plan
from specgen.http.transcripts import iter_transcripts
from specgen.openapi.fragment import Oas, render_openapi
from specgen.output.build import build_plan
from specgen.output.init import MKDOCS_FILE, init_plan
from specgen.output.write import as_bytes
from specgen.splice.io import attachments, spec_version
from specgen.splice.plan import Attachment, Fragment
from specgen.text.render import dump_yaml

SMALL_SPECS = ["petstore.openapi.yaml", "petstore-expanded.json"]
BIG_SPECS = [
    "plaid.2020-09-14.yaml.gz",
    "openai.openapi.yaml.gz",
    "openai.openapi.json.gz",
    "github.api.github.com.json.gz",
]
# The OpenAI document fails validation upstream (non-unique `required` items), so its merged
# result is checked as exactly the original plus the additions instead.
VALID_UPSTREAM = {"plaid.2020-09-14.yaml.gz", "github.api.github.com.json.gz", *SMALL_SPECS}


def fraction(divisor: int) -> settings:
    """The loaded profile's settings with 1/divisor of its examples (at least one)."""
    return settings(max_examples=max(1, settings.default.max_examples // divisor))


@cache
def spec_text(name: str) -> str:
    """A document of SPECS as text."""
    return spec_bytes(name).decode("utf-8")


class Merged(NamedTuple):
    """A merge of a catalog into a document of SPECS, and a second merge of the result."""

    text: str
    fragment: Fragment
    attached: list[Attachment]
    once: str
    twice: str

    def expected(self, name: str) -> Any:
        """What the merged document must parse to: the original plus exactly the additions."""
        return expected(pickle.loads(spec_data(name)), self.fragment, self.attached)


@cache
def spec_data(name: str) -> bytes:
    """A document of SPECS parsed, pickled: unpickling a fresh copy is faster than parsing."""
    return pickle.dumps(parse(spec_text(name), name))


def merged_twice(catalog: Catalog, name: str) -> Merged:
    """Merge the catalog's fragment, in the document's OAS version, attached to everything."""
    text = spec_text(name)
    oas: Oas = "3.0" if spec_version(text.encode(), name) == "3.0" else "3.1"
    fragment = Fragment(render_openapi(catalog, oas))
    attached = attachments([fragment], [parse_rule("all")])
    # Generated codes often exist in the document already (200, 404...): replace them.
    once = merge_text(text, fragment, attached, "replace", file=name)
    twice = merge_text(once, fragment, attached, "replace", file=name)
    return Merged(text, fragment, attached, once, twice)


@given(catalogs())
def test_building_twice_gives_the_same_bytes(catalog: Catalog) -> None:
    first = {path: as_bytes(content) for path, content in build_plan(catalog).items()}
    again = build_plan(catalog.model_copy(deep=True))
    assert first == {path: as_bytes(content) for path, content in again.items()}


@given(catalogs())
def test_openapi_fragments_validate_as_3_0_and_3_1_in_yaml_and_json(catalog: Catalog) -> None:
    """The fragments built to OUT/openapi/ are the rendered documents, and they validate."""
    plan = build_plan(catalog)
    for oas in ("3.0", "3.1"):
        document = render_openapi(catalog, oas)
        assert document["openapi"].startswith(oas)
        validate(document)
        text_yaml = plan[f"openapi/fragment-{oas}.yaml"]
        text_json = plan[f"openapi/fragment-{oas}.json"]
        assert isinstance(text_yaml, str)
        assert isinstance(text_json, str)
        assert yaml.safe_load(text_yaml) == json.loads(text_json) == document


@given(catalogs())
def test_every_transcript_parses_whole_and_is_what_build_writes(catalog: Catalog) -> None:
    # A 101 whose request proposes no Upgrade is no HTTP exchange h11 (or anyone) can follow.
    assume(not _switches_without_proposal(catalog))
    plan = build_plan(catalog)
    count = 0
    for transcript in iter_transcripts(catalog):
        assert_matches_catalog(catalog, transcript)
        stem = f"transcripts/{transcript.code}/{transcript.slug}"
        assert plan[f"{stem}.request.http"] == transcript.request
        assert plan[f"{stem}.response.http"] == transcript.response
        count += 1
    assert count == sum(len(status.examples) for status in catalog.codes.values())


@pytest.mark.slow
@fraction(8)
@given(catalogs())
def test_site_builds_with_mkdocs_strict(catalog: Catalog) -> None:
    """The site `specgen init` sets up, with this catalog, builds without a warning."""
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder)
        (site / MKDOCS_FILE).write_text(init_plan()[MKDOCS_FILE], encoding="utf-8")
        data = catalog.model_dump(mode="json", by_alias=True)
        (site / "specgen.yaml").write_text(dump_yaml(data), encoding="utf-8")
        (site / "docs").mkdir()
        done = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", "site"],
            cwd=site, capture_output=True, text=True, timeout=120, check=False,
        )
        assert done.returncode == 0, done.stderr
        for page in docs_plan(catalog):
            html = page.removesuffix("index.md").removesuffix(".md")
            assert (site / "site" / html / "index.html").is_file(), page


@pytest.mark.parametrize("name", SMALL_SPECS)
@given(catalog=catalogs())
def test_merge_into_petstore_is_valid_and_merging_again_changes_nothing(
    name: str, catalog: Catalog
) -> None:
    merged = merged_twice(catalog, name)
    data = parse(merged.once, name)
    assert data == merged.expected(name)
    validate(data)
    assert merged.twice == merged.once


@pytest.mark.slow
@pytest.mark.parametrize("name", BIG_SPECS)
@fraction(5)
@given(catalog=catalogs())
def test_merging_into_a_big_document_again_changes_nothing(name: str, catalog: Catalog) -> None:
    merged = merged_twice(catalog, name)
    assert merged.once != merged.text
    assert merged.twice == merged.once


def check_big_merge(catalog: Catalog, name: str) -> None:
    """Exactly the original plus the additions, and valid where the original is."""
    merged = merged_twice(catalog, name)
    data = parse(merged.once, name)
    assert data == merged.expected(name)
    if name in VALID_UPSTREAM:
        validate(data)


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in BIG_SPECS if not n.startswith("github")])
@fraction(12)
@given(catalog=catalogs())
def test_merge_into_plaid_and_openai_gives_exactly_the_additions(
    name: str, catalog: Catalog
) -> None:
    check_big_merge(catalog, name)


@pytest.mark.slow
@fraction(25)  # validating the merged 13 MB document takes about 20 s
@given(catalog=catalogs())
def test_merge_into_github_gives_exactly_the_additions_and_validates(catalog: Catalog) -> None:
    check_big_merge(catalog, "github.api.github.com.json.gz")
