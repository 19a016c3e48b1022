"""The ``kiji`` command: ``kiji new`` (a post), ``kiji import`` (a Jekyll blog), ``kiji lint``.

Each subcommand is a module with a ``main(argv)``; :mod:`kiji.cli.main` dispatches. They use the
core only (no Sphinx import): a lint of a thousand posts starts in a fraction of a second.
"""
