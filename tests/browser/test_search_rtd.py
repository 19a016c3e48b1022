"""Read the Docs Addons: with its search addon on, the theme's search dialog still opens and
answers with this project's search (kiji-search.js part 5), on a sphinx-book-theme site."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.browser.conftest import ROOTS, serve

pytestmark = pytest.mark.browser


# What Addons passes to pages (API version 1), trimmed to the parts a page reads.
ADDONS_DATA = {
    "addons": {
        "search": {"enabled": True, "default_filter": "project:kiji/latest", "filters": []},
        "hotkeys": {
            "enabled": True,
            "search": {"enabled": True, "trigger": "/"},
            "doc_diff": {"enabled": True, "trigger": "d"},
        },
        "flyout": {"enabled": True},
        "analytics": {"enabled": False},
    },
    "projects": {"current": {"slug": "kiji", "language": {"code": "ja"}}, "translations": []},
    "versions": {"current": {"slug": "latest", "type": "branch"}, "active": []},
    "builds": {"current": {"id": 1, "success": True}},
    "domains": {"dashboard": "readthedocs.org"},
    "readthedocs": {"analytics": {"code": None}},
}

# Stands in for RTD's modal: a listener on document for the event its hotkey dispatches.
FAKE_ADDON = """(data) => {
    window.rtdModalShown = 0;
    document.addEventListener('readthedocs-search-show', () => { window.rtdModalShown += 1; });
    document.dispatchEvent(new CustomEvent('readthedocs-addons-data-ready', {
        detail: {data: () => data},
    }));
}"""


@pytest.fixture(scope="module")
def book_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # A separate process: loading pydata-sphinx-theme in this one changes later basic-theme builds
    # of other tests (their pages lose the sidebar search box).
    base = tmp_path_factory.mktemp("rtd-site")
    src, out = base / "src", base / "html"
    shutil.copytree(ROOTS / "test-search", src)
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-D", "html_theme=sphinx_book_theme",
         str(src), str(out), "-d", str(base / "doctrees")],
        check=True, capture_output=True,
    )  # fmt: skip
    with serve(out) as url:
        yield url


def _answers(page, query: str) -> list[str]:
    page.keyboard.type(query, delay=20)
    page.wait_for_function(
        "(q) => document.querySelector('#pst-search-dialog .kiji-instant')?.dataset.query === q",
        arg=query,
    )
    return [o.get_attribute("data-href") for o in page.query_selector_all(
        '#pst-search-dialog .kiji-instant [role="option"]'
    )]


def test_addons_search_event_opens_our_dialog(page, book_site) -> None:
    page.goto(f"{book_site}index.html")
    page.wait_for_function("() => typeof KijiSearch !== 'undefined'")
    assert page.query_selector('meta[name="readthedocs-addons-api-version"][content="1"]')
    page.evaluate(FAKE_ADDON, ADDONS_DATA)
    assert page.get_attribute("html", "data-kiji-rtd-search") == "guarded"
    # What RTD's "/" hotkey (or a theme integration) does to open its modal:
    page.evaluate("() => document.dispatchEvent(new CustomEvent('readthedocs-search-show'))")
    assert page.evaluate("() => window.rtdModalShown") == 0
    assert page.evaluate("() => document.getElementById('pst-search-dialog').open")
    assert page.evaluate("() => document.activeElement.closest('#pst-search-dialog') !== null")
    hrefs = _answers(page, "高速化")
    assert any(h.endswith("posts/2026-01-17-amazon-ai-chip.html") for h in hrefs)


def test_ctrl_k_still_opens_the_theme_dialog_with_addons_on(page, book_site) -> None:
    page.goto(f"{book_site}index.html")
    page.wait_for_function("() => typeof KijiSearch !== 'undefined'")
    page.evaluate(FAKE_ADDON, ADDONS_DATA)
    page.keyboard.press("Control+k")
    page.wait_for_function("() => document.getElementById('pst-search-dialog').open")
    hrefs = _answers(page, "量子")
    assert hrefs and page.evaluate("() => window.rtdModalShown") == 0


def test_addons_search_off_leaves_everything_alone(page, book_site) -> None:
    page.goto(f"{book_site}index.html")
    page.wait_for_function("() => typeof KijiSearch !== 'undefined'")
    data = {**ADDONS_DATA, "addons": {**ADDONS_DATA["addons"], "search": {"enabled": False}}}
    page.evaluate(FAKE_ADDON, data)
    assert page.get_attribute("html", "data-kiji-rtd-search") == "off"
    page.evaluate("() => document.dispatchEvent(new CustomEvent('readthedocs-search-show'))")
    assert page.evaluate("() => window.rtdModalShown") == 1
