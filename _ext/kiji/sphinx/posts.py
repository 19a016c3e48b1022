"""Reading posts: front matter → ``{post}`` directive, title, header and footer placeholders.

Order of events for a post (all in the process that reads it, so ``-j`` spreads the work):

1. ``source-read``: the raw bytes are decoded and parsed once (:func:`kiji.frontmatter.parse_post`);
   the record goes into the domain, its problems become located warnings, and the front matter
   lines are replaced by an empty ```` ```{post} ```` fence padded with blank lines, so every body
   line keeps its line number. No front-matter value is ever written into the source text.
2. the ``{post}`` directive emits a :class:`~kiji.nodes.post_header` placeholder.
3. ``doctree-read``: the title section is made from the record (a Text node: nothing in a title is
   parsed as markup), the header moved under it, a footer placeholder appended, the excerpt taken
   from the first paragraph when the front matter has none.
"""

from __future__ import annotations

import codecs
import functools
import os
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..core import frontmatter as fm
from ..core.labels import format_date
from ..core.sources import Matcher, slug_from_docname
from ..core.warnings_ import WARNING_TYPE, W
from . import nodes as kn

logger = logging.getLogger(__name__)

LENIENT_CODEC = "kiji-lenient-utf-8"
EXCERPT_LENGTH = 200


# --------------------------------------------------------------------------- decoding


def _lenient_search(name: str) -> codecs.CodecInfo | None:
    """A codec Sphinx can read any file with; the real decoding happens in ``source-read``.

    Sphinx reads sources with ``read_text(encoding=...)`` before any event, and a CP932 or UTF-16
    file stops the whole build there. Reading through this codec never fails; the bytes are
    then decoded properly (and the problem reported) by :func:`kiji.frontmatter.decode`.
    """
    if name.replace("_", "-") != LENIENT_CODEC:
        return None
    utf8 = codecs.lookup("utf-8")
    return codecs.CodecInfo(
        name=LENIENT_CODEC,
        encode=utf8.encode,
        decode=lambda data, errors="strict": utf8.decode(data, "replace"),
        incrementalencoder=utf8.incrementalencoder,
        incrementaldecoder=lambda errors="strict": utf8.incrementaldecoder("replace"),
        streamreader=utf8.streamreader,
        streamwriter=utf8.streamwriter,
    )


codecs.register(_lenient_search)


# --------------------------------------------------------------------------- helpers


def site_timezone(config: Any) -> tzinfo:
    value = config.kiji_timezone
    if value in ("", "UTC", "utc", "Z"):
        return timezone.utc
    offset = fm._offset(value)
    if offset is not None:
        return offset
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(value)
    except Exception:  # noqa: BLE001 - validated at config-inited; this is the safe default
        return timezone.utc


def build_now(config: Any) -> datetime:
    """'Now' for future-post checks: ``kiji_now``, else SOURCE_DATE_EPOCH, else the clock."""
    if config.kiji_now:
        parsed = fm.parse_date(config.kiji_now, timezone.utc)
        if parsed:
            return parsed
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(tz=timezone.utc)


@functools.lru_cache(maxsize=8)
def _matcher(patterns: tuple[str, ...]) -> Matcher:
    return Matcher(list(patterns))


def is_post(app: Any, docname: str) -> bool:
    return _matcher(tuple(app.config.kiji_posts))(docname)


def warn(problem: fm.Problem, docname: str) -> None:
    if problem.lint_only:
        return  # nothing wrong for a reader: a finding of `make lint` only
    logger.warning(
        problem.message,
        location=(docname, problem.line or None),
        type=WARNING_TYPE,
        subtype=str(problem.subtype),
    )


def post_info(post: fm.Post, docname: str, path: str, language: str | None) -> dict[str, Any]:
    """The plain-data record kept in the domain (pickled with the environment)."""
    when = post.date
    return {
        "docname": docname,
        "source": path,
        "title": post.title,
        "title_given": post.title is not None,
        "ts": when.timestamp() if when else None,
        "date": when.isoformat() if when else None,
        "date_display": format_date(when, language) if when else None,
        "year": when.year if when else None,
        "month": when.month if when else None,
        "tags": list(post.tags),
        "categories": list(post.categories),
        "authors": list(post.authors),
        "excerpt": post.excerpt or post.description,
        "reading_time": post.reading_time,
        "reading_time_given": post.reading_time is not None,
        "permalink": post.permalink,
        "redirect_from": list(post.redirect_from),
        "slug": post.slug or slug_from_docname(docname),
        "layout": post.layout,
        "lang": post.lang,
        "extra": dict(sorted(post.extra.items())),
        "line": 1,
    }




# --------------------------------------------------------------------------- source-read


def on_env_before_read_docs(app: Any, env: Any, docnames: list[str]) -> None:
    # Sphinx decodes strictly before any event; read leniently and decode in source-read.
    env.settings["input_encoding"] = LENIENT_CODEC


def on_source_read(app: Any, docname: str, source: list[str]) -> None:
    env = app.env
    path = env.doc2path(docname)
    rel = str(env.doc2path(docname, False))
    try:
        data = Path(path).read_bytes()
    except OSError:
        return
    domain = env.get_domain("kiji")
    if not is_post(app, docname):
        text, _encoding, problems = fm.decode(data)
        for problem in problems:
            warn(problem, docname)
        source[0] = text
        return
    post = fm.parse_post(data, rel, site_timezone(app.config))
    for problem in post.problems:
        warn(problem, docname)
    domain.posts[docname] = post_info(post, docname, str(path), app.config.language)
    # For the Liquid step of this same read (kiji.sphinx.migrate): Jekyll's ``page``. temp_data
    # lives for one document's read and is never pickled.
    env.temp_data["kiji_front_matter"] = post.data
    domain.invalidate()
    lines = post.text.split("\n")
    if post.fm_lines >= 2:
        # The empty directive fence takes the first two front-matter lines; the rest blank.
        head = ["```{post}", "```"] + [""] * (post.fm_lines - 2)
        lines = head + lines[post.fm_lines :]
    source[0] = "\n".join(lines)


# --------------------------------------------------------------------------- the directive


def _names(argument: str) -> list[str]:
    return [n.strip() for n in argument.replace("、", ",").split(",") if n.strip()]


class PostDirective(SphinxDirective):
    """``{post}``: the metadata header of a post.

    Generated (empty) for every post file from its front matter; written by hand in any page,
    its options make that page a post.
    """

    has_content = False
    option_spec = {
        "title": directives.unchanged,
        "date": directives.unchanged,
        "tags": directives.unchanged,
        "categories": directives.unchanged,
        "author": directives.unchanged,
        "excerpt": directives.unchanged,
        "reading_time": directives.nonnegative_int,
    }

    def run(self) -> list[nodes.Node]:
        domain = self.env.get_domain("kiji")
        docname = self.env.docname
        if docname not in domain.posts or self.options:
            tz = site_timezone(self.config)
            post = fm.Post(
                title=fm.clean_text(self.options.get("title", "")) or None,
                tags=tuple(_names(self.options.get("tags", ""))),
                categories=tuple(_names(self.options.get("categories", ""))),
                authors=tuple(_names(self.options.get("author", ""))),
                excerpt=fm.clean_text(self.options.get("excerpt", "")) or None,
                reading_time=self.options.get("reading_time"),
            )
            if "date" in self.options:
                post.date = fm.parse_date(self.options["date"], tz)
                if post.date is None:
                    logger.warning(
                        "date %r is not a date",
                        self.options["date"],
                        location=self.get_location(),
                        type=WARNING_TYPE,
                        subtype=W.DATE,
                    )
            path = str(self.env.doc2path(docname))
            info = post_info(post, docname, path, self.config.language)
            info["line"] = self.lineno
            old = domain.posts.get(docname)
            if old and not self.options:
                info = old
            domain.posts[docname] = info
            domain.invalidate()
        node = kn.post_header(docname=docname)
        self.set_source_info(node)
        return [node]


# --------------------------------------------------------------------------- doctree-read


def on_doctree_read(app: Any, doctree: nodes.document) -> None:
    env = app.env
    docname = env.docname
    domain = env.get_domain("kiji")
    info = domain.posts.get(docname)
    if info is None:
        return
    header = next(iter(doctree.findall(kn.post_header)), None)
    if header is None:
        header = kn.post_header(docname=docname)
    elif header.parent is not None:
        header.parent.remove(header)
    section = _title_section(doctree, info, docname, env)
    section.insert(1, header)
    section += kn.post_footer(docname=docname)
    if not info.get("excerpt"):
        info["excerpt"] = _first_paragraph(section)
    if not info.get("reading_time_given"):
        info["reading_time"] = fm.reading_minutes(section.astext())
    if info.get("excerpt"):
        doctree.append(nodes.meta(name="description", content=info["excerpt"]))


def on_doctree_read_late(app: Any, doctree: nodes.document) -> None:
    """After Sphinx's collectors: a post needs no toctree (the indexes list it)."""
    docname = app.env.docname
    if docname in app.env.get_domain("kiji").posts:
        app.env.metadata[docname].setdefault("orphan", True)


def _title_section(doctree: nodes.document, info: dict[str, Any], docname: str, env: Any) -> nodes.section:
    """The post's top section, titled from the record; made when the body has none."""
    first = next((c for c in doctree.children if isinstance(c, nodes.section)), None)
    only_section = first is not None and all(
        isinstance(c, (nodes.section, kn.post_header, nodes.target, nodes.comment, nodes.substitution_definition))
        or c is first
        for c in doctree.children
    ) and sum(isinstance(c, nodes.section) for c in doctree.children) == 1
    title = info.get("title")
    if title is None:
        if first is not None and first.children and isinstance(first[0], nodes.title):
            info["title"] = first[0].astext()
        else:
            info["title"] = fm.title_from_filename(docname)
        logger.warning(
            "no title in the front matter; using %r",
            info["title"],
            location=(docname, 1),
            type=WARNING_TYPE,
            subtype=W.TITLE,
        )
        title = info["title"]
        if first is not None and first[0].astext() == title and only_section:
            return first
    elif first is not None and only_section and first[0].astext() == title:
        return first  # the body's own H1 says the same: keep it, no duplicate heading
    section = nodes.section(ids=[nodes.make_id(info.get("slug") or docname) or "post"], names=[nodes.fully_normalize_name(title)])
    section.source, section.line = info["source"], 1
    section += nodes.title(title, title)
    for child in list(doctree.children):
        if isinstance(child, nodes.meta):
            continue
        doctree.remove(child)
        section += child
    doctree += section
    return section


def _first_paragraph(section: nodes.section) -> str:
    for para in section.findall(nodes.paragraph):
        if any(isinstance(a, (kn.post_header, kn.post_footer, nodes.admonition)) for a in _ancestors(para)):
            continue
        text = fm.clean_text(para.astext())
        if text:
            return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"
    return ""


def _ancestors(node: nodes.Node):
    while node.parent is not None:
        node = node.parent
        yield node

