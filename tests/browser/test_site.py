"""The real site of docs/, built as `make html` builds it, browsed in headless Chromium."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import serve
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

SAMPLE = "posts/2026/2026-01-17-amazon-ai-chip.html"


@pytest.fixture(scope="module")
def docs_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("docs-site") / "html"
    cmd = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-j",
        "2",
        "-q",
        "-c",
        ".",
        "docs",
        str(out),
    ]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "WARNING" not in result.stderr, result.stderr[-3000:]
    with serve(out) as url:
        yield url


def test_tag_link_from_sample_post_and_back(page: Any, docs_site: str) -> None:
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(docs_site + SAMPLE)
    page.wait_for_load_state("networkidle")
    assert failed == []  # every script, style and font the page asks for exists
    assert page.locator("article h1").first.inner_text().startswith("「Amazonの可能性とは？")
    page.locator(".kiji-post-header a.kiji-tag", has_text="チップ").click()
    page.wait_for_load_state()
    assert page.url.endswith("/tags/%E3%83%81%E3%83%83%E3%83%97.html")
    assert page.locator("article h1").first.inner_text().startswith("タグ: チップ")
    listed = page.locator("ul.kiji-postlist a.kiji-post-link")
    assert listed.all_inner_texts() == ["「Amazonの可能性とは？"]
    listed.first.click()
    page.wait_for_load_state()
    assert page.url == docs_site + SAMPLE


def test_search_from_the_real_site(page: Any, docs_site: str) -> None:
    page.goto(docs_site + "search.html?q=" + "NVIDIAのGPU")
    page.wait_for_selector('.kiji-search-summary[data-state="done"]', timeout=30_000)
    titles = page.locator("#search-results li.kiji-result a").all_inner_texts()
    assert any("Amazonの可能性とは" in t for t in titles)


def test_sidebar_offers_the_indexes_on_a_phone(browser: Any, docs_site: str) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        page.goto(docs_site + SAMPLE)
        # the header's tags are visible and tappable on a phone-sized screen
        tag = page.locator(".kiji-post-header a.kiji-tag", has_text="AI")
        assert tag.is_visible()
        box = tag.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        links = page.locator(".kiji-sidebar-indexes .bd-sidenav a").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))"
        )
        assert links[1:] == [
            "../../tags/index.html",
            "../../categories/index.html",
            "../../archive/index.html",
            "../../authors/index.html",
        ]
    finally:
        context.close()
