"""Use the ``-j`` processes where they pay, and keep memory flat.

What Sphinx leaves on the table, measured at 1,000 posts on 2 cores (``benchmarks/README.md``):

* ``Builder.write_documents`` hands pages to ``jobs - 1`` worker processes and keeps the main
  process for resolving doctrees. With ``-j 2`` one process renders every page while the main
  process, whose share is about a fifth of a page's cost, waits for it most of the write phase.
  :func:`on_builder_inited` gives the HTML builders a ``write_documents`` that uses ``jobs``
  workers (the main process still resolves, between them). The method is documented as
  overridable; ``_write_parallel`` is Sphinx's own chunking and forking, reused as it is.
* a ``-j`` build forks readers even for one changed document, and each sends the whole pickled
  environment back: below :func:`serial_read_limit` documents they are read in the main process
  (Sphinx's own ``_read_serial``, what ``-j 1`` does); above it, :func:`read_in_shares` forks one
  reader per job instead of one per small chunk.
* the finishing steps (the generated index pages, the search index) run serially in the main
  process after all pages are written. :class:`Background` runs them as forked tasks, the search
  index while the pages are written, joined before ``html-collect-pages`` ends.
* a serial read keeps every doctree in memory until it is written: :func:`cap_doctree_cache`.
* purging a document before it is read walks every toctree dependency of the site
  (quadratic with a toctree of every post): :func:`scoped_purge` does the same in O(its own).

Each replacement is installed only where the builder has the methods it relies on and nobody
else replaced ``write_documents``. Workers are forked (Sphinx's
:class:`~sphinx.util.parallel.ParallelTasks`): they see the main process's state as it was when
they started, their warnings are replayed in the main process, and a failure in one fails the
build, as for Sphinx's own workers. Nothing a task does in its own memory comes back: tasks
write files and return nothing.
"""

from __future__ import annotations

import inspect
import pickle
import types
from collections.abc import Callable, Sequence, Set
from typing import Any

from sphinx.builders import Builder
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util import logging
from sphinx.util.parallel import ParallelTasks, make_chunks, parallel_available

logger = logging.getLogger(__name__)

# Below this many items a fork costs more than it saves.
MIN_PARALLEL_ITEMS = 8


def jobs(app: Any) -> int:
    """How many processes this build writes with (1: serial).

    Sphinx decides whether writing may be parallel (``-j``, the platform, every extension being
    ``parallel_write_safe``) and records it on the builder when the build starts; asking
    ``app.is_parallel_allowed`` again would repeat its warnings.
    """
    if not parallel_available or app.parallel <= 1:
        return 1
    return int(app.parallel) if getattr(app.builder, "parallel_ok", False) else 1


#: Documents handed to the writers at a time (see :func:`_write_documents_all_workers`).
WRITE_BATCH = 1000


def _write_documents_all_workers(self: Any, docnames: Set[str]) -> None:
    """Write with ``jobs`` workers, in batches of :data:`WRITE_BATCH` documents.

    Sphinx's ``_write_parallel`` resolves every document in the main process and queues it for
    a worker without waiting for one to be free; resolving is faster than rendering, so the
    main process ends up holding most of the site's resolved doctrees: 2 GB at 10,000 posts.
    One call per batch bounds that to a batch.
    """
    sorted_docnames = sorted(docnames)
    if self.parallel_ok and self._kiji_jobs > 1:
        for start in range(0, len(sorted_docnames), WRITE_BATCH):
            self._write_parallel(sorted_docnames[start : start + WRITE_BATCH], nproc=self._kiji_jobs)
    else:
        self._write_serial(sorted_docnames)


def serial_read_limit(known_docs: int) -> int:
    """Below this many documents to read, a ``-j`` build reads them in the main process.

    Sphinx forks readers for any number of documents, and each reader sends the whole
    environment back pickled: after a one-post edit at 1,000 posts that is 0.6 s of pickling to
    save 0.05 s of reading, ten times more at 10,000. Reading is ~50 ms a page; the environment
    ~5 KB a page, so reading in parallel pays once about a hundredth of the site changed.
    """
    return SERIAL_READ_MIN + known_docs // SERIAL_READ_PER_DOC


SERIAL_READ_MIN = 20
SERIAL_READ_PER_DOC = 100


def _read_parallel_unless_few(self: Any, docnames: list[str], nproc: int) -> None:
    if len(docnames) < serial_read_limit(len(self.env.all_docs)):
        self._read_serial(docnames)
    else:
        read_in_shares(self, docnames, nproc)


def _shares(items: Sequence[str], n: int) -> list[Sequence[str]]:
    """``n`` contiguous, nearly equal parts (sorted docnames stay together, as in Sphinx)."""
    size, extra = divmod(len(items), n)
    out, start = [], 0
    for i in range(n):
        end = start + size + (1 if i < extra else 0)
        out.append(items[start:end])
        start = end
    return [share for share in out if share]


def read_in_shares(builder: Any, docnames: list[str], nproc: int) -> None:
    """Sphinx's parallel read, with one share of the documents per reader.

    Sphinx cuts the documents into chunks of about ``sqrt(10 * docs / jobs)`` and forks a reader
    per chunk as earlier ones finish; each reader sends its whole environment back pickled, and
    a reader forked late carries everything merged before it. At 1,000 posts that is 15 chunks
    and 7 s of unpickling in the main process (py-spy), with a core idle during each merge;
    the total grows with the square of the site. Here every reader is forked at once from the
    environment as it was before reading and sends back only its own share. Reading, purging
    and merging are Sphinx's own steps (``read_doc``, ``env-purge-doc``, ``merge_info_from``).
    """
    env = builder.env
    app = builder._kiji_app
    for docname in docnames:
        builder.events.emit("env-purge-doc", env, docname)
        env.clear_doc(docname)

    def read(share: Sequence[str]) -> bytes:
        for docname in share:
            builder.read_doc(docname, **_NO_DOCTREE_CACHE)
        return pickle.dumps(env, pickle.HIGHEST_PROTOCOL)

    def merge(share: Sequence[str], data: bytes) -> None:
        env.merge_info_from(share, pickle.loads(data), app)

    shares = _shares(docnames, nproc)
    logger.info("reading %d sources in %d processes", len(docnames), len(shares))
    tasks = ParallelTasks(nproc)
    for share in shares:
        tasks.add_task(read, share, merge)
    tasks.join()


def _read_doc_accepts_cache_flag() -> bool:
    try:
        return "_cache" in inspect.signature(Builder.read_doc).parameters
    except (TypeError, ValueError):  # pragma: no cover
        return False


# A reader's doctrees are pickled to the doctree folder; keeping them in the reader's memory
# as well (for a write phase that happens in another process) would only grow it.
_NO_DOCTREE_CACHE: dict[str, bool] = {"_cache": False} if _read_doc_accepts_cache_flag() else {}


def on_builder_inited(app: Any) -> None:
    builder = app.builder
    if (
        isinstance(builder, StandaloneHTMLBuilder)
        and callable(getattr(builder, "_read_serial", None))
        and callable(getattr(builder, "_read_parallel", None))
    ):
        builder._kiji_app = app
        builder._read_parallel = types.MethodType(_read_parallel_unless_few, builder)
    if (
        isinstance(builder, StandaloneHTMLBuilder)
        # Only where nobody else (a theme, another extension) changed how documents are written.
        and type(builder).write_documents is Builder.write_documents
        and callable(getattr(builder, "_write_parallel", None))
        and callable(getattr(builder, "_write_serial", None))
    ):
        builder._kiji_jobs = int(app.parallel) if parallel_available else 1
        builder.write_documents = types.MethodType(_write_documents_all_workers, builder)


class Background:
    """Forked finishing tasks of one build, run ``jobs(app)`` at a time; serial without ``-j``.

    Held by the ``kiji`` domain for the build (never pickled); :meth:`join` waits for all.
    """

    def __init__(self, app: Any) -> None:
        self.nproc = jobs(app)
        self._tasks: ParallelTasks | None = ParallelTasks(self.nproc) if self.nproc > 1 else None

    @property
    def parallel(self) -> bool:
        return self._tasks is not None

    def add(self, func: Callable[[], None]) -> None:
        """Run ``func()`` in a worker (or now, when serial)."""
        if self._tasks is None:
            func()
        else:
            self._tasks.add_task(_call, func)

    def map_chunks(self, func: Callable[[Sequence[Any]], None], items: Sequence[Any]) -> None:
        """``func(chunk)`` over chunks of *items*, in workers when there are enough items."""
        if self._tasks is None or len(items) < MIN_PARALLEL_ITEMS:
            if items:
                func(items)
            return
        for chunk in make_chunks(items, self.nproc):  # type: ignore[arg-type]
            self._tasks.add_task(func, chunk)

    def join(self) -> None:
        if self._tasks is not None:
            tasks, self._tasks = self._tasks, None
            tasks.join()


def _call(func: Callable[[], None]) -> None:
    func()


def background(app: Any) -> Background:
    """This build's pool, made on first use (in the main process)."""
    domain = app.env.get_domain("kiji")
    pool = getattr(domain, "background", None)
    if pool is None:
        pool = domain.background = Background(app)
    return pool


def join_background(app: Any) -> list[Any]:
    """Last ``html-collect-pages`` handler: every finishing task is done before Sphinx goes on."""
    pool = getattr(app.env.get_domain("kiji"), "background", None)
    if pool is not None:
        app.env.get_domain("kiji").background = None
        pool.join()
    return []


# --------------------------------------------------------------------------- toctree purge


def scoped_purge(original: Callable[[Any, Any, str], None]) -> Callable[[Any, Any, str], None]:
    """Sphinx's toctree ``clear_doc`` without its walk over every document.

    Before a document is read, Sphinx's toctree collector removes it as a parent from
    ``env.files_to_rebuild`` by walking every entry: O(documents) per document read, so
    quadratic in a site whose index page holds every post in a toctree (25% of a 10,000-post
    build, py-spy). The document is a parent exactly of the files its own toctrees include
    (``env.toctree_includes``, filled together with ``files_to_rebuild``), so the original runs
    on a mapping scoped to those files and its deletions are carried back: the same result in
    O(its toctree entries).
    """

    def purge(app: Any, env: Any, docname: str) -> None:
        children = env.toctree_includes.get(docname) or ()
        full = env.files_to_rebuild
        scoped = {child: full[child] for child in children if child in full}
        env.files_to_rebuild = scoped
        try:
            original(app, env, docname)
        finally:
            for child in children:
                if child in full and child not in scoped:
                    del full[child]  # the original emptied and removed it
            env.files_to_rebuild = full

    return purge


def install_scoped_purge(app: Any) -> None:
    try:
        from sphinx.environment.collectors.toctree import TocTreeCollector
    except ImportError:  # pragma: no cover - a Sphinx without it
        return
    for listener in list(app.events.listeners.get("env-purge-doc", [])):
        collector = getattr(listener.handler, "__self__", None)
        if (
            type(collector) is TocTreeCollector
            and getattr(listener.handler, "__func__", None) is TocTreeCollector.clear_doc
            and isinstance(collector.listener_ids, dict)
        ):
            app.disconnect(listener.id)
            new_id = app.connect(
                "env-purge-doc", scoped_purge(listener.handler), priority=listener.priority
            )
            collector.listener_ids["env-purge-doc"] = new_id  # disable() still works


# --------------------------------------------------------------------------- memory

#: Doctrees a serial build keeps in memory between reading and writing.
DOCTREE_CACHE_LIMIT = 500


def cap_doctree_cache(app: Any, docname: str, source: list[str]) -> None:
    """Keep a serial build's memory flat in the number of posts.

    A serial (``-j 1``) read keeps every doctree it reads in memory until the page is written
    (``env._write_doc_doctree_cache``; parallel reads do not), besides pickling it: at 10,000
    posts that is most of a 4 GB peak. Reading and writing both go in sorted order, so the first
    :data:`DOCTREE_CACHE_LIMIT` doctrees are kept and later ones are left to be unpickled from
    the doctree folder when they are written, as in an incremental or parallel build.
    """
    cache = getattr(app.env, "_write_doc_doctree_cache", None)
    if isinstance(cache, dict):
        while len(cache) > DOCTREE_CACHE_LIMIT:
            cache.popitem()  # the most recently read: written last


def setup(app: Any) -> None:
    app.connect("builder-inited", on_builder_inited)
    app.connect("builder-inited", install_scoped_purge)
    app.connect("html-collect-pages", join_background, priority=990)
    app.connect("source-read", cap_doctree_cache, priority=10)
