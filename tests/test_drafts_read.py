"""Publishing a draft, a post coming due or going back to draft reads only that post.

Drafts and future posts are hidden by kiji.sphinx.drafts on ``env-get-outdated``, not through
``exclude_patterns`` (an ``'env'`` value, whose every change made Sphinx read the whole site).
Each test builds ``tests/roots/test-rebuild``, makes one change, rebuilds, and counts the documents
Sphinx reads (the list ``env-before-read-docs`` is given); the rebuild matrix
(test_rebuild_matrix.py) shows that the output then equals a clean build.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sphinx.testing.util import SphinxTestApp

from tests.helpers import touch_later

DRAFT = "posts/2026-04-10-draft"
FUTURE = "posts/2026-12-05-future"
FIRST = "posts/2026-01-10-first"
POSTS = {"posts/2026-01-10-first", "posts/2026-02-10-second", "posts/2026-03-10-third"}


def _build(src: Path, out: Path, jobs: int = 1, **overrides: Any) -> tuple[list[str], Path]:
    """Build; return the documents read and the output folder."""
    app = SphinxTestApp("html", srcdir=src, builddir=out, parallel=jobs, confoverrides=overrides)
    read: list[str] = []
    app.connect(
        "env-before-read-docs", lambda app, env, docnames: read.extend(docnames), priority=999
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return sorted(read), Path(app.outdir)


@pytest.fixture
def site(rootdir, tmp_path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-rebuild", src)
    read, outdir = _build(src, tmp_path / "out")
    # The first build reads the landing page and the three published posts, nothing hidden.
    assert read == sorted({"index", *POSTS})
    assert not (outdir / f"{DRAFT}.html").exists() and not (outdir / f"{FUTURE}.html").exists()
    return src


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    touch_later(path)


@pytest.mark.parametrize("jobs", [1, 2])
def test_publishing_a_draft_reads_only_that_post(site, tmp_path, jobs):
    _edit(site / f"{DRAFT}.md", "draft: true\n", "")
    read, outdir = _build(site, tmp_path / "out", jobs)
    assert read == [DRAFT]
    assert (outdir / f"{DRAFT}.html").is_file()
    assert (outdir / "tags" / "下書き.html").is_file()  # its tag's page, a generated page


def test_a_future_post_coming_due_reads_only_that_post(site, tmp_path):
    read, outdir = _build(site, tmp_path / "out", kiji_now="2026-12-10")
    assert read == [FUTURE]
    assert (outdir / f"{FUTURE}.html").is_file()
    # and the clock going back hides it again without reading anything
    read, outdir = _build(site, tmp_path / "out", kiji_now="2026-11-28")
    assert read == []
    assert not (outdir / f"{FUTURE}.html").exists()


def test_a_post_back_to_draft_reads_nothing_and_its_page_is_gone(site, tmp_path):
    _edit(site / f"{FIRST}.md", "author: 山田\n", "author: 山田\ndraft: true\n")
    read, outdir = _build(site, tmp_path / "out")
    assert read == []
    assert not (outdir / f"{FIRST}.html").exists()
    assert not (outdir / "_sources" / f"{FIRST}.md.txt").exists()


def test_showing_drafts_reads_only_the_drafts(site, tmp_path):
    read, outdir = _build(site, tmp_path / "out", kiji_show_drafts=True)
    assert read == [DRAFT]
    read, outdir = _build(site, tmp_path / "out", kiji_show_drafts=True, kiji_show_future=True)
    assert read == [FUTURE]
