"""kiji: Jekyll-style posts as a Japanese Sphinx knowledge base.

``setup()`` only wires things together; the work is in the modules, one per stage:
``frontmatter`` (bytes → record, pure), ``catalog`` (taxonomy and order, pure), ``posts`` (reading),
``domain`` (the store), ``listings`` (late listings), ``pages`` (generated index pages),
``search`` (the Japanese search index), ``migrate``/``jekyll`` (Liquid and kramdown),
``seo``/``cards``/``feeds``/``redirects`` (publishing).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.util import logging

from . import feeds, landmarks, listings, migrate, nodes, pages, parallel, posts, redirects, search, seo
from .config import setup_config
from .domain import ENV_VERSION, KijiDomain, KijiXRefRole
from .labels import labels_for

__version__ = "0.1.0"

logger = logging.getLogger(__name__)
HERE = Path(__file__).parent


# Jekyll's Markdown extensions; ``.md`` comes with MyST.
MARKDOWN_SUFFIXES = (".md", ".markdown")


def _prepare_config(app: Any, config: Any) -> None:
    if isinstance(config.source_suffix, dict):
        for suffix in MARKDOWN_SUFFIXES:
            config.source_suffix.setdefault(suffix, "markdown")
    # The extension's own templates (search page, sidebar) come before the theme's.
    templates = str(HERE / "templates")
    if templates not in config.templates_path:
        config.templates_path.insert(0, templates)
    static = str(HERE / "static")
    if static not in config.html_static_path:
        config.html_static_path.append(static)


def _page_context(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    context["kiji_labels"] = labels_for(app.config.language)


def setup(app: Any) -> dict[str, Any]:
    app.require_sphinx("8.2")
    setup_config(app)
    nodes.setup(app)
    app.add_domain(KijiDomain)
    for role in ("tag", "category", "author", "post"):
        app.add_role(role, KijiXRefRole(), override=True)
    app.add_directive("post", posts.PostDirective)
    app.add_directive("postlist", listings.PostListDirective)
    app.add_directive("tagcloud", listings.TagCloudDirective)
    app.add_directive("archive", listings.ArchiveDirective)

    app.connect("config-inited", _prepare_config, priority=850)
    app.connect("config-inited", posts.scan_drafts, priority=900)
    app.connect("env-before-read-docs", posts.on_env_before_read_docs)
    app.connect("source-read", posts.on_source_read, priority=100)
    app.connect("doctree-read", posts.on_doctree_read, priority=100)
    app.connect("doctree-read", posts.on_doctree_read_late, priority=900)
    app.connect("env-get-updated", listings.on_env_get_updated)
    app.connect("env-get-updated", pages.on_env_get_updated, priority=600)
    app.connect("doctree-resolved", listings.on_doctree_resolved)
    app.connect("html-collect-pages", pages.collect_pages)
    app.connect("build-finished", pages.on_build_finished)
    app.connect("html-page-context", _page_context)
    app.add_css_file("kiji.css")

    parallel.setup(app)
    # Before search: the nav/aside/listing wrappers are nodes the writers must know.
    landmarks.setup(app)
    search.setup(app)
    migrate.setup(app)
    seo.setup(app)
    feeds.setup(app)
    redirects.setup(app)

    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
