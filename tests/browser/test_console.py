"""Every page type loads without a console error or warning, a failed request or an HTTP error
(no axe here: axe fetches stylesheets itself, so its requests are not the site's)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.a11y import PAGES, THEMES, open_page, themed_page
from tests.conftest import parse_html

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("theme", THEMES)
def test_no_console_error_and_no_failed_request(browser: Any, docs_pages: tuple[Path, str], theme: str) -> None:
    problems: list[tuple[str, str, str]] = []
    for kind, path in PAGES.items():
        with themed_page(browser, "desktop", theme) as page:
            page.on("console", lambda m, k=kind: problems.append((k, m.type, m.text)) if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e, k=kind: problems.append((k, "pageerror", str(e))))
            page.on("requestfailed", lambda r, k=kind: problems.append((k, "failed", r.url)))
            page.on("response", lambda r, k=kind: problems.append((k, str(r.status), r.url)) if r.status >= 400 else None)
            open_page(page, docs_pages[1], path)
    assert problems == []


def test_listeners_hear_errors(browser: Any, docs_pages: tuple[Path, str]) -> None:
    """The listeners above are not deaf: a missing file and a console error are both heard."""
    heard: list[str] = []
    with themed_page(browser, "desktop", "light") as page:
        page.on("console", lambda m: heard.append(m.type) if m.type == "error" else None)
        page.on("response", lambda r: heard.append(str(r.status)) if r.status >= 400 else None)
        open_page(page, docs_pages[1], PAGES["home"])
        page.evaluate("fetch('no-such-file.css').then(() => console.error('heard'))")
        page.wait_for_load_state("networkidle")
        page.wait_for_function("true")
    assert "404" in heard and "error" in heard


def test_first_visit_has_a_valid_theme_mode(docs_pages: tuple[Path, str]) -> None:
    """No stored mode: the theme falls back to ``default_mode``; it is a valid one, and the browser
    is told there is no favicon to fetch (a 404 on every first visit otherwise)."""
    soup = parse_html(docs_pages[0] / "index.html")
    assert soup.body["data-default-mode"] == "auto"
    icon = soup.find("link", rel="icon")
    assert icon is not None and icon["href"]


def test_first_visit_logs_nothing(browser: Any, docs_pages: tuple[Path, str]) -> None:
    context = browser.new_context()  # nothing stored: the first visit of a new reader
    try:
        page = context.new_page()
        logged: list[str] = []
        page.on("console", lambda m: logged.append(m.text) if m.type in ("error", "warning") else None)
        open_page(page, docs_pages[1], PAGES["post"])
        assert page.evaluate("document.documentElement.dataset.mode") == "auto"
        assert page.evaluate("document.documentElement.dataset.theme") in ("light", "dark")
    finally:
        context.close()
    assert logged == []
