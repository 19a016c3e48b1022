"""The import command: a Jekyll site in, safe names and a report out, nothing overwritten."""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from kiji.cli.importer import main, safe_name
from kiji.core.frontmatter import parse_post
from sphinx.testing.util import SphinxTestApp

from tests.helpers import kiji

from .conftest import parse_html


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("2019-01-07-hello.md", "2019-01-07-hello.md"),
        ("2019-1-7-c#-tips.md", "2019-1-7-csharp-tips.md"),
        ("2019-01-08-c++.md", "2019-01-08-c++.md"),
        ("2019-01-09-a%20b.markdown", "2019-01-09-a-b.markdown"),
        ("2019-01-10-[draft] (v2).md", "2019-01-10-draft-v2.md"),
        ("2019-01-11-what?.mkdn", "2019-01-11-what.mkdn"),
        ("2019-01-12-etc...md", "2019-01-12-etc.md"),
        ("2019-01-13-日本語 の 記事.text", "2019-01-13-日本語-の-記事.text"),
        ("2019-01-14-100%.md", "2019-01-14-100.md"),
        ("#.md", "post.md"),
    ],
)
def test_safe_name(name, safe):
    assert safe_name(name) == safe


def test_safe_folder_names_keep_their_dots_inside():
    assert safe_name("2019-03-01-folder.md", is_file=False) == "2019-03-01-folder.md"
    assert safe_name("trailing. ", is_file=False) == "trailing"


POST = "---\ntitle: {title}\n{extra}---\n\n{body}\n"


def write(path: Path, title: str = "記事", extra: str = "", body: str = "本文。") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(POST.format(title=title, extra=extra, body=body), encoding="utf-8")


@pytest.fixture
def jekyll_site(tmp_path) -> Path:
    """A Jekyll site with every naming habit (written here: some names cannot live in git)."""
    site = tmp_path / "blog"
    posts = site / "_posts"
    write(posts / "2019-01-07-hello.md", "こんにちは")
    write(posts / "2019-1-7-c#-tips.md", "C# の小技")
    write(posts / "2019" / "2019-01-08-a b.md", "空白")
    write(posts / "2019" / "2019-01-08-a%20b.markdown", "パーセント")
    write(posts / "2019-01-09-what?.mkdn", "疑問", extra="published: false\n")
    write(posts / "2019-01-10-bad.text", "[壊れた")
    write(posts / "2019-03-01-folder.md" / "2019-03-02-inside.md", "フォルダーの中")
    write(posts / "notes.md", "メモ")
    (posts / "2019-01-11-page.html").write_text("<p>html</p>", encoding="utf-8")
    (posts / "photo.png").write_bytes(b"\x89PNG")
    write(site / "news" / "_posts" / "2019-02-01-news.md", "ニュース")
    write(site / "_drafts" / "idea.md", "アイデア")
    write(
        posts / "2019-04-01-links.md",
        "リンク",
        body="[C#]({% post_url 2019-1-7-c#-tips %}) [空白]({% link _posts/2019/2019-01-08-a b.md %}) "
        "[パーセント]({% post_url 2019/2019-01-08-a%20b %}) [ニュース]({% post_url 2019-02-01-news %})",
    )
    (site / "_site").mkdir()
    write(site / "_site" / "_posts" / "2019-01-01-generated.md")  # Jekyll's output: never imported
    return site


def run(*args: str) -> tuple[int, str]:
    out = StringIO()
    code = main([*map(str, args), "--no-progress"], out=out)
    return code, out.getvalue()


def test_import_copies_renames_and_reports(jekyll_site, tmp_path):
    dest = tmp_path / "docs" / "posts"
    code, report = run(jekyll_site, "--dest", dest)
    assert code == 0
    files = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert files == [
        "2019-01-07-hello.md",
        "2019-01-09-what.mkdn",
        "2019-01-10-bad.text",
        "2019-03-01-folder.md/2019-03-02-inside.md",
        "2019-04-01-links.md",
        "2019-1-7-csharp-tips.md",
        "2019/2019-01-08-a-b-2.markdown",
        "2019/2019-01-08-a-b.md",
        "jekyll-import.json",
        "news/_posts/2019-02-01-news.md",
    ]
    # bytes are copied as they are
    assert (dest / "2019-1-7-csharp-tips.md").read_bytes() == (
        jekyll_site / "_posts" / "2019-1-7-c#-tips.md"
    ).read_bytes()
    manifest = json.loads((dest / "jekyll-import.json").read_text(encoding="utf-8"))["files"]
    assert manifest["_posts/2019-1-7-c#-tips.md"] == "2019-1-7-csharp-tips.md"
    assert manifest["news/_posts/2019-02-01-news.md"] == "news/_posts/2019-02-01-news.md"
    lines = report.splitlines()
    counts = {line[:24].strip(): int(line[24:29]) for line in lines[1:11]}
    assert counts == {
        "posts found": 9, "imported": 9, "unchanged": 0, "skipped (exists)": 0, "renamed": 4,
        "unpublished": 1, "drafts (_drafts)": 1, "not posts": 1, "other files": 2, "problems": 3,
    }  # fmt: skip
    assert "  _posts/notes.md: not a post name" in lines
    assert "  _posts/2019-01-11-page.html: not Markdown" in lines
    assert any(
        line.startswith("  _posts/2019-01-10-bad.text:3: [frontmatter] invalid YAML")
        for line in lines
    )
    assert any("imported as 2019/2019-01-08-a-b-2.markdown" in line for line in lines)


def test_existing_posts_are_never_overwritten_without_force(jekyll_site, tmp_path):
    dest = tmp_path / "posts"
    run(jekyll_site, "--dest", dest)
    mine = dest / "2019-01-07-hello.md"
    mine.write_text("edited by hand\n", encoding="utf-8")
    code, report = run(jekyll_site, "--dest", dest)
    assert code == 0 and mine.read_text(encoding="utf-8") == "edited by hand\n"
    assert "  unchanged                 8  (already there, same bytes)" in report
    assert (
        "  skipped (exists)          1  (a different file is there; --force overwrites it)"
        in report
    )
    assert f"  {mine}" in report.splitlines()
    code, report = run(jekyll_site, "--dest", dest, "--force")
    assert code == 0 and mine.read_text(encoding="utf-8").startswith("---\ntitle: こんにちは")
    assert "1 overwritten (--force)" in report


def test_dry_run_writes_nothing(jekyll_site, tmp_path):
    dest = tmp_path / "posts"
    code, report = run(jekyll_site, "--dest", dest, "--dry-run")
    assert code == 0 and not dest.exists()
    assert report.startswith("Jekyll import (dry run: nothing written)")
    assert "  would be imported         9" in report


def test_drafts_are_copied_unpublished_on_request(jekyll_site, tmp_path):
    dest = tmp_path / "posts"
    code, report = run(jekyll_site, "--dest", dest, "--drafts")
    draft = dest / "drafts" / "idea.md"
    assert code == 0 and draft.exists()
    post = parse_post(draft.read_bytes(), "idea.md")
    assert post.draft and post.title == "アイデア"
    assert "(copied to drafts/ with published: false)" in report


def test_a_posts_folder_as_source_and_its_sibling_drafts(jekyll_site, tmp_path):
    dest = tmp_path / "posts"
    code, report = run(jekyll_site / "_posts", "--dest", dest)
    assert code == 0
    assert not (dest / "news").exists()  # only this _posts folder
    assert "  drafts (_drafts)          1" in report


def test_progress_bar_and_fatal_errors(jekyll_site, tmp_path, capsys):
    assert (
        main([str(jekyll_site), "--dest", str(tmp_path / "p"), "--progress"], out=StringIO()) == 0
    )
    assert "importing: 100%" in capsys.readouterr().err
    assert main([str(tmp_path / "nowhere")], out=StringIO()) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_the_module_runs_as_a_command(jekyll_site, tmp_path):

    result = kiji("import", str(jekyll_site), "--dest", str(tmp_path / "p"), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "posts found               9" in result.stdout


def test_imported_site_builds_and_old_names_still_link(jekyll_site, rootdir, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-jekyll-names", src)
    shutil.rmtree(src / "posts")
    assert run(jekyll_site, "--dest", src / "posts")[0] == 0
    warning = StringIO()
    app = SphinxTestApp(
        "html", srcdir=src, builddir=tmp_path / "out", status=StringIO(), warning=warning
    )
    try:
        app.build()
    finally:
        app.cleanup()
    page = parse_html(Path(app.outdir) / "posts" / "2019-04-01-links.html")
    links = {a.get_text(): a["href"] for a in page.select("div.body > section > p a.reference")}
    assert links == {
        "C#": "2019-1-7-csharp-tips.html",  # found through jekyll-import.json
        "空白": "2019/2019-01-08-a-b.html",
        "パーセント": "2019/2019-01-08-a-b-2.html",
        "ニュース": "news/_posts/2019-02-01-news.html",
    }
    log = warning.getvalue()
    assert "kiji.liquid" not in log
    assert "2019-01-09-what" not in {
        p.stem for p in (Path(app.outdir) / "posts").glob("*.html")
    }  # unpublished
