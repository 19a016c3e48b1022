"""Atom feeds: the newest posts of the site, and of each tag and category. What jekyll-feed does.

- Written once, at ``build-finished``, with feedgen (lxml escapes every value), from the domain:
  ``feed.xml`` for the site, ``feed/tags/<slug>.xml`` and ``feed/categories/<slug>.xml`` per
  name (slugs come from the catalogue, so they are safe file names). The cost is O(number of
  posts + tag assignments): each feed takes the first ``kiji_feed_limit`` of a list the
  catalogue already keeps newest first.
- Deterministic: the feed's ``updated`` is its newest entry's date, never the clock, and entries
  keep the catalogue's order, so two builds give the same bytes and ``-j 2`` equals ``-j 1``.
- Incremental builds: each feed's inputs are hashed; a feed whose hash is unchanged and whose
  file exists is neither regenerated nor rewritten. Feeds of names that disappeared are removed.
- Absolute links need the site URL (:func:`kiji.seo.site_url`); without one no feed is written,
  and :mod:`kiji.seo` says so once.
- Linked from every page's ``<head>`` (the site feed, plus the name's feed on a tag or category
  page) and, visibly, from the landing page and from each tag and category page.
- ``kiji_feed_full_content``: entries also carry the rendered post. The body is kept from
  ``html-page-context`` (in the ``-j`` worker that writes the post) in the doctree folder, and its
  links are made absolute with lxml when the feed is written.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from docutils import nodes
from sphinx.util import logging
from sphinx.util.display import status_iterator
from sphinx.util.osutil import relative_uri

from ..core import catalog as cat
from ..core.labels import label
from ..core.store import SideStore, signature, write_atomic
from ..core.warnings_ import WARNING_TYPE, W
from . import seo

logger = logging.getLogger(__name__)

FEED_VERSION = "1"  # bump when the XML written for the same inputs changes
SITE_FEED = "feed.xml"
FEED_FOLDER = "feed"
STORE = "feeds"  # side store: feed path -> signature of its inputs
CONTENT_FOLDER = "kiji-feed-content"  # in the doctree folder: rendered post bodies
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

WORDS = {
    "ja": {"site_feed": "新着記事のフィード（Atom）", "term_feed": "この一覧のフィード（Atom）"},
    "en": {"site_feed": "Feed of new posts (Atom)", "term_feed": "Feed of this list (Atom)"},
}

CONFIG: dict[str, tuple[Any, str, frozenset[type], str]] = {
    "kiji_feeds": (True, "html", frozenset({bool}), "write Atom feeds (needs the site URL)"),
    "kiji_feed_limit": (20, "html", frozenset({int}), "entries per feed, newest first"),
    "kiji_feed_kinds": (
        ["tag", "category"],
        "html",
        frozenset({list, tuple}),
        "one feed per tag, category, author",
    ),
    "kiji_feed_full_content": (
        False,
        "html",
        frozenset({bool}),
        "entries carry the whole post, not only the excerpt",
    ),
    "kiji_feed_links": (
        True,
        "html",
        frozenset({bool}),
        "visible feed links on the landing and index pages",
    ),
}


def validate(app: Any, config: Any) -> None:
    limit = config.kiji_feed_limit
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 1000:
        seo.config_warning(
            "kiji_feed_limit",
            limit,
            "must be a whole number from 1 to 1000",
            CONFIG["kiji_feed_limit"][0],
        )
        config.kiji_feed_limit = CONFIG["kiji_feed_limit"][0]
    kinds = config.kiji_feed_kinds
    if not isinstance(kinds, (list, tuple)) or not all(k in cat.KINDS for k in kinds):
        seo.config_warning(
            "kiji_feed_kinds",
            kinds,
            f"must be a list of {', '.join(cat.KINDS)}",
            CONFIG["kiji_feed_kinds"][0],
        )
        config.kiji_feed_kinds = list(CONFIG["kiji_feed_kinds"][0])


def words(config: Any, key: str) -> str:
    return WORDS.get((config.language or "ja").split("_")[0], WORDS["ja"])[key]


def enabled(app: Any) -> bool:
    return bool(app.config.kiji_feeds and seo.site_url(app.config) and seo.is_html(app))


def term_feed_path(kind: str, slug: str) -> str:
    return f"{FEED_FOLDER}/{cat.FOLDERS[kind]}/{slug}.xml"


def _term_page(app: Any, pagename: str) -> tuple[str, str] | None:
    """(kind, slug) when ``pagename`` is a generated tag/category page that has a feed."""
    folder, _, slug = pagename.partition("/")
    for kind in app.config.kiji_feed_kinds:
        if cat.FOLDERS[kind] == folder and slug and slug != "index" and "/" not in slug:
            return kind, slug
    return None


# --------------------------------------------------------------------------- links


def _link_node(href: str, text: str) -> nodes.paragraph:
    para = nodes.paragraph(classes=["kiji-feed-link"])
    para += nodes.reference(text, text, refuri=href, classes=["kiji-feed"], internal=False)
    return para


def on_doctree_resolved(app: Any, doctree: nodes.document, docname: str) -> None:
    """The landing page links the site feed, after its first list of posts."""
    if docname != app.config.root_doc or not app.config.kiji_feed_links or not enabled(app):
        return
    href = relative_uri(app.builder.get_target_uri(docname), SITE_FEED)
    para = _link_node(href, words(app.config, "site_feed"))
    first = next(
        iter(
            doctree.findall(
                lambda n: isinstance(n, nodes.Element) and "kiji-postlist" in n["classes"]
            )
        ),
        None,
    )
    if first is not None and first.parent is not None:
        first.parent.insert(first.parent.index(first) + 1, para)
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    (section if section is not None else doctree).append(para)


def _alternate(href: str, title: str) -> str:
    return (
        seo._tag(
            "link",
            {"rel": "alternate", "type": "application/atom+xml", "title": title, "href": href},
        )
        + "\n"
    )


def on_html_page_context(
    app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if not enabled(app):
        return
    config = app.config
    site = seo.site_name(config)
    # Absolute: the same <head> works on the 404 page, which is served at any depth.
    head = _alternate(seo.absolute_url(config, SITE_FEED), site)
    term = _term_page(app, pagename) if context.get("kiji_generated") else None
    if term is not None:
        title = f"{context.get('kiji_title_text', '')} — {site}"
        head += _alternate(seo.absolute_url(config, term_feed_path(*term)), title)
        if config.kiji_feed_links:
            # The generated page's body is HTML already; the link is a node rendered by the
            # builder's own writer, so it is escaped like any other.
            href = quote(
                relative_uri(app.builder.get_target_uri(pagename), term_feed_path(*term)), safe="/%"
            )
            link = app.builder.render_partial(_link_node(href, words(config, "term_feed")))[
                "fragment"
            ]
            context["body"] = context.get("body", "") + link
    context["metatags"] = context.get("metatags", "") + head
    if (
        config.kiji_feed_full_content
        and doctree is not None
        and pagename in app.env.get_domain("kiji").posts
    ):
        _keep_body(app, pagename, context.get("body", ""))


# --------------------------------------------------------------------------- full content


def _content_path(app: Any, docname: str) -> Path:
    return Path(
        app.doctreedir, CONTENT_FOLDER, hashlib.sha1(docname.encode()).hexdigest() + ".html"
    )


def _keep_body(app: Any, docname: str, body: str) -> None:
    write_atomic(_content_path(app, docname), body.encode("utf-8"))


def _content(app: Any, docname: str, url: str) -> str | None:
    """The post's rendered body with absolute links, for a feed entry (None if not kept)."""
    from lxml import html as lhtml

    try:
        body = _content_path(app, docname).read_text(encoding="utf-8")
    except OSError:
        return None
    if not body.strip():
        return None
    fragment = lhtml.fragment_fromstring(body, create_parent="div")
    for anchor in fragment.find_class("headerlink"):
        anchor.drop_tree()
    fragment.make_links_absolute(url, resolve_base_href=False)
    return lhtml.tostring(fragment, encoding="unicode")


# --------------------------------------------------------------------------- feeds


@dataclass
class Feed:
    path: str  # relative to the output folder
    title: str
    page: str  # the HTML page the feed belongs to
    docnames: list[str]  # newest first, dated posts only, at most kiji_feed_limit


def feeds_of(app: Any) -> list[Feed]:
    config = app.config
    domain = app.env.get_domain("kiji")
    catalog: cat.Catalog = domain.catalog
    posts = domain.posts
    limit = config.kiji_feed_limit

    def newest(docnames: list[str]) -> list[str]:
        out: list[str] = []
        for docname in docnames:  # newest first, undated last: stop at the first undated
            if posts[docname].get("date") is None or len(out) >= limit:
                break
            out.append(docname)
        return out

    site = seo.site_name(config)
    feeds = [Feed(SITE_FEED, site, config.root_doc, newest(catalog.order))]
    for kind in config.kiji_feed_kinds:
        for term in catalog.sorted_terms(kind):
            title = f"{label(config.language, f'{kind}_title', name=term.name)} — {site}"
            # Without index pages the feed's HTML counterpart is the landing page.
            page = term.pagename if config.kiji_index_pages else config.root_doc
            feeds.append(Feed(term_feed_path(kind, term.slug), title, page, newest(term.docnames)))
    return feeds


# Characters XML 1.0 cannot hold (lxml refuses them): C0 controls but tab and newlines, lone
# surrogates, U+FFFE/U+FFFF. Front-matter text is clean already; rendered bodies may not be.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _entry_row(app: Any, docname: str) -> dict[str, Any]:
    """What an entry shows, as plain data (hashed to decide whether a feed changed)."""
    config = app.config
    domain = app.env.get_domain("kiji")
    info = domain.posts[docname]
    catalog: cat.Catalog = domain.catalog
    terms = []
    for kind, field in (("category", "categories"), ("tag", "tags")):
        for name in info.get(field, ()):
            term = catalog.term(kind, name)
            if term is not None:
                terms.append(
                    (term.name, seo.absolute_url(config, app.builder.get_target_uri(term.pagename)))
                )
    row = {
        "url": seo.absolute_url(config, app.builder.get_target_uri(docname)),
        "title": info.get("title") or docname,
        "date": info["date"],
        "authors": list(info.get("authors", ())),
        "terms": terms,
        "excerpt": info.get("excerpt") or "",
    }
    if config.kiji_feed_full_content:
        content = _content(app, docname, row["url"])
        row["content"] = _xml_text(content) if content else None
    for key in ("title", "excerpt"):
        row[key] = _xml_text(row[key])
    row["authors"] = [_xml_text(a) for a in row["authors"]]
    row["terms"] = [(_xml_text(name), url) for name, url in terms]
    return row


def atom(app: Any, feed: Feed, rows: list[dict[str, Any]]) -> bytes:
    from feedgen.feed import FeedGenerator

    config = app.config
    feed_url = seo.absolute_url(config, feed.path)
    page_url = seo.absolute_url(config, app.builder.get_target_uri(feed.page))
    newest = max((datetime.fromisoformat(r["date"]) for r in rows), default=None)
    if newest is None:
        newest = _site_newest(app)
    fg = FeedGenerator()
    fg.id(feed_url)
    fg.title(feed.title)
    fg.link(href=page_url, rel="alternate", type="text/html")
    fg.link(href=feed_url, rel="self", type="application/atom+xml")
    fg.language(config.language or "ja")
    fg.author({"name": config.author or seo.site_name(config)})
    fg.updated(newest)
    for row in rows:
        fe = fg.add_entry(order="append")
        fe.id(row["url"])
        fe.title(row["title"])
        fe.link(href=row["url"], rel="alternate", type="text/html")
        when = datetime.fromisoformat(row["date"])
        fe.published(when)
        fe.updated(when)
        for name in row["authors"]:
            fe.author({"name": name})
        for name, scheme in row["terms"]:
            fe.category({"term": name, "label": name, "scheme": scheme})
        if row["excerpt"]:
            fe.summary(row["excerpt"])
        if row.get("content"):
            fe.content(row["content"], type="html")
    return fg.atom_str(pretty=True)


def _site_newest(app: Any) -> datetime:
    """``updated`` of a feed with no entries: the site's newest post, else a fixed date."""
    domain = app.env.get_domain("kiji")
    for docname in domain.catalog.order:
        date = domain.posts[docname].get("date")
        return datetime.fromisoformat(date) if date else EPOCH
    return EPOCH


def on_build_finished(app: Any, exception: BaseException | None) -> None:
    if exception is not None or not seo.is_html(app):
        return
    outdir = Path(app.outdir)
    store = SideStore(app.doctreedir, STORE)
    old: dict[str, str] = store.load()
    new: dict[str, str] = {}
    if enabled(app):
        rows_of: dict[str, dict[str, Any]] = {}
        all_feeds = feeds_of(app)
        for feed in status_iterator(
            all_feeds, "kiji: writing feeds... ", "darkgreen", len(all_feeds), app.verbosity,
            stringify_func=lambda f: f.path,
        ):  # fmt: skip
            rows = []
            for docname in feed.docnames:
                if docname not in rows_of:
                    rows_of[docname] = _entry_row(app, docname)
                rows.append(rows_of[docname])
            made_from = signature(
                FEED_VERSION,
                feed.path,
                feed.title,
                feed.page,
                rows,
                app.config.author,
                app.config.language,
                seo.site_url(app.config),
            )
            new[feed.path] = made_from
            target = outdir / feed.path
            if old.get(feed.path) == made_from and target.exists():
                continue
            try:
                write_atomic(target, atom(app, feed, rows))
            except (ValueError, OSError) as err:
                # lxml refuses text XML cannot hold; one bad post must not cost the other feeds.
                new.pop(feed.path, None)
                logger.warning(
                    "feed %s not written: %s", feed.path, err, type=WARNING_TYPE, subtype=W.FEED
                )
    _remove_stale(outdir, set(new), set(old))
    store.save(new)


def _remove_stale(outdir: Path, wanted: set[str], written_before: set[str]) -> None:
    """Feeds of names that no longer exist (and all feeds, when they are off) are removed.
    ``feed/`` is ours; a ``feed.xml`` at the root only if an earlier build wrote it."""
    candidates = [outdir / SITE_FEED] if SITE_FEED in written_before else []
    folder = outdir / FEED_FOLDER
    if folder.is_dir():
        candidates += sorted(folder.rglob("*.xml"))
    for path in candidates:
        if path.relative_to(outdir).as_posix() not in wanted:
            path.unlink(missing_ok=True)
