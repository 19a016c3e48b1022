"""Sphinx configuration of the knowledge base (content in docs/, built with -c .)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

# The extension is the kiji package (_ext/kiji), installed into the environment by `make` and by
# Read the Docs (pyproject.toml): no sys.path edit.
HERE = Path(__file__).resolve().parent

project = "ナレッジベース"
author = "ナレッジベース編集チーム"
copyright = "2026, ナレッジベース編集チーム"
language = "ja"

extensions = [
    "myst_parser",
    "kiji",
    "sphinxext.opengraph",  # OpenGraph of ordinary pages (kiji writes the posts' own)
    "notfound.extension",  # a themed 404 page with absolute asset URLs
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
# kiji-sidebar.html includes the logo and the search button inside its <nav> landmark.
html_sidebars = {"**": ["kiji-sidebar.html"]}

# -- publishing: canonical URLs, social metadata, feeds, sitemap, redirects ----------------------
# Read the Docs gives the canonical URL of the version being built (https://<host>/ja/latest/).
# It is the site URL (Jekyll's url + baseurl) for canonical links, og:url, og:image, the Atom feeds,
# sitemap.xml and robots.txt. Locally it is empty: URLs stay relative and feeds, sitemap and
# robots.txt are skipped (preview them with `make html SPHINXOPTS="-D kiji_site_url=https://..."`).
html_baseurl = os.environ.get("READTHEDOCS_CANONICAL_URL", "")
ogp_site_name = project
# The 404 page is served at any depth: its assets and links use absolute paths under this prefix.
notfound_urls_prefix = urlsplit(html_baseurl).path or "/"
notfound_context = {
    "title": "ページが見つかりません",
    "body": (
        "<h1>ページが見つかりません</h1>\n"
        "<p>お探しのページは移動したか、削除された可能性があります。"
        "左の索引（タグ・カテゴリ・アーカイブ）か、検索からお探しください。</p>"
    ),
}
# The old blog's URLs and each post's redirect_from get redirect pages to the new URLs, and links
# to them reach the new pages. Unset here, kiji_jekyll_permalink is the imported _config.yml's
# permalink (docs/_jekyll/), else "date" (Jekyll's default /:categories/:year/:month/:day/:title.html).
# kiji_jekyll_permalink = "date"
