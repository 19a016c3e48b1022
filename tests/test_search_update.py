"""Updating the search index in place after a body edit gives exactly the files of a new build."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st
from kiji.sphinx.search import IndexDoc, _body_digest, build_index, update_index

WORDS = ["量子", "計算", "半導体", "クラウド", "AWS", "gpu", "c++", "データ", "検索", "速度"]
TAGS = ["AI", "クラウド", "投資", "ｃｌｏｕｄ"]


def _docs(bodies: list[list[str]], titles: list[str], tags: list[list[str]]) -> list[IndexDoc]:
    return [
        IndexDoc(
            key=f"posts/p{i:03d}",
            url=f"posts/p{i:03d}.html",
            title=titles[i],
            body_terms=list(body),
            timestamp=float(i % 5),  # ties: the key decides
            date_display=f"2026年1月{i % 28 + 1}日",
            kind="post",
            tags=tags[i],
            excerpt=" ".join(body[:3]),
        )
        for i, body in enumerate(bodies)
    ]


site = st.integers(min_value=1, max_value=12).flatmap(
    lambda n: st.tuples(
        st.lists(st.lists(st.sampled_from(WORDS), max_size=6), min_size=n, max_size=n),
        st.lists(st.sampled_from(WORDS), min_size=n, max_size=n),
        st.lists(st.lists(st.sampled_from(TAGS), max_size=2), min_size=n, max_size=n),
        st.integers(min_value=0, max_value=n - 1),
        st.lists(st.sampled_from(WORDS), max_size=6),
    )
)


@settings(max_examples=150, deadline=None)
@given(site)
def test_update_after_a_body_edit_equals_a_new_build(case) -> None:
    bodies, titles, tags, edited, new_body = case
    old_docs = _docs(bodies, titles, tags)
    old_files, state = build_index(old_docs)
    terms_by_digest = {_body_digest(d): list(d.body_terms) for d in old_docs}

    bodies = [list(b) for b in bodies]
    bodies[edited] = new_body
    new_docs = _docs(bodies, titles, tags)
    expected_files, expected_state = build_index(new_docs)

    result = update_index(new_docs, state, old_files.get, terms_by_digest.get)
    assert result is not None
    files, new_state = result
    assert files == expected_files
    assert new_state == expected_state


def test_other_changes_build_anew() -> None:
    docs = _docs([["量子", "計算"], ["gpu"], ["検索"]], ["A", "B", "C"], [["AI"], [], ["投資"]])
    files, state = build_index(docs)
    terms = {_body_digest(d): list(d.body_terms) for d in docs}

    retitled = [dataclasses.replace(docs[0], title="量子の新しい題"), *docs[1:]]
    assert update_index(retitled, state, files.get, terms.get) is None
    retagged = [*docs[:2], dataclasses.replace(docs[2], tags=["クラウド"])]
    assert update_index(retagged, state, files.get, terms.get) is None
    assert update_index(docs[:2], state, files.get, terms.get) is None  # a page removed
    # Two of three pages changed: more than the share worth updating.
    two = [dataclasses.replace(docs[0], body_terms=["速度"]), dataclasses.replace(docs[1], body_terms=["c++"]), docs[2]]
    assert update_index(two, state, files.get, terms.get) is None
    # The old terms or an old shard are gone: build anew rather than guess.
    one = [dataclasses.replace(docs[0], body_terms=["速度"]), *docs[1:]]
    assert update_index(one, state, files.get, lambda digest: None) is None
    assert update_index(one, state, lambda path: None, terms.get) is None
    assert update_index(one, state, files.get, terms.get) is not None
