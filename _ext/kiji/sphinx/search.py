"""The Japanese full-text search: a sharded term index written at build time, read by the browser.

Sphinx's own Japanese search splits the index with TinySegmenter but not the query, keeps
punctuation inside terms and spends half of a Japanese build doing so, serially. This module
replaces it:

* on ``doctree-read`` (which runs in the parallel reader processes) each page's text is split with
  :mod:`kiji.textsplit`; the packed set of terms goes to a file of its own in the doctree folder
  (``kiji-search/<digest>.terms``, named by its content) and :class:`KijiSearchDomain` keeps only
  the digest and the excerpt, keyed by docname, so incremental and ``-j`` builds hold exactly what
  a clean build holds while the pickled environment stays small (the terms were 58 of its 103 MB
  at 10,000 posts, loaded and saved again by every incremental build);
* Sphinx's indexer is switched off for the HTML builders (:func:`kiji.sphinx.fast.suspend_sphinx_indexer`) while
  ``search.html`` is still written, from our ``templates/search.html``;
* on ``write-started`` :func:`build_index_files` turns the stored terms, the post metadata
  of the ``kiji`` domain and its taxonomy pages into ``_static/kiji-search/`` (with ``-j``, in a
  forked worker while the pages are written; skipped when nothing it is made from changed since
  the last build):

  ``manifest.json``
      format, a content hash (``version``, used to bust caches), the term shard count, the doc
      chunk size, the block size and each block's offset shard count;
  ``d/<k>.json``
      document records ``[url, title, date, date_display, kind, tags, categories, excerpt,
      authors]`` for ids ``k*chunk ...`` (8 a file): the browser loads only the chunks of the
      results it shows; the excerpt (160 characters at most) is the snippet's text;
  ``t/<shard>.json``
      ``{term: [all, title, meta, title offsets, meta offsets]}``: posting lists of document ids
      (gap-encoded strings, see :func:`kiji.textsplit.encode_ids`) of the pages holding the term
      anywhere, in the title, and in tags/categories/authors; then where the term starts in each
      of those titles and in the lines of those tags (:func:`kiji.textsplit.encode_positions`).
      With those the browser knows, before loading any body offsets, which titles and tags hold
      a compound query exactly: such pages rank first and are confirmed already. A term is in
      shard ``crc32(term) % shards``; a query loads only the shards of its terms. Keys starting
      with ``=`` hold the pages whose taxonomy name is exactly the rest of the key, so that a
      search for a tag puts its page first;
  ``p/<block>/<shard>.json``
      ``{term: offsets}`` for the pages of one block of ids (``kiji_search_block``, 512 by
      default; ids relative to the block's first): per page holding the term, where it starts in
      the page's normalized text (gap-encoded; the title, taxonomy names and date follow the
      body). Loaded only for a query segment the postings cannot decide (a compound of several
      bigrams, a word next to kana), and block by block: the first results are the newest pages,
      so the instant list needs the first block's offsets of a few terms, and only the exact
      count needs the rest. The segment occurs where each of its terms sits at its own offset
      from one start, so no page is fetched to confirm it;
  ``facets.json``
      ``{tag|category|author|year: {value: ids}}``: the counts beside each facet choice.

  Document ids follow the order (newest post first, then undated pages by name), so ties in
  score fall back to recency. Everything is sorted and dumped with sorted keys: two clean builds
  give byte-identical files. The shard counts grow with the index (about 8 KB a shard). The
  offsets are most of the index (a 7,500-character post has some 7,500 term occurrences): an
  index that decides any substring without the page holds about as much as the text itself.
  See ``benchmarks/README.md`` for the size per post and the bytes a query loads.

The browser side is ``static/kiji-search.js``.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.domains import Domain
from sphinx.errors import ExtensionError
from sphinx.util import logging

from ..core import textsplit
from ..core.store import SideStore, write_atomic
from ..core.textsplit import (
    decode_ids,
    decode_positions,
    encode_ids,
    encode_positions,
    index_positions,
    query_segments,
    query_terms,
    shard_of,
)
from .landmarks import landmark
from .parallel import background

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

__all__ = [
    "INDEX_DIR",
    "IndexDoc",
    "KijiSearchDomain",
    "build_index_files",
    "doctree_text",
]

logger = logging.getLogger(__name__)

#: Where the index goes, relative to the output folder.
INDEX_DIR = "_static/kiji-search"
#: Bump when the files' layout changes (the browser refuses other formats).
FORMAT = 3
#: Bump when the shape of the stored per-document data changes.
DATA_VERSION = 3
#: Documents per ``d/<k>.json`` chunk: the 8 instant results are often in 8 chunks (a title
#: match can be any page), so a chunk is kept to a few kilobytes.
DOC_CHUNK = 8
#: Documents per block of term offsets (``p/<block>/<shard>.json``) unless ``kiji_search_block``
#: says otherwise: the browser confirms the newest candidates first and loads the offsets of
#: later blocks only when it needs them.
BLOCK = 512
#: Target size of one term shard in bytes (before compression): small enough that a query of a
#: few terms loads little, large enough that a small site does not need thousands of files.
SHARD_TARGET_BYTES = 8_000
MIN_SHARDS, MAX_SHARDS = 8, 16384
#: Characters of page text kept as the excerpt of a page that is not a post.
EXCERPT_CHARS = 160
#: Pages Sphinx generates itself, never worth a search result.
_SKIP_PAGES = frozenset({"search", "genindex", "py-modindex"})

WARNING_TYPE = "kiji"
SUBTYPE = "search"


# -- reading: page text and its terms -------------------------------------------------------------

_SKIP_NODES = (
    nodes.comment,
    nodes.system_message,
    nodes.docinfo,
    nodes.substitution_definition,
)
_TAGS = re.compile(r"<[^<]+?>")
_SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def doctree_text(doctree: nodes.Node) -> str:
    """The text a reader sees in a page, blocks separated by newlines.

    Inline markup is joined without a separator (``**微細化**です`` reads ``微細化です``, so a
    query across the markup still matches); comments, system messages, docinfo and elements with
    the ``no-search`` class are left out, as in Sphinx's own indexer; raw HTML is indexed without
    its tags.
    """
    out: list[str] = []
    # (node, inside a paragraph-like element); None marks the end of a block
    stack: list[tuple[nodes.Node, bool] | None] = [(doctree, False)]
    while stack:
        item = stack.pop()
        if item is None:
            out.append("\n")
            continue
        node, inside_text = item
        if isinstance(node, nodes.Text):
            out.append(node.astext())
            continue
        if isinstance(node, _SKIP_NODES):
            continue
        if isinstance(node, nodes.Element) and "no-search" in node.get("classes", ()):
            continue
        if isinstance(node, landmark) and node.get("ignore"):
            continue  # what a page shows of other pages (kiji.landmarks), if already there
        if isinstance(node, nodes.raw):
            if "html" in node.get("format", "").split():
                out.append(_TAGS.sub("", _SCRIPT_STYLE.sub("", node.astext())))
            continue
        # Anything inside a paragraph, title, etc. flows with its text, whatever its node class
        # (extensions' custom inline nodes do not always subclass nodes.Inline).
        block = not inside_text and not isinstance(node, nodes.Inline)
        if block:
            out.append("\n")
            stack.append(None)
        inner = inside_text or isinstance(node, nodes.TextElement)
        stack.extend((child, inner) for child in reversed(node.children))
    return "".join(out)


def _excerpt(text: str, title: str | None) -> str:
    """The first words of a page after its title, on one line."""
    flat = " ".join(text.split())
    if title:
        flat_title = " ".join(title.split())
        if flat.startswith(flat_title):
            flat = flat[len(flat_title) :].lstrip()
    if len(flat) > EXCERPT_CHARS:
        flat = flat[:EXCERPT_CHARS].rstrip() + "…"
    return flat


def _pack_terms(positions: dict[str, list[int]]) -> bytes:
    # Terms never contain a newline or a tab (whitespace splits terms). Compressed: one file a
    # page; a term's offsets follow it, gap-encoded like the index's.
    lines = [f"{term}\t{encode_positions([(0, at)]) if at else ''}" for term, at in sorted(positions.items())]
    return zlib.compress("\n".join(lines).encode("utf-8"), 6)


#: Folder of the per-page term files, in the doctree folder.
TERMS_DIR = "kiji-search"
#: The index's inputs at the last build and its :class:`IndexState`, in the doctree folder.
STORE = "search-state"  # side store: code, inputs, index version and the in-place update state


def _terms_path(doctreedir: Path | str, digest: str) -> Path:
    return Path(doctreedir, TERMS_DIR, f"{digest}.terms")


def _store_terms(doctreedir: Path | str, packed: bytes) -> str:
    """Write one page's packed terms under their digest (once); the digest."""
    digest = hashlib.sha256(packed).hexdigest()[:24]
    path = _terms_path(doctreedir, digest)
    if not path.exists():
        write_atomic(path, packed)  # readers run in parallel: a per-process temporary, a rename
    return digest


def _unpack_terms(packed: bytes) -> dict[str, list[int]]:
    text = zlib.decompress(packed).decode("utf-8")
    out: dict[str, list[int]] = {}
    for line in text.split("\n") if text else []:
        term, _, code = line.partition("\t")
        out[term] = decode_positions(code).get(0, []) if code else []
    return out


class KijiSearchDomain(Domain):
    """Per-document search data: the packed set of body terms and a plain-text excerpt."""

    name = "kijisearch"
    label = "Kiji full-text search"
    initial_data: dict[str, Any] = {"docs": {}}
    data_version = DATA_VERSION

    @property
    def docs(self) -> dict[str, dict[str, Any]]:
        return self.data["docs"]

    def clear_doc(self, docname: str) -> None:
        self.docs.pop(docname, None)

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        for docname in docnames:
            if docname in otherdata["docs"]:
                self.docs[docname] = otherdata["docs"][docname]

    def note_page(self, docname: str, doctree: nodes.document) -> None:
        text = doctree_text(doctree)
        title = doctree.next_node(nodes.title)
        self.docs[docname] = {
            "terms": _store_terms(self.env.doctreedir, _pack_terms(index_positions(text))),
            "excerpt": _excerpt(text, title.astext() if title is not None else None),
        }

    def terms_digest(self, docname: str) -> str:
        entry = self.docs.get(docname)
        return entry["terms"] if entry else ""

    def body_terms(self, docname: str) -> dict[str, list[int]]:
        """The page's terms and their offsets, from its file; none when the file is gone."""
        digest = self.terms_digest(docname)
        return (_read_terms(self.env.doctreedir, digest) or {}) if digest else {}

    def excerpt(self, docname: str) -> str:
        entry = self.docs.get(docname)
        return entry["excerpt"] if entry else ""

    # A search domain has no cross-references of its own.
    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list[Any]:
        return []


class StoredTerms:
    """A page's body terms, read from their file only when the index is actually rebuilt."""

    def __init__(self, domain: KijiSearchDomain, docname: str) -> None:
        self._domain = domain
        self.docname = docname
        self.digest = domain.terms_digest(docname)

    def __iter__(self) -> Iterator[str]:
        return iter(self._domain.body_terms(self.docname))

    def positions(self) -> dict[str, list[int]]:
        return self._domain.body_terms(self.docname)


def on_env_get_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Pages whose term file is gone (someone cleaned part of the doctree folder) are read again."""
    domain = env.get_domain("kijisearch")
    assert isinstance(domain, KijiSearchDomain)
    return sorted(
        docname
        for docname, entry in domain.docs.items()
        if docname not in removed and not _terms_path(env.doctreedir, entry["terms"]).is_file()
    )


def on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    domain = app.env.get_domain("kijisearch")
    assert isinstance(domain, KijiSearchDomain)
    domain.note_page(app.env.current_document.docname, doctree)


# -- the index files (pure: no Sphinx) ------------------------------------------------------------


@dataclass
class IndexDoc:
    """One searchable page, as the index builder sees it."""

    key: str  # docname or generated page name; unique
    url: str  # relative to the site root
    title: str
    body_terms: Iterable[str] = ()
    date: str | None = None  # ISO 8601
    date_display: str | None = None
    timestamp: float | None = None  # for the order of ids (newest first)
    kind: str = "page"  # post, page, tag, category, author, archive
    tags: Sequence[str] = ()
    categories: Sequence[str] = ()
    authors: Sequence[str] = ()
    excerpt: str = ""
    name: str | None = None  # the taxonomy name of a generated tag/category/author/year page


def _order(doc: IndexDoc) -> tuple[Any, ...]:
    if doc.timestamp is not None:
        return (0, -doc.timestamp, doc.key)
    return (1, 0.0, doc.key)


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def _shard_count(estimated_bytes: int) -> int:
    n = MIN_SHARDS
    while n < MAX_SHARDS and n * SHARD_TARGET_BYTES < estimated_bytes:
        n *= 2
    return n


def _body_positions(body: Any) -> dict[str, list[int]]:
    """A page's body as ``{term: offsets}``, whatever form it was given in."""
    if isinstance(body, StoredTerms):
        return body.positions()
    if isinstance(body, dict):
        return body
    return {term: [] for term in body}


def _meta_text(doc: IndexDoc) -> str:
    """Tags, categories, authors and the taxonomy name, one a line (no phrase spans two)."""
    return "\n".join([*doc.tags, *doc.categories, *doc.authors, doc.name or ""])


def _title_meta_positions(doc: IndexDoc) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """The offsets of the terms of the title and of :func:`_meta_text`, each in its own text:
    the browser confirms a compound in the title or a tag from these, without the body's."""
    return index_positions(doc.title), index_positions(_meta_text(doc))


def _doc_positions(doc: IndexDoc, body: Any) -> dict[str, list[int]]:
    """Every term a page's id is posted under, with its offsets (the title's and the tags' own
    terms come from :func:`_title_meta_positions`, whose keys they are).

    The title, taxonomy names and date are placed after the body (a gap of more than a term's
    length, so no phrase runs across the seam): a phrase in a tag name is found like one in text.
    """
    positions = dict(_body_positions(body))
    # The date as the page shows it (2026年1月17日) is found, but ranks like body text.
    meta_text = "\n".join(
        [doc.title, *doc.tags, *doc.categories, *doc.authors, doc.name or "", doc.date_display or ""]
    )
    offset = max((at[-1] for at in positions.values() if at), default=-1) + textsplit.MAX_TERM + 2
    for term, at in index_positions(meta_text).items():
        if term in positions:
            positions[term] = sorted({*positions[term], *(a + offset for a in at)})
        else:
            positions[term] = [a + offset for a in at]
    return positions


def _year(doc: IndexDoc) -> str:
    return doc.date[:4] if doc.date and doc.kind == "post" and doc.date[:4].isdigit() else ""


def _record(doc: IndexDoc) -> list[Any]:
    return [
        doc.url,
        doc.title,
        doc.date,
        doc.date_display,
        doc.kind,
        list(doc.tags),
        list(doc.categories),
        doc.excerpt,
        list(doc.authors),
    ]


def _term_sig(doc: IndexDoc) -> str:
    """What of a page, besides its body, decides the terms it is posted under."""
    fields = [doc.title, list(doc.tags), list(doc.categories), list(doc.authors), doc.name,
              doc.date_display]  # fmt: skip
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def _body_digest(doc: IndexDoc) -> str:
    terms = doc.body_terms
    if isinstance(terms, StoredTerms):
        return terms.digest
    if isinstance(terms, dict):
        return hashlib.sha256(_dumps(terms)).hexdigest()[:24]
    return hashlib.sha256("\n".join(sorted(set(terms))).encode("utf-8")).hexdigest()[:24]


def _size(term: str, entry: list[str]) -> int:
    """A term's estimated share of the index, which decides the shard count."""
    return len(term.encode("utf-8")) + sum(map(len, entry)) + 6 * len(entry) + 4


def _psize(term: str, code: str) -> int:
    return len(term.encode("utf-8")) + len(code) + 6


def _block_count(docs: int, block: int) -> int:
    """Blocks of offsets for ``docs`` pages (one at least, so an empty site has a manifest)."""
    return max(1, -(-docs // block))


def entry_shard(key: str, shards: int) -> int:
    """The term shard of an entry: a term's by its crc32; a taxonomy name's (``=`` + its
    segments) is its first term's, so the browser finds it in a shard it loads anyway."""
    if key.startswith("="):
        terms = query_terms(key[1:])
        if terms:
            return shard_of(terms[0], shards)
    return shard_of(key, shards)


def _shard_path(i: int, shards: int, folder: str = "t") -> str:
    return f"{folder}/{i:0{len(f'{shards - 1:x}')}x}.json"


def _facets(ordered: list[IndexDoc]) -> dict[str, dict[str, str]]:
    """``{facet: {value: ids}}`` for tag, category, author and year: the counts beside each
    choice on the search page are intersections with these (posts only)."""
    lists: dict[str, defaultdict[str, list[int]]] = {
        k: defaultdict(list) for k in ("tag", "category", "author", "year")
    }
    for doc_id, doc in enumerate(ordered):
        if doc.kind != "post":
            continue
        for facet, values in (
            ("tag", doc.tags),
            ("category", doc.categories),
            ("author", doc.authors),
            ("year", [_year(doc)] if _year(doc) else []),
        ):
            for value in dict.fromkeys(values):
                lists[facet][value].append(doc_id)
    return {facet: {v: encode_ids(ids) for v, ids in values.items()} for facet, values in lists.items()}


def _with_records_and_manifest(
    files: dict[str, bytes], ordered: list[IndexDoc], shards: int, pshards: list[int], block: int
) -> None:
    records = [_record(doc) for doc in ordered]
    for k in range(0, len(records), DOC_CHUNK):
        files[f"d/{k // DOC_CHUNK}.json"] = _dumps(records[k : k + DOC_CHUNK])
    files["facets.json"] = _dumps(_facets(ordered))
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode("utf-8") + b"\0" + files[path] + b"\0")
    files["manifest.json"] = _dumps(
        {
            "format": FORMAT,
            "version": digest.hexdigest()[:16],
            "count": len(records),
            "chunk": DOC_CHUNK,
            "shards": shards,
            "shardWidth": len(f"{shards - 1:x}"),
            "block": block,
            "pshards": pshards,
        }
    )


@dataclass
class IndexState:
    """What the next build needs to update the index in place (kept as JSON, a few bytes a page)."""

    keys: list[str]  # page keys in id order
    sigs: list[str]  # per page: _term_sig
    digests: list[str]  # per page: its body terms' digest
    estimated: int  # the sum of _size over all entries
    shards: int
    pestimated: list[int] = field(default_factory=list)  # per block: the sum of _psize
    pshards: list[int] = field(default_factory=list)  # per block: its shard count
    block: int = BLOCK  # documents per block


def build_index(
    docs: Iterable[IndexDoc], block: int | None = None
) -> tuple[dict[str, bytes], IndexState]:
    """The search index as ``{relative path: content}`` (paths under :data:`INDEX_DIR`), its
    term offsets in blocks of ``block`` documents (:data:`BLOCK` when None)."""
    block = block or BLOCK
    ordered = sorted(docs, key=_order)
    # defaultdict, not setdefault: this loop appends millions of ids on a large site.
    postings: defaultdict[str, list[int]] = defaultdict(list)
    # Per block of BLOCK ids: term -> [(id within the block, offsets)].
    places: list[defaultdict[str, list[tuple[int, list[int]]]]] = [
        defaultdict(list) for _ in range(_block_count(len(ordered), block))
    ]
    titles: defaultdict[str, list[int]] = defaultdict(list)
    metas: defaultdict[str, list[int]] = defaultdict(list)
    title_places: defaultdict[str, list[tuple[int, list[int]]]] = defaultdict(list)
    meta_places: defaultdict[str, list[tuple[int, list[int]]]] = defaultdict(list)
    names: defaultdict[str, list[int]] = defaultdict(list)
    for doc_id, doc in enumerate(ordered):
        all_terms = _doc_positions(doc, doc.body_terms)
        # The title's and the tags' terms, split once: their keys are the terms (as index_terms).
        title_at, meta_at = _title_meta_positions(doc)
        if doc.name is not None:
            # "=" never starts a term; the browser looks up "=" + its normalized query segments.
            names["=" + " ".join(query_segments(doc.name))].append(doc_id)
        # Ids are appended in increasing order, so every list stays sorted without a sort.
        b, rel = divmod(doc_id, block)
        for term, at in all_terms.items():
            postings[term].append(doc_id)
            if at:
                places[b][term].append((rel, at))
        for term in title_at:
            titles[term].append(doc_id)
        for term in meta_at:
            metas[term].append(doc_id)
        for term, at in title_at.items():
            if at:
                title_places[term].append((doc_id, at))
        for term, at in meta_at.items():
            if at:
                meta_places[term].append((doc_id, at))

    entries: dict[str, list[str]] = {}
    for term, ids in postings.items():
        entry = [
            encode_ids(ids),
            encode_ids(titles.get(term, ())),
            encode_ids(metas.get(term, ())),
            encode_positions(title_places.get(term, ())),
            encode_positions(meta_places.get(term, ())),
        ]
        while len(entry) > 1 and not entry[-1]:
            entry.pop()
        entries[term] = entry
    for key, ids in names.items():
        entries[key] = [encode_ids(ids)]
    pentries = [{term: encode_positions(at) for term, at in terms.items()} for terms in places]

    estimated = sum(_size(t, e) for t, e in entries.items())
    shards = _shard_count(estimated)
    pestimated = [sum(_psize(t, c) for t, c in terms.items()) for terms in pentries]
    pshards = [_shard_count(n) for n in pestimated]
    files: dict[str, bytes] = {}
    layout = [("t", shards, entries)]
    layout += [(f"p/{b}", pshards[b], pentries[b]) for b in range(len(pentries))]
    for folder, count, items in layout:
        buckets: list[dict[str, Any]] = [{} for _ in range(count)]
        for term, entry in items.items():
            buckets[entry_shard(term, count)][term] = entry
        for i, bucket in enumerate(buckets):
            files[_shard_path(i, count, folder)] = _dumps(bucket)
    _with_records_and_manifest(files, ordered, shards, pshards, block)
    state = IndexState(
        keys=[doc.key for doc in ordered],
        sigs=[_term_sig(doc) for doc in ordered],
        digests=[_body_digest(doc) for doc in ordered],
        estimated=estimated,
        shards=shards,
        pestimated=pestimated,
        pshards=pshards,
        block=block,
    )
    return files, state


def build_index_files(docs: Iterable[IndexDoc], block: int | None = None) -> dict[str, bytes]:
    return build_index(docs, block)[0]


#: Above this share of changed pages an update is not worth it: the index is built anew.
UPDATE_MAX_SHARE = 0.05


def update_index(
    docs: Iterable[IndexDoc],
    state: IndexState,
    current: Callable[[str], bytes | None],
    old_body: Callable[[str], Any],
) -> tuple[dict[str, bytes], IndexState] | None:
    """The files :func:`build_index` would make, from the last build's files and a few changes.

    Applies when the pages, their order and everything but some pages' body text are as in
    ``state`` (an edit to a post's text): the ids of those pages are added to or removed from
    the postings of the terms that differ, their offsets replaced in the position entries of
    their terms, and only the shards holding such terms are decoded and written anew.
    ``current(path)`` gives the last build's file, ``old_body(digest)`` a page's terms (and
    offsets) at the last build. None when the change is of another kind, or when anything
    needed is missing: the caller then builds the index anew.
    """
    ordered = sorted(docs, key=_order)
    if [d.key for d in ordered] != state.keys or [_term_sig(d) for d in ordered] != state.sigs:
        return None
    digests = [_body_digest(d) for d in ordered]
    changed = [i for i, (new, old) in enumerate(zip(digests, state.digests, strict=True)) if new != old]
    if len(changed) > max(1, int(len(ordered) * UPDATE_MAX_SHARE)):
        return None
    added: defaultdict[str, set[int]] = defaultdict(set)
    removed: defaultdict[str, set[int]] = defaultdict(set)
    moved: defaultdict[str, dict[int, list[int]]] = defaultdict(dict)  # [] = no offsets
    for i in changed:
        before = old_body(state.digests[i])
        if before is None:
            return None
        old_all = _doc_positions(ordered[i], before)
        new_all = _doc_positions(ordered[i], ordered[i].body_terms)
        for term in new_all.keys() - old_all.keys():
            added[term].add(i)
        for term in old_all.keys() - new_all.keys():
            removed[term].add(i)
        for term in old_all.keys() | new_all.keys():
            if old_all.get(term) != new_all.get(term):
                moved[term][i] = new_all.get(term) or []

    files: dict[str, bytes] = {}
    shards, pshards = state.shards, state.pshards
    estimated, pestimated = state.estimated, state.pestimated

    buckets: dict[int, dict[str, list[str]]] = {}
    for term in sorted(set(added) | set(removed)):
        k = shard_of(term, shards)
        if k not in buckets:
            raw = current(_shard_path(k, shards))
            if raw is None:
                return None
            buckets[k] = json.loads(raw)
        bucket = buckets[k]
        entry = bucket.get(term)
        ids = set(decode_ids(entry[0])) if entry else set()
        ids = (ids - removed.get(term, set())) | added.get(term, set())
        if entry:
            estimated -= _size(term, entry)
        if ids:
            new_entry = [encode_ids(sorted(ids)), *(entry[1:] if entry else [])]
            bucket[term] = new_entry
            estimated += _size(term, new_entry)
        elif entry is not None and len(entry) > 1:
            return None  # a title or tag term lost its body posting: cannot happen, rebuild
        else:
            bucket.pop(term, None)

    block = state.block
    if len(pshards) != _block_count(len(ordered), block):
        return None
    pestimated = list(pestimated)
    pbuckets: list[dict[int, dict[str, str]]] = [{} for _ in pshards]
    for term in sorted(moved):
        by_block: defaultdict[int, dict[int, list[int]]] = defaultdict(dict)
        for i, at in moved[term].items():
            by_block[i // block][i % block] = at
        for b, changes in sorted(by_block.items()):
            k = shard_of(term, pshards[b])
            if k not in pbuckets[b]:
                raw = current(_shard_path(k, pshards[b], f"p/{b}"))
                if raw is None:
                    return None
                pbuckets[b][k] = json.loads(raw)
            pbucket = pbuckets[b][k]
            code = pbucket.get(term)
            places = decode_positions(code) if code else {}
            if code:
                pestimated[b] -= _psize(term, code)
            for rel, at in changes.items():
                if at:
                    places[rel] = at
                else:
                    places.pop(rel, None)
            if places:
                code = encode_positions(sorted(places.items()))
                pbucket[term] = code
                pestimated[b] += _psize(term, code)
            else:
                pbucket.pop(term, None)

    if _shard_count(estimated) != shards or [_shard_count(n) for n in pestimated] != pshards:
        return None
    layout = [("t", shards, buckets)]
    layout += [(f"p/{b}", pshards[b], pbuckets[b]) for b in range(len(pshards))]
    for folder, count, changed_buckets in layout:
        for i in range(count):
            path = _shard_path(i, count, folder)
            raw = _dumps(changed_buckets[i]) if i in changed_buckets else current(path)
            if raw is None:
                return None
            files[path] = raw
    _with_records_and_manifest(files, ordered, shards, pshards, block)
    new_state = IndexState(
        state.keys, state.sigs, digests, estimated, shards, pestimated, pshards, block
    )
    return files, new_state


def write_index_files(outdir: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` under ``outdir``: unchanged files are left alone, stale ones removed.

    Leaving identical files untouched keeps their modification times, so an incremental build
    does not make a deploy upload the whole index again.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    for path in sorted(outdir.rglob("*")):
        rel = path.relative_to(outdir).as_posix()
        if path.is_file() and rel not in files:
            path.unlink()
    for rel, content in sorted(files.items()):
        target = outdir / rel
        try:
            if target.read_bytes() == content:
                continue
        except OSError:
            target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    for path in sorted(outdir.rglob("*"), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()


# -- the Sphinx glue: collecting documents, writing, the search page ------------------------------


def _is_search_builder(builder: Builder) -> bool:
    """HTML builders that write a search page (not singlehtml, epub or htmlhelp)."""
    return isinstance(builder, StandaloneHTMLBuilder) and bool(
        getattr(type(builder), "search", False)
    )


def _kiji_domain(env: BuildEnvironment) -> Domain | None:
    # The post store of ``kiji``; absent when this module is used on its own.
    try:
        return env.get_domain("kiji")
    except ExtensionError:
        return None


def _post_info(env: BuildEnvironment, docname: str) -> dict[str, Any] | None:
    getter = getattr(_kiji_domain(env), "post_info", None)
    return getter(docname) if getter is not None else None


def _taxonomy_pages(env: BuildEnvironment) -> list[dict[str, Any]]:
    getter = getattr(_kiji_domain(env), "taxonomy_pages", None)
    return list(getter()) if getter is not None else []


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return [str(v) for v in value if v]
    return []


def collect_documents(app: Sphinx) -> Iterator[IndexDoc]:
    """Every searchable page: the read documents, then the generated taxonomy pages."""
    env = app.env
    builder = app.builder
    domain = env.get_domain("kijisearch")
    assert isinstance(domain, KijiSearchDomain)
    for docname in sorted(env.all_docs):
        if docname in _SKIP_PAGES or docname not in domain.docs:
            continue
        metadata = env.metadata.get(docname, {})
        if "no-search" in metadata or "nosearch" in metadata:
            continue
        title_node = env.titles.get(docname)
        title = title_node.astext() if title_node is not None else ""
        info = _post_info(env, docname)
        doc = IndexDoc(
            key=docname,
            url=builder.get_target_uri(docname),
            title=title,
            body_terms=StoredTerms(domain, docname),
            excerpt=domain.excerpt(docname),
        )
        if info:
            doc.kind = "post"
            doc.title = str(info.get("title") or title)
            doc.date = info.get("date")
            doc.date_display = info.get("date_display")
            ts = info.get("ts")
            doc.timestamp = float(ts) if isinstance(ts, int | float) else None
            doc.tags = _strings(info.get("tags"))
            doc.categories = _strings(info.get("categories"))
            doc.authors = _strings(info.get("authors"))
            if info.get("excerpt"):
                doc.excerpt = " ".join(str(info["excerpt"]).split())
        yield doc
    for page in _taxonomy_pages(env):
        pagename = str(page.get("pagename", ""))
        if not pagename or pagename in env.all_docs:
            continue
        name = str(page.get("name", ""))
        title = str(page.get("title") or name)
        count = page.get("count")
        yield IndexDoc(
            key=pagename,
            url=builder.get_target_uri(pagename),
            title=title,
            kind=str(page.get("kind", "page")),
            name=name,
            excerpt=f"{count} 件の記事" if isinstance(count, int) else "",
        )


def code_digest() -> str:
    """The index code, by its source: a new splitter or file layout never reuses old files."""
    h = hashlib.sha256()
    for module in (__file__, textsplit.__file__):
        h.update(Path(module).read_bytes())
    return h.hexdigest()


def inputs_digest(docs: Sequence[IndexDoc], block: int = BLOCK) -> str:
    """A digest of everything the index is made from, without reading any term file.

    Stored terms count by their content digest, the code by :func:`code_digest`.
    """
    h = hashlib.sha256(f"{code_digest()} {block}".encode("ascii"))
    for doc in docs:
        fields = {k: v for k, v in vars(doc).items() if k != "body_terms"}
        fields["body_terms"] = _body_digest(doc)
        h.update(json.dumps(fields, ensure_ascii=False, sort_keys=True, default=list).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def _load_state(store: SideStore) -> dict[str, Any]:
    data = store.load()
    return data if data.get("code") == code_digest() else {}


def _index_state(data: dict[str, Any]) -> IndexState | None:
    try:
        return IndexState(**data["state"])
    except (KeyError, TypeError):
        return None


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _manifest_version(raw: bytes | None) -> str | None:
    try:
        return str(json.loads(raw)["version"]) if raw is not None else None
    except (ValueError, KeyError, TypeError):
        return None


def _remove_stale_terms(env: BuildEnvironment, domain: KijiSearchDomain) -> None:
    folder = Path(env.doctreedir, TERMS_DIR)
    wanted = {f"{entry['terms']}.terms" for entry in domain.docs.values()}
    try:
        stale = [p for p in folder.iterdir() if p.name not in wanted]
    except OSError:
        return
    for path in stale:
        path.unlink(missing_ok=True)


def start_index(app: Sphinx, builder: Builder) -> None:
    """Build the index as soon as its inputs are known: after reading, before pages are written.

    With ``-j`` it is a forked task that runs while the pages are written (it is joined when
    the generated pages are); without, it runs here.
    """
    if not _is_search_builder(builder):
        return
    domain = app.env.get_domain("kijisearch")
    assert isinstance(domain, KijiSearchDomain)
    docs = list(collect_documents(app))
    outdir = Path(app.outdir) / INDEX_DIR
    doctreedir = Path(app.doctreedir)
    store = SideStore(doctreedir, STORE)
    saved = _load_state(store)
    block = app.config.kiji_search_block
    inputs = inputs_digest(docs, block)
    if (outdir / "manifest.json").is_file() and saved.get("inputs") == inputs:
        return  # the same inputs make the same files: they are all still there
    store.path.unlink(missing_ok=True)  # until the new index is complete
    env = app.env

    def task() -> None:
        try:
            result = None
            state = _index_state(saved)
            # The files on disk must be the ones that state describes, in blocks of this size.
            if state is not None and state.block == block and _manifest_version(
                _read_or_none(outdir / "manifest.json")
            ) == saved.get("version"):
                result = update_index(
                    docs,
                    state,
                    current=lambda rel: _read_or_none(outdir / rel),
                    old_body=lambda digest: _read_terms(doctreedir, digest),
                )
            files, new_state = result or build_index(docs, block)
            write_index_files(outdir, files)
            record = {
                "code": code_digest(),
                "inputs": inputs,
                "version": _manifest_version(files["manifest.json"]),
                "state": asdict(new_state),
            }
            store.save(record)
            _remove_stale_terms(env, domain)  # only now: an update reads the old terms
        except (OSError, ValueError, zlib.error) as err:
            logger.warning(
                "the search index could not be written: %s", err, type=WARNING_TYPE, subtype=SUBTYPE
            )

    background(app).add(task)


def _read_terms(doctreedir: Path | str, digest: str) -> list[str] | None:
    """A page's stored terms by digest; None when the file is gone or damaged."""
    try:
        return _unpack_terms(_terms_path(doctreedir, digest).read_bytes())
    except (OSError, zlib.error):
        return None


def _search_page_base(app: Sphinx) -> str:
    """Which theme family the theme's own ``search.html`` belongs to: ``pydata`` or ``basic``.

    Our template extends the theme's and must skip the block that loads ``searchtools.js``;
    pydata-sphinx-theme (and sphinx-book-theme on top of it) lays the page out differently.
    """
    theme = getattr(app.builder, "theme", None)
    for theme_dir in theme.get_theme_dirs() if theme is not None else ():
        if (Path(theme_dir) / "search.html").is_file():
            return "pydata" if Path(theme_dir).name == "pydata_sphinx_theme" else "basic"
    return "basic"


#: Read the Docs Addons sends its data event in the shape of API version 1 to pages that ask for it
#: (kiji-search.js reads ``addons.search.enabled`` from it, see its part 5).
RTD_ADDONS_META = '<meta name="readthedocs-addons-api-version" content="1" />'


def on_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if _is_search_builder(app.builder) and RTD_ADDONS_META not in context.get("metatags", ""):
        context["metatags"] = context.get("metatags", "") + "\n" + RTD_ADDONS_META
    if pagename == "search" and _is_search_builder(app.builder):
        context["kiji_search_base"] = _search_page_base(app)
        context["kiji_search_index"] = f"{INDEX_DIR}/manifest.json"
