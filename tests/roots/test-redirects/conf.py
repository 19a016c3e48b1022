extensions = ["myst_parser", "kiji"]
html_theme = "basic"
language = "ja"
project = "テスト"
kiji_now = "2026-11-28"
html_baseurl = "https://example.org/ja/latest/"
suppress_warnings = ["myst.header"]
