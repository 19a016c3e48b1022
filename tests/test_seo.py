"""Social and search-engine metadata on built sites: OpenGraph, JSON-LD, social cards, sitemap,
robots.txt, the 404 page; local builds without a site URL; determinism and incremental builds."""

from __future__ import annotations

import json
import re
import shutil
import socket
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from kiji.core import cards
from kiji.sphinx import seo
from PIL import Image
from sphinx.testing.util import SphinxTestApp

from tests import helpers
from tests.helpers import copy_root, warnings_of
from tests.test_builds import assert_same_site

BASE = "https://example.org/ja/latest/"
SAMPLE = "posts/2026-01-17-amazon-ai-chip"
ESCAPE = "posts/2026-02-01-escape"
LONG = "posts/2026-03-01-long-title"
SAMPLE_TAGS = ["AI", "最新ニュース", "技術動向", "Amazon", "投資", "チップ"]
HOSTILE_TITLE = '"><script>alert(1)</script> & <b>太字</b> "引用"'
HOSTILE_EXCERPT = '</script><script>alert(2)</script> & "q" <meta>'
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def build(
    rootdir: Path, dest: Path, parallel: int = 1, root: str = "seo", **overrides
) -> SphinxTestApp:
    src = dest / "src"
    if not src.exists():
        copy_root(root, src)
    return helpers.build(src, dest / "build", parallel=parallel, **overrides)



def page(app, pagename: str) -> BeautifulSoup:
    return BeautifulSoup(
        (Path(app.outdir) / f"{pagename}.html").read_text(encoding="utf-8"), "lxml"
    )


def metas(soup: BeautifulSoup) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for meta in soup.head.find_all("meta"):
        key = meta.get("property") or meta.get("name")
        if key and meta.has_attr("content"):
            out[key].append(meta["content"])
    return out


@pytest.fixture(scope="module")
def site(rootdir, tmp_path_factory):
    app = build(rootdir, tmp_path_factory.mktemp("seo"))
    assert warnings_of(app) == ""
    return app


# --------------------------------------------------------------------------- posts


def test_post_metadata(site):
    m = metas(page(site, SAMPLE))
    assert m["og:type"] == ["article"]
    assert m["og:title"] == ["「Amazonの可能性とは？"]
    excerpt = "Amazon、AWS向けAIチップ2.5倍高速化について詳細に分析します。"
    assert m["og:description"] == [excerpt]
    assert m["description"] == [excerpt]
    assert m["og:locale"] == ["ja_JP"]
    assert m["og:site_name"] == ["テスト"]
    assert m["og:url"] == [BASE + SAMPLE + ".html"]
    published = datetime.fromisoformat(m["article:published_time"][0])
    assert published.tzinfo is not None and published.isoformat() == "2026-01-17T16:38:30+00:00"
    assert m["article:author"] == ["ALLFORCES編集部"]
    assert m["article:tag"] == SAMPLE_TAGS
    assert m["article:section"] == ["投資分析"]
    assert m["twitter:card"] == ["summary_large_image"]
    # one set of OpenGraph tags: sphinxext-opengraph is off for posts
    assert all(
        len(v) == 1 for k, v in m.items() if k.startswith(("og:", "twitter:", "description"))
    )


def test_post_jsonld(site):
    soup = page(site, SAMPLE)
    (script,) = soup.head.find_all("script", type="application/ld+json")
    data = json.loads(script.string)
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == "「Amazonの可能性とは？"
    assert data["datePublished"] == "2026-01-17T16:38:30+00:00"
    assert data["author"] == [{"@type": "Person", "name": "ALLFORCES編集部"}]
    assert data["keywords"] == SAMPLE_TAGS
    assert data["url"] == BASE + SAMPLE + ".html"


def test_front_matter_values_are_escaped(site):
    soup = page(site, ESCAPE)
    html = (Path(site.outdir) / f"{ESCAPE}.html").read_text(encoding="utf-8")
    head = html.split("</head>")[0]
    assert "<script>alert(" not in html
    assert "<b>" not in head and "<meta>" not in head
    m = metas(soup)
    assert m["og:title"] == [HOSTILE_TITLE]
    assert m["og:image:alt"] == [HOSTILE_TITLE]
    assert m["og:description"] == [HOSTILE_EXCERPT]
    assert m["article:author"] == ["A & B <x@example.org>"]
    assert m["article:tag"] == ["<b>tag</b>", "AI"]
    # JSON-LD: the script element holds exactly one JSON document with the values intact
    (script,) = soup.head.find_all("script", type="application/ld+json")
    assert head.count("</script") == head.count("<script")
    data = json.loads(script.string)
    assert data["headline"] == HOSTILE_TITLE and data["description"] == HOSTILE_EXCERPT


def test_excerpt_from_first_paragraph_and_several_authors(site):
    m = metas(page(site, LONG))
    assert m["og:description"] == ["要約のない記事です。最初の段落が抜粋になります。"]
    assert m["article:author"] == ["山田", "佐藤"]
    assert m["article:published_time"] == ["2026-03-01T12:00:00+00:00"]


def test_other_pages_are_websites(site):
    index = metas(page(site, "index"))
    assert index["og:type"] == ["website"]  # from sphinxext-opengraph
    assert index["og:title"] == ["ようこそ"]
    assert index["og:url"] == [BASE + "index.html"]
    assert index["og:locale"] == ["ja_JP"]
    assert "article:published_time" not in index
    about = metas(page(site, "about"))
    assert about["og:type"] == ["website"] and about["og:title"] == ["このサイトについて"]
    tag = metas(page(site, "tags/ai"))
    assert tag["og:type"] == ["website"]
    assert tag["og:title"] == ["タグ: AI"]
    assert tag["og:url"] == [BASE + "tags/ai.html"]
    assert tag["og:site_name"] == ["テスト"] and tag["og:locale"] == ["ja_JP"]
    assert not [k for k in tag if k.startswith("article:")]
    for tag_page in Path(site.outdir, "tags").glob("*.html"):  # the tag "<b>tag</b>" among them
        assert "<b>" not in tag_page.read_text(encoding="utf-8").split("</head>")[0], tag_page


def test_canonical_links_use_the_site_url(site):
    for pagename in (SAMPLE, "index", "tags/ai", "archive/2026"):
        soup = page(site, pagename)
        assert soup.head.find("link", rel="canonical")["href"] == BASE + pagename + ".html"


# --------------------------------------------------------------------------- social cards


@pytest.fixture(scope="module")
def fonts(site):
    found = seo.card_fonts(site.config)
    if found is None:
        pytest.skip("no CJK font (apt-get install fonts-noto-cjk)")
    return found


def test_social_card_images(site, fonts):
    for pagename in (SAMPLE, ESCAPE, LONG):
        m = metas(page(site, pagename))
        (url,) = m["og:image"]
        assert url.startswith(BASE + seo.CARD_FOLDER + "/") and url.endswith(".png")
        path = Path(site.outdir, url[len(BASE) :])
        with Image.open(path) as img:
            assert img.size == (1200, 630)
            assert len(img.convert("RGB").getcolors(1 << 16)) > 20  # anti-aliased text, not blank
        assert m["og:image:width"] == ["1200"] and m["og:image:height"] == ["630"]
        assert m["og:image:type"] == ["image/png"]
    # one card per post, nothing else in the folder
    assert len(list(Path(site.outdir, seo.CARD_FOLDER).iterdir())) == 4


def test_card_font_draws_japanese(fonts):
    # The face taken from a .ttc is the Japanese one, and kana and kanji are real glyphs.
    assert cards.draws_japanese(fonts.bold) and cards.draws_japanese(fonts.regular)
    font = cards.load_font(fonts.bold.path, fonts.bold.index, 40)
    masks = {bytes(font.getmask(ch)) for ch in "漢字仮名カナ"}
    assert len(masks) == 6
    if fonts.bold.path.endswith(".ttc") and "CJK" in fonts.bold.name:
        assert "JP" in fonts.bold.name  # Noto Sans CJK JP, not its SC/TC/KR faces


def test_fonts_are_found_without_fontconfig(fonts, monkeypatch):
    # macOS, Windows or a minimal container: no fc-match; the font folders are scanned instead.
    monkeypatch.setattr(cards.shutil, "which", lambda name: None)
    assert cards._fc_match("Noto Sans CJK JP") is None
    found = cards._by_scanning()
    assert found is not None and cards.draws_japanese(found.bold)
    if "CJK" in found.bold.name:
        assert "JP" in found.bold.name and "Bold" in found.bold.name


def test_card_rendering_is_deterministic_and_fast(fonts):
    card = cards.Card(
        title="「Amazonの可能性とは？",
        site_name="テスト",
        date="2026年1月17日",
        authors=("ALLFORCES編集部",),
        tags=tuple(SAMPLE_TAGS),
        url_text="example.org/ja/latest",
    )
    first = cards.render(card, fonts)
    start = time.perf_counter()
    for _ in range(5):
        assert cards.render(card, fonts) == first
    per_card = (time.perf_counter() - start) / 5
    assert per_card < 0.25, per_card  # ~10-20 ms on a laptop core; generous for loaded CI


KINSOKU_TITLES = [
    "これは、とても長い日本語のタイトルで「括弧」や句読点。を含みます。ちゃんと折り返されるでしょうか？",
    "「生成AI時代のデータセンター」が電力網と半導体サプライチェーンにもたらす長期的な変化を、投資家の視点から読み解く",
    "ニュース（速報）、チェック・リスト……ショッピング！ッァィ。」",
    "Supercalifragilisticexpialidocious and other long English words in a title",
]


@pytest.mark.parametrize("title", KINSOKU_TITLES)
@pytest.mark.parametrize("max_width", [300, 520, 1040])
def test_wrap_follows_kinsoku(fonts, title, max_width):
    font = cards.load_font(fonts.bold.path, fonts.bold.index, 60)
    lines = cards.wrap(title, font.getlength, max_width)
    assert "".join(lines).replace(" ", "") == title.replace(" ", "")  # nothing lost
    for n, line in enumerate(lines):
        if n:
            assert line[0] not in cards.NO_START, lines
        if n < len(lines) - 1:
            assert line[-1] not in cards.NO_END, lines
        overflow = font.getlength(line) - max_width
        # Only a hanging 、。 may pass the margin, or a line with no allowed break at all (one
        # long word, or a run of closing marks and small kana).
        parts = cards.units(line)
        unbreakable = not any(cards.may_break(a, b) for a, b in zip(parts, parts[1:], strict=False))
        assert overflow <= 0 or line[-1] in cards.HANGING or unbreakable, (line, overflow)
    # Latin words are not cut when they fit on a line
    for word in re.findall(r"[A-Za-z]+", title):
        if font.getlength(word) <= max_width:
            assert any(word in line for line in lines), (word, lines)


def test_wrap_breaks_japanese_without_spaces(fonts):
    font = cards.load_font(fonts.bold.path, fonts.bold.index, 68)
    lines = cards.wrap(KINSOKU_TITLES[1], font.getlength, 1040)
    assert "".join(lines) == KINSOKU_TITLES[1] and len(lines) == 4
    # lines are filled (no early break for want of spaces), and none runs past the margin
    assert all(1040 - 2 * 68 <= font.getlength(line) <= 1040 for line in lines[:-1]), lines


# --------------------------------------------------------------------------- sitemap, robots, 404


def test_sitemap(site):
    root = ET.parse(Path(site.outdir, "sitemap.xml")).getroot()
    assert root.tag == f"{SM}urlset"
    locs = [u.findtext(f"{SM}loc") for u in root.findall(f"{SM}url")]
    assert locs == sorted(locs) and len(locs) == len(set(locs))
    assert all(loc.startswith(BASE) for loc in locs)
    paths = {loc[len(BASE) :] for loc in locs}
    for expected in (
        "index.html",
        "about.html",
        SAMPLE + ".html",
        "tags/ai.html",
        "tags/index.html",
        "categories/%E6%8A%95%E8%B3%87%E5%88%86%E6%9E%90.html",
        "archive/2026.html",
    ):
        assert expected in paths, expected
    for excluded in ("search.html", "genindex.html", "404.html"):
        assert excluded not in paths
    lastmod = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in root.findall(f"{SM}url")}
    assert lastmod[BASE + SAMPLE + ".html"] == "2026-01-17T16:38:30+00:00"
    assert lastmod[BASE + "index.html"] is None


def test_robots_txt(site):
    text = Path(site.outdir, "robots.txt").read_text(encoding="ascii")
    assert "User-agent: *" in text
    assert re.search(r"^Sitemap: https://example\.org/ja/latest/sitemap\.xml$", text, re.M)


def test_404_page(site):
    soup = page(site, "404")
    assert soup.html["lang"] == "ja"
    assert metas(soup)["robots"] == ["noindex"]
    assert soup.head.find("link", rel="canonical") is None
    assets = [link["href"] for link in soup.find_all("link", rel="stylesheet")]
    assets += [s["src"] for s in soup.find_all("script", src=True)]
    assert assets and all(a.startswith("/ja/latest/_static/") for a in assets), assets
    feed = soup.head.find("link", type="application/atom+xml")
    assert feed["href"] == BASE + "feed.xml"


# --------------------------------------------------------------------------- local builds


def test_local_build_works_offline_with_relative_urls(rootdir, tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("network access in a local build")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    app = build(rootdir, tmp_path, html_baseurl="", notfound_urls_prefix="/")
    out = Path(app.outdir)
    assert warnings_of(app) == ""
    assert "no site URL" in app.status.getvalue()
    for name in ("sitemap.xml", "robots.txt", "feed.xml", "feed"):
        assert not (out / name).exists(), name
    soup = page(app, SAMPLE)
    assert soup.head.find("link", rel="canonical") is None
    m = metas(soup)
    assert m["og:url"] == [SAMPLE + ".html"]
    assert all(url.startswith(seo.CARD_FOLDER + "/") for url in m["og:image"])
    assert soup.head.find("link", type="application/atom+xml") is None
    assert metas(page(app, "index"))["og:url"] == ["index.html"]


# --------------------------------------------------------------------------- determinism


def test_parallel_and_repeated_builds_are_identical(rootdir, tmp_path):
    build(rootdir, tmp_path / "a")
    shutil.copytree(tmp_path / "a" / "src", tmp_path / "b" / "src")
    build(rootdir, tmp_path / "b", parallel=2)
    shutil.copytree(tmp_path / "a" / "src", tmp_path / "c" / "src")
    build(rootdir, tmp_path / "c")
    a, b, c = (tmp_path / x / "build" / "html" for x in "abc")
    assert_same_site(a, b)
    assert_same_site(a, c)
    assert (
        (a / "feed.xml").is_file()
        and (a / "sitemap.xml").is_file()
        and any((a / seo.CARD_FOLDER).iterdir())
    )


def test_incremental_builds_rewrite_only_what_changed(rootdir, tmp_path):
    build(rootdir, tmp_path)
    out = tmp_path / "build" / "html"
    kept = [
        "sitemap.xml",
        "robots.txt",
        "feed.xml",
        "feed/tags/ai.xml",
        "投資分析/2026/01/17/amazon-ai-chip.html",
        *(p.relative_to(out).as_posix() for p in (out / seo.CARD_FOLDER).iterdir()),
    ]
    before = {name: (out / name).stat().st_mtime_ns for name in kept}
    time.sleep(0.05)
    build(rootdir, tmp_path)  # nothing changed
    assert {name: (out / name).stat().st_mtime_ns for name in kept} == before

    # A new title: a new card for that post only, the old one removed; the same as a clean build.
    post = tmp_path / "src" / f"{LONG}.md"
    post.write_text(
        post.read_text(encoding="utf-8").replace("徹底的に読み解く", "読み解く"), encoding="utf-8"
    )
    cards_before = set((out / seo.CARD_FOLDER).iterdir())
    build(rootdir, tmp_path)
    cards_after = set((out / seo.CARD_FOLDER).iterdir())
    assert len(cards_after) == len(cards_before) and len(cards_after - cards_before) == 1
    assert (out / "sitemap.xml").stat().st_mtime_ns == before["sitemap.xml"]
    assert (out / "feed/tags/ai.xml").stat().st_mtime_ns != before["feed/tags/ai.xml"]
    shutil.copytree(tmp_path / "src", tmp_path / "clean" / "src")
    build(rootdir, tmp_path / "clean")
    assert_same_site(out, tmp_path / "clean" / "build" / "html")


def test_bad_settings_warn_and_fall_back(rootdir, tmp_path):
    app = build(
        rootdir,
        tmp_path,
        root="redirects",
        kiji_site_url="example.org/no-scheme",
        kiji_feed_limit=0,
        kiji_feed_kinds=["tag", "nope"],
        kiji_jekyll_permalink="weird",
        kiji_card_colors={"ink": "not a colour"},
    )
    log = warnings_of(app)
    for name in (
        "kiji_site_url",
        "kiji_feed_limit",
        "kiji_feed_kinds",
        "kiji_jekyll_permalink",
        "kiji_card_colors",
    ):
        assert re.search(rf"WARNING: {name} = .*\[kiji\.config\]", log), (name, log)
    # the build goes on with the fallbacks: html_baseurl, Jekyll's date permalinks
    feed = Path(app.outdir, "feed.xml").read_text(encoding="utf-8")
    assert "<id>https://example.org/ja/latest/feed.xml</id>" in feed
    assert Path(app.outdir, "投資分析/2026/01/17/amazon-ai-chip.html").is_file()
