"""The index table read on a phone (390 by 844) and on a desktop, in Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from .conftest import Built

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# Each visible cell of the index's rows: its column, box and lines of text.
CELLS = """() => {
  const rows = document.querySelectorAll("article table:has(.specgen-index) tbody tr");
  return [...rows].map((row) =>
    [...row.cells].map((cell, column) => {
      const box = cell.getBoundingClientRect();
      const line = parseFloat(getComputedStyle(cell).lineHeight);
      const visible = getComputedStyle(cell).display !== "none";
      const range = document.createRange();
      range.selectNodeContents(cell);
      const text = range.getBoundingClientRect();
      return {column, visible, left: box.left, right: box.right,
              lines: visible ? Math.round(text.height / line) : 0};
    }));
}"""


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def sized(request: pytest.FixtureRequest, browser: Browser) -> Iterator[tuple[Page, int]]:
    """A page of the given viewport size, and its width."""
    viewport: dict[str, Any] = request.param
    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]  # a ViewportSize
    yield context.new_page(), viewport["width"]
    context.close()


def test_the_platform_site_builds_with_strict(platform_site: Built) -> None:
    assert platform_site.returncode == 0, platform_site.log
    assert "WARNING" not in platform_site.log


def test_the_index_keeps_code_reason_and_summary_inside_the_screen(
    sized: tuple[Page, int], platform_url: str
) -> None:
    """No essential cell is cut off at the right edge, and no summary wraps past three lines."""
    page, width = sized
    page.goto(platform_url)
    rows = page.evaluate(CELLS)
    assert len(rows) == 20
    for row in rows:
        code, reason, summary = row[0], row[1], row[4]
        for cell in (code, reason, summary):
            assert cell["visible"]
            assert cell["left"] >= 0 and cell["right"] <= width, (cell, width)
        assert summary["lines"] <= 3, summary
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_phone_hides_the_secondary_columns_a_desktop_shows(
    sized: tuple[Page, int], platform_url: str
) -> None:
    page, width = sized
    page.goto(platform_url)
    first = page.evaluate(CELLS)[0]
    secondary = [cell["visible"] for cell in first[2:4]]
    assert secondary == ([False] * 2 if width == PHONE["width"] else [True] * 2)


def test_the_index_groups_codes_by_sender_and_tag_in_the_browser(
    sized: tuple[Page, int], platform_url: str
) -> None:
    page, _ = sized
    page.goto(platform_url)
    senders = page.locator("#by-sender + p + ul > li")
    assert senders.count() == 3
    assert "The AWS Application Load Balancer in front of this API" in senders.nth(1).inner_text()
    assert page.locator("#by-tag + ul > li").count() == 5
