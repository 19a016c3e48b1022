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
from . import charts
from . import pagination as pg
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


def _paged_body(page: pg.Page, total: int, make_list: Any, chart: Any = None) -> Any:
    """The body of one page of a listing: the count of all its posts, on the first page its chart,
    the list, the page links."""

    def body(r: Renderer) -> list[nodes.Node]:
        language = r.language
        text = label(language, "posts_total", n=total)
        if page.count > 1:
            text += " " + label(language, "page_of", k=page.number, n=page.count)
        out: list[nodes.Node] = [nodes.paragraph(text, text, classes=["kiji-listing-count"])]
        if chart is not None and page.number == 1:
            out.extend(chart(language))
        out.extend(make_list(r))
        if page.count > 1:
            out.append(
                pg.pager(page, r.uri, label(language, "pages"), label(language, "page_prev"), label(language, "page_next"))
            )
        return out

    return body


def _month_bars(language: str | None, counts: list[tuple[tuple[int, int], int]]) -> tuple[list[tuple[str, int]], list[tuple[int, str]]]:
    """Bars labelled ``2026年3月`` and, under the first bar of each year, the year."""
    bars = [(label(language, "month", y=y, m=m), n) for (y, m), n in counts]
    marks = [(i, label(language, "year", y=y)) for i, ((y, m), _) in enumerate(counts) if m == 1 or i == 0]
    return bars, marks


def _archive_chart(language: str | None, counts: list[tuple[tuple[int, int], int]]) -> list[nodes.Node]:
    if not counts:
        return []
    bars, marks = _month_bars(language, counts)
    title = label(language, "chart_archive", first=bars[0][0], last=bars[-1][0])
    header = (label(language, "chart_month"), label(language, "chart_count"))
    return [charts.figure("kiji-chart-archive", title, bars, marks, header)]


def _year_chart(language: str | None, year: int, counts: list[tuple[tuple[int, int], int]]) -> list[nodes.Node]:
    bars = [(label(language, "month", y=y, m=m), n) for (y, m), n in counts]
    marks = [(i, str(m)) for i, ((_, m), _) in enumerate(counts)]
    header = (label(language, "chart_month"), label(language, "chart_count"))
    return [charts.figure("kiji-chart-year", label(language, "chart_year", y=year), bars, marks, header, center_marks=True)]


def _term_counts(domain: Any, docnames: list[str]) -> tuple[str, list[Any]]:
    """A term's posts per month over up to three years, else per year: ("month"|"year", counts)."""
    months = []
    for d in docnames:
        date = domain.posts[d].get("date")
        if date:
            months.append((int(date[:4]), int(date[5:7])))
    if months and (max(months)[0] - min(months)[0]) * 12 + max(months)[1] - min(months)[1] < 36:
        return "month", charts.monthly(months)
    return "year", charts.yearly(y for y, _ in months)


def _term_chart(language: str | None, name: str, counts: tuple[str, list[Any]]) -> list[nodes.Node]:
    unit, values = counts
    if not values:
        return []
    title = label(language, "chart_term", name=name)
    if unit == "month":
        bars, marks = _month_bars(language, values)
        header = (label(language, "chart_month"), label(language, "chart_count"))
    else:
        bars = [(label(language, "year", y=y), n) for y, n in values]
        marks = [(i, str(y)) for i, (y, _) in enumerate(values)]
        header = (label(language, "chart_year_col"), label(language, "chart_count"))
    return [charts.figure("kiji-chart-term", title, bars, marks, header, small=True)]


def _page_title(language: str | None, title: str, page: pg.Page) -> str:
    return title if page.number == 1 else title + label(language, "page_suffix", k=page.number)


def _pages(app: Any) -> Iterator[tuple[str, str, Any, Any, pg.Page | None]]:
    """(pagename, title, body builder, data shown, page of a listing) for every generated page,
    in a stable order. The data is what the body is made from: its hash decides whether the page
    is rewritten. Listings of posts are split into pages of ``kiji_listing_page_size``.
    """
    domain = app.env.get_domain("kiji")
    c: cat.Catalog = domain.catalog
    language = app.config.language
    size = app.config.kiji_listing_page_size
    for kind in cat.KINDS:
        folder = cat.FOLDERS[kind]
        title = label(language, INDEX_KINDS[kind])
        listing = [(t.pagename, t.name, len(t.docnames)) for t in c.sorted_terms(kind)]
        if kind == "tag":
            yield f"{folder}/index", title, lambda r, k=kind: [r.cloud(k), r.term_table(k)], listing, None
        else:
            yield f"{folder}/index", title, lambda r, k=kind: [r.term_table(k)], listing, None
        for term in c.sorted_terms(kind):
            page_title = label(language, f"{kind}_title", name=term.name)
            total = len(term.docnames)
            counts = _term_counts(domain, term.docnames) if kind == "tag" else None
            chart = (lambda lang, n=term.name, c=counts: _term_chart(lang, n, c)) if counts else None
            for page, chunk in pg.pages(term.pagename, term.docnames, size):
                body = _paged_body(page, total, lambda r, ch=chunk: [r.post_list(ch)], chart)
                data = (_rows(domain, chunk), page.number, page.count, total, counts if page.number == 1 else None)
                yield page.pagename, _page_title(language, page_title, page), body, data, page
    archive = [(y, [(m, len(d)) for m, d in months.items()]) for y, months in c.archive.items()]
    per_month = charts.monthly((y, m) for y, months in archive for m, n in months for _ in range(n))
    yield (
        "archive/index",
        label(language, "archive_index"),
        lambda r: [*_archive_chart(language, per_month), r.archive()],
        (archive, size),
        None,
    )
    for year, months in c.archive.items():
        flat = [(month, doc) for month, docs in months.items() for doc in docs]
        year_title = label(language, "year_title", y=year)

        def year_list(r: Renderer, chunk: list[tuple[int, str]], year: int = year) -> list[nodes.Node]:
            out: list[nodes.Node] = []
            for month in dict.fromkeys(m for m, _ in chunk):
                sec = nodes.section(ids=[f"m{month:02d}"])
                text = label(language, "month", y=year, m=month)
                sec += nodes.title(text, text)
                sec += r.post_list([d for m, d in chunk if m == month])
                out.append(sec)
            return out

        year_counts = charts.monthly([(year, m) for m, _ in flat], span=((year, 1), (year, 12)))

        def chart(lang: str | None, y: int = year, c: list[Any] = year_counts) -> list[nodes.Node]:
            return _year_chart(lang, y, c)

        for page, chunk in pg.pages(f"archive/{year}", flat, size):
            body = _paged_body(page, len(flat), lambda r, ch=chunk: year_list(r, ch), chart)
            data = ([(m, _rows(domain, [d])) for m, d in chunk], page.number, page.count, len(flat))
            yield page.pagename, _page_title(language, year_title, page), body, data, page


#: What each generated page was made from, at the last successful build.
STORE = "pages"


def on_env_get_updated(app: Any, env: Any) -> list[str]:
    """Decide which generated pages changed since the last successful build.

    Their signatures live in a file of their own: Sphinx saves the environment only when a
    document was read, and a build that reads nothing must still know what it wrote last time.
    """
    domain = env.get_domain("kiji")
    old = SideStore(app.doctreedir, STORE).load()
    new = {pagename: signature(title, data) for pagename, title, _, data, _page in _pages(app)}
    domain.page_signatures = new
    # Pages of a listing that no longer exist (a tag lost posts): removed, as a clean build has none.
    domain.removed_pages = sorted(set(old) - set(new))
    domain.changed_pages = {p for p, sig in new.items() if old.get(p) != sig}
    return []


def on_build_finished(app: Any, exception: Exception | None) -> None:
    sigs = getattr(app.env.get_domain("kiji"), "page_signatures", None)
    if exception is None and sigs is not None and app.builder.format == "html":
        SideStore(app.doctreedir, STORE).save(sigs)


def _render(app: Any, pagename: str, title: str, make_body: Any, page: pg.Page | None = None) -> dict[str, Any]:
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
        # <link rel="prev"/"next"> in the head: every theme prints ``metatags`` there.
        "metatags": pg.head_links(
            app.builder.get_relative_uri(pagename, page.prev) if page and page.prev else None,
            app.builder.get_relative_uri(pagename, page.next) if page and page.next else None,
        ),
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
    for gone in getattr(domain, "removed_pages", []):
        out = Path(app.builder.get_outfilename(gone))
        out.unlink(missing_ok=True)
        try:
            out.parent.rmdir()  # tags/ai/ once its last extra page is gone
        except OSError:
            pass  # not empty, or not there
    todo = []
    for pagename, title, make_body, _data, page in _pages(app):
        if not rewrite_all and pagename not in changed:
            out = Path(app.builder.get_outfilename(pagename))
            try:
                if out.stat().st_mtime >= newest_template:
                    continue  # unchanged, and not older than the theme's templates
            except OSError:
                pass  # missing: write it
        todo.append((pagename, title, make_body, page))

    def write(chunk: list[tuple[str, str, Any, Any]]) -> None:
        for pagename, title, make_body, page in chunk:
            app.builder.handle_page(pagename, _render(app, pagename, title, make_body, page), "page.html")

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
