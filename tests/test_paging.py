"""Listings in pages: tag, category, author and year pages hold ``kiji_listing_page_size`` posts
each, with numbered page links, rel=prev/next, and the count of all posts on every page. The
``test-paging`` root has 5 posts under one tag and a page size of 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import parse_html
from tests.helpers import assert_same_site, build, copy_root, edit, tree

AI_PAGES = ["tags/ai.html", "tags/ai/2.html", "tags/ai/3.html"]


def _titles(page) -> list[str]:
    return [a.get_text() for a in page.select("ul.kiji-postlist a.kiji-post-link")]


@pytest.mark.sphinx("html", testroot="paging")
def test_tag_pages_hold_page_size_posts_with_links(app) -> None:
    app.build()
    out = Path(app.outdir)
    pages = [parse_html(out / p) for p in AI_PAGES]
    assert [_titles(p) for p in pages] == [["記事5", "記事4"], ["記事3", "記事2"], ["記事1"]]
    assert not (out / "tags/ai/4.html").exists()
    for number, page in enumerate(pages, 1):
        assert page.select_one(".kiji-listing-count").get_text() == f"全5件 （{number}/3ページ）"
        nav = page.select_one("nav.kiji-pager")
        assert nav["aria-label"] == "ページ"
        assert nav.select_one('[aria-current="page"]').get_text() == str(number)
        numbered = [a.get_text() for a in nav.select("li:not(.kiji-pager-prev):not(.kiji-pager-next) a")]
        assert numbered == [str(n) for n in (1, 2, 3) if n != number]
        head = {link["rel"][0]: link["href"] for link in page.select("head link[rel=prev], head link[rel=next]")}
        body = {a["rel"][0]: a["href"] for a in nav.select(".kiji-pager-prev a, .kiji-pager-next a")}
        assert head == body
        assert ("prev" in head) == (number > 1) and ("next" in head) == (number < 3)
    # links resolve to the neighbouring pages' files
    assert (out / "tags/ai" / parse_html(out / "tags/ai/2.html").select_one("head link[rel=next]")["href"]).resolve() == (out / "tags/ai/3.html").resolve()
    assert parse_html(out / "tags/ai/2.html").select_one("head link[rel=prev]")["href"] == "../ai.html"
    # a tag with no more than one page has no page links
    few = parse_html(out / "tags/少数.html")
    assert few.select("nav.kiji-pager") == [] and few.select("head link[rel=next]") == []
    assert few.select_one(".kiji-listing-count").get_text() == "全2件"


@pytest.mark.sphinx("html", testroot="paging")
def test_category_author_and_year_pages_are_paginated(app) -> None:
    app.build()
    out = Path(app.outdir)
    for base in ("categories/技術", "authors/山田", "archive/2026"):
        files = [f"{base}.html", f"{base}/2.html", f"{base}/3.html"]
        assert [_titles(parse_html(out / f)) for f in files] == [["記事5", "記事4"], ["記事3", "記事2"], ["記事1"]]
    year2 = parse_html(out / "archive/2026/2.html")
    # a page of the year keeps the month headings of the posts it shows
    assert [h.get_text().rstrip("¶") for h in year2.select("section section h2")] == ["2026年2月", "2026年1月"]
    # the archive's month links go to the page where the month begins
    months = {a.get_text(): a["href"] for a in parse_html(out / "archive/index.html").select(".kiji-archive ul a")}
    assert months == {"2026年3月": "2026.html#m03", "2026年2月": "2026.html#m02", "2026年1月": "2026/2.html#m01"}


@pytest.mark.sphinx("html", testroot="paging")
def test_home_shows_newest_posts_and_a_link_to_the_archive(app) -> None:
    app.build()
    home = parse_html(Path(app.outdir) / "index.html")
    assert _titles(home) == ["記事5", "記事4"]
    assert home.select_one(".kiji-more a")["href"] == "archive/index.html"


@pytest.mark.sphinx("html", testroot="paging", confoverrides={"kiji_listing_page_size": 0})
def test_bad_page_size_warns_and_uses_the_default(app, warning) -> None:
    app.build()
    assert "kiji_listing_page_size = 0" in warning.getvalue()
    assert not (Path(app.outdir) / "tags/ai/2.html").exists()


@pytest.mark.parametrize("parallel", [1, 2])
def test_pages_come_and_go_as_counts_cross_the_page_size(rootdir, tmp_path, parallel) -> None:
    src = copy_root("paging", tmp_path / "src")
    build(src, tmp_path / "inc", parallel=parallel)
    assert (tmp_path / "inc/html/tags/ai/3.html").exists()
    # 記事1 leaves the tag AI: 4 posts, two pages; the third page goes
    edit(src / "posts/2026-01-11-post1.md", "tags: [AI, 少数]", "tags: [少数]")
    build(src, tmp_path / "inc", parallel=parallel)
    assert not (tmp_path / "inc/html/tags/ai/3.html").exists()
    clean = tmp_path / "clean-src"
    shutil.copytree(src, clean)
    build(clean, tmp_path / "clean", parallel=1)
    assert_same_site(tmp_path / "inc/html", tmp_path / "clean/html")
    # and back: the page comes again
    edit(src / "posts/2026-01-11-post1.md", "tags: [少数]", "tags: [AI, 少数]")
    build(src, tmp_path / "inc", parallel=parallel)
    assert (tmp_path / "inc/html/tags/ai/3.html").exists()


def test_parallel_equals_serial(rootdir, tmp_path) -> None:
    src = copy_root("paging", tmp_path / "src")
    build(src, tmp_path / "j1", parallel=1)
    build(src, tmp_path / "j2", parallel=2)
    assert_same_site(tmp_path / "j1/html", tmp_path / "j2/html")
    assert "tags/ai/2.html" in tree(tmp_path / "j2/html")


def test_split_and_page_names() -> None:
    from kiji.sphinx.pagination import Page, head_links, page_name, pages, split

    assert split([], 50) == [[]]  # an empty listing still has its (first) page
    assert split(list(range(5)), 2) == [[0, 1], [2, 3], [4]]
    assert split(list(range(4)), 2) == [[0, 1], [2, 3]]  # 4 posts: no third page
    assert [p.pagename for p, _ in pages("tags/ai", list(range(101)), 50)] == ["tags/ai", "tags/ai/2", "tags/ai/3"]
    assert page_name("archive/2026", 1) == "archive/2026"
    middle = Page(2, 3, "tags/ai/2", "tags/ai")
    assert (middle.prev, middle.next) == ("tags/ai", "tags/ai/3")
    assert Page(1, 1, "tags/ai", "tags/ai").prev is None and Page(1, 1, "tags/ai", "tags/ai").next is None
    # values are escaped by the serializer
    assert head_links('a"b.html', None) == '<link rel="prev" href="a&quot;b.html">'
