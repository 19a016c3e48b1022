"""Finishing work in the ``-j`` processes: :class:`Background`, a build's pool of forked tasks.

The finishing steps (the generated index pages, the search index) would run serially in the main
process after all pages are written. :class:`Background` runs them as forked tasks (Sphinx's
public :class:`~sphinx.util.parallel.ParallelTasks`), the search index while the pages are
written, joined before ``html-collect-pages`` ends. Workers see the main process's state as it
was when they started, their warnings are replayed in the main process, and a failure in one
fails the build, as for Sphinx's own workers. Nothing a task does in its own memory comes back:
tasks write files and return nothing.

The speed-ups that replace Sphinx's private methods are not here: they are in :mod:`.fast`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sphinx.util.parallel import ParallelTasks, make_chunks, parallel_available

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
