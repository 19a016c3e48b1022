"""Generated index pages: tags, categories, authors, archive; one page per term and per year.

Produced with ``html-collect-pages`` (nothing is written into the source folder). Each page's
body is built as docutils nodes by :class:`~kiji.listings.Renderer` and rendered by the builder's
own writer into the theme's ``page.html``, so values are escaped exactly as in any page. A page
whose content is unchanged since the last build, and whose file is still there, is not rewritten.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.environment import CONFIG_OK
from sphinx.util import logging
from sphinx.util.display import status_iterator

from . import catalog as cat
from .labels import label
from .listings import Renderer
from .posts import content_hash

logger = logging.getLogger(__name__)

INDEX_KINDS = {"tag": "tags_index", "category": "categories_index", "author": "authors_index"}


def _page(title: str, *body: nodes.Node) -> nodes.Element:
    section = nodes.section(ids=["kiji-page"])
    section += nodes.title(title, title)
    for node in body:
        section += node
    return section


def _pages(app: Any) -> Iterator[tuple[str, str, Any]]:
    """(pagename, title, builder-of-body) for every generated page, in a stable order."""
    domain = app.env.get_domain("kiji")
    c: cat.Catalog = domain.catalog
    language = app.config.language
    for kind in cat.KINDS:
        folder = cat.FOLDERS[kind]
        title = label(language, INDEX_KINDS[kind])
        if kind == "tag":
            yield f"{folder}/index", title, lambda r, k=kind: [r.cloud(k), r.term_table(k)]
        else:
            yield f"{folder}/index", title, lambda r, k=kind: [r.term_table(k)]
        for term in c.sorted_terms(kind):
            page_title = label(language, f"{kind}_title", name=term.name)
            yield term.pagename, page_title, lambda r, t=term: [r.post_list(t.docnames)]
    yield "archive/index", label(language, "archive_index"), lambda r: [r.archive()]
    for year, months in c.archive.items():

        def year_body(r: Renderer, months: dict[int, list[str]] = months, year: int = year) -> list[nodes.Node]:
            out: list[nodes.Node] = []
            for month, docs in months.items():
                sec = nodes.section(ids=[f"m{month:02d}"])
                text = label(language, "month", y=year, m=month)
                sec += nodes.title(text, text)
                sec += r.post_list(docs)
                out.append(sec)
            return out

        yield f"archive/{year}", label(language, "year_title", y=year), year_body


def collect_pages(app: Any) -> Iterator[tuple[str, dict[str, Any], str]]:
    if app.builder.format != "html" or not app.config.kiji_index_pages:
        return
    domain = app.env.get_domain("kiji")
    old: dict[str, str] = domain.data["page_signatures"]
    new: dict[str, str] = {}
    pages = list(_pages(app))
    # A changed configuration or theme rewrites everything, like Sphinx does for documents.
    config_key = content_hash(app.env.config_status, app.config.html_theme, app.config.language)
    todo = []
    for pagename, title, make_body in pages:
        renderer = Renderer(app, pagename)
        body = make_body(renderer)
        sig = content_hash(title, [b.pformat() for b in body], config_key)
        new[pagename] = sig
        out = Path(app.builder.get_outfilename(pagename))
        if old.get(pagename) == sig and out.exists() and app.env.config_status == CONFIG_OK:
            continue
        todo.append((pagename, title, body))
    domain.data["page_signatures"] = new
    for pagename, title, body in status_iterator(
        todo, "writing index pages... ", "darkgreen", len(todo), app.verbosity, stringify_func=lambda t: t[0]
    ):
        # The writer reads per-document state that is only set while writing documents.
        app.builder.fignumbers = {}
        app.builder.current_docname = pagename
        html = app.builder.render_partial(_page(title, *body))["fragment"]
        context = {
            "title": title,
            "body": html,
            "display_toc": False,
            "toc": "",
            "metatags": "",
            "sourcename": "",
            "kiji_generated": True,
        }
        yield pagename, context, "page.html"
