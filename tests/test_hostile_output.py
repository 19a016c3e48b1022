"""No value from front matter or configuration becomes markup anywhere in the built site.

One site (``tests/roots/test-hostile-all``) is built with the real sphinx-book-theme,
sphinxext-opengraph, sphinx-notfound-page, feeds, sitemap and redirects; every front matter field
and ``project``/``author``/``copyright``/``html_title`` hold scripts, event handlers, ``</title>``,
``"><svg onload=...>``, newlines with Markdown and MyST directives, ``javascript:`` URLs, NUL and
RTL overrides. Every output file is then parsed (HTML with lxml.html, feeds and the sitemap with
an XML parser, the search index as JSON) and checked structurally: no element or attribute in the
output came from a value, whatever page or file it is in.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.etree
import lxml.html
import pytest
from sphinx.testing.util import SphinxTestApp

from tests.conftest import ROOT

ATOM = "{http://www.w3.org/2005/Atom}"
# Elements a hostile value would bring in; none of them is in any page of this site.
FORBIDDEN_TAGS = {"svg", "math", "iframe", "object", "embed", "frame", "base", "form-injected"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "data"}
# <meta> whose content is a URL (a tag or keyword is text and may well read "javascript:...").
URL_METAS = {"og:url", "og:image", "og:image:secure_url", "twitter:image", "refresh"}
def _is_kiji_chart(el) -> bool:
    """kiji's own archive and tag charts (kiji.sphinx.charts): an <svg> as the first child of a
    <figure class="kiji-chart">, named by kiji's own id. Its contents are checked like the rest."""
    parent = el.getparent()
    return (
        el.tag.lower() == "svg"
        and parent is not None
        and parent.tag == "figure"
        and "kiji-chart" in (parent.get("class") or "").split()
        and parent.index(el) == 0
        and (el.get("aria-labelledby") or "").startswith("kiji-chart-")
    )


# The theme's and kiji's own inline scripts start with one of these (each checked whole below).
INLINE_SCRIPT_STARTS = (
    # pydata's colour mode, with kiji's default ("auto", kiji.sphinx.theme) or none
    'document.documentElement.dataset.mode = localStorage.getItem("mode") || "auto";',
    'document.documentElement.dataset.mode = localStorage.getItem("mode") || "";',
    "DOCUMENTATION_OPTIONS.pagename",
    "DOCUMENTATION_OPTIONS.search_as_you_type",
    "document.write(`",
    "let toggleHintShow",
    "var togglebuttonSelector",
    "location.replace(",
)
SITE_SIDEBAR = ["kiji-sidebar.html"]  # as conf.py: it holds the logo and the search button


@pytest.fixture(scope="module")
def site(tmp_path_factory, rootdir) -> Path:
    dest = tmp_path_factory.mktemp("hostile-all")
    shutil.copytree(rootdir / "test-hostile-all", dest / "src")
    # The site's own sidebar and layout, as conf.py at the repository root sets them.
    overrides = {
        "templates_path": [str(ROOT / "_templates")],
        "html_sidebars": {"**": SITE_SIDEBAR},
    }
    app = SphinxTestApp(
        "html", srcdir=dest / "src", builddir=dest / "build", confoverrides=overrides
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return Path(app.outdir)


def _outputs(outdir: Path, *suffixes: str) -> list[Path]:
    return sorted(
        p for p in outdir.rglob("*")
        if p.is_file() and p.suffix in suffixes and "_sources" not in p.parts
        # The theme's own files in _static (scripts, and template fragments it copies there).
        and not p.relative_to(outdir).as_posix().startswith("_static/")
    )  # fmt: skip


def _is_script_url(value: str) -> bool:
    # Browsers drop control characters and white space before the scheme.
    squeezed = re.sub(r"[\x00-\x20\u202a-\u202e\u2066-\u2069]+", "", unquote(value)).lower()
    return squeezed.startswith(("javascript:", "vbscript:", "data:text/html"))


def _html_problems(doc: lxml.html.HtmlElement, outdir: Path, page: Path) -> list[str]:
    """Elements and attributes no page of this site has unless a value became markup."""
    problems = []
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag in FORBIDDEN_TAGS and not _is_kiji_chart(el):
            problems.append(f"<{tag}> element")
        if tag == "img" and el.get("src") == "x":
            problems.append("<img src=x>")
        for name, value in el.attrib.items():
            if name.lower().startswith("on"):
                problems.append(f"<{tag} {name}=...>")
            if name.lower() in URL_ATTRS and _is_script_url(value):
                problems.append(f"<{tag} {name}={value!r}>")
            meta_kind = el.get("property") or el.get("name") or el.get("http-equiv") or ""
            if tag == "meta" and name == "content" and meta_kind.lower() in URL_METAS:
                url = value.split("url=", 1)[-1] if meta_kind.lower() == "refresh" else value
                if _is_script_url(url):
                    problems.append(f"<meta {meta_kind} content={value!r}>")
            if not re.fullmatch(r"[A-Za-z_:][-A-Za-z0-9_:.]*", name):
                problems.append(f"<{tag}> attribute named {name!r}")
        if tag == "script":
            problems.extend(_script_problems(el, outdir, page))
    return problems


def _script_problems(el: lxml.html.HtmlElement, outdir: Path, page: Path) -> list[str]:
    src = el.get("src")
    kind = el.get("type", "")
    if src is not None:
        path = urlsplit(src).path
        if urlsplit(src).scheme or not path:
            return [f"script from {src!r}"]
        # Relative to the page, or absolute under the site's prefix (the 404 page).
        local = (
            (page.parent / path)
            if not path.startswith("/")
            else outdir / path.removeprefix("/site/")
        )
        if "_static" not in Path(path).parts or not local.resolve().is_file():
            return [f"script src {src!r} is not one of the site's files"]
        return []
    text = (el.text or "").strip()
    if kind == "application/ld+json":
        try:
            json.loads(text)
        except ValueError:
            return ["JSON-LD that is not JSON"]
        return []
    if not text.startswith(INLINE_SCRIPT_STARTS):
        return [f"inline script {text[:60]!r}"]
    if "alert(" in text and not text.startswith("location.replace("):
        return [f"inline script holds a value: {text[:60]!r}"]
    return []


def test_no_value_becomes_markup_in_any_html_file(site):
    pages = _outputs(site, ".html")
    names = {p.relative_to(site).as_posix() for p in pages}
    # Every kind of page is there: posts, term pages, indexes, archive, 404, search, a redirect.
    for expected in ("posts/2026-01-10-script.html", "tags/index.html", "categories/index.html",
                     "authors/index.html", "archive/index.html", "archive/2026.html", "404.html",
                     "search.html", "old/script.html", "index.html"):  # fmt: skip
        assert expected in names
    assert any(n.startswith("tags/") and n != "tags/index.html" for n in names)
    assert any(n.startswith("authors/") and n != "authors/index.html" for n in names)
    found = {}
    for page in pages:
        doc = lxml.html.fromstring(page.read_bytes())
        problems = _html_problems(doc, site, page)
        if problems:
            found[page.relative_to(site).as_posix()] = sorted(set(problems))
    assert not found, found


def _select(doc, xpath_class_or_id: str) -> list:
    """Elements by XPath (lxml's cssselect needs a package this project does not install)."""
    return doc.xpath(xpath_class_or_id)


def _title_of(doc) -> str:
    return doc.findtext(".//title") or ""


def test_titles_are_the_values_as_text(site):
    post = lxml.html.fromstring((site / "posts/2026-01-10-script.html").read_bytes())
    expected = "</title><script>alert('title')</script>\"><svg onload=alert(1)>"
    # <title>, the article's <h1>, the print-only header and og:title all show the title as text.
    assert _title_of(post).startswith(expected)
    article_h1 = _select(post, "//article//h1")
    assert [h.text_content().replace("#", "").strip() for h in article_h1][:1] == [expected]
    print_h1 = _select(post, "//*[@id='jb-print-docs-body']//h1")
    assert [h.text_content() for h in print_h1] == [expected]
    og = {m.get("property"): m.get("content") for m in post.iter("meta") if m.get("property")}
    assert og["og:title"] == expected
    # Newlines in a title are one line of text; its Markdown and directive stay text.
    newlines = lxml.html.fromstring((site / "posts/2026-02-10-newlines.html").read_bytes())
    flat = (
        "一行目 # 見出しの注入 ```{raw} html <script>alert('raw')</script> ``` "
        "[x](javascript:alert(1))"
    )
    assert _title_of(newlines).startswith(flat)
    assert [h.text_content() for h in _select(newlines, "//*[@id='jb-print-docs-body']//h1")] == [
        flat
    ]
    assert len(_select(newlines, "//article//h1")) == 1
    # NUL and bidirectional overrides do not reach the page.
    # (html_title's own RTL override is the site owner's, kept as text.)
    control = lxml.html.fromstring((site / "posts/2026-03-10-control.html").read_bytes())
    shown = [
        _title_of(control).split(" — ")[0],
        *(h.text_content() for h in _select(control, "//h1")),
    ]
    assert shown[0] == "NUL と RTL上書き <b onclick=alert(1)>太字</b>"
    assert all(not re.search("[\x00\u202a-\u202e\u2066-\u2069]", text) for text in shown), shown
    assert (site / "posts/2026-03-10-control.html").read_bytes().count(b"\x00") == 0


def test_generated_pages_are_titled_with_the_values_as_text(site):
    tag = "<script>alert('tag')</script>"
    page = site / "tags" / "script-alert-tag-script.html"
    doc = lxml.html.fromstring(page.read_bytes())
    assert _title_of(doc).startswith(f"タグ: {tag} — ")
    assert [h.text_content().rstrip("#") for h in _select(doc, "//article//h1")] == [f"タグ: {tag}"]
    og = {m.get("property"): m.get("content") for m in doc.iter("meta") if m.get("property")}
    assert og["og:title"] == f"タグ: {tag}"
    feeds = [
        link.get("title") for link in doc.iter("link") if link.get("type") == "application/atom+xml"
    ]
    assert any(t.startswith(f"タグ: {tag} — ") for t in feeds)


def test_configuration_values_are_text_in_the_theme(site):
    index = lxml.html.fromstring((site / "index.html").read_bytes())
    html_title = "</title><script>alert('html_title')</script>\"><svg onload=alert(1)>\u202e"
    logo = _select(
        index, "//a[contains(@class, 'navbar-brand')]//p[contains(@class, 'logo__title')]"
    )
    assert [p.text_content() for p in logo] and all(
        p.text_content() == "<script>alert('logo')</script>" for p in logo
    )
    assert _title_of(index).endswith(html_title)
    search = _select(index, "//input[@name='q']")
    assert search and all(
        i.get("placeholder") == "\"><svg onload=alert('search_bar_text')>" for i in search
    )
    author = _select(index, "//p[contains(@class, 'component-author')]")[0].text_content()
    assert author.split() == [
        "著者",
        "</title><script>alert('author')</script>'",
        "onmouseover='alert(1)",
    ]
    copyright = _select(index, "//p[contains(@class, 'copyright')]")[0].text_content()
    assert "<img src=x onerror=alert('copyright')>" in copyright


def test_feeds_and_sitemap_are_well_formed_and_hold_values_as_text(site):
    xml_files = _outputs(site, ".xml")
    assert any(p.name == "sitemap.xml" for p in xml_files)
    assert any(p.name == "feed.xml" for p in xml_files)
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True)
    titles = set()
    for path in xml_files:
        tree = lxml.etree.fromstring(path.read_bytes(), parser)
        namespaces = {
            el.tag.split("}")[0].lstrip("{")
            for el in tree.iter()
            if isinstance(el.tag, str) and "}" in el.tag
        }
        assert namespaces <= {
            "http://www.w3.org/2005/Atom",
            "http://www.sitemaps.org/schemas/sitemap/0.9",
        }, path
        for el in tree.iter():
            for name in ("href", "src", "uri"):
                assert not _is_script_url(el.get(name, "")), (path, name)
        for entry in tree.iter(f"{ATOM}entry"):
            titles.add(entry.findtext(f"{ATOM}title"))
            for content in (*entry.iter(f"{ATOM}content"), *entry.iter(f"{ATOM}summary")):
                if content.get("type") == "html" and content.text:
                    fragment = lxml.html.fragment_fromstring(content.text, create_parent="div")
                    assert not _html_problems(fragment, site, site / "feed.xml"), path
        for loc in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
            assert (
                urlsplit(loc.text).scheme == "https" and urlsplit(loc.text).netloc == "example.org"
            )
    assert "</title><script>alert('title')</script>\"><svg onload=alert(1)>" in titles


def test_search_index_is_json_holding_values_as_text(site):
    files = sorted((site / "_static" / "kiji-search").rglob("*.json"))
    assert files
    texts = []

    def strings(value):
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                strings(v)
        elif isinstance(value, list):
            for v in value:
                strings(v)

    for path in files:
        strings(json.loads(path.read_text(encoding="utf-8")))
    # The titles are there as plain strings (the search page inserts them as text nodes).
    assert "</title><script>alert('title')</script>\"><svg onload=alert(1)>" in texts
    assert not any("\x00" in t for t in texts)
