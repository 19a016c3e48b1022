"""Search latency and transfer: this project's search against Sphinx's own and Pagefind's.

One run per corpus size (``--posts 1000 10000``): the generated corpus (``corpus.generate``) is
built with this project (``-c`` the repository root, as ``make html`` does); Pagefind
(``pagefind[extended]``, its default index) is run over that built site; and, unless
``--skip-sphinx``, the same corpus is built with plain Sphinx's HTML builder (``language='ja'``,
the basic theme without sidebars, so the build is not quadratic) for Sphinx's own search. Each
site is served on 127.0.0.1 and 30 queries (common and rare words, compounds, mixed Latin and
Japanese, absent terms) run in headless Chromium, one fresh browser context per query:

* **ours**: the home page is loaded (theme assets warm, search data cold: the manifest is asked
  for when the field gets focus, the rest on the first keystroke); the clock starts, the field
  is focused and the query typed into it in the same task (the manifest still on its way), and
  the clock stops when the instant list shows the query's results, painted (the list's change is
  seen by a MutationObserver at once, then the next frame is waited out: a message posted from
  its animation-frame callback runs once that frame's style, layout and paint are done);
  ``--top`` (10) results are then asked of ``KijiSearch.search`` as the search page would show;
* **Sphinx**: a page is loaded first (assets warm), then ``search.html?q=...``; the clock runs from
  navigation until ``searchtools.js`` shows 10 results (or finishes with fewer), which includes
  loading ``searchindex.js`` and the pages Sphinx fetches for its summaries;
* **Pagefind**: a page that loads ``/pagefind/pagefind.js`` is opened, then ``search(q)`` runs and
  the first 10 results' ``data()`` are painted as a list (its JS API, as its default UI does).

Per query: milliseconds to the first results painted (in-page clock), bytes transferred after
the page was ready (raw bodies, and each body gzip-compressed, since Read the Docs serves
compressed files), and HTML pages fetched. Then the same with Chromium's network emulation
(CDP ``Network.emulateNetworkConditions``: 150 ms latency, 1.6 Mbit/s down, 750 kbit/s up) and
cold search data, for every query (``--mobile-queries`` to use fewer). Each query runs
``--repeat`` times (3) in the page and its median counts (mobile: once). Printed: p50/p95 and
medians per setup; written as JSON to ``benchmarks/results/search-latency-N<posts>.json``.

Usage::

    python benchmarks/search_latency.py --posts 1000 [10000] [--reuse] [--skip-sphinx]
                                        [--skip-pagefind] [--mobile-queries N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import search_eval  # noqa: E402  (a sibling module: corpus preparation, building, serving)

SPHINX_CONF = '''\
"""Plain Sphinx + MyST with Sphinx's own Japanese search (basic theme, no sidebars)."""
project = "search-latency-sphinx"
extensions = ["myst_parser"]
html_theme = "basic"
html_sidebars = {"**": []}
language = "ja"
html_copy_source = False
'''

#: 30 queries: common words, rare words, compounds, mixed Latin/Japanese, absent terms.
QUERIES: list[tuple[str, str]] = [
    *[(q, "common") for q in ("AI", "GPU", "データ", "半導体", "クラウド", "投資")],
    *[(q, "rare") for q in ("H100", "MI300X", "USB4", "Rapidus", "SSD寿命", "消費者")],
    *[(q, "compound") for q in ("高速化", "量子化", "アーキテクチャ", "機械学習", "注意機構", "推論サーバー")],
    *[(q, "mixed") for q in ("NVIDIAのGPU", "AWS向け", "TPUクラスタ", "Llama 3", "GPT-4", "AIチップ")],
    *[(q, "absent") for q in ("量子もつれ", "ブロックチェーン", "核融合炉", "H300", "Zettascale", "ドローン配送")],
]
TOP = 10
MOBILE = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}

#: Resolves once the next frame is painted: a message posted from an animation-frame callback is
#: handled after that frame's style, layout and paint (the same clock for ours and Pagefind).
PAINTED_JS = """() => new Promise((resolve) => requestAnimationFrame(() => {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => resolve();
  channel.port2.postMessage(null);
}))"""

PAGEFIND_PAGE = """<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>pagefind</title>
</head><body><input id="q"><ol id="r"></ol><script>
window.PAINTED = @PAINTED@;
window.runQuery = async (q, top) => {
  const t0 = performance.now();
  const pagefind = await import("/pagefind/pagefind.js");
  const search = await pagefind.search(q);
  const data = await Promise.all(search.results.slice(0, top).map((r) => r.data()));
  const list = document.getElementById("r");
  list.replaceChildren(...data.map((d) => {
    const li = document.createElement("li");
    const a = li.appendChild(document.createElement("a"));
    a.href = d.url; a.textContent = d.meta.title || d.url;
    const p = li.appendChild(document.createElement("p"));
    p.innerHTML = d.excerpt;
    return li;
  }));
  await PAINTED();
  return {ms: performance.now() - t0, count: search.results.length};
};
</script></body></html>
""".replace("@PAINTED@", PAINTED_JS)

OURS_TYPE = """async ([q, top]) => {
  const input = document.querySelector('input[name="q"][data-kiji-instant="on"]');
  const list = document.getElementById(input.getAttribute('aria-controls'));
  const status = list.previousElementSibling;
  // The reader taps the field and types at once: the manifest the focus asks for is still on
  // its way when the clock starts.
  const t0 = performance.now();
  input.focus();
  input.value = q;
  input.dispatchEvent(new InputEvent('input', {data: q, inputType: 'insertText'}));
  // Seen as soon as the list changes (not at the next poll), then painted.
  await new Promise((resolve) => {
    const seen = new MutationObserver(() => {
      if (list.dataset.query === q) {
        seen.disconnect();
        resolve();
      }
    });
    seen.observe(list, {attributes: true, attributeFilter: ["data-query"]});
  });
  await (@PAINTED@)();
  const ms = performance.now() - t0;
  await new Promise((resolve) => {
    const seen = new MutationObserver(() => {
      if (status.dataset.count !== undefined) {
        seen.disconnect();
        resolve();
      }
    });
    seen.observe(status, {attributes: true, attributeFilter: ["data-count"]});
    if (status.dataset.count !== undefined) resolve();
  });
  const countMs = performance.now() - t0;
  const found = await KijiSearch.search(q);
  return {ms, countMs, count: found.ids.length, shown: list.children.length};
}""".replace("@PAINTED@", PAINTED_JS)

SPHINX_DONE = """(top) => {
  const items = document.querySelectorAll('#search-results ul.search li');
  const done = typeof Search !== 'undefined' && !Search._pulse_status ||
    document.querySelector('#search-results p.search-summary')?.textContent.trim();
  return items.length >= top || (done && document.querySelector('#search-results h2')) ? true : false;
}"""


def build_sites(posts: int, work: Path, jobs: int, seed: int, sphinx: bool, reuse: bool) -> dict[str, Path]:
    setups = ["ours", *(["sphinx"] if sphinx else [])]
    outs = {name: work / name / "html" for name in setups}
    if reuse and all((o / "index.html").is_file() for o in outs.values()):
        return outs
    sites = search_eval.prepare_sources(work, posts, seed, ["ours"])
    if sphinx:
        src = work / "sphinx" / "src"
        if src.exists():
            shutil.rmtree(src)
        shutil.copytree(sites["ours"].src, src)
        (src / "conf.py").write_text(SPHINX_CONF, encoding="utf-8")
        sites["sphinx"] = search_eval.Site("plain", src, outs["sphinx"])
    for name, site in sites.items():
        t = time.perf_counter()
        search_eval.build(site, jobs)
        print(f"  built {name} in {time.perf_counter() - t:.0f} s", flush=True)
    return outs


def run_pagefind(site: Path) -> float:
    """Pagefind over the built site (its own output folder ``pagefind/``); seconds taken."""
    shutil.rmtree(site / "pagefind", ignore_errors=True)
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site), "--force-language", "ja"],
        check=True,
        capture_output=True,
    )
    (site / "pagefind-bench.html").write_text(PAGEFIND_PAGE, encoding="utf-8")
    return time.perf_counter() - t


def _tracker(page: Any, base: str) -> dict[str, Any]:
    """Counts bodies of responses from ``base`` while ``state['on']``."""
    state: dict[str, Any] = {"on": False, "raw": 0, "gzip": 0, "pages": 0, "files": 0}

    def done(response: Any) -> None:
        if not state["on"] or not response.url.startswith(base):
            return
        try:
            body = response.body()
        except Exception:  # noqa: BLE001 - a redirect or aborted request has no body
            return
        state["raw"] += len(body)
        state["gzip"] += len(gzip.compress(body, 6, mtime=0))
        state["files"] += 1
        path = response.url.split("?", 1)[0]
        # The search page Sphinx's clock starts on is navigation, not a fetch for results.
        if path.endswith(".html") and not path.endswith(("pagefind-bench.html", "/search.html")):
            state["pages"] += 1

    page.on("response", done)
    return state


def one_query(browser: Any, setup: str, base: str, query: str, mobile: bool) -> dict[str, Any]:
    context = browser.new_context()
    page = context.new_page()
    try:
        state = _tracker(page, base)
        if setup == "pagefind":
            page.goto(f"{base}pagefind-bench.html", wait_until="load")
        else:
            page.goto(f"{base}index.html", wait_until="load")
        if mobile:
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", MOBILE)
        state["on"] = True
        if setup == "ours":
            got = page.evaluate(OURS_TYPE, [query, TOP])
        elif setup == "pagefind":
            got = page.evaluate("([q, top]) => window.runQuery(q, top)", [query, TOP])
        else:
            t0 = time.perf_counter()
            page.goto(f"{base}search.html?q={quote(query)}", wait_until="commit")
            page.wait_for_function(SPHINX_DONE, arg=TOP, timeout=300_000, polling="raf")
            got = {
                "ms": (time.perf_counter() - t0) * 1000,
                "count": len(page.query_selector_all("#search-results ul.search li")),
            }
        page.wait_for_timeout(50)  # let the last response bodies be counted
        state["on"] = False
        return {
            "query": query,
            "ms": round(got["ms"], 1),
            **({"count_ms": round(got["countMs"], 1)} if "countMs" in got else {}),
            "count": got["count"],
            "raw": state["raw"],
            "gzip": state["gzip"],
            "pages": state["pages"],
            "files": state["files"],
        }
    finally:
        context.close()


def repeated(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One query run several times (the machine is shared and noisy): the median of its times,
    the bytes of its first run, and the most pages any run fetched."""
    row = dict(runs[0])
    row["pages"] = max(r["pages"] for r in runs)
    row["ms"] = round(statistics.median(r["ms"] for r in runs), 1)
    if "count_ms" in row:
        row["count_ms"] = round(statistics.median(r["count_ms"] for r in runs), 1)
    row["runs_ms"] = [r["ms"] for r in runs]
    return row


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summarize(rows: list[dict[str, Any]], mobile: list[dict[str, Any]]) -> dict[str, Any]:
    ms = [r["ms"] for r in rows]
    return {
        "p50_ms": round(percentile(ms, 0.5), 1),
        "p95_ms": round(percentile(ms, 0.95), 1),
        "median_raw_bytes": int(statistics.median(r["raw"] for r in rows)),
        "median_gzip_bytes": int(statistics.median(r["gzip"] for r in rows)),
        "max_pages_fetched": max(r["pages"] for r in rows),
        "median_pages_fetched": statistics.median(r["pages"] for r in rows),
        "mobile_p50_ms": round(percentile([r["ms"] for r in mobile], 0.5), 1) if mobile else None,
        "mobile_p95_ms": round(percentile([r["ms"] for r in mobile], 0.95), 1) if mobile else None,
        **_count_percentiles(rows, mobile),
    }


def _count_percentiles(rows: list[dict[str, Any]], mobile: list[dict[str, Any]]) -> dict[str, Any]:
    """Ours paints the first results before the exact count is known: when the count came."""
    out: dict[str, Any] = {}
    for prefix, group in (("", rows), ("mobile_", mobile)):
        ms = [r["count_ms"] for r in group if "count_ms" in r]
        if ms:
            out[f"{prefix}count_p50_ms"] = round(percentile(ms, 0.5), 1)
            out[f"{prefix}count_p95_ms"] = round(percentile(ms, 0.95), 1)
    return out


def index_files(site: Path, setup: str) -> list[Path]:
    if setup == "ours":
        return [p for p in (site / "_static" / "kiji-search").rglob("*") if p.is_file()]
    if setup == "pagefind":
        return [p for p in (site / "pagefind").rglob("*") if p.is_file()]
    return [site / "searchindex.js"]


def index_bytes(site: Path, setup: str) -> int:
    """Bytes on disk (Pagefind's own files are already gzip-compressed)."""
    return sum(p.stat().st_size for p in index_files(site, setup))


def index_gzip_bytes(site: Path, setup: str) -> int:
    """Each file gzip-compressed, as a server sends it (Pagefind's: compressed twice, about
    the same size)."""
    return sum(len(gzip.compress(p.read_bytes(), 6, mtime=0)) for p in index_files(site, setup))


def run_size(args: argparse.Namespace, posts: int, browser: Any) -> dict[str, Any]:
    work = args.work / f"N{posts}"
    print(f"== {posts} posts ({work})", flush=True)
    outs = build_sites(posts, work, args.jobs, args.seed, not args.skip_sphinx, args.reuse)
    sites = {"ours": outs["ours"]}
    pagefind_seconds = None
    if not args.skip_pagefind:
        sites["pagefind"] = outs["ours"]
        if not (args.reuse and (outs["ours"] / "pagefind" / "pagefind.js").is_file()):
            pagefind_seconds = run_pagefind(outs["ours"])
        (outs["ours"] / "pagefind-bench.html").write_text(PAGEFIND_PAGE, encoding="utf-8")
    if "sphinx" in outs:
        sites["sphinx"] = outs["sphinx"]
    result: dict[str, Any] = {"posts": posts, "pagefind_index_seconds": pagefind_seconds, "setups": {}}
    for setup, folder in sites.items():
        with search_eval.serve(folder, precompress=True) as base:
            queries = QUERIES[:: args.sample]
            # One untimed query first: the browser's first page and script compile of a run
            # are not a reader's cost (each timed query still has a fresh context, cold data).
            one_query(browser, setup, base, queries[0][0], False)
            rows = [
                repeated([one_query(browser, setup, base, q, False) for _ in range(args.repeat)])
                | {"kind": k}
                for q, k in queries
            ]
            chosen = queries[: args.mobile_queries]
            if setup == "sphinx" and args.sphinx_mobile_every > 1:
                # Sphinx's mobile queries take a minute each at 10,000 posts: one of each kind.
                chosen = chosen[:: args.sphinx_mobile_every]
            mobile = [one_query(browser, setup, base, q, True) | {"kind": k} for q, k in chosen]
        summary = summarize(rows, mobile)
        summary["index_bytes_per_post"] = round(index_bytes(folder, setup) / posts)
        summary["index_gzip_bytes_per_post"] = round(index_gzip_bytes(folder, setup) / posts)
        result["setups"][setup] = {"summary": summary, "queries": rows, "mobile": mobile}
        print(f"  {setup}: {json.dumps(summary, ensure_ascii=False)}", flush=True)
    return result


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| posts | search | p50 ms | p95 ms | count p95 ms | median bytes/query (raw) "
        "| median bytes/query (gzip) | pages fetched (max) | mobile p50 ms | mobile p95 ms "
        "| index bytes/post | index gzip/post |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        for setup, data in result["setups"].items():
            s = data["summary"]
            lines.append(
                f"| {result['posts']:,} | {setup} | {s['p50_ms']} | {s['p95_ms']} | "
                f"{s.get('count_p95_ms', '')} | "
                f"{s['median_raw_bytes']:,} | {s['median_gzip_bytes']:,} | {s['max_pages_fetched']} | "
                f"{s['mobile_p50_ms']} | {s['mobile_p95_ms']} | {s['index_bytes_per_post']:,} | "
                f"{s['index_gzip_bytes_per_post']:,} |"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[1000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--work", type=Path, default=HERE / "_work" / "search_latency")
    parser.add_argument("--reuse", action="store_true", help="reuse the builds in --work")
    parser.add_argument("--skip-sphinx", action="store_true", help="no plain Sphinx build")
    parser.add_argument("--skip-pagefind", action="store_true", help="no Pagefind index")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--mobile-queries", type=int, default=len(QUERIES))
    parser.add_argument(
        "--repeat", type=int, default=3,
        help="runs of each query (fresh context each); its median time is reported",
    )
    parser.add_argument("--sample", type=int, default=1, help="every k-th query only (debugging)")
    parser.add_argument(
        "--sphinx-mobile-every", type=int, default=1,
        help="Sphinx's mobile run: every k-th query only (6: one of each kind)",
    )
    args = parser.parse_args(argv)
    if args.build_only:
        for posts in args.posts:
            build_sites(posts, args.work / f"N{posts}", args.jobs, args.seed, not args.skip_sphinx, False)
        return 0
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", search_eval.CHROMIUM),
            args=search_eval.CHROMIUM_ARGS,
        )
        try:
            for posts in args.posts:
                result = run_size(args, posts, browser)
                results.append(result)
                out = HERE / "results" / f"search-latency-N{posts}.json"
                out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        finally:
            browser.close()
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
