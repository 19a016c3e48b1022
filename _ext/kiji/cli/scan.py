"""What ``kiji lint``'s checks need from a Markdown body, read from MyST's tokens.

The body is parsed by :func:`kiji.core.markdown.parse`, configured as MyST configures its parser,
so a link, image, role, fence, directive or HTML block is one exactly when MyST renders it as one.
Directives whose content is Markdown are parsed again, as MyST does, at their own lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markdown_it.common.normalize_url import normalizeLinkText
from markdown_it.token import Token

from ..core import markdown

# conf.py's myst_enable_extensions: what lint reads with when conf.py does not say.
SITE_EXTENSIONS = ("colon_fence", "deflist", "strikethrough")

# Directives whose content is not Markdown: nothing inside them is a link or a paragraph.
LITERAL_DIRECTIVES = frozenset(
    {
        "code", "code-block", "sourcecode", "code-cell", "literalinclude", "eval-rst", "math",
        "raw", "csv-table", "mermaid", "graphviz", "postlist", "tagcloud", "archive", "post",
        "kiji-highlight",
    }
)  # fmt: skip

# Liquid left in the text when kiji_jekyll = False (the build then shows it as text).
_LIQUID = re.compile(
    r"\{%-?\s*(?P<tag>\w+)(?P<body>.*?)-?%\}"
    r"|\{\{-?\s*(?:site|page|post|include|paginator|content)\b.*?\}\}"
)
_CODE_SPAN = re.compile(r"(`+).+?\1", re.DOTALL)
_ROLE_TITLE = re.compile(r"^(.*?)\s*<([^<>]+)>\s*$", re.DOTALL)

# A line that is nothing but an end-of-generation marker (---END---, [END], === EOF ===), and
# special tokens of language models wherever they are.
END_MARKER = re.compile(
    r"^[\s\-=*_~#<>\[\]()|]*"
    r"(END|EOF|END OF (?:ARTICLE|POST|TEXT|DOCUMENT|RESPONSE|OUTPUT))"
    r"[\s\-=*_~#<>\[\]()|]*$"
)
MODEL_TOKEN = re.compile(
    r"<\|(?:endoftext|im_start|im_end|im_sep|eot_id|end_of_text|begin_of_text|start_header_id|"
    r"end_header_id|assistant|user|system|end)\|>|<(?:start|end)_of_turn>"
)


@dataclass
class Ref:
    """Something a post points at: a link, an image, a role or a Liquid tag."""

    line: int
    kind: str  # link, image, html-image, role, post_url, liquid, directive-image
    target: str
    role: str = ""


@dataclass
class Body:
    """What the checks need from a Markdown body, read in one pass over its tokens."""

    blocks: list[tuple[int, str]] = field(default_factory=list)  # (line, text) of paragraphs
    headings: list[tuple[int, int, str]] = field(default_factory=list)  # (line, level, text)
    labels: set[str] = field(default_factory=set)
    refs: list[Ref] = field(default_factory=list)
    markers: list[tuple[int, str]] = field(default_factory=list)  # generation leftovers


class _ImageSources(HTMLParser):
    """``src`` of every ``<img>`` in a piece of raw HTML (MyST passes raw HTML through)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []  # (line within the HTML, src)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            src = dict(attrs).get("src")
            if src:
                self.found.append((self.getpos()[0], src))


def scan_body(
    lines: Sequence[str],
    first: int,
    extensions: Iterable[str] = SITE_EXTENSIONS,
    *,
    liquid: bool = False,
) -> Body:
    """Scan ``lines`` (the file's lines; the body starts at index ``first``).

    The front matter's lines are blank to the parser, as the build blanks them (it leaves an
    empty ``{post}`` fence there), so every token keeps its line in the file. ``liquid``: report
    Liquid tags in the text (when the build does not convert them).
    """
    text = "\n".join([""] * first + list(lines[first:]))
    body = Body()
    _walk(_parse(text, tuple(extensions)), body, 0, tuple(extensions), liquid)
    return body


def _parse(text: str, extensions: tuple[str, ...]) -> list[Token]:
    # Inline children only where a link, image, role or HTML can be: the rest is read by no check.
    return markdown.parse(text, extensions, pointers_only=True)


def _walk(
    tokens: list[Token], body: Body, offset: int, extensions: tuple[str, ...], liquid: bool
) -> None:
    for i, tok in enumerate(tokens):
        line = tok.map[0] + 1 + offset if tok.map else offset + 1
        kind = tok.type
        if kind == "heading_open":
            inline = tokens[i + 1]
            # MyST slugs the text and code of a heading, not its markup (compute_unique_slug).
            title = "".join(
                c.content for c in inline.children or () if c.type in ("text", "code_inline")
            )
            body.headings.append((line, int(tok.tag[1:]), title))
        elif kind == "paragraph_open" and tokens[i + 1].type == "inline":
            body.blocks.append((line, tokens[i + 1].content))
        elif kind == "inline":
            _inline(tok, body, offset, liquid)
        elif kind == "myst_target":
            body.labels.add(tok.content.strip())
        elif kind in ("fence", "colon_fence"):
            _fence(tok, line, body, extensions, liquid)
        elif kind == "html_block":
            _html(tok.content, line, body)


def _inline(tok: Token, body: Body, offset: int, liquid: bool) -> None:
    first = tok.map[0] + 1 + offset if tok.map else offset + 1
    for k, text_line in enumerate(tok.content.split("\n")):
        if END_MARKER.match(text_line.strip()):
            body.markers.append((first + k, text_line.strip()))
    for child in markdown.inline_children(tok):
        c, line = child.token, child.line + offset
        if c.type == "link_open":
            # markdown-it percent-encodes URLs; the text form is what the author wrote
            body.refs.append(Ref(line, "link", normalizeLinkText(str(c.attrGet("href") or ""))))
        elif c.type == "image":
            body.refs.append(Ref(line, "image", normalizeLinkText(str(c.attrGet("src") or ""))))
        elif c.type == "myst_role":
            name = str(c.meta.get("name", "")).rsplit(":", 1)[-1]
            titled = _ROLE_TITLE.match(c.content)
            target = (titled.group(2) if titled else c.content).strip()
            body.refs.append(Ref(line, "role", target, role=name))
        elif c.type == "html_inline":
            _html(c.content, line, body)
        elif c.type == "text":
            for token in MODEL_TOKEN.finditer(c.content):
                body.markers.append((line, token.group(0)))
    if liquid and "{" in tok.content:
        # Liquid is text to MyST: read it from the source text, code spans hidden (examples).
        content = _CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), tok.content)
        for m in _LIQUID.finditer(content):
            line = first + content.count("\n", 0, m.start())
            if m.group("tag") == "post_url":
                body.refs.append(Ref(line, "post_url", m.group("body").strip()))
            else:
                body.refs.append(Ref(line, "liquid", m.group(0)))


def _fence(tok: Token, line: int, body: Body, extensions: tuple[str, ...], liquid: bool) -> None:
    found = markdown.directive(tok)
    if found is None:
        if tok.type == "colon_fence":  # a div: its content is Markdown, from the next line
            _walk(_parse(tok.content, extensions), body, line, extensions, liquid)
        return  # a code block
    name, argument = found
    short = name.split(":")[-1]
    options, content, skip = markdown.directive_body(tok)
    if options.get("name"):
        body.labels.add(options["name"])
    if short in ("image", "figure") and argument:
        body.refs.append(Ref(line, "directive-image", argument))
    if short in LITERAL_DIRECTIVES:
        return
    _walk(_parse(content, extensions), body, line - 1 + skip, extensions, liquid)


def _html(html: str, line: int, body: Body) -> None:
    parser = _ImageSources()
    parser.feed(html)
    parser.close()
    for k, src in parser.found:
        body.refs.append(Ref(line + k - 1, "html-image", src))
    for k, text_line in enumerate(html.split("\n")):
        for token in MODEL_TOKEN.finditer(text_line):
            body.markers.append((line + k, token.group(0)))
