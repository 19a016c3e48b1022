"""Unit and property tests of :mod:`kiji.frontmatter` (pure Python, no Sphinx build)."""

from __future__ import annotations

import codecs
import datetime as dt_module
import time
import types
import unicodedata
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from kiji.core import frontmatter as fm
from kiji.core.warnings_ import W

UTC = timezone.utc
JST = timezone(timedelta(hours=9))

# A byte-identical copy of /work/shared/samples/000_472db8eef6352b7d.txt kept with the tests.
SAMPLE = Path(__file__).parent / "roots" / "test-posts" / "posts" / "2026-01-17-amazon-ai-chip.md"
SAMPLE_TAGS = ("AI", "最新ニュース", "技術動向", "Amazon", "投資", "チップ")

PROPERTY = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def problems(post_or_list) -> list[tuple[str, int]]:
    items = post_or_list.problems if isinstance(post_or_list, fm.Post) else post_or_list
    return [(p.subtype.value, p.line) for p in items]


def parse(text: str, filename: str = "") -> fm.Post:
    return fm.parse_post(text.encode("utf-8"), filename)


def normalise(text: str, boms: int = 1) -> str:
    """What :func:`fm.decode` promises to do to a text: newlines to LF, NUL to U+FFFD,
    other line separators to spaces, leading byte order mark(s) removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
    for ch in "\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85":
        text = text.replace(ch, " ")
    for _ in range(boms):
        if text.startswith("\ufeff"):
            text = text[1:]
    return text


def looks_utf16(data: bytes) -> bool:
    """The decoder's UTF-16-without-BOM heuristic (a third of the bytes are NUL)."""
    return len(data) >= 4 and data.count(0) * 3 >= len(data)


def clean(value: str) -> str:
    value = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in value)
    return " ".join(value.split())


# =========================================================================== decode


class TestDecode:
    def test_utf8(self):
        text, enc, probs = fm.decode("---\ntitle: 日本語\n---\n本文\n".encode())
        assert (text, enc, probs) == ("---\ntitle: 日本語\n---\n本文\n", "utf-8", [])

    def test_utf8_bom_removed_with_a_problem(self):
        text, enc, probs = fm.decode(codecs.BOM_UTF8 + "タイトル\n".encode())
        assert text == "タイトル\n"
        assert enc == "utf-8"
        assert problems(probs) == [("encoding", 1)]
        assert "byte order mark" in probs[0].message

    @pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
    def test_utf16_with_bom(self, codec):
        source = "---\ntitle: 日本語のタイトル\n---\n本文です。\n"
        bom = b"" if codec == "utf-16" else {"utf-16-le": codecs.BOM_UTF16_LE,
                                              "utf-16-be": codecs.BOM_UTF16_BE}[codec]  # fmt: skip
        text, enc, probs = fm.decode(bom + source.encode(codec))
        assert text == source
        assert enc == "utf-16"
        assert problems(probs) == [("encoding", 1)]

    @pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
    def test_utf16_without_bom_mostly_ascii(self, codec):
        source = "---\ntitle: Hello\ntags: [a, b]\n---\nSome text, and 日本.\n"
        text, enc, probs = fm.decode(source.encode(codec))
        assert text == source
        assert enc == codec
        assert problems(probs) == [("encoding", 1)]
    @pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
    def test_utf16_without_bom_japanese_sample(self, codec):
        source = SAMPLE.read_text(encoding="utf-8")
        text, enc, _ = fm.decode(source.encode(codec))
        assert enc == codec
        assert text == source

    def test_cp932(self):
        source = (
            "---\ntitle: 日本語のタイトル\ntags: [ブログ, 技術]\n---\n"
            "本文です。ｶﾀｶﾅも。\n"
        )
        text, enc, probs = fm.decode(source.encode("cp932"))
        assert text == source
        assert enc == "cp932"
        assert problems(probs) == [("encoding", 1)]
        assert "CP932" in probs[0].message

    def test_cp932_sample_post(self):
        source = SAMPLE.read_text(encoding="utf-8").replace("\u2014", "\u2015")  # — not in CP932
        text, enc, _ = fm.decode(source.encode("cp932"))
        assert (text, enc) == (source, "cp932")

    def test_invalid_bytes_replaced_with_line(self):
        data = "一行目\n二行目\n三行目".encode() + b"\xff\xfe"
        data += "続き\n四行目\n".encode()
        text, enc, probs = fm.decode(data)
        assert enc == "utf-8"
        assert text == "一行目\n二行目\n三行目\ufffd\ufffd続き\n四行目\n"
        assert problems(probs) == [("encoding", 3)]
        assert "U+FFFD" in probs[0].message

    def test_invalid_byte_in_the_sample_post(self):
        lines = SAMPLE.read_bytes().split(b"\n")
        lines[11] = lines[11][:-1]  # cut the last UTF-8 character of line 12 short
        text, enc, probs = fm.decode(b"\n".join(lines))
        assert enc == "utf-8"
        assert problems(probs) == [("encoding", 12)]
        assert text.split("\n")[11].endswith("\ufffd")

    def test_invalid_bytes_with_crlf_line_endings(self):
        text, enc, probs = fm.decode(b"a\r\nb\r\nc\xff\xfe\r\nd")
        assert text == "a\nb\nc\ufffd\ufffd\nd"
        assert ("encoding", 3) in problems(probs)
    def test_invalid_bytes_with_cr_line_endings(self):
        text, _, probs = fm.decode(b"a\rb\rc\xff\xfe\rd")
        assert text == "a\nb\nc\ufffd\ufffd\nd"
        assert problems(probs) == [("encoding", 3)]
    def test_truncated_utf8_is_not_taken_for_cp932(self):
        text, enc, probs = fm.decode("あいう".encode()[:-1])
        assert enc == "utf-8"
        assert text == "あい\ufffd"
        assert problems(probs) == [("encoding", 1)]

    def test_crlf(self):
        text, enc, probs = fm.decode(b"---\r\ntitle: t\r\n---\r\nbody\r\n")
        assert text == "---\ntitle: t\n---\nbody\n"
        assert problems(probs) == [("encoding", 1)]
        assert "CRLF" in probs[0].message

    def test_cr_only(self):
        text, _, probs = fm.decode(b"---\rtitle: t\r---\rbody\r")
        assert text == "---\ntitle: t\n---\nbody\n"
        assert probs == []

    def test_mixed_newlines(self):
        text, _, _ = fm.decode(b"a\r\nb\rc\nd")
        assert text == "a\nb\nc\nd"

    def test_nul_becomes_replacement_character(self):
        text, enc, _ = fm.decode(b"ab\x00cd\nef")
        assert (text, enc) == ("ab\ufffdcd\nef", "utf-8")

    def test_other_line_separators_become_spaces(self):
        text, _, _ = fm.decode("a\u2028b\u2029c\x0bd\x0ce\x85f\x1cg".encode())
        assert text == "a b c d e f g"
        assert text.splitlines() == text.split("\n")

    def test_empty(self):
        assert fm.decode(b"") == ("", "utf-8", [])


# =========================================================================== locate


class TestLocate:
    def test_yaml(self):
        assert fm.locate("---\ntitle: t\ntags: [a]\n---\nbody") == ("yaml", 1, 3, [])

    def test_yaml_delimiters_with_trailing_blanks(self):
        assert fm.locate("---  \ntitle: t\n--- \t\nbody")[:3] == ("yaml", 1, 2)

    def test_yaml_closed_with_dots_is_a_problem(self):
        fmt, start, end, probs = fm.locate("---\ntitle: t\n...\nbody")
        assert (fmt, start, end) == ("yaml", 1, 2)
        assert problems(probs) == [("frontmatter", 3)]
        assert "'...'" in probs[0].message

    def test_toml(self):
        assert fm.locate('+++\ntitle = "t"\n+++\nbody') == ("toml", 1, 2, [])

    def test_toml_is_not_closed_by_yaml_delimiter(self):
        assert fm.locate('+++\ntitle = "t"\n---\nx\n+++\nbody')[:3] == ("toml", 1, 4)

    def test_unclosed_yaml_whole_file_is_body(self):
        fmt, start, end, probs = fm.locate("---\ntitle: t\n\nbody text")
        assert (fmt, start, end) == (None, 0, -1)
        assert problems(probs) == [("frontmatter", 1)]

    def test_unclosed_toml(self):
        fmt, _, end, probs = fm.locate('+++\ntitle = "t"\nbody')
        assert (fmt, end) == (None, -1)
        assert problems(probs) == [("frontmatter", 1)]

    @pytest.mark.parametrize(
        "text", ["", "body", "# Title\n---\nx", " ---\na: 1\n---", "----\na\n----"]
    )
    def test_no_block(self, text):
        assert fm.locate(text) == (None, 0, -1, [])

    def test_empty_block(self):
        assert fm.locate("---\n---\nbody") == ("yaml", 1, 1, [])

    def test_first_close_wins(self):
        assert fm.locate("---\na: 1\n---\nb\n---\nc")[:3] == ("yaml", 1, 2)


# =========================================================================== dates


class TestParseDate:
    @pytest.mark.parametrize(
        "value, expected",
        [
            ("2026-01-17 16:38:30 +0000", datetime(2026, 1, 17, 16, 38, 30, tzinfo=UTC)),
            ("2026-01-17 16:38:30 +00:00", datetime(2026, 1, 17, 16, 38, 30, tzinfo=UTC)),
            ("2026-01-17T16:38:30Z", datetime(2026, 1, 17, 16, 38, 30, tzinfo=UTC)),
            ("2026-01-17 16:38:30 +0900", datetime(2026, 1, 17, 16, 38, 30, tzinfo=JST)),
            ("2026-01-17T16:38:30+09:00", datetime(2026, 1, 17, 16, 38, 30, tzinfo=JST)),
            ("2026-01-17 16:38:30 -0530",
             datetime(2026, 1, 17, 16, 38, 30, tzinfo=timezone(-timedelta(hours=5, minutes=30)))),
            ("2026-01-17 16:38:30 JST", datetime(2026, 1, 17, 16, 38, 30, tzinfo=JST)),
            ("2026-01-17 16:38", datetime(2026, 1, 17, 16, 38, tzinfo=UTC)),
            ("2026-01-17", datetime(2026, 1, 17, tzinfo=UTC)),
            ("2026/01/17", datetime(2026, 1, 17, tzinfo=UTC)),
            ("  2026-01-17  ", datetime(2026, 1, 17, tzinfo=UTC)),
            ("2026-01-17T01:02:03.123456789Z", datetime(2026, 1, 17, 1, 2, 3, 123456, tzinfo=UTC)),
            ("2026-01-17T01:02:03.5Z", datetime(2026, 1, 17, 1, 2, 3, 500000, tzinfo=UTC)),
            ("2019-1-7", datetime(2019, 1, 7, tzinfo=UTC)),
            ("2019-1-7 9:05", datetime(2019, 1, 7, 9, 5, tzinfo=UTC)),
            ("Fri Sep  3 11:21:31 CEST 2021",
             datetime(2021, 9, 3, 11, 21, 31, tzinfo=timezone(timedelta(hours=2)))),
        ],
    )  # fmt: skip
    def test_forms(self, value, expected):
        got = fm.parse_date(value)
        assert got == expected
        assert got.utcoffset() == expected.utcoffset()

    def test_no_zone_uses_default_tz(self):
        got = fm.parse_date("2026-01-17 16:38:30", default_tz=JST)
        assert got == datetime(2026, 1, 17, 16, 38, 30, tzinfo=JST)
        assert got.utcoffset() == timedelta(hours=9)
        assert fm.parse_date("2026-01-17", default_tz=JST).utcoffset() == timedelta(hours=9)
        assert fm.parse_date("Fri Sep  3 11:21:31 2021", default_tz=JST) == datetime(
            2021, 9, 3, 11, 21, 31, tzinfo=JST
        )

    def test_explicit_zone_beats_default(self):
        got = fm.parse_date("2026-01-17 16:38:30 +0000", default_tz=JST)
        assert got.utcoffset() == timedelta(0)

    def test_datetime_objects(self):
        naive = datetime(2026, 1, 17, 16, 38, 30)
        assert fm.parse_date(naive) == naive.replace(tzinfo=UTC)
        assert fm.parse_date(naive, default_tz=JST) == naive.replace(tzinfo=JST)
        aware = datetime(2026, 1, 17, 16, 38, 30, tzinfo=JST)
        assert fm.parse_date(aware, default_tz=UTC) is aware

    def test_date_objects(self):
        assert fm.parse_date(date(2026, 1, 17)) == datetime(2026, 1, 17, tzinfo=UTC)
        assert fm.parse_date(date(2026, 1, 17), default_tz=JST) == datetime(2026, 1, 17, tzinfo=JST)

    @pytest.mark.parametrize(
        "value",
        ["garbage", "", "   ", "yesterday", "2026-13-01", "2026-02-30", "2026-01-17 25:00",
         "2026-01-17 16:38:30 +2500", "2026-01-17 16:38:30 XYZ", "Sep 3", "12:00", "今日",
         None, 20260117, 3.5, True, ["2026-01-17"], {"y": 2026}, "9" * 100],
    )  # fmt: skip
    def test_not_a_date(self, value):
        assert fm.parse_date(value) is None

    def test_never_depends_on_todays_date(self, monkeypatch):
        """dateutil fills missing fields from today unless given a default: the result must not."""
        from dateutil.parser import _parser

        values = ["Fri Sep  3 11:21:31 CEST 2021", "September 2021", "2021", "Sep 3 2021",
                  "3 September 2021 10:00"]  # fmt: skip
        baseline = [fm.parse_date(v) for v in values]
        assert baseline[1] == datetime(2021, 9, 1, tzinfo=UTC)
        assert baseline[2] == datetime(2021, 1, 1, tzinfo=UTC)
        for fixed in (datetime(1999, 12, 31, 23, 59), datetime(2031, 7, 15, 12, 30)):

            class Frozen(dt_module.datetime):
                @classmethod
                def now(cls, tz=None, _today=fixed):
                    return cls(_today.year, _today.month, _today.day, _today.hour, _today.minute)

                @classmethod
                def today(cls):
                    return cls.now()

            fake = types.SimpleNamespace(**{k: getattr(dt_module, k) for k in dir(dt_module)
                                            if not k.startswith("__")})  # fmt: skip
            fake.datetime = Frozen
            monkeypatch.setattr(_parser, "datetime", fake)
            assert _parser.parser().parse("2021").month == fixed.month  # the patch is in effect
            assert [fm.parse_date(v) for v in values] == baseline

    @PROPERTY
    @given(st.text(max_size=40))
    def test_any_text_is_none_or_aware(self, value):
        got = fm.parse_date(value)
        assert got is None or (isinstance(got, datetime) and got.tzinfo is not None)

    @PROPERTY
    @given(
        st.datetimes(
            min_value=datetime(1000, 1, 1),
            max_value=datetime(9999, 12, 30),
            timezones=st.sampled_from([UTC, JST, timezone(timedelta(hours=-7))]),
        )
    )
    def test_iso_round_trip(self, when):
        assert fm.parse_date(when.isoformat()) == when
        assert fm.parse_date(when.strftime("%Y-%m-%d %H:%M:%S.%f %z")) == when


class TestFilenames:
    @pytest.mark.parametrize(
        "name, expected",
        [
            ("2026-01-17-amazon-ai-chip.md", datetime(2026, 1, 17, tzinfo=UTC)),
            ("posts/sub/2026-3-5-filename-date.markdown", datetime(2026, 3, 5, tzinfo=UTC)),
            ("2026-01-17.md", datetime(2026, 1, 17, tzinfo=UTC)),
            ("2026-02-30-not-a-day.md", None),
            ("2026-13-01-x.md", None),
            ("amazon.md", None),
            ("2026-01-x/foo.md", None),
            ("", None),
        ],
    )
    def test_filename_date(self, name, expected):
        assert fm.filename_date(name) == expected

    def test_filename_date_default_tz(self):
        assert fm.filename_date("2026-01-17-x.md", JST) == datetime(2026, 1, 17, tzinfo=JST)

    @pytest.mark.parametrize(
        "name, expected",
        [
            ("2026-01-17-hello-world.md", "hello world"),
            ("posts/2026-01-17-amazon_ai_chip.markdown", "amazon ai chip"),
            ("日本語-タイトル.MD", "日本語 タイトル"),
            ("2026-01-17.md", "2026 01 17"),
            ("notes.txt", "notes"),
            ("a--b__c.md", "a b c"),
            ("readme", "readme"),
            (".md", "untitled"),
            ("", "untitled"),
        ],
    )
    def test_title_from_filename(self, name, expected):
        assert fm.title_from_filename(name) == expected


class TestReadingMinutes:
    def test_japanese_without_spaces(self):
        assert fm.reading_minutes("あ" * 5000) == 10
        assert fm.reading_minutes("漢字とカタカナ" * 1000) == 14  # 7000 characters

    def test_english(self):
        assert fm.reading_minutes(" ".join(["word"] * 400)) == 2
        assert fm.reading_minutes(" ".join(["don't", "U.S.", "e-mail", "3.5"] * 100)) == 2

    def test_mixed_and_minimum(self):
        assert fm.reading_minutes("") == 1
        assert fm.reading_minutes("。、！") == 1
        assert fm.reading_minutes("あ" * 500 + " word" * 200) == 2
        assert fm.reading_minutes("あ" * 501) == 2

    def test_half_width_katakana_counts(self):
        assert fm.reading_minutes("ｶ" * 1000) == 2

    def test_sample_post(self):
        post = fm.parse_post(SAMPLE.read_bytes())
        # 6,934 CJK characters (~14 min) and ~300 Latin words; the front matter's 8 is kept
        assert fm.reading_minutes(post.body) == 16
        assert post.reading_time == 8


# =========================================================================== parse_post


@pytest.fixture(scope="module")
def sample_post() -> fm.Post:
    return fm.parse_post(SAMPLE.read_bytes(), SAMPLE.name)


class TestSamplePost:
    @pytest.fixture
    def post(self, sample_post):
        return sample_post

    def test_fields(self, post):
        assert post.title == "「Amazonの可能性とは？"
        assert post.date == datetime(2026, 1, 17, 16, 38, 30, tzinfo=UTC)
        assert post.date.isoformat() == "2026-01-17T16:38:30+00:00"
        assert post.date_from_filename is False
        assert post.tags == SAMPLE_TAGS
        assert post.categories == ("投資分析",)
        assert post.authors == ("ALLFORCES編集部",)
        assert post.excerpt == (
            "Amazon、AWS向けAIチップ2.5倍高速化について詳細に分析します。"
        )
        assert post.reading_time == 8
        assert post.layout == "post"
        assert post.draft is False
        assert post.extra == {}

    def test_block_and_body(self, post):
        assert post.format == "yaml"
        assert post.fm_lines == 10
        assert post.encoding == "utf-8"
        assert post.problems == []
        assert post.body.startswith("\n「Amazon、AWS向けAIチップ2.5倍高速化」")
        assert post.text == SAMPLE.read_text(encoding="utf-8")
        assert post.text.endswith(post.body)

    def test_same_post_as_crlf_bom_utf16(self, post):
        source = SAMPLE.read_text(encoding="utf-8")
        for data in (codecs.BOM_UTF8 + source.replace("\n", "\r\n").encode(),
                     source.encode("utf-16")):  # fmt: skip
            other = fm.parse_post(data, SAMPLE.name)
            assert (other.title, other.date, other.tags, other.fm_lines, other.body) == (
                post.title, post.date, post.tags, post.fm_lines, post.body)  # fmt: skip
            assert {p.subtype for p in other.problems} == {W.ENCODING}


class TestFieldForms:
    def test_tags_as_list_deduplicated(self):
        post = parse("---\ntitle: t\ntags: [a, b, a, ' b ']\n---\nbody")
        assert post.tags == ("a", "b")
        assert post.problems == []

    def test_tags_as_space_separated_string(self):
        assert parse("---\ntags: jekyll  ruby\tblog\n---\n").tags == ("jekyll", "ruby", "blog")

    def test_tags_comma_string(self):
        assert parse("---\ntags: AI, 機械 学習 ,x\n---\n").tags == ("AI", "機械 学習", "x")

    def test_tag_singular_merged_with_tags(self):
        post = parse("---\ntag: solo\ntags: [x, solo, y]\n---\n")
        assert post.tags == ("x", "solo", "y")
        assert parse("---\ntag: only\n---\n").tags == ("only",)

    def test_tags_dict_entries_with_name(self):
        assert parse("---\ntags:\n  - name: a\n  - b\n---\n").tags == ("a", "b")

    def test_categories(self):
        assert parse("---\ncategories: news, x\n---\n").categories == ("news", "x")
        got = parse("---\ncategories: [投資分析, 技術]\n---\n").categories
        assert got == ("投資分析", "技術")
        assert parse("---\ncategory: news\n---\n").categories == ("news",)
        assert parse("---\ncategories: [a]\ncategory: b\n---\n").categories == ("a", "b")

    def test_author_string_is_not_split(self):
        assert parse("---\nauthor: Foo Bar\n---\n").authors == ("Foo Bar",)
        got = parse("---\nauthor: 山田 太郎, 鈴木\n---\n").authors
        assert got == ("山田 太郎, 鈴木",)

    def test_author_list_and_authors(self):
        assert parse("---\nauthor: [A, B]\n---\n").authors == ("A", "B")
        assert parse("---\nauthors: [A, B]\n---\n").authors == ("A", "B")
        assert parse("---\nauthors: [A, B]\nauthor: C\n---\n").authors == ("C", "A", "B")
        assert parse("---\nauthor: {name: 編集部, url: x}\n---\n").authors == ("編集部",)

    @pytest.mark.parametrize(
        "block, draft",
        [
            ("published: false", True),
            ("published: true", False),
            ("published: no", True),
            ("draft: true", True),
            ("draft: false", False),
            ("draft: 'yes'", True),
            ("published: true\ndraft: true", True),
            ("title: t", False),
        ],
    )
    def test_drafts(self, block, draft):
        post = parse(f"---\n{block}\n---\n")
        assert post.draft is draft
        assert post.problems == []

    def test_bad_draft_flag(self):
        post = parse("---\ntitle: t\ndraft: maybe\n---\n")
        assert post.draft is False
        assert problems(post) == [("field", 3)]

    def test_tagged_title(self):
        assert parse("---\ntitle: ! 'x: y'\n---\n").title == "x: y"

    def test_title_cleaned(self):
        assert parse('---\ntitle: "  a\\tb\\n c  "\n---\n').title == "a b c"
        assert parse("---\ntitle: ''\n---\n").title is None

    def test_extra_keeps_written_text(self):
        post = parse("---\nversion: 3.0\ntranslator:\ncount: 5\nflag: true\nlist: [1, a]\n---\n")
        assert post.extra["version"] == "3.0"
        assert post.extra["translator"] == ""
        assert post.extra["count"] == "5"
        assert post.extra["flag"] == "True"
        assert post.extra["list"] == "[1, 'a']"
        assert all(isinstance(v, str) for v in post.extra.values())
        assert post.problems == []

    def test_known_keys_not_in_extra(self):
        post = parse("---\ntitle: t\npermalink: /x/\nlang: ja\nslug: s\ndescription: d\n---\n")
        assert (post.permalink, post.lang, post.slug, post.description) == ("/x/", "ja", "s", "d")
        assert post.extra == {}

    def test_redirect_from(self):
        assert parse("---\nredirect_from: [/a/, /b c/]\n---\n").redirect_from == ("/a/", "/b c/")
        assert parse("---\nredirect_from: /a b/\n---\n").redirect_from == ("/a b/",)

    @pytest.mark.parametrize("value, minutes", [("8", 8), ("8分", 8), ("'8 min'", 8), ("7.6", 8)])
    def test_reading_time_forms(self, value, minutes):
        post = parse(f"---\nreading_time: {value}\n---\n")
        assert post.reading_time == minutes
        assert post.problems == []

    @pytest.mark.parametrize("value", ["abc", "true", "-3", "[1]", ".nan", "1.0e+400"])
    def test_bad_reading_time(self, value):
        post = parse(f"---\ntitle: t\nreading_time: {value}\n---\n")
        assert post.reading_time is None
        assert problems(post) == [("field", 3)]

    def test_dates_from_yaml(self):
        assert parse("---\ndate: 2026-01-17\n---\n").date == datetime(2026, 1, 17, tzinfo=UTC)
        assert parse("---\ndate: 2026-01-17 16:38:30 +09:00\n---\n").date == datetime(
            2026, 1, 17, 16, 38, 30, tzinfo=JST
        )
        assert parse("---\ndate: 2026-01-17T01:02:03.123456789Z\n---\n").date == datetime(
            2026, 1, 17, 1, 2, 3, 123456, tzinfo=UTC
        )
        post = fm.parse_post(b"---\ndate: 2026-01-17 16:38:30\n---\n", "", JST)
        assert post.date == datetime(2026, 1, 17, 16, 38, 30, tzinfo=JST)

    def test_date_from_filename(self):
        post = parse("---\ntitle: t\n---\n", "2026-3-5-x.md")
        assert post.date == datetime(2026, 3, 5, tzinfo=UTC)
        assert post.date_from_filename is True
        assert post.problems == []

    def test_date_in_front_matter_beats_filename(self):
        post = parse("---\ndate: 2020-01-01\n---\n", "2026-3-5-x.md")
        assert post.date.year == 2020 and post.date_from_filename is False

    def test_no_date_at_all(self):
        post = parse("---\ntitle: t\n---\n", "notes.md")
        assert post.date is None
        assert problems(post) == [("date", 2)]
        assert parse("---\ntitle: t\n---\n").problems == []  # no file name: nothing to say

    def test_bad_date_falls_back_to_filename(self):
        post = parse("---\ntitle: t\ndate: nope\n---\n", "2026-01-02-x.md")
        assert post.date == datetime(2026, 1, 2, tzinfo=UTC)
        assert post.date_from_filename is True
        assert problems(post) == [("date", 3)]

    def test_toml(self):
        post = parse(
            '+++\ntitle = "TOML の記事"\ndate = 2026-01-17T16:38:30+09:00\n'
            'tags = ["a", 1, 2.5, true]\ncategories = ["x"]\nversion = 3.0\n+++\n本文\n'
        )
        assert post.format == "toml"
        assert post.fm_lines == 7
        assert post.title == "TOML の記事"
        assert post.date == datetime(2026, 1, 17, 16, 38, 30, tzinfo=JST)
        assert post.tags == ("a", "1", "2.5", "true")
        assert post.categories == ("x",)
        assert post.extra == {"version": "3.0"}
        assert post.body == "本文\n"
        assert problems(post) == [("field", 4)] * 3

    def test_toml_local_date(self):
        assert parse("+++\ndate = 2026-01-17\n+++\n").date == datetime(2026, 1, 17, tzinfo=UTC)

    def test_empty_front_matter(self):
        post = parse("---\n---\nbody")
        assert (post.format, post.fm_lines, post.body, post.problems) == ("yaml", 2, "body", [])

    def test_dots_close(self):
        post = parse("---\ntitle: t\n...\nbody\n")
        assert post.title == "t"
        assert post.body == "body\n"
        assert problems(post) == [("frontmatter", 3)]

    def test_no_front_matter(self):
        post = parse("# 見出し\n\n本文\n", "2026-01-17-x.md")
        assert post.format is None and post.fm_lines == 0
        assert post.body == post.text == "# 見出し\n\n本文\n"
        assert post.date == datetime(2026, 1, 17, tzinfo=UTC)
        assert problems(post) == [("frontmatter", 1)]

    def test_unclosed_front_matter_keeps_everything(self):
        post = parse("---\ntitle: t\n\n本文\n---- not a close\n")
        assert post.format is None and post.title is None
        assert post.body == "---\ntitle: t\n\n本文\n---- not a close\n"
        assert problems(post) == [("frontmatter", 1)]

    def test_thematic_break_in_body_is_kept(self):
        post = parse("---\ntitle: t\n---\nbefore\n\n---\n\nafter\n")
        assert post.body == "before\n\n---\n\nafter\n"

    def test_empty_file(self):
        post = parse("")
        assert problems(post) == [("frontmatter", 1)]
        assert post.body == ""

    def test_crlf_body_and_lines(self):
        post = fm.parse_post(b"---\r\ntitle: t\r\ntags: [1]\r\n---\r\nbody\r\n")
        assert post.body == "body\n"
        assert problems(post) == [("encoding", 1), ("field", 3)]


class TestProblems:
    def test_invalid_yaml_line(self):
        post = parse("---\ntitle: ok\nfoo: : :\n  bar\n---\nbody\n")
        assert problems(post) == [("frontmatter", 3)]
        assert post.problems[0].message.startswith("invalid YAML front matter")
        assert post.title is None
        assert post.body == "body\n"

    def test_unclosed_flow_sequence(self):
        post = parse("---\ntitle: t\ntags: [a, b\nlayout: post\n---\nbody")
        assert [p[0] for p in problems(post)] == ["frontmatter"]
        assert 3 <= post.problems[0].line <= 5
        assert post.body == "body"

    def test_bad_indentation_line(self):
        post = parse("---\ntitle: t\ntags:\n  - a\n - b\n---\n")
        assert problems(post) == [("frontmatter", 5)]

    def test_invalid_toml_line(self):
        post = parse('+++\ntitle = "t"\ntags = \nlayout = "post"\n+++\nbody')
        assert problems(post) == [("frontmatter", 3)]
        assert "TOML" in post.problems[0].message
        assert post.body == "body"
    @pytest.mark.parametrize("block", ['title = "t"\ntags = ', "a = 1\na = 2"])
    def test_invalid_toml_at_end_of_block_line(self, block):
        post = parse(f"+++\n{block}\n+++\nbody")
        assert problems(post) == [("frontmatter", 3)]

    def test_yaml_python_tag_refused(self):
        post = parse("---\ntitle: !!python/object/apply:os.system ['true']\n---\n")
        assert problems(post) == [("frontmatter", 2)]

    def test_list_front_matter(self):
        post = parse("---\n- a\n- b\n---\nbody")
        assert problems(post) == [("frontmatter", 2)]
        assert "list" in post.problems[0].message
        assert post.body == "body"

    @pytest.mark.parametrize("scalar", ["just a string", "42", "true"])
    def test_scalar_front_matter(self, scalar):
        post = parse(f"---\n{scalar}\n---\nbody")
        assert problems(post) == [("frontmatter", 2)]
        assert post.title is None

    def test_numbers_in_tags(self):
        post = parse("---\ntitle: t\ntags: [1, 2.5, a]\n---\n")
        assert post.tags == ("1", "2.5", "a")
        assert problems(post) == [("field", 3), ("field", 3)]

    def test_null_in_tags(self):
        post = parse("---\ntitle: t\ntags: [null, a, ~]\n---\n")
        assert post.tags == ("a",)
        assert problems(post) == [("field", 3), ("field", 3)]

    def test_null_tags(self):
        post = parse("---\ntitle: t\ntags:\n---\n")
        assert post.tags == () and post.problems == []

    def test_nested_map_in_tags(self):
        post = parse("---\ntitle: t\nlayout: post\ntags:\n  - {x: 1}\n  - [y]\n  - b\n---\n")
        assert post.tags == ("b",)
        assert problems(post) == [("field", 4), ("field", 4)]

    def test_tags_as_a_map(self):
        post = parse("---\ntitle: t\ntags: {x: 1}\n---\n")
        assert post.tags == ()
        assert problems(post) == [("field", 3)]

    def test_title_of_wrong_type(self):
        post = parse("---\nlayout: post\ntitle: 123\n---\n")
        assert post.title == "123"
        assert problems(post) == [("field", 3)]
        post = parse("---\nlayout: post\ntitle: [a, b]\n---\n")
        assert post.title is None
        assert problems(post) == [("field", 3)]

    def test_quoted_key_line(self):
        post = parse('---\nlayout: post\n"tags": [1]\n---\n')
        assert problems(post) == [("field", 3)]

    def test_bom_crlf_and_bad_field_all_reported(self):
        data = codecs.BOM_UTF8 + b"---\r\ntitle: t\r\ntags: [1]\r\n---\r\nbody"
        assert problems(fm.parse_post(data)) == [("encoding", 1), ("encoding", 1), ("field", 3)]

    def test_recursive_alias(self):
        post = parse("---\ntitle: t\ntags: &t [a, *t]\nself: &s [*s]\n---\n")
        assert post.tags == ("a",)
        assert post.extra["self"].startswith("[[") and len(post.extra["self"]) <= 200
    def test_alias_bomb_is_cheap(self):
        lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
        for i in range(1, 7):
            lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]")
        source = "---\n" + "\n".join(lines) + "\n---\nbody"
        started = time.perf_counter()
        post = parse(source)
        elapsed = time.perf_counter() - started
        assert len(post.extra["l6"]) <= 200
        assert elapsed < 0.25


# =========================================================================== properties

# Texts that look like front matter: delimiter lines and YAML/TOML fragments.
_FRAGMENTS = st.sampled_from(
    ["---", "+++", "...", "\n", "\r\n", "\r", " ", ":", "- ", "[", "]", "{", "}", ",", "'", '"',
     "=", "#", "&a ", "*a", "? ", "|", ">", "!!", "!!python/object", "title", "tags", "tag",
     "date", "2026-01-17", "reading_time", "draft", "published", "author", "categories",
     "true", "null", "1.0", "\x00", "\ufeff", "\u2028", "\x85", "日本", "ｶ", "\t"]
)  # fmt: skip
_TEXTY = st.one_of(
    st.text(),
    st.lists(_FRAGMENTS, max_size=40).map("".join),
    st.tuples(st.sampled_from(["---\n", "+++\n", "---\r\n"]),
              st.lists(_FRAGMENTS, max_size=30).map("".join),
              st.sampled_from(["\n---\n", "\n+++\n", "\n...\n", "\n"]), st.text()).map("".join),
)  # fmt: skip


class TestProperties:
    @PROPERTY
    @given(st.one_of(st.binary(max_size=400), _TEXTY.map(lambda s: s.encode("utf-8"))),
           st.sampled_from(["", "x.md", "2026-01-17-x.md", "2026-02-30-x.md"]))  # fmt: skip
    def test_never_raises(self, data, filename):
        post = fm.parse_post(data, filename)
        assert isinstance(post, fm.Post)
        for problem in post.problems:
            assert isinstance(problem.subtype, W)
            assert isinstance(problem.line, int) and problem.line >= 0
            assert problem.message
            # the last-resort handler is for bugs: it must never be needed
            assert "could not be read" not in problem.message
        assert post.text.endswith(post.body)
        assert "\x00" not in post.text and "\r" not in post.text
        assert all(isinstance(v, str) for v in post.extra.values())
        assert all(isinstance(t, str) and t for t in post.tags)

    @PROPERTY
    @given(_TEXTY)
    def test_no_content_lost(self, text):
        data = text.encode("utf-8")
        assume(not looks_utf16(data))  # ambiguous with BOM-less UTF-16: see test_decode
        post = fm.parse_post(data)
        assert post.text == normalise(text, boms=2)
        assert post.text.endswith(post.body)
        if post.fm_lines == 0:
            assert post.body == post.text
        else:
            lines = post.text.split("\n")
            assert post.body == "\n".join(lines[post.fm_lines :])

    @PROPERTY
    @given(
        st.lists(
            st.text(st.characters(exclude_characters="\r\n\x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029",
                                  exclude_categories=("Cs",)),
                    max_size=20).filter(lambda line: line.strip(" \t") not in {"---", "..."}),
            max_size=6,
        ),
        st.text(),
    )  # fmt: skip
    def test_body_after_a_block_is_kept_exactly(self, block_lines, body):
        text = "---\n" + "".join(line + "\n" for line in block_lines) + "---\n" + body
        data = text.encode("utf-8")
        assume(not looks_utf16(data))
        post = fm.parse_post(data)
        assert post.format == "yaml"
        assert post.fm_lines == len(block_lines) + 2
        assert post.body == normalise(body, boms=0)

    @PROPERTY
    @given(
        st.dictionaries(
            st.one_of(st.sampled_from(["title", "tags", "tag"]),
                      st.from_regex(r"x_[a-z0-9]{1,8}", fullmatch=True)),
            st.one_of(st.text(max_size=30), st.integers(), st.none(),
                      st.lists(st.text(max_size=15), max_size=5)),
            max_size=6,
        ),
        st.text(max_size=50),
    )  # fmt: skip
    def test_yaml_round_trip_of_title_and_tags(self, mapping, body):
        dumped = yaml.safe_dump(mapping, allow_unicode=True)
        post = fm.parse_post(f"---\n{dumped}---\n{body}".encode())

        def expected_title():
            value = mapping.get("title")
            if isinstance(value, int):
                return str(value)
            if isinstance(value, str):
                return clean(value) or None
            return None

        def expected_tags():
            names: list[str] = []
            for key in ("tags", "tag"):
                value = mapping.get(key)
                if isinstance(value, str):
                    names.extend(value.split(",") if "," in value else value.split())
                elif isinstance(value, int):
                    names.append(str(value))
                elif isinstance(value, list):
                    names.extend(value)
            out: list[str] = []
            for name in map(clean, names):
                if name and name not in out:
                    out.append(name)
            return tuple(out)

        assert post.format == "yaml"
        assert [p for p in post.problems if p.subtype is W.FRONTMATTER] == []
        assert post.title == expected_title()
        assert post.tags == expected_tags()
        assert post.body == normalise(body, boms=0)
        for key, value in mapping.items():
            if key.startswith("x_"):
                assert key in post.extra
                if isinstance(value, str):
                    assert post.extra[key] == clean(value)[:500]

    @PROPERTY
    @given(st.text(), st.sampled_from(["utf-16", "utf-16-le", "utf-16-be"]))
    def test_utf16_round_trip(self, text, codec):
        bom = {"utf-16": b"", "utf-16-le": codecs.BOM_UTF16_LE,
               "utf-16-be": codecs.BOM_UTF16_BE}[codec]  # fmt: skip
        decoded, enc, _ = fm.decode(bom + text.encode(codec))
        assert enc == "utf-16"
        assert decoded == normalise(text, boms=1)

    @PROPERTY
    @given(
        st.text(st.characters(min_codepoint=1, max_codepoint=0xFF), min_size=2),
        st.sampled_from(["utf-16-le", "utf-16-be"]),
    )
    def test_utf16_without_bom_round_trip_latin(self, text, codec):
        decoded, enc, _ = fm.decode(text.encode(codec))
        assert enc == codec
        assert decoded == normalise(text, boms=1)

    @PROPERTY
    @given(
        st.text(
            st.one_of(
                # printable ASCII and line breaks: a CP932 file with other control characters
                # is indistinguishable from UTF-16 read as CP932, and is not trusted as CP932
                st.characters(min_codepoint=0x20, max_codepoint=0x7E),
                st.sampled_from("\n\t\r"),
                st.characters(min_codepoint=0x3040, max_codepoint=0x30FF),
                st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
                st.characters(min_codepoint=0xFF61, max_codepoint=0xFF9F),
                st.sampled_from("、。「」『』・ー〜！？（）①Ⅱ㈱―＼￥"),
            )
        )
    )
    def test_cp932_round_trip(self, text):
        try:
            data = text.encode("cp932")
        except UnicodeEncodeError:
            assume(False)
        assume(data.decode("cp932") == text)  # a few characters share a CP932 code
        assume(not looks_utf16(data))
        try:
            as_utf8 = data.decode("utf-8")
        except UnicodeDecodeError as err:
            as_utf8 = None
            # Valid multi-byte UTF-8 cut off inside its last character reads as damaged UTF-8
            # (fm.decode's documented rule); a few short CP932 strings look exactly like that.
            assume(not (err.reason == "unexpected end of data" and max(data[: err.start], default=0) >= 0x80))
        # Bytes that are also valid UTF-8 (ASCII, some half-width katakana pairs) read as UTF-8.
        assume(as_utf8 is None or as_utf8 == text)
        decoded, enc, _ = fm.decode(data)
        assert decoded == normalise(text, boms=1)
        assert enc == ("utf-8" if as_utf8 is not None else "cp932")
