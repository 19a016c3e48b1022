"""Everything that shows other posts: headers' links, footers, ``{postlist}``, ``{tagcloud}``,
``{archive}``, and the generated index pages. Built as docutils nodes from the catalogue, late
(``doctree-resolved``), so the writer escapes every value.

Incremental builds: ``env-get-updated`` computes, for every page whose content depends on the
catalogue, a signature of exactly what it shows from other posts; pages whose signature changed
are rewritten, and only those.
"""

from __future__ import annotations

import math
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..core import catalog as cat
from ..core.labels import label
from ..core.store import signature
from ..core.warnings_ import WARNING_TYPE, W
from . import landmarks
from . import nodes as kn
from .pagination import page_name
from .posts import _names

logger = logging.getLogger(__name__)

CLOUD_STEPS = 5


# --------------------------------------------------------------------------- directives


def _year(argument: str) -> int:
    value = directives.nonnegative_int(argument)
    if not 1 <= value <= 9999:
        raise ValueError("year must be between 1 and 9999")
    return value


class PostListDirective(SphinxDirective):
    """``{postlist}``: posts newest first, filtered by tags (all), category, author, year."""

    option_spec = {
        "tags": directives.unchanged,
        "tag": directives.unchanged,
        "category": directives.unchanged,
        "categories": directives.unchanged,
        "author": directives.unchanged,
        "year": _year,
        "limit": directives.positive_int,
        "excerpts": directives.flag,
        "more": directives.flag,
    }

    def run(self) -> list[nodes.Node]:
        o = self.options
        node = kn.postlist(
            tags=_names(o.get("tags", "") + "," + o.get("tag", "")),
            categories=_names(o.get("category", "") + "," + o.get("categories", "")),
            authors=_names(o.get("author", "")),
            year=o.get("year"),
            limit=o.get("limit"),
            excerpts="excerpts" in o,
            more="more" in o,
        )
        self.set_source_info(node)
        _note_listing(self.env)
        return [node]


class TagCloudDirective(SphinxDirective):
    """``{tagcloud}``: every tag (or category, author) sized by its number of posts."""

    option_spec = {"kind": lambda a: directives.choice(a, cat.KINDS), "min": directives.positive_int}

    def run(self) -> list[nodes.Node]:
        node = kn.tagcloud(kind=self.options.get("kind", "tag"), min=self.options.get("min", 1))
        self.set_source_info(node)
        _note_listing(self.env)
        return [node]


class ArchiveDirective(SphinxDirective):
    """``{archive}``: years and months with their post counts."""

    option_spec: dict[str, Any] = {}

    def run(self) -> list[nodes.Node]:
        node = kn.archive()
        self.set_source_info(node)
        _note_listing(self.env)
        return [node]


def _note_listing(env: Any) -> None:
    listings = env.get_domain("kiji").data["listings"]
    listings[env.docname] = listings.get(env.docname, 0) + 1


# --------------------------------------------------------------------------- node builders


class Renderer:
    """Builds listing nodes for one page (``fromdoc``); links are relative to it."""

    def __init__(self, app: Any, fromdoc: str):
        self.app = app
        self.builder = app.builder
        self.domain = app.env.get_domain("kiji")
        self.catalog: cat.Catalog = self.domain.catalog
        self.fromdoc = fromdoc
        self.language = app.config.language

    def uri(self, pagename: str) -> str:
        return self.builder.get_relative_uri(self.fromdoc, pagename)

    def link(self, pagename: str, text: str, classes: tuple[str, ...] = ()) -> nodes.reference:
        ref = nodes.reference(text, text, internal=True, refuri=self.uri(pagename), classes=list(classes))
        return ref

    def date(self, info: dict[str, Any]) -> nodes.Node:
        if not info.get("date"):
            return nodes.inline("", "")
        return kn.time_node(info["date_display"], info["date_display"], datetime=info["date"], classes=["kiji-date"])

    def term_links(self, kind: str, names: list[str]) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        for name in names:
            term = self.catalog.term(kind, name)
            if term is None:
                continue
            out.append(self.link(term.pagename, term.name, (f"kiji-{kind}",)))
        return out

    # -- the post header and footer ------------------------------------------------------------
    def header(self, docname: str) -> nodes.Element:
        info = self.domain.posts[docname]
        box = nodes.container(classes=["kiji-post-header"])
        line = nodes.paragraph(classes=["kiji-post-meta"])
        if info.get("date"):
            line += nodes.inline("", label(self.language, "posted") + " ", classes=["kiji-label"])
            year_page = f"archive/{info['year']}"
            ref = nodes.reference("", "", internal=True, refuri=self.uri(year_page), classes=["kiji-date-link"])
            ref += self.date(info)
            line += ref
        authors = self.term_links("author", info.get("authors", []))
        if authors:
            line += nodes.inline("", " · ", classes=["kiji-sep"])
            line += nodes.inline("", label(self.language, "author") + " ", classes=["kiji-label"])
            for i, a in enumerate(authors):
                if i:
                    line += nodes.Text(", ")
                line += a
        if info.get("reading_time"):
            line += nodes.inline("", " · ", classes=["kiji-sep"])
            text = label(self.language, "reading_time", n=info["reading_time"])
            line += nodes.inline(text, text, classes=["kiji-reading-time"])
        box += line
        for kind, field in (("category", "categories"), ("tag", "tags")):
            links = self.term_links(kind, info.get(field, []))
            if not links:
                continue
            para = nodes.paragraph(classes=[f"kiji-post-{field}"])
            para += nodes.inline("", label(self.language, kind) + ": ", classes=["kiji-label"])
            for i, link in enumerate(links):
                if i:
                    para += nodes.Text(" ")
                para += link
            box += para
        return box

    def footer(self, docname: str) -> nodes.Element:
        box = nodes.container(classes=["kiji-post-footer"])
        older, newer = self.catalog.neighbours(docname)
        if older or newer:
            nav = landmarks.make("nav", ["kiji-prev-next"], label(self.language, "prev_next"))
            for which, other in (("previous", older), ("next", newer)):
                if other is None:
                    continue
                para = nodes.paragraph(classes=[f"kiji-{which}"])
                para += nodes.inline("", label(self.language, which) + ": ", classes=["kiji-label"])
                para += self.link(other, self.domain.posts[other]["title"], (f"kiji-{which}-link",))
                nav += para
            box += nav
        related = self.catalog.related(docname)[: self.app.config.kiji_related_limit]
        if related:
            aside = landmarks.make("aside", ["kiji-related-box"], label(self.language, "related"))
            aside += nodes.rubric("", label(self.language, "related"), classes=["kiji-related-title"])
            aside += self.post_list(related, excerpts=False, classes=("kiji-related",))
            box += aside
        return box

    # -- lists -------------------------------------------------------------------------------
    def post_list(self, docnames: list[str], excerpts: bool = True, classes: tuple[str, ...] = ()) -> nodes.Element:
        if not docnames:
            return nodes.paragraph("", label(self.language, "no_posts"), classes=["kiji-empty"])
        blist = nodes.bullet_list(classes=["kiji-postlist", *classes])
        for docname in docnames:
            info = self.domain.posts[docname]
            item = nodes.list_item(classes=["kiji-postlist-item"])
            para = nodes.paragraph()
            para += self.date(info)
            para += nodes.Text(" ")
            para += self.link(docname, info["title"], ("kiji-post-link",))
            item += para
            if excerpts and info.get("excerpt"):
                item += nodes.paragraph(info["excerpt"], info["excerpt"], classes=["kiji-excerpt"])
            blist += item
        # Other posts' titles and excerpts: not this page's own text for search tools.
        wrapper = landmarks.make("div", ["kiji-postlist-box"])
        wrapper += blist
        return wrapper

    def cloud(self, kind: str, minimum: int = 1) -> nodes.Element:
        terms = [t for t in self.catalog.sorted_terms(kind) if len(t.docnames) >= minimum]
        box = nodes.container(classes=["kiji-cloud", f"kiji-cloud-{kind}"])
        if not terms:
            box += nodes.paragraph("", label(self.language, "no_posts"))
            return box
        counts = [len(t.docnames) for t in terms]
        low, high = math.log(min(counts)), math.log(max(counts))
        para = nodes.paragraph()
        for i, term in enumerate(terms):
            n = len(term.docnames)
            step = 1 if high == low else 1 + round((math.log(n) - low) / (high - low) * (CLOUD_STEPS - 1))
            if i:
                para += nodes.Text(" ")
            ref = self.link(term.pagename, term.name, (f"kiji-{kind}", f"kiji-cloud-size-{step}"))
            count = f"({n})"
            ref += nodes.inline(count, count, classes=["kiji-count"])
            para += ref
        box += para
        return box

    def term_table(self, kind: str) -> nodes.Element:
        blist = nodes.bullet_list(classes=["kiji-term-list", f"kiji-term-list-{kind}"])
        for term in self.catalog.sorted_terms(kind):
            item = nodes.list_item()
            para = nodes.paragraph()
            para += self.link(term.pagename, term.name, (f"kiji-{kind}",))
            count = " " + label(self.language, "posts_count", n=len(term.docnames))
            para += nodes.inline(count, count, classes=["kiji-count"])
            item += para
            blist += item
        # A list of other pages (a taxonomy page is found by its own name, not by this list).
        wrapper = landmarks.make("div", ["kiji-term-list-box"])
        wrapper += blist
        return wrapper

    def archive(self) -> nodes.Element:
        blist = nodes.bullet_list(classes=["kiji-archive"])
        for year, months in self.catalog.archive.items():
            item = nodes.list_item()
            para = nodes.paragraph()
            para += self.link(f"archive/{year}", label(self.language, "year", y=year))
            count = " " + label(self.language, "posts_count", n=sum(len(d) for d in months.values()))
            para += nodes.inline(count, count, classes=["kiji-count"])
            item += para
            sub = nodes.bullet_list()
            size = max(1, self.app.config.kiji_listing_page_size)
            before = 0  # posts of the year listed before this month: its page of the year
            for month, docs in months.items():
                mitem = nodes.list_item()
                mpara = nodes.paragraph()
                year_page = page_name(f"archive/{year}", before // size + 1)
                before += len(docs)
                mpara += self.link(year_page, label(self.language, "month", y=year, m=month))
                mpara[-1]["refuri"] += f"#m{month:02d}"
                c = " " + label(self.language, "posts_count", n=len(docs))
                mpara += nodes.inline(c, c, classes=["kiji-count"])
                mitem += mpara
                sub += mitem
            item += sub
            blist += item
        # A list of other pages, like the term tables.
        wrapper = landmarks.make("div", ["kiji-archive-box"])
        wrapper += blist
        return wrapper

    def select(self, node: nodes.Element, exclude: str | None = None) -> list[str]:
        return self.catalog.select(
            tags=node["tags"],
            categories=node["categories"],
            authors=node["authors"],
            year=node.get("year"),
            limit=node.get("limit"),
            exclude=exclude,
        )


# --------------------------------------------------------------------------- events


def on_doctree_resolved(app: Any, doctree: nodes.document, docname: str) -> None:
    if not any(True for _ in doctree.findall(lambda n: isinstance(n, kn.PLACEHOLDERS))):
        return
    r = Renderer(app, docname)
    for node in list(doctree.findall(kn.post_header)):
        node.replace_self(r.header(node["docname"]) if node["docname"] in r.domain.posts else [])
    for node in list(doctree.findall(kn.post_footer)):
        node.replace_self(r.footer(node["docname"]) if node["docname"] in r.domain.posts else [])
    for node in list(doctree.findall(kn.postlist)):
        shown: list[nodes.Node] = [r.post_list(r.select(node), excerpts=node.get("excerpts", False))]
        if node.get("more"):  # ``:more:``: a link to every post, by year and month
            para = nodes.paragraph(classes=["kiji-more"])
            para += r.link("archive/index", label(r.language, "all_archive"))
            shown.append(para)
        node.replace_self(shown)
    for node in list(doctree.findall(kn.tagcloud)):
        node.replace_self(r.cloud(node["kind"], node.get("min", 1)))
    for node in list(doctree.findall(kn.archive)):
        node.replace_self(r.archive())


def page_signature(domain: Any, docname: str) -> str:
    """What a post page shows of other posts: term pages, neighbours, related posts."""
    c = domain.catalog
    info = domain.posts[docname]
    terms = [
        (kind, t.pagename, t.name)
        for kind, field in (("tag", "tags"), ("category", "categories"), ("author", "authors"))
        for t in (c.term(kind, n) for n in info.get(field, []))
        if t is not None
    ]
    others = [*c.neighbours(docname), *c.related(docname)]
    shown = [(d, domain.posts[d]["title"], domain.posts[d].get("date")) if d else None for d in others]
    return signature(terms, shown)


def catalog_signature(domain: Any) -> str:
    """Listings may show any post: one signature of everything a listing can show."""
    c = domain.catalog
    rows = [(d, p.get("title"), p.get("date"), p.get("excerpt"), p.get("tags"), p.get("categories"), p.get("authors")) for d, p in sorted(domain.posts.items())]
    return signature(rows, [(k, t.slug) for k in cat.KINDS for t in c.sorted_terms(k)])


def on_env_get_updated(app: Any, env: Any) -> list[str]:
    """Pages whose catalogue-derived content changed since the last build, to be rewritten."""
    domain = env.get_domain("kiji")
    domain.invalidate()
    _warn_catalog_problems(domain)
    old: dict[str, str] = domain.data["signatures"]
    new: dict[str, str] = {}
    for docname in domain.posts:
        new[docname] = page_signature(domain, docname)
    if domain.data["listings"]:
        listing_sig = catalog_signature(domain)
        for docname in domain.data["listings"]:
            new[docname] = signature(new.get(docname), listing_sig)
    changed = sorted(d for d, sig in new.items() if old.get(d) != sig and d in env.all_docs)
    domain.data["signatures"] = new
    return changed


def _warn_catalog_problems(domain: Any) -> None:
    # Two posts with one title (a monthly magazine's January issues) read fine: that is a
    # finding of `make lint` (duplicate-title), not a build warning.
    for kind, name, first, slug in domain.catalog.collisions:
        logger.warning(
            cat.collision_message(kind, name, first, slug), type=WARNING_TYPE, subtype=W.SLUG
        )
