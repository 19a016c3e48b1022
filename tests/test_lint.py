"""`make lint` (:mod:`kiji.lint`): every check on its fixture, nothing on clean posts, the same
problems as the build, the command line's report formats and exit codes."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from kiji.cli import lint
from kiji.core import catalog
from sphinx.testing.util import SphinxTestApp

from tests.conftest import ROOT, parse_html
from tests.helpers import kiji, warnings_of

FIXTURES = ROOT / "tests" / "fixtures" / "lint"
DOCS = ROOT / "docs"
GUIDE = DOCS / "posts" / "guide"
SAMPLE = DOCS / "posts" / "2026" / "2026-01-17-amazon-ai-chip.md"

# (file, line, check, severity, a piece of the message): everything the fixture site must give,
# and nothing else. Written by hand from the fixtures, not captured from a run.
EXPECTED = [
    ("2026-01-03-invalid-yaml", 1, "title", "error", "no title"),
    ("2026-01-03-invalid-yaml", 4, "frontmatter", "error", "invalid YAML"),
    ("2026-01-04-bad-date", 3, "date", "error", "'昨日の夕方' is not a date"),
    ("2026-01-05-no-title", 1, "title", "error", "no title"),
    ("2026-01-06-wrong-type", 6, "field", "error", "reading_time 'たくさん'"),
    ("2026-01-07-no-excerpt-no-tags", 2, "missing-excerpt", "warning", "no excerpt"),
    ("2026-01-07-no-excerpt-no-tags", 2, "missing-tags", "warning", "no tags"),
    ("2026-01-08-tags-a", 4, "tag-once", "info", "'一度きり'"),
    ("2026-01-10-duplicate", 4, "tag-spelling", "info", "'ＡＩ' is shown as 'AI'"),
    (
        "2026-01-10-duplicate",
        12,
        "duplicate-paragraph",
        "warning",
        "repeats the paragraph on line 8",
    ),
    (
        "2026-01-10-duplicate",
        16,
        "duplicate-paragraph",
        "warning",
        "repeats text of the paragraph on line 14",
    ),
    ("2026-01-11-generated", 10, "generation-leftover", "warning", "'---END---'"),
    (
        "2026-01-11-generated",
        12,
        "generation-leftover",
        "warning",
        "after the end marker on line 10 repeats line 8",
    ),
    ("2026-01-11-generated", 14, "generation-leftover", "warning", "'<|endoftext|>'"),
    ("2026-01-12-links", 10, "broken-link", "error", "'nope.md': no such page"),
    ("2026-01-12-links", 11, "broken-link", "error", "a draft post"),
    ("2026-01-12-links", 12, "broken-link", "error", "excluded from the build"),
    ("2026-01-12-links", 13, "broken-link", "error", "no .html links"),
    ("2026-01-12-links", 14, "broken-link", "error", "no heading or label 'ない見出し' there"),
    (
        "2026-01-12-links",
        15,
        "broken-link",
        "error",
        "no heading or label 'どこにもない' in this page",
    ),
    ("2026-01-12-links", 16, "broken-link", "error", "outside the site"),
    ("2026-01-12-links", 17, "broken-link", "error", "a folder"),
    ("2026-01-12-links", 21, "broken-link", "error", "image 'missing.png' not found"),
    ("2026-01-12-links", 23, "broken-link", "error", "{doc}`nope`"),
    ("2026-01-12-links", 23, "broken-link", "error", "{post}`2026-01-13-draft` is a draft"),
    ("2026-01-12-links", 23, "broken-link", "error", "{post}`2026-99-99-nope`: no post"),
    ("2026-01-12-links", 23, "broken-link", "error", "{tag}`存在しないタグ`"),
    (
        "2026-01-12-links",
        27,
        "broken-post-url",
        "error",
        "post_url 2026-01-99-nope %}: no such post",
    ),
    ("2026-01-12-links", 27, "liquid", "error", "{% include note.html %}: no such file"),
    ("2026-01-12-links", 33, "kramdown", "error", "kramdown options"),
    ("2026-01-14-images", 8, "oversized-image", "warning", "3000×10 px"),
    ("2026-01-14-images", 10, "oversized-image", "warning", "'heavy.png' is 6.9 KB (limit 4.0 KB)"),
    ("2026-01-15-same-title-a", 4, "slug", "error", "'c++' would share the URL"),
    ("2026-01-15-same-title-a", 4, "tag-once", "info", "'c++'"),
    (
        "2026-01-16-same-title-b",
        1,
        "duplicate-title",
        "warning",
        "two posts have the title '同じタイトル'",
    ),
    ("2026-01-16-same-title-b", 4, "tag-once", "info", "'c plus plus'"),
    (
        "2026-01-17-tags-c",
        4,
        "tag-near-duplicate",
        "warning",
        "'pytroch' looks like 'pytorch' (2 posts)",
    ),
    (
        "2026-01-17-tags-c",
        4,
        "tag-near-duplicate",
        "warning",
        "'データ・センター' looks like 'データセンター' (2 posts)",
    ),
    ("2026-01-17-tags-c", 4, "tag-spelling", "info", "'ai' is shown as 'AI'"),
    ("2026-12-24-future", 3, "future-date", "warning", "in the future"),
    # An error in a post the build leaves out cannot fail the build yet: a warning.
    ("2026-12-24-future", 6, "field", "warning", "(not built yet: future)"),
]


def fixture_settings(**changes: object) -> lint.Settings:
    settings = lint.settings_from_conf(lint.read_conf(FIXTURES))
    settings.max_image_bytes = 4 * 1024  # heavy.png is 7 KB; a real limit would need a big file
    for name, value in changes.items():
        setattr(settings, name, value)
    return settings


def site_settings() -> lint.Settings:
    return lint.settings_from_conf(lint.read_conf(ROOT))


@pytest.fixture(scope="module")
def fixture_report() -> lint.Report:
    return lint.lint(FIXTURES, settings=fixture_settings(), progress=False, cwd=ROOT)


def _key(f: lint.Finding) -> tuple[str, int, str, str]:
    return (Path(f.path).stem, f.line, f.check, f.severity)


# --------------------------------------------------------------------------- the fixture site


def test_fixture_findings_are_exactly_the_expected_ones(fixture_report: lint.Report) -> None:
    got = sorted(_key(f) for f in fixture_report.findings)
    assert got == sorted(e[:4] for e in EXPECTED)
    # each expected finding's message says what it is about
    remaining = list(fixture_report.findings)
    for stem, line, check, _severity, piece in EXPECTED:
        match = next(
            (f for f in remaining if _key(f)[:3] == (stem, line, check) and piece in f.message),
            None,
        )
        assert match is not None, (
            stem,
            line,
            check,
            piece,
            [f.message for f in remaining if _key(f)[:3] == (stem, line, check)],
        )
        remaining.remove(match)


def test_every_check_is_exercised(fixture_report: lint.Report) -> None:
    seen = {f.check for f in fixture_report.findings}
    # the encodings are made in a temporary folder (a CRLF or CP932 fixture would not survive git)
    assert seen | {"encoding", "line-endings", "byte-order-mark"} == set(lint.CHECKS)


def test_clean_fixture_posts_have_no_findings(fixture_report: lint.Report) -> None:
    noisy = [f for f in fixture_report.findings if "clean" in f.path or "draft" in f.path]
    assert noisy == []


def test_severities_follow_the_table(fixture_report: lint.Report) -> None:
    for f in fixture_report.findings:
        expected = lint.CHECKS[f.check][0]
        assert f.severity == expected or (f.severity == "warning" and "not built yet" in f.message)


def test_paths_choose_what_is_reported_but_the_site_is_context() -> None:
    one = FIXTURES / "posts" / "2026-01-17-tags-c.md"
    report = lint.lint(FIXTURES, [one], settings=fixture_settings(), progress=False, cwd=ROOT)
    assert report.files == 1
    assert {Path(f.path).name for f in report.findings} == {one.name}
    # the near-duplicate is still found: the other spellings come from posts not in scope
    assert {f.check for f in report.findings} == {"tag-near-duplicate", "tag-spelling"}


def test_ignore_and_show_future() -> None:
    report = lint.lint(
        FIXTURES,
        settings=fixture_settings(show_future=True),
        ignore={"broken-link", "tag-once"},
        progress=False,
        cwd=ROOT,
    )
    checks = {f.check for f in report.findings}
    assert "broken-link" not in checks and "tag-once" not in checks
    future = [f for f in report.findings if "future" in f.path]
    # shown by the build now: its own error is an error again
    assert {(f.check, f.severity) for f in future} == {
        ("future-date", "warning"),
        ("field", "error"),
    }


def test_liquid_without_the_jekyll_conversion() -> None:
    links = FIXTURES / "posts" / "2026-01-12-links.md"
    report = lint.lint(FIXTURES, [links], settings=fixture_settings(jekyll=False), progress=False)
    got = {(f.line, f.check, f.message) for f in report.findings if f.line == 27}
    assert got == {
        (27, "broken-post-url", "{% post_url 2026-01-99-nope %}: no post with that file name"),
        (
            27,
            "liquid",
            "{% post_url 2026-01-01-clean %} shows as text (kiji_jekyll = False); "
            "write {post}`2026-01-01-clean`",
        ),
        (
            27,
            "liquid",
            "Liquid '{% include note.html %}' shows as text (kiji_jekyll = False: not converted)",
        ),
    }
    assert not any(f.check == "kramdown" for f in report.findings)


def test_encoding_problems_are_the_build_s(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    text = (
        '---\ntitle: "文字コード"\ndate: 2026-01-01\ntags: ["a"]\nexcerpt: "要約です。"\n---\n\n'
        "本文です。\n"
    )
    (posts / "2026-01-01-crlf.md").write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    (posts / "2026-01-02-sjis.md").write_bytes(text.replace("crlf", "sjis").encode("cp932"))
    (posts / "2026-01-03-bom.md").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    report = lint.lint(
        tmp_path, settings=lint.Settings(), progress=False, ignore={"tag-spelling"}, cwd=tmp_path
    )
    got = {
        (Path(f.path).stem, f.line, f.check, f.severity)
        for f in report.findings
        if f.check in ("encoding", "line-endings", "byte-order-mark")
    }
    # CP932 is a guess the build may get wrong: an error; CRLF and a BOM are fixed without loss.
    assert got == {
        ("2026-01-01-crlf", 1, "line-endings", "info"),
        ("2026-01-02-sjis", 1, "encoding", "error"),
        ("2026-01-03-bom", 1, "byte-order-mark", "info"),
    }


# --------------------------------------------------------------------------- the real site


def test_guide_posts_are_clean() -> None:
    report = lint.lint(DOCS, [GUIDE], settings=site_settings(), progress=False, cwd=ROOT)
    assert report.files >= 6
    assert report.findings == [], "\n".join(f.format() for f in report.findings)
    # and clean as a site of their own too (no tag used by one guide post only)
    alone = lint.lint(GUIDE, settings=lint.Settings(posts=("**",)), progress=False, cwd=ROOT)
    assert alone.findings == [], "\n".join(f.format() for f in alone.findings)


def test_sample_post_leftovers_and_repeats_are_reported() -> None:
    report = lint.lint(DOCS, [SAMPLE], settings=site_settings(), progress=False, cwd=ROOT)
    got = {(f.line, f.check) for f in report.findings if f.severity != "info"}
    assert got == {
        (42, "duplicate-paragraph"),  # the last sentence of line 40 again, as a paragraph
        (94, "generation-leftover"),  # ---END---
        (96, "generation-leftover"),  # and the text generated after it repeats line 92
        (108, "generation-leftover"),  # a second ---END---
    }
    assert not any(f.severity == "error" for f in report.findings)  # `make lint` passes on it


def test_sample_post_is_rendered_whole(tmp_path: Path) -> None:
    """Lint reports the leftovers; the build must still show every word of the post."""
    src = tmp_path / "src"
    (src / "posts").mkdir(parents=True)
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "kiji"]\nhtml_theme = "basic"\nlanguage = "ja"\n'
        "kiji_index_pages = False\n",
        encoding="utf-8",
    )
    (src / "index.md").write_text("# トップ\n", encoding="utf-8")
    (src / "posts" / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    app = SphinxTestApp("html", srcdir=src, builddir=tmp_path / "out")
    try:
        app.build()
    finally:
        app.cleanup()
    html = parse_html(Path(app.outdir) / "posts" / f"{SAMPLE.stem}.html")
    shown = "".join((html.find("div", class_="body") or html).get_text().split())
    body = SAMPLE.read_text(encoding="utf-8").split("---\n", 2)[2]
    for number, line in enumerate(body.splitlines(), 11):
        words = "".join(re.sub(r"^\s*[*-]\s+|\*\*", "", line).split())
        assert words in shown, (number, line[:40])
    assert shown.count("---END---") == 2


BUILD_CHECKS = ("frontmatter", "encoding", "field", "date", "title", "slug", "liquid", "kramdown")
# What the build says about a link that leads nowhere (MyST, Sphinx, the kiji domain).
BUILD_LINK_WARNINGS = ("myst.xref_missing", "image.not_readable", "ref.doc", "kiji.reference")


def _build_site(root: Path, src: Path, out: Path, extra_conf: str = "") -> str:
    shutil.copytree(root, src)
    if extra_conf:
        with (src / "conf.py").open("a", encoding="utf-8") as f:
            f.write(extra_conf)
        (src / "index.md").write_text("# トップ\n", encoding="utf-8")
    app = SphinxTestApp("html", srcdir=src, builddir=out, freshenv=True)
    try:
        app.build()
    finally:
        app.cleanup()
    return warnings_of(app)


@pytest.mark.parametrize("root", ["hostile", "fixtures"])
def test_same_problems_as_the_build(tmp_path: Path, root: str) -> None:
    """Problems come from the same code as the build's warnings: same files, lines and kinds;
    and a broken link is reported exactly where the build warns about one."""
    if root == "hostile":
        warnings = _build_site(
            ROOT / "tests" / "roots" / "test-hostile", tmp_path / "src", tmp_path / "out"
        )
    else:
        conf = '\nextensions = ["myst_parser", "kiji"]\nhtml_theme = "basic"\nlanguage = "ja"\n'
        warnings = _build_site(FIXTURES, tmp_path / "src", tmp_path / "out", conf)
    src = tmp_path / "src"
    build: set[tuple[str, int, str]] = set()
    build_messages: set[tuple[str, str]] = set()
    links: Counter[tuple[str, int]] = Counter()
    for line in warnings.splitlines():
        m = re.match(
            r"(?:(?P<path>\S+?):(?P<line>\d+): )?WARNING: (?P<msg>.*) \[(?P<type>[\w.]+)\]$", line
        )
        if not m:
            continue
        kind = m.group("type")
        if kind in BUILD_LINK_WARNINGS:
            links[(Path(m.group("path")).name, int(m.group("line")))] += 1
        elif kind.startswith("kiji.") and kind[5:] in BUILD_CHECKS:
            # the build also says what it uses instead of a missing title
            build_messages.add((kind[5:], m.group("msg").split("; using ")[0]))
            if m.group("path"):
                build.add((Path(m.group("path")).name, int(m.group("line")), kind[5:]))
    assert build, warnings
    settings = lint.settings_from_conf(lint.read_conf(src))
    settings.max_image_bytes = 4 * 1024
    report = lint.lint(src, settings=settings, progress=False, cwd=tmp_path)
    # the build's kiji.liquid about a post_url that names nothing is lint's broken-post-url
    ours = [
        (f, "liquid" if f.check == "broken-post-url" else f.check)
        for f in report.findings
        if "not built yet" not in f.message  # a post the build leaves out has no warnings there
    ]
    assert {
        (Path(f.path).name, f.line, c) for f, c in ours if c in BUILD_CHECKS and c != "slug"
    } == {b for b in build if b[2] != "slug"}
    assert {(c, f.message) for f, c in ours if c in BUILD_CHECKS} == build_messages
    # MyST gives one warning per broken link too (at the paragraph's first line)
    assert sum(f.check == "broken-link" for f in report.findings) == links.total()
    # ... and it is the same link: lint's line, taken up to its paragraph's first line, is where
    # the build warns (the same file, the same paragraph, as many times)
    ours_links: Counter[tuple[str, int]] = Counter()
    for f in report.findings:
        if f.check == "broken-link":
            lines = (tmp_path / f.path).read_text(encoding="utf-8", errors="replace").split("\n")
            start = f.line
            while start > 1 and lines[start - 2].strip():
                start -= 1
            ours_links[(Path(f.path).name, start)] += 1
    assert ours_links == links


def test_the_repository_passes() -> None:
    report = lint.lint(DOCS, settings=site_settings(), progress=False, cwd=ROOT)
    errors = [f.format() for f in report.findings if f.severity == "error"]
    assert errors == []


# --------------------------------------------------------------------------- pieces


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("データセンター", "データ・センター", True),
        ("データセンター", "データ センター", True),
        ("サーバー", "サーバ", True),
        ("machine learning", "machine-learning", True),
        ("pytorch", "pytroch", True),  # transposition
        ("kubernetes", "kubernets", True),  # deletion
        ("gpu", "gpus", True),  # plural
        ("agent", "agents", True),
        ("h100", "h200", False),  # versions, not typos
        ("gpt-4", "gpt-5", False),
        ("gpu", "cpu", False),  # too short to tell
        ("java", "javascript", False),
        ("投資", "投資家", False),
    ],
)
def test_near_duplicates(a: str, b: str, same: bool) -> None:
    pairs = lint.near_duplicates([catalog.name_key(a), catalog.name_key(b)])
    assert bool(pairs) is same


def test_code_is_not_scanned() -> None:
    lines = [
        "```text",
        "---END---",
        "[x](nope.md)",
        "```",
        "````markdown",
        "```{postlist}",
        ":tags: x",
        "```",
        "````",
        "`{% post_url nope %}` and `[x](nope.md)` and {post}`real`",
        ":::{note}",
        "[inside](inside.md)",
        ":::",
        # a directive whose content is Markdown: its closing fence opens no code block
        "```{note}",
        "[in a note](note.md)",
        "```",
        "[after](after.md)",
        "```{figure} pic.png",
        ":name: fig-label",
        "```",
    ]
    body = lint.scan_body(lines, 0)
    assert body.markers == []
    assert [(r.kind, r.target) for r in body.refs] == [
        ("role", "real"),
        ("link", "inside.md"),
        ("link", "note.md"),
        ("link", "after.md"),
        ("directive-image", "pic.png"),
    ]
    assert body.labels == {"fig-label"}


def test_heading_slugs_follow_myst() -> None:
    headings = [
        (1, 2, "ファイルを置く場所"),
        (2, 2, "**Bold** and `code`"),
        (3, 2, "ファイルを置く場所"),
        (4, 4, "深い"),
    ]
    assert lint.heading_slugs(headings, 3) == {
        "ファイルを置く場所",
        "bold-and-code",
        "ファイルを置く場所-1",
    }


def test_progress_without_a_terminal(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    for i in range(lint.PROGRESS_THRESHOLD + 1):
        (posts / f"2026-01-01-p{i:03}.md").write_text(
            f'---\ntitle: "記事 {i}"\ndate: 2026-01-01\ntags: ["共通"]\nexcerpt: "要約。"\n---\n\n'
            f"本文 {i}。\n",
            encoding="utf-8",
        )
    err = io.StringIO()
    report = lint.lint(tmp_path, settings=lint.Settings(), stream=err, cwd=tmp_path)
    assert report.findings == []
    lines = err.getvalue().splitlines()
    total = lint.PROGRESS_THRESHOLD + 1
    assert f"lint: reading {total}/{total}" in lines
    assert lines[-1] == f"lint: scanning {total}/{total}"
    assert 10 <= len(lines) <= 20  # a few lines per step in a log, not one per file
    quiet = io.StringIO()
    lint.lint(FIXTURES, settings=fixture_settings(), stream=quiet, cwd=ROOT)
    assert quiet.getvalue() == ""  # 18 files, no terminal: no progress


# --------------------------------------------------------------------------- the command line


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return kiji("lint", *args, cwd=cwd, env={"SOURCE_DATE_EPOCH": "1795824000"})  # 2026-11-28


def test_cli_report_json_and_exit_code(tmp_path: Path) -> None:
    out = tmp_path / "reports" / "lint.json"
    result = _cli("--source", str(FIXTURES), "--max-image-kb", "4", "--json", str(out))
    assert result.returncode == 1, result.stderr  # there are errors
    lines = result.stdout.splitlines()
    pattern = re.compile(
        r"^tests/fixtures/lint/posts/\S+\.md:\d+: \[[a-z-]+\] (error|warning|info): .+$"
    )
    assert all(pattern.match(line) for line in lines[:-1]), lines
    counts = {s: sum(e[3] == s for e in EXPECTED) for s in ("error", "warning", "info")}
    summary = (
        f"lint: 18 files, {counts['error']} errors, {counts['warning']} warnings, "
        f"{counts['info']} info"
    )
    assert re.fullmatch(re.escape(summary) + r" \(\d+\.\d s\)", lines[-1]), lines[-1]
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) == {"findings", "summary"}
    assert len(data["findings"]) == len(lines) - 1
    assert set(data["findings"][0]) == {"path", "line", "check", "severity", "message"}
    assert data["summary"]["errors"] == counts["error"] and data["summary"]["files"] == 18
    assert data["summary"]["by_check"]["broken-link"] == 13


def test_cli_exit_codes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    sample = str(SAMPLE.relative_to(ROOT))
    assert lint.main(["--source", "docs", "--no-progress", "docs/posts/guide"]) == 0
    assert capsys.readouterr().out.startswith("lint: 6 files, 0 errors, 0 warnings, 0 info")
    assert lint.main(["--source", "docs", sample]) == 0  # warnings only
    assert lint.main(["--source", "docs", "--fail-on", "warning", sample]) == 1
    assert lint.main(["--ignore", "no-such-check"]) == 2
    assert lint.main(["docs/posts/nope.md"]) == 2
