"""An incremental build leaves the output exactly as a clean build would.

Sphinx rewrites its own pages when the configuration changes, but three things escape it:

* **Pages that are not documents.** kiji's generated pages (tags, categories, authors, archive)
  are rewritten when their content changes (:mod:`kiji.pages`), but a new ``html_title``,
  ``kiji_site_url`` or ``language`` changes every page's frame, and Sphinx resets
  ``env.config_status`` before ``html-collect-pages`` runs, so no later hook can see it.
* **Static files.** Pages link ``_static/x.css?v=<checksum>``; a changed stylesheet gets a new
  checksum, yet Sphinx rewrites no page for it.
* **Outputs of what is gone.** A deleted or renamed post, a post turned back into a draft, a tag
  nobody uses any more: their ``.html`` (and ``_sources`` copy) stay in the output folder and
  keep being served.

So a *site signature* is computed on ``env-get-updated`` from what frames every page: Sphinx's
own HTML build-info hash (the ``'html'`` configuration and tags), the ``'env'`` configuration, and
the contents of the static folders. When it differs from the one saved by the last successful
build, every document and every generated page is written again. The signature is saved only
at the end of a successful build (with the list of pages it produced), so a build that is
interrupted is finished by the next one, and the pages the last build produced that this one no
longer does are removed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from sphinx.util import logging

from ..core.store import SideStore, signature
from .fast import sphinx_writes_translations

logger = logging.getLogger(__name__)

STORE = "output"  # side store: the site signature, documents and generated pages written


def _config_digest(config: Any) -> str:
    # signature() orders sets, so the digest does not change with the interpreter's hash seed
    # (c_extra_keywords is a set of str).
    return signature({item.name: item.value for item in config.filter(frozenset({"env"}))})


def _static_dirs(app: Any) -> list[Path]:
    dirs: list[Path] = []
    theme = getattr(app.builder, "theme", None)
    if theme is not None:
        dirs += [Path(d) / "static" for d in theme.get_theme_dirs()[::-1]]
    dirs += [Path(app.confdir, p) for p in app.config.html_static_path]
    return dirs


def _static_digest(app: Any) -> str:
    """Contents of every static file the build copies (their checksums are in every page)."""
    digest = hashlib.sha256()
    for folder in _static_dirs(app):
        if not folder.exists():
            continue
        files = (
            [folder] if folder.is_file() else sorted(p for p in folder.rglob("*") if p.is_file())
        )
        for path in files:
            digest.update(os.fsencode(path.relative_to(folder.parent).as_posix()))
            try:
                digest.update(hashlib.sha256(path.read_bytes()).digest())
            except OSError:
                digest.update(b"?")
    return digest.hexdigest()


def site_signature(app: Any) -> str:
    info = getattr(app.builder, "build_info", None)
    parts = [
        [getattr(info, "config_hash", ""), getattr(info, "tags_hash", "")],
        _config_digest(app.config),
        _static_digest(app),
    ]
    return signature(parts)


def _load(app: Any) -> dict[str, Any]:
    return SideStore(app.doctreedir, STORE).load()


def on_env_get_updated(app: Any, env: Any) -> list[str]:
    """Everything is written again when the frame of the pages changed since the last build."""
    if app.builder.format != "html":
        return []
    domain = env.get_domain("kiji")
    current = site_signature(app)
    domain.site_signature = current
    domain.rewrite_everything = _load(app).get("signature") != current
    return sorted(env.found_docs) if domain.rewrite_everything else []


def _produced(app: Any) -> tuple[set[str], set[str]]:
    """(documents, generated pages) this build produced."""
    domain = app.env.get_domain("kiji")
    pages = (
        set(getattr(domain, "page_signatures", None) or {})
        if app.config.kiji_index_pages
        else set()
    )
    return set(app.env.found_docs), pages


def _remove_outputs(app: Any, docnames: set[str], sources: bool) -> None:
    outdir = Path(app.outdir).resolve()
    suffixes = list(app.config.source_suffix)
    for docname in sorted(docnames):
        paths = [Path(app.builder.get_outfilename(docname))]
        if sources:
            link_suffix = app.config.html_sourcelink_suffix
            paths += [outdir / "_sources" / f"{docname}{s}{link_suffix}" for s in suffixes]
        for path in paths:
            if path.is_file() and path.resolve().is_relative_to(outdir):
                path.unlink()
                logger.info(
                    "kiji: removed %s (no longer built)", path.relative_to(outdir).as_posix()
                )


def on_build_finished(app: Any, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    domain = app.env.get_domain("kiji")
    current = getattr(domain, "site_signature", None)
    if current is None:
        return
    before = _load(app)
    docs, pages = _produced(app)
    old_docs, old_pages = set(before.get("docs", [])), set(before.get("pages", []))
    _remove_outputs(app, old_docs - docs - pages, sources=True)
    _remove_outputs(app, old_pages - pages - docs, sources=False)
    # Sphinx writes translations.js for languages with a catalogue and never removes it.
    translations = Path(app.outdir) / "_static" / "translations.js"
    if sphinx_writes_translations(app.builder) is False and translations.is_file():
        translations.unlink()
    state = {"signature": current, "docs": sorted(docs), "pages": sorted(pages)}
    # Unwritable: the next build finds no signature and writes everything again (safe, slower).
    SideStore(app.doctreedir, STORE).save(state)
