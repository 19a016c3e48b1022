"""Markdown read as MyST reads it: markdown-it-py with MyST's plugins, no Sphinx, no docutils.

MyST builds its parser in ``myst_parser.parsers.mdit.create_md_parser``, but that module imports
``myst_parser.config.main``, which imports docutils, so ``core`` cannot call it. This module
mirrors its plugin list, in its order, for a ``myst_enable_extensions`` list and MyST's defaults
for the options; ``tests/test_markdown.py`` checks that the tokens equal those of MyST's own
parser on the test roots' posts, so a MyST upgrade that changes the list fails there.

``kiji lint`` reads every body through :func:`parse`: links, images, roles, fences, HTML blocks
and front matter are what MyST sees, not what a regular expression guesses.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_block import make_fence_rule
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.field_list import fieldlist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin
from mdit_py_plugins.section_ref import section_ref_plugin
from mdit_py_plugins.substitution import substitution_plugin
from mdit_py_plugins.wordcount import wordcount_plugin

_OPTION = re.compile(r"^\s*:([\w.-]+):(?:\s+(.*)|\s*)$")

# MyST's defaults for the options its parser reads (myst_parser.config.main.MdParserConfig).
DEFAULTS = {
    "words_per_minute": 200,
    "sub_delimiters": ("{", "}"),
    "linkify_fuzzy_links": True,
    "dmath_allow_labels": True,
    "dmath_allow_space": True,
    "dmath_allow_digits": True,
    "dmath_double_inline": False,
    "enable_checkboxes": False,
    "strikethrough_single_tilde": False,
    "colon_fence_exact_match": False,
}


def create_parser(extensions: Iterable[str] = (), **options: object) -> MarkdownIt:
    """A parser configured as ``create_md_parser`` configures MyST's (not commonmark/gfm-only)."""
    ext = set(extensions)
    o = {**DEFAULTS, **options}
    md = (
        MarkdownIt("commonmark")
        .enable("table")
        .use(front_matter_plugin)
        .use(myst_block_plugin)
        .use(myst_role_plugin)
        .use(footnote_plugin, inline=False, move_to_end=False, always_match_refs=True)
        .use(wordcount_plugin, per_minute=o["words_per_minute"])
    )
    # MyST turns the typographer on only for its two extensions that need it.
    typographer = bool(ext & {"smartquotes", "replacements"})
    if "smartquotes" in ext:
        md.enable("smartquotes")
    if "replacements" in ext:
        md.enable("replacements")
    linkify = "linkify" in ext and md.linkify is not None
    if linkify:
        md.enable("linkify")
        md.linkify.set({"fuzzy_link": o["linkify_fuzzy_links"]})
    if "gfm_autolink" in ext:
        md.use(gfm_autolink_plugin)
    if "section_ref" in ext:
        md.use(section_ref_plugin)
    if "strikethrough" in ext:
        md.enable("strikethrough")
        md.options["strikethrough_single_tilde"] = o["strikethrough_single_tilde"]
    if "dollarmath" in ext:
        md.use(
            dollarmath_plugin,
            allow_labels=o["dmath_allow_labels"],
            allow_space=o["dmath_allow_space"],
            allow_digits=o["dmath_allow_digits"],
            double_inline=o["dmath_double_inline"],
        )
    if "colon_fence" in ext:
        rule = make_fence_rule(
            markers=(":",), token_type="colon_fence", exact_match=o["colon_fence_exact_match"]
        )
        md.block.ruler.before(
            "fence",
            "colon_fence",
            rule,
            {"alt": ["paragraph", "reference", "blockquote", "list", "footnote_def"]},
        )
    if "amsmath" in ext:
        md.use(amsmath_plugin)
    if "deflist" in ext:
        md.use(deflist_plugin)
    if "fieldlist" in ext:
        md.use(fieldlist_plugin)
    if "tasklist" in ext:
        md.options["tasklists"] = True
        md.options["tasklists_editable"] = o["enable_checkboxes"]
    if "alert" in ext:
        md.options["alerts"] = True
    if "substitution" in ext:
        md.use(substitution_plugin, *o["sub_delimiters"])  # type: ignore[misc]
    if "attrs_inline" in ext:
        md.use(
            attrs_plugin,
            after=("image", "code_inline", "link_close", "span_close"),
            spans=True,
            span_after="footnote_ref",
        )
    elif "attrs_image" in ext:
        md.use(attrs_plugin, after=("image",))
    if "attrs_block" in ext:
        md.use(attrs_block_plugin)
    md.options.update({"typographer": typographer, "linkify": linkify})
    return md


# Every inline construct that points somewhere starts with one of these: links, images and
# footnotes ``[``, roles, substitutions and attributes ``{``, autolinks and raw HTML ``<``.
_POINTER = re.compile(r"[\[{<]")


def _inline_where_pointing(state: StateCore) -> None:
    """MyST's ``inline`` core rule, run only on the inline tokens that can point somewhere.

    Prose without ``[``, ``{`` or ``<`` has no link, image, role or HTML in it: its children
    would be text and emphasis, which no check reads, and parsing them is most of the time
    markdown-it spends on a post. Headings are always parsed (their text makes the anchor).
    """
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "inline":
            continue
        token.children = []
        heading = i > 0 and tokens[i - 1].type == "heading_open"
        if heading or _POINTER.search(token.content):
            state.md.inline.parse(token.content, state.md, state.env, token.children)


@functools.lru_cache(maxsize=8)
def _parser(extensions: frozenset[str], pointers_only: bool) -> MarkdownIt:
    md = create_parser(extensions)
    if pointers_only:
        md.core.ruler.at("inline", _inline_where_pointing)
    return md


def parse(text: str, extensions: Iterable[str] = (), *, pointers_only: bool = False) -> list[Token]:
    """The block tokens of ``text`` (inline tokens hold their children), as MyST gets them.

    ``pointers_only``: leave the children of inline tokens without ``[``, ``{`` or ``<`` empty
    (see :func:`_inline_where_pointing`); every other token is the same.
    """
    return _parser(frozenset(extensions), pointers_only).parse(text)


# --------------------------------------------------------------------------- walking tokens


@dataclass(frozen=True)
class Inline:
    """One child of an inline token, with the 1-based source line it is on."""

    token: Token
    line: int


def inline_children(inline: Token) -> Iterator[Inline]:
    """The children of an ``inline`` token with their lines (line breaks counted)."""
    line = inline.map[0] + 1 if inline.map else 1
    for child in inline.children or ():
        yield Inline(child, line)
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type in ("html_inline", "text", "code_inline"):
            line += child.content.count("\n")


def directive(token: Token) -> tuple[str, str] | None:
    """``(name, argument)`` of a MyST directive fence (```` ```{name} arg ````), else None."""
    if token.type not in ("fence", "colon_fence"):
        return None
    info = token.info.strip()
    if not info.startswith("{") or "}" not in info:
        return None
    name, _, argument = info[1:].partition("}")
    return name.strip(), argument.strip()


def directive_body(token: Token) -> tuple[dict[str, str], str, int]:
    """(options, content, line offset of the content) of a directive fence, as MyST splits it.

    Options are a ``:key: value`` block or a YAML block between ``---`` lines at the start; the
    offset is the number of lines before the content within the token's own lines (the fence
    line included).
    """
    lines = token.content.split("\n")
    options: dict[str, str] = {}
    i = 0
    if lines and lines[0].strip() == "---":
        end = next((j for j in range(1, len(lines)) if lines[j].strip() == "---"), None)
        if end is not None:
            for line in lines[1:end]:
                key, sep, value = line.partition(":")
                if sep and key.strip():
                    options[key.strip()] = value.strip()
            i = end + 1
    else:
        while i < len(lines) and (m := _OPTION.match(lines[i])):
            options[m.group(1)] = (m.group(2) or "").strip()
            i += 1
    return options, "\n".join(lines[i:]), i + 1
