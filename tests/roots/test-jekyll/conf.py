extensions = ["myst_parser", "kiji"]
html_theme = "basic"
language = "ja"
project = "移行テスト"
kiji_now = "2026-11-28"
kiji_baseurl = "/blog"
html_baseurl = "https://example.org/blog/"
suppress_warnings = ["myst.header"]  # posts start at ## under the title from front matter
