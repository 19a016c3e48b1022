"""A tiny site for the rebuild matrix (tests/test_rebuild_matrix.py): four posts, a draft, a post
dated after kiji_now, a template override and a static file of its own."""

extensions = ["myst_parser", "kiji"]
html_theme = "basic"
language = "ja"
project = "再構築テスト"
html_title = "再構築テスト"
kiji_now = "2026-11-28"
kiji_site_url = "https://example.org/"
kiji_social_cards = False
templates_path = ["_templates"]
html_static_path = ["_static"]
html_css_files = ["site.css"]
suppress_warnings = ["myst.header"]
