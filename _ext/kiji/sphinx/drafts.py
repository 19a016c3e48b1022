"""Drafts, unpublished and future posts are left out of the build without a configuration change.

They used to be added to ``exclude_patterns`` on ``config-inited``. That value is in Sphinx's
``'env'`` category, so adding, publishing or scheduling one post changed the configuration and
made Sphinx read every document again. Here they are taken out of the set of found documents on
``env-get-outdated``, after Sphinx has compared the configuration and listed the files:

* a hidden post is dropped from ``env.found_docs`` and from the documents to read;
* one that was built last time (published → draft, or back in the future) is added to the removed
  documents, so Sphinx purges it from the environment like a deleted file;
* one that becomes visible (draft → published, its date has come) is simply a new document.

``kiji_show_drafts``, ``kiji_show_future`` and ``kiji_now`` are therefore not ``'env'`` values:
changing them changes only which posts are hidden, and that is decided here on every build.
Each file's flags are cached by (mtime, size) in the doctree folder, so a rebuild stats the
posts instead of parsing their front matter.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sphinx.util import logging
from sphinx.util.display import status_iterator

from ..core import frontmatter as fm
from ..core.store import SideStore
from .posts import build_now, is_post, site_timezone

logger = logging.getLogger(__name__)

STORE = "drafts"  # side store: post file -> [mtime, size, draft, timestamp]


def hidden_posts(app: Any, env: Any) -> dict[str, str]:
    """docname -> ``"draft"`` or ``"future"`` for every found post the build must leave out."""
    config = app.config
    if config.kiji_show_drafts and config.kiji_show_future:
        return {}
    store = SideStore(app.doctreedir, STORE)
    cache = store.load()
    tz = site_timezone(config)
    now = build_now(config).timestamp()
    srcdir = Path(app.srcdir)
    docnames = sorted(d for d in env.found_docs if is_post(app, d))
    if len(docnames) > 200:
        docnames = list(
            status_iterator(
                docnames, "kiji: scanning posts... ", "darkgreen", len(docnames), app.verbosity
            )
        )
    new_cache: dict[str, list[Any]] = {}
    hidden: dict[str, str] = {}
    for docname in docnames:
        path = Path(env.doc2path(docname))
        rel = path.relative_to(srcdir).as_posix() if path.is_relative_to(srcdir) else str(path)
        try:
            st = os.stat(path)
        except OSError:
            continue
        stamp = [st.st_mtime_ns, st.st_size]
        entry = cache.get(rel)
        if entry and entry[:2] == stamp:
            draft, ts = entry[2], entry[3]
        else:
            try:
                post = fm.parse_post(path.read_bytes(), rel, tz)
            except OSError:
                continue
            draft, ts = post.draft, (post.date.timestamp() if post.date else None)
        new_cache[rel] = [*stamp, draft, ts]
        if draft and not config.kiji_show_drafts:
            hidden[docname] = "draft"
        elif ts is not None and ts > now and not config.kiji_show_future:
            hidden[docname] = "future"
    store.save(new_cache)
    return hidden


def on_env_get_outdated(
    app: Any, env: Any, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Hide drafts and future posts: the sets are Sphinx's own, changed in place."""
    hidden = hidden_posts(app, env)
    if not hidden:
        return []
    previously_built = set(env.all_docs)
    # ``added`` may be the very set ``found_docs`` is (after a configuration change): discard
    # from each, never rebind.
    env.found_docs.difference_update(hidden)
    added.difference_update(hidden)
    changed.difference_update(hidden)
    removed.update(d for d in hidden if d in previously_built)
    for docname, why in sorted(hidden.items()):
        logger.info("kiji: skipped %s post %s", why, env.doc2path(docname, False))
    return []
