"""Old Jekyll URLs keep working: each permalink style, base URL, old host, raw HTML, anchors.

One tiny root (tests/roots/test-jekyll-oldurls) built once per permalink style. Its linker post
links to one post by the URL every style gives it; the expected paths are Jekyll's documented
permalink styles for ``posts/news/_posts/2019-08-28-some-post.md`` (category ``news`` from the
folder, day 240 of 2019, ``lang: ja``).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests import helpers
from tests.helpers import warnings_of

from .conftest import parse_html

NEW = "../news/_posts/2019-08-28-some-post.html"
OLD = "https://old.example.org/blog"
STYLES = {
    # style: the link (by its text) that Jekyll's URL for the post is
    "date": "date",
    "pretty": "pretty",
    "ordinal": "ordinal",
    "none": "none",
    "/:lang/:categories/:year/:month/:day/:title/": "custom",
}


def _build(rootdir, tmp_path, **overrides):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-jekyll-oldurls", src)
    app = helpers.build(src, tmp_path / "build", **overrides)
    page = parse_html(Path(app.outdir) / "posts/notes/2020-01-02-linker.html")
    links = {a.get_text(): a["href"] for a in page.select("div.body section ul a")}
    raw = page.select_one("p.raw a")["href"]
    warnings = warnings_of(app)
    return links, raw, warnings


@pytest.mark.parametrize("style", list(STYLES))
def test_each_permalink_style_links_to_the_new_page(rootdir, tmp_path, style):
    links, _raw, warnings = _build(
        rootdir, tmp_path, kiji_jekyll_permalink=style, kiji_jekyll_url=OLD
    )
    # /x.html, /x and /x/ are one old page (servers answer all three): date and pretty agree
    same = {"date", "pretty"} if STYLES[style] in ("date", "pretty") else {STYLES[style]}
    assert {name for name in same if links[name] == NEW} == same
    for other in (set(STYLES.values()) | {"config"}) - same:
        # not this site's URL: the old site is asked, where it still answers
        assert links[other].startswith(OLD + "/"), (other, links[other])
    assert "WARNING" not in warnings


def test_base_url_old_host_raw_html_schemes_and_anchors(rootdir, tmp_path):
    links, raw, warnings = _build(rootdir, tmp_path, kiji_jekyll_url=OLD)  # permalink: date
    assert links["baseurl"] == NEW  # /blog/news/... : the old base URL is dropped
    assert links["host"] == NEW + "#top"  # the old host and base URL, the anchor kept
    assert raw == NEW  # <a href> in raw HTML too
    assert links["not migrated"] == OLD + "/about/team.html"
    assert links["irc"] == "irc://irc.example.org/kiji"
    assert links["news"] == "news:comp.lang.ruby"
    assert links["注 1"] == "#note-1"  # <a name="note-1"> in the post's HTML
    assert "WARNING" not in warnings


def test_without_the_old_address_a_missing_page_is_a_located_warning(rootdir, tmp_path):
    links, _raw, warnings = _build(rootdir, tmp_path)
    assert links["date"] == NEW
    located = re.findall(r"linker\.md:(\d+): WARNING: .*?'(/[^']+)' \[myst\.xref_missing\]", warnings)
    assert ("13", "/about/team.html") in located
    assert not any(target.startswith("/news/2019/08/28") for _, target in located)


def test_the_old_config_gives_the_permalink_style(rootdir, tmp_path):
    src = tmp_path / "x"
    shutil.copytree(rootdir / "test-jekyll-oldurls", src)
    (src / "_jekyll" / "_config.yml").write_text(
        "url: https://old.example.org\nbaseurl: /blog\npermalink: /:year/:y_day/:title/\n",
        encoding="utf-8",
    )
    shutil.copytree(src, tmp_path / "y")
    shutil.rmtree(src)
    (tmp_path / "y").rename(tmp_path / "src")
    links, _raw, warnings = _build_at(tmp_path)
    assert "'/2019/240/some-post/' [myst.xref_missing]" not in warnings
    assert links["config"] == NEW and links["date"] != NEW


def _build_at(tmp_path):
    app = helpers.build(tmp_path / "src", tmp_path / "build")
    page = parse_html(Path(app.outdir) / "posts/notes/2020-01-02-linker.html")
    links = {a.get_text(): a["href"] for a in page.select("div.body section ul a")}
    return links, None, warnings_of(app)
