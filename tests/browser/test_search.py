"""The search page in Chromium: the issue's queries, the Japanese count line, snippets, tags,
and the JavaScript splitter against the Python one."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from kiji.core.textsplit import (
    contains,
    decode_ids,
    encode_ids,
    index_terms,
    is_exact,
    normalize,
    query_segments,
    query_terms,
    shard_of,
)

pytestmark = pytest.mark.browser

SAMPLE = "posts/2026-01-17-amazon-ai-chip.html"
QUANTUM = "posts/2026-02-01-quantum-notes.html"
SAMPLE_TEXT = (
    Path(__file__).parent.parent / "roots/test-search/posts/2026-01-17-amazon-ai-chip.md"
).read_text(encoding="utf-8")


def site_text(out: Path) -> str:
    """The normalized main text of every page of the built site."""
    texts = []
    for html in sorted(out.rglob("*.html")):
        main = BeautifulSoup(html.read_text(encoding="utf-8"), "lxml").select_one(
            'div.body[role="main"]'
        )
        if main is not None:
            texts.append(main.get_text())
    return normalize("\n".join(texts))


def paths(result: dict) -> list[str]:
    return [unquote(r["href"].split("//", 1)[-1].split("/", 1)[-1]) for r in result["results"]]


@pytest.mark.parametrize(
    "query", ["高速化", "量子化", "H100", "NVIDIAのGPU", "Neuron SDK", "ＡＷＳ"]
)
def test_issue_queries_find_the_sample_post(run_search, query: str) -> None:
    result = run_search(query)
    assert SAMPLE in paths(result)
    assert result["summary"] == f"「{query}」の検索結果: {result['count']} 件"
    assert result["count"] == len(result["results"])
    hit = result["results"][paths(result).index(SAMPLE)]
    assert hit["title"] == "「Amazonの可能性とは？"
    assert hit["date"] == "2026年1月17日"
    # The snippet comes from the stored excerpt (no page is fetched): a match in it is marked.
    if any(contains(normalize(hit["snippet"]), s) for s in query_segments(query)):
        assert hit["marks"], hit["snippetHtml"]
    assert all(normalize(m) in " ".join(query_segments(query)) for m in hit["marks"])


def test_absent_term_finds_nothing(run_search, search_site) -> None:
    out, _ = search_site
    assert not contains(site_text(out), normalize("量子コンピュータ"))
    result = run_search("量子コンピュータ")
    assert result["count"] == 0 and result["results"] == []
    assert result["summary"] == "「量子コンピュータ」の検索結果: 0 件"


def test_bigram_false_positive_is_dropped(run_search) -> None:
    # The quantum post holds 高速 (高速道路) and 速化 (加速化) but not 高速化.
    result = run_search("高速化")
    assert paths(result) == [SAMPLE]
    assert result["summary"] == "「高速化」の検索結果: 1 件"


def test_tag_name_finds_its_page_first(run_search) -> None:
    result = run_search("最新ニュース")
    found = paths(result)
    assert found[0] == "tags/最新ニュース.html"
    assert SAMPLE in found


def test_title_and_tags_outrank_body(run_search) -> None:
    found = paths(run_search("量子"))
    assert found[0] == "tags/量子.html"
    assert found.index(QUANTUM) < found.index(SAMPLE)


def test_result_markup_is_text_not_html(run_search) -> None:
    result = run_search("<b>NVIDIA</b>")
    assert "<b>" not in json.dumps([r["snippetHtml"] for r in result["results"]]).replace(
        "\\u003c", "<"
    )
    assert result["summary"] == f"「<b>NVIDIA</b>」の検索結果: {result['count']} 件"


def test_lone_kana_says_the_query_is_too_short(run_search, page) -> None:
    result = run_search("の")
    assert result["count"] == 0
    assert "短すぎます" in page.inner_text(".kiji-search-empty")


# -- the JavaScript splitter equals the Python splitter -------------------------------------------

EXTRA_STRINGS = [
    "",
    "の",
    "株",
    "高速化",
    "NVIDIAのGPU",
    "Neuron SDK",
    "ＡＷＳ　ｈ１００",
    "ｱﾏｿﾞﾝのｶﾞｲﾄﾞ",
    "バージョン3.2.0とgpt-4oとfoo_barとC++とC#",
    "a.b.c.d.e.f.g.h.i.j.k++",
    "x" * 80,
    "「AIチップ」。—クラウド、（TPU）…",
    "ΣΑΣ İstanbul café Ⅻ ① ㈱ ㍿",
    "𠮷野家の𩸽と🍣",
    "ﾃｽﾄ ゝゞ ヽヾ 々 〆 〇",
    "한국어 텍스트",
    "tab\there\u3000full\u00a0nbsp\ufeffbom\x1cfs",
    "c+++ c## a--b a..b _x_ -y-",
    "openai training ai-chip",
    "Trainium2 / Inferentia2、5nm、300%",
    "TPUクラスタ、c++の、のgpt-4o、𠮷H100、ｘ𠮷、a.b.c.d.e.f.g.h.i.jの",
]


def _sample_strings() -> list[str]:
    body = SAMPLE_TEXT.split("---", 2)[2]
    sentences = [s for s in re.split(r"(?<=[。？！\n])", body) if s.strip()]
    step = max(1, len(sentences) // 30)
    return sentences[::step][:30] + EXTRA_STRINGS


def test_javascript_splitter_equals_python(page, search_site) -> None:
    _, url = search_site
    page.goto(f"{url}search.html")
    page.wait_for_function("typeof KijiSearch === 'object'")
    strings = _sample_strings()
    assert len(strings) >= 50
    got = page.evaluate(
        """(strings) => strings.map((s) => ({
            normalize: KijiSearch.normalize(s),
            index: [...KijiSearch.indexTerms(s)].sort(),
            query: KijiSearch.queryTerms(s),
            segments: KijiSearch.querySegments(s),
            exact: KijiSearch.querySegments(s).map(KijiSearch.isExact),
            contains: KijiSearch.querySegments(s).map(
                (seg) => KijiSearch.contains(KijiSearch.normalize(s), seg)),
            shards: KijiSearch.queryTerms(s).map((t) => KijiSearch.shardOf(t, 256)),
        }))""",
        strings,
    )
    for s, js in zip(strings, got, strict=True):
        segments = query_segments(s)
        expected = {
            "normalize": normalize(s),
            "index": sorted(index_terms(s)),
            "query": query_terms(s),
            "segments": segments,
            "exact": [is_exact(seg) for seg in segments],
            "contains": [contains(normalize(s), seg) for seg in segments],
            "shards": [shard_of(t, 256) for t in query_terms(s)],
        }
        js["index"] = sorted(js["index"])  # JavaScript sorted by UTF-16 units
        assert js == expected, s


def test_javascript_id_codec_equals_python(page, search_site) -> None:
    _, url = search_site
    page.goto(f"{url}search.html")
    page.wait_for_function("typeof KijiSearch === 'object'")
    ids = [0, 1, 2, 31, 32, 33, 1023, 1024, 40000, 10**7]
    code = encode_ids(ids)
    assert page.evaluate("(ids) => KijiSearch.encodeIds(ids)", ids) == code
    assert page.evaluate("(code) => KijiSearch.decodeIds(code)", code) == decode_ids(code) == ids


# -- many results: one page at a time, an estimate until every candidate is decided --------------


def _more_until_done(page) -> None:
    while page.query_selector("button.kiji-search-more:not([disabled])"):
        page.click("button.kiji-search-more")
        page.wait_for_selector('.kiji-search-summary[data-state="done"]')


def _page_text(out: Path, path: str) -> str:
    html = (out / path).read_text(encoding="utf-8")
    main = BeautifulSoup(html, "lxml").select_one('div.body[role="main"]')
    for node in main.select(".headerlink, .kiji-post-footer, .kiji-label, .kiji-sep"):
        node.decompose()
    return normalize(main.get_text())


def test_a_common_word_shows_one_page_then_more(run_search, page, corpus_site) -> None:
    out, url = corpus_site
    result = run_search("AI", base=url)  # one term: the index decides, the count is exact
    assert result["exact"] and result["count"] > 40
    assert len(result["results"]) == 20 and result["more"]
    _more_until_done(page)
    assert len(page.query_selector_all("li.kiji-result")) == result["count"]


def test_a_long_compound_is_confirmed_by_offsets(run_search, page, corpus_site) -> None:
    out, url = corpus_site
    query = "アーキテクチャ"  # six bigrams: their offsets in the index confirm them
    result = run_search(query, base=url)
    assert result["exact"] and len(result["results"]) == min(20, result["count"])
    _more_until_done(page)
    summary = page.query_selector(".kiji-search-summary")
    assert summary.get_attribute("data-exact") == "true"
    links = [a.get_attribute("href") for a in page.query_selector_all("li.kiji-result > a")]
    assert int(summary.get_attribute("data-count")) == len(links)
    found = {unquote(h.split("//", 1)[-1].split("/", 1)[-1]) for h in links}
    expected = {
        p.relative_to(out).as_posix()
        for p in (out / "posts").glob("*.html")
        if contains(_page_text(out, p.relative_to(out).as_posix()), normalize(query))
    }
    assert {f for f in found if f.startswith("posts/")} == expected
