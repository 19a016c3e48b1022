extensions = ["myst_parser", "kiji"]
html_theme = "basic"
language = "ja"
project = "フォルダーテスト"
kiji_now = "2026-11-28"
suppress_warnings = ["myst.header"]
