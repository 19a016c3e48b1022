"""``kiji lint`` and the build agree: one site with every kind of problem, both report it.

``tests/roots/test-lint-agree`` holds front-matter, encoding, date, type, title, slug, Liquid,
kramdown and link problems (links, images, roles, links inside directives, next to code blocks,
code spans and HTML blocks that must not count), each broken link in a paragraph of its own so
MyST's warning (at the paragraph's first line) and lint's finding (at the link's line) can be
compared line for line. The build's warnings are read from Sphinx's warning stream.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from kiji.cli import lint

from tests.helpers import ROOT, build, copy_root, warnings_of

BUILD_CHECKS = ("frontmatter", "encoding", "field", "date", "title", "slug", "liquid", "kramdown")
# What the build says about a link that leads nowhere (MyST, Sphinx, the kiji domain).
LINK_WARNINGS = ("myst.xref_missing", "image.not_readable", "ref.doc", "kiji.reference")
_WARNING = re.compile(
    r"^(?:(?P<path>\S+?):(?P<line>\d+): )?WARNING: (?P<msg>.*) \[(?P<type>[\w.]+)\]$"
)

Finding = tuple[str | None, int | None, str, str]  # (file, line, kind, message)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[set[Finding], set[Finding]]:
    tmp = tmp_path_factory.mktemp("agree")
    src = copy_root("lint-agree", tmp / "src")
    warnings = warnings_of(build(src, tmp / "out", freshenv=True))
    ours = lint.lint(
        src, settings=lint.settings_from_conf(lint.read_conf(src)), progress=False, cwd=src
    )
    return _from_build(warnings, src), _from_lint(ours)


def _from_build(warnings: str, src: Path) -> set[Finding]:
    found: set[Finding] = set()
    for text in warnings.splitlines():
        m = _WARNING.match(text)
        if not m:
            continue
        kind, path = m.group("type"), m.group("path")
        where = Path(path).resolve().relative_to(src).as_posix() if path else None
        line = int(m.group("line")) if m.group("line") else None
        if kind in LINK_WARNINGS:
            found.add((where, line, "link", ""))
        elif kind.startswith("kiji.") and kind[5:] in BUILD_CHECKS:
            # the build also says what it uses instead of a missing title
            found.add((where, line, kind[5:], m.group("msg").split("; using ")[0]))
    return found


def _from_lint(report: lint.Report) -> set[Finding]:
    found: set[Finding] = set()
    for f in report.findings:
        if f.check in BUILD_CHECKS:
            found.add((f.path, f.line, f.check, f.message))
        elif f.message.startswith(("{% post_url ", "{% link ")):
            found.add((f.path, f.line, "liquid", f.message))  # the build's kiji.liquid
        elif f.check == "broken-link":
            found.add((f.path, f.line, "link", ""))
    return found


def test_same_findings_same_files_and_lines(site: tuple[set[Finding], set[Finding]]) -> None:
    build_found, lint_found = site
    # The build logs a slug collision without a location (it is about two names, not a file);
    # lint puts it on the front-matter line that writes the name. The rest match to the line.
    located = {f for f in build_found if f[2] != "slug"}
    assert {f for f in lint_found if f[2] != "slug"} == located
    assert {f[3] for f in lint_found if f[2] == "slug"} == {f[3] for f in build_found if f[2] == "slug"}  # fmt: skip


def test_every_kind_of_problem_is_on_the_site(site: tuple[set[Finding], set[Finding]]) -> None:
    build_found, _lint_found = site
    assert {f[2] for f in build_found} == {*BUILD_CHECKS, "link"}
    links = sorted(f[1] for f in build_found if f[2] == "link" and f[0].endswith("-links.md"))
    # one per broken link, role and image; none from the code block, code span or HTML block
    assert links == [10, 12, 14, 16, 18, 22, 24, 26, 28, 30, 35, 39]
    liquid = sorted(f[1] for f in build_found if f[2] == "liquid")
    assert liquid == [10, 12, 14]  # post_url to nothing, link to nothing, include


def test_every_build_check_is_a_registered_check() -> None:
    for code in BUILD_CHECKS:
        assert code in lint.CHECKS and lint.CHECKS[code][0] == "error"


# --------------------------------------------------------------------------- the registry


def test_every_check_is_a_documented_function() -> None:
    """One small function per finding kind, each with its code, severity and a Bad/Good doc."""
    from kiji.cli import checks

    assert len(checks.REGISTRY) >= len(lint.CHECKS)
    for c in checks.REGISTRY.values():
        assert c.summary and "Bad" in c.doc and "Good" in c.doc, c.name
        assert c.severity in checks.SEVERITIES
    assert set(lint.CHECKS) == {c.code for c in checks.REGISTRY.values()}
    assert not hasattr(lint, "Checker")


def test_guide_table_is_the_registry() -> None:
    from kiji.cli import checks

    guide = (ROOT / "docs" / "posts" / "guide" / "2026-11-18-build-and-warnings.md").read_text(
        encoding="utf-8"
    )
    assert checks.guide_table() in guide


def test_list_prints_the_registry(capsys: pytest.CaptureFixture[str]) -> None:
    from kiji.cli import checks

    assert lint.main(["--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [c.code for c in checks.REGISTRY.values()]
    assert lint.main(["--list", "markdown"]) == 0
    assert capsys.readouterr().out.strip() == checks.guide_table()
