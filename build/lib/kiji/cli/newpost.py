"""A new post file with its front matter filled in (``make post``), like ``jekyll post``.

Command line (``_ext`` on ``sys.path``)::

    python -m kiji.newpost --title "記事の題名" [--tags "AI 投資"] [--category 投資分析]
                           [--author 名前] [--date "2026-12-01 09:00"] [--draft] [--dir docs/posts]

It writes ``<dir>/YYYY-MM-DD-<slug>.md`` and prints its path on stdout (hints go to stderr, so
``path=$(make -s post TITLE=...)`` works). The date is now in the machine's zone, written
``2026-11-28 09:30:00 +0900`` as Jekyll does; the slug is the catalogue's own
``slugify(name_key(title))``, so Japanese stays Japanese. The front matter is emitted by PyYAML's
``safe_dump``, which quotes whatever needs quoting (``"``, ``:``, ``#``, ``yes``, ``1.0``, a
leading ``-`` ...), and the file is created exclusively: an existing post is never overwritten.

Tags and the category are matched to the spelling the site already uses (``ai`` becomes ``AI``
when other posts write ``AI``), so a new post does not start a near-duplicate tag.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TextIO

import yaml

from ..core import catalog as cat
from ..core import frontmatter as fm

BODY = "ここに本文を書きます。章は `## 見出し`、節は `### 見出し` で始めます。\n"
SUFFIXES = (".md", ".markdown")


def split_names(value: str | None) -> list[str]:
    """``"AI 投資"`` or ``"AI, 機械 学習"``: commas (also 、) win over spaces, like front matter."""
    if not value:
        return []
    value = value.replace("、", ",")
    parts = re.split(r"\s*,\s*", value) if "," in value else value.split()
    return unique(fm.clean_text(p) for p in parts)  # "AI ai" is one tag


def unique(names: Iterable[str]) -> list[str]:
    """Names in order, each tag once by its identity (NFKC, case-folded)."""
    seen: set[str] = set()
    out = []
    for name in names:
        key = cat.name_key(name)
        if key and key not in seen:
            seen.add(key)
            out.append(name)
    return out


def slug_for(title: str) -> str:
    return cat.slugify(cat.name_key(title))


def site_spellings(folder: Path) -> dict[str, dict[str, Counter[str]]]:
    """kind -> name key -> spellings used by the posts under ``folder`` (front matter only)."""
    found: dict[str, dict[str, Counter[str]]] = {
        "tag": defaultdict(Counter),
        "category": defaultdict(Counter),
    }
    if not folder.is_dir():
        return found
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith((".", "_"))]
        for name in filenames:
            if not name.endswith(SUFFIXES):
                continue
            try:
                head = _head(Path(dirpath, name))
            except OSError:
                continue
            post = fm.parse_post(head, name)
            for kind, names in (("tag", post.tags), ("category", post.categories)):
                for written in names:
                    found[kind][cat.name_key(written)][written] += 1
    return found


def _head(path: Path) -> bytes:
    """The front matter of a file without reading a long body: parsing stays fast on big sites."""
    with path.open("rb") as f:
        data = f.read(16384)
    m = re.match(rb"(?:\xef\xbb\xbf)?(---|\+\+\+)[ \t]*\r?\n", data)
    if not m:
        return b""
    close = re.compile(rb"^(?:" + re.escape(m.group(1)) + rb"|\.\.\.)[ \t]*\r?$", re.MULTILINE)
    end = close.search(data, m.end())
    return data[: end.end()] if end else data


def site_spelling(names: Iterable[str], known: dict[str, Counter[str]]) -> list[tuple[str, str]]:
    """(given, written) for each name: the site's most common spelling of the same tag."""
    out = []
    for name in names:
        spellings = known.get(cat.name_key(name))
        written = sorted(spellings, key=lambda s: (-spellings[s], s))[0] if spellings else name
        out.append((name, written))
    return out


def render(
    title: str,
    when: datetime,
    *,
    tags: Sequence[str] = (),
    categories: Sequence[str] = (),
    authors: Sequence[str] = (),
    draft: bool = False,
) -> str:
    """The text of the new post: front matter in the order of the guide's example, then a body."""
    data: dict[str, object] = {
        "layout": "post",
        "title": title,
        # A string, as Jekyll writes it; PyYAML leaves "+0900" dates as text (read by our parser).
        "date": when.strftime("%Y-%m-%d %H:%M:%S %z"),
        "categories": list(categories),
        "tags": list(tags),
    }
    if authors:
        data["author"] = authors[0] if len(authors) == 1 else list(authors)
    data["excerpt"] = ""  # left empty on purpose: `make lint` reminds the author to write it
    if draft:
        data["draft"] = True
    front = yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=2**31 - 1
    )
    return f"---\n{front}---\n\n{BODY}"


def create(
    title: str,
    directory: Path,
    *,
    tags: Sequence[str] = (),
    categories: Sequence[str] = (),
    authors: Sequence[str] = (),
    when: datetime | None = None,
    draft: bool = False,
) -> Path:
    """Write the new post and return its path; FileExistsError if that file already exists."""
    title = fm.clean_text(title)
    if not title:
        raise ValueError("the title is empty")
    when = when or datetime.now().astimezone()
    path = directory / f"{when:%Y-%m-%d}-{slug_for(title)}.md"
    directory.mkdir(parents=True, exist_ok=True)
    text = render(title, when, tags=tags, categories=categories, authors=authors, draft=draft)
    # "x" creates the file or fails, in one system call: no window in which another post could
    # appear between a check and the write.
    with path.open("x", encoding="utf-8", newline="\n") as f:
        f.write(text)
    return path


def _when(value: str | None) -> datetime:
    local = datetime.now().astimezone()
    if not value:
        return local
    parsed = fm.parse_date(value, local.tzinfo or None)  # type: ignore[arg-type]
    if parsed is None:
        raise ValueError(f"--date {value!r} is not a date")
    return parsed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="kiji new", description="Create a new post."
    )
    parser.add_argument("--title", required=True, help="the post's title (any characters)")
    parser.add_argument(
        "--tags", action="append", default=[], help='tags, "a b" or "a, b c" (repeatable)'
    )
    parser.add_argument("--category", action="append", default=[], help="a category (repeatable)")
    parser.add_argument("--author", action="append", default=[], help="an author (repeatable)")
    parser.add_argument("--date", help="date and time (default: now, in this machine's zone)")
    parser.add_argument(
        "--draft", action="store_true", help="write draft: true (not built until removed)"
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=Path("docs/posts"),
        help="folder of the posts (default: docs/posts)",
    )
    args = parser.parse_args(argv)

    tags = unique(name for value in args.tags for name in split_names(value))
    categories = [c for c in (fm.clean_text(c) for c in args.category) if c]
    authors = [a for a in (fm.clean_text(a) for a in args.author) if a]
    try:
        when = _when(args.date)
    except ValueError as err:
        _say(f"newpost: {err}", file=sys.stderr)
        return 2
    if tags or categories:
        known = site_spellings(args.dir)
        for kind, names in (("tag", tags), ("category", categories)):
            pairs = site_spelling(names, known[kind])
            for given, written in pairs:
                if given != written:
                    _say(
                        f"newpost: {kind} {given!r} written {written!r}, as the other posts do",
                        file=sys.stderr,
                    )
            names[:] = [w for _g, w in pairs]
    try:
        path = create(
            args.title,
            args.dir,
            tags=tags,
            categories=categories,
            authors=authors,
            when=when,
            draft=args.draft,
        )
    except FileExistsError as err:
        _say(
            f"newpost: {err.filename} already exists; not overwritten (change the title or --date)",
            file=sys.stderr,
        )
        return 1
    except ValueError as err:
        _say(f"newpost: {err}", file=sys.stderr)
        return 2
    try:
        shown = path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        shown = path
    _say(shown.as_posix())
    _say(
        "newpost: write the excerpt and the body; "
        "preview with `make livehtml`, check with `make lint`",
        file=sys.stderr,
    )
    return 0


def _say(*parts: object, file: TextIO | None = None) -> None:
    """A line of this command's own output (a CLI, not the Sphinx build: no logger here)."""
    (file or sys.stdout).write(" ".join(str(p) for p in parts) + "\n")
