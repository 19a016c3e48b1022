"""Jekyll migration glue: the Sphinx side of :mod:`kiji.core.convert` (Liquid, then kramdown).

* ``config-inited``: Jekyll's other Markdown suffixes (``.mkdn``, ``.mkd``, ``.mkdown``,
  ``.text``) are read by MyST; ``kiji_baseurl`` is checked.
* ``env-before-read-docs``: an index of the source files (and of the importer's manifests,
  ``jekyll-import.json``) that ``{% post_url %}`` and ``{% link %}`` are resolved against. It is
  built once per read in the main process, before ``-j`` forks, from ``env.found_docs``.
* ``source-read`` (priority 200, after :func:`kiji.posts.on_source_read` has replaced the front
  matter with the ``{post}`` fence): the body's Liquid runs with the old site's ``_config.yml``,
  ``_data`` and ``_includes`` (kept under ``kiji_jekyll_site``, ``docs/_jekyll/``: at build time,
  so a post copied straight into ``docs/posts/`` builds like an imported one, and a change to the
  old data shows on the next build without a new import), then kramdown is converted; problems
  are logged as located
  ``kiji.liquid``/``kiji.kramdown`` warnings; with ``kiji_categories_from_folders`` the folders
  above a ``_posts`` folder are added to the post's categories, as Jekyll does.
* ``doctree-read`` (priority 90, before the post header, excerpt and table of contents are taken
  from the doctree): kramdown attribute list markers become ids and classes.
* ``doctree-resolved``: ``kiji-doc:`` placeholders in raw HTML become relative page URLs.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from weakref import WeakKeyDictionary

from docutils import nodes
from sphinx.directives.code import CodeBlock
from sphinx.util import logging

from ..core import jekyll, liquid_jekyll, sources
from ..core.convert import convert_body, page_vars
from ..core.sources import (
    JEKYLL_SUFFIXES,
    SourceIndex,
    folder_categories,
    posts_roots,
)
from ..core.warnings_ import WARNING_TYPE, W

logger = logging.getLogger(__name__)

MISSING_TARGET = ".kiji-missing-link-target"
_DOC_URL = re.compile(re.escape(liquid_jekyll.DOC_SCHEME) + r"(/[^\"'\s<>]*)")
#: The front matter mapping of the document being read, from kiji.sphinx.posts (temp_data).
FRONT_MATTER = "kiji_front_matter"


CONFIG: dict[str, tuple[Any, str, frozenset[type], str]] = {
    "kiji_baseurl": (
        "", "env", frozenset({str}),
        "Jekyll's site.baseurl: what {{ site.baseurl }} gives in text and raw HTML",
    ),
    "kiji_jekyll": (True, "env", frozenset({bool}), "convert Liquid and kramdown syntax in post bodies"),
    "kiji_categories_from_folders": (
        False, "env", frozenset({bool}),
        "folders above a _posts folder are categories of its posts (Jekyll's rule)",
    ),
    "kiji_jekyll_site": (
        "_jekyll", "env", frozenset({str}),
        "folder (in the source folder) with the old site's _config.yml, _data, _includes",
    ),
}  # fmt: skip


# --------------------------------------------------------------------------- configuration


def on_config_inited(app: Any, config: Any) -> None:
    if isinstance(config.source_suffix, dict):
        for suffix in JEKYLL_SUFFIXES:
            config.source_suffix.setdefault(suffix, "markdown")
    if config.kiji_jekyll_site and config.kiji_jekyll_site not in config.exclude_patterns:
        # The old site's _includes and _data are Liquid's input, never pages of their own. A new
        # list: the default value object is shared by every application in the process.
        config.exclude_patterns = [*config.exclude_patterns, config.kiji_jekyll_site]
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


# --------------------------------------------------------------------------- the file index


_INDEXES: WeakKeyDictionary[Any, SourceIndex] = WeakKeyDictionary()


def build_index(app: Any, env: Any) -> SourceIndex:
    """The index of the documents Sphinx found (drafts and excluded files are not among them)."""
    paths = {d: str(env.doc2path(d, False)) for d in env.found_docs}
    return sources.build_index(
        paths, srcdir=env.srcdir, posts=app.config.kiji_posts, suffixes=app.config.source_suffix
    )


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
    srcfile = Path(app.env.doc2path(docname))
    result = convert_body(
        "\n".join(lines[start:]),
        env=_liquid_env(app),
        first_line=start + 1,
        page=page_vars(app.env.temp_data.get(FRONT_MATTER, {}), info),
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
    if result.ran_liquid:
        # The post ran Liquid: it is read again when the old site's config, data or includes change.
        for dep in _site_files(app):
            app.env.note_dependency(dep, docname=docname)
    for problem in result.problems:
        logger.warning(
            problem.message,
            location=(docname, problem.line or None),
            type=WARNING_TYPE,
            subtype=str(problem.subtype),
        )
    source[0] = "\n".join([*lines[:start], result.text])


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
    # Made once per read (and per reader process), never pickled.
    if app.env not in _ENVS:
        _ENVS[app.env] = _load_liquid_env(app)
    return _ENVS[app.env][0]


def _site_files(app: Any) -> list[str]:
    _liquid_env(app)
    return _ENVS[app.env][1]


# --------------------------------------------------------------------------- directives


class HighlightDirective(CodeBlock):
    """``{kiji-highlight} ruby linenos mark_lines="1 2"``: Jekyll's highlight tag, options and all.

    :mod:`kiji.core.liquid_jekyll` writes it for highlight tags with options: a MyST fence has room
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
