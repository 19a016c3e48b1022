"""Sphinx configuration of the knowledge base (content in docs/, built with -c .)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

project = "ナレッジベース"
author = "ナレッジベース編集チーム"
copyright = "2026, ナレッジベース編集チーム"
language = "ja"

extensions = [
    "myst_parser",
    "kiji",
]

source_suffix = {".md": "markdown", ".markdown": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", ".venv", "**/.ipynb_checkpoints"]
templates_path = [str(HERE / "_templates")]
html_static_path: list[str] = []

myst_enable_extensions = ["colon_fence", "deflist", "strikethrough"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]  # posts start at ## under the title taken from front matter

# -- the knowledge base ------------------------------------------------------------------------
kiji_posts = ["posts/**"]
kiji_timezone = "UTC"

# -- theme -------------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = project
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False
html_theme_options = {
    "show_navbar_depth": 1,
    "home_page_in_toc": True,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "navigation_with_keys": False,
}
html_sidebars = {
    "**": ["navbar-logo.html", "search-button-field.html", "kiji-sidebar.html"],
}

# Read the Docs gives the canonical URL of the version being built.
html_baseurl = os.environ.get("READTHEDOCS_CANONICAL_URL", "")
