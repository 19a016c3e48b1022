"""The search index on real builds: written, deterministic, equal across -j and incremental builds.

Queries are answered here by a small Python reader of the index files (candidates only, the
browser's phrase check aside), so the index is tested without a browser; tests/browser/ runs
the real search page.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from docutils.core import publish_doctree
from kiji.core.textsplit import (
    decode_ids,
    decode_positions,
    is_exact,
    query_segments,
    query_terms,
    shard_of,
)
from kiji.sphinx.search import INDEX_DIR, IndexDoc, build_index_files, doctree_text, entry_shard

from tests.helpers import warnings_of

ROOTS = Path(__file__).parent / "roots"
SAMPLE = "posts/2026-01-17-amazon-ai-chip.html"
QUANTUM = "posts/2026-02-01-quantum-notes.html"



def index_files(outdir: Path) -> dict[str, bytes]:
    base = Path(outdir) / INDEX_DIR
    return {
        p.relative_to(base).as_posix(): p.read_bytes()
        for p in sorted(base.rglob("*"))
        if p.is_file()
    }


def load_docs(files: dict[str, bytes]) -> list[list]:
    manifest = json.loads(files["manifest.json"])
    docs: list[list] = []
    for k in range(0, manifest["count"], manifest["chunk"]):
        docs.extend(json.loads(files[f"d/{k // manifest['chunk']}.json"]))
    return docs


def entry(files: dict[str, bytes], term: str) -> list[str] | None:
    manifest = json.loads(files["manifest.json"])
    shard = entry_shard(term, manifest["shards"])
    table = json.loads(files[f"t/{shard:0{manifest['shardWidth']}x}.json"])
    return table.get(term)


def candidates(files: dict[str, bytes], query: str) -> list[str]:
    """URLs of the pages holding every query term, in the browser's rank order."""
    docs = load_docs(files)
    terms = query_terms(query)
    if not terms:
        return []
    entries = [entry(files, t) for t in terms]
    if any(e is None for e in entries):
        return []
    ids = set(decode_ids(entries[0][0]))
    for e in entries[1:]:
        ids &= set(decode_ids(e[0]))
    score = dict.fromkeys(ids, 0)
    for e in entries:
        for i in decode_ids(e[1] if len(e) > 1 else ""):
            if i in score:
                score[i] += 8
        for i in decode_ids(e[2] if len(e) > 2 else ""):
            if i in score:
                score[i] += 5
    name = entry(files, "=" + " ".join(query_segments(query)))
    for i in decode_ids(name[0]) if name else ():
        if i in score:
            score[i] += 1000
    return [unquote(docs[i][0]) for i in sorted(ids, key=lambda i: (-score[i], i))]


def copy_root(name: str, dest: Path) -> Path:
    shutil.copytree(ROOTS / f"test-{name}", dest)
    return dest


def build(make_app, src: Path, *, parallel: int = 0, fresh: bool = True, builder: str = "html"):
    app = make_app(builder, srcdir=src, freshenv=fresh, parallel=parallel)
    app.build()
    return app


# -- the pure parts -------------------------------------------------------------------------------


def test_doctree_text_joins_inline_markup_and_skips_comments() -> None:
    doctree = publish_doctree(
        "Title\n=====\n\n**微細化**\\ です。\n\n.. a comment 秘密\n\n"
        ".. raw:: html\n\n   <b>生HTML</b><script>x()</script>\n"
    )
    text = doctree_text(doctree)
    assert "微細化です。" in text
    assert "秘密" not in text
    assert "生HTML" in text and "x()" not in text
    assert "Title" in text


def test_build_index_files_is_pure_and_deterministic() -> None:
    docs = [
        IndexDoc(
            key="b", url="b.html", title="量子の話", body_terms=["量子", "研究"], timestamp=1.0
        ),
        IndexDoc(
            key="a", url="a.html", title="別の話", body_terms=["量子"], timestamp=2.0, tags=["量子"]
        ),
        IndexDoc(key="tags/q", url="tags/q.html", title="タグ: 量子", kind="tag", name="量子"),
    ]
    files = build_index_files(docs)
    assert files == build_index_files(list(reversed(docs)))
    # ids: newest post first, then undated pages
    assert [d[0] for d in load_docs(files)] == ["a.html", "b.html", "tags/q.html"]
    all_ids, title_ids, meta_ids, title_at, meta_at = entry(files, "量子")
    assert decode_ids(all_ids) == [0, 1, 2]
    assert decode_ids(title_ids) == [1, 2]
    assert decode_ids(meta_ids) == [0, 2]
    # Where the term starts in each title (量子の話, タグ: 量子) and in each tag line.
    assert decode_positions(title_at) == {1: [0], 2: [4]}
    assert decode_positions(meta_at) == {0: [0], 2: [0]}
    assert decode_ids(entry(files, "=量子")[0]) == [2]
    # The name's entry sits in its first term's shard: a query for 量子 loads no extra file.
    assert entry_shard("=量子", 8) == shard_of("量子", 8)
    assert candidates(files, "量子") == ["tags/q.html", "b.html", "a.html"]


# -- builds ---------------------------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="search")
def test_index_replaces_sphinx_search(app, soup) -> None:
    app.build()
    out = Path(app.outdir)
    assert "search" not in warnings_of(app).lower()
    assert not (out / "searchindex.js").exists()  # Sphinx's indexer did not run
    files = index_files(out)
    manifest = json.loads(files["manifest.json"])
    assert manifest["format"] == 3 and manifest["count"] >= 3
    assert len([f for f in files if f.startswith("t/")]) == manifest["shards"]
    # One folder of offsets per block of ids, each with its own shard count.
    blocks = -(-manifest["count"] // manifest["block"])
    assert len(manifest["pshards"]) == blocks
    for b, count in enumerate(manifest["pshards"]):
        assert len([f for f in files if f.startswith(f"p/{b}/")]) == count

    page = soup(app, "search")
    scripts = [s.get("src", "") for s in page.find_all("script")]
    assert any("kiji-search.js" in s for s in scripts)
    assert not any("searchtools.js" in s or "searchindex.js" in s for s in scripts)
    root = page.find(id="kiji-search")
    assert root["data-index"] == "_static/kiji-search/manifest.json"
    assert root.find(id="search-results") is not None
    assert root.find("input", attrs={"name": "q"}) is not None
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    # The search box of every other page still leads to search.html.
    assert soup(app, "index").find("form", attrs={"action": re.compile("search.html")}) is not None


@pytest.mark.sphinx("html", testroot="search")
def test_index_finds_the_issue_queries(app) -> None:
    app.build()
    files = index_files(Path(app.outdir))
    for query in (
        "高速化",
        "量子化",
        "H100",
        "NVIDIAのGPU",
        "Neuron SDK",
        "ＡＷＳ",
        "aws",
        "Trainium2",
    ):
        assert SAMPLE in candidates(files, query), query
    for query in ("3.2.0", "c++", "C#", "abc123", "Full Width"):
        assert candidates(files, query) == [QUANTUM], query
    assert candidates(files, "量子コンピュータ") == []
    assert candidates(files, "秘密語句") == []  # the page says nosearch
    # bigrams over-match: 高速 + 速化 (in 加速化) make the quantum post a candidate, which the
    # browser's phrase check then drops; single terms are exact and need no check.
    assert QUANTUM in candidates(files, "高速化") and not is_exact("高速化")


@pytest.mark.sphinx("html", testroot="search")
def test_taxonomy_pages_and_titles_rank_first(app) -> None:
    app.build()
    files = index_files(Path(app.outdir))
    ranked = candidates(files, "量子")
    assert ranked[0].startswith("tags/")  # the tag page named 量子
    assert ranked.index(QUANTUM) < ranked.index(SAMPLE)  # title and tag beat body text
    assert candidates(files, "最新ニュース")[0] == "tags/最新ニュース.html"
    assert candidates(files, "投資分析")[0] == "categories/投資分析.html"


def test_two_clean_builds_are_byte_identical(make_app, tmp_path) -> None:
    one = build(make_app, copy_root("search", tmp_path / "one"))
    two = build(make_app, copy_root("search", tmp_path / "two"))
    assert index_files(one.outdir) == index_files(two.outdir)


def test_parallel_build_equals_serial(make_app, tmp_path) -> None:
    serial = build(make_app, copy_root("search", tmp_path / "serial"))
    parallel = build(make_app, copy_root("search", tmp_path / "parallel"), parallel=2)
    assert index_files(serial.outdir) == index_files(parallel.outdir)
    assert "search" not in warnings_of(parallel).lower()


def test_incremental_build_equals_clean(make_app, tmp_path) -> None:
    src = copy_root("search", tmp_path / "inc")
    first = build(make_app, src)
    before = index_files(first.outdir)
    post = src / "posts" / "2026-02-01-quantum-notes.md"
    post.write_text(
        post.read_text(encoding="utf-8") + "\n追記: 量子コンピュータの話も少し。\n",
        encoding="utf-8",
    )
    (src / "about.md").unlink()
    again = build(make_app, src, fresh=False)
    assert "search" not in warnings_of(again).lower()  # e.g. "search index couldn't be loaded"
    after = index_files(again.outdir)
    assert after != before
    clean = build(make_app, copy_root("search", tmp_path / "clean"))
    assert index_files(clean.outdir) != after  # the edit is visible...
    edited = tmp_path / "clean2"
    shutil.copytree(src, edited, ignore=shutil.ignore_patterns("_build"))
    assert index_files(build(make_app, edited).outdir) == after  # ...and equals a clean build
    assert candidates(after, "量子コンピュータ") == [QUANTUM]
    assert candidates(after, "ナレッジベース") == []  # the removed page is gone


def test_unchanged_rebuild_leaves_files_alone(make_app, tmp_path) -> None:
    src = copy_root("search", tmp_path / "same")
    first = build(make_app, src)
    base = Path(first.outdir) / INDEX_DIR
    stamps = {p: p.stat().st_mtime_ns for p in base.rglob("*.json")}
    build(make_app, src, fresh=False)
    assert {p: p.stat().st_mtime_ns for p in base.rglob("*.json")} == stamps


def test_dirhtml_urls(make_app, tmp_path) -> None:
    app = build(make_app, copy_root("search", tmp_path / "dir"), builder="dirhtml")
    urls = [d[0] for d in load_docs(index_files(app.outdir))]
    assert "posts/2026-01-17-amazon-ai-chip/" in urls
    assert not (Path(app.outdir) / "searchindex.js").exists()


@pytest.mark.sphinx("html", testroot="search-book")
def test_book_theme_search_page(app, soup) -> None:
    app.build()
    page = soup(app, "search")
    scripts = [s.get("src", "") for s in page.find_all("script")]
    assert any("kiji-search.js" in s for s in scripts)
    assert not any("searchtools.js" in s or "searchindex.js" in s for s in scripts)
    container = page.select_one("article.bd-article, .bd-search-container")
    assert container is not None and container.find(id="search-results") is not None
    # the theme's search button and field still point at search.html
    other = soup(app, "index")
    assert other.select_one("form.bd-search")["action"].endswith("search.html")
    assert json.loads(index_files(app.outdir)["manifest.json"])["count"] >= 2


def test_index_pages_are_in_the_search_index(tmp_path):
    """タグ一覧 and the other index pages are documents of the search index, by their titles."""
    from sphinx.testing.util import SphinxTestApp

    src = tmp_path / "src"
    shutil.copytree(Path(__file__).parent / "roots" / "test-posts", src)
    app = SphinxTestApp("html", srcdir=src, freshenv=True)
    try:
        app.build()
    finally:
        app.cleanup()
    records = []
    for path in sorted((Path(app.outdir) / "_static" / "kiji-search" / "d").glob("*.json")):
        records.extend(json.loads(path.read_text(encoding="utf-8")))
    titles = {r[1]: r[0] for r in records}
    assert titles["タグ一覧"] == "tags/index.html"
    assert titles["カテゴリ一覧"] == "categories/index.html"
    assert titles["アーカイブ"] == "archive/index.html"
