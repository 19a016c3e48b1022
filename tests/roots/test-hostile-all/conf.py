"""Every configuration value a template prints holds markup, quotes or a script (tests/test_hostile_output.py)."""

extensions = ["myst_parser", "kiji", "sphinxext.opengraph", "notfound.extension"]
html_theme = "sphinx_book_theme"
language = "ja"
project = "<script>alert('project')</script>\"><svg onload=alert('project')>"
author = "</title><script>alert('author')</script>' onmouseover='alert(1)"
copyright = "2026, <img src=x onerror=alert('copyright')>"
html_title = "</title><script>alert('html_title')</script>\"><svg onload=alert(1)>\u202e"
html_short_title = "<svg onload=alert('short')>"
html_baseurl = "https://example.org/site/"
html_theme_options = {
    "use_download_button": False,
    "use_fullscreen_button": False,
    "search_bar_text": "\"><svg onload=alert('search_bar_text')>",
    "logo": {"text": "<script>alert('logo')</script>", "alt_text": "\"><svg onload=alert('alt')>"},
}
ogp_site_name = project
kiji_now = "2026-11-28"
kiji_social_cards = False
notfound_urls_prefix = "/site/"
suppress_warnings = ["myst.header"]
