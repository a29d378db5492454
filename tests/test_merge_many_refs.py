"""Many `$ref`s into one JSON file of a multi-file description: the file is scanned once, each
new reference locating only what was skipped so far (`JsonOutline.locate`), and the merge
comes out as it does with the same operations inline or one per file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from specgen import merge_files
from specgen.splice import scan_json
from specgen.splice.outline import Shape, Unsupported
from specgen.splice.refs import TARGET, shape_at
from specgen.splice.scan_json import JsonNode, JsonOutline, byte_text

COUNT = 200
RESPONSE = "#/components/responses/Unauthorized561"


def operation(index: int) -> dict[str, Any]:
    """An operation with a callback, secured when the index is odd (so that a rule selects
    half of them)."""
    found: dict[str, Any] = {
        "operationId": f"op{index}",
        "parameters": [{"name": "id", "in": "query", "schema": {"type": "string"}}],
        "responses": {"200": {"description": f"ok {index}"}},
        "callbacks": {"done": {"{$request.body#/url}": {"post": {
            "responses": {"204": {"description": "seen"}}}}}},
    }
    if index % 2:
        found["security"] = [{"token": []}]
    return found


def root(paths: dict[str, Any]) -> str:
    return json.dumps({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
                       "paths": paths}, indent=2) + "\n"


def write(folder: Path, files: dict[str, str]) -> Path:
    """The files of a description; the root file's path."""
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder / "openapi.json"


def one_file(folder: Path) -> Path:
    """COUNT path items whose operations are pointers into ops/ops.json."""
    return write(folder, {
        "openapi.json": root({f"/things/{i}": {"get": {"$ref": f"ops/ops.json#/op{i}"}}
                              for i in range(COUNT)}),
        "ops/ops.json": json.dumps({f"op{i}": operation(i) for i in range(COUNT)}, indent=2),
    })


def bundled(spec: Path, changed: dict[Path, str]) -> dict[str, Any]:
    """The merged description as one document: every operation reference replaced by what it
    leads to, the other files' references to the root file's components made local."""
    def read(path: Path) -> Any:
        return json.loads(changed.get(path) or path.read_text(encoding="utf-8"))

    document: dict[str, Any] = read(spec)
    for item in document["paths"].values():
        ref = item["get"].get("$ref")
        if ref is None:
            continue
        name, _, pointer = ref.partition("#")
        target = read(spec.parent / name)
        for part in pointer.split("/")[1:]:
            target = target[part]
        text = json.dumps(target).replace('"../openapi.json#/', '"#/')
        item["get"] = json.loads(text)
    return document


@pytest.mark.parametrize("attach", ["all", "secured", "callbacks"])
def test_many_pointers_into_one_json_file_merge_like_inline_and_one_file_each(
    tmp_path: Path, attach: str
) -> None:
    """200 operations reached by pointers into one JSON file get exactly what the same
    operations get inline in the root file, or each in a file of its own; only the selected
    ones change; the result is up to date on a second merge."""
    spec = one_file(tmp_path / "one")
    inline = write(tmp_path / "inline", {"openapi.json": root({
        f"/things/{i}": {"get": operation(i)} for i in range(COUNT)})})
    split = write(tmp_path / "split", {
        "openapi.json": root({f"/things/{i}": {"get": {"$ref": f"ops/op{i}.json"}}
                              for i in range(COUNT)}),
        **{f"ops/op{i}.json": json.dumps(operation(i), indent=2) for i in range(COUNT)},
    })
    results = {}
    for name, path in (("one", spec), ("inline", inline), ("split", split)):
        changed = merge_files(path, attach=[attach], write=True)
        assert merge_files(path, attach=[attach]) == {}, name
        results[name] = bundled(path, changed)
    assert results["one"] == results["inline"] == results["split"]
    got = []
    for index, item in enumerate(results["one"]["paths"].values()):
        responses = item["get"]["responses"]
        if attach == "callbacks":
            responses = item["get"]["callbacks"]["done"]["{$request.body#/url}"]["post"][
                "responses"]
        if responses.get("561") == {"$ref": RESPONSE}:
            got.append(index)
    assert got == [i for i in range(COUNT) if attach != "secured" or i % 2]


def test_a_json_file_is_scanned_once_however_many_references_lead_into_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each JSON file is outlined (read from its start) once, and the values skipped and
    objects walked over the whole merge add up to a few times the file, not one file's worth
    per reference (which 3,000 references into one file once made 190 s)."""
    spec = one_file(tmp_path)
    size = len((tmp_path / "ops" / "ops.json").read_bytes())  # the root file's differs
    outlined: list[int] = []
    skipped = {"bytes": 0}
    real_init, real_skip = JsonOutline.__init__, scan_json._skip_value

    def init(self: JsonOutline, text: str, shape: Shape) -> None:
        outlined.append(len(text))
        real_init(self, text, shape)

    def skip(text: str, start: int) -> int:
        end = real_skip(text, start)
        if len(text) == size:
            skipped["bytes"] += end - start
        return end

    monkeypatch.setattr(JsonOutline, "__init__", init)
    monkeypatch.setattr(scan_json, "_skip_value", skip)
    changed = merge_files(spec, attach=["all"])
    assert len(changed) == 2
    assert outlined.count(size) == 1
    assert size < skipped["bytes"] <= 3 * size


def located(node: JsonNode) -> Any:
    """What an outline located under an object: its span and, by key, the entries' spans and
    located objects."""
    return (node.open, node.close, {
        key: (entry.key_start, entry.value_start, entry.value_end,
              None if entry.node is None else located(entry.node))
        for key, entry in node.entries.items()})


def union(shapes: list[Shape]) -> Shape:
    """The shape naming everything any of `shapes` names."""
    merged: dict[str, Any] = {}
    for shape in shapes:
        for key, sub in shape.items():
            merged[key] = union([merged[key], sub]) if key in merged else sub
    return merged


DOCUMENT = json.dumps({
    "a": {"get": operation(1), "put": operation(2), "x-note": [1, {"b": 2}]},
    "b": operation(3),
    "c": {"nested": {"deeper": operation(4)}, "other": "text"},
    "/d~e": {"post": operation(5)},
}, indent=2)


@pytest.mark.parametrize("pointers", [
    [("a",), ("b",)],
    [("b",), ("a",), ("c", "nested", "deeper")],
    [("a", "get"), ("a",)],  # an operation, then the path item around it
    [("a",), ("a", "get")],
    [("c", "nested", "deeper"), ("c", "nested"), ()],
    [("/d~e",), ("/d~e", "post"), ("b",), ("b",)],
])
def test_locating_places_one_by_one_finds_what_one_scan_for_all_finds(
    pointers: list[tuple[str, ...]]
) -> None:
    """An outline extended one reference at a time locates exactly what an outline of the
    same text scanned once for all of them locates."""
    text = byte_text(DOCUMENT.encode())
    stepwise = JsonOutline(text, shape_at(pointers[0]))
    for pointer in pointers[1:]:
        stepwise.locate(shape_at(pointer))
    whole = JsonOutline(text, union([shape_at(pointer) for pointer in pointers]))
    assert located(stepwise.root) == located(whole.root)
    assert whole.root.child("a") is not None or ("a",) not in pointers


@pytest.mark.parametrize(("pointer", "message"), [
    (("c", "other"), "'other' must be a mapping"),
    (("a", "x-note"), "'x-note' must be a mapping"),
    (("b", "responses", "200", "description"), "'description' must be a mapping"),
])
def test_locating_a_place_that_is_no_object_fails_as_one_scan_would(
    pointer: tuple[str, ...], message: str
) -> None:
    """Asking later for a place that holds no object is refused at that value, as a scan asking
    for it from the start is."""
    text = byte_text(DOCUMENT.encode())
    outline = JsonOutline(text, shape_at(("a",)))
    with pytest.raises(Unsupported, match=message) as later:
        outline.locate(shape_at(pointer))
    with pytest.raises(Unsupported, match=message) as once:
        JsonOutline(text, union([shape_at(("a",)), shape_at(pointer)]))
    assert later.value.offset == once.value.offset


def test_a_reference_back_into_the_json_root_file_keeps_its_components(tmp_path: Path) -> None:
    """An operation file whose operation is a reference into the JSON root file: the root's
    outline is extended for it, so the root's components stay located and the catalog's are
    added beside them (the root used to be outlined anew for that place alone, and the merge
    refused its `components`)."""
    spec = write(tmp_path, {
        "openapi.json": json.dumps({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"$ref": "ops/ops.json#/alias"}}},
            "x-operations": {"real": operation(0)},
            "components": {"responses": {"Other": {"description": "theirs"}}}}, indent=2),
        "ops/ops.json": json.dumps({"alias": {"$ref": "../openapi.json#/x-operations/real"}}),
    })
    changed = merge_files(spec, attach=["all"], write=True)
    assert list(changed) == [spec]
    document = json.loads(spec.read_text(encoding="utf-8"))
    assert list(document["components"]["responses"]) == ["Other", "Unauthorized561"]
    assert document["x-operations"]["real"]["responses"]["561"] == {"$ref": RESPONSE}
    assert merge_files(spec, attach=["all"]) == {}


def test_shape_at_names_the_target_at_the_pointer() -> None:
    assert shape_at(()) is TARGET
    assert shape_at(("a", "b")) == {"a": {"b": TARGET}}
