"""The sites in a real Chromium: navigation, tabs, search, dark mode, inert hostile content."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from conftest import ROOT
from playwright.sync_api import ConsoleMessage, Error, Page, Request, expect

from .conftest import Served

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "artifacts"


def heading(text: str) -> re.Pattern[str]:
    """A heading's exact text, followed by its permalink sign."""
    return re.compile(f"^{re.escape(text)}¶?$")


class Watch:
    """What a page did that it must not: console errors, uncaught exceptions, outside requests."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        self.outside: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", self._exception)
        page.on("request", self._request)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _exception(self, error: Error) -> None:
        self.errors.append(str(error))

    def _request(self, request: Request) -> None:
        host = urlsplit(request.url).hostname
        if request.url.startswith(("http:", "https:")) and host != "127.0.0.1":
            self.outside.append(request.url)


@pytest.fixture
def watched(page: Page) -> Iterator[Page]:
    """The test's page; after the test, it must have logged no error and asked no other host."""
    watch = Watch(page)
    yield page
    assert watch.errors == []
    assert watch.outside == []


def test_index_lists_561_and_links_to_its_page(watched: Page, project_url: str) -> None:
    watched.goto(project_url + "example/")
    row = watched.locator("article table:has(.specgen-index) tbody tr").filter(has_text="561")
    expect(row).to_contain_text("Unauthorized")
    expect(row).to_contain_text("custom")
    row.get_by_role("link", name="561", exact=True).click()
    expect(watched).to_have_url(project_url + "example/codes/561/")
    expect(watched.locator("article h1")).to_have_text(heading("561 Unauthorized"))


def test_561_page_shows_transcripts_in_tabs_and_the_schema_table(
    watched: Page, project_url: str
) -> None:
    watched.goto(project_url + "example/codes/561/")
    tab_sets = watched.locator("article .tabbed-set")
    expect(tab_sets).to_have_count(4)
    first = tab_sets.first
    expect(first.locator(".tabbed-labels label")).to_have_text(["HTTP", "curl"])
    visible = first.locator(".tabbed-block").first
    expect(visible).to_be_visible()
    expect(visible).to_contain_text("GET /example HTTP/1.1")
    expect(visible).to_contain_text("HTTP/1.1 561 Unauthorized")
    expect(visible).to_contain_text("Content-Length: 79")
    table = watched.locator("xpath=//h3[@id='body-application-json']/following::table[1]")
    expect(table.locator("thead th")).to_have_text(["Field", "Type", "Required", "Description"])
    expect(table.locator("tbody tr").first.locator("td")).to_have_text(
        ["error", "string", "yes", "A short, stable name of the failure.Example: Access Denied."]
    )
    expect(watched.get_by_role("button", name="Copy to clipboard").first).to_be_attached()
    ARTIFACTS.mkdir(exist_ok=True)
    watched.set_viewport_size({"width": 1280, "height": 900})
    watched.screenshot(path=str(ARTIFACTS / "561.png"), full_page=True)
    assert (ARTIFACTS / "561.png").stat().st_size > 10_000


def test_switching_to_the_curl_tab_shows_the_command(watched: Page, project_url: str) -> None:
    watched.goto(project_url + "example/codes/561/")
    first = watched.locator("article .tabbed-set").first
    http_block, curl_block = first.locator(".tabbed-block").all()
    first.locator(".tabbed-labels label", has_text="curl").click()
    expect(curl_block).to_be_visible()
    expect(curl_block).to_contain_text("curl -i")
    expect(curl_block).to_contain_text("https://www.example.com/example")
    expect(http_block).to_be_hidden()
    first.locator(".tabbed-labels label", has_text="HTTP").click()
    expect(http_block).to_be_visible()
    expect(curl_block).to_be_hidden()


def test_typing_561_into_search_finds_the_page(watched: Page, project_url: str) -> None:
    watched.goto(project_url)
    watched.get_by_label("Search", exact=True).first.click()
    query = watched.locator("input.md-search__input")
    query.press_sequentially("561", delay=50)
    result = watched.locator(".md-search-result__item").first
    expect(result).to_contain_text("561 Unauthorized")
    result.locator("a").first.click()
    expect(watched.locator("article h1")).to_have_text(heading("561 Unauthorized"))


def test_palette_toggle_switches_between_light_and_dark(watched: Page, project_url: str) -> None:
    watched.emulate_media(color_scheme="light")
    watched.goto(project_url + "example/codes/561/")
    body = watched.locator("body")
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    watched.locator("label.md-header__button[title='Switch to dark mode']").click()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")


def test_hostile_catalog_renders_script_as_text_and_runs_nothing(
    watched: Page, hostile_url: str
) -> None:
    for path in ("", "codes/599/"):
        watched.goto(hostile_url + path)
        assert watched.evaluate("typeof window.__pwned") == "undefined"
    article = watched.locator("article")
    expect(article).to_contain_text("<script>window.__pwned = 'description'</script>")
    expect(article.locator("h1")).to_have_text(heading("599 Evil <script> | `x` *y*"))
    expect(watched.locator("#related")).to_be_visible()
    for element in ("script", "img", "iframe"):
        expect(article.locator(element)).to_have_count(0)
    watched.locator("article a", has_text="a link").click()
    assert watched.evaluate("typeof window.__pwned") == "undefined"



# Fires every handler an attribute could have set, on every element of the page's content.
_PROVOKE = """() => {
  for (const element of document.querySelectorAll("article *")) {
    for (const kind of ["mouseover", "click", "focus", "error", "load", "toggle"]) {
      const event = kind === "click" || kind === "mouseover"
        ? new MouseEvent(kind, {bubbles: true, cancelable: true}) : new Event(kind);
      if (kind === "click") event.preventDefault();  // stay on the page; hrefs are checked apart
      element.dispatchEvent(event);
    }
  }
  return Array.from(document.querySelectorAll("article a[href]"), (a) => a.protocol);
}"""


def test_hand_written_hostile_payloads_run_nothing_in_chromium(
    watched: Page, hostile_cases_url: str
) -> None:
    """Every page of the hostile cases: no payload runs on load or on any event, no dialog."""
    dialogs: list[str] = []
    watched.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    watched.goto(hostile_cases_url)
    pages = watched.locator("article table tbody tr td:first-child a").all()
    paths = [link.get_attribute("href") or "" for link in pages]
    assert len(paths) >= 20
    for path in ["", *paths]:
        watched.goto(hostile_cases_url + path)
        title = watched.title()
        protocols = watched.evaluate(_PROVOKE)
        assert set(protocols) <= {"http:", "https:", "mailto:"}, (path, protocols)
        assert watched.evaluate("typeof window.__pwned") == "undefined", path
        assert watched.title() == title and "pwned" not in title, path
    assert dialogs == []
def test_a_problem_type_uri_opens_its_page(watched: Page, problems_site: Served) -> None:
    """RFC 9457 §3.1.1: the type URI resolves to the problem type's documentation."""
    uri = problems_site.url + "problems/token-expired"
    watched.goto(uri)
    expect(watched.locator("article h1")).to_have_text(heading("Authentication token has expired"))
    expect(watched.locator("article")).to_contain_text(uri)
    watched.locator("article a", has_text="561 Unauthorized").first.click()
    expect(watched.locator("article h1")).to_have_text(heading("561 Unauthorized"))
    table = watched.locator("xpath=//h2[@id='problems']/following::table[1]")
    expect(table.locator("tbody tr")).to_have_count(3)


def test_search_finds_a_problem_type_by_its_title(watched: Page, problems_site: Served) -> None:
    watched.goto(problems_site.url)
    watched.get_by_label("Search", exact=True).first.click()
    watched.locator("input.md-search__input").press_sequentially("identity provider", delay=50)
    result = watched.locator(".md-search-result__item").filter(has_text="Identity provider error")
    expect(result.first).to_be_visible()
    result.first.locator("a").first.click()
    expect(watched.locator("article h1")).to_have_text(heading("Identity provider error"))
