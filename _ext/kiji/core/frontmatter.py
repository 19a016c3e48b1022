"""Front matter: the bytes of a post file in, a typed :class:`Post` record and its problems out.

Pure Python (no Sphinx import) so it can be unit-tested, fuzzed and benchmarked alone. The one
promise of :func:`parse_post` is that it never raises: whatever the bytes, it returns a record whose
``body`` keeps every character of the file that is not front matter, and a list of
:class:`Problem` objects (subtype, message, 1-based line) for the Sphinx layer to log.

Parsing goes through python-frontmatter's handlers (YAML and TOML), but the block is located here,
line by line: the library's split regex misses a ``...`` closing line and would take the first
``---`` thematic break of the body as the end of an unclosed block.
"""

from __future__ import annotations

import codecs
import math
import re
import reprlib
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import PurePath
from typing import Any

import frontmatter.default_handlers as fm_handlers
import yaml

from .warnings_ import W


class TomlHandler(fm_handlers.BaseHandler):
    """python-frontmatter's handler interface for ``+++`` TOML, parsed by the standard tomllib.

    The library's own TOMLHandler needs the unmaintained ``toml`` package, which only knows
    TOML 0.5 (it rejects ``tags = ["a", 1]``, valid TOML 1.0).
    """

    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> Any:
        return tomllib.loads(fm)


class _DatesAsText(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader without implicit timestamps: dates stay text for :func:`parse_date`.

    Otherwise an impossible date (``2019-02-30``) makes PyYAML reject the whole block, and the
    title and tags are lost with it; as text it is one ``kiji.date`` warning.
    """


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

YAML_HANDLER = fm_handlers.YAMLHandler()
TOML_HANDLER = TomlHandler()

# Keys the record understands; anything else is kept in ``extra``.
KNOWN_KEYS = frozenset(
    {
        "title", "date", "tags", "tag", "categories", "category", "author", "authors",
        "excerpt", "reading_time", "published", "draft", "layout", "permalink",
        "redirect_from", "lang", "description", "slug", "last_modified_at", "modified",
    }
)  # fmt: skip

# Reading speed used when reading_time is not given: Japanese is read by characters, not words.
CJK_CHARS_PER_MINUTE = 500
WORDS_PER_MINUTE = 200


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a post; ``line`` is 1-based in the source file (0: no line)."""

    subtype: W
    message: str
    line: int = 0
    # The ``make lint`` check of something the build fixes without loss (CRLF line endings, a
    # byte order mark): the page renders as the author meant, so the build does not warn.
    lint_only: str = ""


@dataclass
class Post:
    """What a post file says about itself, typed and normalised."""

    title: str | None = None
    date: datetime | None = None
    date_from_filename: bool = False
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    excerpt: str | None = None
    description: str | None = None
    reading_time: int | None = None
    draft: bool = False
    layout: str | None = None
    permalink: str | None = None
    redirect_from: tuple[str, ...] = ()
    lang: str | None = None
    slug: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # The mapping as YAML/TOML gave it (Jekyll's ``page`` for Liquid). Never stored in the
    # environment: the build hands it from source-read to the Liquid step of the same read.
    data: dict[str, Any] = field(default_factory=dict)
    format: str | None = None  # "yaml", "toml" or None (no front matter)
    fm_lines: int = 0  # lines taken by the front matter block, delimiters included
    text: str = ""  # the whole decoded file, newlines normalised
    encoding: str = "utf-8"
    problems: list[Problem] = field(default_factory=list)

    @property
    def body(self) -> str:
        """The text after the front matter block."""
        if not self.fm_lines:
            return self.text
        return "".join(self.text.splitlines(keepends=True)[self.fm_lines :])

    def warn(self, subtype: W, message: str, line: int = 0) -> None:
        self.problems.append(Problem(subtype, message, line))


# --------------------------------------------------------------------------- decoding


def decode(data: bytes) -> tuple[str, str, list[Problem]]:
    """Decode a post file: UTF-8 (with or without BOM), UTF-16, CP932; never fails.

    Returns the text with newlines normalised to ``\\n``, the encoding used, and problems.
    """
    problems: list[Problem] = []
    text: str | None = None
    encoding = "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        problems.append(Problem(W.ENCODING, "UTF-8 byte order mark removed", 1, "byte-order-mark"))
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif len(data) >= 4 and data.count(0) * 3 >= len(data):
        # Many NUL bytes and no BOM: UTF-16 without a BOM; the NULs tell the byte order.
        encoding = "utf-16-le" if data[1::2].count(0) > data[0::2].count(0) else "utf-16-be"
    if encoding != "utf-8":
        try:
            text = data.decode(encoding)
            problems.append(Problem(W.ENCODING, f"file is {encoding.upper()}, not UTF-8", 1))
        except UnicodeDecodeError:
            encoding = "utf-8"
    if text is None:
        text, encoding, problem = _decode_without_bom(data)
        if problem is not None:
            problems.append(problem)
    if "\r" in text:
        if "\r\n" in text:
            problems.append(Problem(W.ENCODING, "CRLF line endings converted to LF", 1, "line-endings"))
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        # docutils and markdown-it both choke on or drop NUL; the CommonMark rule is U+FFFD.
        text = text.replace("\x00", "\ufffd")
    if text.startswith("\ufeff"):  # a second BOM, or one inside UTF-16
        text = text[1:]
    # Other line separators would make the line count of Python and of the parser differ.
    text = text.replace("\u2028", " ").replace("\u2029", " ").replace("\x0b", " ").replace(
        "\x0c", " "
    ).replace("\x1c", " ").replace("\x1d", " ").replace("\x1e", " ").replace("\x85", " ")
    return text, encoding, problems


def _line_at(data: bytes, offset: int) -> int:
    """1-based line of a byte offset, counting CRLF, CR and LF endings."""
    return len(re.findall(rb"\r\n|\r|\n", data[:offset])) + 1


def _plausible(text: str) -> float:
    """Share of characters that ordinary text is made of (used to recognise BOM-less UTF-16)."""
    if not text:
        return 0.0
    good = sum(1 for c in text if c in "\n\r\t" or " " <= c <= "~" or _is_cjk(c) or "\u3000" <= c <= "\u303f" or "\uff01" <= c <= "\uff5e")
    return good / len(text)


def _decode_without_bom(data: bytes) -> tuple[str, str, Problem | None]:
    """UTF-8, else BOM-less UTF-16, else CP932, else UTF-8 with U+FFFD; never fails."""
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError as err:
        first_error = err.start
        # Cut off inside the last character, after valid multi-byte UTF-8: damaged UTF-8.
        truncated = err.reason == "unexpected end of data" and max(data[: err.start], default=0) >= 0x80
    lenient = data.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd")
    replaced = Problem(W.ENCODING, "bytes that are not UTF-8 were replaced with U+FFFD", _line_at(data, first_error))
    # A cut-off last character, or a few bad bytes in a long UTF-8 text, are damage, not another
    # encoding: decoding as CP932 would turn the whole file into mojibake.
    if truncated or bad * 50 < len(lenient):
        return lenient, "utf-8", replaced
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        text = None
    # Clean CP932 has no private-use characters (bytes CP932 accepts but no Japanese text has)
    # and no control characters (UTF-16 read as CP932 is full of NULs).
    if text is not None and not any(
        "\ue000" <= c <= "\uf8ff" or (c < " " and c not in "\t\n\r") for c in text
    ):
        return text, "cp932", Problem(W.ENCODING, "file is Shift_JIS (CP932), not UTF-8; decoded", 1)
    if len(data) % 2 == 0:
        enc, guess = max(
            ((enc, data.decode(enc, errors="replace")) for enc in ("utf-16-le", "utf-16-be")),
            key=lambda pair: _plausible(pair[1]),
        )
        if "\n" in guess and _plausible(guess) > 0.95:
            return guess, enc, Problem(W.ENCODING, f"file is {enc.upper()} without a byte order mark, not UTF-8", 1)
    return lenient, "utf-8", replaced


# --------------------------------------------------------------------------- the block

_YAML_OPEN = re.compile(r"---[ \t]*")
_YAML_CLOSE = re.compile(r"(---|\.\.\.)[ \t]*")
_TOML_FENCE = re.compile(r"\+\+\+[ \t]*")


def locate(text: str) -> tuple[str | None, int, int, list[Problem]]:
    """Find the front matter block: (format, first content line index, end line index, problems).

    ``end`` is the 0-based index of the closing delimiter line; (None, 0, -1) when there is no
    block or it is never closed (then the whole file is body, nothing lost).
    """
    lines = text.split("\n")
    if not lines:
        return None, 0, -1, []
    first = lines[0]
    if _YAML_OPEN.fullmatch(first):
        fmt, close = "yaml", _YAML_CLOSE
    elif _TOML_FENCE.fullmatch(first):
        fmt, close = "toml", _TOML_FENCE
    else:
        return None, 0, -1, []
    for i in range(1, len(lines)):
        m = close.fullmatch(lines[i])
        if m:
            problems = []
            if fmt == "yaml" and m.group(1) == "...":
                problems.append(
                    Problem(W.FRONTMATTER, "front matter closed with '...'; use '---'", i + 1)
                )
            return fmt, 1, i, problems
    return (
        None,
        0,
        -1,
        [
            Problem(
                W.FRONTMATTER,
                "front matter opened on line 1 is never closed; the whole file is shown as text",
                1,
            )
        ],
    )


def _load(fmt: str, source: str, first_line: int) -> tuple[Any, Problem | None]:
    """Parse the block with python-frontmatter's handler; errors become a located Problem."""
    try:
        if fmt == "yaml":
            return YAML_HANDLER.load(source, Loader=_DatesAsText), None
        return TOML_HANDLER.load(source), None
    except Exception as err:  # noqa: BLE001 - any parser failure is a problem, not a crash
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        line = first_line + (mark.line if mark is not None else 0)
        toml_at = re.search(r"at line (\d+)", str(err)) if mark is None else None
        if toml_at:
            line = first_line + int(toml_at.group(1)) - 1
        elif mark is None and "end of document" in str(err):
            line = first_line + max(source.count("\n"), 0)
        reason = str(getattr(err, "problem", None) or err).splitlines()[0][:200]
        return None, Problem(W.FRONTMATTER, f"invalid {fmt.upper()} front matter: {reason}", line)


# --------------------------------------------------------------------------- values


def clean_text(value: str) -> str:
    """One line of text: control characters and runs of white space become single spaces."""
    value = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in value)
    return " ".join(value.split())


def _scalar_text(value: Any) -> str | None:
    """Text of a scalar (str, number, bool, date); None for null and containers."""
    if value is None or isinstance(value, (list, dict, tuple, set)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        # `version: 3.0` is text "3.0" to its author; keep the written form where we can.
        return repr(value)
    return clean_text(str(value))


_REPR = reprlib.Repr()  # keyword arguments only arrived in Python 3.12
_REPR.maxlevel, _REPR.maxlist, _REPR.maxtuple, _REPR.maxdict, _REPR.maxset = 3, 8, 8, 8, 8
_REPR.maxstring = _REPR.maxother = 80


def _short(value: Any, limit: int = 60) -> str:
    # reprlib bounds the work: YAML aliases can expand a 400-byte block into billions of items.
    try:
        text = _REPR.repr(value)
    except Exception:  # noqa: BLE001 - a pathological object still gets a message
        text = object.__repr__(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_TZ_NAMES: dict[str, int] = {
    "UTC": 0, "GMT": 0, "Z": 0, "UT": 0, "JST": 9 * 60, "KST": 9 * 60, "CST": -6 * 60,
    "CDT": -5 * 60, "EST": -5 * 60, "EDT": -4 * 60, "MST": -7 * 60, "MDT": -6 * 60,
    "PST": -8 * 60, "PDT": -7 * 60, "CET": 60, "CEST": 120, "BST": 60, "EET": 120,
    "EEST": 180, "WET": 0, "WEST": 60, "IST": 330, "AEST": 600, "AEDT": 660, "HKT": 480,
    "SGT": 480,
}  # fmt: skip

_ISO = re.compile(
    r"(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})"
    r"(?:(?:[ \t]+|T)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d+))?)?)?"
    r"[ \t]*(?P<z>Z|UTC|GMT|[+-]\d{2}:?\d{2}|[+-]\d{2}|[A-Z]{2,5})?",
    re.IGNORECASE,
)


def _offset(zone: str | None) -> tzinfo | None:
    if not zone:
        return None
    up = zone.upper()
    if up in _TZ_NAMES:
        return timezone(timedelta(minutes=_TZ_NAMES[up]))
    m = re.fullmatch(r"([+-])(\d{2}):?(\d{2})?", zone)
    if not m:
        return None
    minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
    if minutes >= 24 * 60:
        return None
    return timezone(timedelta(minutes=-minutes if m.group(1) == "-" else minutes))


def parse_date(value: Any, default_tz: tzinfo = timezone.utc) -> datetime | None:
    """A front matter date as an aware datetime, or None if it is not a date.

    Accepts what Jekyll accepts: ``2026-01-17 16:38:30 +0000`` (PyYAML leaves it a string),
    ``+00:00``, ``Z``, no zone (``default_tz``), a date alone, nanoseconds, ``T`` separators,
    single-digit months and days, and ``Fri Sep  3 11:21:31 CEST 2021``.
    """
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=default_tz)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=default_tz)
    if not isinstance(value, str):
        return None
    text = value.strip()
    m = _ISO.fullmatch(text)
    if m:
        zone = m.group("z")
        tz = _offset(zone) if zone else default_tz
        if tz is None:
            return None
        frac = (m.group("f") or "0")[:6].ljust(6, "0")
        try:
            return datetime(
                int(m.group("y")), int(m.group("m")), int(m.group("d")),
                int(m.group("H") or 0), int(m.group("M") or 0), int(m.group("S") or 0),
                int(frac), tzinfo=tz,
            )  # fmt: skip
        except ValueError:
            return None
    return _parse_loose_date(text, default_tz)


def _parse_loose_date(text: str, default_tz: tzinfo) -> datetime | None:
    """`date(1)`-style and other written dates, through dateutil; only with a 4-digit year."""
    if not re.search(r"(?<!\d)\d{4}(?!\d)", text) or len(text) > 64:
        return None
    try:
        from dateutil import parser as dateparser
    except ImportError:  # pragma: no cover - dateutil comes with matplotlib
        return None
    tzinfos = {name: minutes * 60 for name, minutes in _TZ_NAMES.items()}
    try:
        # A fixed default keeps the result independent of the day the build runs.
        parsed = dateparser.parse(text, default=datetime(2000, 1, 1), tzinfos=tzinfos)
    except (ValueError, OverflowError, TypeError, dateparser.ParserError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=default_tz)


_FILENAME_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:-(.*))?")


def filename_date(filename: str, default_tz: tzinfo = timezone.utc) -> datetime | None:
    """The ``YYYY-MM-DD-`` prefix of a Jekyll post file name, if it is a real date."""
    m = _FILENAME_DATE.match(PurePath(filename).name)
    if not m:
        return None
    try:
        return datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), tzinfo=default_tz)
    except ValueError:
        return None


def title_from_filename(filename: str) -> str:
    """A readable title from a file name: the stem without its date prefix."""
    stem = PurePath(filename).name
    for suffix in (".markdown", ".mkdown", ".mkdn", ".mkd", ".md", ".text", ".txt"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    m = _FILENAME_DATE.fullmatch(stem)
    if m and m.group(4):
        stem = m.group(4)
    return clean_text(stem.replace("-", " ").replace("_", " ")) or stem or "untitled"


def reading_minutes(text: str) -> int:
    """Minutes to read ``text``: CJK characters at 500/min plus other words at 200/min."""
    cjk = sum(1 for c in text if _is_cjk(c))
    words = len(re.findall(r"[A-Za-z0-9]+(?:['’.-][A-Za-z0-9]+)*", text))
    return max(1, math.ceil(cjk / CJK_CHARS_PER_MINUTE + words / WORDS_PER_MINUTE))


def _is_cjk(c: str) -> bool:
    o = ord(c)
    return (
        0x3040 <= o <= 0x30FF  # hiragana, katakana
        or 0x3400 <= o <= 0x4DBF
        or 0x4E00 <= o <= 0x9FFF  # CJK unified ideographs
        or 0xF900 <= o <= 0xFAFF
        or 0xFF66 <= o <= 0xFF9F  # half-width katakana
        or 0x20000 <= o <= 0x2FA1F
    )


# --------------------------------------------------------------------------- the record


class _Fields:
    """Turns the raw mapping into record fields, reporting each problem at its key's line."""

    def __init__(self, post: Post, raw: dict[Any, Any], block: list[str], first_line: int):
        self.post = post
        self.raw = {clean_text(str(k)): v for k, v in raw.items()}
        self.block = block
        self.first_line = first_line

    def line_of(self, key: str) -> int:
        pattern = re.compile(r"""\s*["']?""" + re.escape(key) + r"""["']?\s*[:=]""")
        for i, line in enumerate(self.block):
            if pattern.match(line):
                return self.first_line + i
        return self.first_line

    def warn(self, subtype: W, key: str, message: str) -> None:
        self.post.warn(subtype, message, self.line_of(key))

    def text(self, key: str) -> str | None:
        if key not in self.raw:
            return None
        value = self.raw[key]
        if value is None:
            return None
        if isinstance(value, (list, dict, tuple, set)):
            self.warn(W.FIELD, key, f"'{key}' should be text, not {type(value).__name__}; ignored")
            return None
        text = _scalar_text(value)
        if not isinstance(value, str) and not isinstance(value, (datetime, date)):
            self.warn(W.FIELD, key, f"'{key}' is a {type(value).__name__}; used as text {text!r}")
        return text or None

    def names(self, *keys: str, split: bool = True) -> tuple[str, ...]:
        """A list of names from any of ``keys`` (plural and singular are merged)."""
        out: list[str] = []
        for key in keys:
            if key not in self.raw:
                continue
            value = self.raw[key]
            if value is None:
                continue
            if isinstance(value, str):
                # Jekyll splits a string on white space; a comma list is the other habit.
                parts = re.split(r"\s*,\s*", value) if "," in value else value.split()
                out.extend(parts if split else [value])
                continue
            if isinstance(value, dict):
                name = value.get("name") if isinstance(value.get("name"), str) else None
                if name:
                    out.append(name)
                else:
                    self.warn(W.FIELD, key, f"'{key}' is a mapping without 'name'; ignored")
                continue
            items = value if isinstance(value, (list, tuple)) else [value]
            for item in items:
                if isinstance(item, str):
                    out.append(item)
                elif isinstance(item, dict) and isinstance(item.get("name"), str):
                    out.append(item["name"])
                elif item is None or isinstance(item, (list, dict, tuple, set)):
                    self.warn(W.FIELD, key, f"'{key}' has an entry {_short(item)} that is not a name; ignored")
                else:
                    text = _scalar_text(item)
                    self.warn(W.FIELD, key, f"'{key}' has a {type(item).__name__} entry; used as text {text!r}")
                    out.append(text or "")
        seen: set[str] = set()
        result = []
        for name in (clean_text(n) for n in out):
            if name and name not in seen:
                seen.add(name)
                result.append(name)
        return tuple(result)

    def flag(self, key: str) -> bool | None:
        if key not in self.raw or self.raw[key] is None:
            return None
        value = self.raw[key]
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"true", "yes", "on", "1"}:
            return True
        if text in {"false", "no", "off", "0"}:
            return False
        self.warn(W.FIELD, key, f"'{key}' should be true or false, not {_short(value)}; ignored")
        return None


def parse_post(
    data: bytes,
    filename: str = "",
    default_tz: tzinfo = timezone.utc,
) -> Post:
    """Parse a post file. Never raises; problems are in ``post.problems``."""
    try:
        return _parse_post(data, filename, default_tz)
    except Exception as err:  # noqa: BLE001 - last line of defence: the body is never lost
        text = data.decode("utf-8", errors="replace")
        post = Post(text=text)
        post.warn(W.FRONTMATTER, f"front matter could not be read ({type(err).__name__}: {err})", 1)
        return post


def _parse_post(data: bytes, filename: str, default_tz: tzinfo) -> Post:
    text, encoding, problems = decode(data)
    post = Post(text=text, encoding=encoding, problems=problems)
    if not text.strip():
        post.warn(W.FRONTMATTER, "the file is empty", 1)
    fmt, start, end, located = locate(text)
    post.problems.extend(located)
    raw: Any = {}
    block: list[str] = []
    if fmt is not None:
        lines = text.split("\n")
        block = lines[start:end]
        post.format = fmt
        post.fm_lines = end + 1
        loaded, problem = _load(fmt, "\n".join(block), start + 1)
        if problem:
            post.problems.append(problem)
        elif loaded is None:
            pass  # an empty block is a valid, empty front matter
        elif not isinstance(loaded, dict):
            kind = "list" if isinstance(loaded, list) else type(loaded).__name__
            post.warn(W.FRONTMATTER, f"front matter is a {kind}, not a mapping of keys; ignored", 2)
        else:
            raw = loaded
    elif text.strip() and not located:
        post.warn(W.FRONTMATTER, "no front matter: the title, date and tags come from the file", 1)
    post.data = {str(k): v for k, v in raw.items()} if isinstance(raw, dict) else {}
    _fill(post, _Fields(post, post.data, block, start + 1), filename, default_tz)
    return post


def _fill(post: Post, f: _Fields, filename: str, default_tz: tzinfo) -> None:
    post.title = f.text("title")
    # date
    date_value = f.raw.get("date")
    if date_value is not None:
        post.date = parse_date(date_value, default_tz)
        if post.date is None:
            f.warn(W.DATE, "date", f"date {_short(date_value)} is not a date")
    if post.date is None:
        post.date = filename_date(filename, default_tz)
        post.date_from_filename = post.date is not None
        if post.date is None and filename:
            post.warn(W.DATE, "no date: give 'date' or name the file YYYY-MM-DD-title.md", f.first_line)
    post.tags = f.names("tags", "tag")
    post.categories = f.names("categories", "category")
    post.authors = f.names("author", "authors", split=False)
    post.excerpt = f.text("excerpt")
    post.description = f.text("description")
    post.layout = f.text("layout")
    post.permalink = f.text("permalink")
    post.lang = f.text("lang")
    post.slug = f.text("slug")
    post.redirect_from = f.names("redirect_from", split=False)
    # reading time
    if "reading_time" in f.raw and f.raw["reading_time"] is not None:
        value = f.raw["reading_time"]
        minutes: int | None = None
        if isinstance(value, bool):
            minutes = None
        elif isinstance(value, (int, float)) and math.isfinite(value):
            minutes = round(value)
        elif isinstance(value, str) and re.match(r"\s*\d{1,4}", value):
            minutes = int(re.match(r"\s*(\d{1,4})", value).group(1))  # "8分", "8 min"
        if minutes is None or not 0 <= minutes < 10_000:
            f.warn(W.FIELD, "reading_time", f"reading_time {_short(value)} is not a number of minutes; computed instead")
            minutes = None
        post.reading_time = minutes
    # drafts: Jekyll's `published: false` and the common `draft: true`
    published = f.flag("published")
    draft = f.flag("draft")
    post.draft = published is False or draft is True
    # everything else is kept, as text, so no value can be an unpicklable or huge object
    for key, value in f.raw.items():
        if key not in KNOWN_KEYS:
            if value is None:
                post.extra[key] = ""
            elif isinstance(value, str):
                post.extra[key] = clean_text(value)[:500]
            else:
                post.extra[key] = _short(value, 200)
