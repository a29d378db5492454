"""The MkDocs plugin: pages added in memory, nav grouped by class, errors located, serve reloads."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DATA
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files, get_files
from mkdocs.structure.nav import Navigation, Section, get_navigation

from specgen.docs.plan import EXTENSIONS
from specgen.plugin import SpecgenPlugin

CODES = DATA / "docs" / "codes.yaml"


def make_site(root: Path, *, plugin: dict[str, Any] | None = None, **extra: Any) -> Path:
    """A site folder with docs/about.md, the test catalog and a mkdocs.yml; returns mkdocs.yml."""
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "about.md").write_text("# About\n", encoding="utf-8")
    shutil.copy(CODES, root / "specgen.yaml")
    config = {
        "site_name": "Test",
        "theme": {"name": "material", "font": False},
        "plugins": ["search", {"specgen": plugin or {}}],
        **extra,
    }
    path = root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def prepare(config_file: Path) -> tuple[MkDocsConfig, Files, Navigation]:
    """Run the build events up to the navigation, as `mkdocs build` does."""
    config = load_config(str(config_file))
    config = config.plugins.on_config(config)
    files = config.plugins.on_files(get_files(config), config=config)
    nav = config.plugins.on_nav(get_navigation(files, config), config=config, files=files)
    return config, files, nav


def outline(items: list[Any]) -> list[Any]:
    """The nav as titles (sections) and source paths (pages)."""
    shown: list[Any] = []
    for item in items:
        if isinstance(item, Section):
            shown.append({item.title: outline(item.children)})
        else:
            shown.append(item.file.src_uri)
    return shown


def plugin_of(config: MkDocsConfig) -> SpecgenPlugin:
    plugin = config.plugins["specgen"]
    assert isinstance(plugin, SpecgenPlugin)
    return plugin


def test_code_pages_follow_the_index_grouped_by_class(tmp_path: Path) -> None:
    _, _, nav = prepare(make_site(tmp_path))
    assert outline(nav.items) == [
        "index.md",
        {"4xx Client Error": ["codes/404.md", "codes/451.md", "codes/499.md"]},
        {"5xx Server Error": ["codes/561.md"]},
        "about.md",
    ]


def test_previous_and_next_links_follow_the_new_order(tmp_path: Path) -> None:
    _, _, nav = prepare(make_site(tmp_path))
    order = [page.file.src_uri for page in nav.pages]
    assert order == [
        "index.md", "codes/404.md", "codes/451.md", "codes/499.md", "codes/561.md", "about.md",
    ]
    for before, after in zip(nav.pages, nav.pages[1:], strict=False):
        assert before.next_page is after and after.previous_page is before
    sections = [item for item in nav.items if isinstance(item, Section)]
    assert all(page.parent is section for section in sections for page in section.children)


def test_prefix_and_explicit_nav_put_the_classes_inside_the_named_section(tmp_path: Path) -> None:
    config_file = make_site(
        tmp_path,
        plugin={"prefix": "status"},
        nav=[{"About": "about.md"}, {"Status codes": ["status/index.md"]},
             {"Old": ["status/codes/561.md"]}],
    )
    _, _, nav = prepare(config_file)
    assert outline(nav.items) == [
        "about.md",
        {"Status codes": [
            "status/index.md",
            {"4xx Client Error": ["status/codes/404.md", "status/codes/451.md",
                                  "status/codes/499.md"]},
            {"5xx Server Error": ["status/codes/561.md"]},
        ]},
    ]


def test_pages_are_added_in_memory_with_custom_codes_marked(tmp_path: Path) -> None:
    config, files, _ = prepare(make_site(tmp_path))
    page = files.get_file_from_path("codes/561.md")
    assert page is not None and page.generated_by == "specgen"
    assert "status: custom" in page.content_string
    assert not (tmp_path / "docs" / "codes").exists()
    assert config.extra["status"]["custom"] == "Not a standard HTTP status code"
    stylesheet = files.get_file_from_path("assets/specgen.css")
    assert stylesheet is not None and "white-space: nowrap" in stylesheet.content_string
    assert "assets/specgen.css" in config.extra_css


def test_missing_markdown_extensions_are_enabled(tmp_path: Path) -> None:
    config, _, _ = prepare(make_site(tmp_path, markdown_extensions=[{"toc": {"permalink": "#"}}]))
    assert set(EXTENSIONS) <= set(config.markdown_extensions)
    assert config.mdx_configs["pymdownx.tabbed"] == {"alternate_style": True}
    assert config.mdx_configs["toc"] == {"permalink": "#"}  # the user's own options win


def test_catalog_errors_stop_the_build_with_file_line_and_column(tmp_path: Path) -> None:
    config_file = make_site(tmp_path)
    catalog = tmp_path / "specgen.yaml"
    catalog.write_text(
        catalog.read_text(encoding="utf-8").replace("reason: Not Found", "reason: ''"),
        encoding="utf-8",
    )
    with pytest.raises(PluginError) as caught:
        prepare(config_file)
    message = str(caught.value)
    assert f"{catalog}:33:5: codes.404.reason:" in message
    assert "Traceback" not in message


def test_a_docs_file_where_a_page_is_generated_is_refused(tmp_path: Path) -> None:
    config_file = make_site(tmp_path)
    (tmp_path / "docs" / "index.md").write_text("# Mine\n", encoding="utf-8")
    with pytest.raises(PluginError, match=r"index\.md exists, but specgen generates that file"):
        prepare(config_file)


def test_prefix_outside_docs_dir_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PluginError, match="must stay inside docs_dir"):
        prepare(make_site(tmp_path, plugin={"prefix": "../up"}))


def test_each_build_reads_the_catalog_again(tmp_path: Path) -> None:
    config_file = make_site(tmp_path)
    config, _, _ = prepare(config_file)
    catalog = tmp_path / "specgen.yaml"
    catalog.write_text(
        catalog.read_text(encoding="utf-8").replace("Authentication failed.", "Log in again."),
        encoding="utf-8",
    )
    files = plugin_of(config).on_files(Files([]), config)
    page = files.get_file_from_path("codes/561.md")
    assert page is not None and "Log in again." in page.content_string


class Server:
    """Records what `mkdocs serve` is asked to watch."""

    def __init__(self) -> None:
        self.watched: list[str] = []

    def watch(self, path: str) -> None:
        self.watched.append(path)


def test_serve_watches_the_catalog_file(tmp_path: Path) -> None:
    config, _, _ = prepare(make_site(tmp_path, plugin={"catalog": "specgen.yaml"}))
    server = Server()
    plugin_of(config).on_serve(server, config, builder=None)  # type: ignore[arg-type]
    assert server.watched == [str(tmp_path / "specgen.yaml")]


def test_without_a_catalog_the_embedded_example_is_documented(tmp_path: Path) -> None:
    config_file = make_site(tmp_path)
    (tmp_path / "specgen.yaml").unlink()
    config, files, _ = prepare(config_file)
    assert files.get_file_from_path("codes/561.md") is not None
    server = Server()
    plugin_of(config).on_serve(server, config, builder=None)  # type: ignore[arg-type]
    assert server.watched == []


@pytest.mark.slow
def test_full_build_renders_the_pages_with_admonitions_and_links(tmp_path: Path) -> None:
    config = load_config(str(make_site(tmp_path)), site_dir=str(tmp_path / "out"))
    build(config)
    html = (tmp_path / "out" / "codes" / "561" / "index.html").read_text(encoding="utf-8")
    assert 'class="admonition warning"' in html
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'href="codes/561/"' in index
    page = tmp_path / "out" / "codes" / "404" / "index.html"
    assert "errors&#91;&#93;.field" in page.read_text(encoding="utf-8")


def test_a_link_to_a_missing_anchor_stops_the_build_at_its_line(tmp_path: Path) -> None:
    config_file = make_site(tmp_path)
    catalog = tmp_path / "specgen.yaml"
    catalog.write_text(
        catalog.read_text(encoding="utf-8").replace(
            "Authentication failed.", "See [below](#nowhere)."
        ),
        encoding="utf-8",
    )
    with pytest.raises(PluginError) as caught:
        prepare(config_file)
    where = re.escape(str(catalog))
    message = str(caught.value)
    assert re.search(rf"{where}:\d+:\d+: the link to '#nowhere' leads nowhere", message), message
