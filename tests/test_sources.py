"""The one implementation of source discovery and glob matching (``kiji.core.sources``).

The build and ``kiji lint`` both use it; these tests hold it to Sphinx's own behaviour, so the
two cannot disagree about which files are sources or posts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kiji.core import sources
from sphinx.project import Project
from sphinx.util.matching import Matcher as SphinxMatcher

# Path and pattern alphabets with every character Sphinx's glob treats specially.
_PATH = st.text(alphabet="ab/._-[]!^\\*?", min_size=0, max_size=12)
_GLOB = st.text(alphabet="ab/.*?[]!^\\-", min_size=0, max_size=10)


@pytest.mark.filterwarnings("ignore::FutureWarning")  # "[[" globs: Python warns, both agree
@settings(max_examples=600, deadline=None)
@given(patterns=st.lists(_GLOB, min_size=1, max_size=3), path=_PATH)
def test_matcher_is_sphinx_matcher(patterns: list[str], path: str) -> None:
    """The same verdict as ``sphinx.util.matching.Matcher`` for any globs and any path."""
    try:
        theirs = SphinxMatcher(patterns)(path)
    except Exception as err:  # noqa: BLE001 - a glob Sphinx cannot compile: so must ours fail
        try:
            sources.Matcher(patterns)(path)
        except Exception as ours:  # noqa: BLE001
            assert type(ours) is type(err)
            return
        raise AssertionError(f"Sphinx fails on {patterns!r} ({err}), kiji does not") from None
    assert sources.Matcher(patterns)(path) is theirs


@given(st.sampled_from(["posts/**", "**/_posts/*", "*/x", "posts/[!_]*", "**/.*", "a?c"]),
       st.sampled_from(["posts/a", "posts/b/c", "_posts/x", "a/_posts/y", ".git", "d/.x", "abc",
                        "a/c", "z/x", "posts/_d"]))  # fmt: skip
def test_matcher_on_kiji_patterns(pattern: str, path: str) -> None:
    assert sources.Matcher([pattern])(path) is SphinxMatcher([pattern])(path)


def test_discover_is_sphinx_project_discover(tmp_path: Path) -> None:
    """docname → file of every source, as Sphinx's ``Project.discover`` finds them."""
    files = [
        "index.md", "about.markdown", "posts/2026-01-01-a.md", "posts/_posts/2019-1-7-b.md",
        "posts/drafts/c.md", "posts/img.png", "_sources/x.md", "sub/.#lock.md", "skip/y.md",
        "デ/ジ.md", "a.lproj/z.md", "notes/n.mkdn",
    ]  # fmt: skip
    for rel in files:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("# x\n", encoding="utf-8")
    suffixes = (".md", ".markdown", ".mkdn")
    exclude = ["skip", "posts/drafts/*"]
    project = Project(tmp_path, suffixes)
    theirs = {d: project.doc2path(d, absolute=False).as_posix()
              for d in project.discover(exclude_paths=exclude)}  # fmt: skip
    ours = sources.discover(tmp_path, suffixes, exclude)
    assert ours == theirs
    assert "posts/_posts/2019-1-7-b" in ours and "skip/y" not in ours


def test_slug_and_docname() -> None:
    assert sources.slug_from_docname("posts/2026-01-02-hello") == "hello"
    assert sources.slug_from_docname("posts/2026-01-02") == "2026-01-02"
    assert sources.slug_from_docname("posts/about") == "about"
    assert sources.docname_of("posts/a.markdown", (".md", ".markdown")) == "posts/a"
    assert sources.docname_of("posts/a.png", (".md",)) is None


def test_find_post_order() -> None:
    slugs = {"posts/2026-01-02-x": "x", "posts/b/2025-01-01-x": "x", "posts/y": "y"}
    assert sources.find_post("posts/y.md", slugs) == "posts/y"
    assert sources.find_post("2026-01-02-x", slugs) == "posts/2026-01-02-x"
    assert sources.find_post("x", slugs) == "posts/2026-01-02-x"  # first docname in order
    assert sources.find_post("nothing", slugs) is None


def test_build_index_reads_manifests(tmp_path: Path) -> None:
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "jekyll-import.json").write_text(
        '{"files": {"_posts/2019-01-07-old.md": "2019-01-07-new.md"}}', encoding="utf-8"
    )
    paths = {"posts/2019-01-07-new": "posts/2019-01-07-new.md", "about": "about.md"}
    index = sources.build_index(paths, srcdir=tmp_path, posts=["posts/**"], suffixes=[".md"])
    assert index.resolve_post("2019-01-07-old") == "/posts/2019-01-07-new.md"
    assert index.resolve_post("2019-1-7-new") == "/posts/2019-01-07-new.md"
    assert index.resolve_link("about.md") == "/about.md"
    assert index.resolve_link("_posts/2019-01-07-new.md") == "/posts/2019-01-07-new.md"
