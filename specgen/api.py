"""The Python API: one function per `specgen` command, with the command's defaults.

Every function takes a catalog as a `Catalog`, a path (YAML or JSON file, or a Python
'module:attribute'), or None for ./specgen.yaml and else the embedded example, as the CLI does.
Errors are raised as `SpecgenError` subclasses whose `problems` name file, line and column.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .arguments import (
    CALLBACK,
    CATALOG,
    CONFLICT,
    COUNT,
    DOCUMENT,
    FLAG,
    HEADERS,
    OAS,
    PATH,
    PATHS,
    RULES,
    SECONDS,
    STATUS,
    STATUS_OR_CLASS,
    TEXT,
    one_of,
    takes,
)
from .errors import ArgumentError, LoadError
from .output import DEFAULT_OUT

if TYPE_CHECKING:
    from .catalog.load import Loaded
    from .catalog.models import Catalog
    from .diff.report import Located
    from .errors import Problem
    from .http.transcripts import Transcript
    from .output.write import Stale
    from .splice.plan import MergePlan, OnConflict
    from .splice.summary import MergeSummary
    from .verify.report import VerifyReport

def _loaded(catalog: Catalog | str | Path | None) -> Loaded:
    from .catalog.load import load, loaded_catalog
    from .catalog.models import Catalog

    return loaded_catalog(catalog) if isinstance(catalog, Catalog) else load(catalog)


@takes(catalog=CATALOG)
def load_catalog(catalog: str | Path | None = None) -> Catalog:
    """Read, validate and check a catalog (`specgen check` without the lint).

    Raises `LoadError` listing every problem, each at its file:line:col.

    ```python
    from specgen import load_catalog

    catalog = load_catalog()  # ./specgen.yaml, else the embedded example
    print(sorted(catalog.codes))
    ```
    """
    return _loaded(catalog).catalog


@takes(catalog=CATALOG)
def check_catalog(catalog: Catalog | str | Path | None = None) -> list[Problem]:
    """The lint warnings of a valid catalog, located (`specgen check`).

    Errors that make the catalog unusable are raised as `LoadError`, and what `build` would
    refuse to render as `RenderError` (a catalog `check` accepts always builds); the warnings are
    what `specgen check --strict` fails on: registered codes redefined, vendor collisions,
    custom codes without an `equivalent`.

    ```python
    from specgen import check_catalog

    for warning in check_catalog():
        print(warning)  # file:line:col: warning: ...
    ```
    """
    from .output.proof import checked

    return checked(_loaded(catalog))


@takes(code=STATUS_OR_CLASS)
def explain(code: int | str) -> str:
    """What a status code is: IANA registration, known vendor uses, client fallback
    (`specgen explain`); for a class such as "5xx", its registered codes and the unregistered
    ones known vendors use.

    ```python
    from specgen import explain

    print(explain(561))
    print(explain("5xx"))
    ```
    """
    from .catalog import registry

    if isinstance(code, str):
        return registry.explain_class(int(code[0]))  # a class, as `takes` found it
    return registry.explain(code)


@takes()
def catalog_schema() -> dict[str, Any]:
    """The JSON Schema of the catalog format (`specgen schema`)."""
    from .catalog.models import catalog_json_schema

    return catalog_json_schema()


@takes(catalog=CATALOG, oas=OAS)
def render_openapi(
    catalog: Catalog | str | Path | None = None, oas: Literal["3.0", "3.1"] | None = None
) -> dict[str, Any]:
    """The catalog's OpenAPI fragment as data: a valid document made of components
    (`specgen openapi`), in `oas`: a version the catalog's `oas` targets (default: 3.1, or
    3.0 for a catalog that targets only 3.0; another raises RenderError).

    ```python
    from specgen import render_openapi

    fragment = render_openapi(oas="3.0")
    print(sorted(fragment["components"]["responses"]))
    ```
    """
    from .errors import locating
    from .openapi.fragment import render_openapi as render

    loaded = _loaded(catalog)
    with locating(loaded.locate):
        return render(loaded.catalog, oas)


@takes(catalog=CATALOG, oas=OAS, fmt=one_of("yaml", "json"))
def openapi_text(
    catalog: Catalog | str | Path | None = None,
    oas: Literal["3.0", "3.1"] | None = None,
    fmt: Literal["yaml", "json"] = "yaml",
) -> str:
    """The OpenAPI fragment as the text `specgen openapi --format FMT` prints."""
    from .openapi.fragment import dump_openapi

    return dump_openapi(render_openapi(catalog, oas), fmt)


@takes(catalog=CATALOG, code=STATUS.or_none(), example=TEXT.or_none())
def render_transcripts(
    catalog: Catalog | str | Path | None = None,
    code: int | None = None,
    example: str | None = None,
) -> list[Transcript]:
    """The examples' HTTP/1.1 transcripts, optionally of one code and/or one example slug
    (`specgen transcripts`). Each has the exact `request` and `response` bytes and its `curl`.

    Raises `ArgumentError` naming the codes or slugs that exist when the selection finds
    none.

    ```python
    from specgen import render_transcripts

    first = render_transcripts(code=561)[0]
    print(first.response.decode().splitlines()[0])  # HTTP/1.1 561 Unauthorized
    ```
    """
    from .errors import locating
    from .http.transcripts import select_transcripts

    loaded = _loaded(catalog)
    try:
        with locating(loaded.locate):
            return select_transcripts(loaded.catalog, code, example)
    except LookupError as exc:  # the selection names a code or slug the catalog lacks
        raise ArgumentError.at("specgen.render_transcripts", str(exc)) from None


@dataclass(frozen=True)
class BuildResult:
    """What `build` did: the files the build has, and those it changed or found stale."""

    out: Path
    total: int
    changed: list[str]
    stale: list[Stale]


@takes(catalog=CATALOG, out=PATH, check=FLAG, since=TEXT.or_none())
def build(
    catalog: Catalog | str | Path | None = None,
    out: str | Path = DEFAULT_OUT,
    *,
    check: bool = False,
    since: str | None = None,
) -> BuildResult:
    """Render every output of a catalog into `out`: openapi/, transcripts/, docs/
    (`specgen build`). With `check=True` nothing is written and `stale` lists what differs;
    `since` (a git revision) adds docs/changes.md, what changed for consumers since the catalog
    file as it was there (`--since`).

    ```python
    import tempfile
    from specgen import build

    with tempfile.TemporaryDirectory() as folder:
        result = build(out=folder)
        print(result.total, "files")
        assert not build(out=folder, check=True).stale
    ```
    """
    from .errors import locating
    from .output.build import build as build_all
    from .output.build import check_build

    loaded = _loaded(catalog)
    changes = None
    if since is not None:
        from .diff.revision import changes_since

        changes = changes_since(loaded, since)
    root = Path(out)
    with locating(loaded.locate):
        if check:
            total, found = check_build(loaded.catalog, root, changes)
            return BuildResult(root, total, [], found)
        total, changed = build_all(loaded.catalog, root, changes)
    return BuildResult(root, total, changed, [])


_merge_arguments = takes(spec=DOCUMENT, catalog=CATALOG, attach=RULES, on_conflict=CONFLICT,
                         fragments=PATHS, file=TEXT, adopt=FLAG)


def _merge_plan(
    spec: str | bytes,
    catalog: Catalog | str | Path | None,
    attach: Sequence[str],
    on_conflict: OnConflict,
    fragments: Sequence[str | Path],
    file: str,
    source: Path | None = None,
    adopt: bool = False,
) -> MergePlan:
    from .catalog.rules import parse_rule
    from .errors import MergeError, locating
    from .splice.io import attachments, catalog_fragment, fragment_file, spec_version
    from .splice.plan import plan_merge

    try:
        rules = [parse_rule(text) for text in attach]
    except ValueError as exc:
        raise MergeError.at(file, str(exc)) from None
    document = spec.encode() if isinstance(spec, str) else spec
    loaded = _loaded(catalog)
    oas = spec_version(document, file)
    with locating(loaded.locate):
        merged = [catalog_fragment(loaded, oas, file)]
    merged += [fragment_file(Path(path), oas, file) for path in fragments]
    return plan_merge(document, merged, attachments(merged, rules), on_conflict, file=file,
                      source=source, adopt=adopt)


@_merge_arguments
def merge(
    spec: str | bytes,
    catalog: Catalog | str | Path | None = None,
    *,
    attach: Sequence[str] = (),
    on_conflict: OnConflict = "error",
    fragments: Sequence[str | Path] = (),
    file: str = "<spec>",
    adopt: bool = False,
) -> str:
    """An OpenAPI document's text with the catalog's responses merged in (`specgen merge`).

    `attach` holds rules as the CLI's `--attach` takes them (`all`, `secured`, `tag:NAME`,
    `path:GLOB`, `operation:ID`, `method:NAME`); without them each code's own `attach` rules
    apply. Only the added text differs from `spec`; conflicts raise `MergeError` unless
    `on_conflict` is "keep" or "replace". `file` names the document in error messages.
    What the document already says needs nothing: a response or component equal to the
    catalog's once local `$ref`s are followed (key order, specgen's `x-specgen` marks, the
    whitespace around a description and the names of examples aside). `adopt=True`
    (`--adopt`) replaces each operation's inline response that equals the catalog's response
    for its code by a `$ref` to the shared component, added when missing (see
    `import_catalog` for an example).

    ```python
    from specgen import merge

    spec = '''openapi: 3.1.0
    info: {title: Pets, version: "1"}
    paths:
      /pets:
        get:
          security: [{token: []}]
          responses:
            "200": {description: OK}
    '''
    merged = merge(spec, attach=["secured"])
    assert merge(merged, attach=["secured"]) == merged  # merging twice changes nothing
    print(merged)
    ```
    """
    return _merge_plan(spec, catalog, attach, on_conflict, fragments, file, adopt=adopt).result()


@takes(spec=PATH, catalog=CATALOG, attach=RULES, on_conflict=CONFLICT, fragments=PATHS,
       write=FLAG)
def merge_files(
    spec: str | Path,
    catalog: Catalog | str | Path | None = None,
    *,
    attach: Sequence[str] = (),
    on_conflict: OnConflict = "error",
    fragments: Sequence[str | Path] = (),
    write: bool = False,
) -> dict[Path, str]:
    """Merge into a description on disk, in one file or split over several
    (`specgen merge SPEC --in-place`, or `--check`).

    Path items and operations given as `$ref`s to other files (inside `spec`'s folder) are
    followed, and each response is attached in the file where its operation is, as a reference
    to the component in `spec`. Returns the new text of every file the merge changes, `spec`
    included, by path; an empty dict when all are up to date. `write`: also write them, all or
    nothing. Arguments as for `merge`; `merge` itself takes one document's text and refuses
    references to other files.

    ```python
    import tempfile
    from pathlib import Path
    from specgen import merge_files

    folder = Path(tempfile.mkdtemp())
    (folder / "ops").mkdir()
    (folder / "openapi.yaml").write_text('''openapi: 3.1.0
    info: {title: Pets, version: "1"}
    paths:
      /pets:
        get:
          $ref: ops/list-pets.yaml
    ''')
    (folder / "ops" / "list-pets.yaml").write_text('''security: [{token: []}]
    responses:
      "200": {description: OK}
    ''')
    changed = merge_files(folder / "openapi.yaml", attach=["secured"], write=True)
    print(changed[folder / "ops" / "list-pets.yaml"])
    assert merge_files(folder / "openapi.yaml", attach=["secured"]) == {}  # up to date
    ```
    """
    from .splice.io import read_bytes, write_file, write_files

    path = Path(spec)
    plan = _merge_plan(read_bytes(path), catalog, attach, on_conflict, fragments, str(path),
                       path)
    changed = {Path(other.document.file): other.result() for other in plan.files.values()}
    if plan.changed:
        changed = {path: plan.result(), **changed}
    if write and plan.files:
        write_files(path, plan)
    elif write and plan.changed:
        write_file(path, plan)
    return changed


@_merge_arguments
def merge_overlay(
    spec: str | bytes,
    catalog: Catalog | str | Path | None = None,
    *,
    attach: Sequence[str] = (),
    on_conflict: OnConflict = "error",
    fragments: Sequence[str | Path] = (),
    file: str = "<spec>",
    adopt: bool = False,
) -> dict[str, Any]:
    """The change `merge` would make, as an OpenAPI Overlay 1.0 document
    (`specgen merge --overlay`)."""
    from .splice.overlay import overlay

    return overlay(_merge_plan(spec, catalog, attach, on_conflict, fragments, file, adopt=adopt))


@_merge_arguments
def merge_summary(
    spec: str | bytes,
    catalog: Catalog | str | Path | None = None,
    *,
    attach: Sequence[str] = (),
    on_conflict: OnConflict = "error",
    fragments: Sequence[str | Path] = (),
    file: str = "<spec>",
    adopt: bool = False,
) -> MergeSummary:
    """What `merge` would do, as data (the summary `specgen merge` prints on stderr):
    components added, updated or left in place by section, the operations each code's response
    is on, and the codes no rule attached with the reason.

    ```python
    from specgen import merge, merge_summary

    spec = '''openapi: 3.1.0
    info: {title: Pets, version: "1"}
    paths: {}
    '''
    summary = merge_summary(spec, attach=["all"])
    assert summary.added["responses"] == ["Unauthorized561"]
    assert summary.unattached == {"561": "rules matched no operation"}
    assert merge_summary(merge(spec), attach=["all"]).added == {}
    ```
    """
    from .splice.summary import MergeSummary

    plan = _merge_plan(spec, catalog, attach, on_conflict, fragments, file, adopt=adopt)
    return MergeSummary.of(plan)


@takes(directory=PATH)
def init(directory: str | Path = ".") -> list[Path]:
    """Write a starter specgen.yaml, its JSON Schema and mkdocs.yml into `directory`
    (`specgen init`); refuses, writing nothing, when any of them exists."""
    from .output.init import init as init_folder

    return init_folder(Path(directory))


@takes(base_url=TEXT, catalog=CATALOG, code=STATUS.or_none(), problem=TEXT.or_none(),
       example=TEXT.or_none(), headers=HEADERS, concurrency=COUNT, timeout=SECONDS,
       allow_unsafe_methods=FLAG, progress=CALLBACK)
def verify_api(
    base_url: str,
    catalog: Catalog | str | Path | None = None,
    *,
    code: int | None = None,
    problem: str | None = None,
    example: str | None = None,
    headers: Mapping[str, str] | Sequence[tuple[str, str]] = (),
    concurrency: int = 4,
    timeout: float = 10.0,
    allow_unsafe_methods: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> VerifyReport:
    """Replay the catalog's examples against the API at `base_url` and compare the responses
    (`specgen verify`).

    Each example's request is sent as its transcript has it (plus `headers`, which replace
    the example's headers of the same name) to the base URL's origin only, without following
    redirects, within `timeout` seconds; POST and other unsafe methods only with
    `allow_unsafe_methods`. The report's `exit_status` is 0 when everything conforms, 1 on any
    mismatch; `VerifyError` (a `SpecgenError`) means bad input or an unreachable server.
    `progress(done, total)` is called as each exchange completes. Runs its own event loop:
    call it from synchronous code.

    ```python
    from specgen import VerifyError, verify_api

    try:
        report = verify_api("http://127.0.0.1:9", timeout=0.5)  # nothing listens there
        print(report.text(), report.summary())
    except VerifyError as exc:
        print(exc)  # --base-url: cannot connect to http://127.0.0.1:9: ...
    ```
    """
    from .verify.plan import Selection
    from .verify.session import verify_catalog

    pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
    return verify_catalog(
        _loaded(catalog), base_url, Selection(code, problem, example), pairs,
        concurrency=concurrency, timeout=timeout, allow_unsafe_methods=allow_unsafe_methods,
        progress=progress,
    )
@takes(old=CATALOG, new=CATALOG)
def diff_catalogs(old: Catalog | str | Path, new: Catalog | str | Path) -> list[Located]:
    """What changed for the API's consumers from `old` to `new` (`specgen diff`): one entry
    per change, most severe first, each with its rule, severity and places in both catalogs.

    A catalog may be given as `REV:PATH`, read from git (`main:specgen.yaml`).

    ```python
    from specgen import diff_catalogs, load_catalog

    old = load_catalog()
    new = old.model_copy(deep=True)
    del new.codes[561].content["text/plain"]
    new.codes[561].examples = [e for e in new.codes[561].examples
                               if e.response.content_type != "text/plain"]
    for change in diff_catalogs(old, new):
        print(change.change.rule.severity, change.change.message)
    ```
    """
    from .diff.revision import read_version

    if isinstance(old, str | Path) and isinstance(new, str | Path):
        was, now = read_version(str(old)), read_version(str(new))
        if was is not None and now is not None:  # two files (not Python modules)
            return _diff_files((str(old), *was), (str(new), *now))
    from .diff.compare import compare
    from .diff.report import locate
    from .diff.revision import load_version

    before = _loaded(old) if not isinstance(old, str) else load_version(old)
    after = _loaded(new) if not isinstance(new, str) else load_version(new)
    changes = compare(before.catalog, after.catalog)
    return locate(changes, before.locate, after.locate)


def _diff_files(old: tuple[str, bytes, Path], new: tuple[str, bytes, Path]) -> list[Located]:
    """`diff_catalogs` of two files (each its name, bytes and the folder its model references
    import from): both are read in a child forked before pydantic and the models are imported
    here (`diff.files`), so that the two overlap on two cores."""
    from functools import partial

    from .diff.files import read_pair
    from .output.background import Background

    with Background(partial(read_pair, old, new)) as reader:
        from .diff.sides import diff_sides, prepare

        prepare()  # while the child reads
        before, after = reader.result()
        return diff_sides(before.received(old[1]), after.received(new[1]))


@takes(spec=PATH, codes=TEXT)
def import_catalog(spec: str | Path, codes: str = "4xx,5xx") -> str:
    """The text of a catalog (YAML) made from the error responses an OpenAPI document already
    has (`specgen import`); `codes` selects classes and codes, e.g. "4xx,503".

    ```python
    import pathlib
    import tempfile

    from specgen import import_catalog, load_catalog, merge

    spec = '''openapi: 3.1.0
    info: {title: Pets, version: "1"}
    paths:
      /pets:
        get:
          responses:
            "200": {description: OK}
            "404": {description: No such pet.}
    '''
    with tempfile.TemporaryDirectory() as folder:
        source = pathlib.Path(folder, "openapi.yaml")
        source.write_text(spec)
        catalog = pathlib.Path(folder, "specgen.yaml")
        catalog.write_text(import_catalog(source))
        assert sorted(load_catalog(catalog).codes) == [404]
        assert merge(spec, catalog) == spec  # merging back changes nothing
        adopted = merge(spec, catalog, adopt=True)  # the inline response becomes a $ref
        assert "#/components/responses/NotFound404" in adopted
    ```
    """
    from .importer.run import import_document, parse_codes

    try:
        selection = parse_codes(codes)
    except ValueError as exc:
        raise LoadError.at(str(spec), str(exc)) from None
    return import_document(Path(spec), selection)[0]
