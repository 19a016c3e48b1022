"""Which files are sources and posts, and what their names point at: the build and ``kiji lint``.

One implementation, used by ``kiji.sphinx`` (posts, migrate, domain) and ``kiji.cli.lint``:

* :class:`Matcher`: Sphinx's glob semantics for ``exclude_patterns`` and ``kiji_posts``
  (``*`` stays in a folder, ``**`` crosses folders, ``**/x`` also matches ``x``), written once
  here; ``tests/test_sources.py`` checks it against ``sphinx.util.matching.Matcher``;
* :func:`walk` and :func:`discover`: the source files, as Sphinx's ``Project.discover`` finds them;
* :func:`docname_of` and :func:`slug_from_docname`: docname from a path, a post's slug from its
  file name (Jekyll's date prefix dropped);
* :func:`posts_roots`: the literal folders of the ``kiji_posts`` globs;
* :func:`folder_categories`: Jekyll's categories from the folders above ``_posts``;
* :class:`SourceIndex`: what ``{% post_url %}`` names and ``{% link %}`` paths resolve to, from
  the list of source files (and the importer's manifests).
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

# Jekyll's post file name: a date, then the slug; one definition, beside the date rules.
from .frontmatter import _FILENAME_DATE

# Jekyll's markdown_ext list beyond what kiji reads already, plus the historic ``.text``.
JEKYLL_SUFFIXES = (".mkdn", ".mkd", ".mkdown", ".text")
MANIFEST = "jekyll-import.json"
_MARKDOWN_EXTENSIONS = {"md", "markdown", "mkdn", "mkd", "mkdown", "text"}
_DATED = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})-(.+)")
# What Sphinx's Project.discover always leaves out (sphinx.project.EXCLUDE_PATHS).
EXCLUDE_PATHS = ("**/_sources", ".#*", "**/.#*", "*.lproj/**")


# --------------------------------------------------------------------------- globs


def glob_regex(pattern: str) -> str:
    """A glob as Sphinx reads it, as a regular expression (anchored at both ends).

    ``*`` and ``?`` do not cross ``/``, ``**`` does; ``[...]`` is a class, ``[!...]`` a negated one
    that never matches ``/``; an unclosed ``[`` is literal.
    """
    out, i, n = [], 0, len(pattern)
    while i < n:
        c = pattern[i]
        i += 1
        if c == "*":
            if i < n and pattern[i] == "*":
                i += 1
                out.append(".*")
            else:
                out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = i
            if j < n and pattern[j] == "!":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 1
            if j >= n:
                out.append("\\[")
                continue
            body = pattern[i:j].replace("\\", "\\\\")
            i = j + 1
            if body[0] == "!":
                body = "^/" + body[1:]
            elif body[0] == "^":
                body = "\\" + body
            out.append(f"[{body}]")
        else:
            out.append(re.escape(c))
    return "".join(out) + "$"


class Matcher:
    """Several globs; a path matches when one of them matches it (Sphinx's ``Matcher``).

    ``top``: ``**/x`` also matches ``x`` at the top, as in Sphinx's ``Matcher``; Sphinx's file
    discovery (``get_matching_files``) compiles the globs without that rule (``top=False``).
    """

    def __init__(self, patterns: Iterable[str], *, top: bool = True) -> None:
        patterns = list(patterns)
        if top:
            patterns += [p[3:] for p in patterns if p.startswith("**/")]
        self.patterns = tuple(patterns)
        self._match = [re.compile(glob_regex(p)).match for p in patterns]

    def __call__(self, path: str) -> bool:
        path = path.replace(os.sep, "/") if os.sep != "/" else path
        return any(m(path) for m in self._match)


# --------------------------------------------------------------------------- files


def walk(root: Path | str) -> Iterator[tuple[str, str]]:
    """(path, path relative to ``root`` with ``/``) of every file that may be a source.

    Hidden folders and ``_build`` are skipped: they are never sources of a kiji site.
    """
    base = os.path.join(os.fspath(root), "")
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "_build")
        folder = os.path.join(dirpath, "")[len(base) :].replace(os.sep, "/")
        for name in sorted(filenames):
            yield os.path.join(dirpath, name), folder + name


def docname_of(rel: str, suffixes: Iterable[str]) -> str | None:
    """The docname of a source-relative path, None when no source suffix ends it."""
    for suffix in suffixes:
        if rel.endswith(suffix):
            return rel[: -len(suffix)]
    return None


def discover(
    root: Path | str, suffixes: Iterable[str], exclude: Iterable[str] = ()
) -> dict[str, str]:
    """docname -> source-relative path of every document, as ``Project.discover`` finds them.

    Excluded folders are not entered, names are NFC (as Sphinx normalises them), and the first
    file of a docname wins (Sphinx warns about the second: it is not this module's job).
    """
    suffixes = tuple(suffixes)
    excluded = Matcher([*exclude, *EXCLUDE_PATHS], top=False)
    found: dict[str, str] = {}
    base = os.path.join(os.fspath(root), "")
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        folder = os.path.join(dirpath, "")[len(base) :].replace(os.sep, "/")
        dirnames[:] = sorted(
            d for d in dirnames if not excluded(unicodedata.normalize("NFC", folder + d))
        )
        for name in sorted(filenames):
            rel = unicodedata.normalize("NFC", folder + name)
            if excluded(rel):
                continue
            docname = docname_of(rel, suffixes)
            if docname is not None and docname not in found:
                found[docname] = rel
    return found


def find_post(target: str, slugs: Mapping[str, str]) -> str | None:
    """What a ``{post}`` role names: a docname, else a file name without extension, else a slug.

    ``slugs`` maps each post's docname to its slug; ties go to the first docname in order.
    """
    target = target.strip().removesuffix(".md").removesuffix(".markdown").strip("/")
    if target in slugs:
        return target
    by_tail = sorted(d for d in slugs if d.rsplit("/", 1)[-1] == target)
    if by_tail:
        return by_tail[0]
    by_slug = sorted(d for d, slug in slugs.items() if slug == target)
    return by_slug[0] if by_slug else None


def slug_from_docname(docname: str) -> str:
    """A post's default slug: its file name without Jekyll's date prefix."""
    tail = docname.rsplit("/", 1)[-1]
    m = _FILENAME_DATE.fullmatch(tail)
    return m.group(4) if m and m.group(4) else tail


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


def root_of(docname: str, roots: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The ``kiji_posts`` root folder ``docname`` is under (the longest; ``()`` for none)."""
    parts = tuple(docname.split("/"))
    return next((r for r in roots if parts[: len(r)] == r), ())


def folder_categories(docname: str, roots: list[tuple[str, ...]]) -> list[str]:
    """Jekyll's categories from the path: the folders between the posts root and ``_posts``."""
    parts = docname.split("/")
    if "_posts" not in parts[:-1]:
        return []
    root = root_of(docname, roots)
    return [p for p in parts[len(root) : parts.index("_posts")] if p]


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


def build_index(
    paths: Mapping[str, str],
    *,
    srcdir: Path | str,
    posts: Iterable[str],
    suffixes: Iterable[str],
) -> SourceIndex:
    """The index ``{% post_url %}`` and ``{% link %}`` resolve against.

    ``paths`` maps each docname the build reads to its source-relative file; ``posts`` are the
    ``kiji_posts`` globs. The importer's manifests (``jekyll-import.json``) under the posts roots
    come first, so a renamed post keeps answering to its Jekyll name.
    """
    index = SourceIndex()
    suffixes = tuple(suffixes)
    posts = list(posts)
    is_post = Matcher(posts)
    roots = posts_roots(posts)
    for docname in sorted(paths):
        index.paths[docname] = paths[docname].replace("\\", "/")
    srcdir = Path(srcdir)
    for root in roots:
        folder = srcdir.joinpath(*root)
        for manifest in sorted(folder.rglob(MANIFEST)) if folder.is_dir() else ():
            try:
                files = json.loads(manifest.read_text(encoding="utf-8")).get("files", {})
            except (OSError, ValueError, AttributeError):
                continue
            where = manifest.parent.relative_to(srcdir).as_posix()
            for old, new in sorted(files.items()) if isinstance(files, dict) else ():
                if not isinstance(old, str) or not isinstance(new, str):
                    continue
                docname = docname_of(posixpath.normpath(posixpath.join(where, new)), suffixes)
                if docname in index.paths:
                    index.add_post(docname, old)
    for docname in sorted(index.paths):
        if not is_post(docname):
            continue
        root = root_of(docname, roots)
        rel = "/".join(index.paths[docname].split("/")[len(root) :])
        # As Jekyll's {% link %} names it: posts copied without their _posts folder get one.
        index.add_post(docname, rel if "/_posts/" in f"/{rel}" else "_posts/" + rel)
    return index
