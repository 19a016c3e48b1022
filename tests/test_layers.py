"""The three layers hold: the core imports without Sphinx, the event table is what Sphinx holds,
the fast layer installs only where it can and says so when it cannot."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import kiji.core
import pytest
from kiji.sphinx import events, fast

from tests.helpers import build, copy_root, warnings_of

CORE = Path(kiji.core.__file__).parent


def test_core_imports_where_sphinx_and_docutils_cannot_be_imported():
    modules = sorted(m.name for m in pkgutil.iter_modules([str(CORE)]))
    assert {"frontmatter", "catalog", "textsplit", "store"} <= set(modules)
    script = textwrap.dedent(
        f"""
        import importlib, importlib.abc, sys

        class Refuse(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in {{"sphinx", "docutils", "myst_parser"}}:
                    raise ImportError("refused: " + name)
                return None

        sys.meta_path.insert(0, Refuse())
        for name in {modules!r}:
            importlib.import_module("kiji.core." + name)
        import kiji, kiji.cli.main
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in {{"sphinx", "docutils"}})
        assert not loaded, loaded
        print("ok", len({modules!r}))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ok", str(len(modules))]


def test_the_refusing_finder_does_refuse():
    """The check above would pass vacuously if the finder let Sphinx through."""
    script = (
        "import importlib.abc, sys\n"
        "class R(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'sphinx': raise ImportError(name)\n"
        "sys.meta_path.insert(0, R())\n"
        "import kiji.sphinx\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "ImportError" in done.stderr


def test_the_event_table_is_what_sphinx_holds(tmp_path):
    """Every listener kiji's modules connect is a row of kiji.sphinx.events, at its priority,
    and the rows are in build order (events grouped, priorities ascending within an event)."""
    app_holder = {}
    src = copy_root("posts", tmp_path / "src")
    build(src, tmp_path / "out", setup=lambda app: app_holder.setdefault("app", app))
    app = app_holder["app"]
    held, wrapped = set(), []
    for event, listeners in app.events.listeners.items():
        for listener in listeners:
            module = getattr(listener.handler, "__module__", "") or ""
            if listener.handler.__qualname__ == "scoped_purge.<locals>.purge":
                wrapped.append(event)  # Sphinx's own listener, wrapped by fast.install
            elif module.startswith("kiji."):
                held.add((event, listener.handler, listener.priority))
    table = {(row.event, row.handler, row.priority) for row in events.EVENTS}
    assert held == table
    assert wrapped == ["env-purge-doc"]
    order = list(dict.fromkeys(row.event for row in events.EVENTS))
    for event in order:
        priorities = [row.priority for row in events.EVENTS if row.event == event]
        assert priorities == sorted(priorities), event
    positions = [order.index(row.event) for row in events.EVENTS]
    assert positions == sorted(positions), "one block per event"
    assert all(row.why for row in events.EVENTS)


def test_the_fast_layer_is_installed_on_this_sphinx(tmp_path):
    src = copy_root("posts", tmp_path / "src")
    app = build(src, tmp_path / "out")
    assert fast.missing(app.builder) == []
    assert app.builder._kiji_fast is True
    assert "fast-build" not in warnings_of(app)


def test_the_fast_layer_switched_off(tmp_path, spy):
    calls = spy(fast, "read_in_shares")
    src = copy_root("posts", tmp_path / "src")
    app = build(src, tmp_path / "out", parallel=2, kiji_fast_build=False)
    assert not getattr(app.builder, "_kiji_fast", False)
    assert calls == []  # Sphinx's own chunked read
    assert (Path(app.outdir) / "searchindex.js").is_file()  # Sphinx's indexer ran
    assert "fast-build" not in warnings_of(app)


@pytest.mark.parametrize("version", [(10, 0), (11, 2)])
def test_an_untested_sphinx_turns_the_layer_off_with_a_warning(tmp_path, monkeypatch, version):
    import sphinx

    monkeypatch.setattr(sphinx, "version_info", (*version, 0, "final", 0))
    src = copy_root("posts", tmp_path / "src")
    app = build(src, tmp_path / "out")
    assert not getattr(app.builder, "_kiji_fast", False)
    text = warnings_of(app)
    assert "[kiji.fast-build]" in text and f"Sphinx {version[0]}.{version[1]}" in text
    assert (Path(app.outdir) / "index.html").is_file()


def test_a_missing_private_method_turns_the_layer_off_with_a_warning(tmp_path, monkeypatch):
    from sphinx.builders import Builder

    monkeypatch.delattr(Builder, "_write_parallel")
    src = copy_root("posts", tmp_path / "src")
    app = build(src, tmp_path / "out")
    assert not getattr(app.builder, "_kiji_fast", False)
    assert "Builder._write_parallel" in warnings_of(app)
