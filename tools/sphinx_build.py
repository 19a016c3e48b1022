"""``sphinx-build``, without freeing the heap object by object at exit.

``make html``, ``make strict`` and Read the Docs build through this script. It runs
``sphinx.cmd.build.main`` with the same arguments and exit status. When that returns the build
is over: files written and closed (the ``-w`` file too), forked workers joined, the status
known. What a plain ``sphinx-build`` does next is the interpreter's teardown, which frees every
object of the build environment one by one: 1.5 s of a 4.6 s rebuild after a one-post edit at
1,000 posts (``benchmarks/README.md``). The operating system takes a process's memory back at
once, so this flushes the standard streams and logging and leaves with ``os._exit``, as a forked
worker does.
"""

from __future__ import annotations

import logging
import os
import sys


def main(argv: list[str]) -> int:
    from sphinx.cmd.build import main as sphinx_main

    return sphinx_main(argv)


if __name__ == "__main__":
    try:
        status = main(sys.argv[1:])
    except SystemExit as stop:  # argparse (--help, bad options) exits by itself
        status = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 2)
    except KeyboardInterrupt:
        status = 130
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)
