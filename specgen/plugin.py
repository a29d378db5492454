"""The MkDocs plugin: `plugins: [specgen: {catalog: specgen.yaml}]` adds the catalog's pages.

The pages are the ones `specgen build` writes to OUT/docs/, added in memory at build time. The
code pages are grouped in the navigation by class (1xx … 5xx) right after the catalog's index
page, so no page carries a flat list of every code. Catalog errors stop the build with the
catalog's file and line; `mkdocs serve` rebuilds when the catalog changes.
"""

from __future__ import annotations

import logging
from pathlib import Path, PurePosixPath
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as opt
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from .catalog.load import DEFAULT_CATALOG, embedded_catalog_path, find_catalog, load
from .catalog.models import Catalog
from .catalog.source import CatalogSource
from .diff.revision import changes_since
from .docs.export import export_plan
from .docs.links import CUSTOM_STATUS, CUSTOM_STATUS_TEXT, INDEX, class_title, page_path
from .docs.plan import EXTENSIONS, docs_plan
from .docs.problem import problem_path
from .errors import SpecgenError, locating
from .text.render import render

log = logging.getLogger(f"mkdocs.plugins.{__name__}")
STYLESHEET = "assets/specgen.css"


class SpecgenConfig(base.Config):  # type: ignore[no-untyped-call]  # mkdocs' __init_subclass__
    """Options of the plugin in mkdocs.yml."""

    catalog = opt.Optional(opt.Type(str))
    """The catalog file (relative to mkdocs.yml) or Python 'module:attribute'.

    Default: specgen.yaml beside mkdocs.yml, else the embedded example catalog."""
    prefix = opt.Type(str, default="")
    """The folder under docs_dir where the pages go ('' = the site's root)."""
    since = opt.Optional(opt.Type(str))
    """A git revision (tag, branch, commit): adds a Changes page of what changed for consumers
    in the catalog since then, as `specgen build --since` does."""


class SpecgenPlugin(BasePlugin[SpecgenConfig]):  # type: ignore[no-untyped-call]  # as above
    """Adds one page per status code and an index to an MkDocs site."""

    def __init__(self) -> None:
        self.catalog: Catalog | None = None
        self.watched: Path | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Enable the Markdown extensions the pages use, and name the 'custom' nav marker."""
        prefix = self.config.prefix.strip("/")
        if ".." in PurePosixPath(prefix).parts:
            raise PluginError(f"specgen: prefix {self.config.prefix!r} must stay inside docs_dir")
        self.config.prefix = prefix
        for name, options in EXTENSIONS.items():
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
                config.mdx_configs.setdefault(name, dict(options))
        config.extra_css.append(self._uri(STYLESHEET))
        status = config.extra.get("status") or {}
        if CUSTOM_STATUS not in status:
            config.extra["status"] = {**status, CUSTOM_STATUS: CUSTOM_STATUS_TEXT}
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Load the catalog and add its pages; catalog errors become clean build errors."""
        source = self._source(config)
        try:
            loaded = load(source)
            with locating(loaded.locate):
                changes = (None if self.config.since is None
                           else changes_since(loaded, self.config.since))
                pages = {**docs_plan(loaded.catalog, changes), **export_plan(loaded.catalog)}
        except SpecgenError as exc:
            raise PluginError(f"specgen: the catalog has errors:\n{exc}") from None
        self.catalog = loaded.catalog
        codes = {self._uri(page_path(code)) for code in loaded.catalog.codes}
        # Problem types stay out of the navigation: a catalog may hold thousands, and every
        # page carries the whole navigation. Their code's page, the index and search list them.
        hidden = {self._uri(problem_path(slug)) for _, slug, _ in loaded.catalog.problem_types()}
        for relative, content in {**pages, STYLESHEET: render("docs/specgen.css")}.items():
            uri = self._uri(relative)
            if files.get_file_from_path(uri) is not None:
                raise PluginError(
                    f"specgen: {config.docs_dir}/{uri} exists, but specgen generates that file;"
                    " move the file, or set the plugin's 'prefix' to put the pages in a folder"
                )
            # Code pages enter the navigation through on_nav, grouped by class.
            inclusion = (InclusionLevel.NOT_IN_NAV if uri in codes or uri in hidden
                         else InclusionLevel.UNDEFINED)
            files.append(File.generated(config, uri, content=content, inclusion=inclusion))
        return files

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        """Put the code pages right after the catalog's index, one section per class."""
        if self.catalog is None:
            return nav
        by_class: dict[int, list[Page]] = {}
        for code in sorted(self.catalog.codes):
            file = files.get_file_from_path(self._uri(page_path(code)))
            if file is not None and isinstance(file.page, Page):
                by_class.setdefault(code // 100, []).append(file.page)
        ours = {id(page) for pages in by_class.values() for page in pages}
        sections: list[Any] = [
            Section(class_title(digit * 100), list[Any](pages))
            for digit, pages in sorted(by_class.items())
        ]
        items = _without(nav.items, ours)
        index = files.get_file_from_path(self._uri(INDEX))
        if not (index is not None and _insert_after(items, index.page, sections)):
            items.extend(sections)
        _link(items, None)
        pages = _pages(items)
        for before, page, after in zip([None, *pages], pages, [*pages[1:], None], strict=False):
            page.previous_page, page.next_page = before, after
        return Navigation(items, pages)

    def on_serve(
        self, server: LiveReloadServer, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        """Rebuild the site when the catalog file changes."""
        if self.watched is not None:
            server.watch(str(self.watched))
        return server

    def _uri(self, relative: str) -> str:
        return f"{self.config.prefix}/{relative}" if self.config.prefix else relative

    def _source(self, config: MkDocsConfig) -> CatalogSource:
        """The catalog: relative to mkdocs.yml, else a Python name, else the embedded example."""
        base_dir = Path(config.config_file_path or ".").resolve().parent
        name = self.config.catalog
        self.watched = None
        if name is None:
            default = base_dir / DEFAULT_CATALOG
            if not default.is_file():
                log.info("specgen: no %s beside mkdocs.yml; using the embedded example catalog",
                         DEFAULT_CATALOG)
                return CatalogSource(str(embedded_catalog_path()), embedded=True)
            name = str(default)
        path = base_dir / name
        source = find_catalog(str(path) if path.exists() else name)
        self.watched = path if not source.is_python else None
        return source


def _without(items: list[Any], ours: set[int]) -> list[Any]:
    """The navigation without the given pages (sections left empty go too)."""
    kept = []
    for item in items:
        if id(item) in ours:
            continue
        if isinstance(item, Section):
            item.children = _without(item.children, ours)
            if not item.children:
                continue
        kept.append(item)
    return kept


def _insert_after(items: list[Any], target: Any, new: list[Any]) -> bool:
    """Insert `new` after `target` in whichever list holds it; False when it is nowhere."""
    for position, item in enumerate(items):
        if item is target:
            items[position + 1:position + 1] = new
            return True
        if isinstance(item, Section) and _insert_after(item.children, target, new):
            return True
    return False


def _link(items: list[Any], parent: Section | None) -> None:
    for item in items:
        item.parent = parent
        if isinstance(item, Section):
            _link(item.children, item)


def _pages(items: list[Any]) -> list[Page]:
    found: list[Page] = []
    for item in items:
        if isinstance(item, Page):
            found.append(item)
        elif isinstance(item, Section):
            found.extend(_pages(item.children))
    return found
