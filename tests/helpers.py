"""The one set of test helpers: copy a root, build it, read its warnings, compare two sites.

Every test module that builds a site uses these (``from tests.helpers import ...``), so a change
in how Sphinx's test application is driven is made once.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path
from typing import Any

from sphinx.testing.util import SphinxTestApp

ROOT = Path(__file__).resolve().parent.parent
ROOTS = ROOT / "tests" / "roots"

# Files that legitimately differ between two builds of the same sources: none of the pages.
IGNORED = {".buildinfo", ".buildinfo.bak"}

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def copy_root(name: str, dest: Path) -> Path:
    """``tests/roots/test-<name>`` copied to ``dest`` (a fresh folder); returns ``dest``."""
    shutil.copytree(ROOTS / f"test-{name}", dest)
    return dest


def build(
    srcdir: Path,
    builddir: Path | None = None,
    *,
    parallel: int = 1,
    freshenv: bool = False,
    builder: str = "html",
    setup: Any = None,
    **confoverrides: Any,
) -> SphinxTestApp:
    """Build ``srcdir`` with Sphinx's test application (``builddir`` defaults to ``_build``).

    ``setup(app)`` runs before the build (to spy on the application); keyword arguments are
    configuration overrides (``build(src, out, kiji_fast_build=False)``).
    """
    app = SphinxTestApp(
        builder,
        srcdir=srcdir,
        builddir=builddir,
        parallel=parallel,
        freshenv=freshenv,
        confoverrides=confoverrides or None,
        status=StringIO(),
        warning=StringIO(),
    )
    try:
        if setup is not None:
            setup(app)
        app.build()
    finally:
        app.cleanup()
    return app


def build_apart(srcdir: Path, outdir: Path, *options: str) -> Path:
    """Build in a process of its own (``python -m sphinx``), for a site a browser test serves.

    Sphinx and the themes keep some state per process (pydata-sphinx-theme changes shared
    configuration defaults), so a site built after another test built a book-theme site in this
    process could differ from the one ``make html`` gives.
    """
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-E", "-b", "html", *options, str(srcdir), str(outdir),
         "-d", str(outdir.parent / (outdir.name + "-doctrees"))],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return outdir


def warnings_of(app: SphinxTestApp) -> str:
    """Everything the build logged as warnings, without terminal colours."""
    return _ANSI.sub("", app.warning.getvalue())


def warning_lines(app: SphinxTestApp) -> list[str]:
    return [line for line in warnings_of(app).splitlines() if "WARNING" in line]


def tree(outdir: Path) -> dict[str, bytes]:
    """Every output file's bytes by relative path (doctrees and ``.buildinfo`` aside)."""
    files = {}
    for path in sorted(outdir.rglob("*")):
        rel = path.relative_to(outdir).as_posix()
        if path.is_file() and not rel.startswith(".doctrees") and path.name not in IGNORED:
            files[rel] = path.read_bytes()
    return files


def assert_same_site(a: Path, b: Path, ignore: tuple[str, ...] = ()) -> None:
    """The two output folders hold the same files, byte for byte (``ignore``: paths left out)."""
    ta, tb = tree(a), tree(b)
    for name in ignore:
        ta.pop(name, None), tb.pop(name, None)
    assert sorted(ta) == sorted(tb), set(ta) ^ set(tb)
    different = [name for name in ta if ta[name] != tb[name]]
    assert not different, different


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` once, with an mtime Sphinx sees as later than the last read."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    time.sleep(0.01)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    touch_later(path)


def touch_later(path: Path) -> None:
    # Two seconds later, even on file systems with coarse timestamps.
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, max(st.st_mtime_ns, time.time_ns()) + 2_000_000_000))


def kiji(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    """Run the installed ``kiji`` command (the environment's, as ``make`` runs it)."""
    command = Path(sys.executable).with_name("kiji")
    return subprocess.run(
        [str(command), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )
