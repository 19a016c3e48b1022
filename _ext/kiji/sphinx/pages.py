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
from markupsafe import escape
from sphinx.util import logging
from sphinx.util.display import status_iterator

from ..core import catalog as cat
from ..core.labels import label
from ..core.store import SideStore, signature
from .listings import Renderer
from .parallel import MIN_PARALLEL_ITEMS, background

logger = logging.getLogger(__name__)

INDEX_KINDS = {"tag": "tags_index", "category": "categories_index", "author": "authors_index"}


def _page(title: str, *body: nodes.Node) -> nodes.Element:
    section = nodes.section(ids=["kiji-page"])
    section += nodes.title(title, title)
    for node in body:
        section += node
    return section


def _rows(domain: Any, docnames: list[str]) -> list[Any]:
    posts = domain.posts
    return [(d, posts[d].get("title"), posts[d].get("date"), posts[d].get("excerpt")) for d in docnames]


def _pages(app: Any) -> Iterator[tuple[str, str, Any, Any]]:
    """(pagename, title, body builder, data shown) for every generated page, in a stable order.

    The data is what the body is made from: its hash decides whether the page is rewritten.
    """
    domain = app.env.get_domain("kiji")
    c: cat.Catalog = domain.catalog
    language = app.config.language
    for kind in cat.KINDS:
        folder = cat.FOLDERS[kind]
        title = label(language, INDEX_KINDS[kind])
        listing = [(t.pagename, t.name, len(t.docnames)) for t in c.sorted_terms(kind)]
        if kind == "tag":
            yield f"{folder}/index", title, lambda r, k=kind: [r.cloud(k), r.term_table(k)], listing
        else:
            yield f"{folder}/index", title, lambda r, k=kind: [r.term_table(k)], listing
        for term in c.sorted_terms(kind):
            page_title = label(language, f"{kind}_title", name=term.name)
            yield term.pagename, page_title, lambda r, t=term: [r.post_list(t.docnames)], _rows(domain, term.docnames)
    archive = [(y, [(m, len(d)) for m, d in months.items()]) for y, months in c.archive.items()]
    yield "archive/index", label(language, "archive_index"), lambda r: [r.archive()], archive
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

        data = [(m, _rows(domain, d)) for m, d in months.items()]
        yield f"archive/{year}", label(language, "year_title", y=year), year_body, data


#: What each generated page was made from, at the last successful build.
STORE = "pages"


def on_env_get_updated(app: Any, env: Any) -> list[str]:
    """Decide which generated pages changed since the last successful build.

    Their signatures live in a file of their own: Sphinx saves the environment only when a
    document was read, and a build that reads nothing must still know what it wrote last time.
    """
    domain = env.get_domain("kiji")
    old = SideStore(app.doctreedir, STORE).load()
    new = {pagename: signature(title, data) for pagename, title, _, data in _pages(app)}
    domain.page_signatures = new
    domain.changed_pages = {p for p, sig in new.items() if old.get(p) != sig}
    return []


def on_build_finished(app: Any, exception: Exception | None) -> None:
    sigs = getattr(app.env.get_domain("kiji"), "page_signatures", None)
    if exception is None and sigs is not None and app.builder.format == "html":
        SideStore(app.doctreedir, STORE).save(sigs)


def _render(app: Any, pagename: str, title: str, make_body: Any) -> dict[str, Any]:
    body = make_body(Renderer(app, pagename))
    # The writer reads per-document state that is only set while writing documents.
    app.builder.fignumbers = {}
    app.builder.current_docname = pagename
    html = app.builder.render_partial(_page(title, *body))["fragment"]
    return {
        # HTML, as Sphinx gives every template its page title (themes print it raw in the
        # breadcrumbs and strip its tags for <title>); the text is kept for metadata and feeds.
        "title": escape(title),
        "kiji_title_text": title,
        "body": html,
        "display_toc": False,
        "toc": "",
        "metatags": "",
        "sourcename": "",
        "kiji_generated": True,
    }


def collect_pages(app: Any) -> Iterator[tuple[str, dict[str, Any], str]]:
    """Write the generated pages that changed: in ``-j`` workers, else one by one here."""
    if app.builder.format != "html" or not app.config.kiji_index_pages:
        return iter(())
    domain = app.env.get_domain("kiji")
    changed = getattr(domain, "changed_pages", None)
    # kiji.freshness decides whether the frame of every page changed (configuration, static files):
    # Sphinx has reset config_status by now.
    rewrite_all = changed is None or getattr(domain, "rewrite_everything", True)
    newest_template = app.builder.templates.newest_template_mtime() if app.builder.templates else 0
    todo = []
    for pagename, title, make_body, _data in _pages(app):
        if not rewrite_all and pagename not in changed:
            out = Path(app.builder.get_outfilename(pagename))
            try:
                if out.stat().st_mtime >= newest_template:
                    continue  # unchanged, and not older than the theme's templates
            except OSError:
                pass  # missing: write it
        todo.append((pagename, title, make_body))

    def write(chunk: list[tuple[str, str, Any]]) -> None:
        for pagename, title, make_body in chunk:
            app.builder.handle_page(pagename, _render(app, pagename, title, make_body), "page.html")

    pool = background(app)
    if pool.parallel and len(todo) >= MIN_PARALLEL_ITEMS:
        logger.info("writing %d index pages in %d processes", len(todo), pool.nproc)
        pool.map_chunks(write, todo)
    else:
        for item in status_iterator(
            todo, "writing index pages... ", "darkgreen", len(todo), app.verbosity,
            stringify_func=lambda t: t[0],
        ):  # fmt: skip
            write([item])
    return iter(())
