"""The rest of a Jekyll site for ``make import``: its Liquid data and the files posts reference.

Pure Python (no Sphinx import). :func:`copy_site_data` copies ``_config.yml``, ``_data/`` and
``_includes/`` to ``<docs>/_jekyll/`` (``kiji_jekyll_site``), where the build's Liquid reads
them. :func:`referenced_files` finds the images and files that the imported posts name by a site
path (``/assets/a.png``, ``{{ site.baseurl }}/images/b.jpg``, ``{{ "/files/c.pdf" |
relative_url }}``, ``https://old.host/baseurl/x.png``, ``<img src>``); :func:`copy_files` copies
each to the same path under ``<docs>/``, so that the post's link, a path from the source folder
for MyST, reaches it with no rewrite. What is found, copied or missing is reported.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urlsplit

import yaml

SITE_FOLDER = "_jekyll"
SITE_ITEMS = ("_config.yml", "_data", "_includes")
# Files a post links to that are content, not pages.
FILE_SUFFIXES = frozenset(
    ".png .jpg .jpeg .gif .svg .webp .avif .bmp .ico .pdf .zip .gz .tgz .txt .csv .json .mp4 "
    ".webm .mp3 .ogg .wav .pptx .xlsx .docx .key .odp".split()
)
_DEST = re.compile(
    r"""\]\(\s*<?([^\s)>]+)|\b(?:src|href)\s*=\s*["']([^"'<>]+)["']|^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)""",
    re.IGNORECASE | re.MULTILINE,
)
_LIQUID_PREFIX = re.compile(r"\{\{-?\s*site\.(?:url|baseurl)\s*-?\}\}")
_RELATIVE_URL = re.compile(r"""\{\{-?\s*(["'])([^"']+)\1\s*\|\s*(?:relative_url|absolute_url)\s*-?\}\}""")


@dataclass
class FileCopy:
    site_path: str  # as the post names it, from the site root: assets/a.png
    action: str = ""  # copied, unchanged, exists, missing
    posts: tuple[str, ...] = ()


def _old_site(root: Path) -> tuple[str, str]:
    try:
        data = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8-sig"))
    except (OSError, ValueError, yaml.YAMLError):
        data = None
    data = data if isinstance(data, dict) else {}
    return str(data.get("url") or "").rstrip("/"), str(data.get("baseurl") or "").rstrip("/")


def site_path(target: str, url: str, baseurl: str) -> str | None:
    """The site-root path a link names, if it is one of the old site's files; else None."""
    target = _LIQUID_PREFIX.sub("", target.strip())
    m = _RELATIVE_URL.fullmatch(target)
    if m:
        target = m.group(2)
    if "{" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        if not url or not target.startswith(url + "/"):
            return None
        path = urlsplit(target[len(url) :]).path
    else:
        path = parts.path
    if not path.startswith("/"):
        return None  # relative to the post's URL: Jekyll's answer depends on the permalink
    path = unquote(path)
    if baseurl and path.startswith(baseurl + "/"):
        path = path[len(baseurl) :]
    if Path(path).suffix.lower() not in FILE_SUFFIXES:
        return None
    segments = [s for s in path.split("/") if s]
    if not segments or ".." in segments or segments[0].startswith((".", "_")):
        return None
    return "/".join(segments)


def referenced_files(root: Path, posts: list[tuple[str, Path]]) -> list[FileCopy]:
    """Every file the posts (``(name, path)`` pairs) link to by a site path, in order."""
    url, baseurl = _old_site(root)
    found: dict[str, list[str]] = {}
    for name, path in posts:
        try:
            text = path.read_text(encoding="utf-8-sig", errors="replace")
        except OSError:
            continue
        # The Liquid that writes a site path, as Jekyll would expand it (the base URL aside).
        text = _RELATIVE_URL.sub(lambda m: m.group(2), _LIQUID_PREFIX.sub("", text))
        for m in _DEST.finditer(text):
            target = next(g for g in m.groups() if g is not None)
            rel = site_path(target, url, baseurl)
            if rel is not None:
                found.setdefault(rel, []).append(name)
    return [FileCopy(rel, posts=tuple(dict.fromkeys(names))) for rel, names in sorted(found.items())]


def copy_files(
    root: Path, docs: Path, files: list[FileCopy], *, force: bool, dry_run: bool
) -> None:
    for item in files:
        source = root / item.site_path
        target = docs / item.site_path
        if not source.is_file():
            item.action = "missing"
            continue
        if target.exists():
            if target.read_bytes() == source.read_bytes():
                item.action = "unchanged"
                continue
            if not force:
                item.action = "exists"
                continue
        item.action = "copied"
        if not dry_run:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)


def copy_site_data(root: Path, docs: Path, *, force: bool, dry_run: bool) -> list[tuple[str, str]]:
    """``_config.yml``, ``_data/``, ``_includes/`` → ``<docs>/_jekyll/``; ``(path, action)`` rows."""
    rows: list[tuple[str, str]] = []
    for name in SITE_ITEMS:
        source = root / name
        if source.is_file():
            paths = [source]
        else:
            paths = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else []
        for path in paths:
            rel = path.relative_to(root).as_posix()
            if any(part.startswith(".") for part in rel.split("/")):
                continue
            target = docs / SITE_FOLDER / rel
            if target.exists() and target.read_bytes() == path.read_bytes():
                rows.append((rel, "unchanged"))
                continue
            if target.exists() and not force:
                rows.append((rel, "exists"))
                continue
            rows.append((rel, "copied"))
            if not dry_run:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
    return rows


def site_root(src: Path) -> Path:
    """The Jekyll site a ``_posts`` folder (or the site itself) belongs to: where _config.yml is."""
    for folder in (src, *src.parents):
        if (folder / "_config.yml").is_file():
            return folder
    return src.parent if src.name == "_posts" else src


def import_rest(items: list, src: Path, docs: Path, *, force: bool, dry_run: bool, out: IO[str]) -> None:
    """Copy the site's Liquid data and the posts' files; report what was copied or missing."""
    root = site_root(src.resolve())
    rows = copy_site_data(root, docs, force=force, dry_run=dry_run)
    posts = [(i.jekyll_path, i.source) for i in items if i.dest]
    files = referenced_files(root, posts)
    copy_files(root, docs, files, force=force, dry_run=dry_run)
    would = "would be " if dry_run else ""
    count = Counter(action for _, action in rows)
    fcount = Counter(f.action for f in files)
    lines = [
        f"site data ({root} -> {docs / SITE_FOLDER}): {count['copied']} {would}copied, "
        f"{count['unchanged']} unchanged, {count['exists']} skipped (exists; --force overwrites)",
        f"files the posts link to ({len(files)}, copied under {docs} at the same path): "
        f"{fcount['copied']} {would}copied, {fcount['unchanged']} unchanged, "
        f"{fcount['exists']} skipped (exists), {fcount['missing']} not found",
    ]
    for f in files:
        if f.action == "missing":
            lines.append(f"  not found: /{f.site_path} (linked from {', '.join(f.posts[:3])})")
    out.write("\n".join(lines) + "\n")
