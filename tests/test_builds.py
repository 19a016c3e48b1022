"""Whole-site equivalences: -j N = -j 1, rebuild after an edit = clean build, two clean builds
byte-identical; each with the private-API speed layer (kiji.sphinx.fast) on and off, and the
layer's output equal to plain Sphinx's. These make `parallel_read_safe`/`parallel_write_safe`
honest."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import pytest

from tests.helpers import assert_same_site, build, copy_root, edit, tree

FAST = pytest.mark.parametrize("fast", [True, False], ids=["fast", "plain"])


def _mtimes(outdir: Path) -> dict[str, int]:
    return {p.relative_to(outdir).as_posix(): p.stat().st_mtime_ns for p in outdir.rglob("*.html")}


@FAST
@pytest.mark.parametrize("jobs", [2, 3])
def test_parallel_build_equals_serial(tmp_path, jobs, fast):
    src = copy_root("posts", tmp_path / "src")
    build(src, tmp_path / "j1", parallel=1, kiji_fast_build=fast)
    build(src, tmp_path / "jn", parallel=jobs, kiji_fast_build=fast)
    assert_same_site(tmp_path / "j1" / "html", tmp_path / "jn" / "html")


@FAST
def test_two_clean_builds_are_byte_identical(tmp_path, fast):
    src = copy_root("posts", tmp_path / "src")
    build(src, tmp_path / "a", kiji_fast_build=fast)
    build(src, tmp_path / "b", kiji_fast_build=fast)
    assert_same_site(tmp_path / "a" / "html", tmp_path / "b" / "html")
    assert filecmp.cmp(tmp_path / "a/html/index.html", tmp_path / "b/html/index.html", shallow=False)


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_fast_layer_changes_no_page(tmp_path, jobs):
    """On and off give the same site, but for the two files of Sphinx's own search that only the
    indexer fills when it runs (off) and no page loads (``_templates/layout.html``)."""
    src = copy_root("posts", tmp_path / "src")
    on = build(src, tmp_path / "on", parallel=jobs)
    off = build(src, tmp_path / "off", parallel=jobs, kiji_fast_build=False)
    assert getattr(on.builder, "_kiji_fast", False) and not getattr(off.builder, "_kiji_fast", False)
    plain, fast = tree(tmp_path / "off" / "html"), tree(tmp_path / "on" / "html")
    assert plain.pop("searchindex.js", None) is not None
    assert plain.pop("_static/language_data.js") != fast.pop("_static/language_data.js")
    assert sorted(fast) == sorted(plain)
    assert [name for name in fast if fast[name] != plain[name]] == []


EDITS = {
    "tags": ("posts/2026-04-01-toml.md", 'tags = ["AI", "TOML"]', 'tags = ["TOML", "新タグ"]'),
    "title": ("posts/2026-02-01-yaml-forms.md", "title: 形式の確認", "title: 題名を変えた記事"),
    "date": ("posts/2026-02-01-yaml-forms.md", "date: 2026-02-01T09:30:00+09:00", "date: 2026-06-30T09:30:00+09:00"),
    "body": ("posts/2026-01-17-amazon-ai-chip.md", "考えてみてください。", "考えてみてください。追記しました。"),
}


@FAST
@pytest.mark.parametrize("what", sorted(EDITS))
@pytest.mark.parametrize("parallel", [1, 2])
def test_incremental_rebuild_equals_clean_build(tmp_path, what, parallel, fast):
    src = copy_root("posts", tmp_path / "src")
    build(src, tmp_path / "inc", parallel=parallel, kiji_fast_build=fast)
    before = tree(tmp_path / "inc" / "html")
    mtimes = _mtimes(tmp_path / "inc" / "html")
    rel, old, new = EDITS[what]
    edit(src / rel, old, new)
    build(src, tmp_path / "inc", parallel=parallel, kiji_fast_build=fast)
    after = tree(tmp_path / "inc" / "html")
    clean_src = copy_root("posts", tmp_path / "clean-src")
    shutil.copy2(src / rel, clean_src / rel)
    build(clean_src, tmp_path / "clean", parallel=1, kiji_fast_build=fast)
    # Without the layer Sphinx's own indexer runs, and its incremental searchindex.js keeps terms
    # of the old text with no pages ('2月': []): Sphinx's behaviour, in a file no page loads.
    ignore = () if fast else ("searchindex.js",)
    assert_same_site(tmp_path / "inc" / "html", tmp_path / "clean" / "html", ignore)
    changed = {name for name in after if before.get(name) != after[name]}
    assert rel.rsplit(".", 1)[0] + ".html" in changed
    if what == "body":
        # a body edit shows nowhere else: only the post itself is rewritten, no index page
        page = rel.rsplit(".", 1)[0] + ".html"
        assert {c for c in changed if c.endswith(".html")} == {page}
        touched = {n for n, m in _mtimes(tmp_path / "inc" / "html").items() if mtimes.get(n) != m}
        posts_and_indexes = {n for n in touched if n.startswith(("posts/", "tags/", "categories/", "authors/", "archive/"))}
        assert posts_and_indexes == {page}
