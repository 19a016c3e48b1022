"""``kiji lint`` speed: this checkout against a baseline commit, on one generated corpus.

Runs the two ``lint()`` functions alternately in fresh processes (import time not counted: the
report's own ``seconds``) and prints each median and the ratio this/baseline.

    python benchmarks/lint_speed.py --baseline /tmp/base/_ext --corpus benchmarks/_work/corpus \
        [--runs 5]

``--baseline`` is the ``_ext`` folder of the other commit (``git archive REV _ext | tar -x``);
the corpus comes from ``benchmarks/corpus.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent / "_ext"
_RUN = (
    "import json, sys; from pathlib import Path; from kiji.cli import lint;"
    "s = lint.settings_from_conf({'kiji_posts': ['posts/**'], 'kiji_now': '2026-11-28'});"
    "r = lint.lint(Path(sys.argv[1]), settings=s, progress=False);"
    "print(json.dumps([r.seconds, len(r.findings)]))"
)


def once(ext: Path, corpus: Path) -> tuple[float, int]:
    env = {**os.environ, "PYTHONPATH": str(ext)}
    out = subprocess.run(
        [sys.executable, "-c", _RUN, str(corpus)], env=env, capture_output=True, text=True, check=True
    )
    seconds, findings = json.loads(out.stdout.splitlines()[-1])
    return seconds, findings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    times: dict[str, list[float]] = {"baseline": [], "this": []}
    counts: dict[str, int] = {}
    for _ in range(args.runs):
        for name, ext in (("baseline", args.baseline), ("this", HERE)):
            seconds, findings = once(ext, args.corpus)
            times[name].append(seconds)
            counts[name] = findings
    base, this = statistics.median(times["baseline"]), statistics.median(times["this"])
    print(f"baseline: median {base:.3f} s ({counts['baseline']} findings)")
    print(f"this:     median {this:.3f} s ({counts['this']} findings)")
    print(f"ratio this/baseline: {this / base:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
