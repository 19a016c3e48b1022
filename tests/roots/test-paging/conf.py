extensions = ["myst_parser", "kiji"]
html_theme = "basic"
language = "ja"
project = "ページ送り"
kiji_now = "2026-11-28"
kiji_listing_page_size = 2
