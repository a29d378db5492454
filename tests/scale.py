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


def problem_catalog(types: int = 2000, codes: int = 60, examples: int = 3) -> dict[str, object]:
    """A valid catalog the size of Twilio's error dictionary: `types` problem types spread over
    `codes` status codes (4xx and 5xx), `examples` examples each."""
    numbers = [n for n in range(400, 600) if n not in BODYLESS][:codes]
    entries: dict[int, dict[str, object]] = {}
    for number in numbers:
        registered = facts(number).registered
        usable = registered and "(" not in registered.reason
        entries[number] = {
            "reason": registered.reason if registered and usable else f"Status {number}",
            "summary": f"What status {number} means for this API, in one sentence.",
            "content": {"application/problem+json": {"schema": "Problem"}},
            "problems": {},
            **({} if registered else {"equivalent": number // 100 * 100}),
        }
    for index in range(types):
        number = numbers[index % len(numbers)]
        slug = f"error-{index:05d}"
        problems = entries[number]["problems"]
        assert isinstance(problems, dict)
        problems[slug] = {
            "title": f"Error {index} of status {number}",
            "detail": f"What went wrong in case {index}, and how to *fix* it.",
            "extensions": {
                "type": "object",
                "properties": {"account_sid": {"type": "string"}, "more_info": {"type": "string"}},
            },
            "causes": [f"Cause {index}."],
            "remedies": [f"Remedy {index}."],
            "retryable": index % 3 == 0,
            "since": "2024-10",
            "tags": [f"product-{index % 30}"],
            "examples": [
                {
                    "title": f"Occurrence {case}",
                    "request": {"method": "POST" if case % 2 else "GET",
                                "path": f"/v1/items/{index}/{case}",
                                "headers": {"Accept": "application/problem+json"}},
                    "response": {"body": {"detail": f"Case {case} of error {index}: ünïcödé",
                                          "account_sid": f"AC{index:032d}"}},
                }
                for case in range(examples)
            ],
        }
    return {
        "specgen": 1,
        "info": {"title": "Problem types at scale", "version": "1.0.0"},
        "problem_base": "https://docs.example.com/problems/",
        "schemas": {
            "Problem": {
                "type": "object",
                "required": ["type", "title", "status"],
                "properties": {
                    "type": {"type": "string"}, "title": {"type": "string"},
                    "status": {"type": "integer"}, "detail": {"type": "string"},
                    "instance": {"type": "string"},
                },
            }
        },
        "codes": entries,
    }
