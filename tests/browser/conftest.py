"""Browser fixtures: a built test site served over HTTP, and a headless Debian Chromium page.

The site is built once per session with Sphinx's test application from ``tests/roots/test-search``
and served by ``http.server`` on 127.0.0.1 on a free port in a thread (the search page fetches
its index and the result pages, which ``file://`` would not allow). Chromium is Debian's
(``require_chromium()`` fails in CI when it is missing and skips elsewhere); Playwright never
downloads a browser here.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.conftest import CHROMIUM_ARGS, require_chromium
from tests.helpers import build_apart

ROOTS = Path(__file__).resolve().parent.parent / "roots"
BENCH = Path(__file__).resolve().parent.parent.parent / "benchmarks"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass  # keep the test output readable


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A page closed while the search still fetched a result page breaks the pipe: not a bug.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) for the duration; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="test-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def build_site(root: str, dest: Path) -> Path:
    """Build ``tests/roots/test-<root>`` into ``dest`` and return the output folder."""
    src = dest / "src"
    shutil.copytree(ROOTS / f"test-{root}", src)
    return build_apart(src, dest / "html")


@pytest.fixture(scope="session")
def search_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """``(output folder, base URL)`` of the built and served ``test-search`` site."""
    out = build_site("search", tmp_path_factory.mktemp("search-site"))
    with serve(out) as url:
        yield out, url


@pytest.fixture(scope="session")
def corpus_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A site of 80 generated posts (benchmarks/corpus.py), for result paging and estimates."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("kiji_bench_corpus", BENCH / "corpus.py")
    assert spec and spec.loader
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    src = tmp_path_factory.mktemp("corpus-site") / "src"
    corpus.generate(80, src, seed=1)
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "kiji"]\nhtml_theme = "basic"\nlanguage = "ja"\n'
        'project = "コーパス"\nkiji_now = "2030-01-01"\n'
        # Blocks of 16 pages: the browser confirms compounds block by block, as at 10,000 posts.
        "kiji_search_block = 16\n",
        encoding="utf-8",
    )
    out = build_apart(src, src.parent / "html", "-j", "2")
    with serve(out) as url:
        yield out, url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page; JavaScript errors on it fail the test."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.js_errors = errors
    try:
        yield page
    finally:
        context.close()
    assert not errors, errors


@pytest.fixture
def run_search(page: Any, search_site: tuple[Path, str]) -> Callable[[str], dict[str, Any]]:
    """Open ``search.html?q=...`` and wait for the count line; returns what the page shows."""

    def _run(query: str, base: str | None = None) -> dict[str, Any]:
        page.goto(f"{base or search_site[1]}search.html?q={quote(query)}")
        page.wait_for_selector('.kiji-search-summary[data-state="done"]', timeout=20_000)
        return page.evaluate(
            """() => {
                const summary = document.querySelector('.kiji-search-summary');
                const items = [...document.querySelectorAll('#search-results li.kiji-result')];
                const text = (li, sel) => (li.querySelector(sel) || {}).textContent || null;
                const marks = (li) => [...li.querySelectorAll('mark')];
                return {
                    summary: summary.textContent,
                    count: Number(summary.dataset.count),
                    exact: summary.dataset.exact === 'true',
                    more: !!document.querySelector('button.kiji-search-more'),
                    results: items.map((li) => ({
                        href: li.querySelector('a').getAttribute('href'),
                        title: li.querySelector('a').textContent,
                        snippet: (li.querySelector('.kiji-result-snippet') || {}).textContent || '',
                        date: text(li, 'time'),
                        marks: marks(li).map((m) => m.textContent),
                        snippetHtml: (li.querySelector('.kiji-result-snippet') || {}).innerHTML,
                    })),
                };
            }"""
        )

    return _run


@pytest.fixture(scope="session")
def docs_pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The real site of docs/, built once for the accessibility, console and print tests.

    Listings hold two posts a page, so the page links of paginated listings are audited too.
    """
    from tests.browser.a11y import build_docs

    out = build_docs(tmp_path_factory.mktemp("docs-pages") / "html", "-D", "kiji_listing_page_size=2")
    with serve(out) as url:
        yield out, url
