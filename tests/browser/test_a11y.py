"""Accessibility of every page type: axe-core finds nothing at phone and desktop widths, in the
light and the dark theme; the keyboard reaches every control, shows where it is, and skips to the
content. The site is the real one of docs/ (``docs_pages``: one build for the session)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.a11y import PAGES, SAMPLE, THEMES, WIDTHS, open_page, themed_page, violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("kind", list(PAGES))
def test_axe_finds_no_violation(browser: Any, docs_pages: tuple[Path, str], kind: str, width: str, theme: str) -> None:
    with themed_page(browser, width, theme) as page:
        open_page(page, docs_pages[1], PAGES[kind])
        # the stored mode is the one in force: the audit really ran in that theme
        assert page.evaluate("document.documentElement.dataset.theme") == theme
        found = violations(page)
    assert found == [], found


def test_the_audit_sees_violations(browser: Any, docs_pages: tuple[Path, str]) -> None:
    """The audit is not blind: the sidebar caption without its level is reported again."""
    with themed_page(browser, "desktop", "light") as page:
        open_page(page, docs_pages[1], SAMPLE)
        page.evaluate("document.querySelector('.kiji-sidebar-indexes .caption').removeAttribute('aria-level')")
        page.evaluate("document.querySelector('.kiji-post-header').style.background = '#f3f4f5'")
        ids = {v["id"] for v in violations(page)}
    assert {"aria-required-attr", "color-contrast"} <= ids


_FOCUS = """() => {
    const el = document.activeElement;
    const s = getComputedStyle(el);
    const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
    return {tag: el.tagName, cls: el.className, href: el.getAttribute('href'), text: (el.textContent || '').trim().slice(0, 40),
            ring, visible: !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)};
}"""


@pytest.mark.parametrize("width", list(WIDTHS))
def test_keyboard_reaches_every_control_with_a_visible_ring(browser: Any, docs_pages: tuple[Path, str], width: str) -> None:
    with themed_page(browser, width, "light") as page:
        open_page(page, docs_pages[1], SAMPLE)
        # every visible link and button of the page, as the reader sees them
        wanted = page.evaluate(
            """() => [...document.querySelectorAll('a[href], button, input, [tabindex]:not([tabindex="-1"])')]
                .filter((el) => el.checkVisibility({visibilityProperty: true}) && el.getClientRects().length
                                && !el.closest('[inert], dialog:not([open])') && !el.disabled)
                .map((el) => el.outerHTML.slice(0, 120))"""
        )
        page.evaluate("window.__seen = new Set(); document.addEventListener('focusin', (e) => window.__seen.add(e.target.outerHTML.slice(0, 120)))")
        rings: list[dict[str, Any]] = []
        for _ in range(len(wanted) + 40):
            page.keyboard.press("Tab")
            rings.append(page.evaluate(_FOCUS))
        seen = set(page.evaluate("[...window.__seen]"))
    missing = [w for w in wanted if w not in seen]
    assert missing == [], missing
    without_ring = [r for r in rings if r["visible"] and not r["ring"] and r["tag"] != "BODY"]
    assert without_ring == [], without_ring


def test_skip_link_moves_focus_to_the_content(browser: Any, docs_pages: tuple[Path, str]) -> None:
    with themed_page(browser, "desktop", "light") as page:
        open_page(page, docs_pages[1], SAMPLE)
        page.keyboard.press("Tab")
        first = page.evaluate(_FOCUS)
        assert first["href"] == "#main-content" and first["visible"] and first["ring"], first
        # shown on screen while it has focus (it slides in: wait for the end of the transition)
        page.wait_for_function("document.querySelector('#pst-skip-link a').getBoundingClientRect().top >= 0", timeout=5_000)
        box = page.locator("#pst-skip-link a").bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        # the next stop is inside the main content, past the header and the sidebar
        inside = page.evaluate("document.activeElement.closest('#main-content') !== null")
        assert inside
