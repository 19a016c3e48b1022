"""Where posts are, and what their Jekyll names point at: shared by the build and ``kiji lint``.

* :func:`posts_roots`: the literal folders of the ``kiji_posts`` globs;
* :func:`folder_categories`: Jekyll's categories from the folders above ``_posts``;
* :class:`SourceIndex`: what ``{% post_url %}`` names and ``{% link %}`` paths resolve to, from
  the list of source files (and the importer's manifests).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Jekyll's markdown_ext list beyond what kiji reads already, plus the historic ``.text``.
JEKYLL_SUFFIXES = (".mkdn", ".mkd", ".mkdown", ".text")
MANIFEST = "jekyll-import.json"
_MARKDOWN_EXTENSIONS = {"md", "markdown", "mkdn", "mkd", "mkdown", "text"}
_DATED = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})-(.+)")


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
