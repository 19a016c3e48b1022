"""kiji: Jekyll-style posts as a Japanese Sphinx knowledge base.

Three layers, one package each (the map is in ``_ext/README.md``):

* :mod:`kiji.core`: pure Python, no Sphinx or docutils: front matter, dates, the catalogue
  (tag identity, slugs, order), Japanese text splitting, Jekyll conversion, social cards.
* :mod:`kiji.sphinx`: the Sphinx extension, thin glue over the core; every event it connects is
  listed, in build order, in :mod:`kiji.sphinx.events`.
* :mod:`kiji.cli`: the ``kiji`` command (``kiji new``, ``kiji import``, ``kiji lint``).

``extensions = ["kiji"]`` loads the extension: :func:`setup` imports :mod:`kiji.sphinx` only
when Sphinx calls it, so ``import kiji.core`` works where Sphinx is not installed.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.2.0"


def setup(app: Any) -> dict[str, Any]:
    """The Sphinx entry point (``extensions = ["kiji"]``)."""
    from .sphinx import setup as setup_extension

    return setup_extension(app)
