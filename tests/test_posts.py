"""Posts become pages: every front matter form, and every kind of bad input, on real builds."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.helpers import warnings_of

SAMPLE_TAGS = ["AI", "最新ニュース", "技術動向", "Amazon", "投資", "チップ"]



def warning_lines(app, filename: str) -> list[str]:
    return [line for line in warnings_of(app).splitlines() if filename in line]


# --------------------------------------------------------------------------- the sample post


@pytest.mark.sphinx("html", testroot="posts")
def test_sample_post_page(app, soup):
    app.build()
    page = soup(app, "posts/2026-01-17-amazon-ai-chip")
    assert page.html["lang"] == "ja"
    assert page.title.get_text().startswith("「Amazonの可能性とは？")
    h1 = page.find_all("h1")
    assert [h.get_text().strip("¶ ") for h in h1] == ["「Amazonの可能性とは？"]
    header = page.select_one(".kiji-post-header")
    time = header.find("time")
    assert time.get_text() == "2026年1月17日"
    assert time["datetime"] == "2026-01-17T16:38:30+00:00"
    assert [a.get_text() for a in header.select("a.kiji-author")] == ["ALLFORCES編集部"]
    assert [a.get_text() for a in header.select("a.kiji-category")] == ["投資分析"]
    assert [a.get_text() for a in header.select("a.kiji-tag")] == SAMPLE_TAGS
    assert "読了時間 約8分" in header.get_text()
    desc = page.find("meta", attrs={"name": "description"})
    assert desc["content"] == "Amazon、AWS向けAIチップ2.5倍高速化について詳細に分析します。"
    body = page.select_one("div.body").get_text()
    # every word of the body, including what follows the ---END--- markers
    assert "NVIDIA一強の時代が終わるのか" in body
    assert "未来は、私たちの手の中にあります。" in body
    assert body.count("---END---") == 2
    assert "layout" not in page.select_one(".kiji-post-header").get_text()


@pytest.mark.sphinx("html", testroot="posts")
def test_field_forms(app, soup):
    app.build()
    forms = soup(app, "posts/2026-02-01-yaml-forms").select_one(".kiji-post-header")
    assert forms.find("time")["datetime"] == "2026-02-01T09:30:00+09:00"
    assert forms.find("time").get_text() == "2026年2月1日"
    # `tag:` as a string is split on white space; ＡＩ is the tag AI
    assert [a.get_text() for a in forms.select("a.kiji-tag")] == ["データセンター", "AI", "GPU"]
    assert [a.get_text() for a in forms.select("a.kiji-category")] == ["技術解説"]
    assert [a.get_text() for a in forms.select("a.kiji-author")] == ["山田", "佐藤"]

    fname = soup(app, "posts/2026-3-5-filename-date")
    header = fname.select_one(".kiji-post-header")
    assert header.find("time")["datetime"] == "2026-03-05T00:00:00+00:00"  # from the file name
    assert [a.get_text() for a in header.select("a.kiji-category")] == ["技術解説", "投資分析"]
    # the excerpt falls back to the first paragraph, as plain text
    assert fname.find("meta", attrs={"name": "description"})["content"] == (
        "日付はファイル名から取ります。二つめの段落ではありません。"
    )

    toml = soup(app, "posts/2026-04-01-toml").select_one(".kiji-post-header")
    assert toml.find("time")["datetime"] == "2026-04-01T12:00:00+00:00"
    assert [a.get_text() for a in toml.select("a.kiji-tag")] == ["AI", "TOML"]

    dateonly = soup(app, "posts/sub/2026-05-05-date-only").select_one(".kiji-post-header")
    assert dateonly.find("time")["datetime"] == "2026-05-05T00:00:00+00:00"
    # Ai, ai, AI, ＡＩ are one tag, shown in its most common spelling
    ai = [a for a in dateonly.select("a.kiji-tag") if a.get_text().casefold() == "ai"]
    assert ai[0].get_text() == "AI"
    assert ai[0]["href"] == "../../tags/ai.html"


@pytest.mark.sphinx("html", testroot="posts")
def test_posts_build_without_warnings_and_roles(app, soup):
    app.build()
    assert warnings_of(app) == ""
    index = soup(app, "index")
    links = {a.get_text(): a["href"] for a in index.select("div.body a.reference")}
    assert links["AI"] == "tags/ai.html"
    assert links["投資分析"] == "categories/投資分析.html" or links["投資分析"].startswith("categories/")
    assert links["「Amazonの可能性とは？"] == "posts/2026-01-17-amazon-ai-chip.html"
    listed = [a.get_text() for a in index.select("ul.kiji-postlist a.kiji-post-link")]
    assert listed == ["日付だけの記事", "TOML の記事", "ファイル名の日付"]  # newest first, limit 3


# --------------------------------------------------------------------------- hostile input


def _write_binary_fixtures(srcdir: Path) -> None:
    posts = srcdir / "posts"
    text = "---\ntitle: {t}\ndate: 2026-02-0{d}\ntags: [符号]\n---\n\n{t}の本文です。\n"
    (posts / "h01-bom.md").write_bytes(b"\xef\xbb\xbf" + text.format(t="BOM付き", d=1).encode())
    (posts / "h02-crlf.md").write_bytes(text.format(t="改行CRLF", d=2).replace("\n", "\r\n").encode())
    (posts / "h03-cp932.md").write_bytes(text.format(t="シフトJIS", d=3).encode("cp932"))
    (posts / "h04-utf16.md").write_bytes(text.format(t="ユーティーエフ16", d=4).encode("utf-16"))
    (posts / "h05-empty.md").write_bytes(b"")
    (posts / "h29-nul.md").write_bytes(text.format(t="ヌル", d=5).encode() + b"\x00\xff\xfe end\n")


@pytest.fixture
def hostile(make_app, rootdir, sphinx_test_tempdir):
    import shutil

    def build(**kwargs):
        srcdir = Path(sphinx_test_tempdir) / "hostile-src"
        if srcdir.exists():
            shutil.rmtree(srcdir)
        shutil.copytree(rootdir / "test-hostile", srcdir)
        _write_binary_fixtures(srcdir)
        app = make_app("html", srcdir=srcdir, **kwargs)
        app.build()
        return app

    return build


EXPECTED = [
    # (file, line, subtype, message fragment)
    ("h03-cp932.md", 1, "encoding", "Shift_JIS"),
    ("h04-utf16.md", 1, "encoding", "UTF-16"),
    ("h05-empty.md", 1, "frontmatter", "empty"),
    ("h06-invalid-yaml.md", 3, "frontmatter", "invalid YAML"),
    ("h07-list-frontmatter.md", 2, "frontmatter", "is a list"),
    ("h08-scalar-frontmatter.md", 2, "frontmatter", "is a str"),
    ("h09-unclosed.md", 1, "frontmatter", "never closed"),
    ("h10-dots-close.md", 4, "frontmatter", "'...'"),
    ("h11-no-title-heading.md", 1, "title", "'本文の見出し'"),
    ("2026-01-04-no-title-at-all.md", 1, "title", "'no title at all'"),
    ("h13-bad-date.md", 3, "date", "is not a date"),
    ("h14-wrong-types.md", 2, "field", "'title' is a int"),
    ("h14-wrong-types.md", 4, "field", "not a name"),
    ("h14-wrong-types.md", 5, "field", "'categories' is a mapping"),
    ("h14-wrong-types.md", 7, "field", "reading_time"),
    ("h14-wrong-types.md", 8, "field", "'published' should be true or false"),
    ("h21-no-frontmatter.md", 1, "frontmatter", "no front matter"),
    ("h28-unclosed-fence.md", 3, "frontmatter", "invalid YAML"),
    ("h29-nul.md", 8, "encoding", "U+FFFD"),
    ("h30-roles.md", 7, "reference", "unknown tag 'ない'"),
    ("h30-roles.md", 7, "reference", "unknown post '2099-01-01-nothing'"),
    ("h30-roles.md", 7, "reference", "unknown author '誰か'"),
]


def test_hostile_inputs_warn_with_location_and_keep_bodies(hostile, soup):
    app = hostile()
    log = warnings_of(app)
    for filename, line, subtype, fragment in EXPECTED:
        matches = [
            w for w in warning_lines(app, f"posts/{filename}:{line}:") if f"[kiji.{subtype}]" in w
        ]
        assert any(fragment in w for w in matches), (filename, line, subtype, fragment, log)
    # A BOM, CRLF line endings and a title another post has render as meant: no build warning
    # (make lint reports them).
    for quiet in ("h01-bom.md", "h02-crlf.md", "h15-same-title-a.md", "h16-same-title-b.md"):
        assert not [w for w in log.splitlines() if quiet in w], quiet
    assert "two posts have the title" not in log
    for docname in ("h01-bom", "h02-crlf", "h15-same-title-a", "h16-same-title-b"):
        assert (Path(app.outdir) / "posts" / f"{docname}.html").is_file()
    bodies = {
        "h01-bom": "BOM付きの本文です。",
        "h02-crlf": "改行CRLFの本文です。",
        "h03-cp932": "シフトJISの本文です。",
        "h04-utf16": "ユーティーエフ16の本文です。",
        "h06-invalid-yaml": "壊れたYAMLの本文です。",
        "h07-list-frontmatter": "リストのフロントマターの本文。",
        "h08-scalar-frontmatter": "スカラーのフロントマターの本文。",
        "h09-unclosed": "閉じていないフロントマターの本文。",
        "h10-dots-close": "ドットで閉じた本文。",
        "h11-no-title-heading": "見出しから題名を取る本文。",
        "2026-01-04-no-title-at-all": "見出しもない本文。",
        "h13-bad-date": "日付が不正な本文。",
        "h14-wrong-types": "型が違う本文。",
        "h17-markup-title": "マークアップの題名の本文。",
        "h18-fence-injection": "フェンス注入の本文。",
        "h19-script": "スクリプトの本文。",
        "h20-empty-frontmatter": "空のフロントマターの本文。",
        "h21-no-frontmatter": "フロントマターのない本文。",
        "h25-path-names": "危ない名前の本文。",
        "h26-long-tag": "長いタグの本文。",
        "h27-thematic-breaks": "終わりの後。",
        "h28-unclosed-fence": 'print("fence")',
        "h29-nul": "ヌルの本文です。",
    }
    for docname, text in bodies.items():
        page = soup(app, f"posts/{docname}")
        assert text in page.select_one("div.body").get_text(), docname
    roles = soup(app, "posts/h30-roles").select_one("div.body")
    exists = next(p for p in roles.find_all("p") if p.get_text().startswith("存在するタグ"))
    assert [a.get_text() for a in exists.select("a.reference")] == ["参照"]
    assert unquote(exists.a["href"]) == "../tags/参照.html"
    assert "存在しないタグ ない と記事 2099-01-01-nothing" in roles.get_text()
    # the empty file is still a page
    assert (Path(app.outdir) / "posts/h05-empty.html").exists()
    # titles: decoded, from the heading, from the file name
    assert soup(app, "posts/h03-cp932").find("h1").get_text().strip("¶ ") == "シフトJIS"
    assert soup(app, "posts/h11-no-title-heading").find("h1").get_text().strip("¶ ") == "本文の見出し"
    assert soup(app, "posts/2026-01-04-no-title-at-all").find("h1").get_text().strip("¶ ") == "no title at all"
    assert soup(app, "posts/h14-wrong-types").find("h1").get_text().strip("¶ ") == "12345"
    # h09: the unclosed block is shown as text, nothing lost
    assert "title: 閉じていない" in soup(app, "posts/h09-unclosed").select_one("div.body").get_text()


def test_hostile_values_never_inject_markup(hostile, soup):
    app = hostile()
    markup = soup(app, "posts/h17-markup-title")
    assert markup.find("h1").get_text().strip("¶ ") == "**x** <b>y</b> [l](u) # z"
    assert markup.select_one("div.body b") is None
    assert markup.title.get_text().startswith("**x** <b>y</b> [l](u) # z")
    assert [a.get_text() for a in markup.select("a.kiji-tag")] == ["<b>bold</b>", "[l](u)"]

    fence = soup(app, "posts/h18-fence-injection")
    body = fence.select_one("div.body")
    assert body.find("script") is None
    assert fence.select_one("div.admonition") is None
    assert "```{raw} html" in fence.find("h1").get_text()  # one line, literal
    assert [a.get_text() for a in fence.select("a.kiji-tag")] == ["```", ":::{note}", "{tag}`x`"]
    assert fence.select_one("a.kiji-author").get_text() == "名前 # 見出し"

    script = soup(app, "posts/h19-script")
    html = (Path(app.outdir) / "posts/h19-script.html").read_text(encoding="utf-8")
    assert script.select_one("div.body script") is None
    assert "<script>alert(" not in html
    assert script.find("h1").get_text().strip("¶ ") == "<script>alert('title')</script>"
    assert script.find("meta", attrs={"name": "description"})["content"] == (
        "\"><script>alert('excerpt')</script>"
    )
    for a in script.select("a.kiji-tag, a.kiji-category, a.kiji-author"):
        assert set(a.attrs) <= {"class", "href", "title"}


def test_hostile_names_stay_inside_the_output(hostile, soup):
    app = hostile()
    outdir = Path(app.outdir).resolve()
    page = soup(app, "posts/h25-path-names")
    hrefs = [a["href"] for a in page.select(".kiji-post-header a")]
    assert len(set(hrefs)) == len(hrefs)  # C++, C#, c: distinct URLs
    for href in hrefs:
        target = (outdir / "posts" / unquote(href.split("#")[0])).resolve()
        assert target.is_relative_to(outdir), href
        assert target.exists(), href
        assert target.name not in {"index.html", "search.html", "genindex.html"}
    for html in outdir.rglob("*.html"):
        assert len(html.name.encode()) < 200
    assert not (outdir.parent / "x.html").exists()
    long = soup(app, "posts/h26-long-tag").select_one("a.kiji-tag")
    assert long.get_text() == "とても長いタグ" * 25


def test_drafts_unpublished_and_future_posts_are_skipped(hostile):
    app = hostile()
    out = Path(app.outdir)
    for name in ("h22-draft", "h23-unpublished", "h24-future"):
        assert not (out / f"posts/{name}.html").exists(), name
    status = app.status.getvalue()
    assert "skipped draft post posts/h22-draft.md" in status
    assert "skipped draft post posts/h23-unpublished.md" in status
    assert "skipped future post posts/h24-future.md" in status


def test_drafts_and_future_can_be_shown(hostile):
    app = hostile(confoverrides={"kiji_show_drafts": True, "kiji_show_future": True})
    out = Path(app.outdir)
    for name in ("h22-draft", "h23-unpublished", "h24-future"):
        assert (out / f"posts/{name}.html").exists(), name


def test_suppress_warnings_and_strict_mode(hostile, make_app, rootdir, sphinx_test_tempdir):
    app = hostile(confoverrides={"suppress_warnings": ["kiji"]})
    assert "[kiji." not in warnings_of(app)
    app = hostile(confoverrides={"suppress_warnings": ["kiji.encoding"]})
    assert "[kiji.encoding]" not in warnings_of(app)
    assert "[kiji.date]" in warnings_of(app)


@pytest.mark.sphinx("html", testroot="posts")
def test_hand_written_post_directive(app, soup):
    app.build()
    page = soup(app, "handwritten")
    assert [h.get_text().strip("¶ ") for h in page.find_all("h1")] == ["手書きの記事"]
    header = page.select_one(".kiji-post-header")
    assert header.find("time")["datetime"] == "2025-12-01T10:00:00+09:00"
    assert [a.get_text() for a in header.select("a.kiji-tag")] == ["手書き", "AI"]
    assert [a.get_text() for a in header.select("a.kiji-author")] == ["佐藤"]
    assert page.find("meta", attrs={"name": "description"})["content"] == "ディレクティブを手で書いたページです。"
    assert "手で書いた本文です。" in page.select_one("div.body").get_text()
    tag_page = soup(app, "tags/手書き")
    assert [a.get_text() for a in tag_page.select("a.kiji-post-link")] == ["手書きの記事"]
