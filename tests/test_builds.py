"""Whole-site equivalences: -j 2 = -j 1, rebuild after an edit = clean build, two clean builds
byte-identical. These are what make `parallel_read_safe`/`parallel_write_safe` honest."""

from __future__ import annotations

import filecmp
import os
import shutil
import time
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

# Files that legitimately differ between two builds of the same sources: none of the pages.
IGNORED = {".buildinfo", ".buildinfo.bak"}


def _copy_root(rootdir: Path, name: str, dest: Path) -> Path:
    shutil.copytree(rootdir / f"test-{name}", dest)
    return dest


def _build(srcdir: Path, builddir: Path, parallel: int = 1) -> SphinxTestApp:
    app = SphinxTestApp("html", srcdir=srcdir, builddir=builddir, parallel=parallel)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def _tree(outdir: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(outdir.rglob("*")):
        rel = path.relative_to(outdir).as_posix()
        if path.is_file() and not rel.startswith(".doctrees") and path.name not in IGNORED:
            files[rel] = path.read_bytes()
    return files


def _mtimes(outdir: Path) -> dict[str, int]:
    return {p.relative_to(outdir).as_posix(): p.stat().st_mtime_ns for p in outdir.rglob("*.html")}


def assert_same_site(a: Path, b: Path) -> None:
    ta, tb = _tree(a), _tree(b)
    assert sorted(ta) == sorted(tb), set(ta) ^ set(tb)
    different = [name for name in ta if ta[name] != tb[name]]
    assert not different, different


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    # A later mtime than the last read, even on file systems with coarse timestamps.
    time.sleep(0.01)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


@pytest.mark.parametrize("jobs", [2, 3])
def test_parallel_build_equals_serial(rootdir, tmp_path, jobs):
    src = _copy_root(rootdir, "posts", tmp_path / "src")
    _build(src, tmp_path / "j1", parallel=1)
    _build(src, tmp_path / "jn", parallel=jobs)
    assert_same_site(tmp_path / "j1" / "html", tmp_path / "jn" / "html")


def test_two_clean_builds_are_byte_identical(rootdir, tmp_path):
    src = _copy_root(rootdir, "posts", tmp_path / "src")
    _build(src, tmp_path / "a")
    _build(src, tmp_path / "b")
    assert_same_site(tmp_path / "a" / "html", tmp_path / "b" / "html")
    assert filecmp.cmp(tmp_path / "a/html/index.html", tmp_path / "b/html/index.html", shallow=False)


EDITS = {
    "tags": ("posts/2026-04-01-toml.md", 'tags = ["AI", "TOML"]', 'tags = ["TOML", "新タグ"]'),
    "title": ("posts/2026-02-01-yaml-forms.md", "title: 形式の確認", "title: 題名を変えた記事"),
    "date": ("posts/2026-02-01-yaml-forms.md", "date: 2026-02-01T09:30:00+09:00", "date: 2026-06-30T09:30:00+09:00"),
    "body": ("posts/2026-01-17-amazon-ai-chip.md", "考えてみてください。", "考えてみてください。追記しました。"),
}


@pytest.mark.parametrize("what", sorted(EDITS))
@pytest.mark.parametrize("parallel", [1, 2])
def test_incremental_rebuild_equals_clean_build(rootdir, tmp_path, what, parallel):
    src = _copy_root(rootdir, "posts", tmp_path / "src")
    _build(src, tmp_path / "inc", parallel=parallel)
    before = _tree(tmp_path / "inc" / "html")
    mtimes = _mtimes(tmp_path / "inc" / "html")
    rel, old, new = EDITS[what]
    _edit(src / rel, old, new)
    _build(src, tmp_path / "inc", parallel=parallel)
    after = _tree(tmp_path / "inc" / "html")
    clean_src = _copy_root(rootdir, "posts", tmp_path / "clean-src")
    shutil.copy2(src / rel, clean_src / rel)
    _build(clean_src, tmp_path / "clean", parallel=1)
    assert_same_site(tmp_path / "inc" / "html", tmp_path / "clean" / "html")
    changed = {name for name in after if before.get(name) != after[name]}
    assert rel.rsplit(".", 1)[0] + ".html" in changed
    if what == "body":
        # a body edit shows nowhere else: only the post itself is rewritten, no index page
        page = rel.rsplit(".", 1)[0] + ".html"
        assert {c for c in changed if c.endswith(".html")} == {page}
        touched = {n for n, m in _mtimes(tmp_path / "inc" / "html").items() if mtimes.get(n) != m}
        posts_and_indexes = {n for n in touched if n.startswith(("posts/", "tags/", "categories/", "authors/", "archive/"))}
        assert posts_and_indexes == {page}
