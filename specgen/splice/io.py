"""The merge's file side: reading the document and fragments, and writing results atomically."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..catalog.rules import Rule, parse_rule
from ..errors import Location, MergeError, Problem
from ..output.files import atomic_write, write_output
from .plan import Attachment, Fragment, OnConflict, Path_, Scanned, plan_merge

if TYPE_CHECKING:  # loading the catalog (pydantic) is the background side of `specgen merge`
    from ..catalog.load import Loaded

_VERSION = re.compile(rb"""(?:^|[{,])[ \t]*["']?openapi["']?[ \t]*:[ \t]*["']?([0-9.]+)""", re.M)


def read_bytes(path: Path) -> bytes:
    """A document's bytes, or a located error saying why they cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise MergeError.at(str(path), f"cannot read: {exc.strerror or exc}") from None


def spec_version(document: bytes, file: str) -> str:
    """The OAS version ('3.0' or '3.1') a document declares in its `openapi` field."""
    found = _VERSION.search(document)
    version = found.group(1).decode() if found else ""
    if version.startswith("3.0"):
        return "3.0"
    if version.startswith("3.1"):
        return "3.1"
    line = document.count(b"\n", 0, found.start()) + 1 if found else 1
    raise MergeError.at(
        file, f"not an OpenAPI 3.0 or 3.1 document (openapi: {version or 'missing'})", line=line
    )


def catalog_fragment(loaded: Loaded, oas: str) -> Fragment:
    """The catalog's OpenAPI components as a fragment that points back into the catalog."""
    from ..openapi.fragment import render_openapi

    catalog = loaded.catalog
    data = render_openapi(catalog, "3.0" if oas == "3.0" else "3.1")
    codes = {catalog.response_name(code): code for code in catalog.codes}

    def locate(path: Path_) -> Location:
        section, name = path[1:3] if len(path) >= 3 else ("", "")
        if section == "schemas" and name in catalog.schemas:
            return loaded.locate(("schemas", name))
        if section == "responses" and name in codes:
            return loaded.locate(("codes", codes[name]))
        return loaded.locate(())

    return Fragment.located(data, loaded.source.name, locate)


def fragment_file(path: Path) -> Fragment:
    """An OpenAPI fragment file (YAML or JSON), located so conflicts name its lines."""
    from ..catalog.source import decode, parse
    from ..errors import LoadError

    try:
        document = parse(str(path), decode(str(path), read_bytes(path)))
    except LoadError as exc:
        raise MergeError(exc.problems) from None
    if not isinstance(document.data, dict):
        raise MergeError.at(str(path), "a fragment is an OpenAPI document (a mapping)")
    return Fragment.located(document.data, str(path), document.locate)


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


def run(job: MergeRun, document: bytes | Scanned) -> int:
    """Merge, then write the document, the overlay, or nothing (--check); the exit status."""
    plan = plan_merge(
        document, job.fragments, attachments(job.fragments, job.rules), job.on_conflict,
        file=str(job.spec),
    )
    if job.check:
        return 1 if plan.changed else 0
    if job.overlay is not None:
        from ..text.render import dump_json, dump_yaml
        from .overlay import overlay

        actions = overlay(plan)
        json_out = job.overlay.endswith(".json")
        content = dump_json(actions) + "\n" if json_out else dump_yaml(actions)
        write_output(job.overlay, content)
        return 0
    if job.in_place:
        if plan.changed:  # an up-to-date document keeps its timestamp
            atomic_write(job.spec, plan.result_bytes())
    else:
        write_output(job.output, plan.result_bytes())
    return 0

