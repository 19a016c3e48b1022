"""Content checks over the posts (``kiji lint``): what the build warns about, and more.

One implementation with the build, no Sphinx import: files and posts are found by
:mod:`kiji.core.sources` (the build's discovery and glob matching), front matter is read by
:func:`kiji.core.frontmatter.parse_post`, Jekyll bodies are converted by
:func:`kiji.core.convert.convert_body`, ``post_url``/``link`` resolve through the build's
:class:`~kiji.core.sources.SourceIndex`, tags through :mod:`kiji.core.catalog`, and Markdown is
read through markdown-it-py configured as MyST configures it (:mod:`kiji.core.markdown`). So a
post the build warns about is reported here under the same name (``kiji.date`` → ``date``), at
the same line. On top of those, checks a build cannot make: missing excerpts and tags,
near-duplicate tags, tags used once, repeated paragraphs, leftovers of text generation, future
dates and oversized images.

The checks are small registered functions in :mod:`kiji.cli.checks` (``kiji lint --list``).
Every check has one severity: ``error`` for what makes ``make strict`` fail or leaves a broken
link on the site, ``warning`` for what is almost certainly a mistake but builds, ``info`` for
advice. The command exits 1 only when there are errors (``--fail-on`` changes that).

Paths (files or folders) choose the files reported on; the whole source folder is always read,
because links, tag counts and duplicate titles are facts about the site, not about one file.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any, TextIO

from ..core import frontmatter as fm
from ..core import liquid_jekyll, sources
from ..core.convert import convert_body, page_vars
from ..core.sources import JEKYLL_SUFFIXES, SourceIndex
from ..core.warnings_ import W
from . import checks as registry
from .checks import ERROR, INFO, SEVERITIES, WARNING, Context, heading_slugs, near_duplicates
from .scan import Body, scan_body

__all__ = ["CHECKS", "Finding", "Report", "Settings", "heading_slugs", "lint", "main",
           "near_duplicates", "scan_body"]  # fmt: skip

_RANK = {INFO: 0, WARNING: 1, ERROR: 2}

# The one list of checks, from the registry: code -> (severity, what it reports). The guide post
# "ビルドと警告" shows the same table (tests compare them); every code has a fixture.
CHECKS: dict[str, tuple[str, str]] = registry.codes()

# Defaults a site can change on the command line.
MAX_IMAGE_BYTES = 500 * 1024  # a photo for the web is rarely worth more
MAX_IMAGE_PIXELS = 2400  # longer side; twice a wide content column, enough for HiDPI screens
PROGRESS_THRESHOLD = 200  # files: above this a progress display is shown even without a TTY


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
    extensions: tuple[str, ...] = ()  # myst_enable_extensions (MyST's default: none)


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
    s.jekyll_root = root if isinstance(root, str) else ""
    if s.jekyll_root:
        s.exclude = (*s.exclude, s.jekyll_root)  # as the build: Liquid's input, not pages
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
    if isinstance(conf.get("myst_enable_extensions"), (list, tuple, set)):
        s.extensions = tuple(sorted(str(e) for e in conf["myst_enable_extensions"]))
    anchors = conf.get("myst_heading_anchors")
    s.heading_anchors = anchors if isinstance(anchors, int) and not isinstance(anchors, bool) else 0
    fixed = now or (conf.get("kiji_now") if isinstance(conf.get("kiji_now"), str) else "")
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if fixed and fm.parse_date(fixed, UTC):
        s.now = fm.parse_date(fixed, UTC)  # type: ignore[assignment]
    elif epoch.isdigit():
        s.now = datetime.fromtimestamp(int(epoch), tz=UTC)
    return s


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
        self._is_post = sources.Matcher(settings.posts)
        # Discovery leaves out what these match (and whatever is in a folder they match).
        self._excluded = sources.Matcher([*settings.exclude, *sources.EXCLUDE_PATHS], top=False)
        self.docs: dict[str, Doc] = {}  # by resolved path
        self.index = SourceIndex()  # post_url / link targets, as the build's
        self._exists: dict[str, bool] = {}
        self._finished = False
        self._liquid_env: liquid_jekyll.JekyllEnvironment | None = None
        self._by_docname: tuple[dict[str, Doc], int] | None = None  # (table, files it saw)

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
        return sources.docname_of(rel, self.settings.suffixes)

    def is_post(self, docname: str) -> bool:
        return self._is_post(docname)

    def excluded(self, rel: str) -> bool:
        """Whether Sphinx's discovery leaves ``rel`` out: it, or a folder above it, is excluded."""
        parts = rel.split("/")
        return any(self._excluded("/".join(parts[:i])) for i in range(1, len(parts) + 1))

    def discover(self) -> dict[str, str]:
        """docname -> file of every source the build reads, found as Sphinx finds them."""
        if not self.source.is_dir():
            return {}
        return sources.discover(self.source, self.settings.suffixes, self.settings.exclude)

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
            doc.body = self._scan(doc)
        self.docs[str(path)] = doc
        return doc

    def _scan(self, doc: Doc) -> Body:
        return _read_body(self.settings, self.index, doc.lines, doc.first, None)[2]

    def liquid_env(self) -> liquid_jekyll.JekyllEnvironment:
        """Liquid's site as the build loads it (the old _config.yml and _data), made once."""
        if self._liquid_env is None:
            root = self.source / self.settings.jekyll_root if self.settings.jekyll_root else None
            site, _problems = liquid_jekyll.load_site(root, self.settings.jekyll_site)
            self._liquid_env = liquid_jekyll.JekyllEnvironment(site)
        return self._liquid_env

    def finish(self, found: dict[str, str], progress: Progress | None = None) -> None:
        """Convert post bodies from Jekyll as the build does, then scan every body once.

        ``found`` are the site's sources (:meth:`discover`): ``{% post_url %}`` and ``{% link %}``
        resolve against those the build reads (drafts and future posts are excluded there).
        """
        skipped = {d.docname for d in self.docs.values() if d.skipped}
        built = {d: rel for d, rel in found.items() if d not in skipped}
        self.index = sources.build_index(
            built, srcdir=self.source, posts=self.settings.posts, suffixes=self.settings.suffixes
        )
        docs = list(self.docs.values())
        results = (
            _read_body(
                self.settings,
                self.index,
                d.lines,
                d.first,
                d.post,
                d.path,
                self.liquid_env() if d.post is not None else None,
            )
            for d in docs
        )
        self._apply(docs, results, progress)
        self._finished = True

    def _apply(
        self,
        docs: list[Doc],
        results: Iterable[tuple[list[str], list[fm.Problem], Body]],
        progress: Progress | None,
    ) -> None:
        for doc, (lines, problems, body) in zip(docs, results, strict=True):
            doc.lines = lines
            doc.problems.extend(problems)
            doc.body = body
            if progress is not None:
                progress.advance()

    # -- lookups -------------------------------------------------------------------------------
    def posts(self) -> list[Doc]:
        return [d for d in self.docs.values() if d.post is not None]

    def built_posts(self) -> list[Doc]:
        return [d for d in self.posts() if d.built]

    def by_docname(self, docname: str) -> Doc | None:
        """A post by docname (a built one when a draft has the same name)."""
        if self._by_docname is None or self._by_docname[1] != len(self.docs):
            table: dict[str, Doc] = {}
            for d in sorted(self.posts(), key=lambda d: (d.docname, bool(d.skipped))):
                table.setdefault(d.docname, d)
            self._by_docname = (table, len(self.docs))
        return self._by_docname[0].get(docname)

    def file_exists(self, path: Path) -> bool:
        key = str(path)
        if key not in self._exists:
            self._exists[key] = path.is_file()
        return self._exists[key]

    def doc_at(self, path: Path) -> Doc | None:
        return self.docs.get(str(path.resolve()))


# --------------------------------------------------------------------------- reading bodies


def _read_body(
    settings: Settings,
    index: SourceIndex,
    lines: list[str],
    first: int,
    post: fm.Post | None,
    path: Path | None = None,
    liquid_env: liquid_jekyll.JekyllEnvironment | None = None,
) -> tuple[list[str], list[fm.Problem], Body]:
    """(lines, problems, body) of a file: a post's body converted as the build converts it
    (:func:`kiji.core.convert.convert_body`), then read as MyST reads it. ``post`` is None for
    a page that is not a post."""
    problems: list[fm.Problem] = []
    if settings.jekyll and post is not None and liquid_env is not None:
        info = {
            "title": post.title or "",
            "date": post.date.isoformat() if post.date else None,
            "tags": list(post.tags),
            "categories": list(post.categories),
            "slug": post.slug,
        }
        result = convert_body(
            "\n".join(lines[first:]),
            env=liquid_env,
            first_line=first + 1,
            page=page_vars(post.data, info),
            page_dir=path.parent if path is not None else None,
            resolve_post=index.resolve_post,
            resolve_link=index.resolve_link,
        )
        problems = result.problems
        # Links are checked in the converted text: what MyST will read.
        lines = lines[:first] + result.text.split("\n")
    liquid = post is not None and not settings.jekyll
    return lines, problems, scan_body(lines, first, settings.extensions, liquid=liquid)


# --------------------------------------------------------------------------- running


def run_checks(site: Site, scope: Sequence[Doc], ignore: Iterable[str] = ()) -> list[Finding]:
    """Every registered check over ``scope`` (site checks report only on files in scope)."""
    ctx = Context(site)
    ignore = set(ignore)
    in_scope = {id(d) for d in scope}
    findings: set[Finding] = set()

    def add(c: registry.Check, doc: Doc, line: int, message: str) -> None:
        severity = c.severity
        if severity == ERROR and doc.skipped:
            # The build leaves this post out, so it cannot fail `make strict` yet.
            severity = WARNING
            message += f" (not built yet: {doc.skipped})"
        findings.add(Finding(doc.shown, max(1, line), c.code, severity, message))

    for c in registry.REGISTRY.values():
        if c.code in ignore:
            continue
        if c.site:
            for doc, line, message in c.func(ctx):
                if id(doc) in in_scope:
                    add(c, doc, line, message)
        else:
            for doc in scope:
                for line, message in c.func(ctx, doc):
                    add(c, doc, line, message)
    return sorted(findings)


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
    found = site.discover()
    scope_files = expand(paths, site.settings.suffixes) if paths else None
    # Every post the build would read (excluded files are not part of the site), then whatever
    # else was named on the command line.
    posts = [site.source / rel for docname, rel in found.items() if site.is_post(docname)]
    read = list(dict.fromkeys([p.resolve() for p in posts] + (scope_files or [])))
    bar = Progress(len(read), "lint: reading", stream, progress)
    for path in read:
        site.add(path)
        bar.advance()
    bar.close()
    bar = Progress(len(site.docs), "lint: scanning", stream, progress)
    site.finish(found, bar)
    bar.close()
    if scope_files is None:
        scope = site.posts()
    else:
        scope = [site.docs[str(p)] for p in scope_files if str(p) in site.docs]
    findings = run_checks(site, scope, ignore)
    return Report(findings, len(scope), time.perf_counter() - started)


def _parser() -> argparse.ArgumentParser:
    checks = "\n".join(f"  {name:<20} {sev:<8} {what}" for name, (sev, what) in CHECKS.items())
    parser = argparse.ArgumentParser(
        prog="kiji lint",
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
    parser.add_argument(
        "--list",
        nargs="?",
        const="text",
        choices=("text", "markdown"),
        help="list the checks and exit (markdown: the guide's table)",
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
    if args.list:
        _say(registry.guide_table() if args.list == "markdown" else _list())
        return 0
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


def _list() -> str:
    """One line per check: code, severity, what it reports, the function that finds it."""
    return "\n".join(
        f"{c.code:<20} {c.severity:<8} {c.summary} ({c.name})" for c in registry.REGISTRY.values()
    )


def _say(*parts: object, file: TextIO | None = None) -> None:
    """A line of this command's own output (a CLI, not the Sphinx build: no logger here)."""
    (file or sys.stdout).write(" ".join(str(p) for p in parts) + "\n")
