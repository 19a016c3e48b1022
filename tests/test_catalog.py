"""Unit and property tests of :mod:`kiji.catalog` (pure Python, no Sphinx build)."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kiji.core import catalog
from kiji.core.catalog import MAX_SLUG_BYTES, RESERVED, build, name_key, related_posts, slugify

PROPERTY = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def info(when: str | None = None, tags=(), categories=(), authors=(), title: str = "t") -> dict:
    """A post record shaped like :func:`kiji.posts.post_info`'s."""
    stamp = datetime.fromisoformat(when).replace(tzinfo=timezone.utc) if when else None
    return {
        "title": title,
        "ts": stamp.timestamp() if stamp else None,
        "date": stamp.isoformat() if stamp else None,
        "year": stamp.year if stamp else None,
        "month": stamp.month if stamp else None,
        "tags": list(tags),
        "categories": list(categories),
        "authors": list(authors),
    }


def slugs(cat: catalog.Catalog, kind: str = "tag") -> dict[str, str]:
    return {key: term.slug for key, term in cat.terms[kind].items()}


# =========================================================================== name_key


class TestNameKey:
    @pytest.mark.parametrize(
        "name", ["AI", "ai", "ＡＩ", " AI ", "Ai", "\u3000ＡＩ\u3000", "\tai\n"]
    )
    def test_one_key(self, name):
        assert name_key(name) == "ai"

    def test_inner_whitespace_collapsed(self):
        assert name_key("機械  学習") == "機械 学習"
        assert name_key("machine\t\u3000 Learning") == "machine learning"

    def test_japanese_normalised(self):
        decomposed = unicodedata.normalize("NFD", "ブログ")
        assert decomposed != "ブログ"
        assert name_key(decomposed) == name_key("ﾌﾞﾛｸﾞ") == "ブログ"
        assert name_key("ブログ") == "ブログ"

    def test_distinct_names(self):
        assert len({name_key(n) for n in ["C++", "C#", "c", "ブログ", "フロク"]}) == 5

    def test_empty(self):
        assert name_key("") == name_key("   ") == ""


# =========================================================================== slugify


class TestSlugify:
    def test_japanese_stays_japanese(self):
        assert slugify(name_key("ブログ")) == "ブログ"
        assert slugify(name_key("ブログ")) != "フロク"
        assert slugify(name_key(unicodedata.normalize("NFD", "ブログ"))) == "ブログ"
        assert slugify(name_key("機械 学習")) == "機械-学習"
        assert slugify(name_key("最新ニュース")) == "最新ニュース"

    def test_programming_languages_are_distinct(self):
        got = [slugify(name_key(n)) for n in ["C++", "C#", "c", "C", ".NET", "F#"]]
        assert got == ["c-plus-plus", "c-sharp", "c", "c", "dot-net", "f-sharp"]
        assert len(set(got[:3])) == 3

    def test_ascii(self):
        assert slugify(name_key("Hello, World!")) == "hello-world"
        assert slugify(name_key("R&D")) == "r-and-d"
        assert slugify(name_key("Python 3.12")) == "python-3.12"
        assert slugify(name_key("node.js")) == "node.js"

    @pytest.mark.parametrize(
        "name",
        ["../../x", "/", "..", ".", "./.", "a/../b", "\\", "..\\..\\x", ".hidden", "-", "---",
         "...", "/etc/passwd", "\x00"],
    )  # fmt: skip
    def test_path_tricks(self, name):
        slug = slugify(name_key(name))
        assert slug
        assert "/" not in slug and "\\" not in slug and "\x00" not in slug
        assert ".." not in slug
        assert not slug.startswith((".", "-"))

    @pytest.mark.parametrize(
        "name", ["index", "search", "genindex", "INDEX", " Search ", "CON", "nul"]
    )
    def test_reserved_not_returned_as_is(self, name):
        slug = slugify(name_key(name))
        assert slug not in RESERVED
        assert slug.startswith(name_key(name))

    def test_empty_slug_gets_a_stable_digest(self):
        assert slugify("/") == slugify("/")
        assert slugify("/") != slugify("//")
        assert slugify("").startswith("x-")

    def test_long_japanese_name(self):
        name = "日本語の長いタグ名" * 17  # 153 characters, 459 bytes
        assert len(name) > 150
        slug = slugify(name_key(name))
        assert len(slug.encode("utf-8")) <= MAX_SLUG_BYTES
        assert slug.startswith("日本語の長いタグ名")
        slug.encode("utf-8").decode("utf-8")  # not cut inside a character

    def test_long_names_with_one_prefix(self):
        prefix = "とても長い名前" * 20
        a, b = slugify(name_key(prefix + "A")), slugify(name_key(prefix + "B"))
        assert a != b
        assert len(a.encode()) <= MAX_SLUG_BYTES and len(b.encode()) <= MAX_SLUG_BYTES
        long_ascii = "x" * 200
        assert slugify(long_ascii) != slugify(long_ascii + "y")

    @PROPERTY
    @given(st.text())
    def test_any_text(self, text):
        slug = slugify(name_key(text))
        assert slug
        assert not any(ch in slug for ch in "/\\\x00")
        assert not slug.startswith((".", "-"))
        assert ".." not in slug
        assert len(slug.encode("utf-8")) <= MAX_SLUG_BYTES
        assert slug not in RESERVED
        assert not any(unicodedata.category(ch)[0] in "CZ" for ch in slug)
        assert slugify(name_key(text)) == slug  # stable
        assert slugify(slug) == slug  # a slug is its own slug

    @PROPERTY
    @given(
        st.text(
            st.one_of(
                st.characters(min_codepoint=0x3041, max_codepoint=0x3096),  # hiragana
                st.characters(min_codepoint=0x30A1, max_codepoint=0x30FA),  # katakana
                st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # kanji
                st.sampled_from(" 　・ー、。"),
            ),
            min_size=1,
            max_size=40,
        )
    )
    def test_japanese_is_kept(self, text):
        slug = slugify(name_key(text))
        letters = [ch for ch in text if unicodedata.category(ch)[0] in "LMN"]
        if letters:
            assert slug.replace("-", "") == "".join(letters)
            words = "".join(ch if unicodedata.category(ch)[0] in "LMN" else " " for ch in text)
            assert slug.split("-") == words.split()


# =========================================================================== build


@pytest.fixture
def blog() -> catalog.Catalog:
    return build(
        {
            "posts/a": info("2026-01-17T16:38:30", tags=["AI", "Amazon", "投資"],
                            categories=["投資分析"], authors=["ALLFORCES編集部"]),
            "posts/b": info("2026-02-01T09:00:00", tags=["ai", "ブログ"], categories=["news"],
                            authors=["Foo"]),
            "posts/c": info("2025-12-31T23:59:59", tags=["ＡＩ", "Amazon"],
                            categories=["news", "投資分析"]),
            "posts/d": info(None, tags=["AI"]),
            "posts/e": info("2026-01-17T08:00:00", tags=["ブログ", "投資"], categories=["news"],
                            authors=["ALLFORCES編集部"]),
            "posts/0": info(None),
        }
    )  # fmt: skip


class TestBuild:
    def test_order_newest_first_undated_last(self, blog):
        assert blog.order == ["posts/b", "posts/a", "posts/e", "posts/c", "posts/0", "posts/d"]

    def test_same_time_ordered_by_docname(self):
        cat = build({n: info("2026-01-01") for n in ["z", "b", "m"]} | {"a": info("2025-01-01")})
        assert cat.order == ["b", "m", "z", "a"]

    def test_terms_by_key(self, blog):
        assert sorted(blog.terms) == ["author", "category", "tag"]
        assert sorted(blog.terms["tag"]) == ["ai", "amazon", "ブログ", "投資"]
        ai = blog.term("tag", "ＡＩ")
        assert ai is blog.term("tag", " ai ") is blog.terms["tag"]["ai"]
        assert ai.docnames == ["posts/b", "posts/a", "posts/c", "posts/d"]
        assert ai.kind == "tag" and ai.pagename == "tags/ai"
        assert blog.term("tag", "nothing") is None
        assert blog.term("nope", "ai") is None

    def test_display_name_is_most_common_spelling(self, blog):
        assert blog.terms["tag"]["ai"].name == "AI"  # AI ×2, ai ×1, ＡＩ ×1
        cat = build({"1": info("2026-01-01", tags=["ai"]), "2": info("2026-01-02", tags=["ai"]),
                     "3": info("2026-01-03", tags=["AI"])})  # fmt: skip
        assert cat.terms["tag"]["ai"].name == "ai"

    @pytest.mark.parametrize(
        "spellings", [["AI", "ai"], ["ai", "AI"], ["ＡＩ", "ai", "AI"], ["AI ", "ai", " AI"]]
    )
    def test_display_name_ties_are_deterministic(self, spellings):
        names = set()
        for rotation in range(len(spellings)):
            rotated = spellings[rotation:] + spellings[:rotation]
            posts = {f"p{i}": info(f"2026-01-0{i + 1}", tags=[s]) for i, s in enumerate(rotated)}
            names.add(build(posts).terms["tag"]["ai"].name)
            names.add(build(dict(reversed(posts.items()))).terms["tag"]["ai"].name)
        assert len(names) == 1
        assert names.pop() == min(spellings)

    def test_pagenames_and_folders(self, blog):
        assert blog.term("category", "投資分析").pagename == "categories/投資分析"
        assert blog.term("author", "ALLFORCES編集部").pagename == "authors/allforces編集部"
        assert blog.term("author", "allforces編集部").name == "ALLFORCES編集部"
        assert [t.key for t in blog.sorted_terms("category")] == ["news", "投資分析"]
        assert blog.term("category", "news").docnames == ["posts/b", "posts/e", "posts/c"]

    def test_collisions_get_distinct_slugs(self):
        cat = build({"p": info("2026-01-01", tags=["Foo Bar", "foo-bar", "foo_bar", "FOO/bar"])})
        got = slugs(cat)
        assert len(set(got.values())) == len(got) == 4
        assert got["foo bar"] == "foo-bar"  # the first key in order keeps the plain slug
        assert all(slug.startswith("foo-bar") for slug in got.values())
        assert len(cat.collisions) == 3
        for kind, name, other, slug in cat.collisions:
            assert kind == "tag"
            assert slug == got[name_key(name)] != "foo-bar"
            assert other == "foo bar"

    def test_same_slug_in_two_kinds_is_no_collision(self):
        cat = build({"p": info("2026-01-01", tags=["news"], categories=["News"], authors=["news"])})
        assert cat.collisions == []
        assert {cat.term(k, "news").pagename for k in ("tag", "category", "author")} == {
            "tags/news", "categories/news", "authors/news"}  # fmt: skip

    def test_taken_pagenames_avoided(self):
        cat = build({"p": info("2026-01-01", tags=["foo", "bar"], categories=["foo"])},
                    taken={"tags/foo", "categories/zzz"})  # fmt: skip
        foo = cat.term("tag", "foo")
        assert foo.pagename != "tags/foo" and foo.slug.startswith("foo-")
        assert cat.term("tag", "bar").slug == "bar"
        assert cat.term("category", "foo").slug == "foo"
        assert cat.collisions == [("tag", "foo", "tags/foo", foo.slug)]

    def test_reserved_names(self):
        cat = build({"p": info("2026-01-01", tags=["index", "Search", "genindex"])})
        assert sorted(t.pagename for t in cat.terms["tag"].values()) == [
            "tags/genindex-", "tags/index-", "tags/search-"]  # fmt: skip
        assert cat.collisions == []

    def test_reserved_and_its_dash_form(self):
        cat = build({"p": info("2026-01-01", tags=["index", "index-"])})
        assert len(set(slugs(cat).values())) == 2
        assert len(cat.collisions) == 1
    @pytest.mark.parametrize("case", ["used", "taken"])
    def test_disambiguated_slug_is_unique(self, case):
        if case == "used":
            tags = ["c", "c♯", "c-" + catalog._digest("c♯")]
            cat = build({"p": info("2026-01-01", tags=tags)})
        else:
            taken = {"tags/foo", "tags/foo-" + catalog._digest("foo")}
            cat = build({"p": info("2026-01-01", tags=["foo"])}, taken=taken)
            assert cat.term("tag", "foo").pagename not in taken
        assert len(set(slugs(cat).values())) == len(cat.terms["tag"])
    def test_disambiguated_slug_stays_short(self):
        cat = build({"p": info("2026-01-01", tags=["a" * 115, "a" * 115 + "!"])})
        assert len(set(slugs(cat).values())) == 2
        assert all(len(s.encode()) <= MAX_SLUG_BYTES for s in slugs(cat).values())

    def test_long_japanese_names_do_not_collide(self):
        prefix = "とても長い名前" * 20
        cat = build({"p": info("2026-01-01", tags=[prefix + "A", prefix + "B"])})
        got = slugs(cat)
        assert len(set(got.values())) == 2 and cat.collisions == []
        assert all(len(s.encode()) <= MAX_SLUG_BYTES for s in got.values())

    def test_empty_names_ignored(self):
        cat = build({"p": info("2026-01-01", tags=["", "  ", "a"])})
        assert list(cat.terms["tag"]) == ["a"]

    def test_archive(self, blog):
        assert blog.archive == {2026: {2: ["posts/b"], 1: ["posts/a", "posts/e"]},
                                2025: {12: ["posts/c"]}}  # fmt: skip
        assert list(blog.archive) == [2026, 2025]
        assert list(blog.archive[2026]) == [2, 1]

    def test_empty_catalogue(self):
        cat = build({})
        assert cat.order == [] and cat.archive == {} and cat.collisions == []
        assert all(cat.terms[k] == {} for k in catalog.KINDS)
        assert cat.select() == [] and cat.neighbours("x") == (None, None) and cat.related("x") == []

    def test_input_order_does_not_matter(self, blog):
        again = build(dict(reversed(list(blog.posts.items()))))
        assert again.order == blog.order
        assert again.archive == blog.archive
        assert {k: {t: (v.name, v.slug, v.docnames) for t, v in terms.items()}
                for k, terms in again.terms.items()} == {
            k: {t: (v.name, v.slug, v.docnames) for t, v in terms.items()}
            for k, terms in blog.terms.items()}  # fmt: skip
        assert {d: again.related(d) for d in again.order} == {
            d: blog.related(d) for d in blog.order}  # fmt: skip


# =========================================================================== navigation


class TestNeighbours:
    def test_older_and_newer(self, blog):
        # dated order: b (2026-02-01), a (2026-01-17 16:38), e (2026-01-17 08:00), c (2025-12-31)
        assert blog.neighbours("posts/b") == ("posts/a", None)
        assert blog.neighbours("posts/a") == ("posts/e", "posts/b")
        assert blog.neighbours("posts/e") == ("posts/c", "posts/a")
        assert blog.neighbours("posts/c") == (None, "posts/e")

    def test_undated_and_unknown(self, blog):
        assert blog.neighbours("posts/d") == (None, None)
        assert blog.neighbours("posts/0") == (None, None)
        assert blog.neighbours("nope") == (None, None)

    def test_single_post(self):
        assert build({"p": info("2026-01-01")}).neighbours("p") == (None, None)


class TestSelect:
    def test_everything(self, blog):
        assert blog.select() == blog.order
        assert blog.select() is not blog.order

    def test_tags_all_of(self, blog):
        assert blog.select(tags=["AI"]) == ["posts/b", "posts/a", "posts/c", "posts/d"]
        assert blog.select(tags=["ai", "amazon"]) == ["posts/a", "posts/c"]
        assert blog.select(tags=["ＡＩ", "Amazon", "投資"]) == ["posts/a"]
        assert blog.select(tags=["AI", "unknown"]) == []
        assert blog.select(tags=["", " "]) == blog.order  # empty names are no filter

    def test_categories_any_of(self, blog):
        assert blog.select(categories=["投資分析"]) == ["posts/a", "posts/c"]
        assert blog.select(categories=["投資分析", "NEWS"]) == ["posts/b", "posts/a", "posts/e",
                                                             "posts/c"]  # fmt: skip
        assert blog.select(categories=["unknown"]) == []
        assert blog.select(categories=["unknown", "news"]) == ["posts/b", "posts/e", "posts/c"]

    def test_authors_any_of(self, blog):
        assert blog.select(authors=["allforces編集部"]) == ["posts/a", "posts/e"]
        got = blog.select(authors=["Foo", "ALLFORCES編集部"])
        assert got == ["posts/b", "posts/a", "posts/e"]

    def test_year_and_month(self, blog):
        assert blog.select(year=2026) == ["posts/b", "posts/a", "posts/e"]
        assert blog.select(year=2025) == ["posts/c"]
        assert blog.select(year=2026, month=1) == ["posts/a", "posts/e"]
        assert blog.select(month=12) == ["posts/c"]
        assert blog.select(year=1999) == []

    def test_limit_and_exclude(self, blog):
        assert blog.select(limit=2) == ["posts/b", "posts/a"]
        assert blog.select(limit=2, exclude="posts/b") == ["posts/a", "posts/e"]
        got = blog.select(tags=["AI"], exclude="posts/a", limit=10)
        assert got == ["posts/b", "posts/c", "posts/d"]
        assert blog.select(exclude="nope") == blog.order

    def test_combined(self, blog):
        assert blog.select(tags=["AI"], categories=["news"], year=2025) == ["posts/c"]
        got = blog.select(tags=["投資"], authors=["ALLFORCES編集部"], categories=["news"])
        assert got == ["posts/e"]


# =========================================================================== related posts


def brute_related(posts: dict, order: list[str], limit: int = catalog.RELATED_LIMIT) -> dict:
    """The definition: other posts sharing >= 1 tag, by (-shared, catalogue order), the first
    ``limit``."""
    keys = {d: {name_key(t) for t in posts[d].get("tags", ()) if name_key(t)} for d in order}
    rank = {d: i for i, d in enumerate(order)}
    result = {}
    for d in order:
        shared = {o: len(keys[d] & keys[o]) for o in order if o != d}
        candidates = [o for o, n in shared.items() if n >= 1]
        picked = sorted(candidates, key=lambda o: (-shared[o], rank[o]))
        result[d] = picked[:limit]
    return result


TAG_POOL = ["AI", "ai", "ＡＩ", "Amazon", "投資", "ブログ", "技術動向", "チップ", "x", "y",
            "z", "c++", "C#", "  ", "機械 学習", "機械  学習"]  # fmt: skip


@st.composite
def catalogues(draw):
    names = [f"posts/{i}" for i in draw(st.lists(st.integers(0, 999), max_size=30, unique=True))]
    pool = draw(st.lists(st.sampled_from(TAG_POOL), min_size=1, max_size=len(TAG_POOL),
                         unique=True))  # fmt: skip
    stamps = st.one_of(st.none(), st.integers(1_600_000_000, 1_600_000_000 + 10).map(float),
                       st.floats(0, 2e9, allow_nan=False))  # fmt: skip
    posts = {}
    for name in names:
        posts[name] = {
            "ts": draw(stamps),
            "tags": draw(st.lists(st.sampled_from(pool), max_size=8)),
            "year": None,
            "month": None,
        }
    return posts


class TestRelated:
    def test_example(self, blog):
        # a: {ai, amazon, 投資}; c shares 2, b/d/e share 1 (by catalogue order b, e, d)
        assert blog.related("posts/a") == ["posts/c", "posts/b", "posts/e", "posts/d"]
        assert blog.related("posts/0") == []
        assert blog.related("unknown") == []

    def test_limit_five_and_ties_to_the_newer(self):
        posts = {f"p{i:02}": info(f"2026-01-{i + 1:02}", tags=["shared"]) for i in range(10)}
        posts["best"] = info("2020-01-01", tags=["shared", "rare"])
        posts["p03"]["tags"].append("rare")
        cat = build(posts)
        assert cat.related("best") == ["p03", "p09", "p08", "p07", "p06"]
        assert len(cat.related("p00")) == catalog.RELATED_LIMIT
        assert "p00" not in cat.related("p00")

    def test_no_shared_tags(self):
        cat = build({"a": info("2026-01-01", tags=["x"]), "b": info("2026-01-02", tags=["y"])})
        assert cat.related("a") == [] and cat.related("b") == []

    @PROPERTY
    @given(catalogues())
    def test_matches_brute_force(self, posts):
        cat = build(posts)
        expected = brute_related(posts, cat.order)
        assert {d: cat.related(d) for d in cat.order} == expected

    @PROPERTY
    @given(catalogues(), st.integers(1, 12))
    def test_matches_brute_force_any_limit(self, posts, limit):
        cat = build(posts)
        got = related_posts(posts, cat.order, cat.terms["tag"], limit=limit)
        expected = brute_related(posts, cat.order, limit)
        assert {d: got.get(d, []) for d in cat.order} == expected

    @PROPERTY
    @given(catalogues())
    def test_select_matches_definition(self, posts):
        cat = build(posts)
        for tag in TAG_POOL[:6]:
            key = name_key(tag)
            want = [d for d in cat.order if key in {name_key(t) for t in posts[d]["tags"]}]
            assert cat.select(tags=[tag]) == want
        dated = [d for d in cat.order if posts[d]["ts"] is not None]
        assert [d for d in cat.order if cat.neighbours(d) != (None, None)] == (
            dated if len(dated) > 1 else [])  # fmt: skip
        for older, newer in zip(dated[1:], dated[:-1]):
            assert cat.neighbours(newer)[0] == older
            assert cat.neighbours(older)[1] == newer
