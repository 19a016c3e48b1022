"""Build benchmarks: this project ("ours") against plain Sphinx + MyST ("plain").

The runner generates a corpus once (``corpus.py``) into a work folder, gives each setup its own
source folder with the same ``index.md`` (a glob toctree of every post) and ``posts/``, and then,
for R rounds, alternating which setup goes first so that neither always meets a warm or a cold
machine, measures per setup:

* a clean build (empty output folder) for every ``-j`` in ``--jobs-list``: wall time and peak RSS;
* two incremental rebuilds into the first clean build's folder, one after appending a sentence to
  one post and one after changing one tag of another post: wall time and how many ``.html``
  files were rewritten (mtime or size changed, or new);
* sizes after the clean build: all output, one post page, the search index.

It prints medians with ratios ours/plain and writes every figure (per round and median) with
machine information to JSON. Builds run as ``sys.executable -m sphinx -q``, so they use the
same environment as the runner. A failed build is reported with the tail of its stderr, the
setup is dropped from the later rounds and the runner exits with status 1.

Usage::

    python benchmarks/run.py --posts 1000 [--rounds 3] [--jobs-list 1,2] [--json PATH]
                             [--work DIR] [--seed 1] [--only ours|plain] [--skip-incremental]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (a sibling module, not an installed package)

SETUPS = ("plain", "ours")
MAX_NAMES = 20  # rewritten pages listed per incremental build in the JSON details
SCHEMA_VERSION = 1

PLAIN_CONF = '''\
"""Plain Sphinx + MyST + sphinx-book-theme: the baseline the benchmark compares against."""
project = "bench-plain"
extensions = ["myst_parser"]
html_theme = "sphinx_book_theme"
language = "ja"
'''

TOCTREE = """
```{toctree}
:glob:
:maxdepth: 1

posts/*
```
"""

BODY_EDIT = "\n（追記）計測のため、この段落を後から書き足しました。\n"

# Replacement tags for the tag edit, tried in order: popular ones, so the edit moves a post
# between existing tag pages as an author's edit would (not into a brand-new tag).
TAG_EDIT_CHOICES = ("クラウド", "投資", "半導体", "LLM", "セキュリティ", "Python")

def _metric_rows(jobs_list: Sequence[int], incremental: bool) -> list[tuple[str, str, str]]:
    """The figures of one round in table order, as (key, label, unit); units drive formatting."""
    rows: list[tuple[str, str, str]] = []
    for j in jobs_list:
        rows.append((f"clean_j{j}_s", f"clean build -j {j}", "s"))
    for j in jobs_list:
        if j != 1 and 1 in jobs_list:
            rows.append((f"speedup_j{j}", f"  -j {j} speed-up over -j 1", "x"))
    for j in jobs_list:
        rows.append((f"clean_j{j}_rss_mib", f"peak RSS, clean -j {j}", "MiB"))
    if incremental:
        rows += [
            ("incr_body_s", "rebuild after body edit", "s"),
            ("incr_body_pct", "  share of the clean build", "%"),
            ("incr_body_html", "  .html rewritten", "n"),
            ("incr_tag_s", "rebuild after tag edit", "s"),
            ("incr_tag_html", "  .html rewritten", "n"),
        ]
    rows += [
        ("peak_rss_mib", "peak RSS, any build", "MiB"),
        ("output_bytes", "output size (no doctrees)", "B"),
        ("doctree_bytes", "doctree cache size", "B"),
        ("html_files", ".html files", "n"),
        ("post_page_bytes", "one post page", "B"),
        ("post_page_median_bytes", "post page (median)", "B"),
        ("search_index_bytes", "search index", "B"),
        ("listing_page_max_bytes", "largest tag/category/author/year page", "B"),
        ("index_page_max_bytes", "largest index page (tags/, archive/...)", "B"),
        ("warnings", "warnings (clean build)", "n"),
    ]
    return rows


class BuildFailed(Exception):
    """A sphinx-build that exited non-zero or timed out."""

    def __init__(self, setup: str, what: str, result: BuildResult) -> None:
        self.setup, self.what, self.result = setup, what, result
        super().__init__(f"{setup}: {what} failed (exit {result.returncode})")


@dataclass
class BuildResult:
    cmd: list[str]
    returncode: int
    seconds: float
    maxrss_mib: float
    stderr: str
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    @property
    def warnings(self) -> int:
        return sum(1 for line in self.stderr.splitlines() if "WARNING" in line or "ERROR" in line)

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.stderr.rstrip().splitlines()[-lines:])


@dataclass
class SetupState:
    name: str
    src: Path
    confdir: Path | None  # -c argument; None: conf.py lives in src
    rounds: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, Any] | None = None


# ----------------------------------------------------------------------------- measuring


def run_build(cmd: list[str], log: Path, timeout: float | None) -> BuildResult:
    """Run one build and return wall time, peak RSS of its process tree and stderr.

    ``os.wait4`` gives the rusage of this child alone, and the kernel folds into it the
    largest RSS among the children the build reaped (Sphinx's ``-j`` workers), so the figure
    is the peak of the tree's largest process, not of everything the runner ran so far (which
    is what ``RUSAGE_CHILDREN`` would give after the first build).
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as err, open(os.devnull, "wb") as out:
        start = time.perf_counter()
        # A new session, so that a timeout can stop the build and all its workers at once.
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, start_new_session=True)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if timer:
                timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait again
    # ru_maxrss is KiB on Linux, bytes on macOS.
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return BuildResult(
        cmd=cmd,
        returncode=proc.returncode,
        seconds=seconds,
        maxrss_mib=usage.ru_maxrss / scale,
        stderr=log.read_text(encoding="utf-8", errors="replace"),
        timed_out=timed_out.is_set(),
    )


def html_snapshot(out: Path) -> dict[str, tuple[int, int]]:
    """``{relative path: (mtime_ns, size)}`` of every .html file outside the doctree cache."""
    snap: dict[str, tuple[int, int]] = {}
    for path in out.rglob("*.html"):
        rel = path.relative_to(out)
        if rel.parts[0] == ".doctrees":
            continue
        st = path.stat()
        snap[rel.as_posix()] = (st.st_mtime_ns, st.st_size)
    return snap


def by_folder(names: Iterable[str]) -> dict[str, int]:
    """Count pages per top-level folder (``.`` for the root): where a rebuild wrote."""
    counts: dict[str, int] = {}
    for name in names:
        top = name.split("/", 1)[0] if "/" in name else "."
        counts[top] = counts.get(top, 0) + 1
    return dict(sorted(counts.items()))


def rewritten(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> list[str]:
    """Pages written by a rebuild: new, or with another mtime or size (sorted)."""
    return sorted(k for k, v in after.items() if before.get(k) != v)


def tree_bytes(root: Path, skip: Iterable[str] = ()) -> int:
    skip = set(skip)
    total = 0
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if rel.parts and rel.parts[0] in skip:
            continue
        if path.is_file():
            total += path.stat().st_size
    return total


def find_post_page(out: Path, stem: str) -> Path | None:
    """The HTML page of a post: ``posts/<stem>.html``, else wherever a permalink put it."""
    direct = out / "posts" / f"{stem}.html"
    if direct.is_file():
        return direct
    for candidate in sorted(out.rglob(f"{stem}.html")) + sorted(out.rglob(f"{stem}/index.html")):
        if ".doctrees" not in candidate.parts:
            return candidate
    return None


def search_index_bytes(setup: str, out: Path) -> int | None:
    if setup == "ours":
        ours = out / "_static" / "kiji-search"
        if ours.is_dir():
            return tree_bytes(ours)
    index = out / "searchindex.js"
    return index.stat().st_size if index.is_file() else None


def sizes(setup: str, out: Path, probe_stem: str) -> dict[str, Any]:
    page = find_post_page(out, probe_stem)
    post_pages = sorted(p.stat().st_size for p in (out / "posts").glob("*.html")) if (
        out / "posts"
    ).is_dir() else []
    return {
        "output_bytes": tree_bytes(out, skip=[".doctrees"]),
        "doctree_bytes": tree_bytes(out / ".doctrees") if (out / ".doctrees").is_dir() else 0,
        "html_files": len(html_snapshot(out)),
        "post_page_bytes": page.stat().st_size if page else None,
        "post_page_median_bytes": int(statistics.median(post_pages)) if post_pages else None,
        "search_index_bytes": search_index_bytes(setup, out),
        **listing_sizes(out),
    }


def listing_sizes(out: Path) -> dict[str, int | None]:
    """The largest generated listing page (one page of a tag, category, author or year: paginated
    by ``kiji_listing_page_size``) and the largest index page (``tags/index.html``...)."""
    listing: list[int] = []
    index: list[int] = []
    for folder in ("tags", "categories", "authors", "archive"):
        for path in (out / folder).rglob("*.html") if (out / folder).is_dir() else ():
            (index if path.relative_to(out / folder).as_posix() == "index.html" else listing).append(path.stat().st_size)
    return {
        "listing_page_max_bytes": max(listing, default=None),
        "index_page_max_bytes": max(index, default=None),
    }


# ----------------------------------------------------------------------------- sources


def _link_or_copy(src: Path, dst: Path) -> None:
    """Hard-link (cheap at 10,000 posts) or copy; edits replace files, so links never leak."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def prepare_source(setup: str, src: Path, corpus_dir: Path) -> None:
    if src.exists():
        shutil.rmtree(src)
    (src / "posts").mkdir(parents=True)
    index = (corpus_dir / "index.md").read_text(encoding="utf-8")
    (src / "index.md").write_text(index + TOCTREE, encoding="utf-8")
    for post in sorted((corpus_dir / "posts").glob("*.md")):
        _link_or_copy(post, src / "posts" / post.name)
    if setup == "plain":
        (src / "conf.py").write_text(PLAIN_CONF, encoding="utf-8")


def restore_post(src: Path, corpus_dir: Path, name: str) -> None:
    """Put the corpus version of one post back (after an edit) without touching the corpus."""
    target = src / "posts" / name
    tmp = target.with_suffix(".restore")
    tmp.unlink(missing_ok=True)
    _link_or_copy(corpus_dir / "posts" / name, tmp)
    os.replace(tmp, target)


def _replace_text(path: Path, text: str) -> None:
    """Write through a new file so a hard link to the corpus is broken, never written into."""
    tmp = path.with_suffix(".edit")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def edit_body(path: Path) -> None:
    _replace_text(path, path.read_text(encoding="utf-8").rstrip("\n") + "\n" + BODY_EDIT)


def edit_tag(path: Path) -> str:
    """Replace the last tag of a post with a popular tag it lacks; return the new tag."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for i, line in enumerate(lines):
        if line.startswith("tags: "):
            # The generator writes tags as a flow list of double-quoted strings: valid JSON.
            tags = json.loads(line[len("tags: ") :])
            keys = {corpus._tag_key(t) for t in tags}
            new = next(t for t in TAG_EDIT_CHOICES if corpus._tag_key(t) not in keys)
            tags[-1] = new
            lines[i] = "tags: " + json.dumps(tags, ensure_ascii=False)
            _replace_text(path, "\n".join(lines))
            return new
        if i > 0 and line == "---":
            break
    raise ValueError(f"{path}: no tags line in the front matter")


# ----------------------------------------------------------------------------- one round


def sphinx_cmd(state: SetupState, out: Path, jobs: int) -> list[str]:
    """Each setup built the way its users build it: plain with ``python -m sphinx``, ours with
    ``tools/sphinx_build.py`` (what ``make html`` and Read the Docs run: the same main, no
    interpreter teardown at exit)."""
    if state.confdir is not None:
        cmd = [sys.executable, str(ROOT / "tools" / "sphinx_build.py")]
    else:
        cmd = [sys.executable, "-m", "sphinx"]
    cmd += ["-b", "html", "-q", "-j", str(jobs)]
    if state.confdir is not None:
        cmd += ["-c", str(state.confdir)]
    return [*cmd, str(state.src), str(out)]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def measure_round(
    state: SetupState,
    work: Path,
    corpus_dir: Path,
    posts: list[str],
    jobs_list: Sequence[int],
    incremental: bool,
    timeout: float | None,
    label: str,
) -> dict[str, Any]:
    body_post = posts[len(posts) // 2]
    tag_post = posts[len(posts) // 3]
    for name in dict.fromkeys([body_post, tag_post]):  # undo the previous round's edits
        restore_post(state.src, corpus_dir, name)
    figures: dict[str, Any] = {}
    details: dict[str, Any] = {}  # names, not figures: kept per round, never averaged
    logs = work / "logs"
    rss: list[float] = []

    def build(out: Path, jobs: int, what: str) -> BuildResult:
        result = run_build(
            sphinx_cmd(state, out, jobs), logs / f"{state.name}-{what}.log", timeout
        )
        rss.append(result.maxrss_mib)
        status = "ok" if result.ok else ("TIMEOUT" if result.timed_out else "FAILED")
        log(
            f"{label} {state.name:5} {what:12} {result.seconds:8.2f} s "
            f"{result.maxrss_mib:7.0f} MiB  {status}"
        )
        if not result.ok:
            raise BuildFailed(state.name, what, result)
        return result

    first_out: Path | None = None
    for jobs in jobs_list:
        out = work / "out" / f"{state.name}-j{jobs}"
        if out.exists():
            shutil.rmtree(out)
        result = build(out, jobs, f"clean-j{jobs}")
        figures[f"clean_j{jobs}_s"] = result.seconds
        figures[f"clean_j{jobs}_rss_mib"] = result.maxrss_mib
        if first_out is None:
            first_out = out
            figures["warnings"] = result.warnings
            figures.update(sizes(state.name, out, Path(body_post).stem))
    assert first_out is not None
    if "clean_j1_s" in figures:
        for jobs in jobs_list:
            if jobs != 1 and figures.get(f"clean_j{jobs}_s"):
                figures[f"speedup_j{jobs}"] = figures["clean_j1_s"] / figures[f"clean_j{jobs}_s"]

    if incremental:
        jobs = jobs_list[0]
        before = html_snapshot(first_out)
        edit_body(state.src / "posts" / body_post)
        result = build(first_out, jobs, "incr-body")
        after = html_snapshot(first_out)
        figures["incr_body_s"] = result.seconds
        # The same -j as the clean build it is compared with.
        figures["incr_body_pct"] = 100 * result.seconds / figures[f"clean_j{jobs}_s"]
        figures["incr_body_html"] = len(changed := rewritten(before, after))
        details["incr_body_post"] = body_post
        details["incr_body_rewritten"] = changed[:MAX_NAMES]
        details["incr_body_rewritten_by_folder"] = by_folder(changed)

        new_tag = edit_tag(state.src / "posts" / tag_post)
        result = build(first_out, jobs, "incr-tag")
        figures["incr_tag_s"] = result.seconds
        figures["incr_tag_html"] = len(changed := rewritten(after, html_snapshot(first_out)))
        details["incr_tag_post"] = tag_post
        details["incr_tag_new_tag"] = new_tag
        details["incr_tag_rewritten"] = changed[:MAX_NAMES]
        details["incr_tag_rewritten_by_folder"] = by_folder(changed)

    figures["peak_rss_mib"] = max(rss)
    figures["details"] = details
    return figures


# ----------------------------------------------------------------------------- report


def machine_info() -> dict[str, Any]:
    def version(dist: str) -> str | None:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return None

    cpu_model = None
    mem_total_mib = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_total_mib = int(line.split()[1]) // 1024
                break
    except OSError:
        cpu_model = cpu_model or platform.processor() or None
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = None  # not a git checkout, or no commit yet
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "nproc": usable,
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model,
        "mem_total_mib": mem_total_mib,
        "loadavg_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sphinx": version("sphinx"),
        "myst_parser": version("myst-parser"),
        "sphinx_book_theme": version("sphinx-book-theme"),
        "docutils": version("docutils"),
        "git_commit": commit,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def medians(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Median of every numeric figure over the rounds (``round`` and ``details`` skipped)."""
    keys = list(dict.fromkeys(k for r in rounds for k in r if k not in ("round", "details")))
    out: dict[str, Any] = {}
    for k in keys:
        values = [
            r[k] for r in rounds
            if isinstance(r.get(k), int | float) and not isinstance(r.get(k), bool)
        ]
        out[k] = statistics.median(values) if values else None
    return out


def fmt(value: Any, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "%":
        return f"{value:.1f} %"
    if unit == "MiB":
        return f"{value:.0f} MiB"
    if unit == "B":
        if value >= 1024 * 1024:
            return f"{value / 1024 / 1024:.1f} MiB"
        return f"{value / 1024:.1f} KiB"
    return f"{value:g}"


def ratio(ours: Any, plain: Any) -> float | None:
    if ours is None or plain is None or plain == 0:
        return None
    return ours / plain


def print_table(result: dict[str, Any], rows: list[tuple[str, str, str]]) -> None:
    setups = [s for s in SETUPS if s in result["setups"]]
    med = {s: result["setups"][s]["median"] for s in setups}
    header = f"{'':30}" + "".join(f"{s:>14}" for s in setups)
    if len(setups) == 2:
        header += f"{'ours/plain':>12}"
    print()
    print(f"{result['posts']} posts, {result['rounds']} round(s), medians")
    print(header)
    for key, label, unit in rows:
        line = f"{label:30}" + "".join(f"{fmt(med[s].get(key), unit):>14}" for s in setups)
        if len(setups) == 2:
            r = result["ratios"].get(key)
            line += f"{(f'{r:.2f}' if r is not None else '-'):>12}"
        print(line)
    for s in setups:
        err = result["setups"][s]["error"]
        if err and err.get("returncode") is None:
            print(f"\n{s}: FAILED during {err['what']}: {err['stderr_tail']}")
        elif err:
            print(f"\n{s}: FAILED during {err['what']} (exit {err['returncode']})")


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write through a ``.tmp`` file (git-ignored) so a killed run leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


# ----------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, required=True, help="number of generated posts")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per setup (default 3)")
    parser.add_argument(
        "--jobs-list", default="1,2", help="comma-separated -j values for clean builds (1,2)"
    )
    parser.add_argument("--json", type=Path, help="results file (benchmarks/results/...)")
    parser.add_argument(
        "--work", type=Path, default=HERE / "_work", help="work folder (benchmarks/_work)"
    )
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--only", choices=SETUPS, help="benchmark one setup only")
    parser.add_argument(
        "--skip-incremental", action="store_true", help="clean builds and sizes only"
    )
    parser.add_argument(
        "--timeout", type=float, default=4 * 3600, help="seconds per build before it is killed"
    )
    args = parser.parse_args(argv)
    try:
        args.jobs = [int(j) for j in args.jobs_list.split(",") if j.strip()]
    except ValueError:
        parser.error("--jobs-list takes integers such as 1,2")
    if not args.jobs or min(args.jobs) < 1:
        parser.error("--jobs-list needs at least one value >= 1")
    if args.posts < 1 or args.rounds < 1:
        parser.error("--posts and --rounds must be >= 1")
    if args.json is None:
        suffix = f"-{args.only}" if args.only else ""
        args.json = HERE / "results" / f"latest-N{args.posts}{suffix}.json"
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    work: Path = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    corpus_dir = work / "corpus"

    t0 = time.perf_counter()
    paths = corpus.generate(args.posts, corpus_dir, args.seed)
    corpus_bytes = sum(p.stat().st_size for p in paths)
    took = time.perf_counter() - t0
    log(f"corpus: {len(paths)} posts, {corpus_bytes / 1e6:.1f} MB in {took:.1f} s")
    posts = sorted(p.name for p in paths)

    names = [args.only] if args.only else list(SETUPS)
    states: dict[str, SetupState] = {}
    for name in names:
        src = work / f"src-{name}"
        prepare_source(name, src, corpus_dir)
        states[name] = SetupState(name, src, ROOT if name == "ours" else None)
    if "ours" in states and not (ROOT / "conf.py").is_file():
        states["ours"].error = {
            "what": "setup", "returncode": None, "cmd": None,
            "stderr_tail": f"{ROOT / 'conf.py'} not found: the project's configuration is missing",
        }

    incremental = not args.skip_incremental
    for rnd in range(args.rounds):
        # Alternate the order so drift (thermal, other tenants, page cache) hits both setups.
        order = names if rnd % 2 == 0 else list(reversed(names))
        for name in order:
            state = states[name]
            if state.error:
                continue
            label = f"[round {rnd + 1}/{args.rounds}]"
            try:
                figures = measure_round(
                    state, work, corpus_dir, posts, args.jobs, incremental, args.timeout, label
                )
            except BuildFailed as exc:
                state.error = {
                    "what": exc.what,
                    "round": rnd + 1,
                    "returncode": exc.result.returncode,
                    "timed_out": exc.result.timed_out,
                    "cmd": exc.result.cmd,
                    "stderr_tail": exc.result.tail(),
                }
                log(f"\n*** {name}: {exc.what} FAILED (exit {exc.result.returncode}); stderr tail:")
                log(exc.result.tail() or "(no stderr)")
                log(f"*** full log: {work / 'logs' / (name + '-' + exc.what + '.log')}\n")
                continue
            figures["round"] = rnd + 1
            state.rounds.append(figures)

    rows = _metric_rows(args.jobs, incremental)
    result: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "posts": args.posts,
        "seed": args.seed,
        "rounds": args.rounds,
        "jobs_list": args.jobs,
        "incremental": incremental,
        "incremental_jobs": args.jobs[0] if incremental else None,
        "command": [Path(sys.argv[0]).name, *(argv if argv is not None else sys.argv[1:])],
        "machine": machine_info(),
        "corpus": {"posts": len(paths), "bytes": corpus_bytes, "seed": args.seed},
        "metrics": [{"key": k, "label": label.strip(), "unit": u} for k, label, u in rows],
        "setups": {},
        "ratios": {},
    }
    for name, state in states.items():
        result["setups"][name] = {
            "ok": state.error is None,
            "error": state.error,
            "median": medians(state.rounds),
            "rounds": state.rounds,
        }
    if len(states) == 2:
        plain, ours = result["setups"]["plain"]["median"], result["setups"]["ours"]["median"]
        result["ratios"] = {k: ratio(ours.get(k), plain.get(k)) for k, _, _ in rows}

    print_table(result, rows)
    write_json(args.json, result)
    print(f"\nwrote {args.json}")
    failed = [s.name for s in states.values() if s.error]
    if failed:
        for name in failed:
            err = states[name].error or {}
            if err.get("what") == "setup":
                log(f"*** {name}: {err['stderr_tail']}")
        log(f"*** failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
