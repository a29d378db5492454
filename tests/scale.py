"""A generator of large valid catalogs, for the scale benchmark and the fault tests."""

from __future__ import annotations

from collections.abc import Iterable

from specgen.catalog.registry import facts

BODYLESS = {204, 205, 304}


def catalog(codes_range: Iterable[int], examples: int) -> dict[str, object]:
    """A valid catalog with the given codes and `examples` examples each."""
    codes: dict[int, object] = {}
    for code in codes_range:
        registered = facts(code).registered
        usable = registered and "(" not in registered.reason
        reason = registered.reason if registered and usable else f"Status {code}"
        has_body = code >= 200 and code not in BODYLESS
        entry: dict[str, object] = {
            "reason": reason,
            "summary": f"What status {code} means for this API, in one sentence.",
            "description": f"Status **{code}** is sent when the API needs to say so.\n\nIt has a"
            " longer description with `code` and a [link](https://example.com/errors).",
            "causes": ["The first cause.", "The second cause."],
            "remedies": ["The first remedy.", "The second remedy."],
            "headers": {"X-Request-Id": {"description": "Correlates logs.", "example": "abc-123"}},
            "examples": [
                {
                    "title": f"Scenario {index} of {code}",
                    "scenario": f"A client does thing {index} and gets {code}.",
                    "request": {
                        "method": "POST" if index % 2 else "GET",
                        "path": f"/items/{index}?q=%C3%A9",
                        "headers": {"Accept": "application/json"},
                        **({"body": {"name": f"item {index}", "tags": ["a"]}} if index % 2 else {}),
                    },
                    "response": {
                        "headers": {"X-Request-Id": f"req-{code}-{index}"},
                        **(
                            {
                                "content_type": "application/json",
                                "body": {"error": f"E{code}", "message": f"Case {index}: ünïcödé"},
                            }
                            if has_body
                            else {}
                        ),
                    },
                }
                for index in range(examples)
            ],
        }
        if has_body:
            entry["content"] = {"application/json": {"schema": "Error"}}
        if registered is None:
            entry["equivalent"] = code // 100 * 100 if code >= 200 else 100
        codes[code] = entry
    return {
        "specgen": 1,
        "info": {"title": "Scale benchmark", "version": "1.0.0"},
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
            }
        },
        "codes": codes,
    }
