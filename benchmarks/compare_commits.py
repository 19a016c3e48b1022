"""Two commits of this project, built on the same corpus in the same run, alternated: which is faster.

A change that should not cost speed (a refactoring) is checked by building the generated corpus
with the base commit and with the head (the working tree by default), round after round,
alternating which goes first so that a machine getting busier or quieter hits both. Each build is
``benchmarks/run.py --only ours --skip-incremental`` of that commit (its own ``conf.py`` and
extension: ``PYTHONPATH`` points at that tree's ``_ext``), so the two are measured by the same
code they ship. Prints every round and the medians, head/base; writes JSON.

Usage::

    python benchmarks/compare_commits.py --base e46bbac [--head HEAD|WORKTREE] --posts 1000 \
        [--rounds 3] [--jobs 1]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "_work"


def tree_of(rev: str) -> tuple[Path, str]:
    """A checkout of ``rev`` (a detached worktree under benchmarks/_work) and its short hash."""
    if rev == "WORKTREE":
        return ROOT, "worktree"
    sha = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", rev], capture_output=True, text=True, check=True
    ).stdout.strip()
    path = WORK / f"rev-{sha}"
    if not path.exists():
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), sha],
            capture_output=True, check=True,
        )  # fmt: skip
    return path, sha


def one_build(tree: Path, posts: int, jobs: int, work: Path, out: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree / "_ext")}
    cmd = [
        sys.executable, str(tree / "benchmarks" / "run.py"), "--posts", str(posts), "--rounds", "1",
        "--jobs-list", str(jobs), "--only", "ours", "--skip-incremental",
        "--work", str(work), "--json", str(out),
    ]  # fmt: skip
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    data = json.loads(out.read_text(encoding="utf-8"))
    return float(data["setups"]["ours"]["median"][f"clean_j{jobs}_s"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="the commit to compare against")
    parser.add_argument("--head", default="WORKTREE", help="a commit, or WORKTREE (default)")
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    trees = {"base": tree_of(args.base), "head": tree_of(args.head)}
    work = WORK / f"compare-N{args.posts}"
    times: dict[str, list[float]] = {"base": [], "head": []}
    for rnd in range(args.rounds):
        order = ["base", "head"] if rnd % 2 == 0 else ["head", "base"]
        for name in order:
            tree, label = trees[name]
            seconds = one_build(tree, args.posts, args.jobs, work, work / f"{name}.json")
            times[name].append(seconds)
            print(f"round {rnd + 1}/{args.rounds}  {name:4} ({label}): clean -j {args.jobs} {seconds:8.2f} s", flush=True)
    med = {name: statistics.median(values) for name, values in times.items()}
    ratio = med["head"] / med["base"]
    print(f"\nmedian base ({trees['base'][1]}): {med['base']:.2f} s")
    print(f"median head ({trees['head'][1]}): {med['head']:.2f} s")
    print(f"head/base: {ratio:.3f}")
    result: dict[str, Any] = {
        "posts": args.posts,
        "jobs": args.jobs,
        "rounds": args.rounds,
        "base": {"rev": trees["base"][1], "seconds": times["base"], "median": med["base"]},
        "head": {"rev": trees["head"][1], "seconds": times["head"], "median": med["head"]},
        "ratio_head_over_base": round(ratio, 4),
        "command": ["benchmarks/compare_commits.py", *(argv if argv is not None else sys.argv[1:])],
    }
    out = args.json or HERE / "results" / f"compare-N{args.posts}-j{args.jobs}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
