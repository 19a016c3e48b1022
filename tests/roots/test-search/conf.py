extensions = ["myst_parser", "kiji"]
html_theme = "basic"
language = "ja"
project = "検索テスト"
kiji_now = "2026-11-28"
