"""The search splitter: unit cases from the issue, and properties that make the search complete.

The key property: any word or compound a reader can copy out of a page (a substring of its
normalized text that does not cut a word in half) has query terms that are all among the page's
index terms. Bigram candidates may over-match, which the phrase check (:func:`contains`) removes;
they never under-match.
"""

from __future__ import annotations

import random
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from kiji.core.textsplit import _CJK as CJK_RANGES
from kiji.core.textsplit import (
    JOIN,
    MAX_PARTS,
    MAX_TERM,
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

# -- unit cases -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("高速化", ["高速", "速化"]),
        ("量子化", ["量子", "子化"]),
        ("H100", ["h100"]),
        ("NVIDIAのGPU", ["nvidia", "nvidia|の", "の|gpu", "gpu"]),  # junctions hold it together
        ("TPUクラスタ", ["tpu", "tpu|ク", "クラ", "ラス", "スタ"]),
        ("Neuron SDK", ["neuron", "sdk"]),
        ("ＡＷＳ", ["aws"]),
        ("3.2.0", ["3.2.0"]),
        ("gpt-4", ["gpt-4"]),
        ("C++", ["c++"]),
        ("c#", ["c#"]),
        ("株", ["株"]),
        ("の", []),  # a lone kana is not a term
        ("ｱﾏｿﾞﾝ", ["アマ", "マゾ", "ゾン"]),  # half-width kana
        ("「AIチップ」。", ["ai", "ai|チ", "チッ", "ップ"]),  # punctuation never joins a term
        ("AI チップ", ["ai", "チッ", "ップ"]),  # no junction across a space
        (
            "スーパーコンピュータ",
            ["スー", "ーパ", "パー", "ーコ", "コン", "ンピ", "ピュ", "ュー", "ータ"],
        ),
    ],
)
def test_query_terms(query: str, terms: list[str]) -> None:
    assert query_terms(query) == terms


def test_index_terms_of_the_sample_sentence() -> None:
    text = "NVIDIAのGPUがAIトレーニングの。NVIDIA A100やH100 GPU、Trainium2、Neuron SDK"
    terms = index_terms(text)
    for term in ("nvidia", "gpu", "a100", "h100", "trainium2", "neuron", "sdk", "トレ", "ai"):
        assert term in terms
    assert not any("。" in t or "、" in t for t in terms)
    assert "。nvidia" not in terms


def test_junctions_tie_words_to_adjacent_cjk() -> None:
    terms = index_terms("のgpt-4oの、c++とc#。")
    assert {"の|gpt", "の|gpt-4o", "gpt-4o|の", "4o|の", "c++|と"} <= terms
    assert not any(t.endswith("|。") for t in terms)  # punctuation is not CJK text
    assert query_terms("4oの") == ["4o", "4o|の"]


def test_words_are_indexed_whole_and_by_parts() -> None:
    terms = index_terms("バージョン3.2.0とgpt-4oとfoo_barとC++とC#")
    assert {
        "3.2.0",
        "3.2",
        "2.0",
        "3",
        "2",
        "0",
        "gpt-4o",
        "gpt",
        "4o",
        "foo_bar",
        "foo",
        "bar",
    } <= terms
    assert {"c++", "c", "c#"} <= terms
    assert "gpt-4" not in terms  # gpt-4 is not a whole word of gpt-4o
    assert "ai" not in index_terms("openai training")  # words keep whole-word semantics


def test_kanji_unigrams_but_not_kana_unigrams() -> None:
    terms = index_terms("株価のニュース")
    assert {"株", "価", "株価", "価の", "のニ"} <= terms
    assert "の" not in terms and "ニ" not in terms


def test_normalize_width_and_case() -> None:
    assert normalize("ＡＷＳ　ｈ１００ ｶﾞ") == "aws h100 ガ"
    assert query_segments("ＮＶＩＤＩＡの　ＧＰＵ  H100") == ["nvidiaの", "gpu", "h100"]


def test_long_words_are_cut_the_same_way_on_both_sides() -> None:
    word = "x" * (MAX_TERM + 20)
    assert query_terms(word) == [word[:MAX_TERM]]
    assert word[:MAX_TERM] in index_terms(f"前 {word} 後")
    assert not is_exact(word)


def test_words_with_many_parts_use_windows() -> None:
    word = ".".join(str(i) for i in range(MAX_PARTS + 3))
    terms = query_terms(word)
    assert len(terms) == 4
    assert set(terms) <= index_terms(word)
    assert not is_exact(word)


@pytest.mark.parametrize(
    ("text", "segment", "found"),
    [
        ("aiチップ", "ai", True),
        ("ai-chip", "ai", True),
        ("openai", "ai", False),
        ("training", "ai", False),
        ("nvidiaのgpu", "nvidiaのgpu", True),
        ("xnvidiaのgpu", "nvidiaのgpu", False),
        ("高速化", "速化", True),  # CJK is a plain substring
        ("v3.2.0", "3.2.0", False),
        ("3.2.0.", "2.0", True),
        ("c++", "c", True),
        ("", "a", False),
    ],
)
def test_contains(text: str, segment: str, found: bool) -> None:
    assert contains(text, segment) is found


def test_is_exact() -> None:
    assert is_exact("h100") and is_exact("高速") and is_exact("株") and is_exact("3.2.0")
    assert not is_exact("高速化") and not is_exact("nvidiaのgpu") and not is_exact("の")


def test_id_codec() -> None:
    assert encode_ids([]) == ""
    assert decode_ids(encode_ids([0, 1, 2, 40, 1000, 10**7])) == [0, 1, 2, 40, 1000, 10**7]
    rng = random.Random(3)
    ids = sorted(rng.sample(range(20000), 3000))
    code = encode_ids(ids)
    assert decode_ids(code) == ids
    assert len(code) < 1.5 * len(ids)  # dense lists cost about one character per id
    with pytest.raises(ValueError):
        encode_ids([3, 3])


def test_shard_of_is_zlib_crc32() -> None:
    import zlib

    assert shard_of("高速", 256) == zlib.crc32("高速".encode()) % 256
    for term in ("高速", "h100", "=タグ", ""):
        assert 0 <= shard_of(term, 64) < 64


# -- properties -----------------------------------------------------------------------------------

# Text like the posts': kanji, kana (full and half width), ASCII and full-width letters and digits,
# the connectors and suffixes words use, Japanese and ASCII punctuation, spaces.
JA_ALPHABET = (
    "高速化量子株価技術動向最新投資分析半導体演算電力冷却"
    "あいうえおかがのはをにでとすするーっゃ"
    "アイウエオカガキチップトレーニングコンピュータヴ"
    "ｱｲｳｶﾞｯﾌﾟｰ"
    "abcxyzAIHNVD0123456789ＡＢＣａｂｃ０１２"
    ".-_+#/:@'\"%&"
    "。、「」（）・！？〜…—　 \n"
    "éßΣσЖ①㈱㍿"
)
ja_text = st.text(alphabet=JA_ALPHABET, max_size=80)
any_text = st.text(max_size=60)
_CJK_CHAR = re.compile(f"[{CJK_RANGES}]")


def _bounded(norm: str, i: int, j: int) -> bool:
    """Whether ``norm[i:j]`` is a whole-word selection (``contains`` would accept it there)."""
    q = norm[i:j]
    return contains(norm[i - 1 if i else 0 : j + 1], q) if q else False


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_never_raises(text: str) -> None:
    index_terms(text)
    query_terms(text)
    for segment in query_segments(text):
        is_exact(segment)
        contains(normalize(text), segment)


@settings(max_examples=300)
@given(any_text)
@example("ΣΑ")  # final sigma
@example("İ")  # lower() makes two code points
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@settings(max_examples=300)
@given(any_text)
def test_terms_never_hold_spaces_or_punctuation(text: str) -> None:
    for term in index_terms(text) | set(query_terms(text)):
        pieces = term.split(JOIN)
        assert len(pieces) in (1, 2), term
        if len(pieces) == 2:  # a junction: a word and the CJK character touching it
            cjk = [p for p in pieces if len(p) == 1 and _CJK_CHAR.match(p)]
            assert cjk, term
            pieces.remove(cjk[0])
        for piece in pieces:
            assert piece and len(piece) <= MAX_TERM, term
            for ch in piece:
                # Kanji and kana are recognized by block, including code points not yet assigned.
                assert (
                    unicodedata.category(ch)[0] in "LN" or ch in "._-+#" or _CJK_CHAR.match(ch)
                ), (term, ch)
            assert piece[0] not in "._-+#", term


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(ja_text, st.data())
@example("NVIDIAのGPUがAI", None)
@example("スーパーコンピュータ", None)
def test_every_copied_word_finds_its_page(text: str, data: st.DataObject | None) -> None:
    norm = normalize(text)
    terms = index_terms(text)
    spans = [(i, j) for i in range(len(norm)) for j in range(i + 1, min(len(norm), i + 24) + 1)]
    if data is not None and spans:
        spans = data.draw(st.lists(st.sampled_from(spans), max_size=40))
    for i, j in spans:
        if not _bounded(norm, i, j):
            continue
        query = norm[i:j]
        missing = [t for t in query_terms(query) if t not in terms]
        assert not missing, (text, query, missing)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(ja_text, ja_text)
@example("gpt-4o と c++", "c")
@example("openai", "ai")
@example("x.ai", "ai")
def test_exact_segments_are_decided_by_the_index(text: str, query: str) -> None:
    norm = normalize(text)
    for segment in query_segments(query):
        if is_exact(segment):
            assert (segment in index_terms(text)) == contains(norm, segment), (text, segment)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(ja_text, st.data())
def test_a_page_containing_the_query_is_always_a_candidate(text: str, data: st.DataObject) -> None:
    # Queries of several whole-word selections, separated by spaces, as a reader types them.
    norm = normalize(text)
    spans = [
        (i, j)
        for i in range(len(norm))
        for j in range(i + 1, min(len(norm), i + 12) + 1)
        if _bounded(norm, i, j)
    ]
    if not spans:
        return
    chosen = data.draw(st.lists(st.sampled_from(spans), min_size=1, max_size=3))
    query = " ".join(norm[i:j] for i, j in chosen)
    segments = query_segments(query)
    if all(contains(norm, s) for s in segments):
        assert set(query_terms(query)) <= index_terms(text), (text, query)


@settings(max_examples=200)
@given(st.lists(st.integers(min_value=0, max_value=10**6), unique=True))
def test_id_codec_round_trips(ids: list[int]) -> None:
    ids.sort()
    assert decode_ids(encode_ids(ids)) == ids


def test_spaces_are_pythons_isspace_plus_bom() -> None:
    # Written out in both languages because Python's and JavaScript's \s differ.
    from kiji.core.textsplit import _SPACE

    for cp in range(0x10000):
        ch = chr(cp)
        assert bool(_SPACE.fullmatch(ch)) == (ch.isspace() or ch == "\ufeff"), hex(cp)
