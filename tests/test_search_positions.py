"""Term offsets: a segment found by offsets is exactly a segment ``contains`` finds, and the in-place
update of the offset shards gives the files of a new build."""

from __future__ import annotations

import dataclasses
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st
from kiji.core.textsplit import (
    contains,
    decode_positions,
    encode_positions,
    index_positions,
    index_terms,
    normalize,
    query_offsets,
    query_terms,
)
from kiji.sphinx import search
from kiji.sphinx.search import IndexDoc, _body_digest, build_index, update_index

PIECES = ["高速", "化", "した", "量子", "GPU", "の", "NVIDIA", "c++", "3.2.0", "、", " ", "データ", "版", "速化"]

texts = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)


def occurs(text: str, segment: str) -> bool:
    """Whether the offsets of ``text``'s terms place every term of ``segment`` as in it."""
    positions = index_positions(text)
    if any(t not in positions for t in query_terms(segment)):
        return False
    offsets = query_offsets(segment)
    if not offsets:
        return True
    first, at0 = offsets[0]
    return any(all(p - at0 + at in positions[t] for t, at in offsets) for p in positions[first])


@settings(max_examples=300, deadline=None)
@given(texts, st.data())
def test_offsets_decide_like_contains(text: str, data) -> None:
    norm = normalize(text)
    assert set(index_positions(text)) == index_terms(text)
    # A piece of the text (no space or punctuation inside: a query segment) or any other segment.
    start = data.draw(st.integers(0, len(norm)))
    end = data.draw(st.integers(start, len(norm)))
    inner = norm[start:end]
    segment = data.draw(st.sampled_from([inner, normalize(data.draw(texts))]))
    segment = segment.strip(" 、")
    if not segment or " " in segment or "、" in segment or not query_terms(segment):
        return
    if contains(norm, segment):
        assert occurs(text, segment), (text, segment)
    elif occurs(text, segment):
        # Offsets match token by token: the only difference allowed is a word cut mid-token,
        # which contains() rejects too, so reaching here is a bug.
        raise AssertionError((text, segment))


def test_position_codec_round_trips() -> None:
    entries = [(0, [0]), (1, [3, 4, 90000]), (500, [7])]
    assert list(decode_positions(encode_positions(entries)).items()) == [
        (d, list(p)) for d, p in entries
    ]


def _docs(bodies: list[str]) -> list[IndexDoc]:
    return [
        IndexDoc(
            key=f"posts/p{i:02d}",
            url=f"posts/p{i:02d}.html",
            title=f"記事{i}",
            body_terms=index_positions(body),
            timestamp=float(i),
            kind="post",
            tags=["量子"] if i % 2 else ["GPU"],
        )
        for i, body in enumerate(bodies)
    ]


@settings(max_examples=100, deadline=None)
@given(st.lists(texts, min_size=1, max_size=8), st.data(), st.sampled_from([512, 3]))
def test_update_with_offsets_equals_a_new_build(bodies: list[str], data, block: int) -> None:
    # block 3: offsets spread over several p/<block>/ folders, as on a site of thousands of pages
    with mock.patch.object(search, "BLOCK", block):
        _update_equals_build(bodies, data)


def _update_equals_build(bodies: list[str], data) -> None:
    old_docs = _docs(bodies)
    old_files, state = build_index(old_docs)
    stored = {_body_digest(d): d.body_terms for d in old_docs}
    edited = data.draw(st.integers(0, len(bodies) - 1))
    bodies = list(bodies)
    bodies[edited] = data.draw(texts)
    new_docs = _docs(bodies)
    expected = build_index(new_docs)
    result = update_index(new_docs, state, old_files.get, stored.get)
    if result is None:  # the shard counts changed: a new build is the right answer
        return
    assert result[0] == expected[0]
    assert result[1] == expected[1]
    assert dataclasses.asdict(result[1])["pshards"] == expected[1].pshards
