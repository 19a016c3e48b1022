"""Content checks over the posts (``make lint``): what the build warns about, and more.

Pure Python, no Sphinx import: the front matter is read by :func:`kiji.frontmatter.parse_post`
and tags are identified by :func:`kiji.catalog.name_key`, the very functions the build uses, so a
post that the build warns about is reported here under the same name (``kiji.date`` → ``date``).
On top of those, checks a build cannot make: missing excerpts and tags, near-duplicate tags across
the site, tags used once, paragraphs repeated within a post, leftovers of text generation
(``---END---`` and what was generated after it), future dates, broken internal links, ``{post}``
roles and ``{% post_url %}`` targets, and oversized images.

Every check has one severity (:data:`CHECKS`): ``error`` for what makes ``make strict`` fail or
leaves a broken link on the site, ``warning`` for what is almost certainly a mistake but builds,
``info`` for advice. The command exits 1 only when there are errors (``--fail-on`` changes that).

Command line (``_ext`` on ``sys.path``)::

    python -m kiji.lint [--source docs] [--conf .] [--json report.json] [paths ...]

Paths (files or folders) choose the files reported on; the whole source folder is always read,
because links, tag counts and duplicate titles are facts about the site, not about one file.
"""

from __future__ import annotations

import argparse
import ast
import bisect
import json
import os
import posixpath
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import unquote

from . import catalog as cat
from . import frontmatter as fm
from .warnings_ import W

try:  # the build's own conversion of Jekyll bodies (Liquid, kramdown), when the extension has it
    from . import jekyll, liquid_jekyll
    from .migrate import JEKYLL_SUFFIXES, MANIFEST, SourceIndex, _page_vars, posts_roots
except ImportError:  # pragma: no cover - an extension without Jekyll migration
    jekyll = None  # type: ignore[assignment]
    JEKYLL_SUFFIXES, MANIFEST = (), ""

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)
_RANK = {INFO: 0, WARNING: 1, ERROR: 2}

# The one list of checks: name -> (severity, what it reports). The guide post "ビルドと警告"
# documents the same table; tests assert that every name here is exercised by a fixture.
CHECKS: dict[str, tuple[str, str]] = {
    # The build's own warnings (kiji.<name>): `make strict` fails on each of them.
    W.ENCODING.value: (ERROR, "not UTF-8, a byte order mark, or CRLF line endings"),
    W.FRONTMATTER.value: (
        ERROR,
        "front matter missing, unclosed, invalid YAML/TOML, not a mapping",
    ),
    W.FIELD.value: (ERROR, "a front-matter value of the wrong type"),
    W.DATE.value: (ERROR, "a date that cannot be read, or no date at all"),
    W.TITLE.value: (ERROR, "no title, or two posts with the same title"),
    W.SLUG.value: (ERROR, "two tag, category or author names that would share one URL"),
    W.LIQUID.value: (ERROR, "Jekyll Liquid the build cannot convert: shown as literal text"),
    W.KRAMDOWN.value: (ERROR, "kramdown-only syntax the build removes or shows as text"),
    # Links that would be broken on the site (the build warns about most of them too).
    "broken-link": (
        ERROR,
        "a link, image, {post}/{tag}/{doc} role whose target is missing or not built",
    ),
    "broken-post-url": (ERROR, "a Jekyll {% post_url %} naming no post (the build's kiji.liquid)"),
    # Mistakes that still build.
    "missing-excerpt": (WARNING, "no excerpt: the first paragraph becomes the description"),
    "missing-tags": (WARNING, "no tags: the post is on no tag page and has no related posts"),
    "tag-near-duplicate": (
        WARNING,
        "two different tags that look alike (データ・センター, pytorch/pytroch)",
    ),
    "duplicate-paragraph": (WARNING, "a paragraph repeated within the post"),
    "generation-leftover": (
        WARNING,
        "a ---END--- marker or a model token, or text generated after it",
    ),
    "future-date": (WARNING, "a date in the future: the post is left out until then"),
    "oversized-image": (WARNING, "an image file too large in bytes or pixels"),
    # Advice.
    "tag-spelling": (INFO, "one tag written several ways (AI, ai, ＡＩ): the build merges them"),
    "tag-once": (INFO, "a tag used by one post only"),
}

# Defaults a site can change on the command line.
MAX_IMAGE_BYTES = 500 * 1024  # a photo for the web is rarely worth more
MAX_IMAGE_PIXELS = 2400  # longer side; twice a wide content column, enough for HiDPI screens
# Shorter repeats are normal writing: list lead-ins (「次の点を確認しておきましょう。」), labels.
MIN_DUPLICATE_CHARS = 30
PROGRESS_THRESHOLD = 200  # files: above this a progress display is shown even without a TTY

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


@dataclass(frozen=True, order=True)
class Finding:
    """One problem in one file; ``line`` is 1-based."""

    path: str
    line: int
    check: str
    severity: str
    message: str

    def format(self) -> str:
        return f"{self.path}:{self.line}: [{self.check}] {self.severity}: {self.message}"


@dataclass
class Settings:
    """What the checks need from ``conf.py`` and the command line."""

    posts: tuple[str, ...] = ("posts/**",)
    exclude: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = (".md", ".markdown")
    tz: tzinfo = UTC
    now: datetime = field(default_factory=lambda: datetime.now(tz=UTC))
    show_drafts: bool = False
    show_future: bool = False
    heading_anchors: int = 0
    jekyll: bool = True  # kiji_jekyll: bodies are converted from Jekyll's Liquid and kramdown
    jekyll_site: dict[str, str] = field(default_factory=dict)  # {{ site.x }} defaults
    jekyll_root: str = "_jekyll"  # kiji_jekyll_site: the old site's _config.yml, _data, _includes
    max_image_bytes: int = MAX_IMAGE_BYTES
    max_image_pixels: int = MAX_IMAGE_PIXELS


@dataclass
class Report:
    findings: list[Finding]
    files: int
    seconds: float

    def counts(self) -> dict[str, int]:
        c = Counter(f.severity for f in self.findings)
        return {s: c.get(s, 0) for s in SEVERITIES}

    def summary(self) -> dict[str, Any]:
        return {
            "files": self.files,
            **{f"{s}s" if s != INFO else s: n for s, n in self.counts().items()},
            "by_check": dict(sorted(Counter(f.check for f in self.findings).items())),
            "seconds": round(self.seconds, 3),
        }

    def summary_line(self) -> str:
        c = self.counts()
        return (
            f"lint: {self.files} files, {c[ERROR]} errors, {c[WARNING]} warnings, "
            f"{c[INFO]} info ({self.seconds:.1f} s)"
        )

    def to_json(self) -> dict[str, Any]:
        return {"findings": [asdict(f) for f in self.findings], "summary": self.summary()}


# --------------------------------------------------------------------------- configuration


def read_conf(confdir: Path | None) -> dict[str, Any]:
    """Literal top-level assignments of ``conf.py``, read without running it.

    Linting must not execute a site's configuration (it may import the theme, read the
    environment, take seconds); the values the checks need are plain literals in practice.
    """
    if confdir is None:
        return {}
    path = Path(confdir) / "conf.py"
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    except (OSError, SyntaxError, ValueError):
        return {}
    values: dict[str, Any] = {}
    for node in tree.body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                try:
                    values[target.id] = ast.literal_eval(value)
                except (ValueError, SyntaxError, TypeError):
                    values.pop(target.id, None)  # not a literal: fall back to the default
    return values


def zone(value: str) -> tzinfo:
    """``kiji_timezone`` as the build reads it (an offset, a zone name, else UTC)."""
    if value in ("", "UTC", "utc", "Z"):
        return UTC
    offset = fm._offset(value)
    if offset is not None:
        return offset
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(value)
    except Exception:  # noqa: BLE001 - the build falls back to UTC the same way
        return UTC


def settings_from_conf(conf: dict[str, Any], now: str | None = None) -> Settings:
    """Settings as the build sees them (now: kiji_now, else SOURCE_DATE_EPOCH, else the clock)."""
    s = Settings()
    if isinstance(conf.get("kiji_posts"), (list, tuple)):
        s.posts = tuple(str(p) for p in conf["kiji_posts"])
    if isinstance(conf.get("exclude_patterns"), (list, tuple)):
        s.exclude = tuple(str(p) for p in conf["exclude_patterns"])
    suffix = conf.get("source_suffix")
    if isinstance(suffix, dict):
        s.suffixes = tuple(k for k in suffix if isinstance(k, str)) or s.suffixes
    elif isinstance(suffix, (list, tuple)):
        s.suffixes = tuple(str(k) for k in suffix) or s.suffixes
    elif isinstance(suffix, str):
        s.suffixes = (suffix,)
    # The kiji extension adds .md and .markdown (and Jekyll's others) whatever conf.py says.
    s.suffixes = tuple(dict.fromkeys((*s.suffixes, ".md", ".markdown", *JEKYLL_SUFFIXES)))
    s.jekyll = conf.get("kiji_jekyll") is not False
    root = conf.get("kiji_jekyll_site", "_jekyll")
    s.jekyll_root = root if isinstance(root, str) else "_jekyll"
    base = conf.get("kiji_baseurl")
    s.jekyll_site = {
        "url": "",  # html_baseurl comes from the environment on Read the Docs: not a literal
        "baseurl": base.rstrip("/") if isinstance(base, str) else "",
        "title": conf.get("project") if isinstance(conf.get("project"), str) else "",
    }
    if isinstance(conf.get("kiji_timezone"), str):
        s.tz = zone(conf["kiji_timezone"])
    s.show_drafts = conf.get("kiji_show_drafts") is True
    s.show_future = conf.get("kiji_show_future") is True
    anchors = conf.get("myst_heading_anchors")
    s.heading_anchors = anchors if isinstance(anchors, int) and not isinstance(anchors, bool) else 0
    fixed = now or (conf.get("kiji_now") if isinstance(conf.get("kiji_now"), str) else "")
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if fixed and fm.parse_date(fixed, UTC):
        s.now = fm.parse_date(fixed, UTC)  # type: ignore[assignment]
    elif epoch.isdigit():
        s.now = datetime.fromtimestamp(int(epoch), tz=UTC)
    return s


def glob_regex(pattern: str) -> re.Pattern[str]:
    """Sphinx's glob for docnames and exclude_patterns: ``**`` crosses folders, ``*`` does not."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end > i:
                body = pattern[i + 1 : end]
                out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
                i = end + 1
                continue
            out.append(re.escape(c))
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z")


# --------------------------------------------------------------------------- Markdown scanning

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*(.*)$")
_COLON_FENCE = re.compile(r"^ {0,3}(:{3,})\s*(\{[\w:.-]+\})?\s*(.*)$")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_LABEL = re.compile(r"^ {0,3}\(([^()\s][^()]*)\)=\s*$")
_NAME_OPTION = re.compile(r"^\s*:name:\s*(\S.*?)\s*$")
_REFDEF = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*(<[^>]*>|\S+)")
# Directives whose content is not Markdown: nothing inside them is a link or a paragraph.
_LITERAL_DIRECTIVES = frozenset(
    {
        "code",
        "code-block",
        "sourcecode",
        "code-cell",
        "literalinclude",
        "eval-rst",
        "math",
        "raw",
        "csv-table",
        "mermaid",
        "graphviz",
        "postlist",
        "tagcloud",
        "archive",
        "post",
    }
)

# Inline constructs, leftmost first. Roles and Liquid come before code spans because they use
# backticks and braces themselves; a code span hides everything in it (examples in the guide).
_INLINE = re.compile(
    r"(?P<role>\{(?P<rname>[A-Za-z][\w:.-]*)\}(?P<rticks>`+)(?P<rbody>.+?)(?P=rticks))"
    r"|(?P<liquid>\{%-?\s*(?P<ltag>\w+)(?P<lbody>.*?)-?%\}|\{\{-?\s*(?:site|page|post|include|paginator|content)\b.*?\}\})"
    r"|(?P<code>(?P<ticks>`+).+?(?P=ticks))"
    r"|(?P<link>(?P<bang>!?)\[(?:[^\]\\]|\\.)*\]\(\s*(?P<target><[^>\n]*>|[^\s)]+)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\))"
    r"|(?P<img><img\b[^>]*?\bsrc\s*=\s*[\"'](?P<src>[^\"']+)[\"'])"
)
_CODE_SPAN = re.compile(r"(`+).+?\1")
_ROLE_TITLE = re.compile(r"^(.*?)\s*<([^<>]+)>\s*$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

# A line that is nothing but an end-of-generation marker (---END---, [END], === EOF ===), and
# special tokens of language models wherever they are.
_END_MARKER = re.compile(
    r"^[\s\-=*_~#<>\[\]()|]*"
    r"(END|EOF|END OF (?:ARTICLE|POST|TEXT|DOCUMENT|RESPONSE|OUTPUT))"
    r"[\s\-=*_~#<>\[\]()|]*$"
)
_MODEL_TOKEN = re.compile(
    r"<\|(?:endoftext|im_start|im_end|im_sep|eot_id|end_of_text|begin_of_text|start_header_id|"
    r"end_header_id|assistant|user|system|end)\|>|<(?:start|end)_of_turn>"
)


@dataclass
class Ref:
    """Something a post points at: a link, an image, a role or a Liquid tag."""

    line: int
    kind: str  # link, image, html-image, role, post_url, liquid, refdef, directive-image
    target: str
    role: str = ""


@dataclass
class Body:
    """What the checks need from a Markdown body, read in one pass."""

    blocks: list[tuple[int, str]] = field(default_factory=list)  # (line, text) of paragraphs
    headings: list[tuple[int, int, str]] = field(default_factory=list)  # (line, level, text)
    labels: set[str] = field(default_factory=set)
    refs: list[Ref] = field(default_factory=list)
    markers: list[tuple[int, str]] = field(default_factory=list)  # generation leftovers


def scan_body(lines: Sequence[str], first: int) -> Body:
    """Scan ``lines`` (the file's lines; the body starts at index ``first``)."""
    body = Body()
    fence: tuple[str, int] | None = None  # (char, length) of the open literal fence
    directives: list[tuple[str, int]] = []  # open fences of directives with Markdown content
    para: list[str] = []
    para_line = 0

    def flush() -> None:
        nonlocal para
        if para:
            body.blocks.append((para_line, "\n".join(para)))
            para = []

    for index in range(first, len(lines)):
        line = lines[index]
        lineno = index + 1
        if fence is not None:
            m = _FENCE.match(line)
            if (
                m
                and m.group(1)[0] == fence[0]
                and len(m.group(1)) >= fence[1]
                and not m.group(2).strip()
            ):
                fence = None
            elif line.strip().startswith(":name:"):
                name = _NAME_OPTION.match(line)
                if name:
                    body.labels.add(name.group(1))
            continue
        m = _FENCE.match(line)
        if m:
            flush()
            info = m.group(2).strip()
            directive = re.match(r"\{([\w:.-]+)\}\s*(.*)", info)
            mark = (m.group(1)[0], len(m.group(1)))
            if m.group(1)[0] == "`" and "`" in info:
                pass  # not a fence: a backtick fence's info string has no backtick
            elif (
                not info
                and directives
                and mark[0] == directives[-1][0]
                and mark[1] >= directives[-1][1]
            ):
                directives.pop()  # the end of a directive opened below
                continue
            elif directive and directive.group(1).split(":")[-1] not in _LITERAL_DIRECTIVES:
                # A MyST directive whose content is Markdown: only its fence lines are skipped.
                if directive.group(1) in ("image", "figure") and directive.group(2):
                    body.refs.append(Ref(lineno, "directive-image", directive.group(2).strip()))
                directives.append(mark)
                continue
            else:
                if directive and directive.group(1) in ("image", "figure") and directive.group(2):
                    body.refs.append(Ref(lineno, "directive-image", directive.group(2).strip()))
                fence = mark
                continue
        colon = _COLON_FENCE.match(line)
        if colon:
            flush()
            if colon.group(2) in ("{image}", "{figure}") and colon.group(3):
                body.refs.append(Ref(lineno, "directive-image", colon.group(3).strip()))
            continue
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if _END_MARKER.match(stripped):
            flush()
            body.markers.append((lineno, stripped))
            continue
        if "<" in line:
            # A token quoted in a code span is documentation, not a leftover.
            for token in _MODEL_TOKEN.finditer(_CODE_SPAN.sub("", line)):
                body.markers.append((lineno, token.group(0)))
        label = _LABEL.match(line)
        if label:
            flush()
            body.labels.add(label.group(1).strip())
            continue
        heading = _HEADING.match(line)
        if heading:
            flush()
            body.headings.append((lineno, len(heading.group(1)), heading.group(2) or ""))
        refdef = _REFDEF.match(line)
        if refdef and not heading:
            body.refs.append(Ref(lineno, "refdef", refdef.group(2).strip("<>")))
        elif line.lstrip().startswith(":name:") and not para:
            name = _NAME_OPTION.match(line)
            if name:
                body.labels.add(name.group(1))
        _scan_inline(line, lineno, body.refs)
        if heading:
            continue
        if not para:
            para_line = lineno
        para.append(stripped)
    flush()
    return body


def _scan_inline(line: str, lineno: int, refs: list[Ref]) -> None:
    if not any(c in line for c in "[{<"):
        return  # most lines of prose have nothing to find; skip the regex
    for m in _INLINE.finditer(line):
        if m.group("role"):
            name = m.group("rname").rsplit(":", 1)[-1]
            text = m.group("rbody")
            titled = _ROLE_TITLE.match(text)
            refs.append(
                Ref(lineno, "role", (titled.group(2) if titled else text).strip(), role=name)
            )
        elif m.group("liquid"):
            tag = m.group("ltag") or ""
            if tag == "post_url":
                refs.append(Ref(lineno, "post_url", (m.group("lbody") or "").strip()))
            else:
                refs.append(Ref(lineno, "liquid", m.group("liquid")))
        elif m.group("link"):
            target = m.group("target").strip("<>")
            refs.append(Ref(lineno, "image" if m.group("bang") else "link", target))
        elif m.group("img"):
            refs.append(Ref(lineno, "html-image", m.group("src")))


_INLINE_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|(\*\*|__)(.+?)\2|`+")


def heading_slugs(headings: Iterable[tuple[int, int, str]], max_level: int) -> set[str]:
    """The anchors MyST gives headings up to ``max_level`` (``myst_heading_anchors``)."""
    try:
        from myst_parser.slugs import github_slugify, unique_slug
    except ImportError:  # pragma: no cover - myst-parser is a requirement of the site
        return set()
    slugs: set[str] = set()
    for _line, level, text in headings:
        if level > max_level:
            continue
        # MyST slugs the heading's text, not its Markdown: drop link targets, emphasis, backticks.
        plain = _INLINE_MARKUP.sub(lambda m: m.group(1) or m.group(3) or "", text)
        slug = github_slugify(plain)
        if slug:
            slugs.add(unique_slug(slug, slugs))
    return slugs


def _norm(text: str) -> str:
    """Paragraph identity: NFKC, no white space (line wrapping and spacing do not matter)."""
    if not unicodedata.is_normalized("NFKC", text):  # the cheap test spares most paragraphs
        text = unicodedata.normalize("NFKC", text)
    return "".join(text.split())


# --------------------------------------------------------------------------- the site


@dataclass
class Doc:
    path: Path
    shown: str  # the path as reported
    docname: str
    is_post: bool
    post: fm.Post | None = None
    lines: list[str] = field(default_factory=list)
    body: Body | None = None
    skipped: str = ""  # "draft" or "future" when the build leaves the post out
    first: int = 0  # index of the body's first line in ``lines``
    problems: list[fm.Problem] = field(default_factory=list)

    @property
    def built(self) -> bool:
        return not self.skipped

    def key_line(self, *keys: str) -> int:
        """Line of the first of ``keys`` in the front matter (1 when absent)."""
        if self.post is None or not self.post.fm_lines:
            return 1
        pattern = re.compile(
            r"""\s*["']?(?:""" + "|".join(map(re.escape, keys)) + r""")["']?\s*[:=]"""
        )
        for i in range(1, self.post.fm_lines):
            if pattern.match(self.lines[i]):
                return i + 1
        return 1

    def name_line(self, keys: tuple[str, ...], name: str) -> int:
        """Line where ``name`` is written under one of ``keys`` (a block list puts it lower)."""
        start = self.key_line(*keys)
        if self.post is None or start == 1:
            return start
        for i in range(start - 1, self.post.fm_lines - 1):
            if name in self.lines[i]:
                return i + 1
        return start


class Site:
    """Every source file of the site, parsed once; the context of all checks."""

    def __init__(self, source: Path, settings: Settings, cwd: Path | None = None) -> None:
        self.source = source.resolve()
        self.settings = settings
        self.cwd = (cwd or Path.cwd()).resolve()
        self.post_patterns = [glob_regex(p) for p in settings.posts]
        self.exclude_patterns = [glob_regex(p) for p in settings.exclude]
        self.docs: dict[str, Doc] = {}  # by resolved path
        self._exists: dict[str, bool] = {}
        self._index: dict[str, dict[str, list[Doc]]] | None = None  # posts by name, for roles
        self._finished = False

    # -- files ---------------------------------------------------------------------------------
    def show(self, path: Path) -> str:
        try:
            return path.relative_to(self.cwd).as_posix()
        except ValueError:
            return path.as_posix()

    def docname(self, path: Path) -> str | None:
        try:
            rel = path.relative_to(self.source).as_posix()
        except ValueError:
            return None
        for suffix in self.settings.suffixes:
            if rel.endswith(suffix):
                return rel[: -len(suffix)]
        return None

    def is_post(self, docname: str) -> bool:
        return any(p.match(docname) for p in self.post_patterns)

    def excluded(self, rel: str) -> bool:
        return any(p.match(rel) for p in self.exclude_patterns)

    def source_files(self) -> Iterator[Path]:
        """Source files as Sphinx finds them (hidden folders skipped; ``_posts`` is read)."""
        for dirpath, dirnames, filenames in os.walk(self.source):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.endswith(self.settings.suffixes):
                    yield Path(dirpath, name)

    def add(self, path: Path) -> Doc:
        path = path.resolve()
        docname = self.docname(path)
        is_post = True if docname is None else self.is_post(docname)
        if docname is None:
            docname = path.name.rsplit(".", 1)[0]  # a file given from outside the source folder
        doc = Doc(path=path, shown=self.show(path), docname=docname, is_post=is_post)
        try:
            data = path.read_bytes()
        except OSError as err:
            doc.problems.append(fm.Problem(W.ENCODING, f"cannot read the file: {err.strerror}", 1))
            self.docs[str(path)] = doc
            return doc
        if is_post:
            # The name the build gives parse_post: relative to the source folder.
            rel = (
                path.relative_to(self.source).as_posix()
                if path.is_relative_to(self.source)
                else path.name
            )
            doc.post = fm.parse_post(data, rel, self.settings.tz)
            doc.problems = list(doc.post.problems)
            text, first = doc.post.text, doc.post.fm_lines
            if doc.post.draft and not self.settings.show_drafts:
                doc.skipped = "draft"
            elif (
                doc.post.date
                and doc.post.date > self.settings.now
                and not self.settings.show_future
            ):
                doc.skipped = "future"
        else:
            text, _encoding, doc.problems = fm.decode(data)
            first = 0
        doc.lines = text.split("\n")
        doc.first = first
        if self._finished:  # a page read late (a link's target): nothing to convert
            doc.body = scan_body(doc.lines, first)
        self.docs[str(path)] = doc
        self._index = None
        return doc

    def finish(self, files: Iterable[Path], progress: Progress | None = None) -> None:
        """Convert post bodies from Jekyll as the build does, then scan every body once.

        ``files`` are the site's source files: ``{% post_url %}`` and ``{% link %}`` resolve
        against those the build reads (not excluded, not a draft or future post).
        """
        index = None
        if jekyll is not None and self.settings.jekyll:
            built = []
            for path in files:
                doc = self.docs.get(str(path))
                rel = path.relative_to(self.source).as_posix()
                if not self.excluded(rel) and not (doc is not None and doc.skipped):
                    built.append(path)
            index = self._jekyll_index(built)
        env = None
        if index is not None:
            root = self.source / self.settings.jekyll_root if self.settings.jekyll_root else None
            site, _problems = liquid_jekyll.load_site(root, self.settings.jekyll_site)
            env = liquid_jekyll.JekyllEnvironment(site)
        for key, doc in self.docs.items():
            if index is not None and env is not None and doc.post is not None:
                body = "\n".join(doc.lines[doc.first :])
                path = Path(key)
                info = {
                    "title": doc.post.title or "",
                    "date": doc.post.date.isoformat() if doc.post.date else None,
                    "tags": list(doc.post.tags),
                    "categories": list(doc.post.categories),
                    "slug": doc.post.slug,
                }
                page = _page_vars(path, info)
                if page.get("render_with_liquid") is False:
                    result = liquid_jekyll.Result(body, [], [])
                else:
                    # The build's Liquid and kramdown, so that links are checked in what MyST reads.
                    result = liquid_jekyll.render(
                        body,
                        env=env,
                        first_line=doc.first + 1,
                        page=page,
                        page_dir=path.parent,
                        resolve_post=index.resolve_post,
                        resolve_link=index.resolve_link,
                    )
                text, problems = jekyll.convert(result.text, first_line=doc.first + 1)
                doc.lines = doc.lines[: doc.first] + text.split("\n")
                doc.problems.extend(sorted([*result.problems, *problems], key=lambda p: p.line or 0))
            doc.body = scan_body(doc.lines, doc.first)
            if progress is not None:
                progress.advance()
        self._finished = True

    def _jekyll_index(self, files: Iterable[Path]) -> Any:
        """The build's index of post names (:func:`kiji.migrate.build_index`), from files."""
        index = SourceIndex()
        for path in sorted(files):
            docname = self.docname(path)
            if docname is not None:
                index.paths[docname] = path.relative_to(self.source).as_posix()
        roots = posts_roots(list(self.settings.posts))
        # The importer's manifests first: a renamed post keeps answering to its Jekyll name.
        for root in roots:
            folder = self.source.joinpath(*root)
            for manifest in sorted(folder.rglob(MANIFEST)) if folder.is_dir() else ():
                try:
                    renamed = json.loads(manifest.read_text(encoding="utf-8")).get("files", {})
                except (OSError, ValueError, AttributeError):
                    continue
                for old, new in sorted(renamed.items()) if isinstance(renamed, dict) else ():
                    if isinstance(old, str) and isinstance(new, str):
                        docname = self.docname((manifest.parent / new).resolve())
                        if docname in index.paths:
                            index.add_post(docname, old)
        for docname in sorted(index.paths):
            if not self.is_post(docname):
                continue
            parts = tuple(docname.split("/"))
            root = next((r for r in roots if parts[: len(r)] == r), ())
            rel = "/".join(index.paths[docname].split("/")[len(root) :])
            in_posts = "_posts/" in f"/{rel}" or rel.startswith("_posts/")
            index.add_post(docname, rel if in_posts else "_posts/" + rel)
        return index

    # -- lookups -------------------------------------------------------------------------------
    def posts(self) -> list[Doc]:
        return [d for d in self.docs.values() if d.post is not None]

    def built_posts(self) -> list[Doc]:
        return [d for d in self.posts() if d.built]

    def file_exists(self, path: Path) -> bool:
        key = str(path)
        if key not in self._exists:
            self._exists[key] = path.is_file()
        return self._exists[key]

    def doc_at(self, path: Path) -> Doc | None:
        return self.docs.get(str(path.resolve()))

    def find_post(self, target: str, *, jekyll: bool = False) -> Doc | None:
        """A post by docname, by file name without extension, or by slug, as the domain's
        ``find_post`` looks for ``{post}`` targets; ``jekyll`` also accepts a folder-qualified
        name (``/2026/2026-01-17-x``), as ``{% post_url %}`` does."""
        target = target.strip().removesuffix(".md").removesuffix(".markdown").strip("/")
        if self._index is None:
            index: dict[str, dict[str, list[Doc]]] = {"docname": {}, "tail": {}, "slug": {}}
            for doc in sorted(self.posts(), key=lambda d: d.docname):
                index["docname"].setdefault(doc.docname, []).append(doc)
                index["tail"].setdefault(doc.docname.rsplit("/", 1)[-1], []).append(doc)
                index["slug"].setdefault(_post_slug(doc), []).append(doc)
            self._index = index
        found = self._index["docname"].get(target) or []
        if not found and jekyll and "/" in target:
            tail = target.rsplit("/", 1)[-1]
            found = [
                d for d in self._index["tail"].get(tail, []) if d.docname.endswith("/" + target)
            ]
        found = found or self._index["tail"].get(target) or self._index["slug"].get(target) or []
        # Prefer a built post when a draft has the same name (the build only knows those).
        return next((d for d in found if d.built), found[0]) if found else None


def _post_slug(doc: Doc) -> str:
    if doc.post is not None and doc.post.slug:
        return doc.post.slug
    tail = doc.docname.rsplit("/", 1)[-1]
    m = fm._FILENAME_DATE.fullmatch(tail)
    return m.group(4) if m and m.group(4) else tail


# --------------------------------------------------------------------------- checks


class Checker:
    """Runs every check over the files in scope, with the whole site as context."""

    def __init__(self, site: Site, scope: Sequence[Doc], ignore: Iterable[str] = ()) -> None:
        self.site = site
        self.scope = list(scope)
        self.in_scope = {id(d) for d in self.scope}
        self.ignore = set(ignore)
        self.findings: list[Finding] = []
        self._catalog: cat.Catalog | None = None
        self._labels: set[str] | None = None

    def add(self, doc: Doc, line: int, check: str, message: str) -> None:
        if check in self.ignore or id(doc) not in self.in_scope:
            return
        # A subtype the build learns later is still one of its warnings: an error here too.
        severity = CHECKS.get(check, (ERROR, ""))[0]
        if severity == ERROR and doc.skipped:
            # The build leaves this post out, so it cannot fail `make strict` yet.
            severity = WARNING
            message += f" (not built yet: {doc.skipped})"
        self.findings.append(Finding(doc.shown, max(1, line), check, severity, message))

    # -- whole-site data -------------------------------------------------------------------------
    @property
    def catalog(self) -> cat.Catalog:
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
    def site_labels(self) -> set[str]:
        if self._labels is None:
            self._labels = set().union(*(d.body.labels for d in self.site.docs.values() if d.body))
        return self._labels

    # -- running -----------------------------------------------------------------------------------
    def run(self) -> list[Finding]:
        for doc in self.scope:
            self.check_file(doc)
        self.check_titles()
        self.check_slugs()
        self.check_tags()
        return sorted(set(self.findings))

    def check_file(self, doc: Doc) -> None:
        for problem in doc.problems:
            check = problem.subtype.value
            # The build's kiji.liquid for a post_url or link naming nothing: a broken link, and
            # said so by the check's name.
            if problem.subtype is W.LIQUID and problem.message.startswith("{% post_url "):
                check = "broken-post-url"
            elif problem.subtype is W.LIQUID and problem.message.startswith("{% link "):
                check = "broken-link"
            self.add(doc, problem.line or 1, check, problem.message)
        post = doc.post
        if post is not None:
            if post.title is None:
                self.add(doc, 1, W.TITLE.value, "no title in the front matter")
            # When the block could not be read, "no excerpt" and "no tags" only repeat that.
            unreadable = any(p.subtype is W.FRONTMATTER for p in doc.problems)
            if not (post.excerpt or post.description) and not unreadable:
                self.add(
                    doc,
                    doc.key_line("excerpt", "title"),
                    "missing-excerpt",
                    "no excerpt: the first paragraph becomes the description; "
                    "write one or two sentences",
                )
            if not post.tags and not unreadable:
                self.add(
                    doc,
                    doc.key_line("tags", "tag", "title"),
                    "missing-tags",
                    "no tags: the post is on no tag page and gets no related posts",
                )
            if post.date and post.date > self.site.settings.now:
                when = post.date.isoformat(sep=" ")
                why = (
                    "shown because kiji_show_future = True"
                    if self.site.settings.show_future
                    else "the build leaves it out until then"
                )
                self.add(
                    doc, doc.key_line("date"), "future-date", f"dated {when}, in the future: {why}"
                )
        if doc.body is not None:
            self.check_text(doc, doc.body)
            self.check_refs(doc, doc.body)

    # -- text ------------------------------------------------------------------------------------
    def check_text(self, doc: Doc, body: Body) -> None:
        blocks = [(line, _norm(text)) for line, text in body.blocks]
        reported: set[int] = set()
        end_line = next((line for line, text in body.markers if _END_MARKER.match(text)), None)
        for line, text in body.markers:
            if _END_MARKER.match(text):
                self.add(
                    doc,
                    line,
                    "generation-leftover",
                    f"end-of-generation marker {text!r} left in the text",
                )
            else:
                self.add(
                    doc,
                    line,
                    "generation-leftover",
                    f"language-model token {text!r} left in the text",
                )
        before: list[int] = []  # line of each earlier block
        starts: list[int] = []  # offsets of each earlier block in the joined text
        joined = ""
        seen: dict[str, int] = {}
        after_marker_done = False
        for line, key in blocks:
            if len(key) >= MIN_DUPLICATE_CHARS:
                earlier = seen.get(key)
                if earlier is None and joined:
                    pos = joined.find(key)
                    if pos >= 0:
                        earlier = blocks_line(starts, before, pos)
                if end_line is not None and line > end_line and not after_marker_done:
                    after_marker_done = True
                    if earlier is not None:
                        self.add(
                            doc,
                            line,
                            "generation-leftover",
                            f"text after the end marker on line {end_line} repeats line "
                            f"{earlier}: the generation ran on",
                        )
                    else:
                        self.add(
                            doc,
                            line,
                            "generation-leftover",
                            f"text continues after the end marker on line {end_line}",
                        )
                    reported.add(line)
                elif earlier is not None and line not in reported:
                    what = (
                        "repeats the paragraph on"
                        if seen.get(key) is not None
                        else "repeats text of the paragraph on"
                    )
                    self.add(
                        doc, line, "duplicate-paragraph", f"this paragraph {what} line {earlier}"
                    )
            elif end_line is not None and line > end_line and not after_marker_done:
                after_marker_done = True
                self.add(
                    doc,
                    line,
                    "generation-leftover",
                    f"text continues after the end marker on line {end_line}",
                )
            seen.setdefault(key, line)
            starts.append(len(joined))
            before.append(line)
            joined += key + "\x00"  # the separator keeps a match inside one paragraph

    # -- links -------------------------------------------------------------------------------------
    def check_refs(self, doc: Doc, body: Body) -> None:
        local_anchors: set[str] | None = None
        for ref in body.refs:
            if ref.kind == "role":
                self.check_role(doc, ref)
            elif ref.kind == "post_url":
                self.check_post_url(doc, ref)
            elif ref.kind == "liquid":
                self.add(
                    doc,
                    ref.line,
                    "liquid",
                    f"Liquid {ref.target!r} shows as text (kiji_jekyll = False: not converted)",
                )
            else:
                if ref.target.startswith("#"):
                    if local_anchors is None:
                        local_anchors = self.anchors(doc)
                    anchor = unquote(ref.target[1:])
                    if anchor and anchor not in local_anchors and anchor not in self.site_labels:
                        self.add(
                            doc,
                            ref.line,
                            "broken-link",
                            f"no heading or label {anchor!r} in this page",
                        )
                    continue
                self.check_path(doc, ref)

    def anchors(self, doc: Doc) -> set[str]:
        if doc.body is None:
            return set()
        return (
            heading_slugs(doc.body.headings, self.site.settings.heading_anchors) | doc.body.labels
        )

    def _base(self, doc: Doc) -> tuple[Path, Path]:
        """(root, folder) that links of ``doc`` are resolved against."""
        if doc.path.is_relative_to(self.site.source):
            return self.site.source, doc.path.parent
        return doc.path.parent, doc.path.parent

    def check_path(self, doc: Doc, ref: Ref) -> None:
        target = ref.target.strip()
        if not target or _SCHEME.match(target) or target.startswith("//"):
            return  # external (http:, mailto:, ...) or protocol-relative
        path_part, _, anchor = target.partition("#")
        path_part = unquote(path_part.partition("?")[0])
        anchor = unquote(anchor)
        root, folder = self._base(doc)
        rel = posixpath.normpath(
            path_part.lstrip("/")
            if path_part.startswith("/")
            else posixpath.join(folder.relative_to(root).as_posix(), path_part)
        )
        image = ref.kind in (
            "image",
            "html-image",
            "directive-image",
        ) or path_part.lower().endswith(IMAGE_SUFFIXES)
        if rel == ".." or rel.startswith("../"):
            self.add(
                doc, ref.line, "broken-link", f"{_what(ref)} {target!r} points outside the site"
            )
            return
        full = root / rel
        if ref.kind == "html-image":
            # Raw HTML is passed through untouched: only the size of an existing file is checked.
            if self.site.file_exists(full):
                self.check_image(doc, ref, full)
            return
        if image:
            if not self.site.file_exists(full):
                self.add(doc, ref.line, "broken-link", f"image {target!r} not found")
            else:
                self.check_image(doc, ref, full)
            return
        if path_part.endswith(".html"):
            self.add(
                doc,
                ref.line,
                "broken-link",
                f"link {target!r}: MyST resolves no .html links; link to the .md file, "
                "or use a {tag}, {category} or {author} role",
            )
            return
        if path_part.endswith("/") or (full.is_dir() and not self.site.file_exists(full)):
            self.add(
                doc, ref.line, "broken-link", f"link {target!r} points at a folder, not a page"
            )
            return
        candidate = full if rel.endswith(self.site.settings.suffixes) else None
        if candidate is None:
            for suffix in self.site.settings.suffixes:
                if self.site.file_exists(Path(f"{full}{suffix}")):
                    candidate = Path(f"{full}{suffix}")
                    break
        if candidate is None:
            if self.site.file_exists(full):
                return  # a download (PDF, ZIP, ...) that Sphinx copies
            if "/" not in path_part and path_part in self.site_labels:
                return  # MyST resolves [text](label) against the site's explicit labels
            self.add(doc, ref.line, "broken-link", f"link {target!r}: no such page or file")
            return
        if not self.site.file_exists(candidate):
            self.add(doc, ref.line, "broken-link", f"link {target!r}: no such page")
            return
        why = self.not_built(candidate, root)
        if why:
            self.add(doc, ref.line, "broken-link", f"link {target!r} goes to {why}")
            return
        if anchor:
            other = self.site.doc_at(candidate)
            if other is None and candidate.resolve() != doc.path:
                other = self.site.add(candidate)  # a page outside the scanned set (not a post)
            if (
                other is not None
                and anchor not in self.anchors(other)
                and anchor not in self.site_labels
            ):
                self.add(
                    doc,
                    ref.line,
                    "broken-link",
                    f"link {target!r}: no heading or label {anchor!r} there",
                )

    def not_built(self, path: Path, root: Path) -> str:
        """Why the build leaves ``path`` out ("" when it is built)."""
        try:
            rel = path.resolve().relative_to(self.site.source).as_posix()
        except ValueError:
            return ""
        if self.site.excluded(rel):
            return "a file excluded from the build (exclude_patterns)"
        other = self.site.doc_at(path)
        if other is not None and other.skipped:
            return f"a {other.skipped} post that the build leaves out"
        return ""

    def check_image(self, doc: Doc, ref: Ref, path: Path) -> None:
        settings = self.site.settings
        try:
            size = path.stat().st_size
        except OSError:
            return
        if size > settings.max_image_bytes:
            self.add(
                doc,
                ref.line,
                "oversized-image",
                f"image {ref.target!r} is {_bytes(size)} "
                f"(limit {_bytes(settings.max_image_bytes)}); compress or resize it",
            )
            return
        if path.suffix.lower() == ".svg":
            return
        try:
            from PIL import Image

            with Image.open(path) as im:  # reads the header only
                width, height = im.size
        except Exception:  # noqa: BLE001 - not an image Pillow knows: the byte limit is enough
            return
        if max(width, height) > settings.max_image_pixels:
            self.add(
                doc,
                ref.line,
                "oversized-image",
                f"image {ref.target!r} is {width}×{height} px "
                f"(limit {settings.max_image_pixels} px on the longer side)",
            )

    def check_role(self, doc: Doc, ref: Ref) -> None:
        role, target = ref.role, ref.target
        if role == "post":
            found = self.site.find_post(target)
            if found is None:
                self.add(
                    doc,
                    ref.line,
                    "broken-link",
                    f"{{post}}`{target}`: no post with that file name, path or slug",
                )
            elif found.skipped:
                self.add(
                    doc,
                    ref.line,
                    "broken-link",
                    f"{{post}}`{target}` is a {found.skipped} post that the build leaves out",
                )
        elif role in cat.KINDS:
            if self.catalog.term(role, target) is None:
                self.add(
                    doc,
                    ref.line,
                    "broken-link",
                    f"{{{role}}}`{target}`: no built post has that {role}",
                )
        elif role == "doc":
            root, folder = self._base(doc)
            name = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.join(folder.relative_to(root).as_posix(), target)
            )
            name = posixpath.normpath(name)
            path = next(
                (
                    root / f"{name}{s}"
                    for s in self.site.settings.suffixes
                    if self.site.file_exists(root / f"{name}{s}")
                ),
                None,
            )
            if path is None:
                self.add(doc, ref.line, "broken-link", f"{{doc}}`{target}`: no such page")
            elif self.not_built(path, root):
                self.add(
                    doc,
                    ref.line,
                    "broken-link",
                    f"{{doc}}`{target}` goes to {self.not_built(path, root)}",
                )

    def check_post_url(self, doc: Doc, ref: Ref) -> None:
        target = ref.target.strip().strip("'\"")
        found = self.site.find_post(target, jekyll=True)
        if found is None:
            self.add(
                doc,
                ref.line,
                "broken-post-url",
                f"{{% post_url {target} %}}: no post with that file name",
            )
            return
        name = found.docname.rsplit("/", 1)[-1]
        self.add(
            doc,
            ref.line,
            "liquid",
            f"{{% post_url {target} %}} shows as text (kiji_jekyll = False); "
            f"write {{post}}`{name}`",
        )

    # -- site-wide -------------------------------------------------------------------------------
    def check_titles(self) -> None:
        by_title: dict[str, list[Doc]] = defaultdict(list)
        for doc in sorted(self.site.built_posts(), key=lambda d: d.docname):
            assert doc.post is not None
            if doc.post.title:
                by_title[doc.post.title].append(doc)
        for title, docs in by_title.items():
            for other in docs[1:]:
                # The build's own wording (kiji.listings), at the same place.
                self.add(
                    other,
                    1,
                    W.TITLE.value,
                    f"two posts have the title {title!r}: {docs[0].docname} and {other.docname}",
                )

    def check_slugs(self) -> None:
        if not self.catalog.collisions:
            return
        field_keys = {
            "tag": ("tags", "tag"),
            "category": ("categories", "category"),
            "author": ("author", "authors"),
        }
        for kind, name, other, slug in self.catalog.collisions:
            key = cat.name_key(name)
            for doc in self.site.built_posts():
                assert doc.post is not None
                names = {
                    "tag": doc.post.tags,
                    "category": doc.post.categories,
                    "author": doc.post.authors,
                }[kind]
                for written in names:
                    if cat.name_key(written) == key:
                        self.add(
                            doc,
                            doc.name_line(field_keys[kind], written),
                            W.SLUG.value,
                            f"{kind} {name!r} would share the URL of {other}; "
                            f"it gets {cat.FOLDERS[kind]}/{slug}",
                        )

    def check_tags(self) -> None:
        # Who writes which spelling: key -> spelling -> docs, over every post (drafts too: they
        # will be published with those tags).
        uses: dict[str, dict[str, list[Doc]]] = defaultdict(lambda: defaultdict(list))
        for doc in self.site.posts():
            assert doc.post is not None
            for tag in doc.post.tags:
                key = cat.name_key(tag)
                if key:
                    uses[key][tag].append(doc)
        posts_of = {key: {id(d) for docs in sp.values() for d in docs} for key, sp in uses.items()}
        count = {key: len(ids) for key, ids in posts_of.items()}

        def shown(key: str) -> str:
            spellings = uses[key]
            return sorted(spellings, key=lambda s: (-len(spellings[s]), s))[0]

        pairs = near_duplicates(list(uses))
        # Point at the posts of the less used tag of a pair: they are the ones to change.
        changes = []
        for a, b in pairs:
            keep, change = (a, b) if (count[a], b) > (count[b], a) else (b, a)
            changes.append((keep, change))
        changing = {change for _keep, change in changes}
        for key, spellings in sorted(uses.items()):
            if count[key] == 1 and key not in changing:  # the near-duplicate says more
                tag, docs = next(iter(sorted(spellings.items())))
                self.add(
                    docs[0],
                    docs[0].name_line(("tags", "tag"), tag),
                    "tag-once",
                    f"tag {tag!r} is used by this post only; reuse an existing tag or drop it",
                )
            if len(spellings) > 1:
                best = shown(key)
                for tag, docs in sorted(spellings.items()):
                    if tag == best:
                        continue
                    for doc in docs:
                        self.add(
                            doc,
                            doc.name_line(("tags", "tag"), tag),
                            "tag-spelling",
                            f"tag {tag!r} is shown as {best!r} (the most common spelling); "
                            "write it that way",
                        )
        for keep, change in changes:
            for tag, docs in sorted(uses[change].items()):
                for doc in docs:
                    self.add(
                        doc,
                        doc.name_line(("tags", "tag"), tag),
                        "tag-near-duplicate",
                        f"tag {tag!r} looks like {shown(keep)!r} ({count[keep]} posts) "
                        "but is a different tag",
                    )


def blocks_line(starts: list[int], lines: list[int], pos: int) -> int:
    """Line of the earlier paragraph that holds offset ``pos`` of the joined text."""
    return lines[bisect.bisect_right(starts, pos) - 1]


def _what(ref: Ref) -> str:
    return "image" if "image" in ref.kind else "link"


def _bytes(n: float) -> str:
    for unit in ("B", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} MB"


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


# --------------------------------------------------------------------------- running


class Progress:
    """A progress display on stderr: a redrawn bar on a terminal, a few lines in a log."""

    def __init__(
        self, total: int, label: str, stream: TextIO | None = None, enabled: bool | None = None
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.total = total
        self.label = label
        self.enabled = (self.tty or total > PROGRESS_THRESHOLD) if enabled is None else enabled
        self.done = 0
        self._last = 0.0
        self._step = 0

    def advance(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled or not self.total:
            return
        if self.tty:
            now = time.monotonic()
            if now - self._last < 0.1 and self.done < self.total:
                return  # redrawing more often only costs time
            self._last = now
            width = 30
            filled = width * self.done // self.total
            self.stream.write(
                f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}"
            )
            self.stream.flush()
        else:
            step = 10 * self.done // self.total
            if step > self._step:
                self._step = step
                self.stream.write(f"{self.label} {self.done}/{self.total}\n")
                self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.tty and self.total:
            self.stream.write("\n")
            self.stream.flush()


def expand(paths: Iterable[Path], suffixes: tuple[str, ...]) -> list[Path]:
    """Files named, and the source files inside folders named (hidden and _ folders skipped)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
                files.extend(Path(dirpath, n) for n in sorted(filenames) if n.endswith(suffixes))
        else:
            files.append(path)
    return [p.resolve() for p in files]


def lint(
    source: Path,
    paths: Sequence[Path] | None = None,
    *,
    settings: Settings | None = None,
    ignore: Iterable[str] = (),
    progress: bool | None = None,
    stream: TextIO | None = None,
    cwd: Path | None = None,
) -> Report:
    """Check the posts of ``source`` (or only ``paths``) with the whole site as context."""
    started = time.perf_counter()
    site = Site(Path(source), settings or Settings(), cwd)
    all_files = [p.resolve() for p in site.source_files()] if site.source.is_dir() else []
    scope_files = expand(paths, site.settings.suffixes) if paths else None
    # Every post the build would read (excluded files are not part of the site), then whatever
    # else was named on the command line.
    posts = [
        p
        for p in all_files
        if (dn := site.docname(p)) is not None
        and site.is_post(dn)
        and not site.excluded(p.relative_to(site.source).as_posix())
    ]
    read = list(dict.fromkeys(posts + (scope_files or [])))
    bar = Progress(len(read), "lint: reading", stream, progress)
    for path in read:
        site.add(path)
        bar.advance()
    bar.close()
    bar = Progress(len(site.docs), "lint: scanning", stream, progress)
    site.finish((p for p in all_files if site.docname(p) is not None), bar)
    bar.close()
    if scope_files is None:
        scope = site.posts()
    else:
        scope = [site.docs[str(p)] for p in scope_files if str(p) in site.docs]
    findings = Checker(site, scope, ignore).run()
    return Report(findings, len(scope), time.perf_counter() - started)


def _parser() -> argparse.ArgumentParser:
    checks = "\n".join(f"  {name:<20} {sev:<8} {what}" for name, (sev, what) in CHECKS.items())
    parser = argparse.ArgumentParser(
        prog="python -m kiji.lint",
        description="Content checks over the knowledge base's posts.",
        epilog="checks:\n" + checks,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths", nargs="*", type=Path, help="files or folders to report on (default: every post)"
    )
    parser.add_argument(
        "--source", type=Path, default=Path("docs"), help="the content folder (default: docs)"
    )
    parser.add_argument(
        "--conf",
        type=Path,
        help="folder of conf.py (default: the source folder if it has one, else .)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the findings as JSON")
    parser.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        default=ERROR,
        help="exit 1 from this severity up (default: error)",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="CHECK",
        help="skip a check (repeat or use commas)",
    )
    parser.add_argument(
        "--now",
        help="'now' for the future-date check (default: kiji_now, SOURCE_DATE_EPOCH, the clock)",
    )
    parser.add_argument(
        "--max-image-kb",
        type=float,
        default=MAX_IMAGE_BYTES / 1024,
        help="image size limit in KB (default: %(default)g)",
    )
    parser.add_argument(
        "--max-image-px",
        type=int,
        default=MAX_IMAGE_PIXELS,
        help="limit of an image's longer side in pixels (default: %(default)s)",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="print only the summary line")
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=f"progress on stderr (default: on a terminal, or above {PROGRESS_THRESHOLD} files)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    ignore = {c.strip() for value in args.ignore for c in value.split(",") if c.strip()}
    unknown = sorted(ignore - set(CHECKS))
    if unknown:
        _say(
            f"lint: unknown check(s) {', '.join(unknown)}; known: {', '.join(CHECKS)}",
            file=sys.stderr,
        )
        return 2
    if not args.source.is_dir():
        _say(f"lint: source folder {args.source} not found", file=sys.stderr)
        return 2
    confdir = args.conf
    if confdir is None:
        confdir = args.source if (args.source / "conf.py").is_file() else Path(".")
    settings = settings_from_conf(read_conf(confdir), args.now)
    settings.max_image_bytes = int(args.max_image_kb * 1024)
    settings.max_image_pixels = args.max_image_px
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        _say(f"lint: no such file or folder: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    report = lint(
        args.source, args.paths or None, settings=settings, ignore=ignore, progress=args.progress
    )
    if not args.quiet:
        for finding in report.findings:
            _say(finding.format())
    _say(report.summary_line())
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    worst = max((_RANK[f.severity] for f in report.findings), default=-1)
    return 1 if worst >= _RANK[args.fail_on] else 0


def _say(*parts: object, file: TextIO | None = None) -> None:
    """A line of this command's own output (a CLI, not the Sphinx build: no logger here)."""
    (file or sys.stdout).write(" ".join(str(p) for p in parts) + "\n")


if __name__ == "__main__":
    sys.exit(main())
