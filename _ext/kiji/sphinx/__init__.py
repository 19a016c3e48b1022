"""The Sphinx extension: thin glue between Sphinx's events and :mod:`kiji.core`.

One module per stage of the build (the map is in ``_ext/README.md``): :mod:`.posts` reads posts,
:mod:`.domain` stores them, :mod:`.listings` and :mod:`.pages` list them, :mod:`.search` indexes
them, :mod:`.seo`, :mod:`.feeds` and :mod:`.redirects` publish them, :mod:`.migrate` converts
Jekyll bodies, :mod:`.fast` holds every use of Sphinx's private API. :func:`setup` registers
what the extension adds; the events it connects, in build order, are in :mod:`.events`.
"""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..core import liquid_jekyll
from . import (
    config,
    events,
    feeds,
    landmarks,
    listings,
    migrate,
    nodes,
    oldurls,
    posts,
    redirects,
    seo,
)
from .domain import ENV_VERSION, KijiDomain, KijiXRefRole
from .search import KijiSearchDomain

#: Every module's configuration values (``name -> (default, rebuild, types, description)``).
CONFIG_TABLES = (
    config.CONFIG, seo.CONFIG, feeds.CONFIG, redirects.CONFIG, migrate.CONFIG, oldurls.CONFIG,
)  # fmt: skip


def setup(app: Any) -> dict[str, Any]:
    app.require_sphinx("8.2")
    for table in CONFIG_TABLES:
        for name, (default, rebuild, types, description) in table.items():
            app.add_config_value(name, default, rebuild, types=types, description=description)
    nodes.register(app)
    landmarks.register(app)  # <nav>/<aside>/listing wrappers: nodes the writers must know
    app.add_domain(KijiDomain)
    app.add_domain(KijiSearchDomain)
    for role in ("tag", "category", "author", "post"):
        app.add_role(role, KijiXRefRole(), override=True)
    app.add_directive("post", posts.PostDirective)
    app.add_directive("postlist", listings.PostListDirective)
    app.add_directive("tagcloud", listings.TagCloudDirective)
    app.add_directive("archive", listings.ArchiveDirective)
    app.add_directive(liquid_jekyll.HIGHLIGHT_DIRECTIVE, migrate.HighlightDirective)
    # Old Jekyll URLs → new pages (before MyST resolves references); raw HTML anchors.
    app.add_post_transform(oldurls.OldUrlLinks)
    app.add_transform(oldurls.RawAnchorLinks)
    # Ordinary pages get their OpenGraph tags from sphinxext-opengraph; kiji writes the posts'.
    seo.import_opengraph_quietly()
    app.setup_extension("sphinxext.opengraph")
    app.add_css_file("kiji.css")
    # Every page: the search field in the header answers while the reader types.
    app.add_js_file("kiji-search.js", loading_method="defer")
    app.add_css_file("kiji-search.css")
    events.connect(app)
    return {
        "version": __version__,
        # The kiji and kijisearch domains' stored data; bump when either changes shape.
        "env_version": ENV_VERSION,
        # tests/test_equivalence.py: -j 2 gives byte for byte the output of -j 1.
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
