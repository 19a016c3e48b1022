"""Redirect pages from old Jekyll URLs and ``redirect_from`` to the new pages."""

from __future__ import annotations

import json
import re
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
from bs4 import BeautifulSoup
from kiji.sphinx import redirects as rd
from sphinx.testing.util import SphinxTestApp

from tests import helpers
from tests.helpers import copy_root, warnings_of

BASE = "https://example.org/ja/latest/"
HOSTILE = "posts/2026-03-03-hostile.md"
# redirect file -> post docname
EXPECTED = {
    # Jekyll's default URL, /:categories/:year/:month/:day/:title.html
    "投資分析/2026/01/17/amazon-ai-chip.html": "posts/2026-01-17-amazon-ai-chip",
    "blog/2026/permalink/index.html": "posts/2026-02-10-permalink",  # its permalink (a folder)
    "old/page/index.html": "posts/2026-02-10-permalink",
    "old.html": "posts/2026-02-10-permalink",
    "old-no-ext.html": "posts/2026-02-10-permalink",
    "旧/url.html": "posts/2026-02-10-permalink",  # percent-encoded in the front matter
    "2026/03/03/hostile.html": "posts/2026-03-03-hostile",
    "q.html": "posts/2026-03-03-hostile",  # query and fragment dropped
}
REFUSED = [
    ("../../escape.html", "climbs out"),
    ("/a/../../b.html", "climbs out"),
    ("https://evil.example/x", "not a path of this site"),
    ("//evil.example/y", "not a path of this site"),
    ("/_static/x.html", "'_static'"),
    ("/.hidden/x.html", "'.hidden'"),
    ("/search.html", "is the page 'search'"),
    ("/posts/2026-02-10-permalink.html", "is the page 'posts/2026-02-10-permalink'"),
    ("C:\\\\win.html", "not a path of this site"),
    ("/a<b>.html", "cannot be stored"),
    ("/con.html", "reserved device name"),
    ("/old.html", "already redirects to 'posts/2026-02-10-permalink'"),
    ("/OLD.html", "already redirects to 'posts/2026-02-10-permalink'"),  # one file on macOS
]


def build(rootdir: Path, dest: Path) -> SphinxTestApp:
    if not (dest / "src").exists():
        copy_root("redirects", dest / "src")
    return helpers.build(dest / "src", dest / "build")



@pytest.fixture(scope="module")
def site(rootdir, tmp_path_factory):
    return build(rootdir, tmp_path_factory.mktemp("redirects"))


def redirect_target(out: Path, rel: str) -> tuple[BeautifulSoup, str]:
    soup = BeautifulSoup((out / rel).read_text(encoding="utf-8"), "lxml")
    refresh = soup.find("meta", attrs={"http-equiv": "refresh"})["content"]
    delay, _, url = refresh.partition("; url=")
    assert delay == "0"
    return soup, unquote(urljoin(f"https://x/{rel}", url).removeprefix("https://x/"))


def test_redirect_pages(site):
    out = Path(site.outdir)
    for rel, docname in EXPECTED.items():
        soup, target = redirect_target(out, rel)
        assert target == f"{docname}.html", rel
        assert (out / target).is_file()
        assert soup.find("link", rel="canonical")["href"] == f"{BASE}{docname}.html"
        assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
        assert soup.html["lang"] == "ja"
        script = soup.find("script").string
        js_target = json.loads(re.search(r"location\.replace\((\".*?\")", script).group(1))
        assert (
            js_target
            == soup.find("meta", attrs={"http-equiv": "refresh"})["content"].split("url=", 1)[1]
        )
        assert soup.find("a")["href"] == js_target
    title = BeautifulSoup((out / "old.html").read_text(encoding="utf-8"), "lxml").title.get_text()
    assert title == "パーマリンクのある記事"


def test_unsafe_and_taken_urls_are_refused_with_a_warning(site, tmp_path_factory):
    log = warnings_of(site)
    lines = [line for line in log.splitlines() if "[kiji.redirect]" in line]
    for url, fragment in REFUSED:
        assert any(
            HOSTILE in line and repr(url.replace("\\\\", "\\"))[1:-1] in line and fragment in line
            for line in lines
        ), (url, lines)
    assert len(lines) == len(REFUSED)
    out = Path(site.outdir)
    build_dir = out.parent.parent
    # nothing was written outside the output folder, Sphinx's pages were not replaced
    assert not list(build_dir.rglob("escape.html")) and not list(build_dir.rglob("b.html"))
    assert not (out / "_static" / "x.html").exists() and not (out / ".hidden").exists()
    assert "kiji-redirect" not in (out / "search.html").read_text(encoding="utf-8")
    assert "kiji-redirect" not in (out / "posts/2026-02-10-permalink.html").read_text(
        encoding="utf-8"
    )
    written = {
        p.relative_to(out).as_posix()
        for p in out.rglob("*.html")
        if "kiji-redirect" in p.read_text("utf-8")
    }
    assert written == set(EXPECTED)


def test_front_matter_cannot_inject_into_redirect_pages():
    # The target is a percent-encoded URL; the title is escaped by the template.
    rel, why = rd.output_path('/"><script>alert(1)</script>.html')
    assert rel is None and "cannot be stored" in why
    rel, _ = rd.output_path("/it's (new)/ページ.html")
    assert rel == "it's (new)/ページ.html"


def test_stale_redirects_are_removed(rootdir, tmp_path):
    build(rootdir, tmp_path)
    out = tmp_path / "build" / "html"
    mtime = (out / "old/page/index.html").stat().st_mtime_ns
    post = tmp_path / "src/posts/2026-02-10-permalink.md"
    time.sleep(0.05)
    text = post.read_text(encoding="utf-8")
    post.write_text(
        text.replace("  - /old.html\n", "").replace("  - /old-no-ext\n", ""), encoding="utf-8"
    )
    app = build(rootdir, tmp_path)
    assert not (out / "old-no-ext.html").exists()
    assert (out / "old/page/index.html").stat().st_mtime_ns == mtime  # unchanged, not rewritten
    # the hostile post may now take /old.html
    assert "already redirects" not in warnings_of(app)
    _, target = redirect_target(out, "old.html")
    assert target == "posts/2026-03-03-hostile.html"


def test_unchanged_redirects_are_not_rendered_again(rootdir, tmp_path, spy):
    build(rootdir, tmp_path)
    out = tmp_path / "build" / "html"
    pages = {p: p.read_bytes() for p in out.rglob("*.html") if rd._is_ours(p)}
    assert len(pages) >= 3
    rendered = spy(rd, "render")
    build(rootdir, tmp_path)  # nothing changed
    assert rendered == []
    # A title shows in the redirect pages: a new title renders them again, equal to a clean build.
    post = tmp_path / "src/posts/2026-02-10-permalink.md"
    time.sleep(0.05)
    text = post.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    post.write_text(text.replace(title, "title: 新しい題名"), encoding="utf-8")
    build(rootdir, tmp_path)
    assert rendered
    changed = [p for p in out.rglob("*.html") if rd._is_ours(p) and "新しい題名" in p.read_text(encoding="utf-8")]
    assert changed
    # A deleted redirect page is written again, even though nothing else changed.
    victim = changed[0]
    victim.unlink()
    build(rootdir, tmp_path)
    assert victim.is_file()


# --------------------------------------------------------------------------- pure functions


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/old/", "old/index.html"),
        ("/", "index.html"),
        ("/a/b", "a/b.html"),
        ("/a/b.html", "a/b.html"),
        ("a/./b.html", "a/b.html"),
        ("/%E6%97%A7/x.html", "旧/x.html"),
        ("/page.html#frag", "page.html"),
        ("/%2e%2e/x.html", None),
        ("/a/%2F../../x.html", None),
        ("/x\x00.html", None),
        ("/aux/x.html", None),
        ("/trailing./x.html", None),
        ("/" + "あ" * 80 + ".html", None),
        ("mailto:a@example.org", None),
    ],
)
def test_output_path(url, expected):
    assert rd.output_path(url)[0] == expected


def test_jekyll_permalinks():
    info = {"slug": "Amazon AI chip!", "categories": ["投資分析", "Machine Learning", "投資分析"]}
    when = datetime(2026, 1, 7, 9, 5, 3, tzinfo=UTC)
    values = rd.placeholders(info, when)
    assert (
        rd.expand(rd.STYLES["date"], values)
        == "/投資分析/machine learning/2026/01/07/Amazon-AI-chip!.html"
    )
    assert (
        rd.expand(rd.STYLES["pretty"], values)
        == "/投資分析/machine learning/2026/01/07/Amazon-AI-chip!/"
    )
    assert (
        rd.expand(rd.STYLES["ordinal"], values)
        == "/投資分析/machine learning/2026/007/Amazon-AI-chip!.html"
    )
    assert (
        rd.expand(rd.STYLES["weekdate"], values)
        == "/投資分析/machine learning/2026/W02/Wed/Amazon-AI-chip!.html"
    )
    assert (
        rd.expand("/:i_month/:i_day/:short_year/:slug_:output_ext", values)
        == "/1/7/26/amazon-ai-chip_.html"
    )
    assert rd.expand("/:categories/:title/", rd.placeholders({"slug": "x"}, when)) == "/x/"
    with pytest.raises(KeyError):
        rd.expand("/:nope/", values)
    with pytest.raises(KeyError):
        rd.expand("/:year/:title/", rd.placeholders({"slug": "x"}, None))


def test_jekyll_dates_use_the_site_time_zone(rootdir, tmp_path):
    shutil.copytree(rootdir / "test-redirects", tmp_path / "src")
    app = SphinxTestApp(
        "html",
        srcdir=tmp_path / "src",
        builddir=tmp_path / "build",
        confoverrides={
            "kiji_timezone": "Asia/Tokyo",
            "kiji_jekyll_permalink": "/:year/:month/:day/:title/",
        },
    )
    try:
        app.build()
    finally:
        app.cleanup()
    # 2026-01-17 16:38:30 +0000 is the 18th in Tokyo, as Jekyll with timezone: Asia/Tokyo says
    assert (Path(app.outdir) / "2026/01/18/amazon-ai-chip/index.html").is_file()
