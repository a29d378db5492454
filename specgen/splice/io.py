"""The merge's file side: reading the document and fragments, and writing results atomically."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..catalog.rules import Rule, parse_rule
from ..catalog.source import SPEC_MAX_BYTES
from ..errors import LoadError, Location, MergeError, Problem, printable
from ..openapi.version import declared_version
from ..output.files import atomic_write, write_output
from .outline import Unsupported
from .plan import (
    Attachment,
    DocumentText,
    Fragment,
    MergePlan,
    OnConflict,
    Path_,
    Scanned,
    plan_merge,
)
from .summary import MergeSummary

if TYPE_CHECKING:  # loading the catalog (pydantic) is the background side of `specgen merge`
    from ..catalog.load import Loaded

"""The largest document merge reads (the largest public descriptions are tens of megabytes)."""


def read_bytes(path: Path, what: str = "spec",
               limit: int = SPEC_MAX_BYTES) -> bytes:
    """An input file's bytes (a regular file, at most `limit` bytes), or a located error
    saying why they cannot be read."""
    from ..catalog.source import read_file

    try:
        return read_file(str(path), what, limit)
    except LoadError as exc:
        raise MergeError(exc.problems) from None


def spec_version(document: bytes, file: str) -> str:
    """The OAS version ('3.0' or '3.1') the document's top-level `openapi` field declares."""
    text = DocumentText.of(document, file, whole=False)
    try:
        found = top_level(text, ("openapi", "swagger"))
    except Unsupported as exc:
        DocumentText.of(document, file)  # text that is not UTF-8 is the first thing to say
        raise text.unsupported(exc) from None
    try:
        return declared_version({key: value for key, (value, _) in found.items()})
    except ValueError as exc:
        key = "openapi" if "openapi" in found else "swagger" if "swagger" in found else ""
        where = text.location(found[key][1]) if key else Location(file, 1, 1)
        raise MergeError([Problem(where, str(exc))]) from None


def top_level(document: DocumentText, keys: tuple[str, ...]) -> dict[str, tuple[Any, int]]:
    """The first of some top-level keys with its value (and where the key is), reading no
    further: nested keys of the same name are never taken for it."""
    if document.is_json:
        from .scan_json import root_entries

        for key, value, offset in root_entries(document.text):
            if key in keys:
                return {key: (value(), offset)}
        return {}
    from .compose import root_scalars

    return root_scalars(document.text, keys)


def catalog_fragment(loaded: Loaded, oas: str, document: str = "the document") -> Fragment:
    """The catalog's OpenAPI components as a fragment that points back into the catalog, in
    the version `oas` of `document` (its name, for messages), which the catalog must target:
    each component at the place the renderer says it comes from."""
    from ..openapi.fragment import render_located, untargeted

    catalog = loaded.catalog
    version: Literal["3.0", "3.1"] = "3.0" if oas == "3.0" else "3.1"
    if version not in catalog.oas:
        raise MergeError([Problem(loaded.locate(("oas",)), (
            f"{printable(document)} is OpenAPI {version}: "
            + untargeted(catalog, version, "merge into documents of")))])
    data, origins = render_located(catalog, version)

    def locate(path: Path_) -> Location:
        """A component ("components", section, name) is where it comes from; nothing else
        (the fragment has no paths) is in the catalog."""
        section, name = path[1:] if len(path) == 3 else ("", "")
        return loaded.locate(origins.get((section, name), ()))

    return Fragment.located(data, loaded.source.name, locate)


def fragment_file(path: Path, oas: str, document_name: str = "the document") -> Fragment:
    """An OpenAPI fragment file (YAML or JSON), located so conflicts name its lines, to merge
    into `document_name` (for messages) of version `oas`: a fragment that says its
    version (`openapi`) must say that one, as a catalog must target it."""
    from ..catalog.source import MAX_BYTES, decode, parse

    raw = read_bytes(path, "fragment", MAX_BYTES)
    try:
        document = parse(str(path), decode(str(path), raw))
    except LoadError as exc:
        raise MergeError(exc.problems) from None
    if not isinstance(document.data, dict):
        raise MergeError.at(str(path), "a fragment is an OpenAPI document (a mapping)")
    problems = [Problem(document.locate(where), message)
                for where, message in fragment_shape(document.data)]
    version = document.data.get("openapi")
    if version is not None and not str(version).startswith(oas):
        problems.append(Problem(document.locate(("openapi",)), (
            f"{printable(document_name)} is OpenAPI {oas}: the fragment targets only OpenAPI"
            f" {printable(str(version))} (its `openapi`), not OpenAPI {oas}; give a fragment of"
            f" OpenAPI {oas} to merge into documents of OpenAPI {oas}")))
    if problems:
        raise MergeError(problems)
    return Fragment.located(document.data, str(path), document.locate)


def fragment_shape(data: dict[str, Any]) -> list[tuple[Path_, str]]:
    """What is wrong with the shape of the parts of a fragment that merge reads."""
    wrong: list[tuple[Path_, str]] = []

    def mapping(path: Path_, value: Any, what: str) -> dict[str, Any]:
        """`value` if it is a mapping; {} (and a problem unless it is missing) if not."""
        if isinstance(value, dict):
            return value
        if value is not None:
            wrong.append((path, f"{what} must be a mapping"))
        return {}

    components = mapping(("components",), data.get("components"), "components")
    responses: dict[str, Any] = {}
    for section, items in components.items():
        found = mapping(("components", section), items, f"components/{section}")
        responses = found if section == "responses" else responses
    for name, response in responses.items():
        where: Path_ = ("components", "responses", str(name))
        extension = mapping((*where, "x-specgen"), mapping(
            where, response, f"the response {name!r}").get("x-specgen"), "x-specgen")
        attach = extension.get("attach", [])
        if not (isinstance(attach, list) and all(isinstance(rule, str) for rule in attach)):
            wrong.append(((*where, "x-specgen", "attach"), "attach is a list of rules (strings)"))
    extension = mapping(("x-specgen",), data.get("x-specgen"), "x-specgen")
    codes = mapping(("x-specgen", "codes"), extension.get("codes"), "x-specgen/codes")
    wrong.extend((("x-specgen", "codes", str(code)), "a code names a response (a string)")
                 for code, name in codes.items() if not isinstance(name, str))
    mapping(("paths",), data.get("paths"), "paths")
    return wrong


def attachments(fragments: Sequence[Fragment], rules: Sequence[Rule]) -> list[Attachment]:
    """Each specgen response of the fragments, attached by `rules`, else by its own defaults."""
    found = []
    for fragment in fragments:
        codes: dict[str, Any] = (fragment.data.get("x-specgen") or {}).get("codes") or {}
        responses = (fragment.data.get("components") or {}).get("responses") or {}
        for code, name in codes.items():
            defaults = ((responses.get(name) or {}).get("x-specgen") or {}).get("attach") or []
            try:
                chosen = tuple(rules) or tuple(parse_rule(text) for text in defaults)
            except ValueError as exc:
                raise MergeError([Problem(fragment.locate(("components", "responses", name)),
                                          str(exc))]) from None
            if chosen and name in responses:
                where = fragment.locate(("components", "responses", name))
                found.append(Attachment(str(code), name, chosen, where))
    return found


@dataclass(frozen=True)
class MergeRun:
    """One `specgen merge`: what to merge into which document, and what to do with the result."""

    spec: Path
    fragments: Sequence[Fragment]
    rules: Sequence[Rule] = ()
    on_conflict: OnConflict = "error"
    output: str | None = None
    in_place: bool = False
    check: bool = False
    overlay: str | None = None
    adopt: bool = False


def run(job: MergeRun, document: bytes | Scanned) -> tuple[int, MergeSummary]:
    """Merge, then write the document (and the other files of a multi-file description), the
    overlay, or nothing (--check); the exit status and what the merge did (or would do)."""
    plan = plan_merge(
        document, job.fragments, attachments(job.fragments, job.rules), job.on_conflict,
        file=str(job.spec), source=job.spec, adopt=job.adopt,
    )
    summary = MergeSummary.of(plan)
    if job.check:
        return 1 if plan.changed or plan.files else 0, summary
    if plan.files and not job.in_place:
        raise one_output_refused(plan, "--overlay" if job.overlay is not None else "-o/--output")
    if job.overlay is not None:
        from ..text.render import dump_json, dump_yaml
        from .overlay import overlay

        actions = overlay(plan)
        json_out = job.overlay.endswith(".json")
        content = dump_json(actions) + "\n" if json_out else dump_yaml(actions)
        write_output(job.overlay, content)
        return 0, summary
    if plan.files:
        write_files(job.spec, plan)
    elif job.in_place:
        if plan.changed:  # an up-to-date document keeps its timestamp
            write_file(job.spec, plan)
    else:
        write_output(job.output, plan.result_bytes())
    return 0, summary


def one_output_refused(plan: MergePlan, option: str) -> MergeError:
    """The refusal to write a multi-file merge to the one output `option` names."""
    first = next(iter(plan.files.values())).document.file
    count = len(plan.files)
    others = f"{first} and {count - 1} more" if count > 1 else first
    return MergeError.at(plan.document.file, (
        f"this merge changes other files of the description ({others}), which {option} cannot"
        " hold: use --in-place to write every file (all or nothing), or bundle the description"
        " into one file first (redocly bundle) and merge that"))


def write_file(spec: Path, plan: MergePlan) -> None:
    """Write a merged document in place (atomically), unless it changed since it was read."""
    unchanged_since_read({spec: plan})
    atomic_write(spec, plan.result_bytes())


def write_files(spec: Path, plan: MergePlan) -> None:
    """Write every file a multi-file merge changes, all or nothing (see output/write.py),
    unless one of them changed since it was read."""
    from ..output.write import write_plan

    folder = Path(os.path.realpath(spec.absolute().parent))
    plans = {**plan.files, **({spec.name: plan} if plan.changed else {})}
    unchanged_since_read({folder / relative: each for relative, each in plans.items()})
    write_plan(folder, {relative: each.result_bytes() for relative, each in plans.items()})


def unchanged_since_read(plans: dict[Path, MergePlan]) -> None:
    """Refuse to write over a file whose bytes are no longer those the merge read (an editor
    saved it meanwhile, say): its new content would be lost without a word."""
    changed = [Problem(Location(each.document.file), "changed since specgen merge read it;"
                       " nothing was written: run the merge again")
               for path, each in plans.items() if read_bytes(path) != each.document.raw]
    if changed:
        raise MergeError(changed)
