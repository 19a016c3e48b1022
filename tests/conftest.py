"""Shared fixtures: Sphinx's testing fixtures, the test roots, HTML parsing helpers."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent

pytest_plugins = ("sphinx.testing.fixtures",)

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("KIJI_CHROMIUM", "/usr/bin/chromium")
# Headless Chromium as root on a machine whose network is closed: no sandbox, no background traffic.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Sphinx's testing fixtures look for ``test-<name>`` folders here."""
    return ROOT / "tests" / "roots"


def parse_html(path: Path) -> BeautifulSoup:
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "lxml")


@pytest.fixture
def soup():
    """``soup(app, 'posts/x')`` parses the HTML page of a docname after a build."""

    def _soup(app, pagename: str) -> BeautifulSoup:
        return parse_html(Path(app.outdir) / f"{pagename}.html")

    return _soup


def require_chromium() -> str:
    """Path to Debian's Chromium; in CI a missing browser fails instead of skipping."""
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return CHROMIUM
    if IN_CI:
        pytest.fail(f"Chromium not found at {CHROMIUM}: CI must install Debian's chromium")
    pytest.skip(f"Chromium not found at {CHROMIUM}")


@pytest.fixture
def spy(monkeypatch):
    """``calls = spy(owner, "name")``: each call's arguments (keyword values last); the original runs."""

    def _spy(owner, name: str) -> list[tuple]:
        calls: list[tuple] = []
        original = getattr(owner, name)

        def wrapper(*args, **kwargs):
            calls.append((*args, *kwargs.values()))
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, wrapper)
        return calls

    return _spy


@pytest.fixture(autouse=True)
def parallel_read_always(monkeypatch):
    """Test sites are tiny: without this, every ``-j 2`` test build would read its documents
    serially (kiji.sphinx.fast.serial_read_limit) and the parallel read would go untested."""
    from kiji.sphinx import fast

    monkeypatch.setattr(fast, "SERIAL_READ_MIN", 0)
    monkeypatch.setattr(fast, "SERIAL_READ_PER_DOC", 10**9)
