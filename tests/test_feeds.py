"""Atom feeds on a built site, parsed with feedparser (and lxml for what feedparser hides)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urljoin

import feedparser
import pytest
from bs4 import BeautifulSoup
from lxml import etree
from sphinx.testing.util import SphinxTestApp

from tests import helpers
from tests.helpers import copy_root

BASE = "https://example.org/ja/latest/"
ATOM = "{http://www.w3.org/2005/Atom}"
# (docname, title, date) newest first: the posts of the test-seo root
POSTS = [
    (
        "posts/2026-04-01-english",
        "Plain English title with a "
        "verylongwordthatcannotbebrokenanywhereatallbecauseithasnospaces",
        "2026-04-01T00:00:00+00:00",
    ),
    (
        "posts/2026-03-01-long-title",
        "「生成AI時代のデータセンター」が電力網と半導体サプライチェーンにもたらす長期的な変化を、"
        "投資家の視点から徹底的に読み解く",
        "2026-03-01T12:00:00+00:00",
    ),
    (
        "posts/2026-02-01-escape",
        '"><script>alert(1)</script> & <b>太字</b> "引用"',
        "2026-02-01T09:00:00+09:00",
    ),
    ("posts/2026-01-17-amazon-ai-chip", "「Amazonの可能性とは？", "2026-01-17T16:38:30+00:00"),
]


def build(rootdir: Path, dest: Path, **overrides) -> SphinxTestApp:
    return helpers.build(copy_root("seo", dest / "src"), dest / "build", **overrides)


@pytest.fixture(scope="module")
def site(rootdir, tmp_path_factory):
    return build(rootdir, tmp_path_factory.mktemp("feeds"))


def parse(app, path: str) -> feedparser.FeedParserDict:
    data = Path(app.outdir, path).read_bytes()
    etree.fromstring(data)  # well-formed XML, or this raises
    feed = feedparser.parse(data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_site_feed(site):
    feed = parse(site, "feed.xml")
    f = feed.feed
    assert f.title == "テスト"
    assert f.id == BASE + "feed.xml"
    links = {link.rel: link.href for link in f.links}
    assert links == {"alternate": BASE + "index.html", "self": BASE + "feed.xml"}
    assert f.language == "ja"
    assert f.author == "テスト編集部"
    # updated is the newest post's date (with its zone), not the time of the build
    assert f.updated == POSTS[0][2]
    assert [e.title for e in feed.entries] == [title for _, title, _ in POSTS]
    for entry, (docname, _, date) in zip(feed.entries, POSTS, strict=True):
        assert entry.link == entry.id == BASE + docname + ".html"
        assert entry.published == entry.updated == date
        assert datetime.fromisoformat(entry.published).tzinfo is not None


def test_entry_fields(site):
    feed = parse(site, "feed.xml")
    sample = feed.entries[3]
    assert sample.author == "ALLFORCES編集部"
    assert sample.summary == "Amazon、AWS向けAIチップ2.5倍高速化について詳細に分析します。"
    terms = [(t.term, t.scheme) for t in sample.tags]
    assert [t for t, _ in terms] == [
        "投資分析",
        "AI",
        "最新ニュース",
        "技術動向",
        "Amazon",
        "投資",
        "チップ",
    ]
    assert all(
        scheme.startswith(BASE + ("categories/" if i == 0 else "tags/"))
        for i, (_, scheme) in enumerate(terms)
    )
    assert BASE + "tags/ai.html" in [s for _, s in terms]
    long = feed.entries[1]
    assert [a.name for a in long.authors] == ["山田", "佐藤"]
    assert long.summary == "要約のない記事です。最初の段落が抜粋になります。"
    assert "content" not in long  # excerpts only unless kiji_feed_full_content


def test_front_matter_values_survive_escaping(site):
    raw = Path(site.outdir, "feed.xml").read_text(encoding="utf-8")
    assert "<script>" not in raw and "<b>" not in raw
    entry = parse(site, "feed.xml").entries[2]
    assert entry.title == POSTS[2][1]
    assert entry.summary == '</script><script>alert(2)</script> & "q" <meta>'
    assert entry.author == "A & B <x@example.org>"
    assert entry.tags[1].term == "<b>tag</b>"


def test_tag_and_category_feeds(site):
    out = Path(site.outdir)
    ai = parse(site, "feed/tags/ai.xml")
    assert ai.feed.title == "タグ: AI — テスト"
    assert {link.rel: link.href for link in ai.feed.links} == {
        "alternate": BASE + "tags/ai.html",
        "self": BASE + "feed/tags/ai.xml",
    }
    assert [e.link for e in ai.entries] == [BASE + d + ".html" for d, _, _ in POSTS[1:]]
    assert ai.feed.updated == POSTS[1][2]
    english = parse(site, "feed/tags/english.xml")
    assert [e.title for e in english.entries] == [POSTS[0][1]]
    category = parse(site, "feed/categories/投資分析.xml")
    assert category.feed.title == "カテゴリ: 投資分析 — テスト"
    assert [e.link for e in category.entries] == [
        BASE + POSTS[1][0] + ".html",
        BASE + POSTS[3][0] + ".html",
    ]
    # one feed per tag page and per category page, nothing for authors
    for kind in ("tags", "categories"):
        pages = {p.stem for p in (out / kind).glob("*.html")} - {"index"}
        feeds = {p.stem for p in (out / "feed" / kind).glob("*.xml")}
        assert pages == feeds and pages
    assert not (out / "feed" / "authors").exists()


def _atom_links(soup: BeautifulSoup) -> dict[str, str]:
    return {
        link["href"]: link["title"]
        for link in soup.head.find_all("link", rel="alternate", type="application/atom+xml")
    }


def test_feeds_are_linked_from_head_and_index_pages(site):
    out = Path(site.outdir)
    for html in (
        "index.html",
        "about.html",
        "posts/2026-01-17-amazon-ai-chip.html",
        "tags/index.html",
        "404.html",
    ):
        soup = BeautifulSoup((out / html).read_text(encoding="utf-8"), "lxml")
        assert _atom_links(soup)[BASE + "feed.xml"] == "テスト", html
    tag = BeautifulSoup((out / "tags/ai.html").read_text(encoding="utf-8"), "lxml")
    assert _atom_links(tag) == {
        BASE + "feed.xml": "テスト",
        BASE + "feed/tags/ai.xml": "タグ: AI — テスト",
    }
    for pagename, soup in (
        ("tags/ai", tag),
        ("index", BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "lxml")),
    ):
        (link,) = soup.select("p.kiji-feed-link a")
        target = unquote(
            urljoin(f"https://x/{pagename}.html", link["href"]).removeprefix("https://x/")
        )
        assert (out / target).is_file(), target
        assert "Atom" in link.get_text()


def test_full_content_and_limit(rootdir, tmp_path):
    app = build(rootdir, tmp_path, kiji_feed_full_content=True, kiji_feed_limit=2)
    feed = parse(app, "feed.xml")
    assert len(feed.entries) == 2
    ai = parse(app, "feed/tags/ai.xml")
    assert [e.title for e in ai.entries] == [POSTS[1][1], POSTS[2][1]]
    escape = ai.entries[1]
    (content,) = escape.content
    assert content.type == "text/html"
    body = BeautifulSoup(content.value, "lxml")
    assert "本文です。" in body.get_text()
    hrefs = [a["href"] for a in body.find_all("a", href=True)]
    assert BASE + "posts/2026-01-17-amazon-ai-chip.html" in hrefs
    assert all(h.startswith(("https://", "#", "mailto:")) for h in hrefs), hrefs
    assert not body.select(".headerlink") and body.find("script") is None
