"""Paginated listings and charts as a reader meets them in Chromium, on the real site of docs/
built with two posts a page (``docs_pages``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from tests.browser.a11y import open_page, themed_page

pytestmark = pytest.mark.browser

CATEGORY = "categories/使い方ガイド.html"  # four guide posts: two pages of two


def test_page_links_walk_through_a_listing(browser: Any, docs_pages: tuple[Path, str]) -> None:
    seen: list[str] = []
    with themed_page(browser, "desktop", "light") as page:
        open_page(page, docs_pages[1], CATEGORY)
        for number in (1, 2):
            count = page.locator(".kiji-listing-count").inner_text()
            assert count == f"全4件 （{number}/2ページ）"
            assert page.locator('nav.kiji-pager [aria-current="page"]').inner_text() == str(number)
            titles = page.locator("ul.kiji-postlist a.kiji-post-link").all_inner_texts()
            assert len(titles) == 2
            seen += titles
            head_next = page.locator("head link[rel=next]")
            if number < 2:
                href = head_next.get_attribute("href")
                page.locator("nav.kiji-pager a[rel=next]", has_text="次のページ").click()
                page.wait_for_load_state()
                assert unquote(page.url).endswith(f"categories/使い方ガイド/{number + 1}.html")
                assert unquote(page.url).endswith(unquote(href))
            else:
                assert head_next.count() == 0
        # and back to the first page, whose URL is the listing's old one
        page.locator("nav.kiji-pager a", has_text="1").click()
        page.wait_for_load_state()
        assert unquote(page.url).endswith(CATEGORY)
    assert len(set(seen)) == 4  # every post once, none twice


def test_home_links_the_full_archive(browser: Any, docs_pages: tuple[Path, str]) -> None:
    with themed_page(browser, "phone", "light") as page:
        open_page(page, docs_pages[1], "index.html")
        page.locator(".kiji-more a").click()
        page.wait_for_load_state()
        assert page.url.endswith("archive/index.html")
        assert page.locator("figure#kiji-chart-archive svg").is_visible()


def _fill(page: Any) -> str:
    return page.evaluate("getComputedStyle(document.querySelector('rect.kiji-chart-bar')).fill")


def test_chart_is_drawn_named_and_recoloured_in_the_dark_theme(browser: Any, docs_pages: tuple[Path, str]) -> None:
    fills = {}
    for theme in ("light", "dark"):
        with themed_page(browser, "desktop", theme) as page:
            open_page(page, docs_pages[1], "archive/index.html")
            svg = page.locator("figure#kiji-chart-archive svg")
            box = svg.bounding_box()
            assert box and box["width"] > 20 and box["height"] > 20
            # the picture is named for assistive technology by its <title>
            assert page.get_by_role("img", name="月ごとの記事数").count() == 1
            # its table is there for screen readers, out of sight
            table = page.get_by_role("table", name="月ごとの記事数", exact=False)
            assert table.count() == 1
            # (its box is clipped to 1px: what the eye gets of it)
            tb = page.locator("figure#kiji-chart-archive .kiji-sr-only").bounding_box()
            assert tb is not None and tb["width"] <= 1 and tb["height"] <= 1
            rows = table.locator("tbody tr").count()
            assert rows == page.locator("figure#kiji-chart-archive rect.kiji-chart-bar").count() >= 2
            fills[theme] = _fill(page)
    assert fills["light"] != fills["dark"], fills
