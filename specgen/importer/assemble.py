"""The catalog an imported document makes, checked clean by construction: what the checks
refuse (an example that does not match its schema, a header value with CR/LF...) is left out
and reported, never written."""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from pydantic import ValidationError

from ..catalog import check, syntax
from ..catalog.models import Catalog, is_json_media_type, slugify
from ..catalog.registry import facts
from ..catalog.schemas import COMPONENT_PREFIX, iter_refs
from .collect import CodeResponses, Op, Variant
from .document import Document
from .rules import OperationIndex, Unselectable
from .upconvert import upconvert

_MAX_PASSES = 8
_PARAGRAPH = re.compile(r"\n[ \t]*\n")


@dataclass
class Imported:
    """A catalog as data, and what was left out or changed on the way, for the user to read."""

    data: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    sources: dict[int, str] = field(default_factory=dict)  # code -> where it came from


def _valid(check_value: Any, value: Any) -> bool:
    try:
        check_value(value)
    except (ValueError, TypeError):
        return False
    return True


def _jsonable(value: Any) -> Any:
    """YAML's dates and other non-JSON scalars as JSON would carry them."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


class _Assembler:
    def __init__(self, document: Document, ops: list[Op]) -> None:
        self.document = document
        self.ops = ops
        self.index = OperationIndex([op.operation for op in ops])
        self.schemas: dict[str, Any] = {}
        self.notes: list[str] = []

    def schema(self, node: Any) -> str | dict[str, Any] | None:
        """A media type's schema: a catalog schema name (copied with what it references), or
        an inline schema."""
        if not isinstance(node, dict):
            return None
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(COMPONENT_PREFIX) and len(node) == 1:
            name = ref.removeprefix(COMPONENT_PREFIX)
            self.copy_schema(name)
            return name if name in self.schemas else None
        converted = self.convert(node)
        return converted if isinstance(converted, dict) else None

    def convert(self, node: Any) -> Any:
        converted = upconvert(_jsonable(node)) if self.document.oas == "3.0" else _jsonable(node)
        for _, ref in iter_refs(converted):
            if ref.startswith(COMPONENT_PREFIX):
                self.copy_schema(ref.removeprefix(COMPONENT_PREFIX))
        return converted

    def copy_schema(self, name: str) -> None:
        if name in self.schemas or not _valid(syntax.component_name, name):
            return
        found = ((self.document.data.get("components") or {}).get("schemas") or {}).get(name)
        if not isinstance(found, dict):
            return
        self.schemas[name] = {}  # taken before converting, so cycles end
        self.schemas[name] = self.convert(found)

    def headers(self, response: dict[str, Any]) -> dict[str, Any]:
        found = {}
        for name, raw in (response.get("headers") or {}).items():
            header, _ = self.document.resolve(raw)
            if not isinstance(header, dict) or not _valid(syntax.token, name):
                continue
            if name.lower() in ("content-type", "content-length", "date", "server",
                                "transfer-encoding", "connection"):
                continue
            entry: dict[str, Any] = {}
            if isinstance(header.get("description"), str):
                entry["description"] = header["description"]
            if header.get("required") is True:
                entry["required"] = True
            schema = self.schema(header.get("schema"))
            if isinstance(schema, dict):
                entry["schema"] = schema
            example = header.get("example", (header.get("schema") or {}).get("example"))
            if example is not None:
                text = example if isinstance(example, str) else json.dumps(_jsonable(example))
                if _valid(syntax.field_value, text):
                    entry["example"] = text
            found[name] = entry
        return found

    def request(self, op: Op) -> dict[str, Any]:
        """The request of an example: the operation's method and path, path and query
        parameters filled with their examples, required header parameters sent."""
        params: dict[tuple[str, str], dict[str, Any]] = {}
        for raw in [*(op.item.get("parameters") or []), *(op.data.get("parameters") or [])]:
            param, _ = self.document.resolve(raw)
            if isinstance(param, dict) and isinstance(param.get("name"), str):
                params[(param["name"], str(param.get("in")))] = param
        path = op.operation.path
        query = []
        headers = {}
        for (name, where), param in params.items():
            value = _param_example(param)
            if where == "path":
                path = path.replace(f"{{{name}}}", quote(value, safe=""))
            elif where == "query" and param.get("required") is True:
                query.append(f"{quote(name, safe='')}={quote(value, safe='')}")
            elif (where == "header" and param.get("required") is True
                  and _valid(syntax.token, name) and _valid(syntax.field_value, value)
                  and name.lower() not in ("host", "content-type", "content-length",
                                           "transfer-encoding", "connection")):
                headers[name] = value
        target = quote(path, safe="/%:@!$&'()*+,;=-._~") + ("?" + "&".join(query) if query else "")
        request: dict[str, Any] = {"method": op.operation.method.upper(), "path": target}
        if headers:
            request["headers"] = headers
        return request

    def examples(self, code: int, variant: Variant) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        slugs: set[str] = set()
        op = variant.ops[0] if variant.ops else None
        for media_type, raw in (variant.response.get("content") or {}).items():
            media, _ = self.document.resolve(raw)
            if not isinstance(media, dict):
                continue
            # (title, name in the document ("": the single `example`), value, scenario,
            # whether the document titles it with a summary)
            named: list[tuple[str, str, Any, str, bool]] = []
            if "example" in media and "examples" not in media:
                named.append((f"{code} example", "", media["example"], "", False))
            for key, raw_example in (media.get("examples") or {}).items():
                example, _ = self.document.resolve(raw_example)
                if isinstance(example, dict) and "value" in example:
                    summary = example.get("summary")
                    scenario = example.get("description")
                    named.append(((summary if isinstance(summary, str) else "") or str(key),
                                  str(key), example["value"],
                                  scenario if isinstance(scenario, str) else "",
                                  isinstance(summary, str)))
            names: set[str] = set()
            for title, key, value, scenario, summarized in named:
                body = _jsonable(value)
                if not is_json_media_type(media_type) and not isinstance(body, str):
                    continue
                slug = key if _valid(syntax.slug, key) else slugify(title)
                while slug in slugs:
                    slug += "-2"
                slugs.add(slug)
                entry: dict[str, Any] = {"title": " ".join(title.split()) or slug, "slug": slug}
                # Merge names an example by its slug and titles it, unless it has a `name`:
                # given where that is how the document says it, so that merge writes the
                # document's response back (and --adopt can share it).
                if (key != slug or not summarized) and key not in names and (
                        key == "" or _valid(syntax.component_name, key)):
                    entry["name"] = key
                    names.add(key)
                if scenario:
                    entry["scenario"] = scenario
                if op is not None:
                    entry["request"] = self.request(op)
                entry["response"] = {"content_type": media_type, "body": body}
                found.append(entry)
        return found

    def code(self, responses: CodeResponses) -> dict[str, Any]:
        code = responses.code
        variant = responses.chosen
        response = variant.response
        registered = facts(code).registered
        description = _string(response.get("description"))
        reason = registered.reason if registered else ""
        if not _valid(syntax.reason_phrase, reason) or not reason:
            first = description.strip().splitlines()[0] if description.strip() else ""
            reason = first if 0 < len(first) <= 40 and _valid(syntax.reason_phrase,
                                                              first) else f"Status {code}"
        # Merge writes the summary, a blank line and the description: the first paragraph and
        # the rest give the document's words back as they were (import is merge's inverse).
        summary, rest = (*_PARAGRAPH.split(description.strip(), maxsplit=1), "")[:2]
        entry: dict[str, Any] = {"reason": reason, "summary": summary or f"{reason}."}
        if rest.strip():
            entry["description"] = rest.strip()
        if registered is None:
            entry["equivalent"] = code // 100 * 100
        if variant.component and _valid(syntax.component_name, variant.component):
            entry["name"] = variant.component
        headers = self.headers(response)
        if headers:
            entry["headers"] = headers
        content = {}
        for media_type, raw in (response.get("content") or {}).items():
            media, _ = self.document.resolve(raw)
            if not isinstance(media, dict) or not _valid(syntax.media_type, media_type):
                continue
            schema = self.schema(media.get("schema"))
            content[media_type] = {"schema": schema} if schema is not None else {}
        if content:
            entry["content"] = content
        examples = self.examples(code, variant)
        if examples:
            entry["examples"] = examples
        try:
            rules = self.index.rules_for([op.operation for op in variant.ops])
        except Unselectable as exc:
            self.notes.append(f"{code}: no attach rule can select exactly its operations: {exc};"
                              " attach it by hand")
            rules = []
        if rules:
            entry["attach"] = rules
        return entry


def _mapping(value: Any) -> dict[str, Any]:
    """A value that should be an object, or an empty one where the document has something else."""
    return value if isinstance(value, dict) else {}


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _param_example(param: dict[str, Any]) -> str:
    schema = _mapping(param.get("schema"))
    for value in (param.get("example"), schema.get("example"), schema.get("default"),
                  (schema.get("enum") or [None])[0]):
        if value is not None and not isinstance(value, dict | list):
            return str(value).lower() if isinstance(value, bool) else str(value)
    return "1" if schema.get("type") in ("integer", "number") else str(param["name"])


def _server(document: Document) -> dict[str, Any]:
    for server in document.data.get("servers") or []:
        url = server.get("url") if isinstance(server, dict) else None
        if not isinstance(url, str) or "{" in url:
            continue
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc and _valid(syntax.host,
                                                                         parts.netloc):
            return {"host": parts.netloc, "scheme": parts.scheme}
    return {}


def assemble(document: Document, ops: list[Op], codes: list[CodeResponses]) -> Imported:
    """The catalog data of the document's error responses, checked clean."""
    assembler = _Assembler(document, ops)
    info = _mapping(document.data.get("info"))
    title = _string(info.get("title")).strip() or document.file
    version = str(info.get("version") or "1")
    data: dict[str, Any] = {
        "specgen": 1,
        "info": {"title": f"{' '.join(title.split())} errors", "version": version},
    }
    server = _server(document)
    if server:
        data["server"] = server
    entries = {c.code: assembler.code(c) for c in codes}
    if assembler.schemas:
        data["schemas"] = assembler.schemas
    data["codes"] = entries
    imported = Imported(data, assembler.notes)
    for c in codes:
        where = f"components.responses.{c.chosen.component}" if c.chosen.component else "inline"
        imported.sources[c.code] = f"{where}, on {len(c.chosen.ops)} operation(s)"
        if len(c.variants) > 1:
            imported.notes.append(
                f"{c.code}: {len(c.variants)} different responses; kept the one on"
                f" {len(c.chosen.ops)} operation(s), left {len(c.variants) - 1} as they are"
            )
    _prune(imported)
    beyond = _beyond_30(imported.data) if document.oas == "3.1" else None
    if beyond is not None:
        imported.data = {**{key: data[key] for key in ("specgen", "info")}, "oas": ["3.1"],
                         **{key: value for key, value in data.items()
                            if key not in ("specgen", "info")}}
        imported.notes.append(f"the schemas use what OpenAPI 3.0 cannot express ({beyond}):"
                              ' the catalog targets OpenAPI 3.1 only (oas: ["3.1"])')
    return imported


def _beyond_30(data: dict[str, Any]) -> str | None:
    """The first thing the catalog's schemas hold that OpenAPI 3.0 cannot express (its
    place and why) when 3.1 can express them all; else None."""
    from ..errors import RenderError
    from ..openapi.fragment import refusals

    def refused(oas: str) -> str | None:
        try:
            refusals(Catalog.model_validate({**data, "oas": [oas]}))
        except RenderError as exc:
            first = exc.problems[0]
            return f"{first.location.pointer}: {first.message}"
        return None

    found = refused("3.0")
    return found if found is not None and refused("3.1") is None else None


def _prune(imported: Imported) -> None:
    """Leave out what the catalog checks refuse, until they pass."""
    for _ in range(_MAX_PASSES):
        paths = _problems(imported.data)
        if not paths:
            return
        for path, message in paths:
            _drop(imported, path, message)
        for entry in imported.data["codes"].values():  # examples left out are None until here
            if "examples" in entry:
                entry["examples"] = [e for e in entry["examples"] if e is not None]
    raise AssertionError("import produced a catalog that does not check clean")  # pragma: no cover


def _problems(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    try:
        catalog = Catalog.model_validate(data)
    except ValidationError as exc:
        return [(tuple(error["loc"]), error["msg"]) for error in exc.errors()]
    return [(f.path, f.message) for f in check.errors(catalog)]


def _drop(imported: Imported, path: tuple[Any, ...], message: str) -> None:
    data = imported.data
    if len(path) >= 4 and path[0] == "codes" and path[2] == "examples":
        examples = data["codes"].get(path[1], {}).get("examples", [])
        if isinstance(path[3], int) and path[3] < len(examples) and examples[path[3]]:
            title = examples[path[3]].get("title")
            examples[path[3]] = None
            imported.notes.append(f"{path[1]}: left out example {title!r}: {message}")
    elif len(path) >= 4 and path[0] == "codes" and path[2] == "headers":
        header = data["codes"][path[1]]["headers"].get(path[3])
        if isinstance(header, dict) and header.pop("example", None) is not None:
            imported.notes.append(f"{path[1]}: left out the example of header {path[3]}")
        else:
            data["codes"][path[1]]["headers"].pop(path[3], None)
            imported.notes.append(f"{path[1]}: left out header {path[3]}: {message}")
    elif len(path) >= 2 and path[0] == "schemas":
        data["schemas"][path[1]] = {}
        imported.notes.append(f"schema {path[1]} replaced by {{}} (any value): {message}")
    elif len(path) >= 2 and path[0] == "codes" and path[1] in data["codes"]:
        del data["codes"][path[1]]
        imported.notes.append(f"{path[1]}: left out: {message}")
    else:
        raise AssertionError(f"cannot leave out {path}: {message}")  # pragma: no cover
