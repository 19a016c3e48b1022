"""Smoke tests of the benchmark tools: the corpus generator and one tiny benchmark round.

No timing is asserted (the machine is shared and slow figures are not bugs); the tests check
that the corpus has the promised shape, is deterministic, and that the runner completes and
writes its JSON. The "ours" round needs the project's own build (conf.py + _ext/kiji) to work.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import frontmatter
import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
N = 20


def _load_corpus() -> ModuleType:
    # benchmarks/ is not a package; load the module from its file.
    spec = importlib.util.spec_from_file_location("bench_corpus", BENCH / "corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


corpus = _load_corpus()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("corpus")
    return out, corpus.generate(N, out, seed=1)


def _tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.md"))}


def test_corpus_structure(generated: tuple[Path, list[Path]]) -> None:
    out, paths = generated
    assert len(paths) == N
    assert sorted(p.name for p in (out / "posts").glob("*.md")) == sorted(p.name for p in paths)
    index = (out / "index.md").read_text(encoding="utf-8")
    assert index.startswith("# ")

    vocabulary = set(corpus.VOCABULARY)
    assert len(vocabulary) >= 500
    for path in paths:
        raw = path.read_bytes()
        assert b"\r" not in raw
        text = raw.decode("utf-8")
        post = frontmatter.loads(text)
        assert post["layout"] == "post"
        assert isinstance(post["title"], str) and post["title"].strip()
        # PyYAML returns "+0000" dates as strings and "Z"/"+09:00" ones as datetimes.
        date = post["date"]
        assert isinstance(date, str | dt.datetime)
        day = str(date)[:10]
        assert path.name.startswith(day), (path.name, date)
        assert 3 <= len(post["tags"]) <= 8
        assert all(isinstance(t, str) and t for t in post["tags"])
        assert 1 <= len(post["categories"]) <= 2
        assert post["author"] and post["excerpt"]
        assert isinstance(post["reading_time"], int)
        body = post.content
        assert 3000 <= len(body) <= 12000, (path.name, len(body))
        # Japanese prose with some of the vocabulary, never all of it.
        used = {w for w in vocabulary if w in body}
        assert 20 <= len(used) < len(vocabulary) // 2, (path.name, len(used))


def test_corpus_varies(generated: tuple[Path, list[Path]]) -> None:
    _, paths = generated
    posts = [frontmatter.load(p) for p in paths]
    assert len({p["title"] for p in posts}) > N // 2
    assert len({p["author"] for p in posts}) > 3
    assert any("## " in p.content for p in posts)
    assert any("**" in p.content for p in posts)


def test_corpus_deterministic(generated: tuple[Path, list[Path]], tmp_path: Path) -> None:
    out, _ = generated
    again = tmp_path / "again"
    other = tmp_path / "other"
    corpus.generate(N, again, seed=1)
    corpus.generate(N, other, seed=2)
    assert _tree_bytes(again) == _tree_bytes(out)
    first = {k: v for k, v in _tree_bytes(out).items() if k.startswith("posts/")}
    second = {k: v for k, v in _tree_bytes(other).items() if k.startswith("posts/")}
    assert first != second
    # Post k does not depend on n: a smaller corpus is a prefix of a larger one.
    small = tmp_path / "small"
    small_paths = corpus.generate(5, small, seed=1)
    for p in small_paths:
        assert p.read_bytes() == (out / "posts" / p.name).read_bytes()


def _run_bench(
    tmp_path: Path, only: str, *extra: str
) -> tuple[subprocess.CompletedProcess[str], Path]:
    out_json = tmp_path / f"{only}.json"
    cmd = [
        sys.executable, str(BENCH / "run.py"),
        "--posts", str(N), "--rounds", "1", "--jobs-list", "1",
        "--only", only, "--work", str(tmp_path / "work"), "--json", str(out_json), *extra,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=280)
    return proc, out_json


def _check_json(out_json: Path, setup: str, incremental: bool) -> dict:
    data = json.loads(out_json.read_text(encoding="utf-8"))
    for key in ("schema", "posts", "rounds", "jobs_list", "machine", "corpus", "setups", "ratios"):
        assert key in data, key
    assert data["posts"] == N
    for key in ("nproc", "cpu_model", "python", "sphinx", "date"):
        assert key in data["machine"], key
    result = data["setups"][setup]
    assert result["ok"] and result["error"] is None
    assert len(result["rounds"]) == 1
    median = result["median"]
    expected = ["clean_j1_s", "clean_j1_rss_mib", "output_bytes", "html_files",
                "post_page_bytes", "search_index_bytes", "peak_rss_mib"]
    if incremental:
        expected += ["incr_body_s", "incr_body_pct", "incr_body_html", "incr_tag_s", "incr_tag_html"]
    for key in expected:
        assert median.get(key) is not None, key
    if incremental:
        assert median["incr_body_pct"] == 100 * median["incr_body_s"] / median["clean_j1_s"]
    assert median["html_files"] >= N + 1
    if incremental:
        # The edited post's page must be among the rewritten ones.
        details = result["rounds"][0]["details"]
        stem = Path(details["incr_body_post"]).stem
        assert any(stem in name for name in details["incr_body_rewritten"])
    return data


def test_benchmark_round_plain(tmp_path: Path) -> None:
    # Plain Sphinx + MyST is cheap at 20 posts, so the incremental part is exercised too.
    proc, out_json = _run_bench(tmp_path, "plain")
    assert proc.returncode == 0, proc.stderr[-3000:]
    _check_json(out_json, "plain", incremental=True)
    assert "clean build -j 1" in proc.stdout


def test_benchmark_round_ours(tmp_path: Path) -> None:
    # Needs the project's own build (conf.py at the root and the _ext/kiji extension).
    proc, out_json = _run_bench(tmp_path, "ours", "--skip-incremental")
    assert proc.returncode == 0, (
        "the project's own build (sphinx-build -c <repo root>) failed on the generated "
        "corpus:\n" + proc.stderr[-3000:]
    )
    _check_json(out_json, "ours", incremental=False)
