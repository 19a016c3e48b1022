"""Social and search-engine metadata: OpenGraph, Twitter and JSON-LD for posts and generated
pages, social cards, ``sitemap.xml`` and ``robots.txt``. What jekyll-seo-tag and jekyll-sitemap
do for a Jekyll blog.

Who writes what:

- ordinary documents (the landing page, any non-post page) get their OpenGraph tags from
  sphinxext-opengraph (``og:type`` ``website``, title, description, ``og:url``); this module adds
  ``og:locale``;
- posts and generated index pages carry front-matter values (titles, tag names), and
  sphinxext-opengraph escapes only ``"`` in what it writes. For them this module writes every tag
  itself, serialised by :mod:`xml.etree.ElementTree` (``& < > "`` escaped), and switches
  sphinxext-opengraph off for that page (``ogp_disable``);
- social cards (:mod:`kiji.cards`) are drawn when the post is read (``doctree-read``, i.e. in
  the ``-j`` reader processes: reading is the phase Sphinx parallelises best), named by a hash of
  their inputs and never drawn twice; writing a page only checks that its card is there;
- the sitemap and robots.txt are written once, at ``build-finished``, from the environment (not
  from the pages written in this build, so an incremental build lists every page), sorted, and
  only when their bytes change.

The site URL (``kiji_site_url``, else ``html_baseurl``; on Read the Docs both come from
``READTHEDOCS_CANONICAL_URL``) makes URLs absolute. Without it the build still works offline:
URLs stay relative, and the sitemap, robots.txt and feeds are skipped with one clear message.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit
from xml.etree import ElementTree as ET

from jinja2.utils import htmlsafe_json_dumps
from sphinx.util import logging

from ..core import cards
from ..core import catalog as cat
from ..core.sources import Matcher
from ..core.store import write_atomic
from ..core.warnings_ import WARNING_TYPE, W

logger = logging.getLogger(__name__)

CARD_FOLDER = "_kiji/cards"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"

# language -> og:locale (language_TERRITORY); anything else is derived from the language code.
LOCALES = {
    "ja": "ja_JP",
    "en": "en_US",
    "ko": "ko_KR",
    "zh": "zh_CN",
    "zh_cn": "zh_CN",
    "zh_tw": "zh_TW",
    "de": "de_DE",
    "fr": "fr_FR",
    "es": "es_ES",
    "it": "it_IT",
    "pt": "pt_BR",
    "ru": "ru_RU",
}

# name -> (default, rebuild, types, description)
CONFIG: dict[str, tuple[Any, str, frozenset[type], str]] = {
    "kiji_site_url": (
        "",
        "html",
        frozenset({str}),
        "public URL of the site (Jekyll's url + baseurl); default: html_baseurl",
    ),
    "kiji_og_locale": (
        "",
        "html",
        frozenset({str}),
        "og:locale; default: from language (ja → ja_JP)",
    ),
    "kiji_social_cards": (
        True,
        "html",
        frozenset({bool}),
        "draw a social card image for each post",
    ),
    "kiji_card_font": (
        "",
        "html",
        frozenset({str}),
        "font file or family for cards; default: found",
    ),
    "kiji_card_colors": ({}, "html", frozenset({dict}), "card colours: background, ink, accent"),
    # Filled in on config-inited with the font files found, so a different font is a changed
    # configuration and every page (and its og:image) is rewritten. Not for conf.py.
    "kiji_card_font_files": ([], "html", frozenset({list}), "(resolved) card font files"),
    "kiji_sitemap": (True, "html", frozenset({bool}), "write sitemap.xml"),
    "kiji_sitemap_exclude": (
        ["search", "genindex", "py-modindex", "404"],
        "html",
        frozenset({list, tuple}),
        "page names (glob patterns) left out of sitemap.xml",
    ),
    "kiji_robots_txt": (
        True,
        "html",
        frozenset({bool}),
        "write robots.txt pointing at the sitemap",
    ),
}


def import_opengraph_quietly() -> None:
    """Import sphinxext-opengraph without matplotlib's absence being printed on every build.

    Its own social cards need matplotlib (0.8 s of imports per build, Japanese drawn as boxes);
    kiji switches them off and draws its own with Pillow, so matplotlib is not installed, and
    the module then prints a notice to stdout that would only mislead authors.
    """
    if "sphinxext.opengraph" in sys.modules:
        return
    with contextlib.redirect_stdout(io.StringIO()):
        importlib.import_module("sphinxext.opengraph")


def on_doctree_read(app: Any, doctree: Any) -> None:
    """Draw the post's social card now, in the reader process (see the module docstring)."""
    if not is_html(app):
        return
    info = app.env.get_domain("kiji").posts.get(app.env.docname)
    fonts = card_fonts(app.config)
    if info is not None and fonts is not None:
        ensure_card(app, info, fonts)


# --------------------------------------------------------------------------- configuration


def config_warning(name: str, value: Any, why: str, default: Any) -> None:
    logger.warning(
        "%s = %r: %s; using %r", name, value, why, default, type=WARNING_TYPE, subtype=W.CONFIG
    )


def normalise_site_url(value: str) -> str | None:
    """``https://host/path/`` with a trailing slash; ``""`` for none; None if unusable."""
    value = value.strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or parts.query
        or parts.fragment
        or any(c.isspace() or c in "\"'<>`\\" or ord(c) < 32 for c in value)
    ):
        return None
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((parts.scheme, parts.netloc, quote(path, safe="/%~"), "", ""))


def validate(app: Any, config: Any) -> None:
    url = ""
    for name in ("kiji_site_url", "html_baseurl"):
        given = config[name] or ""
        found = normalise_site_url(given) if isinstance(given, str) else None
        if found is None:
            fallback = "html_baseurl" if name == "kiji_site_url" else "no site URL"
            config_warning(name, given, "is not an absolute http(s) URL", fallback)
        elif found:
            url = found
            break
    config.kiji_site_url = url
    # sphinxext-opengraph, left to itself on Read the Docs, asks the environment for the URL and
    # raises if READTHEDOCS_CANONICAL_URL is missing; give it ours.
    if hasattr(config, "ogp_site_url") and not config.ogp_site_url:
        config.ogp_site_url = url or ("/" if os.environ.get("READTHEDOCS") else "")
    # Its matplotlib cards draw Japanese as boxes and cost tens of ms each; posts get ours.
    if hasattr(config, "ogp_social_cards") and config.ogp_social_cards is None:
        config.ogp_social_cards = {"enable": False}
    if not isinstance(config.kiji_og_locale, str):
        config_warning("kiji_og_locale", config.kiji_og_locale, "must be a string", "")
        config.kiji_og_locale = ""
    colors = config.kiji_card_colors
    if not isinstance(colors, dict) or not all(
        k in cards.DEFAULT_COLORS and isinstance(v, str) and _is_color(v) for k, v in colors.items()
    ):
        config_warning(
            "kiji_card_colors",
            colors,
            f"keys are {sorted(cards.DEFAULT_COLORS)}, values colours",
            {},
        )
        config.kiji_card_colors = {}
    excl = config.kiji_sitemap_exclude
    if not isinstance(excl, (list, tuple)) or not all(isinstance(p, str) for p in excl):
        config_warning(
            "kiji_sitemap_exclude",
            excl,
            "must be a list of page names",
            CONFIG["kiji_sitemap_exclude"][0],
        )
        config.kiji_sitemap_exclude = list(CONFIG["kiji_sitemap_exclude"][0])
    config.kiji_card_font_files = []
    if config.kiji_social_cards:
        fonts = (
            cards.find_fonts(config.kiji_card_font)
            if isinstance(config.kiji_card_font, str)
            else None
        )
        if fonts is None:
            logger.warning(
                "no font that draws Japanese%s: social cards are not drawn "
                "(install fonts-noto-cjk, or set kiji_card_font to a font file)",
                f" for kiji_card_font = {config.kiji_card_font!r}" if config.kiji_card_font else "",
                type=WARNING_TYPE,
                subtype=W.FEED,
            )
        else:
            config.kiji_card_font_files = fonts.as_list()


def _is_color(value: str) -> bool:
    from PIL import ImageColor

    try:
        ImageColor.getrgb(value)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------- URLs


def site_url(config: Any) -> str:
    """The site's public base URL with a trailing slash, or ``""`` (validated on config-inited)."""
    return config.kiji_site_url


def absolute_url(config: Any, uri: str) -> str:
    """A URI relative to the site root made absolute; kept relative when there is no site URL.

    ``uri`` is a path as ``builder.get_target_uri`` gives it (already percent-encoded) or an
    output path of ours (``feed/tags/<slug>.xml``); what is not encoded yet is encoded, ``%``
    escapes are kept (slugs and docnames never contain a bare ``%`` that Sphinx did not encode).
    """
    return site_url(config) + quote(uri, safe="/%")


def is_html(app: Any) -> bool:
    builder = getattr(app, "builder", None)
    return (
        builder is not None and builder.format == "html" and not getattr(builder, "embedded", False)
    )


def site_name(config: Any) -> str:
    name = getattr(config, "ogp_site_name", None)
    # Like sphinxext-opengraph: the project's name (html_title has " documentation" appended).
    return name if isinstance(name, str) and name else (config.project or "")


def og_locale(config: Any) -> str:
    if config.kiji_og_locale:
        return config.kiji_og_locale
    language = (config.language or "en").replace("-", "_")
    code = language.lower()
    if code in LOCALES:
        return LOCALES[code]
    head = code.split("_")[0]
    if "_" in language:
        return f"{head}_{language.split('_', 1)[1].upper()}"
    return LOCALES.get(head, f"{head}_{head.upper()}")


def notfound_pagename(config: Any) -> str:
    return getattr(config, "notfound_pagename", "404")


# --------------------------------------------------------------------------- social cards


def card_fonts(config: Any) -> cards.CardFonts | None:
    if not config.kiji_social_cards:
        return None
    return cards.CardFonts.from_list(config.kiji_card_font_files)


def card_for(config: Any, info: dict[str, Any]) -> cards.Card:
    url = site_url(config)
    parts = urlsplit(url)
    return cards.Card(
        title=info.get("title") or "",
        site_name=site_name(config),
        date=info.get("date_display") or "",
        authors=tuple(info.get("authors", ())),
        tags=tuple(info.get("tags", ())),
        url_text=(parts.netloc + parts.path).rstrip("/") if url else "",
        colors=tuple(sorted(config.kiji_card_colors.items())),
    )


def card_uri(config: Any, info: dict[str, Any], fonts: cards.CardFonts) -> str:
    """The card's path relative to the output folder."""
    return f"{CARD_FOLDER}/{card_for(config, info).key(fonts)}.png"


def ensure_card(app: Any, info: dict[str, Any], fonts: cards.CardFonts) -> str | None:
    """Draw the post's card unless a card with the same inputs exists; its output-relative path."""
    uri = card_uri(app.config, info, fonts)
    path = Path(app.outdir, uri)
    if not path.exists():
        try:
            cards.write_card(path, cards.render(card_for(app.config, info), fonts))
        except (OSError, ValueError) as err:
            logger.warning(
                "social card not written: %s",
                err,
                location=(info["docname"], None),
                type=WARNING_TYPE,
                subtype=W.FEED,
            )
            return None
    return uri


# --------------------------------------------------------------------------- head tags


def _tag(tag: str, attrs: dict[str, str], text: str | None = None) -> str:
    """One element as XML-compatible HTML, every attribute escaped by ElementTree."""
    element = ET.Element(tag, attrs)
    element.text = text
    return ET.tostring(element, encoding="unicode", method="xml", short_empty_elements=True)


def head_html(tags: Iterable[tuple[str, str, str]]) -> str:
    """``(attribute, key, content)`` rows (``property``/``name``) as ``<meta>`` elements."""
    return "".join(
        _tag("meta", {attr: key, "content": content}) + "\n"
        for attr, key, content in tags
        if content
    )


def post_tags(
    app: Any, pagename: str, info: dict[str, Any]
) -> tuple[list[tuple[str, str, str]], dict[str, Any]]:
    """OpenGraph and Twitter rows of a post, and its JSON-LD object."""
    config = app.config
    url = absolute_url(config, app.builder.get_target_uri(pagename))
    title = info.get("title") or ""
    rows: list[tuple[str, str, str]] = [
        ("property", "og:title", title),
        ("property", "og:type", "article"),
        ("property", "og:url", url),
        ("property", "og:site_name", site_name(config)),
        ("property", "og:locale", og_locale(config)),
        ("property", "og:description", info.get("excerpt") or ""),
    ]
    image = None
    fonts = card_fonts(config)
    if fonts is not None:
        uri = ensure_card(app, info, fonts)
        if uri:
            image = absolute_url(config, uri)
            rows += [
                ("property", "og:image", image),
                ("property", "og:image:type", "image/png"),
                ("property", "og:image:width", str(cards.WIDTH)),
                ("property", "og:image:height", str(cards.HEIGHT)),
                ("property", "og:image:alt", title),
            ]
    rows.append(("name", "twitter:card", "summary_large_image" if image else "summary"))
    if info.get("date"):
        rows.append(("property", "article:published_time", info["date"]))
    rows += [("property", "article:author", a) for a in info.get("authors", ())]
    if info.get("categories"):
        rows.append(("property", "article:section", info["categories"][0]))
    rows += [("property", "article:tag", t) for t in info.get("tags", ())]

    # What jekyll-seo-tag emits for search engines: schema.org BlogPosting.
    jsonld: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": title,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "inLanguage": config.language or "",
        "publisher": {"@type": "Organization", "name": site_name(config)},
    }
    if info.get("date"):
        jsonld["datePublished"] = jsonld["dateModified"] = info["date"]
    if info.get("authors"):
        jsonld["author"] = [{"@type": "Person", "name": a} for a in info["authors"]]
    if info.get("excerpt"):
        jsonld["description"] = info["excerpt"]
    if info.get("tags"):
        jsonld["keywords"] = list(info["tags"])
    if info.get("categories"):
        jsonld["articleSection"] = list(info["categories"])
    if image:
        jsonld["image"] = image
    return rows, jsonld


def jsonld_html(data: dict[str, Any]) -> str:
    # htmlsafe_json_dumps writes < > & ' as \u escapes: nothing in it can end the script element,
    # and ElementTree then has nothing left to escape in the text.
    text = str(htmlsafe_json_dumps(data, ensure_ascii=False, sort_keys=True))
    return _tag("script", {"type": "application/ld+json"}, text) + "\n"


def on_html_page_context(
    app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if not is_html(app):
        return
    config = app.config
    if pagename == notfound_pagename(config):
        # One page served at every missing URL: not canonical anywhere, never indexed.
        context["pageurl"] = None
        context["metatags"] = context.get("metatags", "") + head_html(
            [("name", "robots", "noindex")]
        )
        return
    info = app.env.get_domain("kiji").posts.get(pagename) if doctree is not None else None
    if info is not None:
        _opengraph_off(context)
        rows, jsonld = post_tags(app, pagename, info)
        context["metatags"] = context.get("metatags", "") + head_html(rows) + jsonld_html(jsonld)
    elif context.get("kiji_generated"):
        _opengraph_off(context)
        rows = [
            ("property", "og:title", str(context.get("kiji_title_text") or "")),
            ("property", "og:type", "website"),
            ("property", "og:url", absolute_url(config, app.builder.get_target_uri(pagename))),
            ("property", "og:site_name", site_name(config)),
            ("property", "og:locale", og_locale(config)),
            ("name", "twitter:card", "summary"),
        ]
        context["metatags"] = context.get("metatags", "") + head_html(rows)
    elif doctree is not None:
        # sphinxext-opengraph writes the rest (og:type website, title, url, description).
        context["metatags"] = context.get("metatags", "") + head_html(
            [("property", "og:locale", og_locale(config))]
        )


def _opengraph_off(context: dict[str, Any]) -> None:
    # A copy: context['meta'] is the environment's own metadata dict for the page.
    context["meta"] = {**(context.get("meta") or {}), "ogp_disable": True}


# --------------------------------------------------------------------------- build-finished


def generated_pages(app: Any) -> list[str]:
    """The index pages kiji.pages writes (from the domain, so every build knows all of them)."""
    if not app.config.kiji_index_pages:
        return []
    domain = app.env.get_domain("kiji")
    pages = [f"{folder}/index" for folder in cat.FOLDERS.values()]
    pages += [p["pagename"] for p in domain.taxonomy_pages()]
    return pages


def sitemap_xml(app: Any) -> bytes:
    """``sitemap.xml``: every document and generated page, sorted by URL; posts get lastmod."""
    config = app.config
    excluded = Matcher(list(config.kiji_sitemap_exclude))
    posts = app.env.get_domain("kiji").posts
    rows: list[tuple[str, str | None]] = []
    for pagename in sorted(set(app.env.found_docs) | set(generated_pages(app))):
        if excluded(pagename) or pagename == notfound_pagename(config):
            continue
        url = absolute_url(config, app.builder.get_target_uri(pagename))
        rows.append((url, (posts.get(pagename) or {}).get("date")))
    root = ET.Element("urlset", xmlns=SITEMAP_NS)
    for url, lastmod in sorted(rows):
        entry = ET.SubElement(root, "url")
        ET.SubElement(entry, "loc").text = url
        if lastmod:
            ET.SubElement(entry, "lastmod").text = lastmod
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def robots_txt(config: Any) -> bytes:
    lines = ["User-agent: *", "Allow: /", ""]
    if config.kiji_sitemap:
        lines.append(f"Sitemap: {absolute_url(config, SITEMAP)}")
    return ("\n".join(lines) + "\n").encode("ascii")


def _user_robots(app: Any) -> bool:
    """A robots.txt of the site's own, copied from html_extra_path, is left alone."""
    return any(Path(app.confdir, extra, ROBOTS).is_file() for extra in app.config.html_extra_path)


def sync_cards(app: Any) -> None:
    """Every post's card exists (a page not rewritten this build still points at its card), and
    cards no post uses any more are removed, so an incremental build equals a clean one."""
    fonts = card_fonts(app.config)
    folder = Path(app.outdir, CARD_FOLDER)
    wanted: set[str] = set()
    if fonts is not None:
        for info in app.env.get_domain("kiji").posts.values():
            uri = ensure_card(app, info, fonts)
            if uri:
                wanted.add(uri.rsplit("/", 1)[-1])
    if folder.is_dir():
        for path in folder.iterdir():
            if path.name not in wanted and path.suffix == ".png":
                path.unlink(missing_ok=True)


def missing_url_message(app: Any) -> None:
    skipped = [
        name
        for name, on in (
            ("sitemap.xml", app.config.kiji_sitemap),
            ("robots.txt", app.config.kiji_robots_txt),
            ("Atom feeds", getattr(app.config, "kiji_feeds", False)),
        )
        if on
    ]
    if skipped:
        logger.info(
            "kiji: no site URL, so %s were not written and og:url stays relative. Set "
            "kiji_site_url (or html_baseurl) to the public URL, e.g. "
            "-D kiji_site_url=https://example.org/ja/latest/ (Read the Docs sets "
            "READTHEDOCS_CANONICAL_URL, which conf.py uses).",
            ", ".join(skipped),
        )


def on_build_finished(app: Any, exception: BaseException | None) -> None:
    if exception is not None or not is_html(app):
        return
    sync_cards(app)
    config = app.config
    if not site_url(config):
        missing_url_message(app)
        return
    outdir = Path(app.outdir)
    try:
        if config.kiji_sitemap:
            write_atomic(outdir / SITEMAP, sitemap_xml(app))
        if config.kiji_robots_txt and not _user_robots(app):
            write_atomic(outdir / ROBOTS, robots_txt(config))
    except OSError as err:
        logger.warning(
            "sitemap or robots.txt not written: %s", err, type=WARNING_TYPE, subtype=W.SEO
        )
