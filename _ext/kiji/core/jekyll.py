"""Jekyll post bodies → MyST: kramdown extensions and Vim-style ``<Esc>`` text.

Pure Python (no Sphinx import), like :mod:`kiji.frontmatter`. Liquid has run before
(:mod:`kiji.liquid_jekyll`); :func:`convert` takes its output and returns a body with exactly as
many lines, plus located :class:`~kiji.frontmatter.Problem` objects. Keeping the line count is what
lets MyST's own warnings keep the line numbers of the file the author edits: every multi-line
construct is rewritten in place, padded with blank lines, or moved onto an adjacent blank line.

What is converted:

* kramdown: block and span attribute lists (``{: #id .class}``), header ids (``## T {#id}``),
  ``{:toc}``, ``{::comment}``, ``{::nomarkdown}``, ``{::options}``, ``^`` block ends and
  abbreviation definitions. Attribute lists become HTML comment markers
  (``<!-- kiji-attrs KIND PAYLOAD -->``): CommonMark turns them into ``raw`` nodes without
  changing the surrounding blocks, and :mod:`kiji.migrate` moves their ids and classes onto the
  element they name, then removes them.
* HTML: block HTML that kramdown keeps raw up to its closing tag stays one raw block (its blank
  lines would otherwise end CommonMark's HTML block and turn indented HTML into a code block);
  tags that are not HTML (``<Esc>``, ``<C-w>``, ``<Leader>``) are escaped so they are shown instead
  of being swallowed by the browser as unknown elements.

What differs from Jekyll, on purpose or because MyST cannot do otherwise:

* ``<Esc>``-style tags are shown; Jekyll wrote them as unknown elements the browser hides.
* kramdown key/value attributes (``target="_blank"``, ``title=``) and attribute list
  definitions cannot be put on docutils nodes: removed with a warning. Abbreviation
  definitions are removed with a warning (no ``<abbr>``). ``{:toc}`` is Sphinx's
  ``{contents}`` (with its "目次" title). ``{::options}`` is removed; only
  ``parse_block_html`` is followed, as far as CommonMark allows.
* ``markdown="1"`` content is read as Markdown only after a blank line (CommonMark's rule);
  without one it stays raw, with a warning.
* kramdown's typographic replacements (``--``, ``...``, ``<<``), ``$$`` math, tables without a
  header row and ``#Heading`` without a space are MyST's business: shown as MyST shows them.
* MyST syntax is never escaped, because the same posts may be written for MyST: a Jekyll line
  that starts with ``%`` (a MyST comment), ``(x)=`` (a target) or ``+++`` reads as MyST.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from .frontmatter import Problem
from .warnings_ import W

__all__ = [
    "Attrs",
    "MARKER_RE",
    "convert",
    "parse_ial",
    "decode_marker",
]

# A kramdown attribute list, carried through MyST as an HTML comment to kiji.migrate.
MARKER_RE = re.compile(r"^<!-- kiji-attrs (prev|next|span|head) (\S*) -->$")

# --------------------------------------------------------------------------- HTML names

# Every element name of HTML (current and obsolete) plus the SVG and MathML names that appear in
# blog posts: a tag with any other name (<Esc>, <C-w>, <CR>) is Vim notation, not markup.
HTML_ELEMENTS = frozenset(
    """
    a abbr acronym address applet area article aside audio b base basefont bdi bdo bgsound
    big blink blockquote body br button canvas caption center cite code col colgroup data
    datalist dd del details dfn dialog dir div dl dt em embed fieldset figcaption figure
    font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe
    image img input ins isindex kbd keygen label legend li link listing main map mark
    marquee math menu menuitem meta meter multicol nav nextid nobr noembed noframes noscript
    object ol optgroup option output p param picture plaintext pre progress q rb rp rt rtc
    ruby s samp script search section select slot small source spacer span strike strong
    style sub summary sup svg table tbody td template textarea tfoot th thead time title tr
    track tt u ul var video wbr xmp g defs desc stop tspan text path rect circle ellipse
    line polyline polygon use symbol lineargradient radialgradient clippath mask pattern
    foreignobject marker filter mi mo mn ms mrow msup msub msubsup mfrac msqrt mroot mtext
    mtable mtr mtd mspace semantics annotation
    """.split()  # noqa: SIM905 - a word list reads better than a list literal
)  # fmt: skip

# CommonMark's HTML block condition 6 (ends at a blank line; may interrupt a paragraph).
BLOCK_TAGS = frozenset(
    """
    address article aside base basefont blockquote body caption center col colgroup dd
    details dialog dir div dl dt fieldset figcaption figure footer form frame frameset h1 h2
    h3 h4 h5 h6 head header hr html iframe legend li link main menu menuitem nav noframes ol
    optgroup option p param search section summary table tbody td tfoot th thead title tr
    track ul
    """.split()  # noqa: SIM905 - a word list reads better than a list literal
)  # fmt: skip

# Rouge lexer names that Pygments spells differently.
LEXERS = {
    "plaintext": "text",
    "plain": "text",
    "txt": "text",
    "terminal": "console",
    "shell-session": "console",
}

# --------------------------------------------------------------------------- regexes

_FENCE_OPEN = re.compile(r"(`{3,}|~{3,})(.*)$")
_QUOTE = re.compile(r"(?:[ ]{0,3}>[ ]?)+")
_LIST_ITEM = re.compile(r"([ ]{0,3})([-+*]|\d{1,9}[.)])(?:([ \t]+)(?=\S)|[ \t]*$)")
_ATX = re.compile(r"[ ]{0,3}#{1,6}(?:[ \t]|$)")
_HR = re.compile(r"[ ]{0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_SETEXT = re.compile(r"[ ]{0,3}(?:=+|-+)[ \t]*$")


_COMMENT_OPEN = re.compile(r"[ \t]*(\{::comment\})")
_COMMENT_END = {
    "kramdown": re.compile(r"\{:/(?:comment)?\}"),
}
_NOMARKDOWN_OPEN = re.compile(r"[ \t]*\{::nomarkdown\}[ \t]*$")
_NOMARKDOWN_END = re.compile(r"[ \t]*\{:/(?:nomarkdown)?\}[ \t]*$")

_BLOCK_IAL = re.compile(r"(?P<indent>[ ]{0,3})\{:(?!:)\s*(?P<body>[^}]*?)\s*\}[ \t]*$")
_OPTIONS_LINE = re.compile(r"[ ]{0,3}\{::options\s+(?P<body>[^}]*?)\s*/?\}[ \t]*$")
_EOB = re.compile(r"[ ]{0,3}\^[ \t]*$")
_ABBR = re.compile(r"[ ]{0,3}\*\[(?P<abbr>[^\]\n]+)\]:[ \t]*(?P<text>.*)$")
_HEAD_ID = re.compile(r"(?P<head>.*?\S)[ \t]*\{(?P<body>#[^\s{}]+|:[^{}]*)\}[ \t]*$")

_INLINE = re.compile(
    r"(?P<bs>\\[\\`<])"
    r"|(?P<code>`+)"
    r"|(?P<kx>\{::(?P<kxname>comment|nomarkdown|options)\b[^}\n]*\}|\{:/(?:comment|nomarkdown)?\})"
    r"|(?P<ial>\{:(?!:)[^}\n]*\})"
    r"|(?P<html></?(?P<name>[A-Za-z][A-Za-z0-9-]*)(?P<attrs>(?:\s[^<>]*?)?)\s*/?>)",
    re.DOTALL,
)
_MARKDOWN_ATTR = re.compile(r"""\s+markdown\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+?))(?=[\s/>])""")

_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")


def _md_escape(text: str) -> str:
    """Every ASCII punctuation character backslash-escaped: MyST shows the text verbatim."""
    return _PUNCT.sub(r"\\\1", text)


def _newlines(text: str) -> str:
    return "\n" * text.count("\n")


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _columns(line: str) -> tuple[int, int]:
    """(indentation in columns with tabs to multiples of 4, index of the first non-blank char)."""
    col = 0
    for i, c in enumerate(line):
        if c == " ":
            col += 1
        elif c == "\t":
            col += 4 - col % 4
        else:
            return col, i
    return col, len(line)


# --------------------------------------------------------------------------- public helpers


@dataclass
class Attrs:
    """A parsed kramdown attribute list."""

    ids: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    pairs: dict[str, str] = field(default_factory=dict)
    refs: list[str] = field(default_factory=list)  # names of attribute list definitions


_IAL_TOKEN = re.compile(
    r"""\s*(?:#(?P<id>[^\s#.{}"']+)|\.(?P<cls>[^\s#.{}"']+)"""
    r"""|(?P<key>[\w:-]+)=(?:"(?P<dq>(?:\\.|[^"\\])*)"|'(?P<sq>(?:\\.|[^'\\])*)'|(?P<bare>\S+))"""
    r"""|(?P<ref>[\w-]+))"""
)


def parse_ial(body: str) -> Attrs:
    """``#id .class key="value" ref`` → :class:`Attrs` (kramdown's IAL syntax; never raises)."""
    attrs = Attrs()
    pos = 0
    body = body.strip()
    while pos < len(body):
        m = _IAL_TOKEN.match(body, pos)
        if not m or m.end() == pos:
            pos += 1  # a stray character: kramdown ignores it too
            continue
        pos = m.end()
        if m.group("id"):
            attrs.ids.append(m.group("id"))
        elif m.group("cls"):
            attrs.classes.append(m.group("cls"))
        elif m.group("key"):
            value = m.group("dq") if m.group("dq") is not None else m.group("sq")
            if value is None:
                value = m.group("bare") or ""
            attrs.pairs[m.group("key")] = value
        elif m.group("ref"):
            attrs.refs.append(m.group("ref"))
    return attrs


def encode_marker(kind: str, body: str) -> str:
    return f"<!-- kiji-attrs {kind} {quote(body.strip(), safe='')} -->"


def decode_marker(text: str) -> tuple[str, Attrs] | None:
    """``(kind, attrs)`` of a ``kiji-attrs`` marker written by :func:`convert`, else None."""
    m = MARKER_RE.match(text.strip())
    if not m:
        return None
    return m.group(1), parse_ial(unquote(m.group(2)))


# --------------------------------------------------------------------------- convert


def convert(
    body: str,
    *,
    first_line: int,
) -> tuple[str, list[Problem]]:
    """Convert kramdown and HTML habits of a body (Liquid already run) to MyST; never raises.

    The same number of lines comes out. ``first_line`` is the 1-based line of the body's first
    line in the file (problems are located with it).
    """
    try:
        converter = _Converter(body, first_line)
        text = converter.run()
        if text.count("\n") != body.count("\n"):  # pragma: no cover - a bug; never lose lines
            raise RuntimeError("line count changed")
        return text, converter.problems
    except Exception as err:  # noqa: BLE001 - one odd post must not stop the build
        return body, [
            Problem(
                W.LIQUID,
                f"Jekyll conversion failed ({type(err).__name__}: {err}); body kept as written",
                first_line,
            )
        ]


@dataclass
class _Block:
    kind: str  # prose, fence, highlight, indented, html, comment, nomarkdown
    start: int
    end: int  # inclusive
    data: dict = field(default_factory=dict)


class _Converter:
    def __init__(
        self,
        body: str,
        first_line: int,
    ) -> None:
        self.body = body
        self.lines = body.split("\n")
        self.out = list(self.lines)
        self.first_line = first_line
        self.problems: list[Problem] = []
        # kramdown's {::options parse_block_html="true" /}: Markdown inside HTML blocks is read.
        self.parse_block_html = bool(re.search(r"\{::options[^}]*parse_block_html=\"?true", body))

    # -- helpers --------------------------------------------------------------------------------
    def warn(self, subtype: W, message: str, index: int) -> None:
        self.problems.append(Problem(subtype, message, self.first_line + index))

    def run(self) -> str:
        for block in self._scan():
            getattr(self, f"_do_{block.kind}")(block)
        return "\n".join(self.out)

    # -- block structure ------------------------------------------------------------------------
    def _scan(self) -> list[_Block]:
        """Split the body into code, HTML, comment and prose blocks (CommonMark's rules, about)."""
        lines = self.lines
        n = len(lines)
        blocks: list[_Block] = []
        prose_start: int | None = None
        prev = "blank"  # blank | para | other: can an indented code block start here?
        list_indent: int | None = None
        kinds = [""] * n

        def flush(end: int) -> None:
            nonlocal prose_start
            if prose_start is not None and end >= prose_start:
                blocks.append(_Block("prose", prose_start, end))
            prose_start = None

        def add(block: _Block) -> None:
            flush(block.start - 1)
            blocks.append(block)
            for k in range(block.start, block.end + 1):
                kinds[k] = block.kind

        i = 0
        while i < n:
            line = lines[i]
            if not line.strip():
                if prose_start is None:
                    prose_start = i
                kinds[i] = "blank"
                prev = "blank"
                i += 1
                continue
            quote_m = _QUOTE.match(line)
            content = line[quote_m.end() :] if quote_m else line
            col, first = _columns(content)
            item = _LIST_ITEM.match(content)
            if list_indent is not None and col < list_indent and not item and prev == "blank":
                list_indent = None  # a paragraph back at the margin ends the list
            base = list_indent if list_indent is not None and col >= list_indent else 0
            rel = col - base
            stripped = content[first:]

            # fenced code
            fence = _FENCE_OPEN.match(stripped) if rel <= 3 else None
            if fence and not (fence.group(1)[0] == "`" and "`" in fence.group(2)):
                end = self._fence_end(i, fence.group(1), quote_m is not None)
                add(
                    _Block(
                        "fence",
                        i,
                        end,
                        {
                            "closed": end < n
                            and self._is_fence_close(lines[end], fence.group(1))
                            and end != i
                        },
                    )
                )
                prev = "other"
                i = end + 1
                continue

            # {% comment %} / {::comment} starting a line and ending one
            cm = _COMMENT_OPEN.match(line)
            if cm:
                end = self._comment_end(i, cm)
                if end is not None:
                    add(_Block("comment", i, end))
                    prev = "other"
                    i = end + 1
                    continue
            if _NOMARKDOWN_OPEN.match(line):
                end = next((k for k in range(i + 1, n) if _NOMARKDOWN_END.match(lines[k])), None)
                if end is not None:
                    add(_Block("nomarkdown", i, end))
                    prev = "other"
                    i = end + 1
                    continue

            # indented code (never inside a paragraph)
            if rel >= 4 and prev != "para":
                end = i
                k = i + 1
                while k < n:
                    if not lines[k].strip():
                        k += 1
                        continue
                    kc, _ = _columns(lines[k])
                    if kc - base >= 4:
                        end = k
                        k += 1
                        continue
                    break
                add(_Block("indented", i, end))
                prev = "other"
                i = end + 1
                continue

            # HTML blocks
            if rel <= 3 and stripped.startswith("<"):
                block = self._html_block(i, stripped, prev == "para", quote_m is not None)
                if block is not None:
                    add(block)
                    prev = "other"
                    i = block.end + 1
                    continue

            # prose
            if prose_start is None:
                prose_start = i
            kinds[i] = "prose"
            if item:
                list_indent = self._item_indent(content, item)
                prev = "para"
            elif (
                _ATX.match(stripped)
                or _HR.match(stripped)
                or (prev == "para" and _SETEXT.match(stripped))
            ):
                prev = "other"
            else:
                prev = "para"
            i += 1
        flush(n - 1)
        self.kinds = kinds
        return blocks

    @staticmethod
    def _item_indent(content: str, item: re.Match[str]) -> int:
        """The content column of a list item (CommonMark: marker + 1 to 4 spaces)."""
        marker_end = len(content[: item.end(2)].expandtabs(4))
        if not item.group(3):
            return marker_end + 1
        gap = len(item.group(3).expandtabs(4))
        return marker_end + (gap if gap <= 4 else 1)

    @staticmethod
    def _is_fence_close(line: str, opener: str) -> bool:
        quote_m = _QUOTE.match(line)
        content = line[quote_m.end() :] if quote_m else line
        s = content.lstrip(" \t")
        run = len(s) - len(s.lstrip(opener[0]))
        return run >= len(opener) and not s[run:].strip()

    def _fence_end(self, start: int, opener: str, quoted: bool) -> int:
        for k in range(start + 1, len(self.lines)):
            line = self.lines[k]
            if quoted and not _QUOTE.match(line):
                return k - 1  # the quote ends and the fence with it
            if self._is_fence_close(line, opener):
                return k
        return len(self.lines) - 1  # unclosed: code to the end, as CommonMark does

    def _comment_end(self, start: int, cm: re.Match[str]) -> int | None:
        end_re = _COMMENT_END["kramdown"]
        for k in range(start, len(self.lines)):
            text = self.lines[k][cm.end() :] if k == start else self.lines[k]
            m = end_re.search(text)
            if m:
                return k if not text[m.end() :].strip() else None
        return None

    def _html_block(self, i: int, stripped: str, in_para: bool, quoted: bool) -> _Block | None:
        """CommonMark's seven HTML block kinds, extended to kramdown's closing-tag rule."""
        lines = self.lines
        n = len(lines)
        low = stripped.lower()

        def until(pattern: str) -> int:
            for k in range(i, n):
                if re.search(pattern, lines[k], re.IGNORECASE):
                    return k
            return n - 1

        def until_blank() -> int:
            k = i
            while k + 1 < n and lines[k + 1].strip():
                k += 1
            return k

        m = re.match(r"<(script|pre|style|textarea)(?=[\s>]|$)", low)
        if m:
            return _Block("html", i, until(rf"</{m.group(1)}>"), {})
        if low.startswith("<!--"):
            if MARKER_RE.match(stripped.strip()):
                return None
            return _Block("html", i, until("-->"), {})
        if low.startswith("<?"):
            return _Block("html", i, until(r"\?>"), {})
        if low.startswith("<![cdata["):
            return _Block("html", i, until(r"\]\]>"), {})
        if re.match(r"<![a-z]", low):
            return _Block("html", i, until(">"), {})
        m = re.match(r"<(/?)([a-z][a-z0-9-]*)(?=[\s/>]|$)", low)
        if not m:
            return None
        name = m.group(2)
        if name in BLOCK_TAGS:
            data: dict = {}
            md = _MARKDOWN_ATTR.search(stripped.split(">", 1)[0] + ">")
            if md:
                data["markdown"] = next(g for g in md.groups() if g is not None)
            if not m.group(1) and not quoted:
                close = self._matching_close(i, name)
                if close is not None and "markdown" not in data and not self.parse_block_html:
                    data["fill"] = True
                    return _Block("html", i, close, data)
            if "markdown" in data:
                # Markdown inside: only the opening tag line is HTML; CommonMark reads what follows
                # a blank line as Markdown, which is what markdown="1" asks for.
                return _Block("html", i, i, data)
            return _Block("html", i, until_blank(), data)
        # condition 7: a complete tag alone on its line, not inside a paragraph
        if in_para or name not in HTML_ELEMENTS:
            return None
        if not re.fullmatch(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>\s*", stripped):
            return None
        return _Block("html", i, until_blank(), {})

    def _matching_close(self, i: int, name: str) -> int | None:
        depth = 0
        open_re = re.compile(rf"<{name}(?=[\s/>])", re.IGNORECASE)
        close_re = re.compile(rf"</{name}\s*>", re.IGNORECASE)
        for k in range(i, min(len(self.lines), i + 2000)):
            line = self.lines[k]
            events = sorted(
                [(m.start(), 1) for m in open_re.finditer(line)]
                + [(m.start(), -1) for m in close_re.finditer(line)]
            )
            for _pos, step in events:
                depth += step
                if depth == 0:
                    return k
        return None

    # -- code blocks: left alone ---------------------------------------------------------------
    def _do_fence(self, block: _Block) -> None:
        pass  # MyST reads fences as they are

    def _do_indented(self, block: _Block) -> None:
        pass  # MyST reads indented code as it is

    def _do_comment(self, block: _Block) -> None:
        # A MyST comment line per line: hidden, as Liquid and kramdown hide them.
        for k in range(block.start, block.end + 1):
            self.out[k] = "% " + self.lines[k].strip() if self.lines[k].strip() else "%"

    def _do_nomarkdown(self, block: _Block) -> None:
        inner = self.lines[block.start + 1 : block.end]
        longest = max((len(s.lstrip()) - len(s.lstrip().lstrip("`")) for s in inner), default=0)
        fence = "`" * max(3, longest + 1)
        self.out[block.start] = fence + "{raw} html"
        self.out[block.end] = fence

    # -- HTML blocks ----------------------------------------------------------------------------
    def _do_html(self, block: _Block) -> None:
        d = block.data
        lines = self.out[block.start : block.end + 1]
        if "markdown" in d:
            lines[0] = _MARKDOWN_ATTR.sub("", lines[0], count=1)
            if (
                d["markdown"] in ("1", "block", "span")
                and block.start + 1 < len(self.lines)
                and self.lines[block.start + 1].strip()
            ):
                self.warn(
                    W.KRAMDOWN,
                    'markdown="1": leave a blank line after the opening tag so that its content '
                    "is read as Markdown",
                    block.start,
                )
            elif d["markdown"] == "0" and not self.parse_block_html:
                pass
        if d.get("fill"):
            # kramdown keeps everything up to the closing tag raw; a blank line would end
            # CommonMark's HTML block and make indented HTML a code block.
            lines = [line if line.strip() else "<!-- -->" for line in lines]
        text = "\n".join(lines)
        self.out[block.start : block.end + 1] = text.split("\n")

    # -- prose ----------------------------------------------------------------------------------
    def _do_prose(self, block: _Block) -> None:
        self._kramdown_lines(block.start, block.end)
        text = "\n".join(self.out[block.start : block.end + 1])
        new = self._inline(text, block.start)
        if new.count("\n") == text.count("\n"):
            self.out[block.start : block.end + 1] = new.split("\n")

    def _kramdown_lines(self, start: int, end: int) -> None:
        """Line-level kramdown: {:toc}, block IALs, ALDs, {::options}, ^, abbreviations, ids."""
        lines = self.lines
        for i in range(start, end + 1):
            line = self.out[i]
            m = _BLOCK_IAL.match(line)
            if m:
                self._block_ial(i, m, start)
                continue
            m = _OPTIONS_LINE.match(line)
            if m:
                self.out[i] = ""
                body = m.group("body")
                if re.fullmatch(r"parse_block_html=[\"']?true[\"']?", body.strip()):
                    why = "Markdown inside HTML blocks is read only after a blank line (CommonMark)"
                else:
                    why = "they have no effect here"
                self.warn(
                    W.KRAMDOWN, f"kramdown options {{::options {_short(body)} /}} removed: {why}", i
                )
                continue
            if _EOB.match(line):
                self.out[i] = ""  # kramdown's end-of-block marker: a blank line does the same
                continue
            m = _ABBR.match(line)
            if m:
                self.out[i] = ""
                self.warn(
                    W.KRAMDOWN,
                    f"kramdown abbreviation *[{_short(m.group('abbr'), 30)}] is not supported; "
                    "definition removed",
                    i,
                )
                continue
            setext = i + 1 <= end and _SETEXT.match(lines[i + 1]) and lines[i + 1].strip()
            if _ATX.match(line) or setext:
                hm = _HEAD_ID.match(line)
                if hm and not (hm.group("body").startswith(":") and hm.group("body")[1:2] == ":"):
                    body = hm.group("body")
                    attrs_text = body[1:] if body.startswith(":") else body
                    self._check_attrs(parse_ial(attrs_text), i)
                    self.out[i] = hm.group("head") + encode_marker("head", attrs_text)

    def _block_ial(self, i: int, m: re.Match[str], start: int) -> None:
        body = m.group("body")
        ald = re.match(r"([\w][\w-]*):\s*(.*)$", body)
        if ald:
            self.out[i] = ""
            self.warn(
                W.KRAMDOWN,
                f"kramdown attribute list definition {{:{ald.group(1)}: …}} is not supported; "
                "removed",
                i,
            )
            return
        attrs = parse_ial(body)
        if "toc" in attrs.refs:
            prev_item = (
                i > 0
                and self.kinds[i - 1] == "prose"
                and _LIST_ITEM.match(self.out[i - 1])
                and not self.lines[i - 1].startswith((" ", "\t"))
            )
            if prev_item and (
                i - 1 == 0 or not self.lines[i - 2].strip() or self.kinds[i - 2] != "prose"
            ):
                # `* TOC` + `{:toc}`: two lines, exactly a directive fence
                self.out[i - 1], self.out[i] = "```{contents}", "```"
                return
            self.out[i] = ""
            self.warn(W.KRAMDOWN, "{:toc} must follow a one-item list; removed", i)
            return
        self._check_attrs(attrs, i)
        if not attrs.ids and not attrs.classes:
            self.out[i] = ""
            return
        # kramdown: after a blank line the list applies to the next block, else to the previous.
        kind = "next" if i == 0 or not self.lines[i - 1].strip() else "prev"
        self.out[i] = m.group("indent") + encode_marker(kind, body)

    def _check_attrs(self, attrs: Attrs, i: int) -> None:
        dropped = [f'{k}="{v}"' for k, v in attrs.pairs.items()] + [
            r for r in attrs.refs if r != "toc"
        ]
        if dropped:
            self.warn(
                W.KRAMDOWN,
                f"kramdown attribute {', '.join(_short(d, 40) for d in dropped)} "
                "cannot be kept; removed",
                i,
            )

    def _inline(self, text: str, index: int) -> str:
        """Code spans, Liquid, kramdown span extensions and non-HTML tags of one prose run."""
        parts: list[str] = []
        pos = 0
        n = len(text)
        while pos < n:
            m = _INLINE.search(text, pos)
            if not m:
                break
            parts.append(text[pos : m.start()])
            line = index + text.count("\n", 0, m.start())
            if m.group("bs") is not None:
                parts.append(m.group(0))
                pos = m.end()
            elif m.group("code") is not None:
                ticks = m.group("code")
                close = re.compile(rf"(?<!`){ticks}(?!`)")
                c = close.search(text, m.end())
                if c and not re.search(r"\n[ \t]*\n", text[m.end() : c.start()]):
                    parts.append(text[m.start() : c.end()])
                    pos = c.end()
                else:
                    parts.append(ticks)
                    pos = m.end()
            elif m.group("kx") is not None:
                replacement, pos = self._kramdown_ext(m, text, line)
                parts.append(replacement)
            elif m.group("ial") is not None:
                body = m.group("ial")[2:-1]
                attrs = parse_ial(body)
                self._check_attrs(attrs, line)
                if "toc" in attrs.refs:
                    self.warn(
                        W.KRAMDOWN,
                        "{:toc} must follow a one-item list on a line of its own; removed",
                        line,
                    )
                parts.append(encode_marker("span", body) if attrs.ids or attrs.classes else "")
                pos = m.end()
            else:
                parts.append(self._html_tag(m, text, line))
                pos = m.end()
        parts.append(text[pos:])
        return "".join(parts)

    def _html_tag(self, m: re.Match[str], text: str, line: int) -> str:
        tag = m.group("html")
        name = m.group("name")
        if m.group("attrs").strip():
            return tag
        low = name.lower()
        closing = tag.startswith("</")
        if low not in HTML_ELEMENTS:
            return "\\" + tag
        if (
            name != low
            and not closing
            and not re.search(rf"</{re.escape(name)}\s*>", text[m.end() :], re.IGNORECASE)
        ):
            return "\\" + tag  # <Del>, <Home>-style keys with no closing tag: Vim notation
        return tag

    def _kramdown_ext(self, m: re.Match[str], text: str, line: int) -> tuple[str, int]:
        token = m.group("kx")
        name = m.group("kxname")
        if name == "comment":
            c = _COMMENT_END["kramdown"].search(text, m.end())
            if c:
                return _newlines(text[m.start() : c.end()]), c.end()
        elif name == "nomarkdown":
            c = re.compile(r"\{:/(?:nomarkdown)?\}").search(text, m.end())
            if c:
                return text[m.end() : c.start()], c.end()
        elif name == "options":
            self.warn(
                W.KRAMDOWN,
                f"kramdown options {_short(token)} removed: they have no effect here",
                line,
            )
            return "", m.end()
        self.warn(
            W.KRAMDOWN, f"kramdown extension {_short(token)} is not closed; shown as text", line
        )
        return _md_escape(token), m.end()
