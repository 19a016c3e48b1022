"""How many documents a rebuild reads after one draft is published, in an N-post site.

Generates the corpus (``corpus.py``), marks one post ``draft: true``, builds, publishes it
(removes the line), builds again, and prints the number of documents each build read (counted by
a tiny extension on ``env-before-read-docs``), the ``.html`` files the rebuild wrote, and its
wall time. ``--ext`` picks
the ``_ext`` folder to build with, so two versions of kiji can be compared on the same corpus::

    python benchmarks/drafts_read.py --posts 1000 --work /tmp/drafts [--ext path/to/_ext]

The theme is Sphinx's ``basic`` and social cards are off: what is counted does not depend on them,
and the first build stays short.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (a sibling module)

CONF = """\
import sys
sys.path.insert(0, {ext!r})
sys.path.insert(0, {here!r})
extensions = ["myst_parser", "kiji", "count_reads"]
html_theme = "basic"
language = "ja"
project = "drafts"
kiji_now = "2030-01-01"
kiji_social_cards = False
suppress_warnings = ["myst.header"]
"""

COUNTER = """\
import json, os
def _note(app, env, docnames):
    with open(os.environ["KIJI_READS_LOG"], "a", encoding="utf-8") as f:
        f.write(json.dumps(sorted(docnames)) + "\\n")
def setup(app):
    app.connect("env-before-read-docs", _note, priority=999)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
"""


def build(src: Path, out: Path, log: Path, jobs: int) -> tuple[list[str], float]:
    log.write_text("", encoding="utf-8")
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-j", str(jobs), str(src), str(out)],
        check=True,
        env={**__import__("os").environ, "KIJI_READS_LOG": str(log)},
    )
    elapsed = time.perf_counter() - start
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]
    return (lines[-1] if lines else []), elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--ext", type=Path, default=HERE.parent / "_ext")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    src = work / "src"
    paths = corpus.generate(args.posts, src)
    helper = work / "helper"
    helper.mkdir()
    (helper / "count_reads.py").write_text(COUNTER, encoding="utf-8")
    (src / "conf.py").write_text(
        CONF.format(ext=str(args.ext.resolve()), here=str(helper)), encoding="utf-8"
    )
    draft = paths[len(paths) // 2]
    text = draft.read_text(encoding="utf-8")
    draft.write_text(text.replace("---\n", "---\ndraft: true\n", 1), encoding="utf-8")
    log = work / "reads.jsonl"
    first, t_first = build(src, work / "out", log, args.jobs)
    pages = {p: p.stat().st_mtime_ns for p in (work / "out").rglob("*.html")}
    draft.write_text(text, encoding="utf-8")  # published
    second, t_second = build(src, work / "out", log, args.jobs)
    after = {p: p.stat().st_mtime_ns for p in (work / "out").rglob("*.html")}
    written = sum(1 for p, m in after.items() if pages.get(p) != m)
    result = {
        "posts": args.posts,
        "ext": str(args.ext.resolve()),
        "first_build_read": len(first),
        "first_build_s": round(t_first, 1),
        "after_publishing_one_draft_read": len(second),
        "rebuild_s": round(t_second, 1),
        "html_files": len(after),
        "html_written_by_rebuild": written,
        "read_after_publishing": second if len(second) <= 10 else second[:10] + ["..."],
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
