"""Values the themes print unescaped are escaped before any template sees them.

Sphinx's templates do not autoescape. Sphinx itself hands most values to templates as HTML
(``title``, ``toc``, ``body``, ``prev``/``next`` titles are rendered by the HTML writer), but a few
are plain text taken from the configuration or a title node, and some theme templates print them
as they are:

=================  ==============================  ============================================
context value      comes from                      printed unescaped by
=================  ==============================  ============================================
``pagetitle``      the page's title node (text)    sphinx-book-theme ``layout.html``, the
                                                   print-only header ``#jb-print-docs-body h1``
``author``         ``author`` (conf.py)            sphinx-book-theme ``components/author.html``
                                                   (the footer's "著者 ...")
``root_title``     the root document's title       sphinx-book-theme ``sbt-sidebar-nav.html``
``docstitle``      ``html_title``                  pydata-sphinx-theme ``navbar-logo.html``
                                                   (the logo text and its ``alt``) and its
                                                   ``search.html`` ``<title>``
=================  ==============================  ============================================

Each is replaced here by its escaped form as :class:`markupsafe.Markup`: templates that print it
raw now print escaped text, and templates that already write ``|e`` do not escape it twice
(Markup is left alone by ``escape``). The same goes for the theme options printed raw that are
text by their documentation (``search_bar_text``, ``toc_title``, ``icon_links_label``, the
logo's ``text`` and ``alt_text``); ``announcement`` and ``extra_footer`` are HTML by design and
kept. The other plain-text values a template may print (``project``, ``shorttitle``,
``copyright``, ``last_updated``, ``language``, ``version``, ``release``) get the same
treatment, so a future theme template that forgets ``|e`` stays safe.

The handler runs after the themes' own ``html-page-context`` handlers (they run at the default
priority 500 and book theme's buttons at 501) and after kiji's (seo at 450, feeds at 500), which
read some of these values as text.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

# Context values that hold plain text (not HTML) and that some theme template prints.
TEXT_VALUES = (
    "pagetitle",
    "author",
    "root_title",
    "docstitle",
    "shorttitle",
    "project",
    "copyright",
    "last_updated",
    "language",
    "version",
    "release",
    # html_theme_options the themes print raw and document as text (not HTML, unlike
    # ``announcement`` and ``extra_footer``, which are kept as their HTML)
    "theme_search_bar_text",
    "theme_toc_title",
    "theme_icon_links_label",
)
# Keys of html_theme_options["logo"] printed raw by pydata-sphinx-theme's navbar-logo.html.
LOGO_TEXT_KEYS = ("text", "alt_text")


def escape_text_values(context: dict[str, Any]) -> None:
    """Replace each plain-text value by its escaped Markup (already-Markup values are kept)."""
    for key in TEXT_VALUES:
        value = context.get(key)
        if isinstance(value, str) and not isinstance(value, Markup):
            context[key] = escape(value)
    logo = context.get("theme_logo")
    if isinstance(logo, dict) and any(isinstance(logo.get(k), str) for k in LOGO_TEXT_KEYS):
        # A copy: the dict is the theme's configuration, shared by every page.
        context["theme_logo"] = {
            **logo,
            **{k: escape(logo[k]) for k in LOGO_TEXT_KEYS if isinstance(logo.get(k), str)},
        }


def on_html_page_context(
    app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    escape_text_values(context)
