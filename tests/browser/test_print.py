"""A post prints as its title, its metadata and its body, without the sidebars, the search, the
buttons or the links to other posts (checked in Chromium's print media, and as a real PDF)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.a11y import SAMPLE, open_page, themed_page

pytestmark = pytest.mark.browser

PRINTED = {
    "metadata": ".kiji-post-header",
    "body": "article section > p",
}
NOT_PRINTED = {
    "primary sidebar": "#pst-primary-sidebar",
    "search buttons": ".search-button-field",
    "search dialog": "#pst-search-dialog",
    "page header": "#pst-header",
    "article buttons": ".bd-header-article",
    "back to top": "#pst-back-to-top",
    "previous, next and related posts": ".kiji-post-footer",
}


def _shown(page: Any, selector: str) -> bool:
    loc = page.locator(selector)
    return any(loc.nth(i).is_visible() for i in range(loc.count()))


def test_post_prints_title_metadata_and_body_only(browser: Any, docs_pages: tuple[Path, str]) -> None:
    with themed_page(browser, "desktop", "light") as page:
        open_page(page, docs_pages[1], SAMPLE)
        # on screen the sidebar and the footer are there: the print check below is not vacuous
        assert _shown(page, "#pst-primary-sidebar") and _shown(page, ".kiji-post-footer")
        page.emulate_media(media="print")
        titles = [h.inner_text() for h in page.locator("h1").all() if h.is_visible()]
        assert any(t.startswith("「Amazonの可能性とは？") for t in titles), titles
        for what, selector in PRINTED.items():
            assert _shown(page, selector), what
        assert "2026年1月17日" in page.locator(".kiji-post-header").inner_text()
        for what, selector in NOT_PRINTED.items():
            assert not _shown(page, selector), what
        pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF-") and pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 2
