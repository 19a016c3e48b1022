extensions = ["myst_parser", "kiji"]
html_theme = "basic"
language = "ja"
project = "Liquid テスト"
kiji_now = "2026-11-28"
kiji_posts = ["posts/**"]
suppress_warnings = ["myst.header"]
kiji_categories_from_folders = True  # ja/ and en/ above _posts, as Jekyll reads them
