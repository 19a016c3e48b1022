"""Redirect pages from the old blog's URLs to the posts' new pages, so old links keep working.

A post's old URLs are its Jekyll URL (``permalink`` from the front matter, else the site's
Jekyll permalink style, ``/:categories/:year/:month/:day/:title.html`` by default; see
``kiji_jekyll_permalink``) and every entry of ``redirect_from`` (jekyll-redirect-from). Each
becomes a small HTML page at that path in the output folder, written at ``build-finished`` from
the ``kiji/redirect.html`` template: a meta refresh and a script to the new page (relative, so
it works on any host and in a local preview), ``rel=canonical`` (absolute when the site URL is
known), ``noindex`` and a visible link.

Paths come from front matter, so they are sanitised (:func:`output_path`): percent-decoding,
no ``..``, no absolute or foreign URLs, no hidden or ``_`` folders (Sphinx's ``_static`` ...),
no characters Windows cannot store, a name that is never an existing page or another post's old
URL. Every refusal is a ``kiji.redirect`` warning located at the post, logged on ``env-updated``
(once per build, with the other catalogue warnings).

Not sphinx-reredirects: it substitutes the target into its HTML and JavaScript unescaped, joins
paths onto the output folder without checking them, logs a line and rewrites every file on each
build, and its ``redirects`` setting is an "env" config value, so filling it from the posts at
build time would make Sphinx re-read every document on the next build.
"""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from sphinx.util import logging
from sphinx.util.display import status_iterator
from sphinx.util.osutil import relative_uri

from ..core.store import SideStore, write_atomic
from ..core.store import signature as store_signature
from ..core.warnings_ import WARNING_TYPE, W
from . import seo
from .posts import site_timezone

logger = logging.getLogger(__name__)

TEMPLATE = "kiji/redirect.html"
STORE = "redirects"  # side store: {"signature": ..., "files": [redirect files this site wrote]}
MARKER = "kiji-redirect"  # <meta name="generator">: only files carrying it are ever removed

# Jekyll's built-in permalink styles (https://jekyllrb.com/docs/permalinks/).
STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_PLACEHOLDER = re.compile(r":([a-z_]+)")
# Characters Windows cannot store in a file name (the site may be built there too).
_BAD_CHARS = frozenset('<>:"|?*\\')
_DEVICES = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)
MAX_SEGMENT_BYTES = 200

WORDS = {
    "ja": {"moved": "このページは移動しました。", "link": "新しいページ: "},
    "en": {"moved": "This page has moved.", "link": "New page: "},
}

#: Jekyll's own default permalink style.
DEFAULT_PERMALINK = "date"

CONFIG: dict[str, tuple[Any, str, frozenset[type], str]] = {
    "kiji_redirects": (True, "html", frozenset({bool}), "write redirect pages for old URLs"),
    # None (unset): the imported _config.yml's permalink (kiji.sphinx.oldurls), else "date".
    "kiji_jekyll_permalink": (
        None,
        "html",
        frozenset({str, type(None)}),
        "the old blog's permalink style or template; '' for none",
    ),
}


def validate(app: Any, config: Any) -> None:
    pattern = config.kiji_jekyll_permalink
    if pattern is None:
        config.kiji_jekyll_permalink = DEFAULT_PERMALINK
        return
    if not isinstance(pattern, str) or (
        pattern and pattern not in STYLES and not pattern.startswith("/")
    ):
        seo.config_warning(
            "kiji_jekyll_permalink",
            pattern,
            f"must be one of {', '.join(STYLES)}, a template starting with '/', or ''",
            DEFAULT_PERMALINK,
        )
        config.kiji_jekyll_permalink = DEFAULT_PERMALINK


# --------------------------------------------------------------------------- Jekyll URLs


def jekyll_slugify(text: str, pretty: bool) -> str:
    """Jekyll's ``Utils.slugify``: ``pretty`` (cased) for ``:title``, ``default`` for ``:slug``."""
    keep = "._~!$&'()+,;=@" if pretty else ""
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        out.append(ch if cat[0] in "LM" or cat == "Nd" or ch in keep else "-")
    slug = re.sub(r"-+", "-", "".join(out)).strip("-")
    return slug if pretty else slug.lower()


def placeholders(info: dict[str, Any], when: datetime | None) -> dict[str, str]:
    """The values Jekyll substitutes into a post's permalink template."""
    slug = info.get("slug") or ""
    values = {
        "title": jekyll_slugify(slug, pretty=True),
        "slug": jekyll_slugify(slug, pretty=False),
        "categories": "/".join(dict.fromkeys(c.lower() for c in info.get("categories", ()))),
        "output_ext": ".html",
        "collection": "posts",
        "lang": str(info.get("lang") or ""),
    }
    if when is not None:
        iso_year, iso_week, iso_day = when.isocalendar()
        values.update(
            year=f"{when.year:04d}",
            month=f"{when.month:02d}",
            day=f"{when.day:02d}",
            i_month=str(when.month),
            i_day=str(when.day),
            short_year=f"{when.year % 100:02d}",
            y_day=f"{when.timetuple().tm_yday:03d}",
            hour=f"{when.hour:02d}",
            minute=f"{when.minute:02d}",
            second=f"{when.second:02d}",
            long_month=_MONTHS[when.month - 1],
            short_month=_MONTHS[when.month - 1][:3],
            long_day=_DAYS[when.weekday()],
            short_day=_DAYS[when.weekday()][:3],
            week=f"{iso_week:02d}",
            w_year=str(iso_year),
            w_day=str(iso_day),
        )
    return values


def expand(template: str, values: dict[str, str]) -> str:
    """Jekyll's ``URL#generate_url_from_drop``: ``:name`` (or ``:name_``) replaced, ``//`` squeezed.
    Raises KeyError for a placeholder that does not exist (Jekyll fails the build there)."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        for key in (name, name.rstrip("_")):
            if key in values:
                return values[key] + match.group(0)[1 + len(key) :]
        raise KeyError(name)

    return re.sub(r"/+", "/", _PLACEHOLDER.sub(replace, template))


def old_urls(app: Any, info: dict[str, Any]) -> tuple[list[tuple[str, str]], list[str]]:
    """``(origin, url path)`` of a post's old URLs (its Jekyll URL, then ``redirect_from``), and
    the problems found on the way."""
    out: list[tuple[str, str]] = []
    problems: list[str] = []
    template = info.get("permalink") or STYLES.get(
        app.config.kiji_jekyll_permalink, app.config.kiji_jekyll_permalink
    )
    if template:
        when = (
            datetime.fromisoformat(info["date"]).astimezone(site_timezone(app.config))
            if info.get("date")
            else None
        )
        origin = "permalink" if info.get("permalink") else "kiji_jekyll_permalink"
        try:
            out.append((origin, expand(template, placeholders(info, when))))
        except KeyError as err:
            why = (
                "the post has no date"
                if when is None
                else f"Jekyll has no placeholder :{err.args[0]}"
            )
            problems.append(
                f"{origin} {template!r} cannot be expanded ({why}); no redirect from the old URL"
            )
    out += [("redirect_from", path) for path in info.get("redirect_from", ())]
    return out, problems


# --------------------------------------------------------------------------- sanitising


def output_path(url: str) -> tuple[str | None, str]:
    """The file (relative to the output folder) serving ``url``, or None and why not.

    Follows Jekyll: a path ending in ``/`` is served by its ``index.html``, one without
    ``.html`` gets ``.html`` appended. Never leaves the output folder.
    """
    text = url.strip()
    if not text:
        return None, "is empty"
    parts = urlsplit(text)
    if parts.scheme or parts.netloc:
        return None, "is not a path of this site (it has a scheme or a host)"
    path = unquote(parts.path)
    if any(unicodedata.category(c) == "Cc" for c in path):
        return None, "contains control characters"
    if "\\" in path:
        return None, "contains a backslash"
    directory = path.endswith("/") or path == ""
    segments = [s for s in path.split("/") if s not in ("", ".")]
    if ".." in segments:
        return None, "climbs out of the site with '..'"
    if segments and segments[0][0] in "._":
        return None, f"is inside {segments[0]!r}, a folder of Sphinx's own files or a hidden one"
    for seg in segments:
        if any(c in _BAD_CHARS for c in seg) or seg.rstrip(". ") != seg:
            return None, f"has a file name {seg!r} that cannot be stored on every system"
        if seg.split(".")[0].lower() in _DEVICES:
            return None, f"uses the reserved device name {seg!r}"
        if len(seg.encode("utf-8")) > MAX_SEGMENT_BYTES:
            return None, "has a file name longer than file systems allow"
    if directory or not segments:
        segments.append("index.html")
    elif not segments[-1].endswith(".html"):
        segments[-1] += ".html"
    return "/".join(segments), ""


def _warn(info: dict[str, Any], message: str) -> None:
    logger.warning(message, location=(info["docname"], None), type=WARNING_TYPE, subtype=W.REDIRECT)


def _same_file(rel: str) -> str:
    """Paths that name one file on a case-insensitive or normalising file system (macOS,
    Windows) compare equal."""
    return unicodedata.normalize("NFC", rel).casefold()


def _out_file(app: Any, pagename: str) -> str:
    """The page's output file relative to the output folder, with ``/``.

    String operations, not ``Path.relative_to``: this runs for every page on every build.
    """
    path = os.fspath(app.builder.get_outfilename(pagename))
    root = os.path.join(os.fspath(app.outdir), "")
    if path.startswith(root):
        return path[len(root) :].replace(os.sep, "/")
    return Path(path).relative_to(app.outdir).as_posix()


def _page_files(app: Any) -> dict[str, str]:
    """Output file -> page name of every page Sphinx and kiji write (never overwritten)."""
    names = set(app.env.found_docs) | set(seo.generated_pages(app))
    names |= {"search", "genindex", "py-modindex", seo.notfound_pagename(app.config)}
    return {_same_file(_out_file(app, name)): name for name in names}


def plan(app: Any, warn: bool) -> dict[str, str]:
    """Redirect file -> post docname, for every post (sorted, so the first post wins a tie)."""
    if not app.config.kiji_redirects or not seo.is_html(app):
        return {}
    taken = _page_files(app)
    posts = app.env.get_domain("kiji").posts
    redirects: dict[str, str] = {}
    claimed: dict[str, str] = {}  # _same_file(path) -> docname
    for docname in sorted(posts):
        info = posts[docname]
        own = _out_file(app, docname)
        urls, problems = old_urls(app, info)
        for problem in problems if warn else ():
            _warn(info, problem)
        for origin, url in urls:
            rel, why = output_path(url)
            if rel is None:
                if warn:
                    _warn(info, f"{origin} {url!r} {why}; no redirect written")
                continue
            key = _same_file(rel)
            if key == _same_file(own) or claimed.get(key) == docname:
                continue  # the old URL is the new one, or listed twice
            if key in taken:
                if warn:
                    _warn(
                        info,
                        f"{origin} {url!r} is the page {taken[key]!r}; it is not replaced",
                    )
                continue
            if key in claimed:
                if warn:
                    _warn(
                        info,
                        f"{origin} {url!r} already redirects to {claimed[key]!r}; no second one",
                    )
                continue
            claimed[key] = docname
            redirects[rel] = docname
    return redirects


def on_env_updated(app: Any, env: Any) -> None:
    # Kept for build-finished (derived data of this build, main process only, never pickled).
    env.get_domain("kiji").redirect_plan = plan(app, warn=True)


# --------------------------------------------------------------------------- writing


def words(config: Any) -> dict[str, str]:
    return WORDS.get((config.language or "ja").split("_")[0], WORDS["ja"])


def context(app: Any, rel: str, docname: str) -> dict[str, Any]:
    config = app.config
    info = app.env.get_domain("kiji").posts[docname]
    target_uri = app.builder.get_target_uri(docname)
    return {
        "language": config.language or "",
        "title": info.get("title") or docname,
        # Percent-encoded (get_target_uri is; the ../ part needs nothing): no quote, space or
        # angle bracket reaches the template's attribute or (through tojson) its script.
        "target": relative_uri(quote(rel), target_uri),
        "canonical": seo.absolute_url(config, target_uri) if seo.site_url(config) else "",
        "generator": MARKER,
        "words": words(config),
    }


def render(app: Any, rel: str, docname: str) -> bytes:
    return app.builder.templates.render(TEMPLATE, context(app, rel, docname)).encode("utf-8")


def signature(app: Any, redirects: dict[str, str]) -> str:
    """A digest of every redirect page's inputs: the same digest, the same pages.

    The templates count by their newest modification time (a changed theme or template writes
    every page again), as Sphinx itself decides for ordinary pages.
    """
    templates = app.builder.templates
    newest = templates.newest_template_mtime() if templates is not None else 0
    rows = [[rel, context(app, rel, docname)] for rel, docname in sorted(redirects.items())]
    return store_signature(MARKER, newest, rows)


def _is_ours(path: Path) -> bool:
    try:
        return MARKER.encode() in path.read_bytes()[:2048]
    except OSError:
        return False


def on_build_finished(app: Any, exception: BaseException | None) -> None:
    if exception is not None or not seo.is_html(app):
        return
    outdir = Path(app.outdir)
    store = SideStore(app.doctreedir, STORE)
    saved = store.load()
    old_signature = str(saved.get("signature", ""))
    before = {str(x) for x in saved.get("files", [])}
    redirects = getattr(app.env.get_domain("kiji"), "redirect_plan", None)
    if redirects is None:
        redirects = plan(app, warn=False)
    new_signature = signature(app, redirects)
    if new_signature == old_signature and before == set(redirects) and all(
        (outdir / PurePosixPath(rel)).is_file() for rel in redirects
    ):
        return  # every page is there with these very inputs: nothing to render
    root = outdir.resolve()
    written: list[str] = []
    items = list(redirects.items())
    for rel, docname in status_iterator(
        items, "kiji: writing redirects... ", "darkgreen", len(items), app.verbosity,
        stringify_func=lambda item: item[0],
    ):  # fmt: skip
        path = outdir / PurePosixPath(rel)
        if not path.resolve().is_relative_to(root):  # a symlinked folder in the output
            continue
        try:
            write_atomic(path, render(app, rel, docname))
            written.append(rel)
        except OSError as err:
            _warn(app.env.get_domain("kiji").posts[docname], f"redirect {rel!r} not written: {err}")
    # Old URLs no post claims any more: remove their pages (only pages this module wrote).
    for rel in sorted(before - set(written)):
        path = outdir / PurePosixPath(rel)
        if path.is_file() and _is_ours(path) and path.resolve().is_relative_to(root):
            path.unlink()
    complete = len(written) == len(redirects)
    store.save({"signature": new_signature if complete else "", "files": sorted(written)})
