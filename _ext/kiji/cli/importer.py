"""Import a Jekyll blog's posts into the knowledge base.

``python -m kiji.importer SRC [--dest docs/posts] [--force] [--dry-run] [--drafts]``

``SRC`` is a ``_posts`` folder or a Jekyll site (every ``_posts`` folder under it is imported; the
folders above one are kept, with the ``_posts`` folder itself, so that
``kiji_categories_from_folders`` can give Jekyll's categories). Files are copied byte for byte;
the build reads their encodings and front matter and reports problems itself.

What the import changes, and only that:

* file names that break links or tools are made safe (``#``, ``%``, ``?``, ``[``, ``]``, ``(``,
  ``)``, quotes, spaces, trailing dots: see :func:`safe_name`); Markdown links cannot reach a
  page whose name has ``#`` or ``%``, and ``[``/``]`` are glob characters in Sphinx's
  ``exclude_patterns``. Every imported file is listed, old path → new path, in
  ``<dest>/jekyll-import.json``, which the build reads so ``{% post_url %}`` and ``{% link %}``
  still find renamed posts (and which redirects can be made from);
* with ``--drafts``, ``_drafts`` are copied to ``<dest>/drafts/`` with ``published: false``
  added, so they are kept but not built.

An existing file is never overwritten without ``--force``; the skipped files are listed. The exit
status is 0 unless the import could not run at all (missing SRC, unwritable destination).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import unquote

from ..core.frontmatter import parse_post
from . import import_site as site

MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mkdn", ".mkd", ".mkdown", ".text")
MANIFEST = "jekyll-import.json"
# Jekyll's own rule for a post file name (Document::DATE_FILENAME_MATCHER).
POST_NAME = re.compile(r"(\d{2,4}-\d{1,2}-\d{1,2})-([^/]*)(\.[^.]+)$")
SKIP_DIRS = {"_site", ".git", ".jekyll-cache", ".sass-cache", "node_modules", "vendor", ".bundle"}
# What breaks a MyST link (#, %), a glob (*, ?, [, ]), a shell or another OS's file system.
_UNSAFE = re.compile(r"""[#%?*\[\]()<>"'|\\:;`\s\x00-\x1f\x7f]+""")


def safe_name(name: str, *, is_file: bool = True) -> str:
    """A file or folder name that links, URLs, globs and every OS accept; unchanged if it is.

    Letters of every script are kept (Japanese names stay readable). ``%20``-style escapes are
    decoded first, ``C#`` becomes ``Csharp`` (so it stays distinct from ``C``), other unsafe
    characters become ``-``, and trailing dots, spaces and hyphens are dropped.
    """
    stem, ext = name, ""
    if is_file:
        dot = name.rfind(".")
        if dot > 0 and name[dot:].lower() in MARKDOWN_EXTENSIONS:
            stem, ext = name[:dot], name[dot:]
    if not _UNSAFE.search(stem) and not stem.endswith((".", " ")) and stem:
        return name
    if re.search(r"%[0-9A-Fa-f]{2}", stem):
        stem = unquote(stem)
    stem = re.sub(r"(?<=[^\W_])#", "sharp", stem)
    stem = _UNSAFE.sub("-", stem)
    stem = re.sub(r"-{2,}", "-", stem).strip(" .-")
    return (stem or "post") + ext


@dataclass
class Item:
    """One file found under SRC and what the import does with it."""

    source: Path
    jekyll_path: str  # as Jekyll's {% link %} names it: _posts/x.md, news/_posts/x.md
    kind: str  # post, draft, not-post, other
    dest: str = ""  # POSIX path relative to the destination folder
    problems: list[str] = field(default_factory=list)
    unpublished: bool = False
    action: str = ""  # imported, unchanged, exists, overwritten
    renamed: bool = False


def _walk(folder: Path):
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in SKIP_DIRS)
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath, name)


def find(src: Path) -> list[Item]:
    """Every file of every ``_posts`` and ``_drafts`` folder under ``src`` (or ``src`` itself)."""
    if src.name == "_posts":
        posts_dirs = [(src, "")]
        drafts_dirs = [src.parent / "_drafts"] if (src.parent / "_drafts").is_dir() else []
    else:
        posts_dirs, drafts_dirs = [], []
        for dirpath, dirnames, _ in os.walk(src):
            dirnames[:] = sorted(
                d for d in dirnames if not d.startswith(".") and d not in SKIP_DIRS
            )
            here = Path(dirpath)
            if here.name == "_posts":
                posts_dirs.append((here, here.parent.relative_to(src).as_posix()))
                dirnames[:] = []  # everything below belongs to this _posts folder
            elif here.name == "_drafts":
                drafts_dirs.append(here)
                dirnames[:] = []
        if not posts_dirs and not drafts_dirs:
            posts_dirs = [(src, "")]  # a bare folder of posts
    items: list[Item] = []
    for folder, above in posts_dirs:
        prefix = (above + "/" if above not in ("", ".") else "") + "_posts/"
        for path in _walk(folder):
            rel = path.relative_to(folder).as_posix()
            items.append(Item(path, prefix + rel, _kind(path, post=True)))
    for folder in drafts_dirs:
        for path in _walk(folder):
            items.append(
                Item(
                    path, "_drafts/" + path.relative_to(folder).as_posix(), _kind(path, post=False)
                )
            )
    return items


def _kind(path: Path, *, post: bool) -> str:
    if not path.name.lower().endswith(MARKDOWN_EXTENSIONS):
        return "other"
    if post and not POST_NAME.match(path.name):
        return "not-post"
    return "post" if post else "draft"


def plan(items: list[Item], dest: Path, *, drafts: bool = False) -> None:
    """Give each item its destination path and its problems (reads the files, writes nothing)."""
    taken: dict[str, str] = {}
    for item in items:
        if item.kind not in ("post", "draft"):
            continue
        try:
            data = item.source.read_bytes()
        except OSError as err:
            item.problems.append(f"cannot be read: {err.strerror}")
            item.kind = "other"
            continue
        post = parse_post(data, item.source.name)
        item.unpublished = post.draft
        for problem in post.problems:
            item.problems.append(f"{problem.line}: [{problem.subtype}] {problem.message}")
        if item.kind == "draft":
            if not drafts:
                continue
            parts = ["drafts", *item.jekyll_path.split("/")[1:]]
        else:
            above, _, below = item.jekyll_path.rpartition("_posts/")
            parts = [*above.strip("/").split("/"), "_posts"] if above else []
            parts += below.split("/")
        parts = [p for p in parts if p]
        safe = [safe_name(p, is_file=False) for p in parts[:-1]] + [safe_name(parts[-1])]
        rel = "/".join(safe)
        item.renamed = rel != "/".join(parts)
        # One document per name: x.md and x.markdown, or names equal but for case, collide.
        stem, dot, ext = rel.rpartition(".")
        n = 1
        while (stem if n == 1 else f"{stem}-{n}").casefold() in taken:
            n += 1
        if n > 1:
            rel = f"{stem}-{n}{dot}{ext}"
            item.problems.append(f"another file has the same name; imported as {rel}")
            item.renamed = True
        taken[(stem if n == 1 else f"{stem}-{n}").casefold()] = rel
        item.dest = rel


def _unpublished_copy(data: bytes) -> bytes:
    """A draft with ``published: false`` added to its front matter (or a front matter made)."""
    text = data.decode("utf-8", errors="surrogateescape")
    newline = "\r\n" if "\r\n" in text else "\n"
    body = text.lstrip("\ufeff")
    bom = text[: len(text) - len(body)]
    if re.match(r"---[ \t]*\r?\n", body):
        first = body.index("\n") + 1
        body = body[:first] + "published: false" + newline + body[first:]
    elif re.match(r"\+\+\+[ \t]*\r?\n", body):
        first = body.index("\n") + 1
        body = body[:first] + "published = false" + newline + body[first:]
    else:
        body = f"---{newline}published: false{newline}---{newline}" + body
    return (bom + body).encode("utf-8", errors="surrogateescape")


def execute(
    items: list[Item], dest: Path, *, force: bool, dry_run: bool, progress: bool | None = None
) -> None:
    """Copy the planned files (never over an existing one without ``force``) with a progress bar."""
    from tqdm import tqdm

    todo = [i for i in items if i.dest]
    bar = tqdm(
        todo,
        desc="importing",
        unit="post",
        file=sys.stderr,
        disable=(None if progress is None else not progress),
    )
    for item in bar:
        target = dest / item.dest
        data = item.source.read_bytes()
        if item.kind == "draft":
            data = _unpublished_copy(data)
        if target.exists():
            if target.read_bytes() == data:
                item.action = "unchanged"
                continue
            if not force:
                item.action = "exists"
                continue
            item.action = "overwritten"
        else:
            item.action = "imported"
        if not dry_run:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    bar.close()
    if dry_run:
        return
    manifest = dest / MANIFEST
    try:
        known = json.loads(manifest.read_text(encoding="utf-8")).get("files", {})
    except (OSError, ValueError, AttributeError):
        known = {}
    files = dict(known) if isinstance(known, dict) else {}
    files.update({i.jekyll_path: i.dest for i in todo if i.action != "exists"})
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(
        json.dumps(
            {"version": 1, "files": dict(sorted(files.items()))}, ensure_ascii=False, indent=1
        )
        + "\n",
        encoding="utf-8",
    )


def report(
    items: list[Item], src: Path, dest: Path, *, dry_run: bool, drafts: bool, out: IO[str]
) -> None:
    posts = [i for i in items if i.kind == "post"]
    counts = Counter(i.action for i in items if i.action)
    draft_items = [i for i in items if i.kind == "draft"]
    would = "would be " if dry_run else ""

    def row(label: str, count: int, note: str = "") -> str:
        return f"  {label:<22}{count:5}" + (f"  ({note})" if note and count else "")

    lines = [
        f"Jekyll import{' (dry run: nothing written)' if dry_run else ''}: {src} -> {dest}",
        row("posts found", len(posts)),
        row(
            would + "imported",
            counts["imported"] + counts["overwritten"],
            f"{counts['overwritten']} overwritten (--force)" if counts["overwritten"] else "",
        ),
        row("unchanged", counts["unchanged"], "already there, same bytes"),
        row(
            "skipped (exists)", counts["exists"], "a different file is there; --force overwrites it"
        ),
        row(
            "renamed",
            sum(1 for i in items if i.dest and i.renamed),
            f"old -> new names in {dest / MANIFEST}",
        ),
        row(
            "unpublished",
            sum(1 for i in posts if i.unpublished),
            "published: false or draft: true: copied, not built",
        ),
        row(
            "drafts (_drafts)",
            len(draft_items),
            "copied to drafts/ with published: false"
            if drafts
            else "not imported; --drafts copies them unpublished",
        ),
        row(
            "not posts",
            sum(1 for i in items if i.kind == "not-post"),
            "no YYYY-MM-DD- name: Jekyll does not publish them; not imported",
        ),
        row(
            "other files", sum(1 for i in items if i.kind == "other"), "not Markdown: not imported"
        ),
        row("problems", sum(len(i.problems) for i in items)),
    ]
    skipped = [i for i in items if i.action == "exists"]
    if skipped:
        lines.append("skipped, a different file exists (use --force to overwrite):")
        lines += [f"  {dest / i.dest}" for i in skipped]
    odd = [i for i in items if i.kind in ("not-post", "other")]
    if odd:
        lines.append("not imported:")
        lines += [
            f"  {i.jekyll_path}: {'not a post name' if i.kind == 'not-post' else 'not Markdown'}"
            for i in odd
        ]
    problem_lines = [
        f"  {i.jekyll_path}:{p}" if p[:1].isdigit() else f"  {i.jekyll_path}: {p}"
        for i in items
        for p in i.problems
    ]
    if problem_lines:
        lines.append("problems (the build reports them again, as warnings):")
        lines += problem_lines
    out.write("\n".join(lines) + "\n")


def main(argv: list[str] | None = None, out: IO[str] | None = None) -> int:
    out = out or sys.stdout
    parser = argparse.ArgumentParser(
        prog="kiji import", description=__doc__.split("\n")[0]
    )
    parser.add_argument("src", type=Path, help="a Jekyll _posts folder, or a Jekyll site")
    parser.add_argument(
        "--dest", type=Path, default=Path("docs/posts"), help="destination (default docs/posts)"
    )
    parser.add_argument("--force", action="store_true", help="overwrite existing files")
    parser.add_argument("--dry-run", action="store_true", help="report only; write nothing")
    parser.add_argument(
        "--drafts", action="store_true", help="also copy _drafts (as unpublished posts)"
    )
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar (default: on a terminal)",
    )
    args = parser.parse_args(argv)
    src: Path = args.src
    if not src.is_dir():
        sys.stderr.write(f"error: {src} is not a folder\n")
        return 2
    items = find(src)
    plan(items, args.dest, drafts=args.drafts)
    try:
        execute(items, args.dest, force=args.force, dry_run=args.dry_run, progress=args.progress)
    except OSError as err:
        sys.stderr.write(f"error: cannot write to {args.dest}: {err}\n")
        return 2
    report(items, src, args.dest, dry_run=args.dry_run, drafts=args.drafts, out=out)
    site.import_rest(
        items, src, args.dest.parent, force=args.force, dry_run=args.dry_run, out=out
    )  # the site's _config.yml, _data, _includes and the files the posts link to
    return 0
