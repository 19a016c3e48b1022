"""Search without page fetches, in Chromium: instant results under the search field, facets kept
in the URL, paging, offsets confirming compounds, and no request for any page's HTML."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from kiji.core.textsplit import (
    contains,
    decode_positions,
    encode_positions,
    normalize,
    query_segments,
)

pytestmark = pytest.mark.browser

SAMPLE = "posts/2026-01-17-amazon-ai-chip.html"


def _html_requests(page, base: str) -> list[str]:
    """Requests for HTML pages after this call (the index is JSON under _static/)."""
    seen: list[str] = []

    def note(request) -> None:
        path = urlsplit(request.url).path
        if request.url.startswith(base) and (path.endswith(".html") or path.endswith("/")):
            seen.append(unquote(path))

    page.on("request", note)
    return seen


def _type(page, selector: str, text: str) -> None:
    page.focus(selector)
    page.keyboard.type(text, delay=20)


def test_typing_shows_results_before_enter_and_fetches_no_page(page, search_site) -> None:
    out, url = search_site
    page.goto(f"{url}index.html")
    field = 'form input[name="q"][data-kiji-instant="on"]'
    page.wait_for_selector(field)
    html = _html_requests(page, url)
    _type(page, field, "高速化")
    page.wait_for_function(
        "() => document.querySelector('.kiji-instant')?.dataset.query === '高速化'"
    )
    # Still on the page we opened: results came before Enter.
    assert urlsplit(page.url).path.endswith("index.html")
    options = page.query_selector_all('.kiji-instant [role="option"]')
    assert 1 <= len(options) <= 8
    hrefs = [unquote(o.get_attribute("data-href")) for o in options]
    assert any(h.endswith(SAMPLE) for h in hrefs)
    first = options[[h.endswith(SAMPLE) for h in hrefs].index(True)]
    assert first.query_selector("time").text_content() == "2026年1月17日"
    assert [m.text_content() for m in first.query_selector_all("mark")] == ["高速化"]
    input_el = page.query_selector(field)
    assert input_el.get_attribute("role") == "combobox"
    assert input_el.get_attribute("aria-expanded") == "true"
    listbox = page.query_selector(f"#{input_el.get_attribute('aria-controls')}")
    assert listbox.get_attribute("role") == "listbox"
    assert html == []  # the index only: no page HTML was requested

    # Arrow keys choose an option; Enter opens it.
    page.keyboard.press("ArrowDown")
    assert input_el.get_attribute("aria-activedescendant") == options[0].get_attribute("id")
    assert options[0].get_attribute("aria-selected") == "true"
    target = unquote(options[0].get_attribute("data-href"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert unquote(page.url) == target


def test_enter_without_a_choice_opens_the_search_page(page, search_site) -> None:
    _, url = search_site
    page.goto(f"{url}index.html")
    field = 'form input[name="q"][data-kiji-instant="on"]'
    page.wait_for_selector(field)
    _type(page, field, "AWS")
    page.wait_for_function("() => document.querySelector('.kiji-instant')?.dataset.query === 'AWS'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    parts = urlsplit(page.url)
    assert parts.path.endswith("search.html") and parse_qs(parts.query)["q"] == ["AWS"]
    page.wait_for_selector('.kiji-search-summary[data-state="done"]')


def test_no_search_while_kana_is_composed(page, search_site) -> None:
    _, url = search_site
    page.goto(f"{url}index.html")
    field = 'form input[name="q"][data-kiji-instant="on"]'
    page.wait_for_selector(field)
    # What an IME does: compositionstart, input events with isComposing, then compositionend.
    page.evaluate(
        """(sel) => {
            const input = document.querySelector(sel);
            input.dispatchEvent(new CompositionEvent('compositionstart', {data: ''}));
            for (const text of ['こ', 'こう', 'こうそ', '高速化']) {
                input.value = text;
                input.dispatchEvent(new InputEvent('input', {data: text, isComposing: true}));
            }
        }""",
        field,
    )
    page.wait_for_timeout(300)
    assert page.evaluate("() => document.querySelector('.kiji-instant').dataset.query") is None
    page.evaluate(
        "(sel) => document.querySelector(sel).dispatchEvent("
        "new CompositionEvent('compositionend', {data: '高速化'}))",
        field,
    )
    page.wait_for_function(
        "() => document.querySelector('.kiji-instant')?.dataset.query === '高速化'"
    )


def _results(page) -> list[str]:
    return [
        unquote(a.get_attribute("href").split("//", 1)[-1].split("/", 1)[-1])
        for a in page.query_selector_all("li.kiji-result > a")
    ]


def _post_meta(out: Path, path: str) -> dict[str, list[str]]:
    soup = BeautifulSoup((out / path).read_text(encoding="utf-8"), "lxml")
    header = soup.select_one(".kiji-post-header")
    tags = [a.get_text(strip=True) for a in header.select(".kiji-tags a")] if header else []
    return {"tags": tags}


def test_a_facet_narrows_the_list_and_survives_a_reload(page, corpus_site) -> None:
    out, url = corpus_site
    html = _html_requests(page, url + "posts/")
    page.goto(f"{url}search.html?q={quote('AI')}")
    page.wait_for_selector('.kiji-search-summary[data-state="done"]')
    total = int(page.get_attribute(".kiji-search-summary", "data-count"))
    choice = page.query_selector('.kiji-facet[data-facet="year"] a.kiji-facet-link')
    year = choice.get_attribute("data-value")
    expected = int(choice.query_selector(".kiji-facet-count").text_content())
    assert 0 < expected < total
    choice.click()
    page.wait_for_selector('.kiji-search-summary[data-state="done"]')
    assert parse_qs(urlsplit(page.url).query) == {"q": ["AI"], "year": [year]}
    for _ in range(2):  # as clicked, then after a reload
        assert int(page.get_attribute(".kiji-search-summary", "data-count")) == expected
        dates = [t.get_attribute("datetime") for t in page.query_selector_all("li.kiji-result time")]
        assert dates and all(d.startswith(year) for d in dates)
        selected = page.query_selector('.kiji-facet[data-facet="year"] .selected a')
        assert selected.get_attribute("data-value") == year
        page.reload()
        page.wait_for_selector('.kiji-search-summary[data-state="done"]')
    assert html == []


def test_paging_twenty_at_a_time_to_the_exact_count(page, corpus_site) -> None:
    out, url = corpus_site
    page.goto(f"{url}search.html?q={quote('AI')}")
    page.wait_for_selector('.kiji-search-summary[data-state="done"]')
    count = int(page.get_attribute(".kiji-search-summary", "data-count"))
    assert count > 40
    shown = [len(page.query_selector_all("li.kiji-result"))]
    while page.query_selector("button.kiji-search-more"):
        page.click("button.kiji-search-more")
        page.wait_for_selector('.kiji-search-summary[data-state="done"]')
        shown.append(len(page.query_selector_all("li.kiji-result")))
    assert shown[:3] == [20, 40, 60][: len(shown[:3])]
    assert shown[-1] == count and len(set(_results(page))) == count
    assert page.text_content(".kiji-search-summary") == f"「AI」の検索結果: {count} 件"


def _holding(out: Path, query: str) -> set[str]:
    """Posts whose own text (as the index sees it) contains ``query``, read from the HTML."""
    expected = set()
    for path in sorted((out / "posts").glob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        main = soup.select_one('div.body[role="main"]')
        for node in main.select(
            ".headerlink, .kiji-post-footer, .kiji-label, .kiji-sep, .kiji-prev-next, "
            ".kiji-related, .kiji-related-title, .kiji-reading-time"
        ):
            node.decompose()
        if contains(normalize(main.get_text()), normalize(query)):
            expected.add(path.relative_to(out).as_posix())
    return expected


def _records(out: Path) -> list[list]:
    """The index's document records, by id."""
    folder = out / "_static" / "kiji-search"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    records: list[list] = []
    for k in range(-(-manifest["count"] // manifest["chunk"])):
        records += json.loads((folder / "d" / f"{k}.json").read_text(encoding="utf-8"))
    return records


def test_compound_results_equal_the_pages_holding_it(page, corpus_site) -> None:
    out, url = corpus_site
    query = "量子化"  # 量子 and 子化 are common apart: offsets decide
    page.goto(f"{url}index.html")
    page.wait_for_function("() => typeof KijiSearch !== 'undefined'")
    html = _html_requests(page, url)
    found = page.evaluate("async (q) => (await KijiSearch.search(q)).ids", query)
    assert html == []
    page.goto(f"{url}search.html?q={quote(query)}")
    page.wait_for_selector('.kiji-search-summary[data-state="done"]')
    while page.query_selector("button.kiji-search-more"):
        page.click("button.kiji-search-more")
        page.wait_for_selector('.kiji-search-summary[data-state="done"]')
    posts = {p for p in _results(page) if p.startswith("posts/")}
    expected = _holding(out, query)
    assert posts == expected and len(found) >= len(posts) > 0


@pytest.mark.parametrize(
    "query", ["アーキテクチャ", "機械学習", "NVIDIAのGPU", "TPUクラスタ", "SSD寿命", "推論サーバー", "ドローン配送"]
)
def test_offsets_in_blocks_find_exactly_the_pages_holding_it(page, corpus_site, query) -> None:
    """The corpus site keeps offsets in blocks of 16 pages (kiji_search_block): confirming in
    blocks, with a cover of the segment's bigrams, finds what a scan of every page finds."""
    out, url = corpus_site
    page.goto(f"{url}index.html")
    page.wait_for_function("() => typeof KijiSearch !== 'undefined'")
    ids = page.evaluate("async (q) => (await KijiSearch.search(q)).ids", query)
    records = _records(out)
    found = {records[i][0] for i in ids if records[i][0].startswith("posts/")}
    assert found == _holding(out, query)


def test_first_results_load_the_newest_blocks_only_and_keep_the_order(page, corpus_site) -> None:
    out, url = corpus_site
    query = "量子化"
    manifest = json.loads((out / "_static/kiji-search/manifest.json").read_text(encoding="utf-8"))
    assert manifest["block"] == 16 and len(manifest["pshards"]) >= 5
    records = _records(out)
    blocks: set[str] = set()

    def fresh() -> None:
        page.goto(f"{url}index.html")
        page.wait_for_function("() => typeof KijiSearch !== 'undefined'")
        blocks.clear()

    page.on(
        "request",
        lambda r: blocks.add(urlsplit(r.url).path.split("/p/", 1)[1].split("/")[0])
        if "/kiji-search/p/" in r.url
        else None,
    )
    fresh()
    every = page.evaluate("async (q) => (await KijiSearch.search(q)).ids", query)
    assert len(blocks) > 1
    def free(i: int) -> bool:  # the title, a tag, a category or an author holds the query
        url_, title, _, _, _, tags, categories, _, authors = records[i]
        return any(contains(normalize(v), normalize(query)) for v in [title, *tags, *categories, *authors])

    titled = sum(map(free, every))
    assert 0 < titled < len(every) - 3 and all(map(free, every[:titled]))
    # Results whose title or tags hold the query come first and need no offsets at all.
    fresh()
    first = page.evaluate("async ([q, n]) => await KijiSearch.first(q, n)", [query, titled])
    assert first["ids"] == every[:titled] and not first["complete"]
    assert blocks == set()
    # Three more need the body offsets of the newest blocks, not of every block.
    fresh()
    first = page.evaluate("async ([q, n]) => await KijiSearch.first(q, n)", [query, titled + 3])
    assert first["ids"] == every[: titled + 3] and not first["complete"]
    assert blocks and len(blocks) < len(manifest["pshards"])


def test_a_title_holding_the_query_ranks_first(page, corpus_site) -> None:
    out, url = corpus_site
    records = _records(out)
    page.goto(f"{url}index.html")
    page.wait_for_function("() => typeof KijiSearch !== 'undefined'")
    checked = 0
    for query in ("量子化", "アーキテクチャ", "データ"):
        ids = page.evaluate("async (q) => (await KijiSearch.search(q)).ids", query)
        in_title = [contains(normalize(records[i][1]), normalize(query)) for i in ids]
        # Every title holding the query, before every result whose title does not.
        assert in_title == sorted(in_title, reverse=True), query
        checked += any(in_title) and not all(in_title)
    assert checked  # at least one query mixes both kinds, or the test shows nothing


def test_the_ranking_equals_a_model_of_it(page, corpus_site) -> None:
    """Posts rank by the sum over the query's segments of 8 for a title and 5 for a tag,
    category or author holding it, then newest (lowest id) first, as a model computed here from
    the records finds. The browser settles the title and tag part from the term entries and
    sorts only the scored pages; this holds it to the whole order."""
    out, url = corpus_site
    records = _records(out)
    page.goto(f"{url}index.html")
    page.wait_for_function("() => typeof KijiSearch !== 'undefined'")

    def score(i: int, segments: list[str]) -> int:
        _, title, _, _, _, tags, categories, _, authors = records[i]
        return sum(
            8 * contains(normalize(title), seg)
            + 5 * any(contains(normalize(v), seg) for v in [*tags, *categories, *authors])
            for seg in segments
        )

    mixed = 0
    for query in ("量子化", "データ", "NVIDIAのGPU", "AI 投資", "GPU クラウド"):
        ids = page.evaluate("async (q) => (await KijiSearch.search(q)).ids", query)
        segments = query_segments(query)
        posts = [i for i in ids if records[i][0].startswith("posts/")]
        assert posts == sorted(posts, key=lambda i: (-score(i, segments), i)), query
        mixed += len({score(i, segments) for i in posts}) > 2
    assert mixed >= 2  # scores differ enough that a wrong order would show


def test_the_cover_keeps_fewer_bigrams_and_every_character(page, search_site) -> None:
    _, url = search_site
    page.goto(f"{url}index.html")
    page.wait_for_function("() => typeof KijiSearch !== 'undefined'")
    for segment, weights in (
        ("アーキテクチャ", {}),
        ("高速化した", {"速化": 1000}),  # a common middle bigram is left out
        ("nvidiaのgpu", {}),
        ("量子化", {}),
    ):
        offsets = page.evaluate("(s) => KijiSearch.queryOffsets(s)", segment)
        kept = page.evaluate(
            "([o, w]) => KijiSearch.cover(o, (t) => w[t] || 1)", [offsets, weights]
        )
        covered = set()
        for term, at in kept:
            covered |= set(range(at, at + len(term.replace("|", ""))))
        assert covered == set(range(len(segment))), segment
        # Words and junctions stay; the bigrams kept are as few as the length allows.
        assert [o for o in offsets if "|" in o[0] or o[0].isascii()] == [
            o for o in kept if "|" in o[0] or o[0].isascii()
        ]
        for term, _ in kept:
            assert term not in weights, (segment, term)
    kept = page.evaluate("(s) => KijiSearch.cover(KijiSearch.queryOffsets(s), () => 1)", "アーキテクチャ")
    assert len(kept) == 4  # 7 characters: アー, キテ, クチ and チャ (or as many)


def test_focusing_the_field_loads_the_manifest_before_a_key_is_typed(page, search_site) -> None:
    _, url = search_site
    page.goto(f"{url}index.html")
    field = 'form input[name="q"][data-kiji-instant="on"]'
    page.wait_for_selector(field)
    with page.expect_request(lambda r: "kiji-search/manifest.json" in r.url):
        page.focus(field)


def test_javascript_offsets_equal_python(page, search_site) -> None:
    from kiji.core.textsplit import query_offsets

    _, url = search_site
    page.goto(f"{url}index.html")
    page.wait_for_function("() => typeof KijiSearch !== 'undefined'")
    segments = ["NVIDIAのGPU", "高速化した", "node.jsの", "a.b.c.d.e.f.g.h.i.jを", "の𠮷野家", "c++で", "ＡＷＳ向け"]
    for seg in segments:
        norm = normalize(seg)
        js = page.evaluate("(s) => KijiSearch.queryOffsets(s)", norm)
        assert [tuple(x) for x in js] == query_offsets(norm), seg
    code = encode_positions([(0, [1, 5, 900]), (3, [0]), (70000, [2, 100000])])
    assert page.evaluate("(c) => [...KijiSearch.decodePositions(c)]", code) == [
        [k, v] for k, v in decode_positions(code).items()
    ]
    assert query_segments("a b") == ["a", "b"]


def test_the_search_page_shows_the_first_page_before_the_count(page, corpus_site) -> None:
    """Offsets of the older blocks held back (a slow network): the first 20 results are there,
    marked as not counted yet; once the blocks arrive, the exact count and the facets."""
    _, url = corpus_site
    held: list = []
    release = {"now": False}

    def hold(route) -> None:
        block = int(urlsplit(route.request.url).path.split("/p/", 1)[1].split("/")[0])
        if block >= 2 and not release["now"]:
            held.append(route)
        else:
            route.continue_()

    page.route("**/kiji-search/p/**", hold)
    page.goto(f"{url}search.html?q={quote('データ')}")
    page.wait_for_function("() => document.querySelectorAll('li.kiji-result').length === 20")
    # The count asks for the older blocks after the first 20 are shown, not necessarily before
    # this line runs: wait (bounded) until one of them is held.
    for _ in range(500):
        if held:
            break
        page.wait_for_timeout(20)
    summary = page.query_selector(".kiji-search-summary")
    assert summary.get_attribute("data-state") == "running"
    assert "件数を数えています" in summary.text_content()
    assert held and not page.query_selector(".kiji-facet")
    first = _results(page)
    release["now"] = True
    for route in held:
        route.continue_()
    page.wait_for_selector('.kiji-search-summary[data-state="done"]')
    count = int(summary.get_attribute("data-count"))
    assert count > 20 and _results(page) == first
    assert page.query_selector(".kiji-facet") is not None
    assert page.evaluate("async () => (await KijiSearch.search('データ')).ids.length") == count
