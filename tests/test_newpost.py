"""`make post` (:mod:`kiji.newpost`): what it writes is read back by the extension unchanged, and
the authoring make targets (post, lint, livehtml) run from the Makefile as documented."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from kiji.cli import newpost
from kiji.core import frontmatter as fm
from sphinx.testing.util import SphinxTestApp

from tests.conftest import ROOT, parse_html
from tests.helpers import kiji, warnings_of

JST = timezone(timedelta(hours=9))

# The targets proposed for the Makefile (the final report gives the same lines). While the
# Makefile has no `post:` target yet, the tests append these to a copy of it; once it does, they
# test the Makefile itself.
MAKE_TARGETS = """
LINTOPTS ?=

livehtml: $(VENV)/.stamp
\tSPHINXAUTOBUILD="$(BIN)/sphinx-autobuild" HOST="$(HOST)" PORT="$(PORT)" \\
\tSOURCEDIR="$(SOURCEDIR)" OUTDIR="$(BUILDDIR)/livehtml" \\
\tsh tools/livehtml.sh -j $(JOBS) $(SPHINXOPTS)

post: $(VENV)/.stamp
\t@test -n "$$TITLE" || { echo 'usage: make post TITLE="..." [TAGS="a b"]' \\
\t  '[CATEGORY=...] [AUTHOR=...] [DRAFT=1]' >&2; exit 2; }
\t@$(BIN)/kiji new --dir "$(SOURCEDIR)/posts" \\
\t  --title "$$TITLE" --tags "$$TAGS" --category "$$CATEGORY" --author "$$AUTHOR" \\
\t  $(if $(filter 1 yes true,$(DRAFT)),--draft)

lint: $(VENV)/.stamp
\t$(BIN)/kiji lint --source "$(SOURCEDIR)" \\
\t  --json "$(BUILDDIR)/lint.json" $(LINTOPTS)
"""

HOSTILE_TITLES = [
    'He said "hi": C# #1',
    "コロン: と # シャープ",
    "'single' and \"double\" quotes",
    "---",
    "- starts like a list",
    "[not a list]",
    "{not: a mapping}",
    "yes",
    "null",
    "1.0",
    "2026-01-01",
    "&anchor *alias !tag %directive @at `tick`",
    "{% raw %}{{ liquid }}{% endraw %}",
    "<script>alert(1)</script>",
    "タイトル\twith\ttabs",
    "絵文字 🎉 と 全角ＡＩ",
    "ブログ" * 60,  # a slug longer than file-name limits allow
    "...",
]


def _parse(path: Path) -> fm.Post:
    return fm.parse_post(path.read_bytes(), path.name, UTC)


# --------------------------------------------------------------------------- the module


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_any_title_survives_the_round_trip(tmp_path: Path, title: str) -> None:
    when = datetime(2026, 11, 28, 9, 30, tzinfo=JST)
    path = newpost.create(
        title, tmp_path, tags=["AI", "機械 学習"], categories=["投資分析"], when=when
    )
    post = _parse(path)
    assert post.problems == []
    assert post.title == fm.clean_text(title)
    assert post.date == when and post.date.utcoffset() == timedelta(hours=9)
    assert post.tags == ("AI", "機械 学習") and post.categories == ("投資分析",)
    assert post.excerpt is None and not post.draft
    assert path.name.startswith("2026-11-28-") and path.suffix == ".md"
    assert path.name == f"2026-11-28-{newpost.slug_for(title)}.md"
    assert len(path.name.encode()) < 255 and "/" not in path.name[:-3]


def test_slug_keeps_japanese() -> None:
    assert newpost.slug_for("AIチップ市場の最新動向") == "aiチップ市場の最新動向"
    assert newpost.slug_for("C# 入門") == "c-sharp-入門"
    assert newpost.slug_for("ＡＩ と ブログ") == "ai-と-ブログ"  # NFKC; ブ keeps its voicing mark


def test_names_are_split_like_front_matter() -> None:
    assert newpost.split_names("AI 投資") == ["AI", "投資"]
    assert newpost.split_names("機械 学習, AI") == ["機械 学習", "AI"]
    assert newpost.split_names("AI、投資") == ["AI", "投資"]
    assert newpost.split_names("AI ai ＡＩ") == ["AI"]  # one tag
    assert newpost.split_names("") == []


def test_never_overwrites(tmp_path: Path) -> None:
    when = datetime(2026, 11, 28, tzinfo=JST)
    path = newpost.create("同じ題名", tmp_path, when=when)
    path.write_text("書きかけの記事\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        newpost.create("同じ題名", tmp_path, when=when)
    assert path.read_text(encoding="utf-8") == "書きかけの記事\n"


# --------------------------------------------------------------------------- the command line


def _cli(*args: str, tz: str = "Asia/Tokyo", cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return kiji("new", *args, cwd=cwd, env={"TZ": tz}, timeout=60)


def test_cli_writes_today_in_the_local_zone(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    before = datetime.now(JST)
    result = _cli(
        "--title",
        'Amazon: AI チップ "2.5倍" #速報',
        "--tags",
        "AI 投資",
        "--category",
        "投資分析",
        "--author",
        "編集部",
        "--dir",
        str(posts),
    )
    after = datetime.now(JST)
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path.is_file() and path.parent == posts
    assert (
        path.name == f"{before:%Y-%m-%d}-amazon-ai-チップ-2.5倍-sharp-速報.md"
        or before.date() != after.date()
    )
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^date: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0900$", text, re.MULTILINE), text
    post = _parse(path)
    assert post.problems == []
    assert post.title == 'Amazon: AI チップ "2.5倍" #速報'
    assert before - timedelta(seconds=1) <= post.date <= after + timedelta(seconds=1)
    assert (post.tags, post.categories, post.authors) == (
        ("AI", "投資"),
        ("投資分析",),
        ("編集部",),
    )
    # In another zone the offset follows the machine.
    other = _cli("--title", "ニューヨーク", "--dir", str(posts), tz="America/New_York")
    assert re.search(
        r"^date: .* -0[45]00$", Path(other.stdout.strip()).read_text(encoding="utf-8"), re.MULTILINE
    )


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The command line in this process (no interpreter start-up: these cases need no zone)."""
    code = newpost.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ("--title", "二度目", "--date", "2026-11-28 09:00 +0900", "--dir", str(tmp_path))
    code, out, _err = _main(capsys, *args)
    assert code == 0
    path = Path(out.strip())
    path.write_text("書きかけ\n", encoding="utf-8")
    code, out, err = _main(capsys, *args)
    assert code == 1 and "already exists" in err and out == ""
    assert path.read_text(encoding="utf-8") == "書きかけ\n"


def test_cli_uses_the_site_s_spelling_of_a_tag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for i, tag in enumerate(["AI", "AI", "ai"]):
        newpost.create(
            f"既存の記事 {i}",
            tmp_path,
            tags=[tag, "データセンター"],
            categories=["投資分析"],
            when=datetime(2026, 1, i + 1, tzinfo=JST),
        )
    args = ("--title", "新しい記事", "--tags", "ai 新しいタグ", "--category", "投資分析")
    code, out, err = _main(capsys, *args, "--dir", str(tmp_path))
    assert code == 0, err
    assert "'ai' written 'AI'" in err
    assert _parse(Path(out.strip())).tags == ("AI", "新しいタグ")


def test_cli_draft_and_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = _main(capsys, "--title", "下書き", "--draft", "--dir", str(tmp_path))
    assert code == 0 and _parse(Path(out.strip())).draft is True
    assert _main(capsys, "--title", "   ", "--dir", str(tmp_path))[0] == 2
    assert _main(capsys, "--title", "x", "--date", "そのうち", "--dir", str(tmp_path))[0] == 2


def test_the_new_post_builds_with_its_title_intact(tmp_path: Path) -> None:
    """Parsed back by the extension itself: the page's heading is the title, to the character."""
    src = tmp_path / "src"
    (src / "posts").mkdir(parents=True)
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "kiji"]\nhtml_theme = "basic"\nlanguage = "ja"\n'
        'kiji_now = "2030-01-01"\nkiji_index_pages = False\n',
        encoding="utf-8",
    )
    (src / "index.md").write_text("# トップ\n", encoding="utf-8")
    titles = ['He said "hi": C# #1', "<script>alert(1)</script> & *強調*じゃない"]
    paths = [
        newpost.create(t, src / "posts", tags=["AI"], when=datetime(2026, 11, 28, i, tzinfo=JST))
        for i, t in enumerate(titles)
    ]
    app = SphinxTestApp("html", srcdir=src, builddir=tmp_path / "out")
    try:
        app.build()
    finally:
        app.cleanup()
    warnings = warnings_of(app)
    assert "kiji." not in warnings, warnings
    for title, path in zip(titles, paths, strict=True):
        html = parse_html(Path(app.outdir) / "posts" / f"{path.stem}.html")
        assert html.find("h1").get_text().rstrip("¶#").strip() == title
        assert html.find("h1").find("script") is None  # text, never markup


# --------------------------------------------------------------------------- the make targets


@pytest.fixture(scope="module")
def make_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A Makefile with the authoring targets, and a stand-in for .venv that is never installed."""
    if (
        subprocess.run(["make", "--version"], capture_output=True).returncode != 0
    ):  # pragma: no cover
        pytest.skip("no make")
    tmp = tmp_path_factory.mktemp("make")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    if not re.search(r"^post:", makefile, re.MULTILINE):
        makefile += MAKE_TARGETS
    (tmp / "Makefile").write_text(makefile, encoding="utf-8")
    venv = tmp / "venv"
    (venv / "bin").mkdir(parents=True)
    for name, target in (
        ("python", sys.executable),
        ("sphinx-autobuild", Path(sys.executable).with_name("sphinx-autobuild")),
        ("kiji", Path(sys.executable).with_name("kiji")),
    ):
        # A wrapper, not a symlink: Python finds its venv from the path it was started by.
        wrapper = venv / "bin" / name
        wrapper.write_text(f'#!/bin/sh\nexec "{target}" "$@"\n', encoding="utf-8")
        wrapper.chmod(0o755)
    (venv / ".stamp").touch()  # newer than the requirements: make will not try to install
    return {"makefile": str(tmp / "Makefile"), "venv": str(venv), "tmp": str(tmp)}


def _make(make_env: dict[str, str], *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            "make",
            "-s",
            "-f",
            make_env["makefile"],
            "-C",
            str(ROOT),
            f"VENV={make_env['venv']}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TZ": "Asia/Tokyo", **env},
    )


def test_make_post_passes_any_title_through_the_shell(
    make_env: dict[str, str], tmp_path: Path
) -> None:
    title = """He said "hi": C# #1 $HOME `id` 'q' ; & | \\ 日本語"""
    # make itself expands $ in variables: a dollar is written $$ on make's command line.
    result = _make(
        make_env,
        "post",
        "TITLE=" + title.replace("$", "$$"),
        "TAGS=AI 機械学習",
        "CATEGORY=投資分析",
        "AUTHOR=編集部",
        "DRAFT=1",
        f"SOURCEDIR={tmp_path}",
    )
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())  # stdout is the path and nothing else
    assert path.parent == tmp_path / "posts"
    post = _parse(path)
    assert post.problems == []
    assert post.title == title
    assert (post.tags, post.categories, post.authors, post.draft) == (
        ("AI", "機械学習"),
        ("投資分析",),
        ("編集部",),
        True,
    )


def test_make_post_needs_a_title(make_env: dict[str, str], tmp_path: Path) -> None:
    result = _make(make_env, "post", f"SOURCEDIR={tmp_path}")
    assert result.returncode != 0 and "usage: make post" in result.stderr
    assert not (tmp_path / "posts").exists()


def test_make_lint_passes_on_the_site_and_writes_json(
    make_env: dict[str, str], tmp_path: Path
) -> None:
    result = _make(make_env, "lint", f"BUILDDIR={tmp_path}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^lint: \d+ files, 0 errors", result.stdout, re.MULTILINE)
    assert (tmp_path / "lint.json").is_file()
    failing = _make(
        make_env,
        "lint",
        f"BUILDDIR={tmp_path}",
        f"SOURCEDIR={ROOT / 'tests' / 'fixtures' / 'lint'}",
    )
    assert failing.returncode != 0


def test_make_livehtml_runs_the_script_with_the_venv(make_env: dict[str, str]) -> None:
    result = _make(make_env, "-n", "livehtml", "HOST=0.0.0.0", "PORT=8123")
    assert result.returncode == 0, result.stderr
    command = " ".join(result.stdout.split())
    assert f'SPHINXAUTOBUILD="{make_env["venv"]}/bin/sphinx-autobuild"' in command
    assert 'HOST="0.0.0.0" PORT="8123"' in command and "sh tools/livehtml.sh" in command
