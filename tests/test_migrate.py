"""Jekyll posts built as they are: Liquid, kramdown, HTML habits, suffixes, file names, folders.

Each root is built once per module (a build takes seconds); the tests read its HTML with
BeautifulSoup and its warnings from the log.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from tests import helpers
from tests.helpers import warning_lines

from .conftest import parse_html


def _build(src: Path, out: Path, **kwargs) -> SphinxTestApp:
    overrides = kwargs.pop("confoverrides", None) or {}
    return helpers.build(src, out, **kwargs, **overrides)


def _page(app: SphinxTestApp, name: str) -> BeautifulSoup:
    return parse_html(Path(app.outdir) / f"{name}.html")


def _body(app: SphinxTestApp, name: str):
    return _page(app, name).select_one("div.body")


def _paragraphs(body) -> list[str]:
    """The body's own paragraphs (not those of the post header, lists or raw HTML)."""
    return [p.get_text() for p in body.select("div.body > section > p")]


@pytest.fixture(scope="module")
def site(rootdir, tmp_path_factory):
    src = tmp_path_factory.mktemp("jekyll") / "src"
    shutil.copytree(rootdir / "test-jekyll", src)
    return _build(src, src.parent / "build")


# --------------------------------------------------------------------------- warnings

EXPECTED = {
    # (file, line, subtype, fragment): every warning of the root, nothing else. Liquid runs as in
    # Jekyll, code included: what Jekyll renders empty warns where the author can fix it.
    ("2019-03-01-liquid.md", 11, "liquid", "'not_liquid' is undefined"),
    ("2019-03-01-liquid.md", 29, "liquid", "{% include toc.html %}: no such file"),
    ("2019-03-01-liquid.md", 29, "liquid", "'unknown_var' is undefined"),
    ("2019-03-01-liquid.md", 35, "liquid", "{% post_url 2000-01-01-missing %}: no such post"),
    ("2019-03-01-liquid.md", 37, "liquid", "'inline_code' is undefined"),
    ("2019-03-01-liquid.md", 43, "liquid", "'indented_code' is undefined"),
    ("2019-03-02-kramdown.md", 10, "kramdown", 'title="題"'),
    ("2019-03-02-kramdown.md", 20, "kramdown", 'target="_blank"'),
    ("2019-03-02-kramdown.md", 20, "kramdown", "{:.orphan} follows no element"),
    ("2019-03-02-kramdown.md", 26, "kramdown", "{::options parse_block_html"),
    ("2019-03-02-kramdown.md", 28, "kramdown", "{:refdef: …}"),
    ("2019-03-02-kramdown.md", 30, "kramdown", "*[HTML]"),
    ("2019-06-01-bad-date.md", 3, "date", "'いつか' is not a date"),
}


def test_every_warning_is_located_and_expected(site):
    found = set()
    for line in warning_lines(site):
        m = re.search(r"posts/([^:]+):(\d+): WARNING: (.*) \[kiji\.(\w+)\]$", line)
        assert m, line  # nothing but located kiji warnings
        fragment = next(
            (
                f
                for (name, ln, sub, f) in EXPECTED
                if (name, ln, sub) == (m.group(1), int(m.group(2)), m.group(4)) and f in m.group(3)
            ),
            None,
        )
        assert fragment is not None, line
        found.add((m.group(1), int(m.group(2)), m.group(4), fragment))
    assert found == EXPECTED


# --------------------------------------------------------------------------- Liquid


def test_liquid_highlight_raw_and_code(site):
    """Jekyll's output: Liquid runs everywhere, code included; only {% raw %} keeps it."""
    body = _body(site, "posts/2019-03-01-liquid")
    blocks = body.select("div.highlight-ruby, div.highlight-python, div.highlight-liquid")
    ruby, python, liquid = (b.select_one("pre").get_text() for b in blocks)
    assert len(body.select("div.highlight-ruby span.linenos")) == 3  # linenos
    assert 'puts ""' in ruby  # an undefined variable renders empty, in code too
    assert python.strip() == 'print("{{ raw_in_code }}")'  # {% raw %} keeps it
    assert liquid.strip() == ""  # {% if user %} with no user: nothing, as Jekyll gives
    assert not body.select("div.highlight-none")  # the indented code line rendered empty
    paragraphs = _paragraphs(body)
    assert "生のまま: {{ page.title }} と {% include kept.html %}" in paragraphs
    assert "と  と 2019 と 。" in paragraphs  # include missing, assign silent, date filter run
    assert [li.get_text() for li in body.select("ul.simple li")] == ["Liquid"]  # the for loop
    assert "[ない記事]({% post_url 2000-01-01-missing %})" in paragraphs
    codes = [c.get_text() for c in body.select("code.literal")]
    assert codes == ["{{ escaped }}"]
    assert "この段落は" not in body.get_text()  # {% comment %} hides, as in Jekyll
    assert "{% comment %}" not in body.get_text()


def test_liquid_variables_resolve_from_configuration_and_post(site):
    body = _body(site, "posts/2019-03-01-liquid")
    first = body.select_one("div.body > section > p")
    # site.url is html_baseurl without kiji_baseurl; the title is Markdown, as Jekyll renders
    # Liquid before kramdown
    assert (
        first.get_text()
        == "題名は「Liquid の記事 星」、サイトは 移行テスト、URL は https://example.org/blog/ です。"
    )
    assert first.find("em").get_text() == "星"
    feed = body.select_one("p.html-link a[href$='feed.xml']")
    assert feed["href"] == "https://example.org/feed.xml"  # {{ site.url }} is the origin


def test_post_url_and_link_are_working_links(site):
    out = Path(site.outdir)
    body = _body(site, "posts/2019-03-01-liquid")
    links = {a.get_text(): a["href"] for a in body.select("a.reference")}
    assert links["前の記事"] == "2019-01-07-hello.html"
    assert links["サブ"] == "2019/2019-02-01-sub.html"
    assert links["固定ページ"] == "../about.html"
    assert (
        links["こんにちは"] == "2019-01-07-hello.html"
    )  # bare {% post_url %} (no zero padding): the title
    assert body.select_one("p.html-link a")["href"] == "2019-01-07-hello.html"  # inside raw HTML
    for href in [*links.values(), body.select_one("p.html-link a")["href"]]:
        assert (out / "posts" / unquote(href)).resolve().is_file(), href


def test_conversion_can_be_turned_off(rootdir, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-jekyll", src)
    for path in (src / "posts").glob("2019-0[4-6]*"):
        path.unlink()  # keep the build small
    app = _build(src, tmp_path / "out", confoverrides={"kiji_jekyll": False})
    body = _body(app, "posts/2019-03-01-liquid").get_text()
    assert "{% highlight ruby linenos %}" in body
    assert not [w for w in warning_lines(app) if "kiji.liquid" in w or "kiji.kramdown" in w]


# --------------------------------------------------------------------------- kramdown


def test_kramdown_attribute_lists_become_ids_and_classes(site):
    page = _page(site, "posts/2019-03-02-kramdown")
    body = page.select_one("div.body")
    para = body.select_one("p#para-id")
    assert para.get_text() == "属性つきの段落です。" and "note-class" in para["class"]
    assert body.select_one("p.before-class").get_text() == "前に属性を書いた段落です。"
    assert body.select_one("section#custom-heading h2").get_text().strip("¶") == "見出しの ID"
    after = body.select_one("section#after-heading")
    assert "toc-class" in after["class"]
    assert body.select_one("em.em-class").get_text() == "強調"
    assert (
        body.select_one("a.reference.external[href='https://example.com']").get_text() == "リンク"
    )
    assert (
        body.select_one("div.highlight-ruby pre").get_text().strip() == "code"
    )  # {: .language-ruby}
    text = body.get_text()
    assert "{:" not in text and "kiji-attrs" not in str(body)
    # the headings' ids are the anchors, in the page and in its table of contents
    assert page.select_one("section#custom-heading a.headerlink")["href"] == "#custom-heading"


def test_kramdown_toc_comments_nomarkdown_and_block_ends(site):
    body = _body(site, "posts/2019-03-02-kramdown")
    toc = body.select_one("nav.contents")
    assert [a.get_text() for a in toc.select("a")] == ["見出しの ID", "後ろの属性"]
    text = body.get_text()
    assert "隠されるコメント" not in text and "目次" not in text.replace(toc.get_text(), "")
    assert body.select_one("span.nomd").get_text() == "**そのまま**"  # raw HTML, not Markdown
    paragraphs = [p.get_text() for p in body.find_all("p")]
    assert "段落 A" in paragraphs and "段落 B" in paragraphs  # ^ ends a block
    assert "Hyper Text" not in text and "refdef" not in text


# --------------------------------------------------------------------------- HTML and Markdown


def test_vim_keys_indented_code_reference_links_and_raw_html(site):
    body = _body(site, "posts/2019-03-03-markdown")
    first = body.select_one("div.body > section > p")
    assert (
        first.get_text()
        == "Vim では <Esc> で戻り、<C-w>w で窓を移り、<Leader>f や <CR> も使います。Ctrl はそのまま。"
    )
    assert first.find("kbd").get_text() == "Ctrl"
    assert body.find("p", string="<Esc>") is not None
    assert body.find("esc") is None
    code = body.select_one("div.highlight-none pre").get_text()
    assert code == '$ echo "{{ x }}"\n<b>not html</b>\n'
    refs = {a.get_text(): a["href"] for a in body.select("a.reference.external")}
    assert refs == {
        "参照リンク": "https://example.com/ref",
        "省略形": "https://example.com/short",
        "ref": "https://example.com/ref",
    }
    box = body.select_one("div.raw-box")
    assert [p.get_text() for p in box.find_all("p")] == [
        "一段落め",
        "インデントされた HTML",
        "*強調にならない*",
    ]
    assert box.find("pre") is None  # the indented HTML after a blank line is still HTML
    assert body.select_one("div strong").get_text() == "Markdown として読む"  # markdown="1"


def test_jekyll_suffixes_are_posts(site):
    for name, text in {
        "2019-04-01-mkdn": "拡張子 mkdn の本文。",
        "2019-04-02-text": "拡張子 text の本文。",
        "2019-04-03-markdown": "拡張子 markdown の本文。",
    }.items():
        body = _body(site, f"posts/{name}")
        assert text in body.get_text()
        assert body.select_one(".kiji-post-header time")


# --------------------------------------------------------------------------- front matter habits


def test_front_matter_habits(site):
    header = _page(site, "posts/2019-5-7-habits").select_one(".kiji-post-header")
    page = _page(site, "posts/2019-5-7-habits")
    assert page.find("h1").get_text().strip("¶") == "習慣: タグつきの題名"  # title: ! '...'
    assert header.find("time")["datetime"] == "2019-05-07T10:11:12.123456+09:00"  # nanoseconds
    assert [a.get_text() for a in header.select("a.kiji-category")] == ["news", "技術", "extra"]
    assert [a.get_text() for a in header.select("a.kiji-tag")] == ["c", "a", "b"]
    cest = _page(site, "posts/2021-09-03-cest").select_one(".kiji-post-header time")
    assert cest["datetime"] == "2021-09-03T11:21:31+02:00"
    bad = _page(site, "posts/2019-06-01-bad-date")
    assert bad.find("h1").get_text().strip("¶") == "読めない日付"  # a bad date drops nothing
    assert bad.select_one(".kiji-post-header time")["datetime"] == "2019-06-01T00:00:00+00:00"


def test_front_matter_extra_keys_are_kept(site):
    info = site.env.get_domain("kiji").posts["posts/2019-5-7-habits"]
    assert info["extra"] == {"translator": "", "version": "3.0"}  # empty keys and floats as written
    assert info["lang"] == "en"


# --------------------------------------------------------------------------- -j 2


def test_parallel_build_equals_serial(rootdir, tmp_path):
    from .test_builds import assert_same_site

    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-jekyll", src)
    j1 = _build(src, tmp_path / "j1", parallel=1)
    j2 = _build(src, tmp_path / "j2", parallel=2)
    assert_same_site(tmp_path / "j1" / "html", tmp_path / "j2" / "html")
    assert sorted(warning_lines(j1)) == sorted(warning_lines(j2))


# --------------------------------------------------------------------------- file names

ODD_NAMES = [
    "2019-1-7-c#-tips.md", "2019-01-08-c++.md", "2019-01-09-a%20b.md", "2019-01-10-[draft].md",
    "2019-01-12-paren(x).md", "2019-01-13-with space.md", "2019-01-14-dots...md",
    "2019-01-17-what?.md", "2019-03-01-folder.md/2019-03-02-inside.md",
]  # fmt: skip


def _write_odd_names(posts: Path) -> None:
    # Written here, not kept in git: '?', trailing dots and the like cannot be checked out everywhere.
    for i, name in enumerate(ODD_NAMES):
        path = posts / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"---\ntitle: 名前{i}\ntags: [名前]\ncategories: [変な名前]\n---\n\n名前{i}の本文。\n",
            encoding="utf-8",
        )


@pytest.fixture(scope="module")
def names(rootdir, tmp_path_factory):
    src = tmp_path_factory.mktemp("names") / "src"
    shutil.copytree(rootdir / "test-jekyll-names", src)
    _write_odd_names(src / "posts")
    (src / "posts" / "2019-01-11-[wip].md").write_text(
        "---\ntitle: 下書き\npublished: false\n---\n\n下書き。\n", encoding="utf-8"
    )
    return _build(src, src.parent / "build")


def _internal_hrefs(outdir: Path):
    for page in sorted(outdir.rglob("*.html")):
        soup = parse_html(page)
        for a in soup.select("div.body a[href]"):
            href = a["href"]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            yield page, href, (page.parent / unquote(parts.path)).resolve()


def test_every_link_to_an_odd_name_reaches_its_page(names):
    out = Path(names.outdir)
    pages = {p.relative_to(out / "posts").as_posix() for p in (out / "posts").rglob("*.html")}
    expected = {n.rsplit(".", 1)[0] + ".html" for n in ODD_NAMES}
    assert expected <= pages  # every post has its own page, names kept
    checked = 0
    for page, href, target in _internal_hrefs(out):
        assert target.is_file(), (page, href)
        assert target.is_relative_to(out.resolve())
        checked += 1
    assert checked > 3 * len(ODD_NAMES)  # index, tag, category, archive pages and the linker post
    listed = [
        unquote(a["href"])
        for a in _page(names, "index").select("ul.kiji-postlist a.kiji-post-link")
    ]
    assert len(set(listed)) == len(listed)  # distinct URLs
    assert {"posts/" + name for name in expected} <= set(listed)


def test_post_url_to_odd_names(names):
    body = _body(names, "posts/2019-02-01-linker")
    links = {a.get_text(): a["href"] for a in body.select("div.body > section > ul a.reference")}
    assert set(links) == {"プラス", "空白", "括弧", "角括弧", "点", "中"}
    warnings = [w for w in warning_lines(names) if "linker.md" in w]
    assert len(warnings) == 2
    assert all("Markdown links cannot reach" in w and "[kiji.liquid]" in w for w in warnings)
    assert "2019-02-01-linker.md:13:" in warnings[0] and "2019-02-01-linker.md:14:" in warnings[1]


def test_a_draft_with_brackets_in_its_name_is_not_built(names):
    assert not (Path(names.outdir) / "posts" / "2019-01-11-[wip].html").exists()


# --------------------------------------------------------------------------- _posts folders


@pytest.mark.parametrize("from_folders", [True, False])
def test_categories_from_folders_above_posts(rootdir, tmp_path, from_folders):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-jekyll-folders", src)
    app = _build(
        src, tmp_path / "out", confoverrides={"kiji_categories_from_folders": from_folders}
    )
    deep = _page(app, "posts/news/tech/_posts/2019/2019-01-01-deep").select(
        ".kiji-post-header a.kiji-category"
    )
    # Jekyll: the front matter's categories, then the folders above _posts (not those below)
    assert [a.get_text() for a in deep] == (
        ["前から", "news", "tech"] if from_folders else ["前から", "news"]
    )
    for name in ("posts/_posts/2019-01-02-top", "posts/plain/2019-01-03-plain"):
        assert not _page(app, name).select(".kiji-post-header a.kiji-category")
    assert (Path(app.outdir) / "categories" / "tech.html").exists() is from_folders
    links = {
        a.get_text(): a["href"]
        for a in _body(app, "posts/_posts/2019-01-02-top").select(
            "div.body > section > p a.reference"
        )
    }
    assert links == {
        "深い記事": "../news/tech/_posts/2019/2019-01-01-deep.html",
        "リンク": "../news/tech/_posts/2019/2019-01-01-deep.html",
    }
    assert warning_lines(app) == []


def test_a_post_links_once_its_missing_target_is_added(tmp_path):
    src = tmp_path / "src"
    (src / "posts").mkdir(parents=True)
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "kiji"]\nhtml_theme = "basic"\nlanguage = "ja"\nkiji_now = "2026-11-28"\n',
        encoding="utf-8",
    )
    (src / "index.md").write_text("# 索引\n", encoding="utf-8")
    (src / "posts" / "2019-01-01-a.md").write_text(
        "---\ntitle: A\n---\n\n[次]({% post_url 2019-01-05-later %})\n", encoding="utf-8"
    )
    first = _build(src, tmp_path / "out")
    assert any("2019-01-05-later %}: no such post" in w for w in warning_lines(first))
    (src / "posts" / "2019-01-05-later.md").write_text(
        "---\ntitle: 後で書いた記事\n---\n\n本文。\n", encoding="utf-8"
    )
    second = _build(src, tmp_path / "out")  # incremental: the same output folder and environment
    assert warning_lines(second) == []
    link = _body(second, "posts/2019-01-01-a").select_one("div.body > section > p a.reference")
    assert link["href"] == "2019-01-05-later.html"
