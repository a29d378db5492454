"""The built sites: strict builds, generated reference pages, grouped nav, nothing from outside."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from specgen.catalog.models import catalog_json_schema
from specgen.cli import cli

from .conftest import Built

pytestmark = pytest.mark.slow


class Resources(HTMLParser):
    """The URLs a page loads by itself: stylesheets, scripts, images, frames."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "link" and values.get("rel") in ("stylesheet", "preload", "icon", "preconnect"):
            self.loaded.append(values.get("href") or "")
        elif tag in ("script", "img", "iframe", "source") and values.get("src"):
            self.loaded.append(values["src"] or "")


def test_project_site_builds_with_strict(project_site: Built) -> None:
    assert project_site.returncode == 0, project_site.log
    assert "WARNING" not in project_site.log


def test_hostile_catalog_site_builds_with_strict(hostile_site: Built) -> None:
    assert hostile_site.returncode == 0, hostile_site.log
    assert "WARNING" not in hostile_site.log


def test_project_site_has_guide_reference_and_example_pages(project_site: Built) -> None:
    for page in (
        "index.html", "guide/getting-started/index.html", "guide/site/index.html",
        "guide/merge/index.html", "reference/catalog/index.html", "reference/cli/index.html",
        "example/index.html", "example/codes/561/index.html",
    ):
        assert (project_site.site / page).is_file(), page
    assert not (project_site.site / "hooks.py").exists()


def test_catalog_reference_documents_every_object_of_the_schema(project_site: Built) -> None:
    html = (project_site.site / "reference/catalog/index.html").read_text(encoding="utf-8")
    for name in ["Catalog", *catalog_json_schema()["$defs"]]:
        assert f'id="{name.lower()}"' in html, name
    assert "map of <a href=\"#statuscode\">StatusCode</a>" in html


def test_cli_reference_shows_the_help_of_every_command(project_site: Built) -> None:
    html = (project_site.site / "reference/cli/index.html").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f'id="{name}"' in html, name
        assert f"Usage: specgen {name}" in html, name


def test_nav_groups_codes_by_class_and_marks_custom_ones(project_site: Built) -> None:
    html = (project_site.site / "example/codes/561/index.html").read_text(encoding="utf-8")
    start = html.index('<nav class="md-nav md-nav--primary"')
    nav = html[start:html.index('<div class="md-content"', start)]
    assert "5xx Server Error" in nav
    assert re.search(r'md-status md-status--custom" title="Not a standard HTTP status code"', html)


def test_pages_load_nothing_from_other_hosts(project_site: Built, hostile_site: Built) -> None:
    pages = [*project_site.site.rglob("*.html"), *hostile_site.site.rglob("*.html")]
    assert len(pages) > 10
    for page in pages:
        parser = Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.loaded, page
        for url in parser.loaded:
            assert not urlsplit(url).netloc, (page, url)
    for css in project_site.site.rglob("*.css"):
        assert not re.search(r"@import|url\((['\"]?)https?:", css.read_text(encoding="utf-8")), css
