"""OpenAPI fragments (3.0 and 3.1): every code's response, schemas, headers and examples."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from ..catalog import registry
from ..catalog.check import has_code_links
from ..catalog.headers import typed_example
from ..catalog.memo import derived
from ..catalog.models import Catalog, StatusCode
from ..catalog.schemas import COMPONENT_PREFIX, SchemaProblem, resolve
from ..errors import Location, Problem, RenderError, json_pointer
from ..text import links
from . import problems
from .components import Components, Key
from .downconvert import Inexpressible, Path, downconvert
from .marks import marked
from .schemas import Lifted, Owner, component_name, lift
from .version import Oas as Oas

Format = Literal["yaml", "json"]
VERSIONS: dict[str, str] = {"3.0": "3.0.3", "3.1": "3.1.0"}
"""The `openapi` field written for each version: the releases tools support most widely."""

_CATALOG = "catalog"  # the file name of errors: render sees a Catalog, not where it was read


@dataclass(frozen=True)
class _Schemas:
    """Components/schemas, and the inline schemas of headers and media types, for one version."""

    components: dict[str, Any]
    inline: dict[Path, Any]  # catalog path of an inline schema → its OpenAPI form
    oas: Oas
    origins: dict[str, Path]  # component → its place in the catalog


HINT_31 = '; if the API publishes only OpenAPI 3.1, say `oas: ["3.1"]` in the catalog'
"""What ends a 3.0 refusal of `check` and `build` when the catalog targets both versions."""


def refusals(catalog: Catalog) -> None:
    """Raise the RenderError `render_openapi` would raise for a version the catalog targets,
    without rendering: all it refuses is schemas (`_schemas`), and response names, which
    `check` refuses first."""
    lifted = _lifted(catalog)  # 3.1 takes the lifted schemas as they are
    if "3.0" in catalog.oas:
        _downconvert(*lifted, _hint(catalog))


def default_oas(catalog: Catalog) -> Oas:
    """The version `specgen openapi` renders unless told: 3.1, or 3.0 for a catalog that
    targets only 3.0."""
    return "3.1" if "3.1" in catalog.oas else "3.0"


def render_openapi(catalog: Catalog, oas: Oas | None = None, *, built: bool = False
                   ) -> dict[str, Any]:
    """The document of `render_located`."""
    return render_located(catalog, oas, built=built)[0]


def render_located(catalog: Catalog, oas: Oas | None = None, *, built: bool = False
                   ) -> tuple[dict[str, Any], dict[Key, Path]]:
    """The catalog as a complete OpenAPI document whose components hold every code's response,
    in `oas` (default: `default_oas`), which must be one the catalog targets.

    Raises RenderError, naming each schema and place, for what the version cannot express;
    for `build` (`built`), which renders every version the catalog targets, a 3.0 refusal says
    how to target only 3.1, as `check` says it.

    With the document, the place of the catalog each component comes from, by (section, name):
    the code of a response, the schema, header, example or problem type of the others, the code
    whose problem types need the base schema specgen adds.
    """
    if oas is None:
        oas = default_oas(catalog)
    if oas not in VERSIONS:
        raise ValueError(f"OpenAPI {oas!r} is not supported; use 3.0 or 3.1")
    if oas not in catalog.oas:
        raise RenderError.at(_CATALOG, untargeted(catalog, oas, "render"), pointer="/oas")
    schemas = _schemas(catalog, oas, _hint(catalog) if built else "")
    codes = sorted(catalog.codes)
    names = {code: catalog.response_name(code) for code in codes}
    _unique_responses(names)
    found = Components({"schemas": dict(schemas.components)},
                       {("schemas", name): path for name, path in schemas.origins.items()})
    header_refs = _headers(catalog, codes, names, schemas, found)
    for code in codes:
        found.add("responses", names[code],
                  _response(catalog, code, names[code], schemas, header_refs, found),
                  ("codes", code))
    components: dict[str, Any] = {"responses": found.section("responses")}
    for section in ("schemas", "headers", "examples"):
        if found.section(section):
            components[section] = {name: marked(value)
                                   for name, value in found.section(section).items()}
    info = {"title": catalog.info.title, "version": catalog.info.version}
    if catalog.info.description:
        info["description"] = catalog.info.description
    document = {
        "openapi": VERSIONS[oas],
        "info": info,
        # The examples' server (Redocly's `no-empty-servers`); merge never copies it into a
        # document, whose own servers stay as they are.
        "servers": [{"url": catalog.server.base_url}],
        "paths": {},
        "components": components,
        "x-specgen": {"codes": {str(code): names[code] for code in codes}},
    }
    # A plain JSON tree: no object appears twice, so YAML dumpers write no anchors.
    result: dict[str, Any] = json.loads(json.dumps(document))
    if has_code_links(catalog):  # else there is none to resolve
        _resolve_links(result, catalog)
    return result, found.origins


# Keys whose values are data (example bodies, schema values), never prose to resolve links in.
_DATA_KEYS = frozenset({"value", "example", "examples", "default", "const", "enum"})


def _resolve_links(node: Any, catalog: Catalog) -> None:
    """Resolve the `code:NNN` links of every description: to the code's page under
    `docs_url`, or to the link's text alone without one (a relative link means nothing in an
    OpenAPI document)."""
    base = catalog.docs_url

    def url(code: int, anchor: str) -> str | None:
        return None if base is None else base.rstrip("/") + "/" + links.page_url(code, anchor)

    if isinstance(node, dict):
        for key, value in node.items():
            if key == "description" and isinstance(value, str):
                node[key] = links.resolve_markdown(value, url)
            elif key not in _DATA_KEYS or (key == "examples" and isinstance(value, dict)):
                _resolve_links(value, catalog)
    elif isinstance(node, list):
        for item in node:
            _resolve_links(item, catalog)


def dump_openapi(document: dict[str, Any], fmt: Format) -> str:
    """A fragment as YAML (with a header comment) or JSON text; same document, same bytes."""
    from ..text.render import render  # jinja2: `specgen merge` renders documents, never templates

    return render(f"openapi/fragment.{fmt}.jinja", document=document)


def targets(catalog: Catalog) -> str:
    """The versions a catalog targets, as messages name them: `OpenAPI 3.1 (oas: ["3.1"])`."""
    return (f"OpenAPI {' and '.join(catalog.oas)}"
            f" (oas: [{', '.join(json.dumps(version) for version in catalog.oas)}])")


def untargeted(catalog: Catalog, oas: Oas, what: str) -> str:
    """Why a catalog cannot give OpenAPI `oas` (one it does not target) for `what` (`render`,
    `merge into documents of`), and what to do: add the version to `oas`, unless its schemas
    need a version it cannot express."""
    try:
        refusals(catalog.model_copy(update={"oas": [oas]}))
    except RenderError:
        return (f"the catalog targets only {targets(catalog)}, and its schemas use what OpenAPI"
                f" {oas} cannot express: it cannot {what} OpenAPI {oas}")
    return (f"the catalog targets only {targets(catalog)}, not OpenAPI {oas}; add \"{oas}\" to"
            f" its `oas` to {what} OpenAPI {oas}")


def openapi_plan(catalog: Catalog) -> dict[str, str]:
    """The fragments of the versions the catalog targets (3.0 and 3.1 unless it says), in YAML
    and JSON, by file name under OUT/openapi/."""
    plan: dict[str, str] = {}
    for oas in sorted(catalog.oas):
        document = render_openapi(catalog, oas, built=True)
        for fmt in ("yaml", "json"):
            plan[f"fragment-{oas}.{fmt}"] = dump_openapi(document, fmt)
    return plan


def response_snippet(catalog: Catalog, code: int, oas: Oas | None = None) -> str:
    """YAML of one code's response component, as `components: responses: NAME: …`, as its
    page shows it: without `x-specgen` data, in `oas` (default: 3.1 unless the catalog
    targets only 3.0)."""
    from ..text.render import dump_yaml  # jinja2, as in dump_openapi

    if code not in catalog.codes:
        raise RenderError.at(_CATALOG, f"code {code} is not in the catalog", pointer="/codes")
    name = catalog.response_name(code)
    oas = oas or default_oas(catalog)
    document = derived(catalog, ("openapi", oas), lambda: render_openapi(catalog, oas))
    response = _public(document["components"]["responses"][name])
    return dump_yaml({"components": {"responses": {name: response}}})


def _public(value: Any) -> Any:
    """A part of a fragment without specgen's own `x-specgen` data, which is for merge and
    tools, not for the API's consumers reading a page."""
    if isinstance(value, dict):
        return {key: _public(item) for key, item in value.items() if key != "x-specgen"}
    if isinstance(value, list):
        return [_public(item) for item in value]
    return value


def _unique_responses(names: dict[int, str]) -> None:
    seen: dict[str, int] = {}
    for code, name in names.items():
        if name in seen:
            raise RenderError.at(
                _CATALOG,
                f"codes {seen[name]} and {code} both have the response name {name!r};"
                " give one a distinct 'name'",
                pointer=json_pointer(("codes", code, "name")),
            )
        seen[name] = code


def _schemas(catalog: Catalog, oas: Oas, hint: str) -> _Schemas:
    """Named and inline schemas with `$defs` lifted, down-converted for 3.0 (each refusal
    followed by `hint`)."""
    lifted, inline = _lifted(catalog)
    if oas == "3.1":
        return _Schemas(lifted.schemas, inline, oas, lifted.origins)
    return _downconvert(lifted, inline, hint)


def _hint(catalog: Catalog) -> str:
    """What follows a 3.0 refusal in `check` and `build`: `HINT_31` when the catalog targets
    3.1 too (one that targets only 3.0 has to change the schema)."""
    return HINT_31 if "3.1" in catalog.oas else ""


def _lifted(catalog: Catalog) -> tuple[Lifted, dict[Path, Any]]:
    """Named and inline schemas with `$defs` lifted (their OpenAPI 3.1 form), the inline ones
    by catalog path."""
    try:
        named = resolve(catalog)
    except SchemaProblem as exc:
        raise RenderError.at(_CATALOG, str(exc), pointer="/schemas") from None
    owners = [Owner(name, schema, ("schemas", name), named=True) for name, schema in named.items()]
    for code in sorted(catalog.codes):
        status, response = catalog.codes[code], catalog.response_name(code)
        for header_name, header in status.headers.items():
            owners.append(Owner(f"{response}.{component_name(header_name)}", header.schema_,
                                ("codes", code, "headers", header_name, "schema"), named=False))
        for media_type, media in status.content.items():
            if isinstance(media.schema_, dict):
                owners.append(Owner(f"{response}.{component_name(media_type)}", media.schema_,
                                    ("codes", code, "content", media_type, "schema"), named=False))
        for slug, problem in status.problems.items():
            if problem.extensions:
                owners.append(Owner(f"{response}.{slug}", problem.extensions,
                                    problems.extensions_path(code, slug), named=False))
    try:
        lifted = lift(owners)
    except Inexpressible as exc:
        raise RenderError([
            Problem(Location(_CATALOG, pointer=json_pointer(path)), message)
            for path, message in exc.refusals
        ]) from None
    inline = {owner.path: schema
              for owner, schema in zip([o for o in owners if not o.named], lifted.inline,
                                       strict=True)}
    return lifted, inline


def _downconvert(lifted: Lifted, inline: dict[Path, Any], hint: str) -> _Schemas:
    """Every schema in its OpenAPI 3.0 form; every refusal of every schema reported at once,
    each followed by `hint`."""
    problems: list[Problem] = []
    components: dict[str, Any] = {}
    for name, schema in lifted.schemas.items():
        try:
            components[name] = downconvert(schema)
        except Inexpressible as exc:
            problems += [
                Problem(
                    Location(_CATALOG, pointer=json_pointer((*lifted.origins[name], *inner))),
                    f"schema {name!r} at {json_pointer(inner) or '/'}: {message}{hint}",
                )
                for inner, message in exc.refusals
            ]
    converted: dict[Path, Any] = {}
    for path, schema in inline.items():
        try:
            converted[path] = downconvert(schema)
        except Inexpressible as exc:
            problems += [
                Problem(Location(_CATALOG, pointer=json_pointer((*path, *inner))), message + hint)
                for inner, message in exc.refusals
            ]
    if problems:
        raise RenderError(problems)
    return _Schemas(components, converted, "3.0", lifted.origins)


def _headers(
    catalog: Catalog, codes: list[int], names: dict[int, str], schemas: _Schemas,
    components: Components,
) -> dict[tuple[int, str], str]:
    """Add the header components to `components`; the component each code's header refers to.

    A header of the catalog's `headers` is one component named after it, whichever codes refer
    to it. Any other header defined the same way by every code that sends it is one component
    named after it; one defined differently by different codes gets a component per code
    (`Unauthorized561.WWW-Authenticate`).
    """
    objects: dict[tuple[int, str], dict[str, Any]] = {}
    groups: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for code in codes:
        for header_name, header in catalog.codes[code].headers.items():
            obj: dict[str, Any] = {}
            if header.description:
                obj["description"] = header.description
            if header.required:
                obj["required"] = True
            obj["schema"] = schemas.inline[("codes", code, "headers", header_name, "schema")]
            if header.example is not None:
                obj["example"] = typed_example(header)
            objects[code, header_name] = obj
            # Field names are case-insensitive (RFC 9110 §5.1): one header, however spelled.
            key = ("#", header.shared) if header.shared else ("", header_name.lower())
            groups.setdefault(key, []).append((code, header_name))
    refs: dict[tuple[int, str], str] = {}
    # Shared headers first, so they keep their own names whatever else the codes define.
    for (shared, named), members in sorted(groups.items(), key=lambda item: item[0][0] != "#"):
        if shared or len({json.dumps(objects[m], sort_keys=True) for m in members}) == 1:
            code, header_name = members[0]
            name = components.add(
                "headers", component_name(named if shared else header_name), objects[members[0]],
                ("headers", named) if shared else ("codes", code, "headers", header_name))
            refs.update(dict.fromkeys(members, name))
            continue
        for code, header_name in members:
            refs[code, header_name] = components.add(
                "headers", f"{names[code]}.{component_name(header_name)}",
                objects[code, header_name], ("codes", code, "headers", header_name))
    return refs


def _response(
    catalog: Catalog,
    code: int,
    name: str,
    schemas: _Schemas,
    header_refs: dict[tuple[int, str], str],
    components: Components,
) -> dict[str, Any]:
    """One code's Response Object; its examples and problem types' schemas are added to
    `components`."""
    status = catalog.codes[code]
    description = status.summary
    if status.description.strip():
        description += "\n\n" + status.description.strip()
    response: dict[str, Any] = {"description": description}
    if status.headers:
        response["headers"] = {
            header: {"$ref": "#/components/headers/" + header_refs[code, header]}
            for header in status.headers
        }
    content: dict[str, Any] = {}
    for media_type, media in status.content.items():
        obj: dict[str, Any] = {}
        if isinstance(media.schema_, str):
            obj["schema"] = {"$ref": COMPONENT_PREFIX + media.schema_}
        elif media.schema_ is not None:
            obj["schema"] = schemas.inline[("codes", code, "content", media_type, "schema")]
        refs = {}
        for index, example in enumerate(status.examples):
            if status.example_media_type(example) != media_type:
                continue
            if example.name == "":  # the media type's single `example`
                obj["example"] = problems.example_object(example)["value"]
                continue
            component = components.add("examples", f"{name}.{example.id}",
                                       problems.example_object(example),
                                       ("codes", code, "examples", index))
            refs[example.id if example.name is None else example.name] = {
                "$ref": "#/components/examples/" + component}
        if refs:
            obj["examples"] = refs
        if media.description:
            obj["x-specgen"] = {"description": media.description}
        content[media_type] = obj
    problems.attach(catalog, code, name, content, components, schemas.inline, schemas.oas)
    if content:
        response["content"] = content
    response["x-specgen"] = _extension(code, status)
    return response


def _extension(code: int, status: StatusCode) -> dict[str, Any]:
    """What a fragment's consumer may want beyond OpenAPI: registration, fallback, equivalent."""
    facts = registry.facts(code)
    extension: dict[str, Any] = {
        "code": code,
        "class": facts.class_name,
        "registered": facts.registered is not None,
    }
    if facts.registered is None:
        # RFC 9110 §15: what a client that does not know the code treats it as.
        extension["fallback"] = facts.fallback
    if status.equivalent is not None:
        extension["equivalent"] = status.equivalent
    if facts.vendors:
        extension["vendors"] = [
            {"vendor": use.vendor, "reason": use.reason} for use in facts.vendors
        ]
    if status.attach:
        extension["attach"] = list(status.attach)
    if status.deprecated:
        extension["deprecated"] = True
    return extension
