"""How the build uses its processes and its memory (kiji.parallel, the search's term files).

The equivalences (``-j N`` = ``-j 1``, incremental = clean) are in test_builds.py; these tests
show that the work really goes where the design says: pages written by ``jobs`` workers, the
generated index pages and the search index written in forked workers, a serial read keeping a
bounded number of doctrees, and the environment holding no search terms.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kiji.core.store import SideStore
from kiji.sphinx import fast, parallel, search
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.testing.util import SphinxTestApp

from tests.helpers import assert_same_site, build, copy_root, tree

ROOT = Path(__file__).resolve().parent.parent


def test_pages_are_written_by_every_job(rootdir, tmp_path, spy):
    calls = spy(StandaloneHTMLBuilder, "_write_parallel")
    src = copy_root("posts", tmp_path / "src")
    build(src, tmp_path / "j2", parallel=2)
    # Sphinx alone would use jobs - 1 = 1 writer.
    assert [nproc for _builder, _docs, nproc in calls] == [2]
    build(src, tmp_path / "j1", parallel=1)
    assert len(calls) == 1  # a serial build stays serial
    assert_same_site(tmp_path / "j1" / "html", tmp_path / "j2" / "html")


def test_pages_are_handed_to_the_writers_in_batches(rootdir, tmp_path, spy, monkeypatch):
    monkeypatch.setattr(fast, "WRITE_BATCH", 3)
    calls = spy(StandaloneHTMLBuilder, "_write_parallel")
    src = copy_root("posts", tmp_path / "src")
    build(src, tmp_path / "j2", parallel=2)
    batches = [docs for _builder, docs, _nproc in calls]
    assert len(batches) >= 2 and all(len(b) <= 3 for b in batches)
    written = [d for b in batches for d in b]
    assert written == sorted(written) and len(set(written)) == len(written)
    build(src, tmp_path / "j1", parallel=1)
    assert_same_site(tmp_path / "j1" / "html", tmp_path / "j2" / "html")


CUSTOM_BUILDER = """
from pathlib import Path
from sphinx.builders.html import StandaloneHTMLBuilder


class CustomHTML(StandaloneHTMLBuilder):
    name = "html"

    def write_documents(self, docnames):
        Path(self.outdir, "custom-writer.txt").write_text("yes", encoding="utf-8")
        super().write_documents(docnames)


def setup(app):
    app.add_builder(CustomHTML, override=True)
"""


def test_another_write_documents_is_left_alone(rootdir, tmp_path):
    """A builder whose class writes documents its own way keeps its way."""
    src = copy_root("posts", tmp_path / "src")
    with (src / "conf.py").open("a", encoding="utf-8") as f:
        f.write(CUSTOM_BUILDER)
    app = build(src, tmp_path / "out", parallel=2)
    assert (tmp_path / "out" / "html" / "custom-writer.txt").is_file()
    assert "write_documents" not in vars(app.builder)
    assert (tmp_path / "out" / "html" / "index.html").is_file()


def _pid_probe(log: Path):
    """A test extension: which process rendered each generated page and the search index."""

    def setup(app: SphinxTestApp) -> None:
        def on_page(app, pagename, templatename, context, doctree):
            if context.get("kiji_generated"):
                with log.open("a", encoding="utf-8") as f:
                    f.write(f"page {os.getpid()} {pagename}\n")

        app.connect("html-page-context", on_page)

    return setup


def test_finishing_work_runs_in_forked_workers(rootdir, tmp_path, monkeypatch):
    log = tmp_path / "pids.log"
    original = search.write_index_files

    def write_index_files(outdir, files):
        with log.open("a", encoding="utf-8") as f:
            f.write(f"index {os.getpid()} -\n")
        return original(outdir, files)

    monkeypatch.setattr(search, "write_index_files", write_index_files)
    src = copy_root("posts", tmp_path / "src")
    build(src, tmp_path / "j2", parallel=2, setup=_pid_probe(log))
    rows = [line.split(" ", 2) for line in log.read_text(encoding="utf-8").splitlines()]
    pages = [(pid, name) for kind, pid, name in rows if kind == "page"]
    index = [pid for kind, pid, _ in rows if kind == "index"]
    assert len(pages) >= parallel.MIN_PARALLEL_ITEMS  # enough pages to be worth the workers
    me = str(os.getpid())
    assert index and me not in index
    assert pages and all(pid != me for pid, _ in pages)
    assert len({pid for pid, _ in pages}) >= 2  # chunks in more than one worker
    assert len({name for _, name in pages}) == len(pages)  # each page written once

    # Serially, everything happens in this process, and the site is the same.
    log.unlink()
    build(src, tmp_path / "j1", parallel=1, setup=_pid_probe(log))
    pids = {line.split(" ", 2)[1] for line in log.read_text(encoding="utf-8").splitlines()}
    assert pids == {me}
    assert_same_site(tmp_path / "j1" / "html", tmp_path / "j2" / "html")


def test_serial_read_keeps_a_bounded_number_of_doctrees(rootdir, tmp_path, monkeypatch):
    sizes: list[int] = []

    def probe(app: SphinxTestApp) -> None:
        app.connect(
            "doctree-read",
            lambda app, doctree: sizes.append(len(app.env._write_doc_doctree_cache)),
        )

    src = copy_root("posts", tmp_path / "src")
    build(src, tmp_path / "full", setup=probe)
    unbounded = max(sizes)
    assert unbounded >= 4  # Sphinx alone keeps every doctree read so far

    sizes.clear()
    monkeypatch.setattr(fast, "DOCTREE_CACHE_LIMIT", 1)
    build(src, tmp_path / "capped", setup=probe)
    assert max(sizes) <= 2  # the limit, plus the one just read
    assert_same_site(tmp_path / "full" / "html", tmp_path / "capped" / "html")


def _env(out: Path):
    with (out / "doctrees" / "environment.pickle").open("rb") as f:
        return pickle.load(f)


def test_search_terms_live_beside_the_doctrees_not_in_the_environment(rootdir, tmp_path):
    src = copy_root("posts", tmp_path / "src")
    build(src, tmp_path / "out")
    docs = _env(tmp_path / "out").domaindata["kijisearch"]["docs"]
    assert docs
    folder = tmp_path / "out" / "doctrees" / search.TERMS_DIR
    for entry in docs.values():
        assert isinstance(entry["terms"], str) and len(entry["terms"]) == 24
        assert (folder / f"{entry['terms']}.terms").is_file()
    sample = docs["posts/2026-01-17-amazon-ai-chip"]["terms"]
    terms = search._unpack_terms((folder / f"{sample}.terms").read_bytes())
    assert {"チッ", "ップ", "高速", "速化"} <= set(terms)


def test_search_index_is_skipped_when_its_inputs_are_unchanged(rootdir, tmp_path, spy):
    src = copy_root("posts", tmp_path / "src")
    out = tmp_path / "out"
    build(src, out)
    built = spy(search, "build_index")
    updated = spy(search, "update_index")
    index = out / "html" / search.INDEX_DIR
    manifest = index / "manifest.json"
    stamp = manifest.stat().st_mtime_ns
    before = tree(out / "html")
    # An index file changed by hand is not noticed when nothing changed: the inputs decide.
    os.utime(manifest, ns=(stamp, stamp))
    build(src, out)
    assert manifest.stat().st_mtime_ns == stamp
    assert tree(out / "html") == before
    assert built == [] and updated == []

    # A body edit changes the inputs: the index is written again, equal to a clean build's.
    post = src / "posts" / "2026-01-17-amazon-ai-chip.md"
    post.write_text(post.read_text(encoding="utf-8") + "\n量子暗号の追記。\n", encoding="utf-8")
    st = post.stat()
    os.utime(post, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    build(src, out)
    # ... by updating the last build's index in place, not by building it anew.
    assert len(updated) == 1 and built == []
    assert_same_site(out / "html", _clean_build(rootdir, tmp_path, post))
    assert '"量子"' in "".join(
        p.read_text(encoding="utf-8") for p in (index / "t").glob("*.json")
    )


def test_lost_term_files_are_made_again(rootdir, tmp_path):
    """Deleting the term files (but not the environment) re-reads the pages that need them."""
    src = copy_root("posts", tmp_path / "src")
    out = tmp_path / "out"
    build(src, out)
    before = tree(out / "html")
    shutil.rmtree(out / "doctrees" / search.TERMS_DIR)
    SideStore(out / "doctrees", search.STORE).path.unlink()
    build(src, out)
    assert tree(out / "html") == before
    assert any((out / "doctrees" / search.TERMS_DIR).iterdir())


def test_stale_term_files_are_removed(rootdir, tmp_path):
    src = copy_root("posts", tmp_path / "src")
    out = tmp_path / "out"
    build(src, out)
    folder = out / "doctrees" / search.TERMS_DIR
    count = len(list(folder.iterdir()))
    (src / "posts" / "2026-04-01-toml.md").unlink()
    build(src, out)
    docs = _env(out).domaindata["kijisearch"]["docs"]
    assert {p.name for p in folder.iterdir()} == {f"{e['terms']}.terms" for e in docs.values()}
    assert len(list(folder.iterdir())) == count - 1


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_build_output_has_no_matplotlib_notice(rootdir, tmp_path, jobs):
    """sphinxext-opengraph prints a notice when matplotlib is missing; kiji draws its own cards."""
    src = copy_root("posts", tmp_path / "src")
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-j", jobs, str(src), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert "matplotlib" not in done.stdout + done.stderr
    assert (tmp_path / "out" / "index.html").is_file()


def test_a_few_changed_documents_are_read_without_forking(rootdir, tmp_path, spy, monkeypatch):
    src = copy_root("posts", tmp_path / "src")
    out = tmp_path / "out"
    build(src, out, parallel=2)  # every document, read in forked readers
    monkeypatch.setattr(fast, "SERIAL_READ_MIN", 20)  # the real limits (conftest lowers them)
    monkeypatch.setattr(fast, "SERIAL_READ_PER_DOC", 100)
    serial = spy(StandaloneHTMLBuilder, "_read_serial")
    forked = spy(StandaloneHTMLBuilder, "_read_parallel")
    post = src / "posts" / "2026-01-17-amazon-ai-chip.md"
    post.write_text(post.read_text(encoding="utf-8") + "\n追記。\n", encoding="utf-8")
    st = post.stat()
    os.utime(post, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    build(src, out, parallel=2)
    assert [docs for _builder, docs in serial] == [["posts/2026-01-17-amazon-ai-chip"]]
    assert forked == []
    assert_same_site(out / "html", _clean_build(rootdir, tmp_path, post))
    # Many documents are still read in forked readers.
    assert fast.serial_read_limit(1_000) == 30
    assert fast.serial_read_limit(10_000) == 120


def test_many_documents_are_read_in_one_forked_reader_per_job(rootdir, tmp_path, spy):
    serial = spy(StandaloneHTMLBuilder, "_read_serial")
    shares = spy(fast, "read_in_shares")
    src = copy_root("posts", tmp_path / "src")
    # conftest lowers the serial-read limit to 0 here
    (tmp_path / "log").mkdir()
    log = tmp_path / "log" / "pids"

    def probe_to_file(app: SphinxTestApp) -> None:
        def note(app, doctree):
            with log.open("a", encoding="utf-8") as f:
                f.write(f"{os.getpid()} {app.env.docname}\n")

        app.connect("doctree-read", note)

    build(src, tmp_path / "j2", parallel=2, setup=probe_to_file)
    assert serial == [] and len(shares) == 1
    rows = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    pids = {pid for pid, _ in rows}
    assert str(os.getpid()) not in pids and len(pids) == 2  # two readers, forked once each
    assert len({doc for _, doc in rows}) == len(rows)  # every document read once
    build(src, tmp_path / "j1")
    assert_same_site(tmp_path / "j1" / "html", tmp_path / "j2" / "html")


def test_shares_cover_the_documents_in_order():
    docs = [f"d{i:02d}" for i in range(11)]
    parts = fast._shares(docs, 3)
    assert [len(p) for p in parts] == [4, 4, 3]
    assert [d for part in parts for d in part] == docs
    assert fast._shares(docs[:1], 2) == [["d00"]]


def _clean_build(rootdir: Path, tmp_path: Path, edited: Path) -> Path:
    clean = copy_root("posts", tmp_path / "clean-src")
    shutil.copy2(edited, clean / "posts" / edited.name)
    build(clean, tmp_path / "clean")
    return tmp_path / "clean" / "html"


# --------------------------------------------------------------------------- toctree purge


def _toctree_env(includes: dict[str, list[str]]):
    """What Sphinx's note_toctree leaves: includes per parent, parents per included file."""
    from types import SimpleNamespace

    files_to_rebuild: dict[str, set[str]] = {}
    for parent, children in includes.items():
        for child in children:
            files_to_rebuild.setdefault(child, set()).add(parent)
    return SimpleNamespace(
        tocs={d: object() for d in includes},
        toc_secnumbers={},
        toc_fignumbers={},
        toc_num_entries={},
        toctree_includes={p: list(c) for p, c in includes.items()},
        glob_toctrees=set(includes),
        numbered_toctrees=set(),
        files_to_rebuild=files_to_rebuild,
    )


DOCS = [f"d{i}" for i in range(8)]


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from(DOCS), st.lists(st.sampled_from(DOCS), max_size=6), max_size=8),
    st.lists(st.sampled_from(DOCS), max_size=10),
)
def test_scoped_purge_equals_sphinxs_own(includes, purged):
    from sphinx.environment.collectors.toctree import TocTreeCollector

    original = TocTreeCollector().clear_doc
    scoped = fast.scoped_purge(original)
    a, b = _toctree_env(includes), _toctree_env(includes)
    for docname in purged:
        original(None, a, docname)
        scoped(None, b, docname)
        assert b.files_to_rebuild == a.files_to_rebuild
        assert b.toctree_includes == a.toctree_includes and b.tocs.keys() == a.tocs.keys()


def test_scoped_purge_replaces_the_collectors_listener(rootdir, tmp_path):
    from sphinx.environment.collectors.toctree import TocTreeCollector

    src = copy_root("posts", tmp_path / "src")
    app = SphinxTestApp("html", srcdir=src, builddir=tmp_path / "out")
    try:
        handlers = [listener.handler for listener in app.events.listeners["env-purge-doc"]]
        assert not any(getattr(h, "__func__", None) is TocTreeCollector.clear_doc for h in handlers)
        assert any(getattr(h, "__qualname__", "") == "scoped_purge.<locals>.purge" for h in handlers)
        app.build()
        assert (tmp_path / "out" / "html" / "index.html").is_file()
    finally:
        app.cleanup()
