"""One site with every kind of problem the build and ``kiji lint`` both report (test_lint_agree)."""

extensions = ["myst_parser", "kiji"]
html_theme = "basic"
language = "ja"
project = "一致テスト"
kiji_posts = ["posts/**"]
kiji_now = "2026-11-28"
kiji_timezone = "+09:00"
myst_enable_extensions = ["colon_fence", "deflist", "strikethrough"]
myst_heading_anchors = 3
exclude_patterns = ["notes/**"]
