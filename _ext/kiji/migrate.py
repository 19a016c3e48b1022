"""Jekyll migration glue: the Sphinx side of :mod:`kiji.jekyll`.

* ``config-inited``: Jekyll's other Markdown suffixes (``.mkdn``, ``.mkd``, ``.mkdown``,
  ``.text``) are read by MyST; ``kiji_baseurl`` is checked.
* ``env-before-read-docs``: an index of the source files (and of the importer's manifests,
  ``jekyll-import.json``) that ``{% post_url %}`` and ``{% link %}`` are resolved against. It is
  built once per read in the main process, before ``-j`` forks, from ``env.found_docs``.
* ``source-read`` (priority 200, after :func:`kiji.posts.on_source_read` has replaced the front
  matter with the ``{post}`` fence): the body is converted, problems are logged as located
  ``kiji.liquid``/``kiji.kramdown`` warnings; with ``kiji_categories_from_folders`` the folders
  above a ``_posts`` folder are added to the post's categories, as Jekyll does.
* ``doctree-read`` (priority 90, before the post header, excerpt and table of contents are taken
  from the doctree): kramdown attribute list markers become ids and classes.
* ``doctree-resolved``: ``kiji-doc:`` placeholders in raw HTML become relative page URLs.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from weakref import WeakKeyDictionary

from docutils import nodes
from sphinx.directives.code import CodeBlock
from sphinx.util import logging

import yaml

from . import jekyll, liquid_jekyll
from .posts import is_post
from .warnings_ import WARNING_TYPE, W

logger = logging.getLogger(__name__)

# Jekyll's markdown_ext list beyond what kiji reads already, plus the historic ``.text``.
JEKYLL_SUFFIXES = (".mkdn", ".mkd", ".mkdown", ".text")
MANIFEST = "jekyll-import.json"
MISSING_TARGET = ".kiji-missing-link-target"
_MARKDOWN_EXTENSIONS = {"md", "markdown", "mkdn", "mkd", "mkdown", "text"}
_DATED = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})-(.+)")
_DOC_URL = re.compile(re.escape(liquid_jekyll.DOC_SCHEME) + r"(/[^\"'\s<>]*)")


def setup(app: Any) -> None:
    app.add_config_value(
        "kiji_baseurl", "", "env", types=frozenset({str}),
        description="Jekyll's site.baseurl: what {{ site.baseurl }} gives in text and raw HTML",
    )  # fmt: skip
    app.add_config_value(
        "kiji_jekyll", True, "env", types=frozenset({bool}),
        description="convert Liquid and kramdown syntax in post bodies",
    )  # fmt: skip
    app.add_config_value(
        "kiji_categories_from_folders", False, "env", types=frozenset({bool}),
        description="folders above a _posts folder are categories of its posts (Jekyll's rule)",
    )  # fmt: skip
    app.add_config_value(
        "kiji_jekyll_site", "_jekyll", "env", types=frozenset({str}),
        description="folder (in the source folder) with the old site's _config.yml, _data, _includes",
    )  # fmt: skip
    app.add_directive(liquid_jekyll.HIGHLIGHT_DIRECTIVE, HighlightDirective)
    # Before kiji's own config-inited steps (850, 900): the draft scan must see the suffixes.
    app.connect("config-inited", on_config_inited, priority=840)
    app.connect("env-before-read-docs", on_env_before_read_docs)
    app.connect("source-read", on_source_read, priority=200)
    app.connect("doctree-read", apply_attribute_lists, priority=90)
    app.connect("doctree-resolved", resolve_raw_links)


# --------------------------------------------------------------------------- configuration


def on_config_inited(app: Any, config: Any) -> None:
    if isinstance(config.source_suffix, dict):
        for suffix in JEKYLL_SUFFIXES:
            config.source_suffix.setdefault(suffix, "markdown")
    if config.kiji_jekyll_site and config.kiji_jekyll_site not in config.exclude_patterns:
        # The old site's _includes and _data are Liquid's input, never pages of their own.
        config.exclude_patterns.append(config.kiji_jekyll_site)
    base = config.kiji_baseurl
    if (
        not isinstance(base, str)
        or (base and not base.startswith("/"))
        or any(c.isspace() for c in base)
    ):
        logger.warning(
            "kiji_baseurl = %r: must be empty or a path starting with '/'; using ''",
            base,
            type=WARNING_TYPE,
            subtype=W.CONFIG,
        )
        config.kiji_baseurl = ""
    else:
        config.kiji_baseurl = base.rstrip("/")


def site_url(config: Any) -> str:
    """Jekyll's ``site.url``: ``html_baseurl`` without the ``kiji_baseurl`` path it ends with.

    Sphinx's base URL is the whole address of the site; Jekyll splits it into ``url`` (scheme
    and host) and ``baseurl`` (the path), and posts write ``{{ site.url }}{{ site.baseurl }}``.
    """
    url = (getattr(config, "html_baseurl", "") or "").rstrip("/")
    base = config.kiji_baseurl
    return url[: -len(base)] if base and url.endswith(base) else url


def posts_roots(patterns: list[str] | tuple[str, ...]) -> list[tuple[str, ...]]:
    """The literal folder prefixes of the ``kiji_posts`` globs (``posts/**`` → ``('posts',)``)."""
    roots = []
    for pattern in patterns:
        parts: list[str] = []
        for comp in pattern.split("/")[:-1]:
            if any(c in comp for c in "*?["):
                break
            parts.append(comp)
        roots.append(tuple(parts))
    return sorted(set(roots), key=len, reverse=True)


def _root_of(docname: str, roots: list[tuple[str, ...]]) -> tuple[str, ...]:
    parts = tuple(docname.split("/"))
    return next((r for r in roots if parts[: len(r)] == r), ())


def folder_categories(docname: str, roots: list[tuple[str, ...]]) -> list[str]:
    """Jekyll's categories from the path: the folders between the posts root and ``_posts``."""
    parts = docname.split("/")
    if "_posts" not in parts[:-1]:
        return []
    root = _root_of(docname, roots)
    return [p for p in parts[len(root) : parts.index("_posts")] if p]


# --------------------------------------------------------------------------- the file index


def _date_key(stem: str) -> str | None:
    m = _DATED.fullmatch(stem)
    if not m:
        return None
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}-{m.group(4)}"


def _strip_suffix(path: str) -> str:
    head, dot, ext = path.rpartition(".")
    if dot and "/" not in ext and ext.lower() in _MARKDOWN_EXTENSIONS:
        return head
    return path


@dataclass
class SourceIndex:
    """Where ``post_url`` names and ``link`` paths point, built from the list of source files."""

    paths: dict[str, str] = field(default_factory=dict)  # docname -> srcdir-relative file
    by_below: dict[str, str] = field(default_factory=dict)  # path below _posts, no suffix
    by_tail: dict[str, str] = field(default_factory=dict)  # file stem
    by_date: dict[str, str] = field(default_factory=dict)  # stem with a zero-padded date
    by_link: dict[str, str] = field(default_factory=dict)  # Jekyll site path (_posts/x.md)
    by_file: dict[str, str] = field(default_factory=dict)  # srcdir-relative file -> docname

    def _add(self, table: dict[str, str], key: str | None, docname: str) -> None:
        # sorted input + first wins: the same name always resolves to the same post
        if key and key not in table:
            table[key] = docname

    def add_post(self, docname: str, jekyll_path: str) -> None:
        """Index a post under its Jekyll path (``_posts/2019/x.md``, ``news/_posts/x.md``)."""
        below = _strip_suffix(jekyll_path.rsplit("_posts/", 1)[-1])
        tail = below.rsplit("/", 1)[-1]
        self._add(self.by_link, jekyll_path, docname)
        self._add(self.by_below, below, docname)
        self._add(self.by_tail, tail, docname)
        self._add(self.by_date, _date_key(tail), docname)

    def _path(self, docname: str | None) -> str | None:
        return "/" + self.paths[docname] if docname in self.paths else None

    def resolve_post(self, name: str) -> str | None:
        """``post_url``: the path below ``_posts`` (subfolders included), else the file name."""
        name = _strip_suffix(name.strip().strip("/"))
        tail = name.rsplit("/", 1)[-1]
        for table, key in (
            (self.by_below, name),
            (self.by_tail, tail),  # Jekyll 3 also accepted a bare name for a post in a subfolder
            (self.by_date, _date_key(tail)),  # 2019-1-7-x and 2019-01-07-x are one post
        ):
            if key and key in table:
                return self._path(table[key])
        return None

    def resolve_link(self, path: str) -> str | None:
        """``link``: a path from the Jekyll site root (``_posts/x.md``, ``about.md``)."""
        path = path.strip().lstrip("/")
        if path in self.by_link:
            return self._path(self.by_link[path])
        if not self.by_file:
            self.by_file = {p: d for d, p in self.paths.items()}
        return self._path(self.by_file.get(path))


_INDEXES: WeakKeyDictionary[Any, SourceIndex] = WeakKeyDictionary()


def build_index(app: Any, env: Any) -> SourceIndex:
    index = SourceIndex()
    roots = posts_roots(app.config.kiji_posts)
    for docname in sorted(env.found_docs):
        index.paths[docname] = str(env.doc2path(docname, False)).replace("\\", "/")
    # The importer's manifests first: a renamed post keeps answering to its Jekyll name.
    srcdir = Path(env.srcdir)
    for root in roots:
        folder = srcdir.joinpath(*root)
        for manifest in sorted(folder.rglob(MANIFEST)) if folder.is_dir() else ():
            try:
                data = json.loads(manifest.read_text(encoding="utf-8"))
                files = data.get("files", {})
            except (OSError, ValueError, AttributeError):
                continue
            for old, new in sorted(files.items()) if isinstance(files, dict) else ():
                if not isinstance(old, str) or not isinstance(new, str):
                    continue
                docname = env.path2doc(str(manifest.parent / new))
                if docname in index.paths:
                    index.add_post(docname, old)
    for docname in sorted(index.paths):
        if not is_post(app, docname):
            continue
        root = _root_of(docname, roots)
        rel = "/".join(index.paths[docname].split("/")[len(root) :])
        # As Jekyll's {% link %} names it: posts copied without their _posts folder get one.
        index.add_post(docname, rel if "/_posts/" in f"/{rel}" else "_posts/" + rel)
    return index


def on_env_before_read_docs(app: Any, env: Any, docnames: list[str]) -> None:
    # A cache of the file list, rebuilt before every read (never stale, never pickled).
    _INDEXES[env] = build_index(app, env)
    _ENVS.pop(env, None)  # the old site's config and data as they are now


def _index(app: Any) -> SourceIndex:
    index = _INDEXES.get(app.env)
    if index is None:
        index = _INDEXES[app.env] = build_index(app, app.env)
    return index


# --------------------------------------------------------------------------- source-read


def on_source_read(app: Any, docname: str, source: list[str]) -> None:
    config = app.config
    domain = app.env.get_domain("kiji")
    info = domain.posts.get(docname)
    if info is None:
        return
    if config.kiji_categories_from_folders:
        extra = folder_categories(docname, posts_roots(config.kiji_posts))
        if extra:
            # Jekyll's order: the front matter's categories, then the folders' (no duplicates).
            info["categories"] = list(dict.fromkeys([*info.get("categories", []), *extra]))
            domain.invalidate()
    if not config.kiji_jekyll:
        return
    lines = source[0].split("\n")
    # posts.on_source_read put the ```{post} fence on lines 1-2 and padded the rest of the front
    # matter with blank lines: the body proper is what follows the fence.
    start = 2 if lines[:2] == ["```{post}", "```"] else 0
    index = _index(app)
    body = "\n".join(lines[start:])
    srcfile = Path(app.env.doc2path(docname))
    page = _page_vars(srcfile, info)
    if page.get("render_with_liquid") is False:
        # Jekyll 4's switch: a post that shows Liquid (a guide to it) keeps it as text.
        result = liquid_jekyll.Result(body, [], [])
    else:
        result = liquid_jekyll.render(
            body,
            env=_liquid_env(app),
            first_line=start + 1,
            page=page,
            page_dir=srcfile.parent,
            resolve_post=index.resolve_post,
            resolve_link=index.resolve_link,
        )
    for path in result.targets:
        # A link names another file: the post is read again when that file changes or goes.
        # An unresolved one depends on a file that never exists, so the post is read again on
        # every build and links as soon as its target is added (Sphinx re-reads a document
        # whose dependency is missing).
        app.env.note_dependency(path.lstrip("/") if path else MISSING_TARGET, docname=docname)
    if result.text is not body:
        # The post ran Liquid: it is read again when the old site's config, data or includes change.
        for dep in _site_files(app):
            app.env.note_dependency(dep, docname=docname)
    text, problems = jekyll.convert(result.text, first_line=start + 1)
    for problem in sorted([*result.problems, *problems], key=lambda p: p.line or 0):
        logger.warning(
            problem.message,
            location=(docname, problem.line or None),
            type=WARNING_TYPE,
            subtype=str(problem.subtype),
        )
    source[0] = "\n".join([*lines[:start], text])


# --------------------------------------------------------------------------- Liquid's site

_ENVS: WeakKeyDictionary[Any, tuple[liquid_jekyll.JekyllEnvironment, list[str]]] = (
    WeakKeyDictionary()
)


def site_root(app: Any) -> Path | None:
    """The folder with the old site's ``_config.yml``, ``_data/`` and ``_includes/``."""
    name = app.config.kiji_jekyll_site
    if not name:
        return None
    root = Path(app.srcdir, name)
    return root if root.is_dir() else None


def _load_liquid_env(app: Any) -> tuple[liquid_jekyll.JekyllEnvironment, list[str]]:
    config = app.config
    root = site_root(app)
    defaults = {"url": site_url(config), "baseurl": config.kiji_baseurl, "title": config.project or ""}
    site, problems = liquid_jekyll.load_site(root, defaults)
    for path, message in problems:
        logger.warning(message, location=str(path), type=WARNING_TYPE, subtype=W.LIQUID)
    files: list[str] = []
    if root is not None:
        srcdir = Path(app.srcdir)
        files = sorted(
            str(p.relative_to(srcdir)).replace("\\", "/")
            for p in root.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.parts)
        )
    return liquid_jekyll.JekyllEnvironment(site), files


def _liquid_env(app: Any) -> liquid_jekyll.JekyllEnvironment:
    if app.env not in _ENVS:
        _ENVS[app.env] = _load_liquid_env(app)
    return _ENVS[app.env][0]


def _site_files(app: Any) -> list[str]:
    _liquid_env(app)
    return _ENVS[app.env][1]


def _page_vars(path: Path, info: dict[str, Any]) -> dict[str, Any]:
    """Jekyll's ``page``: the front matter as YAML gives it, plus what Jekyll adds."""
    page: dict[str, Any] = {}
    try:
        raw = path.read_text(encoding="utf-8-sig")
        m = re.match(r"---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)", raw, re.DOTALL)
        loaded = yaml.safe_load(m.group(1)) if m else None
        if isinstance(loaded, dict):
            page = {str(k): v for k, v in loaded.items()}
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError):
        page = {}  # the post reader has warned about the front matter already
    page["title"] = info.get("title") or page.get("title") or ""
    if info.get("date"):
        page["date"] = datetime.fromisoformat(info["date"])
    page["categories"] = list(info.get("categories", []))
    page["tags"] = list(info.get("tags", []))
    page.setdefault("slug", info.get("slug"))
    return page


# --------------------------------------------------------------------------- directives


class HighlightDirective(CodeBlock):
    """``{kiji-highlight} ruby linenos mark_lines="1 2"``: Jekyll's highlight tag, options and all.

    :func:`kiji.jekyll.convert` writes it for highlight tags with options: a MyST fence has room
    for arguments only, and an option line would shift every line after it.
    """

    required_arguments = 0
    optional_arguments = 1
    final_argument_whitespace = True

    def run(self) -> list[nodes.Node]:
        hl = liquid_jekyll.parse_highlight_args(self.arguments[0] if self.arguments else "")
        self.arguments = [hl.language]
        if hl.linenos:
            self.options["linenos"] = True
        if hl.emphasize:
            self.options["emphasize-lines"] = ",".join(str(n) for n in hl.emphasize)
        return super().run()


# --------------------------------------------------------------------------- doctree-read


def _target(raw: nodes.raw, kind: str) -> nodes.Element | None:
    parent = raw.parent
    if kind == "head":
        node: nodes.Node | None = parent
        while node is not None and not isinstance(node, nodes.title):
            node = node.parent
        if node is None:
            return raw  # a copy of a heading's marker (a {contents} entry): just remove it
        return node.parent if isinstance(node.parent, nodes.section) else node
    index = parent.index(raw)
    if kind == "span":
        prev = parent[index - 1] if index > 0 else None
        return prev if isinstance(prev, nodes.Element) else None
    if kind == "prev":
        prev = parent[index - 1] if index > 0 else None
        if isinstance(prev, nodes.title):
            return prev.parent  # right after a heading: the section
        return prev if isinstance(prev, nodes.Element) else None
    # next: the following block, or the next section when the marker ends one
    node = raw
    while node is not None and node.parent is not None:
        siblings = node.parent
        i = siblings.index(node)
        if i + 1 < len(siblings):
            following = siblings[i + 1]
            return following if isinstance(following, nodes.Element) else None
        node = siblings if isinstance(siblings, nodes.section) else None
    return None


def apply_attribute_lists(app: Any, doctree: nodes.document) -> None:
    """kramdown attribute lists (markers from :func:`kiji.jekyll.convert`) → ids and classes."""
    docname = app.env.docname
    for raw in list(doctree.findall(nodes.raw)):
        if "html" not in raw.get("format", "").split():
            continue
        decoded = jekyll.decode_marker(raw.astext())
        if decoded is None:
            continue
        kind, attrs = decoded
        target = _target(raw, kind)
        location = (docname, raw.line) if raw.line else raw
        raw.parent.remove(raw)
        if target is raw:
            continue
        if target is None:
            logger.warning(
                "kramdown attribute list {:%s} follows no element it can apply to; removed",
                " ".join([*(f"#{i}" for i in attrs.ids), *(f".{c}" for c in attrs.classes)]),
                location=location,
                type=WARNING_TYPE,
                subtype=W.KRAMDOWN,
            )
            continue
        for new_id in attrs.ids:
            owner = doctree.ids.get(new_id)
            if owner is not None and owner is not target:
                logger.warning(
                    "kramdown id #%s is used twice in this post; the second one is ignored",
                    new_id,
                    location=location,
                    type=WARNING_TYPE,
                    subtype=W.KRAMDOWN,
                )
                continue
            if new_id not in target["ids"]:
                target["ids"].insert(0, new_id)  # the author's id becomes the anchor
            doctree.ids[new_id] = target
        for cls in attrs.classes:
            if isinstance(target, nodes.literal_block) and cls.startswith("language-"):
                target["language"] = cls.removeprefix("language-")  # kramdown's code language
            elif cls not in target["classes"]:
                target["classes"].append(cls)


# --------------------------------------------------------------------------- doctree-resolved


def resolve_raw_links(app: Any, doctree: nodes.document, docname: str) -> None:
    """``kiji-doc:/posts/x.md`` in raw HTML (from ``{% post_url %}`` in an attribute) → a URL."""
    env = app.env
    for raw in list(doctree.findall(nodes.raw)):
        text = raw.astext()
        if liquid_jekyll.DOC_SCHEME not in text:
            continue

        def url(m: re.Match[str]) -> str:
            target = env.path2doc(unquote(html.unescape(m.group(1))).lstrip("/"))
            if target is None or target not in env.all_docs:
                return m.group(0)
            return html.escape(app.builder.get_relative_uri(docname, target))

        raw.replace(raw[0], nodes.Text(_DOC_URL.sub(url, text)))
