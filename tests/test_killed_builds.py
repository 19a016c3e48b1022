"""A build killed with SIGKILL at any moment is finished by the next build: never a wrong site.

The build runs as ``python -m sphinx`` in a subprocess with a tiny extension that kills its own
process (``SIGKILL``, nothing is cleaned up) at a chosen moment: after reading (the environment
not yet pickled), while writing pages, at the start of ``build-finished`` (before kiji
writes feeds, redirects and its state files). Then a normal build runs on the same folders, and
its output must equal a clean build of the same sources byte for byte (``.buildinfo`` aside).
Both a clean build and an incremental one (after edits of every kind) are killed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import assert_same_site
from tests.test_rebuild_matrix import ROWS

KILLER = """\
import os, signal
def setup(app):
    event, _, nth = os.environ["KIJI_KILL_AT"].partition(":")
    seen = [0]
    def kill(*args):
        seen[0] += 1
        if seen[0] == int(nth or 1):
            os.kill(os.getpid(), signal.SIGKILL)
    # priority 1: before any other handler of the event
    app.connect(event, kill, priority=1)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
"""

# event:n -> the n-th time the event fires in the main process
MOMENTS = [
    # (Killed while reading, fewer doctrees are on disk than at env-updated and the environment is
    # not pickled in either case; left out for time.)
    "env-updated:1",  # everything read, the environment not yet pickled
    "html-page-context:3",  # writing, some pages written
    "build-finished:1",  # pages written; kiji's feeds, redirects and state files not yet
]
# An incremental build that changes a bit of everything at once.
CHANGES = ["title edit", "tag renamed", "post deleted", "draft published", "static file"]


def _sphinx(src: Path, out: Path, helper: Path, kill_at: str | None = None) -> int:
    env = {**os.environ, "PYTHONPATH": str(helper)}
    args = [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-d", str(out / "doctrees")]
    if kill_at:
        env["KIJI_KILL_AT"] = kill_at
        args += ["-D", "extensions=myst_parser,kiji,kill_build"]
    args += [str(src), str(out / "html")]
    return subprocess.run(args, env=env, capture_output=True, check=False).returncode


@pytest.fixture(scope="module")
def helper(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("killer")
    (folder / "kill_build.py").write_text(KILLER, encoding="utf-8")
    return folder


def _change_everything(src: Path) -> None:
    for row in CHANGES:
        ROWS[row][0](src)


@pytest.fixture(scope="module")
def clean_sites(tmp_path_factory, rootdir, helper) -> dict[str, Path]:
    """Clean builds of the root as it is and after the changes."""
    base = tmp_path_factory.mktemp("killed-clean")
    sites = {}
    for name, change in (("first", None), ("changed", _change_everything)):
        src = base / name / "src"
        shutil.copytree(rootdir / "test-rebuild", src)
        if change:
            change(src)
        assert _sphinx(src, base / name, helper) == 0
        sites[name] = base / name / "html"
    return sites


@pytest.mark.parametrize("moment", MOMENTS)
def test_killed_clean_build_is_finished_by_the_next(rootdir, tmp_path, helper, clean_sites, moment):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-rebuild", src)
    assert _sphinx(src, tmp_path, helper, kill_at=moment) == -signal.SIGKILL
    assert _sphinx(src, tmp_path, helper) == 0
    assert_same_site(tmp_path / "html", clean_sites["first"])


@pytest.mark.parametrize("moment", MOMENTS)
def test_killed_incremental_build_is_finished_by_the_next(
    rootdir, tmp_path, helper, clean_sites, moment
):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-rebuild", src)
    assert _sphinx(src, tmp_path, helper) == 0
    _change_everything(src)
    assert _sphinx(src, tmp_path, helper, kill_at=moment) == -signal.SIGKILL
    assert _sphinx(src, tmp_path, helper) == 0
    assert_same_site(tmp_path / "html", clean_sites["changed"])


def test_a_rebuild_without_changes_rewrites_nothing(rootdir, tmp_path, helper):
    """Two processes (two hash seeds) agree that nothing changed: no page is written again."""
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-rebuild", src)
    os.environ["PYTHONHASHSEED"], old_seed = "1", os.environ.get("PYTHONHASHSEED")
    try:
        assert _sphinx(src, tmp_path, helper) == 0
        pages = {p: p.stat().st_mtime_ns for p in (tmp_path / "html").rglob("*.html")}
        os.environ["PYTHONHASHSEED"] = "2"
        assert _sphinx(src, tmp_path, helper) == 0
    finally:
        if old_seed is None:
            del os.environ["PYTHONHASHSEED"]
        else:
            os.environ["PYTHONHASHSEED"] = old_seed
    rewritten = sorted(
        p.relative_to(tmp_path).as_posix() for p, m in pages.items() if p.stat().st_mtime_ns != m
    )
    # Sphinx writes its own search and index pages on every build; nothing else may change.
    assert rewritten == ["html/genindex.html", "html/search.html"]
