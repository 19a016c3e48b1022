extensions = ["myst_parser", "kiji"]
html_theme = "sphinx_book_theme"
language = "ja"
project = "検索テスト（ブック）"
kiji_now = "2026-11-28"
