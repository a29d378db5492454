"""What in built HTML could run script: the one checker of the sanitizer tests and site tests."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

# Elements that run, embed, load or redirect: none may come from a catalog.
DANGEROUS = frozenset({
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "meta",
    "link", "style", "img", "svg", "math", "video", "audio", "source", "button", "template",
    "textarea", "select",
})
URL_ATTRIBUTES = frozenset({
    "href", "src", "action", "formaction", "data", "xlink:href", "poster", "background",
    "srcdoc", "srcset", "cite", "longdesc", "ping",
})
_SCHEME = re.compile(r"\s*(javascript|data|vbscript|livescript):", re.IGNORECASE)
# Browsers drop ASCII tab and newline anywhere in a URL and C0 controls at its ends.
_DROPPED = re.compile(r"[\t\n\r]|^[\x00-\x20]+")
PAYLOADS = ("__pwned", "x()", "alert(")
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


class Hazards(HTMLParser):
    """Collects what could run script; with `article_only`, inside the page's content only.

    The content is the `<article>` (Material) or the `role="main"` element (MkDocs' themes).

    Outside the article (the theme's own markup), a script may exist but must carry no payload
    from the catalog, and no element may have an event handler or a script URL.
    """

    def __init__(self, *, article_only: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.article_only = article_only
        self.root = ""  # the tag of the content element, once inside it
        self.depth = 0  # how many elements named `root` are open
        self.in_script = False
        self.in_title = False
        self.found: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.in_title:  # a browser reads <title> as text up to `</title`: a tag broke out
            self.found.append(f"<{tag}> inside <title>")
        self.in_title = tag == "title"
        if not self.depth and (tag == "article" or ("role", "main") in attrs):
            self.root = tag
        if tag == self.root:
            self.depth += 1
        inside = self.depth > 0 or not self.article_only
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and _SCHEME.match(_DROPPED.sub("", value or "")):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag in DANGEROUS and inside:
            self.found.append(f"<{tag}> in the page's content")
        self.in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if self.in_title and tag != "title":
            self.found.append(f"</{tag}> inside <title>")
        self.in_title = False
        if tag == self.root and self.depth:
            self.depth -= 1
        self.in_script = False

    def handle_data(self, data: str) -> None:
        # A payload inside a JSON string literal (readthedocs' `tojson` page name) is data.
        code = _STRING.sub('""', data) if self.in_script else ""
        if any(payload in code for payload in PAYLOADS):
            self.found.append(f"a script with a catalog payload: {data[:80]!r}")
        if self.depth or not self.article_only:
            self.text.append(data)


def hazards(html: str, *, article_only: bool = False) -> list[str]:
    """Everything in `html` that could run script (empty when the page is inert)."""
    parser = Hazards(article_only=article_only)
    parser.feed(html)
    parser.close()
    return parser.found


def combined_catalog(cases: list[Path], first: int = 550) -> dict[str, Any]:
    """The hostile catalogs (each with code 599) as one catalog, a code each from `first`."""
    combined: dict[str, Any] = {
        "specgen": 1, "info": {"title": "Hostile", "version": "1"}, "schemas": {}, "codes": {},
    }
    for number, case in enumerate(cases, start=first):
        document = yaml.safe_load(case.read_text("utf-8"))
        combined["schemas"].update(document.get("schemas", {}))
        combined["codes"][number] = document["codes"][599]
        combined["info"] = {**combined["info"], **document["info"]}
    return combined
