"""Every event the extension connects, in the order a build runs them: the one list.

Sphinx calls the handlers of one event by priority (lower first, 500 by default), then in the
order they were connected. Each row says why its handler runs where it does; :func:`connect`
is the only place kiji calls ``app.connect``. ``tests/test_layers.py`` checks that the table
and the listeners Sphinx holds after ``setup`` are the same.

A build, in order::

    config-inited          validate kiji_* values, add suffixes and paths
    builder-inited         the private-API speed layer (kiji.sphinx.fast)
    env-get-outdated       drafts and future posts hidden; pages whose search terms are gone
    env-before-read-docs   lenient decoding; the index of files for post_url/link
    source-read            front matter → {post} fence; Jekyll body conversion
    doctree-read           kramdown attributes; title and header; search terms; social card
    env-get-updated        pages holding listings, generated pages; everything if the frame changed
    env-updated            the redirect plan
    write-started          the search index, forked while pages are written
    doctree-resolved       listings, raw links, post feeds
    html-collect-pages     tag/category/author/archive pages; finishing tasks joined
    html-page-context      labels, SEO/OpenGraph head, feed links, the search page; escaping
    build-finished         outputs of what is gone removed; signatures, redirects, sitemap, feeds
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from . import (
    config,
    drafts,
    fast,
    feeds,
    freshness,
    listings,
    migrate,
    oldurls,
    pages,
    parallel,
    posts,
    redirects,
    safety,
    search,
    seo,
)  # fmt: skip
from .theme import add_paths, page_context


class Handler(NamedTuple):
    event: str
    handler: Callable[..., Any]
    priority: int
    why: str


EVENTS: tuple[Handler, ...] = (
    # -- configuration ---------------------------------------------------------------------------
    Handler("config-inited", config.validate, 800, "kiji_* values checked before anything uses them"),
    Handler("config-inited", seo.validate, 810, "site URL and card settings, after the core values"),
    Handler("config-inited", feeds.validate, 820, "feed settings use the validated site URL"),
    Handler("config-inited", oldurls.on_config_inited, 825,
            "link schemes; the old _config.yml's permalink, before redirects validates it"),
    Handler("config-inited", redirects.validate, 830, "the permalink style, before the plan is made"),
    Handler("config-inited", migrate.on_config_inited, 840,
            "Jekyll's Markdown suffixes: the draft scan (900) must see those files"),
    Handler("config-inited", add_paths, 850, "kiji's templates before the theme's; its static files"),
    # -- before reading --------------------------------------------------------------------------
    Handler("builder-inited", fast.install, 500, "needs the builder; before anything is read"),
    Handler("env-get-outdated", drafts.on_env_get_outdated, 100,
            "first: drafts and future posts leave the found documents (no config change)"),
    Handler("env-get-outdated", search.on_env_get_outdated, 500,
            "a page whose term file is gone is read again"),
    Handler("env-before-read-docs", posts.on_env_before_read_docs, 500,
            "Sphinx decodes strictly; kiji decodes in source-read"),
    Handler("env-before-read-docs", migrate.on_env_before_read_docs, 500,
            "the file index post_url/link resolve against, made once before -j forks"),
    # -- reading (in the -j reader processes) ----------------------------------------------------
    Handler("source-read", fast.cap_doctree_cache, 10, "before the doctree of this read is cached"),
    Handler("source-read", posts.on_source_read, 100,
            "first: front matter parsed once, replaced by the {post} fence (line numbers kept)"),
    Handler("source-read", migrate.on_source_read, 200,
            "after the fence: Liquid and kramdown in the body only"),
    Handler("doctree-read", migrate.apply_attribute_lists, 90,
            "kramdown ids and classes before titles, excerpts and tocs are taken"),
    Handler("doctree-read", posts.on_doctree_read, 100, "title section, header, excerpt"),
    Handler("doctree-read", search.on_doctree_read, 500, "the page's terms, from the finished body"),
    Handler("doctree-read", posts.on_doctree_read_late, 900,
            "after Sphinx's collectors: a post needs no toctree (orphan)"),
    Handler("doctree-read", seo.on_doctree_read, 950, "the social card from the complete record"),
    # -- after reading ---------------------------------------------------------------------------
    Handler("env-get-updated", listings.on_env_get_updated, 500,
            "pages whose listings changed are rewritten"),
    Handler("env-get-updated", pages.on_env_get_updated, 600,
            "after listings: generated pages whose content changed"),
    Handler("env-get-updated", freshness.on_env_get_updated, 700,
            "after pages listed the generated pages: all rewritten when the pages' frame changed"),
    Handler("env-updated", redirects.on_env_updated, 500, "the redirect plan, once per build"),
    Handler("env-updated", oldurls.forget_map, 500, "the old-URL map is made again from the posts"),
    # -- writing ---------------------------------------------------------------------------------
    Handler("write-started", fast.suspend_sphinx_indexer, 500,
            "before prepare_writing would build Sphinx's indexer"),
    Handler("write-started", search.start_index, 900,
            "after reading: the index is forked while pages are written"),
    Handler("doctree-resolved", listings.on_doctree_resolved, 500, "listings from the catalogue"),
    Handler("doctree-resolved", migrate.resolve_raw_links, 500, "kiji-doc: URLs in raw HTML"),
    Handler("doctree-resolved", fast.resume_search_page, 500,
            "the first resolved page: search.html and hasdoc('search') come back"),
    Handler("doctree-resolved", feeds.on_doctree_resolved, 500, "feed entries from resolved bodies"),
    Handler("html-collect-pages", pages.collect_pages, 500, "the generated index pages"),
    Handler("html-collect-pages", parallel.join_background, 990,
            "last: every forked finishing task is done before Sphinx goes on"),
    Handler("html-page-context", fast.resume_search_page, 1,
            "a build that writes no document renders genindex first: its search link too"),
    Handler("html-page-context", seo.on_html_page_context, 450,
            "before sphinxext-opengraph (500): it must find ogp_disable"),
    Handler("html-page-context", page_context, 500, "the UI labels for kiji's templates"),
    Handler("html-page-context", feeds.on_html_page_context, 500, "feed <link>s"),
    Handler("html-page-context", search.on_page_context, 500, "the search page's index path"),
    Handler("html-page-context", safety.on_html_page_context, 900,
            "after every theme and kiji handler: plain-text values the themes print raw, escaped"),
    # -- after writing ---------------------------------------------------------------------------
    Handler("build-finished", freshness.on_build_finished, 400,
            "before redirects (500): a removed post's old page goes before a redirect takes its place"),
    Handler("build-finished", pages.on_build_finished, 500, "generated-page signatures saved"),
    Handler("build-finished", redirects.on_build_finished, 500, "redirect pages"),
    Handler("build-finished", seo.on_build_finished, 500, "sitemap.xml, robots.txt, cards"),
    Handler("build-finished", feeds.on_build_finished, 600,
            "after seo, which reports a missing site URL for both"),
)  # fmt: skip


def connect(app: Any) -> None:
    for row in EVENTS:
        app.connect(row.event, row.handler, priority=row.priority)
