"""Block-style YAML for JSON data, written directly: PyYAML's representer costs seconds on big
fragments, and JSON data needs only a few of YAML's forms.

Strings are plain only when no YAML reader (1.1 or 1.2) can take them for anything else; others
are double-quoted with JSON's escapes (which YAML shares), or written as literal blocks when they
span lines. Keys keep their order. A property test checks that PyYAML reads back the same data.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

# Text that starts with a letter, '_', '/', '$' or '(' cannot start like a number, a date, an
# indicator, an alias, a tag or a comment; inside, only ': ', ' #', tabs, controls and line
# breaks (and a ':' or space at the end) would change how it reads.
_RAW = "\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff"
_PLAIN = re.compile(f"[A-Za-z_/$(](?:[^{_RAW}]*[^\\s:{_RAW}])?")
_PLAIN_BREAKS = (": ", " #")
# YAML 1.1 booleans and nulls (y and n included, which some readers still honour).
_RESERVED = frozenset(
    word
    for base in ("y", "yes", "n", "no", "true", "false", "on", "off", "null")
    for word in (base, base.capitalize(), base.upper())
)
# Characters a YAML stream may not hold raw, and line breaks YAML would fold: escape them.
_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
_LITERAL_BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def _quoted(text: str) -> str:
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def _literal(text: str, indent: str) -> str | None:
    """A literal block for multi-line text, or None when one cannot hold it exactly."""
    body = text[:-1] if text.endswith("\n") else text
    if not body or body.endswith("\n") or _LITERAL_BAD.search(text) or text[0] in " \t\n":
        return None
    lines = body.split("\n")
    if any(line != line.rstrip(" \t") and not line.strip() for line in lines):
        return None  # lines of only spaces would be read as indentation
    chomp = "" if text.endswith("\n") else "-"
    return f"|{chomp}\n" + "\n".join(indent + line if line else "" for line in lines)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        # YAML 1.1 reads a float only with a dot in it: 1e+300 would come back as a string.
        return text if "." in text else text.replace("e", ".0e", 1)
    if isinstance(value, str):
        if (
            _PLAIN.fullmatch(value)
            and value not in _RESERVED
            and not any(mark in value for mark in _PLAIN_BREAKS)
        ):
            return value
        return _quoted(value)
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


# YAML readers (PyYAML and libyaml among them) take a key written `key: value` only when it is at
# most 1,024 characters long; longer ones are written in the explicit form `? key` / `: value`.
_SIMPLE_KEY_MAX = 1000


def _entry(key: Any, item: Any, indent: str, out: list[str], start: str) -> None:
    """Append one mapping entry whose first line starts with `start` (indent, or '- ')."""
    text = _scalar(key)
    if len(text) <= _SIMPLE_KEY_MAX:
        _lines(item, indent + "  ", out, start + text + ":")
    else:
        out.append(start + "? " + text)
        _lines(item, indent + "  ", out, indent + ":")


def _lines(value: Any, indent: str, out: list[str], prefix: str) -> None:
    """Append the lines of `value`; `prefix` starts its first line ('key:' or '- ')."""
    if isinstance(value, dict) and value:
        if prefix.endswith("- "):
            first = True
            for key, item in value.items():
                _entry(key, item, indent, out, prefix if first else indent)
                first = False
            return
        if prefix:
            out.append(prefix)
        for key, item in value.items():
            _entry(key, item, indent, out, indent)
        return
    if isinstance(value, list) and value:
        if prefix.endswith("- "):
            # A list inside a list: the first item goes on the dash's line.
            for position, item in enumerate(value):
                _lines(item, indent + "  ", out, (prefix if position == 0 else indent) + "- ")
            return
        if prefix:
            out.append(prefix)
        # Sequences in mappings sit at the key's indentation, as PyYAML writes them.
        item_indent = indent[:-2] if prefix and not prefix.endswith("- ") else indent
        for item in value:
            _lines(item, item_indent + "  ", out, item_indent + "- ")
        return
    if isinstance(value, dict | list):
        text = "{}" if isinstance(value, dict) else "[]"
    elif isinstance(value, str) and "\n" in value:
        text = _literal(value, indent or "  ") or _quoted(value)
    else:
        text = _scalar(value)
    out.append(prefix + text if prefix.endswith("- ") or not prefix else f"{prefix} {text}")


def to_yaml(data: Any) -> str:
    """Block-style YAML text of JSON data (dicts, lists, strings, numbers, booleans, None)."""
    out: list[str] = []
    _lines(data, "", out, "")
    return "\n".join(out) + "\n"
