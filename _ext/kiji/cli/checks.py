"""``kiji lint``'s checks: small functions, each registered with its code and severity.

A check is a generator decorated with :func:`check`. A *file* check takes ``(ctx, doc)`` and
yields ``(line, message)``; a *site* check (``site=True``) takes ``ctx`` and yields
``(doc, line, message)``: duplicate titles, colliding slugs and tags are facts about the site.
Its docstring's first line is the one-line description (the ``--list`` output, the CHECKS table,
the guide's table); the rest says what is reported, with a Bad and a Good example.

Several functions may share a code (``title``: no title in one post, the same title in two); the
first one registered gives the code its severity and description.
"""

from __future__ import annotations

import bisect
import posixpath
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from ..core import catalog as cat
from ..core import sources
from ..core.warnings_ import W
from .scan import END_MARKER, Ref

if TYPE_CHECKING:
    from .lint import Doc, Site

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)

# Shorter repeats are normal writing: list lead-ins (「次の点を確認しておきましょう。」), labels.
MIN_DUPLICATE_CHARS = 30
IMAGE_SUFFIXES = (
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".avif",
    ".svg",
    ".bmp",
    ".tif",
    ".tiff",
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class Check:
    """One registered check."""

    name: str  # the function's name
    code: str  # what a finding is reported as: [code]
    severity: str
    site: bool  # a whole-site check
    func: Callable[..., Iterator[Any]]
    ja: str = ""  # the guide's description (the authors read Japanese)

    @property
    def doc(self) -> str:
        return (self.func.__doc__ or "").strip()

    @property
    def summary(self) -> str:
        return self.doc.split("\n", 1)[0].rstrip(".")


REGISTRY: dict[str, Check] = {}  # by function name, in the order of this module


def check(code: str, severity: str, *, site: bool = False, ja: str = "") -> Callable[[Any], Any]:
    """Register a check: ``@check("broken-link", ERROR)`` (sphinx-lint's ``@checker`` style).

    ``ja``: the code's line in the guide's table (given once per code, on its first check).
    """
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")

    def register(func: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
        REGISTRY[func.__name__] = Check(func.__name__, code, severity, site, func, ja)
        return func

    return register


def codes() -> dict[str, tuple[str, str]]:
    """code -> (severity, description), from the registry: the one list of what lint reports."""
    out: dict[str, tuple[str, str]] = {}
    for c in REGISTRY.values():
        out.setdefault(c.code, (c.severity, c.summary))
    return out


def guide_table() -> str:
    """The table of checks in the guide post "ビルドと警告" (``kiji lint --list markdown``)."""
    rows = ["| チェック | 重要度 | 内容 |", "| --- | --- | --- |"]
    ja = {}
    for c in REGISTRY.values():
        ja.setdefault(c.code, c.ja)
    rows += [f"| `{code}` | {severity} | {ja[code]} |" for code, (severity, _s) in codes().items()]
    return "\n".join(rows)


# --------------------------------------------------------------------------- the context


@dataclass
class Context:
    """The site as the checks see it, with the whole-site data computed once."""

    site: Site
    _catalog: cat.Catalog | None = None
    _labels: set[str] | None = None
    _slugs: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def settings(self) -> Any:
        return self.site.settings

    @property
    def catalog(self) -> cat.Catalog:
        """The build's catalogue (:func:`kiji.core.catalog.build`) of the posts it builds."""
        if self._catalog is None:
            infos: dict[str, dict[str, Any]] = {}
            for doc in self.site.built_posts():
                post = doc.post
                assert post is not None
                when = post.date
                infos[doc.docname] = {
                    "title": post.title,
                    "ts": when.timestamp() if when else None,
                    "year": when.year if when else None,
                    "month": when.month if when else None,
                    "tags": list(post.tags),
                    "categories": list(post.categories),
                    "authors": list(post.authors),
                }
            taken = {
                d.docname
                for d in self.site.docs.values()
                if d.docname.split("/", 1)[0] in cat.FOLDERS.values()
            }
            self._catalog = cat.build(infos, taken=taken)
        return self._catalog

    @property
    def labels(self) -> set[str]:
        """Every explicit label of the site: ``(label)=`` and ``:name:``."""
        if self._labels is None:
            self._labels = set().union(*(d.body.labels for d in self.site.docs.values() if d.body))
        return self._labels

    def find_post(self, target: str) -> Doc | None:
        """The post a ``{post}`` role names, as the domain finds it (a built one first)."""
        for which in ("built", "all"):
            if which not in self._slugs:
                docs = self.site.built_posts() if which == "built" else self.site.posts()
                self._slugs[which] = {d.docname: _slug(d) for d in docs}
            found = sources.find_post(target, self._slugs[which])
            if found is not None:
                return self.site.by_docname(found)
        return None


def _slug(doc: Doc) -> str:
    if doc.post is not None and doc.post.slug:
        return doc.post.slug
    return sources.slug_from_docname(doc.docname)


# --------------------------------------------------------------------------- the build's warnings


def _problems(doc: Doc, subtype: W, lint_only: str = "") -> Iterator[tuple[int, str]]:
    for problem in doc.problems:
        if problem.subtype is subtype and problem.lint_only == lint_only:
            yield problem.line or 1, problem.message


@check(W.ENCODING.value, ERROR, ja="UTF-8 以外の文字コード（CP932、UTF-16、読めないバイト。`kiji.encoding` と同じ）")
def encoding(ctx: Context, doc: Doc) -> Iterator[tuple[int, str]]:
    """Not UTF-8 (CP932, UTF-16, bytes that cannot be decoded).

    The build's ``kiji.encoding``. Bad: a file saved as Shift_JIS. Good: UTF-8.
    """
    yield from _problems(doc, W.ENCODING)


@check("line-endings", INFO, ja="CRLF の改行（ビルドは LF に直し、警告しません）")
def line_endings(ctx: Context, doc: Doc) -> Iterator[tuple[int, str]]:
    """CRLF line endings: the build converts them and the page is as meant, so it does not warn.

    Bad: a file saved with Windows line endings. Good: LF.
    """
    yield from _problems(doc, W.ENCODING, "line-endings")


@check("byte-order-mark", INFO, ja="UTF-8 の BOM（ビルドは取り除き、警告しません）")
def byte_order_mark(ctx: Context, doc: Doc) -> Iterator[tuple[int, str]]:
    """A UTF-8 byte order mark: the build removes it and does not warn.

    Bad: a file saved as "UTF-8 with BOM". Good: UTF-8 without one.
    """
    yield from _problems(doc, W.ENCODING, "byte-order-mark")


@check(
    W.FRONTMATTER.value,
    ERROR,
    ja="フロントマターがない、閉じていない、YAML や TOML として読めない（ビルドの `kiji.frontmatter` と同じ）",
)
def frontmatter(ctx: Context, doc: Doc) -> Iterator[tuple[int, str]]:
    """Front matter missing, unclosed, invalid YAML/TOML, not a mapping.

    The build's ``kiji.frontmatter``. Bad: ``title: a: b``. Good: ``title: "a: b"``.
    """
    yield from _problems(doc, W.FRONTMATTER)


@check(W.FIELD.value, ERROR, ja="項目の値の型が違う（`kiji.field` と同じ）")
def field_type(ctx: Context, doc: Doc) -> Iterator[tuple[int, str]]:
    """A front-matter value of the wrong type.

    The build's ``kiji.field``. Bad: ``reading_time: たくさん``. Good: ``reading_time: 5``.
    """
    yield from _problems(doc, W.FIELD)


@check(W.DATE.value, ERROR, ja="日付が読めない、または日付がどこにもない（`kiji.date` と同じ）")
def date(ctx: Context, doc: Doc) -> Iterator[tuple[int, str]]:
    """A date that cannot be read, or no date at all.

    The build's ``kiji.date``. Bad: ``date: 昨日の夕方``. Good: ``date: 2026-01-04 18:00:00 +0900``.
    """
    yield from _problems(doc, W.DATE)


@check(
    W.TITLE.value,
    ERROR,
    ja="タイトルがない（`kiji.title` と同じ）",
)
def title_missing(ctx: Context, doc: Doc) -> Iterator[tuple[int, str]]:
    """No title.

    The build's ``kiji.title`` (it then uses the file name). Bad: no ``title:``. Good:
    ``title: 推論チップの比較``.
    """
    yield from _problems(doc, W.TITLE)
    if doc.post is not None and doc.post.title is None:
        yield 1, "no title in the front matter"


@check("duplicate-title", WARNING, site=True, ja="同じタイトルの記事が2本ある（どちらのページも正しく表示されるので、ビルドは警告しません）")
def title_duplicate(ctx: Context) -> Iterator[tuple[Doc, int, str]]:
    """Two built posts with the same title: the second of them, in docname order.

    Readers see two fine pages, so the build does not warn; a reader searching may not tell
    them apart. Bad: two posts titled ``まとめ``. Good: titles that say which summary.
    """
    titles = {d.docname: d.post.title for d in ctx.site.built_posts() if d.post is not None}
    for title, first, other in cat.duplicate_titles(titles):
        doc = ctx.site.by_docname(other)
        if doc is not None:
            yield doc, 1, cat.duplicate_title_message(title, first, other)


@check(
    W.SLUG.value,
    ERROR,
    site=True,
    ja="2つのタグなどが同じ URL になってしまう（`kiji.slug` と同じ）",
)
def slug(ctx: Context) -> Iterator[tuple[Doc, int, str]]:
    """Two tag, category or author names that would share one URL.

    The build's ``kiji.slug``. Bad: tags ``C++`` and ``C`` (both ``c``). Good: ``cpp``.
    """
    field_keys = {
        "tag": ("tags", "tag"),
        "category": ("categories", "category"),
        "author": ("author", "authors"),
    }
    for kind, name, other, slug_ in ctx.catalog.collisions:
        key = cat.name_key(name)
        for doc in ctx.site.built_posts():
            assert doc.post is not None
            names = {
                "tag": doc.post.tags,
                "category": doc.post.categories,
                "author": doc.post.authors,
            }[kind]
            for written in names:
                if cat.name_key(written) == key:
                    line = doc.name_line(field_keys[kind], written)
                    yield doc, line, cat.collision_message(kind, name, other, slug_)


def _liquid_problems(doc: Doc, start: str | None) -> Iterator[tuple[int, str]]:
    for line, message in _problems(doc, W.LIQUID):
        is_ref = message.startswith(("{% post_url ", "{% link "))
        if (start is None and not is_ref) or (start is not None and message.startswith(start)):
            yield line, message


@check(
    W.LIQUID.value, ERROR, ja="変換できない Liquid の記法が文字のまま残る（`kiji.liquid` と同じ）"
)
def liquid(ctx: Context, doc: Doc) -> Iterator[tuple[int, str]]:
    """Jekyll Liquid the build cannot convert: shown as literal text.

    The build's ``kiji.liquid`` (from the same conversion); with ``kiji_jekyll = False`` every
    Liquid tag. Bad: ``{% include ad.html %}``. Good: the content written out, or a directive.
    """
    yield from _liquid_problems(doc, None)
    if doc.body is None:
        return
    for ref in doc.body.refs:
        if ref.kind == "liquid":
            yield (
                ref.line,
                f"Liquid {ref.target!r} shows as text (kiji_jekyll = False: not converted)",
            )
        elif ref.kind == "post_url":
            target = ref.target.strip().strip("'\"")
            found = ctx.site.index.resolve_post(target)
            if found is not None:
                name = posixpath.basename(found).rsplit(".", 1)[0]
                yield (
                    ref.line,
                    (
                        f"{{% post_url {target} %}} shows as text (kiji_jekyll = False); "
                        f"write {{post}}`{name}`"
                    ),
                )


@check(
    W.KRAMDOWN.value,
    ERROR,
    ja="kramdown 独自の記法を取り除いた、または文字のまま残した（`kiji.kramdown` と同じ）",
)
def kramdown(ctx: Context, doc: Doc) -> Iterator[tuple[int, str]]:
    """Kramdown-only syntax the build removes or shows as text.

    The build's ``kiji.kramdown``. Bad: ``{::options parse_block_html="true" /}``. Good: MyST.
    """
    yield from _problems(doc, W.KRAMDOWN)


# --------------------------------------------------------------------------- links


@check(
    "broken-post-url",
    ERROR,
    ja="Jekyll の `{% post_url %}` が存在しない記事を指している（ビルドでは `kiji.liquid`）",
)
def broken_post_url(ctx: Context, doc: Doc) -> Iterator[tuple[int, str]]:
    """A Jekyll {% post_url %} naming no post (the build's kiji.liquid).

    Bad: ``{% post_url 2019-01-07-nothing %}``. Good: the file name of a post that is built.
    """
    yield from _liquid_problems(doc, "{% post_url ")
    if doc.body is None:
        return
    for ref in doc.body.refs:
        target = ref.target.strip().strip("'\"")
        if ref.kind == "post_url" and ctx.site.index.resolve_post(target) is None:
            yield ref.line, f"{{% post_url {target} %}}: no post with that file name"


@check(
    "broken-link",
    ERROR,
    ja="リンク先の記事やファイル、画像、見出しがない、下書きや除外された記事へのリンク、`.html` へのリンク、参照先のない `{post}`・`{tag}`・`{doc}` ロール",
)
def broken_link(ctx: Context, doc: Doc) -> Iterator[tuple[int, str]]:
    """A link, image, {post}/{tag}/{doc} role whose target is missing or not built.

    MyST and the kiji domain warn about each of them at build time. Bad: ``[a](nope.md)``,
    ``{tag}`nothing```. Good: a page or file that exists and is built, a tag some post uses.
    """
    yield from _liquid_problems(doc, "{% link ")
    if doc.body is None:
        return
    local: set[str] | None = None
    for ref in doc.body.refs:
        if ref.kind == "role":
            yield from _role(ctx, doc, ref)
        elif ref.kind in ("link", "image", "html-image", "directive-image"):
            if ref.target.startswith("#"):
                if local is None:
                    local = anchors(ctx, doc)
                anchor = unquote(ref.target[1:])
                if anchor and anchor not in local and anchor not in ctx.labels:
                    yield ref.line, f"no heading or label {anchor!r} in this page"
            else:
                yield from (f[:2] for f in _path(ctx, doc, ref))


def anchors(ctx: Context, doc: Doc) -> set[str]:
    """The anchors of a page: heading slugs up to ``myst_heading_anchors``, labels."""
    if doc.body is None:
        return set()
    return heading_slugs(doc.body.headings, ctx.settings.heading_anchors) | doc.body.labels


def heading_slugs(headings: Sequence[tuple[int, int, str]], max_level: int) -> set[str]:
    """The anchors MyST gives headings up to ``max_level`` (``myst_heading_anchors``)."""
    from myst_parser.slugs import github_slugify, unique_slug  # pure: no docutils import

    slugs: set[str] = set()
    for _line, level, text in headings:
        if level > max_level:
            continue
        found = github_slugify(text)
        if found:
            slugs.add(unique_slug(found, slugs))
    return slugs


def _what(ref: Ref) -> str:
    return "image" if "image" in ref.kind else "link"


def _base(ctx: Context, doc: Doc) -> tuple[Path, Path]:
    """(root, folder) that links of ``doc`` are resolved against."""
    if doc.path.is_relative_to(ctx.site.source):
        return ctx.site.source, doc.path.parent
    return doc.path.parent, doc.path.parent


def not_built(ctx: Context, path: Path) -> str:
    """Why the build leaves ``path`` out ("" when it is built)."""
    try:
        rel = path.resolve().relative_to(ctx.site.source).as_posix()
    except ValueError:
        return ""
    if ctx.site.excluded(rel):
        return "a file excluded from the build (exclude_patterns)"
    other = ctx.site.doc_at(path)
    if other is not None and other.skipped:
        return f"a {other.skipped} post that the build leaves out"
    return ""


def _path(ctx: Context, doc: Doc, ref: Ref) -> Iterator[tuple[int, str, Path | None]]:
    """Findings for a link or image to a path; the third item is an existing image file."""
    target = ref.target.strip()
    if not target or _SCHEME.match(target) or target.startswith("//"):
        return  # external (http:, mailto:, ...) or protocol-relative
    path_part, _, anchor = target.partition("#")
    path_part = unquote(path_part.partition("?")[0])
    anchor = unquote(anchor)
    root, folder = _base(ctx, doc)
    rel = posixpath.normpath(
        path_part.lstrip("/")
        if path_part.startswith("/")
        else posixpath.join(folder.relative_to(root).as_posix(), path_part)
    )
    site = ctx.site
    if rel == ".." or rel.startswith("../"):
        yield ref.line, f"{_what(ref)} {target!r} points outside the site", None
        return
    full = root / rel
    image = ref.kind != "link" or path_part.lower().endswith(IMAGE_SUFFIXES)
    if ref.kind == "html-image":
        return  # raw HTML is passed through untouched: only its size is checked
    if image:
        if not site.file_exists(full):
            yield ref.line, f"image {target!r} not found", None
        return
    if path_part.endswith(".html"):
        yield (
            ref.line,
            (
                f"link {target!r}: MyST resolves no .html links; link to the .md file, "
                "or use a {tag}, {category} or {author} role"
            ),
            None,
        )
        return
    if path_part.endswith("/") or (full.is_dir() and not site.file_exists(full)):
        yield ref.line, f"link {target!r} points at a folder, not a page", None
        return
    suffixes = site.settings.suffixes
    candidate = full if rel.endswith(suffixes) else None
    if candidate is None:
        candidate = next(
            (Path(f"{full}{s}") for s in suffixes if site.file_exists(Path(f"{full}{s}"))), None
        )
    if candidate is None:
        if site.file_exists(full):
            return  # a download (PDF, ZIP, ...) that Sphinx copies
        if "/" not in path_part and path_part in ctx.labels:
            return  # MyST resolves [text](label) against the site's explicit labels
        yield ref.line, f"link {target!r}: no such page or file", None
        return
    if not site.file_exists(candidate):
        yield ref.line, f"link {target!r}: no such page", None
        return
    why = not_built(ctx, candidate)
    if why:
        yield ref.line, f"link {target!r} goes to {why}", None
        return
    if anchor:
        other = site.doc_at(candidate)
        if other is None and candidate.resolve() != doc.path:
            other = site.add(candidate)  # a page outside the scanned set (not a post)
        if other is not None and anchor not in anchors(ctx, other) and anchor not in ctx.labels:
            yield ref.line, f"link {target!r}: no heading or label {anchor!r} there", None


def _role(ctx: Context, doc: Doc, ref: Ref) -> Iterator[tuple[int, str]]:
    role, target = ref.role, ref.target
    if role == "post":
        found = ctx.find_post(target)
        if found is None:
            yield ref.line, f"{{post}}`{target}`: no post with that file name, path or slug"
        elif found.skipped:
            yield (
                ref.line,
                f"{{post}}`{target}` is a {found.skipped} post that the build leaves out",
            )
    elif role in cat.KINDS:
        if ctx.catalog.term(role, target) is None:
            yield ref.line, f"{{{role}}}`{target}`: no built post has that {role}"
    elif role == "doc":
        root, folder = _base(ctx, doc)
        name = posixpath.normpath(
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.join(folder.relative_to(root).as_posix(), target)
        )
        path = next(
            (
                root / f"{name}{s}"
                for s in ctx.settings.suffixes
                if ctx.site.file_exists(root / f"{name}{s}")
            ),
            None,
        )
        if path is None:
            yield ref.line, f"{{doc}}`{target}`: no such page"
        elif not_built(ctx, path):
            yield ref.line, f"{{doc}}`{target}` goes to {not_built(ctx, path)}"


# --------------------------------------------------------------------------- mistakes that build


def _readable(doc: Doc) -> bool:
    # When the block could not be read, "no excerpt" and "no tags" only repeat that.
    return doc.post is not None and not any(p.subtype is W.FRONTMATTER for p in doc.problems)


@check("missing-excerpt", WARNING, ja="要約（`excerpt`）がない")
def missing_excerpt(ctx: Context, doc: Doc) -> Iterator[tuple[int, str]]:
    """No excerpt: the first paragraph becomes the description.

    Bad: no ``excerpt:`` (search results and cards show the first paragraph). Good:
    ``excerpt: 推論向けチップ三種を、価格と電力で比べます。``
    """
    if _readable(doc) and not (doc.post.excerpt or doc.post.description):  # type: ignore[union-attr]
        yield (
            doc.key_line("excerpt", "title"),
            ("no excerpt: the first paragraph becomes the description; write one or two sentences"),
        )


@check("missing-tags", WARNING, ja="タグがない")
def missing_tags(ctx: Context, doc: Doc) -> Iterator[tuple[int, str]]:
    """No tags: the post is on no tag page and has no related posts.

    Bad: no ``tags:``. Good: ``tags: [AI, 半導体]``.
    """
    if _readable(doc) and not doc.post.tags:  # type: ignore[union-attr]
        yield (
            doc.key_line("tags", "tag", "title"),
            ("no tags: the post is on no tag page and gets no related posts"),
        )


def _norm(text: str) -> str:
    """Paragraph identity: NFKC, no white space (line wrapping and spacing do not matter)."""
    if not unicodedata.is_normalized("NFKC", text):  # the cheap test spares most paragraphs
        text = unicodedata.normalize("NFKC", text)
    return "".join(text.split())


def _repeats(doc: Doc) -> Iterator[tuple[int, int | None, bool]]:
    """(line, line of the earlier paragraph it repeats or None, exact) of each long paragraph."""
    assert doc.body is not None
    before: list[int] = []  # line of each earlier block
    starts: list[int] = []  # offsets of each earlier block in the joined text
    joined = ""
    seen: dict[str, int] = {}
    for line, text in doc.body.blocks:
        key = _norm(text)
        if len(key) >= MIN_DUPLICATE_CHARS:
            earlier = seen.get(key)
            exact = earlier is not None
            if earlier is None and joined:
                pos = joined.find(key)
                if pos >= 0:
                    earlier = before[bisect.bisect_right(starts, pos) - 1]
            yield line, earlier, exact
        else:
            yield line, None, False
        seen.setdefault(key, line)
        starts.append(len(joined))
        before.append(line)
        joined += key + "\x00"  # the separator keeps a match inside one paragraph


def _end_line(doc: Doc) -> int | None:
    assert doc.body is not None
    return next((line for line, text in doc.body.markers if END_MARKER.match(text)), None)


def _after_end(doc: Doc) -> tuple[int, int | None] | None:
    """(line, repeated line) of the first paragraph after the end marker."""
    end = _end_line(doc)
    if end is None:
        return None
    for line, earlier, _exact in _repeats(doc):
        if line > end and not END_MARKER.match(_block_text(doc, line)):
            return line, earlier
    return None


def _block_text(doc: Doc, line: int) -> str:
    assert doc.body is not None
    return next((t.strip() for ln, t in doc.body.blocks if ln == line), "")


@check("duplicate-paragraph", WARNING, ja="同じ段落、または前の段落の一部がもう一度出てくる")
def duplicate_paragraph(ctx: Context, doc: Doc) -> Iterator[tuple[int, str]]:
    """A paragraph repeated within the post.

    Whitespace and NFKC width do not count; paragraphs under 30 characters are not checked.
    Bad: the same explanation pasted twice. Good: say it once, link back to it.
    """
    if doc.body is None:
        return
    after = _after_end(doc)
    for line, earlier, exact in _repeats(doc):
        if earlier is not None and (after is None or line != after[0]):
            what = "repeats the paragraph on" if exact else "repeats text of the paragraph on"
            yield line, f"this paragraph {what} line {earlier}"


@check(
    "generation-leftover",
    WARNING,
    ja="`---END---` のような文章生成の終わりの印や `<\\|endoftext\\|>`、印のあとに続いた文章",
)
def generation_leftover(ctx: Context, doc: Doc) -> Iterator[tuple[int, str]]:
    """A ---END--- marker or a model token, or text generated after it.

    Bad: ``---END---`` then more text, ``<|endoftext|>``. Good: the post ends where it ends.
    """
    if doc.body is None:
        return
    for line, text in doc.body.markers:
        if END_MARKER.match(text):
            yield line, f"end-of-generation marker {text!r} left in the text"
        else:
            yield line, f"language-model token {text!r} left in the text"
    after = _after_end(doc)
    if after is not None:
        line, earlier = after
        end = _end_line(doc)
        if earlier is not None:
            yield (
                line,
                f"text after the end marker on line {end} repeats line {earlier}: the generation ran on",
            )
        else:
            yield line, f"text continues after the end marker on line {end}"


@check("future-date", WARNING, ja="日付が未来（その日まではサイトに含まれません）")
def future_date(ctx: Context, doc: Doc) -> Iterator[tuple[int, str]]:
    """A date in the future: the post is left out until then.

    Bad: ``date: 2099-01-01`` by mistake. Good: today's date, or ``kiji_show_future = True``.
    """
    post, settings = doc.post, ctx.settings
    if post is not None and post.date and post.date > settings.now:
        why = (
            "shown because kiji_show_future = True"
            if settings.show_future
            else "the build leaves it out until then"
        )
        yield doc.key_line("date"), f"dated {post.date.isoformat(sep=' ')}, in the future: {why}"


def _bytes(n: float) -> str:
    for unit in ("B", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} MB"


@check(
    "oversized-image",
    WARNING,
    ja="画像のファイルが 500 KB より大きい、または長い辺が 2400 ピクセルより大きい",
)
def oversized_image(ctx: Context, doc: Doc) -> Iterator[tuple[int, str]]:
    """An image file too large in bytes or pixels.

    Bad: a 4 MB, 6000 px photo. Good: under ``--max-image-kb`` and ``--max-image-px``.
    """
    if doc.body is None:
        return
    settings = ctx.settings
    root, folder = _base(ctx, doc)
    for ref in doc.body.refs:
        if ref.kind not in ("image", "html-image", "directive-image") and not (
            ref.kind == "link" and ref.target.lower().endswith(IMAGE_SUFFIXES)
        ):
            continue
        target = ref.target.strip()
        if not target or _SCHEME.match(target) or target.startswith(("//", "#")):
            continue
        part = unquote(target.partition("#")[0].partition("?")[0])
        rel = posixpath.normpath(
            part.lstrip("/")
            if part.startswith("/")
            else posixpath.join(folder.relative_to(root).as_posix(), part)
        )
        path = root / rel
        if rel.startswith("../") or not ctx.site.file_exists(path):
            continue
        size = path.stat().st_size
        if size > settings.max_image_bytes:
            yield (
                ref.line,
                (
                    f"image {ref.target!r} is {_bytes(size)} "
                    f"(limit {_bytes(settings.max_image_bytes)}); compress or resize it"
                ),
            )
            continue
        if path.suffix.lower() == ".svg":
            continue
        try:
            from PIL import Image

            with Image.open(path) as im:  # reads the header only
                width, height = im.size
        except Exception:  # noqa: BLE001 - not an image Pillow knows: the byte limit is enough
            continue
        if max(width, height) > settings.max_image_pixels:
            yield (
                ref.line,
                (
                    f"image {ref.target!r} is {width}×{height} px "
                    f"(limit {settings.max_image_pixels} px on the longer side)"
                ),
            )


# --------------------------------------------------------------------------- tags


@dataclass
class _TagUses:
    uses: dict[str, dict[str, list[Doc]]]  # key -> spelling -> posts
    count: dict[str, int]  # key -> number of posts
    changes: list[tuple[str, str]]  # (keep, change) near-duplicate pairs

    def shown(self, key: str) -> str:
        spellings = self.uses[key]
        return sorted(spellings, key=lambda s: (-len(spellings[s]), s))[0]


def _tag_uses(ctx: Context) -> _TagUses:
    # Over every post (drafts too: they will be published with those tags).
    uses: dict[str, dict[str, list[Doc]]] = defaultdict(lambda: defaultdict(list))
    for doc in ctx.site.posts():
        assert doc.post is not None
        for tag in doc.post.tags:
            key = cat.name_key(tag)
            if key:
                uses[key][tag].append(doc)
    count = {k: len({id(d) for docs in sp.values() for d in docs}) for k, sp in uses.items()}
    # Point at the posts of the less used tag of a pair: they are the ones to change.
    changes = [
        (a, b) if (count[a], b) > (count[b], a) else (b, a) for a, b in near_duplicates(list(uses))
    ]
    return _TagUses(uses, count, changes)


@check(
    "tag-near-duplicate",
    WARNING,
    site=True,
    ja="別のタグなのに見た目がそっくり（`データセンター` と `データ・センター`、`サーバー` と `サーバ`、`pytorch` と `pytroch` のような1文字違いの英字）",
)
def tag_near_duplicate(ctx: Context) -> Iterator[tuple[Doc, int, str]]:
    """Two different tags that look alike (データ・センター, pytorch/pytroch).

    Reported on the posts of the less used one. Bad: ``pytroch``. Good: ``pytorch``.
    """
    t = _tag_uses(ctx)
    for keep, change in t.changes:
        for tag, docs in sorted(t.uses[change].items()):
            for doc in docs:
                yield (
                    doc,
                    doc.name_line(("tags", "tag"), tag),
                    (
                        f"tag {tag!r} looks like {t.shown(keep)!r} ({t.count[keep]} posts) "
                        "but is a different tag"
                    ),
                )


@check(
    "tag-spelling",
    INFO,
    site=True,
    ja="同じタグが `AI`・`ai`・`ＡＩ` のように書き分けられている（ビルドでは1つにまとまります）",
)
def tag_spelling(ctx: Context) -> Iterator[tuple[Doc, int, str]]:
    """One tag written several ways (AI, ai, ＡＩ): the build merges them.

    Bad: ``ＡＩ`` where the site writes ``AI``. Good: the most common spelling.
    """
    t = _tag_uses(ctx)
    for key, spellings in sorted(t.uses.items()):
        if len(spellings) > 1:
            best = t.shown(key)
            for tag, docs in sorted(spellings.items()):
                for doc in docs if tag != best else ():
                    yield (
                        doc,
                        doc.name_line(("tags", "tag"), tag),
                        (
                            f"tag {tag!r} is shown as {best!r} (the most common spelling); "
                            "write it that way"
                        ),
                    )


@check("tag-once", INFO, site=True, ja="1本の記事でしか使われていないタグ")
def tag_once(ctx: Context) -> Iterator[tuple[Doc, int, str]]:
    """A tag used by one post only.

    Not reported when the tag is a near-duplicate (that finding says more). Bad: a tag only this
    post has. Good: a tag shared with related posts.
    """
    t = _tag_uses(ctx)
    changing = {change for _keep, change in t.changes}
    for key, spellings in sorted(t.uses.items()):
        if t.count[key] == 1 and key not in changing:
            tag, docs = next(iter(sorted(spellings.items())))
            yield (
                docs[0],
                docs[0].name_line(("tags", "tag"), tag),
                (f"tag {tag!r} is used by this post only; reuse an existing tag or drop it"),
            )


# --------------------------------------------------------------------------- near-duplicate tags

_SEPARATORS = re.compile(r"[\s\-_・·‐‑‒–—―/]+")
_KATAKANA_END_LONG = re.compile(r"(?<=[\u30a1-\u30fa])ー(?![\u30a1-\u30fc])")


def loose_key(key: str) -> str:
    """A looser identity than :func:`kiji.catalog.name_key`, for spotting variants.

    Drops separators (データ・センター = データセンター, machine-learning = machine learning),
    reads hiragana as katakana, and drops a word-final long-vowel mark (サーバー = サーバ).
    """
    text = _SEPARATORS.sub("", key)
    text = "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)
    return _KATAKANA_END_LONG.sub("", text)


def _close(a: str, b: str) -> bool:
    """Edit distance 1 (a transposition counts as one edit) between ASCII names, typo-like only.

    Names with digits are versions (h100/h200, gpt-4/gpt-5), never typos; names shorter than 4
    are too short to tell (gpu/cpu), except a plural ``s`` (gpu/gpus).
    """
    if not (a.isascii() and b.isascii()) or any(c.isdigit() for c in a + b):
        return False
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1:
        return False
    if len(a) < 4 and not (b == a + "s" and len(a) >= 3):
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def near_duplicates(keys: Sequence[str]) -> list[tuple[str, str]]:
    """Pairs of different tag keys that are probably the same tag written differently."""
    pairs: set[tuple[str, str]] = set()
    groups: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        groups[loose_key(key)].append(key)
    for group in groups.values():
        group.sort()
        pairs.update((group[0], other) for other in group[1:])
    ascii_keys = sorted(k for k in keys if k.isascii() and not any(c.isdigit() for c in k))
    by_length: dict[int, list[str]] = defaultdict(list)
    for key in ascii_keys:
        by_length[len(key)].append(key)
    for key in ascii_keys:
        for length in (len(key), len(key) + 1):
            for other in by_length.get(length, ()):
                if (
                    (other > key or length > len(key))
                    and _close(key, other)
                    and loose_key(key) != loose_key(other)
                ):
                    pairs.add((key, other) if key < other else (other, key))
    return sorted(pairs)
