"""Every kind of change, rebuilt incrementally, gives the same site as a clean build of the result.

One row per change (content, publication state, the clock, configuration, templates, static
files), at ``-j 1`` and ``-j 2``. Each row starts from the same first build of
``tests/roots/test-rebuild`` (built once per job count and copied back into place with its
timestamps, so Sphinx sees exactly the state it left), applies its change, rebuilds, and compares
every output file byte for byte (``.buildinfo`` aside) with a clean ``-j 1`` build of the same
final sources and configuration.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sphinx.builders.html._assets import _file_checksum_inner
from sphinx.testing.util import SphinxTestApp

from tests.helpers import assert_same_site, touch_later, tree

POSTS = Path("posts")


def _replace(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def change(src: Path) -> None:
        path = src / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        touch_later(path)

    return change


def _both(*changes: Callable[[Path], None]) -> Callable[[Path], None]:
    def change(src: Path) -> None:
        for one in changes:
            one(src)

    return change


def _rename(src: Path) -> None:
    (src / "posts/2026-02-10-second.md").rename(src / "posts/2026-02-10-second-moved.md")


def _delete(src: Path) -> None:
    (src / "posts/2026-03-10-third.md").unlink()


def _add(src: Path) -> None:
    path = src / "posts/2026-05-10-new.md"
    path.write_text(
        '---\ntitle: 新しい記事\ndate: 2026-05-10\ntags: ["AI", "新着"]\n'
        'categories: ["技術"]\nauthor: 鈴木\n---\n\n新しい本文です。\n',
        encoding="utf-8",
    )
    touch_later(path)


def _nothing(src: Path) -> None:
    pass


# name -> (change to the sources, configuration of the rebuild)
ROWS: dict[str, tuple[Callable[[Path], None], dict[str, Any]]] = {
    "body edit": (
        _replace("posts/2026-01-10-first.md", "一つ目の本文です。", "書き直した本文です。"),
        {},
    ),
    "title edit": (
        _replace("posts/2026-02-10-second.md", "title: 二つ目の記事", "title: 改題した記事"),
        {},
    ),
    "tag added": (
        _replace(
            "posts/2026-01-10-first.md", 'tags: ["AI", "投資"]', 'tags: ["AI", "投資", "新タグ"]'
        ),
        {},
    ),
    "tag removed": (_replace("posts/2026-02-10-second.md", 'tags: ["AI"]', "tags: []"), {}),
    "tag renamed": (
        _both(
            _replace("posts/2026-01-10-first.md", '"投資"]', '"投資戦略"]'),
            _replace("posts/2026-03-10-third.md", 'tags: ["投資"]', 'tags: ["投資戦略"]'),
        ),
        {},
    ),
    "date changed": (
        _replace("posts/2026-03-10-third.md", "date: 2026-03-10", "date: 2025-12-31"),
        {},
    ),
    "post renamed": (_rename, {}),
    "post deleted": (_delete, {}),
    "post added": (_add, {}),
    "draft published": (_replace("posts/2026-04-10-draft.md", "draft: true\n", ""), {}),
    "published to draft": (
        _replace("posts/2026-01-10-first.md", "author: 山田\n", "author: 山田\ndraft: true\n"),
        {},
    ),
    "future post comes due": (_nothing, {"kiji_now": "2026-12-10"}),
    "html_title": (_nothing, {"html_title": "新しいサイト名"}),
    "kiji_site_url": (_nothing, {"kiji_site_url": "https://example.com/blog/"}),
    "language": (_nothing, {"language": "en"}),
    "kiji_related_limit": (_nothing, {"kiji_related_limit": 1}),
    "template": (_replace("_templates/layout.html", "フッター1", "フッター2"), {}),
    "static file": (_replace("_static/site.css", "#111", "#222"), {}),
}


def _build(src: Path, out: Path, jobs: int, overrides: dict[str, Any]) -> SphinxTestApp:
    # Sphinx caches asset checksums per path for the life of the process; each `make html` is a
    # new process, and so must each build here be, as far as that cache goes.
    _file_checksum_inner.cache_clear()
    app = SphinxTestApp(
        "html", srcdir=src, builddir=out, parallel=jobs, confoverrides=dict(overrides)
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return app


class Sites:
    """The first build per job count (kept as a snapshot) and the clean builds per final state."""

    def __init__(self, base: Path, root: Path) -> None:
        self.base, self.root = base, root
        self.snapshots: dict[int, Path] = {}
        self.clean: dict[str, Path] = {}

    def work(self, jobs: int) -> Path:
        """A fresh copy of the first build, at the path it was built in."""
        work = self.base / f"work-j{jobs}"
        snapshot = self.snapshots.get(jobs)
        if snapshot is None:
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(self.root, work / "src")
            _build(work / "src", work / "build", jobs, {})
            snapshot = self.base / f"snapshot-j{jobs}"
            shutil.copytree(work, snapshot, symlinks=True)
            self.snapshots[jobs] = snapshot
        shutil.rmtree(work)
        shutil.copytree(snapshot, work, symlinks=True)  # copy2: timestamps kept
        return work

    def clean_build(self, row: str) -> Path:
        if row not in self.clean:
            change, overrides = ROWS[row]
            dest = self.base / f"clean-{len(self.clean)}"
            shutil.copytree(self.root, dest / "src")
            change(dest / "src")
            _build(dest / "src", dest / "build", 1, overrides)
            self.clean[row] = dest / "build" / "html"
        return self.clean[row]


@pytest.fixture(scope="module")
def sites(tmp_path_factory, rootdir) -> Sites:
    return Sites(tmp_path_factory.mktemp("rebuild"), rootdir / "test-rebuild")


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("row", list(ROWS))
def test_rebuild_equals_clean_build(sites, row, jobs):
    work = sites.work(jobs)
    change, overrides = ROWS[row]
    change(work / "src")
    _build(work / "src", work / "build", jobs, overrides)
    assert_same_site(work / "build" / "html", sites.clean_build(row))
    # The row really changed the site (else the comparison above proves nothing).
    assert tree(work / "build" / "html") != tree(sites.snapshots[jobs] / "build" / "html")
