"""The accessibility audit: axe-core (through axe-playwright-python) on every page type of a site.

Used by ``test_a11y.py`` and runnable alone to print the table of violations per page type,
width and theme of a built site::

    .venv/bin/python -m tests.browser.a11y [OUTPUT_FOLDER]

Without a folder it builds ``docs/`` as ``make html`` does (page size 2, so that the listings'
page links are on the pages audited).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.conftest import CHROMIUM_ARGS, ROOT

SAMPLE = "posts/2026/2026-01-17-amazon-ai-chip.html"
# page type -> path under the site (the real site of docs/)
PAGES: dict[str, str] = {
    "home": "index.html",
    "post": SAMPLE,
    "tag index": "tags/index.html",
    "tag": "tags/ai.html",
    "category": "categories/使い方ガイド.html",
    "author": "authors/ナレッジベース編集チーム.html",
    "archive index": "archive/index.html",
    "year": "archive/2026.html",
    "search, results": "search.html?q=タグ",
    "search, none": "search.html?q=存在しない語句ゼロ件",
    "404": "404.html",
}
WIDTHS = {"desktop": (1400, 1000), "phone": (390, 844)}
THEMES = ("light", "dark")


def build_docs(out: Path, *extra: str) -> Path:
    """Build docs/ into ``out`` as `make html` does; returns ``out``."""
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-j", "2", "-q", "-c", ".", "docs", str(out), *extra]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    if result.returncode != 0 or "WARNING" in result.stderr:
        raise RuntimeError(result.stderr[-3000:])
    return out


@contextmanager
def themed_page(browser: Any, width: str, theme: str) -> Iterator[Any]:
    """A page at a width with pydata-sphinx-theme's stored colour mode set before any script runs."""
    w, h = WIDTHS[width]
    phone = width == "phone"
    context = browser.new_context(viewport={"width": w, "height": h}, is_mobile=phone, has_touch=phone)
    # pydata reads both keys in its first inline script: ``mode`` (light/dark/auto), ``theme``.
    context.add_init_script(f"localStorage.setItem('mode', '{theme}'); localStorage.setItem('theme', '{theme}');")
    try:
        yield context.new_page()
    finally:
        context.close()


def open_page(page: Any, base: str, path: str) -> None:
    # "load", not "networkidle": every script and style has run by then, and an idle network is
    # a guess that a loaded machine keeps missing.
    page.goto(base + path, wait_until="load", timeout=60_000)
    if path.startswith("search.html"):
        page.wait_for_selector('.kiji-search-summary[data-state="done"]', timeout=20_000)


def violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations of every rule it runs by default, any impact."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": len(v["nodes"]),
            "targets": [n["target"] for n in v["nodes"]][:5],
            "summary": (v["nodes"][0].get("failureSummary") or "")[:300] if v["nodes"] else "",
        }
        for v in results.response["violations"]
    ]


def count(found: list[dict[str, Any]]) -> int:
    """Violations counted as axe reports them in its summary: one per rule per failing element."""
    return sum(v["nodes"] for v in found)


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import serve
    from tests.conftest import require_chromium

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(argv[0]) if argv else build_docs(Path(tmp) / "html", "-D", "kiji_listing_page_size=2")
        with serve(out) as base, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=require_chromium(), args=CHROMIUM_ARGS)
            header = ["page type", *(f"{w} {t}" for w in WIDTHS for t in THEMES)]
            print("| " + " | ".join(header) + " |")
            print("|" + "---|" * len(header))
            detail: dict[str, set[str]] = {}
            for name, path in PAGES.items():
                row = [name]
                for width in WIDTHS:
                    for theme in THEMES:
                        with themed_page(browser, width, theme) as page:
                            open_page(page, base, path)
                            found = violations(page)
                        row.append(str(count(found)))
                        for v in found:
                            detail.setdefault(f"{v['impact']} {v['id']}", set()).add(name)
                print("| " + " | ".join(row) + " |")
            browser.close()
            for rule, names in sorted(detail.items()):
                print(f"- {rule}: {', '.join(sorted(names))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
