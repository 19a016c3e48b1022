"""The catalogue of posts: taxonomy identity, URLs, ordering, related posts. Pure Python.

Input is a mapping ``docname -> PostInfo`` (plain data, as stored in the domain); output is a
:class:`Catalog` that every listing, index page and post footer reads. Everything here is
deterministic: orders never depend on dict, set or file-system order.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

KINDS = ("tag", "category", "author")
# Folders of the generated pages; a name is a slug inside one of them.
FOLDERS = {"tag": "tags", "category": "categories", "author": "authors", "archive": "archive"}
# A slug may not be one of these: the folder's own index page, Sphinx's pages, Windows devices.
RESERVED = frozenset(
    {"index", "search", "genindex", "py-modindex", "searchindex", "404", "objects", "feed",
     "con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)  # fmt: skip
MAX_SLUG_BYTES = 120
RELATED_LIMIT = 5

# ASCII punctuation that carries meaning in names (C++, C#, .NET, R&D) gets a readable word.
_PUNCT_WORDS = {"+": "plus", "#": "sharp", "&": "and", "@": "at", "%": "percent"}

PostInfo = Mapping[str, Any]  # title, ts (float|None), date, tags, categories, authors, ...


def name_key(name: str) -> str:
    """Identity of a tag, category or author: NFKC, case-folded, trimmed, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def slugify(key: str) -> str:
    """A readable, file-name-safe URL segment for a name key.

    Japanese stays Japanese (NFKC keeps ブログ composed: no NFKD, so no lost voicing marks);
    letters, marks and digits of any script are kept; meaningful ASCII punctuation becomes a word
    (``c++`` → ``c-plus-plus``) so names do not collide; every other run becomes ``-``. The result
    never has a ``/``, ``\\``, leading dot or ``..``, and stays under :data:`MAX_SLUG_BYTES`.
    """
    text = unicodedata.normalize("NFKC", key).casefold()
    parts: list[str] = []
    word: list[str] = []
    for i, ch in enumerate(text):
        cat = unicodedata.category(ch)
        if cat[0] in "LMN" or (ch == "." and word and i + 1 < len(text) and text[i + 1].isalnum()):
            word.append(ch)
            continue
        if word:
            parts.append("".join(word))
            word = []
        if ch in _PUNCT_WORDS:
            parts.append(_PUNCT_WORDS[ch])
        elif ch == "." and not parts:
            parts.append("dot")  # .net → dot-net
    if word:
        parts.append("".join(word))
    slug = "-".join(p for p in parts if p).strip(".-")
    if not slug:
        return "x-" + _digest(key)
    if len(slug.encode("utf-8")) > MAX_SLUG_BYTES:
        cut = slug.encode("utf-8")[: MAX_SLUG_BYTES - 9].decode("utf-8", errors="ignore")
        slug = cut.rstrip(".-") + "-" + _digest(key)
    if slug in RESERVED:
        slug += "-"  # a trailing dash keeps it readable and distinct from the reserved page
    return slug


def _free_slug(slug: str, key: str, is_taken: Any) -> str:
    """A distinct slug for ``key`` when ``slug`` is taken: a digest suffix, then a counter, always
    within :data:`MAX_SLUG_BYTES`."""
    n = 0
    while True:
        suffix = f"-{_digest(key)}" + (f"-{n}" if n else "")
        room = MAX_SLUG_BYTES - len(suffix.encode("utf-8"))
        base = slug.encode("utf-8")[:room].decode("utf-8", errors="ignore").rstrip(".-") or "x"
        candidate = base + suffix
        if not is_taken(candidate):
            return candidate
        n += 1


@dataclass
class Term:
    """One tag, category or author and its posts."""

    kind: str
    key: str
    name: str  # the most common spelling
    slug: str
    docnames: list[str]  # newest first

    @property
    def pagename(self) -> str:
        return f"{FOLDERS[self.kind]}/{self.slug}"


@dataclass
class Catalog:
    posts: dict[str, PostInfo]
    order: list[str]  # docnames, newest first (undated last, by docname)
    terms: dict[str, dict[str, Term]]  # kind -> key -> Term
    archive: dict[int, dict[int, list[str]]]  # year -> month -> docnames newest first
    collisions: list[tuple[str, str, str, str]] = field(default_factory=list)
    _related: dict[str, list[str]] = field(default_factory=dict)
    _position: dict[str, int] = field(default_factory=dict)
    _dated: list[str] = field(default_factory=list)  # dated posts, newest first

    def sorted_terms(self, kind: str) -> list[Term]:
        """Terms by name key (stable, readable order for lists and clouds)."""
        return [self.terms[kind][k] for k in sorted(self.terms[kind])]

    def term(self, kind: str, name: str) -> Term | None:
        return self.terms.get(kind, {}).get(name_key(name))

    def neighbours(self, docname: str) -> tuple[str | None, str | None]:
        """(previous = older, next = newer) post by date."""
        pos = self._position.get(docname)
        if pos is None:
            return None, None
        dated = self._dated
        older = dated[pos + 1] if pos + 1 < len(dated) else None
        newer = dated[pos - 1] if pos > 0 else None
        return older, newer

    def related(self, docname: str) -> list[str]:
        return self._related.get(docname, [])

    def select(
        self,
        *,
        tags: Iterable[str] = (),
        categories: Iterable[str] = (),
        authors: Iterable[str] = (),
        year: int | None = None,
        month: int | None = None,
        limit: int | None = None,
        exclude: str | None = None,
    ) -> list[str]:
        """Posts newest first that have every given tag, and any of the given categories and
        authors, in the given year/month."""
        result = self.order
        for kind, names, need_all in (("tag", tags, True), ("category", categories, False),
                                      ("author", authors, False)):  # fmt: skip
            keys = [name_key(n) for n in names if name_key(n)]
            if not keys:
                continue
            sets = [set(self.terms[kind][k].docnames) if k in self.terms[kind] else set() for k in keys]
            allowed = set.intersection(*sets) if need_all else set.union(*sets)
            result = [d for d in result if d in allowed]
        if year is not None:
            result = [d for d in result if self.posts[d].get("year") == year]
        if month is not None:
            result = [d for d in result if self.posts[d].get("month") == month]
        if exclude:
            result = [d for d in result if d != exclude]
        return list(result) if limit is None else result[:limit]


def _order_key(item: tuple[str, PostInfo]) -> tuple[int, float, str]:
    docname, info = item
    ts = info.get("ts")
    # newest first; undated posts last, by docname
    return (1, 0.0, docname) if ts is None else (0, -ts, docname)


def build(posts: Mapping[str, PostInfo], taken: Iterable[str] = ()) -> Catalog:
    """Build the catalogue. ``taken`` holds page names that generated pages must not use."""
    posts = dict(posts)
    order = [d for d, _ in sorted(posts.items(), key=_order_key)]
    rank = {d: i for i, d in enumerate(order)}
    terms: dict[str, dict[str, Term]] = {}
    collisions: list[tuple[str, str, str, str]] = []
    taken = set(taken)
    for kind in KINDS:
        field_name = {"tag": "tags", "category": "categories", "author": "authors"}[kind]
        spellings: dict[str, Counter[str]] = defaultdict(Counter)
        members: dict[str, set[str]] = defaultdict(set)
        for docname in order:
            for name in posts[docname].get(field_name, ()):
                key = name_key(name)
                if key:
                    spellings[key][name] += 1
                    members[key].add(docname)
        by_kind: dict[str, Term] = {}
        used: dict[str, str] = {}
        for key in sorted(spellings):
            count = spellings[key]
            name = sorted(count, key=lambda s: (-count[s], s))[0]
            slug = slugify(key)
            if slug in used or f"{FOLDERS[kind]}/{slug}" in taken:
                other = used.get(slug, f"{FOLDERS[kind]}/{slug}")
                slug = _free_slug(slug, key, lambda s, k=kind: s in used or f"{FOLDERS[k]}/{s}" in taken)
                collisions.append((kind, name, other, slug))
            used[slug] = key
            by_kind[key] = Term(kind, key, name, slug, sorted(members[key], key=rank.__getitem__))
        terms[kind] = by_kind
    archive: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for docname in order:
        info = posts[docname]
        if info.get("year") is not None:
            archive[info["year"]][info["month"]].append(docname)
    catalog = Catalog(
        posts=posts,
        order=order,
        terms=terms,
        archive={y: dict(sorted(m.items(), reverse=True)) for y, m in sorted(archive.items(), reverse=True)},
        collisions=collisions,
    )
    dated = [d for d in order if posts[d].get("ts") is not None]
    catalog._dated = dated
    catalog._position = {d: i for i, d in enumerate(dated)}
    catalog._related = related_posts(posts, order, terms.get("tag", {}))
    return catalog


def duplicate_titles(titles: Mapping[str, str | None]) -> list[tuple[str, str, str]]:
    """(title, first docname, other docname) for every post whose title an earlier one has.

    The build's ``kiji.title`` and ``kiji lint`` both report ``other`` at line 1; "earlier" is
    docname order, so the report does not depend on the order the files were read in.
    """
    by_title: dict[str, list[str]] = {}
    for docname in sorted(titles):
        by_title.setdefault(titles[docname] or "", []).append(docname)
    return [
        (title, docs[0], other)
        for title, docs in sorted(by_title.items())
        if title
        for other in docs[1:]
    ]


def duplicate_title_message(title: str, first: str, other: str) -> str:
    return f"two posts have the title {title!r}: {first} and {other}"


def collision_message(kind: str, name: str, first: str, slug: str) -> str:
    """The words of a ``kiji.slug`` problem: two names, one URL."""
    return f"{kind} {name!r} would share the URL of {first}; it gets {FOLDERS[kind]}/{slug}"


def related_posts(
    posts: Mapping[str, PostInfo], order: list[str], tags: Mapping[str, Term], limit: int = RELATED_LIMIT
) -> dict[str, list[str]]:
    """Up to ``limit`` posts per post sharing the most tags; ties go to the newer post.

    Each tag's posts are one big-int bitset (bit i = i-th newest post); counting shared tags is
    a bit-sliced adder over the post's own tags, so the cost per post is its number of tags times
    N/64 machine words, in C, instead of walking every posting list in Python.
    """
    index = {d: i for i, d in enumerate(order)}
    bits = {key: _bitset(index[d] for d in term.docnames) for key, term in tags.items()}
    result: dict[str, list[str]] = {}
    for docname in order:
        keys = sorted({name_key(t) for t in posts[docname].get("tags", ()) if name_key(t) in bits})
        if not keys:
            continue
        counters: list[int] = []  # counters[j]: bit j of the shared-tag count, per post
        for key in keys:
            carry = bits[key]
            for j, level in enumerate(counters):
                counters[j], carry = level ^ carry, level & carry
                if not carry:
                    break
            else:
                if carry:
                    counters.append(carry)
        self_mask = ~(1 << index[docname])
        picked: list[int] = []
        # Walk the counts from the highest down: posts with count >= c, minus those already taken.
        for c in range(len(keys), 0, -1):
            at_least = _at_least(counters, c) & self_mask
            for p in picked:
                at_least &= ~(1 << p)
            while at_least and len(picked) < limit:
                low = at_least & -at_least
                picked.append(low.bit_length() - 1)
                at_least ^= low
            if len(picked) >= limit:
                break
        result[docname] = [order[i] for i in picked]
    return result


def _bitset(indices: Iterable[int]) -> int:
    value = 0
    for i in indices:
        value |= 1 << i
    return value


def _at_least(counters: list[int], c: int) -> int:
    """Bitset of positions whose binary counter (``counters``, LSB first) is >= c."""
    # Compare each position's counter with the constant c, from the most significant bit down.
    greater = 0
    equal = -1  # all ones
    for j in range(max(len(counters), c.bit_length()) - 1, -1, -1):
        bit = counters[j] if j < len(counters) else 0
        if (c >> j) & 1:
            equal &= bit
        else:
            greater |= equal & bit
            equal &= ~bit
    return greater | equal
