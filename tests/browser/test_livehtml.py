"""`make livehtml`: the live preview really reloads the browser when a post changes.

``tools/livehtml.sh`` (what the make target runs) is started on a two-post copy of a site in
``tmp_path``, on 127.0.0.1 and a free port; Chromium opens a post, the post file is edited, and
the new text must appear in the open tab, brought by sphinx-autobuild's websocket reload, not by
the test. Editor droppings written next to the post must not start a build, and the server is
always stopped afterwards (its whole process group: sphinx-autobuild runs Sphinx in children).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.browser

SCRIPT = ROOT / "tools" / "livehtml.sh"
START_TIMEOUT = 90  # s: the first build imports Sphinx and the theme on a shared machine
RELOAD_TIMEOUT = 30_000  # ms: debounce (1.6 s) + an incremental build + the reload

CONF = """\
extensions = ["myst_parser", "kiji"]
html_theme = "basic"
language = "ja"
project = "ライブプレビュー"
kiji_now = "2026-11-28"
"""
POST = """\
---
title: "{title}"
date: {date} 09:00:00 +0900
tags: ["プレビュー"]
excerpt: "ライブプレビューの試験用の記事です。"
---

{body}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _make_site(root: Path) -> Path:
    posts = root / "docs" / "posts"
    posts.mkdir(parents=True)
    (root / "conf.py").write_text(CONF, encoding="utf-8")
    (root / "docs" / "index.md").write_text("# トップ\n\n```{postlist}\n```\n", encoding="utf-8")
    (posts / "2026-01-02-second.md").write_text(
        POST.format(title="二本目", date="2026-01-02", body="二本目の本文です。"), encoding="utf-8"
    )
    post = posts / "2026-01-01-first.md"
    post.write_text(
        POST.format(title="一本目", date="2026-01-01", body="最初の本文です。"), encoding="utf-8"
    )
    return post


def _autobuild_command() -> str:
    """The venv's sphinx-autobuild, as the make target passes $(BIN)/sphinx-autobuild."""
    script = Path(sys.executable).with_name("sphinx-autobuild")
    return str(script) if script.exists() else f"{sys.executable} -m sphinx_autobuild"


def _builds(log: Path) -> int:
    """Builds started after a change (the initial build is not counted)."""
    return log.read_text(encoding="utf-8", errors="replace").count("Rebuilding...")


def _tail(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-3000:]


def _wait_until_served(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"livehtml exited with {proc.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    pytest.fail(f"livehtml did not serve {url} within {START_TIMEOUT} s:\n{_tail(log)}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop sphinx-autobuild and the Sphinx builds it started (one process group)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        except ProcessLookupError:
            pass
    # Children left behind by a build that was running when the server went.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture
def chromium_page(browser: Any) -> Iterator[Any]:
    """A page in the session's Debian Chromium (``browser`` fixture): a second ``sync_playwright``
    while the session's runs fails ("Sync API inside the asyncio loop") once another browser test
    file has started it."""
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


def test_editing_a_post_reloads_the_open_page(tmp_path: Path, chromium_page: Any) -> None:
    if shutil.which("sh") is None:
        pytest.skip("no POSIX shell")
    site = tmp_path / "site"
    post = _make_site(site)
    port = _free_port()
    log = tmp_path / "livehtml.log"
    env = {
        **os.environ,
        "SPHINXAUTOBUILD": _autobuild_command(),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "SOURCEDIR": "docs",
        "CONFDIR": ".",
        "OUTDIR": "_build/livehtml",
        "NO_COLOR": "1",
    }
    url = f"http://127.0.0.1:{port}/posts/2026-01-01-first.html"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            ["sh", str(SCRIPT)],
            cwd=site,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own group, killed as one
        )
    try:
        _wait_until_served(url, proc, log)
        page = chromium_page
        page.goto(url)
        page.get_by_text("最初の本文です。").wait_for(timeout=10_000)
        assert "/websocket-reload" in page.content(), (
            "sphinx-autobuild did not inject its reload script"
        )
        # A mark that only this load of the page has: gone after a reload.
        page.evaluate("window.__beforeEdit = true")

        text = post.read_text(encoding="utf-8").replace("最初の本文です。", "書き換えた本文です。")
        post.write_text(text, encoding="utf-8")
        started = time.monotonic()
        page.get_by_text("書き換えた本文です。").wait_for(timeout=RELOAD_TIMEOUT)
        elapsed = time.monotonic() - started
        assert page.evaluate("window.__beforeEdit === undefined"), "the page was not reloaded"
        assert page.get_by_text("最初の本文です。").count() == 0
        assert _builds(log) == 1, _tail(log)

        # No rebuild loop, and editor droppings (vim swap and probe files, backups, emacs locks)
        # start no build.
        for name in (
            ".2026-01-01-first.md.swp",
            "4913",
            "2026-01-01-first.md~",
            ".#2026-01-01-first.md",
        ):
            (post.parent / name).write_text("x", encoding="utf-8")
        time.sleep(4)  # longer than watchfiles' 1.6 s debounce
        assert _builds(log) == 1, _tail(log)
        print(f"live reload after the edit: {elapsed:.1f} s")
    finally:
        _stop(proc)
    assert proc.poll() is not None
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
