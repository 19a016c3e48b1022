"""What kiji adds to the theme: its templates and static files, and the labels templates print."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.labels import labels_for

HERE = Path(__file__).parent

# Jekyll's Markdown extensions; ``.md`` comes with MyST.
MARKDOWN_SUFFIXES = (".md", ".markdown")


def add_paths(app: Any, config: Any) -> None:
    """``config-inited``: Markdown suffixes; kiji's templates (``search.html``, the redirect page)
    before the theme's; its static files (``kiji.css``, the search scripts) copied."""
    if isinstance(config.source_suffix, dict):
        for suffix in MARKDOWN_SUFFIXES:
            config.source_suffix.setdefault(suffix, "markdown")
    templates = str(HERE / "templates")
    if templates not in config.templates_path:
        config.templates_path.insert(0, templates)
    static = str(HERE / "static")
    if static not in config.html_static_path:
        config.html_static_path.append(static)


def page_context(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    context["kiji_labels"] = labels_for(app.config.language)
    # pydata-sphinx-theme's first script falls back to ``default_mode`` when nothing is stored; an
    # unset one ("") makes it log "Got invalid theme mode" on every first visit. html_context wins.
    context.setdefault("default_mode", "auto")
