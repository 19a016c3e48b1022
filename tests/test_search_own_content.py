"""Own content only: previous/next links are a ``<nav>``, related posts an ``<aside>``, listings of
other posts are marked ``data-pagefind-ignore``, and none of them is indexed as the page's text."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

from bs4 import BeautifulSoup
from kiji.core.textsplit import decode_ids, query_terms
from kiji.sphinx.search import INDEX_DIR

from tests.test_search_build import build, candidates, copy_root, entry, index_files, load_docs

EXTRA = """---
title: "超特急の量子メモ"
date: 2026-03-01
categories: ["技術メモ"]
tags: ["量子"]
---

# 超特急の量子メモ

短い追記です。
"""


def _ids_of(files: dict[str, bytes], url: str) -> int:
    urls = [unquote(r[0]) for r in load_docs(files)]
    return urls.index(url)


def _holders(files: dict[str, bytes], word: str) -> set[int]:
    ids: set[int] | None = None
    for term in query_terms(word):
        e = entry(files, term)
        got = set(decode_ids(e[0])) if e else set()
        ids = got if ids is None else ids & got
    return ids or set()


def test_links_to_other_posts_are_landmarks_and_not_indexed(make_app, tmp_path: Path) -> None:
    src = copy_root("search", tmp_path / "src")
    (src / "posts" / "2026-03-01-extra.md").write_text(EXTRA, encoding="utf-8")
    app = build(make_app, src)
    out = Path(app.outdir)

    quantum = BeautifulSoup((out / "posts/2026-02-01-quantum-notes.html").read_text("utf-8"), "lxml")
    nav = quantum.select_one("nav.kiji-prev-next")
    assert nav is not None and nav["aria-label"] == "前後の記事"
    assert nav.get("data-pagefind-ignore") == "all"
    assert "超特急の量子メモ" in nav.get_text()  # the newer post
    aside = quantum.select_one("aside.kiji-related-box")
    assert aside is not None and aside["aria-label"] == "関連記事"
    assert aside.get("data-pagefind-ignore") == "all"
    assert [a.get_text() for a in aside.select("a.kiji-post-link")] == ["超特急の量子メモ"]

    home = BeautifulSoup((out / "index.html").read_text("utf-8"), "lxml")
    listing = home.select_one("div.kiji-postlist-box")
    assert listing is not None and listing.get("data-pagefind-ignore") == "all"
    assert len(listing.select("ul.kiji-postlist a.kiji-post-link")) == 3
    tag_page = BeautifulSoup((out / "tags" / "量子.html").read_text("utf-8"), "lxml")
    assert tag_page.select_one("[data-pagefind-ignore] ul.kiji-postlist") is not None

    files = index_files(out)
    # 超特急 is only in the extra post's own text and title: the posts and listings that link to
    # it do not hold it.
    holders = _holders(files, "超特急")
    assert holders == {_ids_of(files, "posts/2026-03-01-extra.html")}
    # A taxonomy page is still found by its name, first.
    assert candidates(files, "量子")[0] == "tags/量子.html"
    assert json.loads(files["manifest.json"])["format"] == 3
    assert (out / INDEX_DIR / "facets.json").is_file()
