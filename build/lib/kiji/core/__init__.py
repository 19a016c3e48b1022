"""The pure core: what the build, ``make lint`` and the commands share.

Nothing here imports Sphinx or docutils (``tests/test_layers.py`` proves it by importing every
module in a process where those imports fail), so each piece can be tested, fuzzed and
benchmarked alone.
"""
