"""``make import SRC=<site root>``: the site's Liquid data and the posts' files come along.

A Jekyll site is written here (a few files), imported with ``kiji.importer.main`` and built:
the imported post's Liquid reads the copied ``_data``/``_includes``, its images are found.
"""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

from kiji.cli.importer import main
from sphinx.testing.util import SphinxTestApp

from tests.helpers import warnings_of

from .conftest import parse_html

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _site(root: Path) -> None:
    files = {
        "_config.yml": "title: 旧サイト\nurl: https://old.example.org\nbaseurl: /blog\n",
        "_data/people.yml": "- name: 太郎\n- name: 花子\n",
        "_includes/box.html": '<div class="box">{{ include.msg }}</div>\n',
        "ja/_posts/2024-01-02-photos.md": (
            "---\ntitle: 写真\n---\n\n"
            "![一枚目]({{ site.baseurl }}/assets/img/a.png)\n\n"
            '<p class="b"><img src="{{ "/images/b.png" | relative_url }}" alt="b"></p>\n\n'
            "![ない画像](/assets/img/none.png)\n\n"
            "{% for p in site.data.people %}{{ p.name }} {% endfor %}\n\n"
            '{% include box.html msg="箱" %}\n'
        ),
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    for rel in ("assets/img/a.png", "images/b.png"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(PNG)


def test_import_a_whole_site_then_build(tmp_path):
    src, docs = tmp_path / "jekyll", tmp_path / "docs"
    _site(src)
    (docs).mkdir()
    (docs / "conf.py").write_text(
        'extensions = ["myst_parser", "kiji"]\nhtml_theme = "basic"\nlanguage = "ja"\n'
        'project = "新"\nkiji_now = "2026-11-28"\nkiji_categories_from_folders = True\n'
        'suppress_warnings = ["myst.header"]\n',
        encoding="utf-8",
    )
    (docs / "index.md").write_text("# 新\n\n```{postlist}\n```\n", encoding="utf-8")
    out = StringIO()
    assert main([str(src), "--dest", str(docs / "posts"), "--no-progress"], out=out) == 0
    report = out.getvalue()
    assert "site data" in report and re.search(r": 3 copied, 0 unchanged", report)
    assert re.search(r"files the posts link to \(3, .*: 2 copied, .* 1 not found", report)
    assert "not found: /assets/img/none.png (linked from ja/_posts/2024-01-02-photos.md)" in report
    assert (docs / "_jekyll/_data/people.yml").is_file()
    assert (docs / "assets/img/a.png").read_bytes() == PNG
    assert (docs / "images/b.png").read_bytes() == PNG

    app = SphinxTestApp("html", srcdir=docs, builddir=tmp_path / "build", status=StringIO(), warning=StringIO())
    try:
        app.build()
    finally:
        app.cleanup()
    warnings = warnings_of(app)
    page = parse_html(Path(app.outdir) / "posts/ja/_posts/2024-01-02-photos.html")
    body = page.select_one("div.body section")
    img = body.find("img", alt="一枚目")
    assert (Path(app.outdir) / "posts/ja/_posts" / img["src"]).resolve().is_file()
    assert "太郎 花子" in body.get_text()  # _data copied and read
    assert body.select_one("div.box").get_text() == "箱"  # _includes copied and read
    not_readable = re.findall(r"image file not readable: (\S+)", warnings)
    assert not_readable == ["assets/img/none.png"]  # only the one the old site lacked too
    assert "_jekyll" not in {p.parts[0] for p in Path(app.outdir).rglob("*.html")}


def test_a_posts_folder_still_imports_with_its_site(tmp_path):
    src, docs = tmp_path / "jekyll", tmp_path / "docs"
    _site(src)
    out = StringIO()
    assert main([str(src / "ja" / "_posts"), "--dest", str(docs / "posts"), "--no-progress"], out=out) == 0
    assert (docs / "posts" / "2024-01-02-photos.md").is_file()
    assert (docs / "_jekyll" / "_config.yml").is_file()  # the site above the folder is found
