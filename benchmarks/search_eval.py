"""Search evaluation: this project's Japanese search against plain Sphinx's, in headless Chromium.

One run generates a corpus (``corpus.generate``), builds it twice, with plain Sphinx + MyST
(``language='ja'``, Sphinx's own search) and with this project (``-c`` the repository root, as
``make html`` does), and runs every query through each site's real search page:

* plain Sphinx: ``search.html?q=...`` until ``searchtools.js`` has finished (its pulse stops), then
  the result links in ``#search-results``;
* this project: ``search.html?q=...`` until the count line says ``data-state="done"``, pressing
  「さらに表示」 until every result is in the page.

The ground truth of each site comes from its own built pages: a page is relevant when every
whitespace-separated segment of the normalized query occurs in the page's normalized main text
(the article, without permalinks, scripts, and listings or previous/next links that name other
posts), as a plain substring for CJK and with word boundaries where a segment starts or ends with
a letter or digit (``ai`` is in ``AIチップ`` but not in ``openai``): ``kiji.textsplit.contains``.

Queries (about 140, fixed by ``--seed``): vocabulary words and compounds, words cut out of the
pages' text, mixed forms (``NVIDIAのGPU``), ASCII terms with digits (``H100``, versions), width and
case variants (``ＮＶＩＤＩＡ``, ``ｸﾗｳﾄﾞ``, ``nvidia``) and at least 12 terms checked to be absent
from both sites. Printed per site: mean recall (over queries with relevant pages), mean precision
(over queries that returned something), results returned for absent terms, index bytes per post
(raw and gzip), median query time (cold browser cache, from navigation to the final count), and
for this project the index bytes a query loads.

Usage::

    python benchmarks/search_eval.py [--posts 300] [--seed 1] [--jobs 2] [--only ours|plain]
                                     [--work DIR] [--json PATH] [--reuse]

``--posts 10000 --only ours`` gives the size and time figures at scale (plain Sphinx with every
post in the sidebar toctree takes hours at that size).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import functools
import gzip
import http.server
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from lxml import html as lxml_html

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (a sibling module)
from kiji.core.textsplit import contains, normalize, query_segments  # noqa: E402

SETUPS = ("plain", "ours")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
QUERY_TIMEOUT_MS = 120_000

PLAIN_CONF = '''\
"""Plain Sphinx + MyST: the baseline (Sphinx's own Japanese search)."""
project = "search-eval-plain"
extensions = ["myst_parser"]
html_theme = "sphinx_book_theme"
language = "ja"
html_copy_source = False
'''

# A hidden toctree: every post is part of the site, but the top page does not list them (a list
# of every title would make the top page "relevant" to every title word).
TOCTREE = """
```{toctree}
:glob:
:hidden:

posts/*
```
"""

# Not page content, for the ground truth as for kiji-search.js (keep the two lists equal).
NOT_CONTENT_CLASSES = (
    "headerlink",
    "no-search",
    "kiji-post-footer",
    "kiji-prev-next",
    "kiji-postlist",
    "kiji-cloud",
    "kiji-term-list",
    "kiji-count",
    "kiji-archive",
    "kiji-label",
    "kiji-sep",
    "kiji-reading-time",
)
# Not search targets: Sphinx's own pages and the not-found page. Pages that ask robots not to
# index them (kiji's permalink redirects, the search page) are skipped as well.
SKIP_PAGES = {"search.html", "genindex.html", "py-modindex.html", "404.html"}
#: Pages 2, 3, ... of a tag, category, author or year listing (``tags/ai/2.html``): not in the
#: index on purpose. Page 1 is the result for the name; the rest hold only the same heading and
#: excerpts of other posts (``data-pagefind-ignore``), so as results they would be noise.
LISTING_CONTINUATION = re.compile(r"(tags|categories|authors|archive)/.+/\d+\.html")

# Terms that the generator's vocabulary and templates never produce; each is checked against
# both built sites before use.
ABSENT_CANDIDATES = [
    "量子もつれ",
    "ブロックチェーン",
    "メタバース",
    "核融合炉",
    "宇宙エレベーター",
    "ナノマシン",
    "超伝導体",
    "光コンピュータ",
    "ニューロモルフィック",
    "H300",
    "TPU v9",
    "Zettascale",
    "ペロブスカイト",
    "量子暗号通信",
    "ドローン配送",
    "ｽﾏｰﾄｺﾝﾄﾗｸﾄ",
    "ＤＮＡストレージ",
    "脳波インターフェース",
]


# -- building -------------------------------------------------------------------------------------


@dataclass
class Site:
    name: str
    src: Path
    out: Path
    build_seconds: float | None = None
    pages: dict[str, str] = field(default_factory=dict)  # page path -> normalized main text


def prepare_sources(work: Path, posts: int, seed: int, setups: Sequence[str]) -> dict[str, Site]:
    corpus_dir = work / "corpus"
    corpus.generate(posts, corpus_dir, seed)
    sites: dict[str, Site] = {}
    for name in setups:
        src = work / name / "src"
        if src.exists():
            shutil.rmtree(src)
        shutil.copytree(corpus_dir, src)
        index = src / "index.md"
        index.write_text(index.read_text(encoding="utf-8") + TOCTREE, encoding="utf-8")
        if name == "plain":
            (src / "conf.py").write_text(PLAIN_CONF, encoding="utf-8")
        sites[name] = Site(name, src, work / name / "html")
    return sites


def build(site: Site, jobs: int) -> None:
    if site.out.exists():
        shutil.rmtree(site.out)
    cmd = [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-j", str(jobs)]
    if site.name == "ours":
        cmd += ["-c", str(ROOT)]
    cmd += [str(site.src), str(site.out), "-d", str(site.out.parent / "doctrees")]
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    site.build_seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{site.name} build failed:\n{result.stderr[-4000:]}")


# -- ground truth ---------------------------------------------------------------------------------


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


_MAIN_XPATHS = (
    f"//article[{_has_class('bd-article')}]",
    f"//div[{_has_class('body')} and @role='main']",
    "//*[@role='main']",
    "//body",
)
_DROP_XPATH = "|".join(
    ["//script", "//style", *(f"//*[{_has_class(c)}]" for c in NOT_CONTENT_CLASSES)]
)


def main_text(path: Path) -> str | None:
    """A page's main text, as ``textContent`` of the article would give it (None: noindex)."""
    tree = lxml_html.fromstring(path.read_bytes())
    if tree.xpath("//meta[@name='robots' and contains(@content, 'noindex')]"):
        return None
    for xpath in _MAIN_XPATHS:
        found = tree.xpath(xpath)
        if found:
            main = found[0]
            break
    else:
        return ""
    for node in main.xpath("." + _DROP_XPATH.replace("|", "|.")):
        node.drop_tree()
    return main.text_content()


def load_pages(site: Site) -> None:
    for path in sorted(site.out.rglob("*.html")):
        rel = path.relative_to(site.out).as_posix()
        if rel in SKIP_PAGES or rel.startswith(("_static/", "_sources/", "_images/")):
            continue
        if LISTING_CONTINUATION.fullmatch(rel):
            continue
        text = main_text(path)
        if text is not None:
            site.pages[rel] = normalize(text)


def relevant(site: Site, query: str) -> set[str]:
    segments = query_segments(query)
    if not segments:
        return set()
    return {p for p, text in site.pages.items() if all(contains(text, s) for s in segments)}


# -- queries --------------------------------------------------------------------------------------

_CJK_RUN = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u30fc\u4e00-\u9fff\u3005]{2,}")
_ASCII_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*[0-9][A-Za-z0-9]*(?![A-Za-z0-9])")
_VERSION = re.compile(r"(?<![0-9.])\d+\.\d+\.\d+(?![0-9.])")
_MIXED_FORM = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]+の[\u30a1-\u30fa\u30fc\u4e00-\u9fff]{2,5}"
)


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def _halfwidth_kana_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for cp in range(0xFF61, 0xFFA0):
        half = chr(cp)
        full = unicodedata.normalize("NFKC", half)
        if len(full) == 1:
            table.setdefault(full, half)
    for full, half in list(table.items()):
        for mark, half_mark in (("\u3099", "ﾞ"), ("\u309a", "ﾟ")):
            composed = unicodedata.normalize("NFC", full + mark)
            if len(composed) == 1:
                table.setdefault(composed, half + half_mark)
    return table


_HALF_KANA = _halfwidth_kana_table()


def _halfwidth_kana(text: str) -> str:
    return "".join(_HALF_KANA.get(c, c) for c in text)


@dataclass
class Query:
    text: str
    kind: str  # vocabulary, text, mixed, ascii, variant, absent


def make_queries(sites: dict[str, Site], seed: int) -> list[Query]:
    rng = random.Random(f"search-eval:{seed}")
    queries: dict[str, Query] = {}

    def add(text: str, kind: str) -> None:
        text = text.strip()
        if text and text not in queries:
            queries[text] = Query(text, kind)

    # Raw page text of one site, for words "copied from a post" (the original spelling).
    any_site = sites.get("ours") or sites["plain"]
    post_pages = sorted(p for p in any_site.pages if p.startswith("posts/"))
    raw = {
        p: main_text(any_site.out / p) or ""
        for p in rng.sample(post_pages, min(40, len(post_pages)))
    }

    for word in rng.sample(corpus.VOCABULARY, 45):
        add(word, "vocabulary")
    for _ in range(35):
        text = raw[rng.choice(sorted(raw))]
        runs = _CJK_RUN.findall(text)
        run = rng.choice(runs)
        length = rng.randint(2, min(7, len(run)))
        start = rng.randint(0, len(run) - length)
        add(run[start : start + length], "text")
    mixed = sorted({m for t in raw.values() for m in _MIXED_FORM.findall(t)})
    for form in rng.sample(mixed, min(8, len(mixed))):
        add(form, "mixed")
    for form in rng.sample(corpus.MIXED, 8):
        add(form, "mixed")
    ascii_words = sorted({w for t in raw.values() for w in _ASCII_WORD.findall(t)})
    for word in rng.sample(ascii_words, min(8, len(ascii_words))):
        add(word, "ascii")
    versions = sorted({v for t in raw.values() for v in _VERSION.findall(t)})
    for version in rng.sample(versions, min(4, len(versions))):
        add(version, "ascii")
    for word in ("H100", "A100", "MI300X", "Llama 3", "GPT-4", "USB4"):
        add(word, "ascii")
    base = [q.text for q in queries.values() if q.kind in {"vocabulary", "mixed", "ascii"}]
    ascii_base = [w for w in base if any(c.isascii() and c.isalpha() for c in w)]
    kana_base = [w for w in base if any("\u30a1" <= c <= "\u30fa" for c in w)]
    for word in rng.sample(ascii_base, min(8, len(ascii_base))):
        add(_fullwidth(word), "variant")
    for word in rng.sample(ascii_base, min(6, len(ascii_base))):
        add(word.lower() if word != word.lower() else word.upper(), "variant")
    for word in rng.sample(kana_base, min(6, len(kana_base))):
        add(_halfwidth_kana(word), "variant")
    absent = 0
    for word in ABSENT_CANDIDATES:
        if all(not relevant(site, word) for site in sites.values()):
            add(word, "absent")
            absent += 1
    if absent < 12:
        raise SystemExit(f"only {absent} absent terms are absent from the sites")
    return list(queries.values())


# -- running the searches -------------------------------------------------------------------------


#: Served gzip-compressed to a client that accepts it, as Read the Docs and other static hosts
#: serve them (Pagefind's own index files are compressed already and go as they are).
COMPRESSED = (".html", ".js", ".json", ".css", ".svg", ".txt", ".xml")


def _gzip_file(path: Path) -> tuple[str, bytes]:
    return str(path), gzip.compress(path.read_bytes(), 6, mtime=0)


@contextmanager
def serve(folder: Path, precompress: bool = False) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1. With `precompress`, every compressible file is compressed
    before the first request, as a static host or CDN holds them: a timed query then does not
    wait for the server to compress a file it asks for the first time."""
    folder = folder.resolve()
    cache: dict[str, bytes] = {}
    if precompress:
        files = [p for p in folder.rglob("*") if p.suffix in COMPRESSED and p.is_file()]
        with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
            cache.update(pool.map(_gzip_file, files, chunksize=256))

    class Quiet(http.server.SimpleHTTPRequestHandler):
        # Persistent connections, as a real host keeps them (every response has a length).
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are separate writes

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            path = Path(self.translate_path(self.path))
            accepts = "gzip" in self.headers.get("Accept-Encoding", "")
            if not (accepts and path.suffix in COMPRESSED and path.is_file()):
                super().do_GET()
                return
            key = str(path)
            if key not in cache:
                cache[key] = gzip.compress(path.read_bytes(), 6, mtime=0)
            body = cache[key]
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            # A browser context closed mid-fetch (a result page still loading) breaks the pipe.
            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# searchtools.js retitles its heading from "Searching" to "Search Results" in _finishSearch (its
# pulse counter is no signal: a pending tick restarts it after stopPulse).
_PLAIN_DONE = """() => {
    const title = document.querySelector('#search-results h2');
    return !!title && typeof Documentation !== 'undefined'
        && title.textContent.startsWith(Documentation.gettext('Search Results'));
}"""

_RESULT_LINKS = {
    "plain": "#search-results ul.search li > a",
    "ours": "#search-results li.kiji-result > a.kiji-result-title",
}


@dataclass
class Outcome:
    query: str
    kind: str
    returned: list[str]
    relevant: list[str]
    ms_wall: float
    ms_page: float | None = None
    index_bytes: int = 0
    index_files: int = 0
    page_fetches: int = 0
    timed_out: bool = False

    @property
    def recall(self) -> float | None:
        if not self.relevant:
            return None
        return len(set(self.returned) & set(self.relevant)) / len(self.relevant)

    @property
    def precision(self) -> float | None:
        if not self.returned:
            return None
        return len(set(self.returned) & set(self.relevant)) / len(set(self.returned))


def _page_path(href: str, base: str) -> str:
    path = unquote(urlsplit(href).path)
    prefix = urlsplit(base).path
    return path[len(prefix) :] if path.startswith(prefix) else path.lstrip("/")


def run_queries(site: Site, queries: Sequence[Query], browser: Any) -> list[Outcome]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    outcomes: list[Outcome] = []
    with serve(site.out) as base:
        for query in queries:
            context = browser.new_context()  # a cold cache for every query, as a first visit
            page = context.new_page()
            requested: list[str] = []
            page.on("request", lambda req, out=requested: out.append(req.url))
            start = time.perf_counter()
            page.goto(f"{base}search.html?q={quote(query.text)}")
            ms_page = None
            timed_out = False
            try:
                if site.name == "plain":
                    page.wait_for_function(_PLAIN_DONE, timeout=QUERY_TIMEOUT_MS)
                    ms_wall = (time.perf_counter() - start) * 1000
                else:
                    page.wait_for_selector(
                        '.kiji-search-summary[data-state="done"]', timeout=QUERY_TIMEOUT_MS
                    )
                    ms_wall = (time.perf_counter() - start) * 1000
                    ms_page = float(page.get_attribute(".kiji-search-summary", "data-ms") or "nan")
                    # Past the first page the count is an estimate; every result is wanted.
                    while page.query_selector("button.kiji-search-more:not([disabled])"):
                        page.click("button.kiji-search-more")
                        page.wait_for_selector(
                            '.kiji-search-summary[data-state="done"]', timeout=QUERY_TIMEOUT_MS
                        )
            except PlaywrightTimeout:
                # Counted with what the page shows by then; reported, never silently dropped.
                timed_out = True
                ms_wall = (time.perf_counter() - start) * 1000
            hrefs = page.eval_on_selector_all(
                _RESULT_LINKS[site.name], "els => els.map(e => e.href)"
            )
            returned = sorted({_page_path(h, base) for h in hrefs})
            index_urls = {
                u for u in requested if "/_static/kiji-search/" in u or u.endswith("searchindex.js")
            }
            index_bytes = 0
            for url in index_urls:
                file = site.out / _page_path(url, base)
                if file.is_file():
                    index_bytes += file.stat().st_size
            fetched = [
                u
                for u in requested
                if urlsplit(u).path.endswith(".html") and "search.html" not in u
            ]
            outcomes.append(
                Outcome(
                    query=query.text,
                    kind=query.kind,
                    returned=returned,
                    relevant=sorted(relevant(site, query.text)),
                    ms_wall=ms_wall,
                    ms_page=ms_page,
                    index_bytes=index_bytes,
                    index_files=len(index_urls),
                    page_fetches=len(fetched),
                    timed_out=timed_out,
                )
            )
            context.close()
    return outcomes


# -- figures --------------------------------------------------------------------------------------


def index_size(site: Site) -> tuple[int, int, int]:
    """(files, raw bytes, gzip bytes) of the search index (+ the search script for ours)."""
    if site.name == "plain":
        files = [site.out / "searchindex.js"]
    else:
        files = sorted(p for p in (site.out / "_static" / "kiji-search").rglob("*") if p.is_file())
        files.append(site.out / "_static" / "kiji-search.js")
    raw = sum(p.stat().st_size for p in files)
    gz = sum(len(gzip.compress(p.read_bytes(), 6, mtime=0)) for p in files)
    return len(files), raw, gz


def _mean(values: list[float | None]) -> float | None:
    got = [v for v in values if v is not None]
    return statistics.fmean(got) if got else None


def summarize(site: Site, outcomes: list[Outcome], posts: int) -> dict[str, Any]:
    files, raw, gz = index_size(site)
    present = [o for o in outcomes if o.kind != "absent"]
    absent = [o for o in outcomes if o.kind == "absent"]
    by_kind = {
        kind: {
            "recall": _mean([o.recall for o in outcomes if o.kind == kind]),
            "precision": _mean([o.precision for o in outcomes if o.kind == kind]),
            "queries": sum(1 for o in outcomes if o.kind == kind),
        }
        for kind in sorted({o.kind for o in outcomes})
    }
    return {
        "queries": len(outcomes),
        "mean_recall": _mean([o.recall for o in present]),
        "mean_precision": _mean([o.precision for o in outcomes]),
        "queries_with_results": sum(1 for o in outcomes if o.returned),
        "absent_terms": len(absent),
        "absent_term_hits": sum(len(o.returned) for o in absent),
        "timeouts": sum(1 for o in outcomes if o.timed_out),
        "index_files": files,
        "index_bytes": raw,
        "index_gzip_bytes": gz,
        "index_bytes_per_post": raw / posts,
        "index_gzip_bytes_per_post": gz / posts,
        "median_query_ms_wall": statistics.median(o.ms_wall for o in outcomes),
        "median_query_ms_page": statistics.median(
            o.ms_page for o in outcomes if o.ms_page is not None
        )
        if site.name == "ours"
        else None,
        "median_index_bytes_per_query": statistics.median(o.index_bytes for o in outcomes),
        "median_index_files_per_query": statistics.median(o.index_files for o in outcomes),
        "median_page_fetches_per_query": statistics.median(o.page_fetches for o in outcomes),
        "build_seconds": site.build_seconds,
        "by_kind": by_kind,
    }


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def report(
    summaries: dict[str, dict[str, Any]], outcomes: dict[str, list[Outcome]], posts: int
) -> str:
    names = [n for n in SETUPS if n in summaries]
    rows = [
        ("mean recall", "mean_recall", 3),
        ("mean precision", "mean_precision", 3),
        ("queries (with results)", "queries", 0),
        ("absent terms / results for them", None, 0),
        ("queries timed out", "timeouts", 0),
        ("index bytes per post", "index_bytes_per_post", 0),
        ("  gzip", "index_gzip_bytes_per_post", 0),
        ("index files", "index_files", 0),
        ("median query ms (cold, wall)", "median_query_ms_wall", 0),
        ("median query ms (in page)", "median_query_ms_page", 0),
        ("median index bytes loaded/query", "median_index_bytes_per_query", 0),
        ("median pages fetched/query", "median_page_fetches_per_query", 0),
        ("build seconds", "build_seconds", 1),
    ]
    lines = [f"search evaluation, {posts} posts", f"{'':34}" + "".join(f"{n:>16}" for n in names)]
    for label, key, digits in rows:
        cells = []
        for n in names:
            s = summaries[n]
            if key is None:
                cells.append(f"{s['absent_terms']} / {s['absent_term_hits']}")
            elif key == "queries":
                cells.append(f"{s['queries']} ({s['queries_with_results']})")
            else:
                cells.append(
                    _fmt(s[key], digits)
                    if digits
                    else _fmt(round(s[key]) if isinstance(s[key], float) else s[key])
                )
        lines.append(f"{label:34}" + "".join(f"{c:>16}" for c in cells))
    lines.append("")
    lines.append("recall / precision by kind of query")
    kinds = sorted({k for n in names for k in summaries[n]["by_kind"]})
    for kind in kinds:
        cells = []
        for n in names:
            k = summaries[n]["by_kind"].get(kind, {})
            cells.append(f"{_fmt(k.get('recall'), 2)} / {_fmt(k.get('precision'), 2)}")
        count = max(summaries[n]["by_kind"].get(kind, {}).get("queries", 0) for n in names)
        lines.append(f"  {kind + f' ({count})':32}" + "".join(f"{c:>16}" for c in cells))
    for n in names:
        misses = [
            o
            for o in outcomes[n]
            if (o.recall is not None and o.recall < 1)
            or (o.precision is not None and o.precision < 1)
        ]
        lines.append("")
        lines.append(f"{n}: {len(misses)} queries below 1.0 recall or precision")
        for o in misses[:12]:
            lines.append(
                f"  {o.query!r:28} {o.kind:10} relevant {len(o.relevant):4}"
                f" returned {len(o.returned):4}"
                f" recall {_fmt(o.recall, 2)} precision {_fmt(o.precision, 2)}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2, help="sphinx-build -j (default 2)")
    parser.add_argument("--only", choices=SETUPS, help="evaluate one setup only")
    parser.add_argument("--work", type=Path, default=HERE / "_work" / "search_eval")
    parser.add_argument("--json", type=Path, help="write every figure and query here")
    parser.add_argument("--reuse", action="store_true", help="reuse the last builds in --work")
    parser.add_argument(
        "--rebuild",
        choices=SETUPS,
        action="append",
        default=[],
        help="with --reuse: rebuild this one",
    )
    args = parser.parse_args(argv)
    if args.posts < 300 and args.only is None:
        parser.error("the evaluation needs --posts 300 or more")
    setups = (args.only,) if args.only else SETUPS
    work = args.work / f"n{args.posts}-s{args.seed}"
    if args.reuse:
        sites = {n: Site(n, work / n / "src", work / n / "html") for n in setups}
        fresh = [n for n in setups if n in args.rebuild]
    else:
        sites = {}
        fresh = list(setups)
    if fresh:
        sites.update(prepare_sources(work, args.posts, args.seed, fresh))
        for name in fresh:
            build(sites[name], args.jobs)
    for site in sites.values():
        load_pages(site)
    queries = make_queries(sites, args.seed)

    from playwright.sync_api import sync_playwright

    outcomes: dict[str, list[Outcome]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name, site in sites.items():
                outcomes[name] = run_queries(site, queries, browser)
        finally:
            browser.close()
    summaries = {name: summarize(sites[name], outcomes[name], args.posts) for name in outcomes}
    sys.stdout.write(report(summaries, outcomes, args.posts) + "\n")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "posts": args.posts,
                    "seed": args.seed,
                    "summaries": summaries,
                    "queries": {n: [asdict(o) for o in outs] for n, outs in outcomes.items()},
                },
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
