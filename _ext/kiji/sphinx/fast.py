"""The private-API speed layer: every place kiji replaces or leans on a private part of Sphinx.

Each piece is a measured win (``benchmarks/README.md``, 1,000 and 10,000 posts on 2 cores):

* **Parallel read in one share per job** (:func:`read_in_shares`, replacing
  ``Builder._read_parallel``). Sphinx forks one reader per small chunk; each sends its whole,
  growing environment back pickled (17 % of a ``-j 2`` build unpickling, 33 % waiting). Below
  :func:`serial_read_limit` documents, a ``-j`` build reads in the main process with Sphinx's own
  ``_read_serial``, as ``-j 1`` does (forking for one changed post costs more than it saves).
* **Writing with every worker** (:func:`write_documents_all_workers`, replacing the documented,
  overridable ``Builder.write_documents`` but calling the private ``_write_parallel`` and
  ``_write_serial``): Sphinx writes with ``jobs - 1`` workers (one renderer at ``-j 2``), and
  queues every resolved page without waiting for a worker (2 GB at 10,000 posts); here ``jobs``
  workers, 1,000 pages at a time.
* **Scoped toctree purge** (:func:`scoped_purge`, wrapping the toctree collector's
  ``env-purge-doc`` listener): Sphinx walks every entry of ``env.files_to_rebuild`` for each
  document read, quadratic with a toctree of every post (25 % of a 10,000-post build).
* **Flat memory in a serial build** (:func:`cap_doctree_cache`, trimming the private
  ``env._write_doc_doctree_cache``): Sphinx keeps every doctree read until it is written.
* **No Sphinx indexer** (:func:`suspend_sphinx_indexer`, shadowing ``builder.search`` until the
  first page is resolved): kiji writes its own index; Sphinx's TinySegmenter indexing is half of a
  Japanese build, serial.

:func:`install` puts them in place on ``builder-inited``, all or nothing, only where the Sphinx
version is one this layer was tested with (:data:`SPHINX_VERSIONS`) and every private method it
needs is there with the expected signature; otherwise it logs a ``kiji.fast-build`` warning that
names what is missing and the build runs as plain Sphinx does. ``kiji_fast_build = False`` turns
the layer off. The equivalence tests (``-j 2`` ≡ ``-j 1``, incremental ≡ clean, byte-identical
clean builds) run both ways.
"""

from __future__ import annotations

import inspect
import pickle
import types
from collections.abc import Callable, Sequence, Set
from typing import Any

import sphinx
from sphinx.builders import Builder
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util import logging
from sphinx.util.parallel import ParallelTasks, parallel_available

from ..core.warnings_ import WARNING_TYPE, W

logger = logging.getLogger(__name__)

#: Sphinx releases the layer was written against and tested with: [first, last) as (major, minor).
SPHINX_VERSIONS = ((8, 2), (10, 0))

#: Documents handed to the writers at a time (see :func:`write_documents_all_workers`).
WRITE_BATCH = 1000

#: Doctrees a serial build keeps in memory between reading and writing.
DOCTREE_CACHE_LIMIT = 500

SERIAL_READ_MIN = 20
SERIAL_READ_PER_DOC = 100

_ATTR = "_kiji_fast"  # set on the builder when the layer is installed


def active(app: Any) -> bool:
    """Whether the layer is installed for this build."""
    return bool(getattr(getattr(app, "builder", None), _ATTR, False))


# --------------------------------------------------------------------------- installing


def missing(builder: Any, version: tuple[int, ...] | None = None) -> list[str]:
    """What this Sphinx lacks for the layer (empty: it can be installed)."""
    version = tuple(sphinx.version_info[:2]) if version is None else version
    lacks = []
    first, last = SPHINX_VERSIONS
    if not first <= version < last:
        lacks.append(
            f"Sphinx {'.'.join(map(str, version))} (tested with {first[0]}.{first[1]} "
            f"to before {last[0]}.{last[1]})"
        )
    if not isinstance(builder, StandaloneHTMLBuilder):
        lacks.append(f"an HTML builder (this is {type(builder).__name__})")
    for name in ("_read_serial", "_read_parallel", "_write_serial", "_write_parallel"):
        if not callable(getattr(builder, name, None)):
            lacks.append(f"Builder.{name}")
    if type(builder).write_documents is not Builder.write_documents:
        lacks.append("Builder.write_documents as Sphinx defines it (something else replaced it)")
    try:
        if "_cache" not in inspect.signature(Builder.read_doc).parameters:
            lacks.append("Builder.read_doc(_cache=)")
    except (TypeError, ValueError):  # pragma: no cover - an uninspectable method
        lacks.append("Builder.read_doc(_cache=)")
    if not isinstance(getattr(builder.env, "_write_doc_doctree_cache", None), dict):
        lacks.append("BuildEnvironment._write_doc_doctree_cache")
    if not getattr(type(builder), "search", False):
        lacks.append("StandaloneHTMLBuilder.search")
    try:
        from sphinx.environment.collectors.toctree import TocTreeCollector  # noqa: F401
    except ImportError:  # pragma: no cover
        lacks.append("sphinx.environment.collectors.toctree.TocTreeCollector")
    return lacks


def install(app: Any) -> None:
    """``builder-inited``: put the layer in place, or say why it cannot be."""
    builder = app.builder
    if not app.config.kiji_fast_build:
        return
    if not isinstance(builder, StandaloneHTMLBuilder):
        return  # other builders (linkcheck, text, ...) have nothing to gain: no warning
    lacks = missing(builder)
    if lacks:
        logger.warning(
            "the fast build layer is off: this Sphinx lacks %s; the build runs as plain Sphinx "
            "does (slower, same output). Set kiji_fast_build = False to silence this.",
            "; ".join(lacks),
            type=WARNING_TYPE,
            subtype=W.FAST_BUILD,
        )
        return
    setattr(builder, _ATTR, True)
    builder._kiji_app = app
    builder._kiji_jobs = int(app.parallel) if parallel_available else 1
    builder._read_parallel = types.MethodType(_read_parallel_unless_few, builder)
    builder.write_documents = types.MethodType(write_documents_all_workers, builder)
    install_scoped_purge(app)


# --------------------------------------------------------------------------- reading


def serial_read_limit(known_docs: int) -> int:
    """Below this many documents to read, a ``-j`` build reads them in the main process.

    Sphinx forks readers for any number of documents, and each reader sends the whole
    environment back pickled: after a one-post edit at 1,000 posts that is 0.6 s of pickling to
    save 0.05 s of reading, ten times more at 10,000. Reading is ~50 ms a page; the environment
    ~5 KB a page, so reading in parallel pays once about a hundredth of the site changed.
    """
    return SERIAL_READ_MIN + known_docs // SERIAL_READ_PER_DOC


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
    """Sphinx's ``_read_parallel``, with one share of the documents per reader.

    Sphinx cuts the documents into chunks of about ``sqrt(10 * docs / jobs)`` and forks a reader
    per chunk as earlier ones finish; each reader sends its whole environment back pickled, and
    a reader forked late carries everything merged before it. At 1,000 posts that is 15 chunks
    and 7 s of unpickling in the main process (py-spy), with a core idle during each merge;
    the total grows with the square of the site. Here every reader is forked at once from the
    environment as it was before reading and sends back only its own share. Every other line is
    Sphinx 9.0's: purge all first, ``env._app`` set in the reader, ``read_doc(_cache=False)``,
    ``merge_info_from``.
    """
    env = builder.env
    app = builder._kiji_app
    for docname in docnames:
        builder.events.emit("env-purge-doc", env, docname)
        env.clear_doc(docname)

    def read(share: Sequence[str]) -> bytes:
        env._app = app  # as Sphinx's read_process: the forked environment's application
        for docname in share:
            # A reader's doctrees are pickled to the doctree folder; keeping them in its memory
            # too (for a write phase in another process) would only grow it.
            builder.read_doc(docname, _cache=False)
        return pickle.dumps(env, pickle.HIGHEST_PROTOCOL)

    def merge(share: Sequence[str], data: bytes) -> None:
        env.merge_info_from(share, pickle.loads(data), app)

    shares = _shares(docnames, nproc)
    logger.info("reading %d sources in %d processes", len(docnames), len(shares))
    tasks = ParallelTasks(nproc)
    for share in shares:
        tasks.add_task(read, share, merge)
    tasks.join()


# --------------------------------------------------------------------------- writing


def write_documents_all_workers(self: Any, docnames: Set[str]) -> None:
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
    from sphinx.environment.collectors.toctree import TocTreeCollector

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


def cap_doctree_cache(app: Any, docname: str, source: list[str]) -> None:
    """``source-read``: keep a serial build's memory flat in the number of posts.

    A serial (``-j 1``) read keeps every doctree it reads in memory until the page is written
    (``env._write_doc_doctree_cache``; parallel reads do not), besides pickling it: at 10,000
    posts that is most of a 4 GB peak. Reading and writing both go in sorted order, so the first
    :data:`DOCTREE_CACHE_LIMIT` doctrees are kept and later ones are left to be unpickled from
    the doctree folder when they are written, as in an incremental or parallel build.
    """
    if not active(app):
        return
    cache = app.env._write_doc_doctree_cache
    while len(cache) > DOCTREE_CACHE_LIMIT:
        cache.popitem()  # the most recently read: written last


# --------------------------------------------------------------------------- translations.js


def sphinx_writes_translations(builder: Any) -> bool | None:
    """Whether Sphinx writes ``_static/translations.js`` for this language (None: unknown).

    Sphinx writes it for a language with a message catalogue and never removes it, so a build
    after ``language`` changed would keep a stale one (kiji.sphinx.freshness removes it). Not a
    speed-up, so not behind ``kiji_fast_build``: where the private method is missing the file
    is simply left alone.
    """
    get_js = getattr(builder, "_get_translations_js", None)
    return bool(get_js()) if callable(get_js) else None


# --------------------------------------------------------------------------- Sphinx's indexer


def suspend_sphinx_indexer(app: Any, builder: Any) -> None:
    """``write-started``: keep ``prepare_writing`` from creating Sphinx's indexer.

    ``prepare_writing`` builds the indexer (TinySegmenter, serial) only when ``builder.search``
    is true, and loading the old ``searchindex.js`` there would warn on every incremental build,
    since none is written. An instance attribute shadows the class's ``search = True`` until the
    first document is resolved, long before any template asks ``hasdoc('search')`` or the search
    page is written (:func:`resume_search_page`). Without the layer, Sphinx indexes as usual and
    writes a ``searchindex.js`` nothing loads.
    """
    if active(app):
        builder.search = False


def resume_search_page(app: Any, *args: Any) -> None:
    """``doctree-resolved`` and ``html-page-context``: the class's ``search`` again."""
    builder = app.builder
    if "search" in vars(builder):
        del builder.search  # search.html is written, hasdoc('search') works
