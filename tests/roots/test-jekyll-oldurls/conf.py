extensions = ["myst_parser", "kiji"]
html_theme = "basic"
language = "ja"
project = "旧 URL テスト"
kiji_now = "2026-11-28"
kiji_categories_from_folders = True
kiji_redirects = False  # the map is what is tested here; redirects.py has its own tests
suppress_warnings = ["myst.header"]
