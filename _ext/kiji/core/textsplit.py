"""How the full-text search splits text into terms, in pure Python (no Sphinx import).

The browser runs the same rules in ``static/kiji-search.js``; the two files are written to be read
side by side, and ``tests/browser/test_search.py`` checks that they agree. Index and query must be
split identically, or a word copied from a post would not find that post.

Rules, applied to ``normalize(text)`` (NFKC, then lower case, so ``ＡＷＳ``/``aws``/``AWS`` and
half-/full-width kana are one spelling):

* **Words** are runs of letters and digits of alphabetic scripts (``\\p{L}``/``\\p{N}`` minus the
  CJK ranges below), joined by single inner ``.``, ``-`` or ``_`` (``3.2.0``, ``gpt-4``,
  ``foo_bar``) and optionally ending in ``++`` or ``#`` (``c++``, ``c#``). A word is indexed whole
  and as every contiguous window of its parts (``3.2.0`` → ``3``, ``2``, ``0``, ``3.2``, ``2.0``),
  so any part a reader copies is a term too. Words keep whole-word semantics: ``ai`` is not a term
  of ``openai``.
* **CJK runs** (kanji, hiragana, katakana with ``ー``, hangul) have no spaces between words, so
  they are indexed as overlapping character bigrams, plus single kanji (``株``) so one-character
  queries work. A query uses the bigrams of each run; a lone kana (``の`` in ``NVIDIAのGPU``) is too
  common to be a term and is left to the phrase check.
* **Junctions**: where a word touches a CJK run with nothing between them, the pair of the word
  (each window of it that touches the run) and the touching character is a term too
  (``nvidia|の``, ``の|gpu``, ``tpu|ク``). Without them ``TPUクラスタ`` would match every page that
  mentions TPU and クラスタ anywhere; with them the two must at least meet once.
* Punctuation and spaces are never part of a term (the junction's ``|`` aside).

Bigrams over-match (a page with 高速 and 速化 but not 高速化), so the browser confirms a candidate
by looking for each whitespace-separated query segment in the page text with :func:`contains`,
unless :func:`is_exact` says the index alone decides the segment.

The index format helpers (:func:`shard_of`, :func:`encode_ids`, :func:`decode_ids`) live here as
well because the JavaScript must mirror them byte for byte.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable, Iterator, Sequence

__all__ = [
    "JOIN",
    "MAX_PARTS",
    "MAX_TERM",
    "contains",
    "decode_ids",
    "decode_positions",
    "encode_positions",
    "encode_ids",
    "index_positions",
    "index_terms",
    "is_exact",
    "normalize",
    "query_segments",
    "query_terms",
    "shard_of",
]

#: Longest term kept; longer ones are cut to this length on both sides (the phrase check then
#: decides), so a pasted hash or URL fragment cannot bloat the index.
MAX_TERM = 64
#: Words with more parts than this are indexed by windows of at most this many parts.
MAX_PARTS = 8
#: Joins a word and the CJK character next to it in a junction term (never part of other terms).
JOIN = "|"

# Explicit code point ranges (not ``\p{Script=...}``) so that Python and JavaScript agree exactly.
# Kanji: 々〆〇, CJK extension A, unified ideographs, compatibility ideographs, planes 2-3.
_KANJI = "\u3005-\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
# Kana: hiragana (with ゝゞゟ), katakana (with ーヽヾヿ, without the middle dot ・), katakana
# phonetic extensions, hangul syllables and jamo.
_KANA = (
    "\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff"
    "\u1100-\u11ff\u3131-\u318e\uac00-\ud7a3"
)
_CJK = _KANJI + _KANA
# A word character: a Unicode letter or digit (Python's ``[^\W_]`` is exactly categories L* and
# N*, like JavaScript's ``[\p{L}\p{N}]``) that is not CJK.
_W = rf"[^\W_{_CJK}]"
_TOKEN = re.compile(rf"(?P<w>{_W}+(?:[._\-]{_W}+)*(?:\+\+|\#)?)|(?P<c>[{_CJK}]+)")
_KANJI_RE = re.compile(rf"[{_KANJI}]")
_WORD_CHAR = re.compile(_W)
_PART_SPLIT = re.compile(r"([._\-])")
# Python's str.isspace() characters plus U+FEFF: written out because Python's and JavaScript's
# ``\s`` differ (U+001C-001F and U+0085 versus U+FEFF).
_SPACE = re.compile(
    "[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+"
)


def normalize(text: str) -> str:
    """NFKC then lower case: the one spelling used by index, query and phrase check."""
    return unicodedata.normalize("NFKC", text).lower()


def _tokens(norm: str) -> Iterator[tuple[str, str, int, int]]:
    """``(kind, token, start, end)`` of normalized text in order: kind ``w`` word, ``c`` CJK."""
    for m in _TOKEN.finditer(norm):
        yield ("w" if m.lastgroup == "w" else "c"), m.group(), m.start(), m.end()


def _split_word(word: str) -> tuple[list[str], str]:
    """``'a.b-c++'`` → (``['a', '.', 'b', '-', 'c']``, ``'++'``): parts with separators, suffix."""
    suffix = ""
    if word.endswith("++"):
        word, suffix = word[:-2], "++"
    elif word.endswith("#"):
        word, suffix = word[:-1], "#"
    return _PART_SPLIT.split(word), suffix


def _word_index_terms(word: str, out: set[str]) -> None:
    pieces, suffix = _split_word(word)
    n = (len(pieces) + 1) // 2  # number of parts
    for i in range(n):
        for j in range(i, min(n, i + MAX_PARTS)):
            term = "".join(pieces[2 * i : 2 * j + 1])
            out.add(term[:MAX_TERM])
            if suffix and j == n - 1:
                out.add((term + suffix)[:MAX_TERM])


def _word_query_terms(word: str) -> list[str]:
    pieces, suffix = _split_word(word)
    n = (len(pieces) + 1) // 2
    if n <= MAX_PARTS:
        return [word[:MAX_TERM]]
    # Too many parts for one indexed window: every window of MAX_PARTS parts is indexed.
    terms = [
        "".join(pieces[2 * i : 2 * (i + MAX_PARTS) - 1])[:MAX_TERM]
        for i in range(n - MAX_PARTS + 1)
    ]
    if suffix:
        terms[-1] = ("".join(pieces[2 * (n - MAX_PARTS) :]) + suffix)[:MAX_TERM]
    return terms


def _word_tails(word: str) -> list[str]:
    """Windows of a word that end where the word ends (with its suffix): what a query can hold
    of a word that a CJK character follows."""
    pieces, suffix = _split_word(word)
    n = (len(pieces) + 1) // 2
    return [("".join(pieces[2 * i :]) + suffix)[:MAX_TERM] for i in range(max(0, n - MAX_PARTS), n)]


def _word_heads(word: str) -> list[str]:
    """Windows of a word that start where the word starts: what a query can hold of a word that
    follows a CJK character."""
    pieces, suffix = _split_word(word)
    n = (len(pieces) + 1) // 2
    heads = ["".join(pieces[: 2 * j + 1])[:MAX_TERM] for j in range(min(n, MAX_PARTS))]
    if suffix and n <= MAX_PARTS:
        heads.append(word[:MAX_TERM])
    return heads


def index_terms(text: str) -> set[str]:
    """Every term under which a page holding ``text`` is found."""
    out: set[str] = set()
    prev_kind, prev_tok, prev_end = "", "", -1
    for kind, tok, start, end in _tokens(normalize(text)):
        if kind == "w":
            _word_index_terms(tok, out)
        else:
            out.update(tok[i : i + 2] for i in range(len(tok) - 1))
            out.update(_KANJI_RE.findall(tok))
        # Junctions: a word and the CJK character touching it (NVIDIA|の, の|gpu), so that mixed
        # queries need the two to be adjacent, not merely both present.
        if start == prev_end and kind != prev_kind:
            if prev_kind == "w":
                out.update(f"{w}{JOIN}{tok[0]}" for w in _word_tails(prev_tok))
            else:
                out.update(f"{prev_tok[-1]}{JOIN}{w}" for w in _word_heads(tok))
        prev_kind, prev_tok, prev_end = kind, tok, end
    return out


def has_positions(term: str) -> bool:
    """Whether the index records where ``term`` occurs: every term but a single kanji.

    A single kanji is only ever a query of its own (a one-character run), which the index decides
    without positions; the bigrams of a longer run, words and junctions are chained by position.
    """
    return not (len(term) == 1 and bool(_KANJI_RE.match(term)))


def index_positions(text: str) -> dict[str, list[int]]:
    """Every term of ``text`` (as :func:`index_terms`) with the sorted code point offsets in the
    normalized text where it starts (empty for terms without positions, see :func:`has_positions`).

    A junction starts where its word window starts (``nvidia|の``) or at its CJK character
    (``の|gpu``); :func:`query_offsets` places query terms the same way, so a segment occurs at
    offset *p* when each of its terms occurs at *p* plus its own offset.
    """
    out: dict[str, list[int]] = {}

    def add(term: str, at: int) -> None:
        positions = out.setdefault(term, [])
        if not (len(term) == 1 and _KANJI_RE.match(term)):
            positions.append(at)

    prev_kind, prev_tok, prev_start, prev_end = "", "", -1, -1
    for kind, tok, start, end in _tokens(normalize(text)):
        if kind == "w":
            for term, at in _word_windows(tok, start):
                add(term, at)
        else:
            for i in range(len(tok) - 1):
                add(tok[i : i + 2], start + i)
            for k in _KANJI_RE.findall(tok):
                add(k, start)
        if start == prev_end and kind != prev_kind:
            if prev_kind == "w":
                for w, at in _word_tail_starts(prev_tok, prev_start):
                    add(f"{w}{JOIN}{tok[0]}", at)
            else:
                for w in _word_heads(tok):
                    add(f"{prev_tok[-1]}{JOIN}{w}", start - 1)
        prev_kind, prev_tok, prev_start, prev_end = kind, tok, start, end
    return {term: sorted(set(positions)) for term, positions in out.items()}


def _part_starts(pieces: list[str], start: int) -> list[int]:
    """Offsets of each part of a split word (``pieces`` alternate parts and separators)."""
    starts, at = [], start
    for k, piece in enumerate(pieces):
        if k % 2 == 0:
            starts.append(at)
        at += len(piece)
    return starts


def _word_windows(word: str, start: int) -> list[tuple[str, int]]:
    pieces, suffix = _split_word(word)
    n = (len(pieces) + 1) // 2
    starts = _part_starts(pieces, start)
    out = []
    for i in range(n):
        for j in range(i, min(n, i + MAX_PARTS)):
            term = "".join(pieces[2 * i : 2 * j + 1])
            out.append((term[:MAX_TERM], starts[i]))
            if suffix and j == n - 1:
                out.append(((term + suffix)[:MAX_TERM], starts[i]))
    return out


def _word_tail_starts(word: str, start: int) -> list[tuple[str, int]]:
    pieces, _suffix = _split_word(word)
    n = (len(pieces) + 1) // 2
    starts = _part_starts(pieces, start)
    return list(zip(_word_tails(word), starts[max(0, n - MAX_PARTS) :], strict=True))


def query_offsets(segment: str) -> list[tuple[str, int]]:
    """``(term, offset)`` for the terms of one normalized query segment that have positions, in
    order (a term that occurs twice is there twice), each offset relative to the segment's first character."""
    out: dict[tuple[str, int], None] = {}
    prev_kind, prev_tok, prev_start, prev_end = "", "", -1, -1
    for kind, tok, start, end in _tokens(segment):
        if start == prev_end and kind != prev_kind:
            if prev_kind == "w":
                last = _word_query_terms(prev_tok)[-1]
                pieces, _ = _split_word(prev_tok)
                n = (len(pieces) + 1) // 2
                at = _part_starts(pieces, prev_start)[max(0, n - MAX_PARTS)]
                out[(f"{last}{JOIN}{tok[0]}", at)] = None
            else:
                out[(f"{prev_tok[-1]}{JOIN}{_word_query_terms(tok)[0]}", start - 1)] = None
        if kind == "w":
            pieces, _ = _split_word(tok)
            starts = _part_starts(pieces, start)
            for i, term in enumerate(_word_query_terms(tok)):
                out[(term, starts[i])] = None
        elif len(tok) > 1:
            for i in range(len(tok) - 1):
                out[(tok[i : i + 2], start + i)] = None
        prev_kind, prev_tok, prev_start, prev_end = kind, tok, start, end
    return list(out)


def query_terms(query: str) -> list[str]:
    """The terms a page must hold to match ``query`` (all of them), unique, in query order."""
    seen: dict[str, None] = {}
    prev_kind, prev_tok, prev_end = "", "", -1
    for kind, tok, start, end in _tokens(normalize(query)):
        if start == prev_end and kind != prev_kind:
            if prev_kind == "w":
                seen.setdefault(f"{_word_query_terms(prev_tok)[-1]}{JOIN}{tok[0]}")
            else:
                seen.setdefault(f"{prev_tok[-1]}{JOIN}{_word_query_terms(tok)[0]}")
        if kind == "w":
            for term in _word_query_terms(tok):
                seen.setdefault(term)
        elif len(tok) == 1:
            if _KANJI_RE.match(tok):
                seen.setdefault(tok)
            # A lone kana is not a term: it would match nearly every page.
        else:
            for i in range(len(tok) - 1):
                seen.setdefault(tok[i : i + 2])
        prev_kind, prev_tok, prev_end = kind, tok, end
    return list(seen)


def query_segments(query: str) -> list[str]:
    """The normalized whitespace-separated parts of a query; each must occur in a result."""
    return [s for s in _SPACE.split(normalize(query)) if s]


def is_exact(segment: str) -> bool:
    """True when the index alone decides whether ``segment`` (normalized) occurs in a page.

    That is the case when the segment is exactly one term: a word (terms keep whole-word
    semantics), a CJK bigram or a single kanji. Longer CJK runs and mixed segments need the phrase
    check, as bigram postings do not record positions.
    """
    terms = query_terms(segment)
    return len(terms) == 1 and terms[0] == segment and len(segment) < MAX_TERM


def contains(text: str, segment: str) -> bool:
    """Whether normalized ``segment`` occurs in normalized ``text`` the way a search means it.

    CJK is matched as a plain substring. Where the segment starts or ends with a word character
    (see the module docstring), the text must not continue the word there: ``ai`` is in
    ``AIチップ`` and ``ai-chip`` but not in ``openai`` or ``training``.
    """
    if not segment:
        return True
    check_start = bool(_WORD_CHAR.match(segment[0]))
    check_end = bool(_WORD_CHAR.match(segment[-1]))
    start = text.find(segment)
    while start >= 0:
        end = start + len(segment)
        if (not check_start or start == 0 or not _WORD_CHAR.match(text[start - 1])) and (
            not check_end or end == len(text) or not _WORD_CHAR.match(text[end])
        ):
            return True
        start = text.find(segment, start + 1)
    return False


# -- index format helpers (mirrored in kiji-search.js) --------------------------------------------


def shard_of(term: str, shards: int) -> int:
    """The shard holding ``term``: CRC-32 of its UTF-8 bytes modulo the (power of two) count."""
    return zlib.crc32(term.encode("utf-8")) & (shards - 1)


# 64 characters that need no escaping in JSON or URLs. Values 0-31 end a number, 32-63 continue
# it, five bits per character, least significant group first.
_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
_DIGIT_VALUE = {c: i for i, c in enumerate(_DIGITS)}


def encode_ids(ids: Iterable[int]) -> str:
    """Sorted distinct document ids as a compact string of gaps (most gaps take one character)."""
    out: list[str] = []
    append = out.append  # the index of a large site encodes millions of ids: keep the loop tight
    digits = _DIGITS
    prev = -1
    for doc_id in ids:
        gap = doc_id - prev - 1  # gaps are >= 1: store gap - 1, so 0 means "the next id"
        if gap < 0:
            raise ValueError("document ids must be sorted and distinct")
        prev = doc_id
        while gap >= 32:
            append(digits[32 + (gap & 31)])
            gap >>= 5
        append(digits[gap])
    return "".join(out)


def _numbers(code: str) -> Iterator[int]:
    """The numbers of a string of :func:`encode_ids`' digits (5 bits a digit, low bits first)."""
    value = shift = 0
    for ch in code:
        digit = _DIGIT_VALUE[ch]
        if digit >= 32:
            value |= (digit - 32) << shift
            shift += 5
        else:
            yield value | (digit << shift)
            value = shift = 0


def decode_ids(code: str) -> list[int]:
    """The inverse of :func:`encode_ids`: each number is the gap to the previous id, minus one."""
    ids: list[int] = []
    prev = -1
    for gap in _numbers(code):
        prev += gap + 1
        ids.append(prev)
    return ids


def encode_positions(entries: Iterable[tuple[int, Sequence[int]]]) -> str:
    """``(doc id, sorted offsets)`` pairs, ids increasing, as one string: per document the id gap,
    the number of offsets and the offsets' gaps, each a number in :func:`encode_ids`' digits."""
    out: list[str] = []
    append = out.append
    digits = _DIGITS

    def number(value: int) -> None:
        while value >= 32:
            append(digits[32 + (value & 31)])
            value >>= 5
        append(digits[value])

    prev_doc = -1
    for doc_id, positions in entries:
        number(doc_id - prev_doc - 1)
        prev_doc = doc_id
        number(len(positions) - 1)
        prev = -1
        for at in positions:
            number(at - prev - 1)
            prev = at
    return "".join(out)


def decode_positions(code: str) -> dict[int, list[int]]:
    """The inverse of :func:`encode_positions`."""
    numbers = list(_numbers(code))
    out: dict[int, list[int]] = {}
    k = 0
    doc = -1
    while k < len(numbers):
        doc += numbers[k] + 1
        count = numbers[k + 1] + 1
        k += 2
        positions, prev = [], -1
        for gap in numbers[k : k + count]:
            prev += gap + 1
            positions.append(prev)
        k += count
        out[doc] = positions
    return out
