"""``kiji.core.markdown`` reads Markdown exactly as MyST's own parser does.

The core mirrors ``myst_parser.parsers.mdit.create_md_parser`` (which it cannot import: that
module pulls in docutils). These tests compare the tokens of both parsers on every Markdown file
of the test roots and the guide, with the site's extensions and with all of MyST's, so a MyST
release that changes its plugins fails here instead of letting ``kiji lint`` drift.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from kiji.core import markdown
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(
    [
        *(ROOT / "tests" / "roots").rglob("*.md"),
        *(ROOT / "tests" / "fixtures" / "lint").rglob("*.md"),
        *(ROOT / "docs" / "posts" / "guide").rglob("*.md"),
    ]
)
SITE = ("colon_fence", "deflist", "strikethrough")  # conf.py's myst_enable_extensions
EVERY = (
    "amsmath", "attrs_block", "attrs_inline", "colon_fence", "deflist", "dollarmath",
    "fieldlist", "gfm_autolink", "replacements", "section_ref", "smartquotes", "strikethrough",
    "substitution", "tasklist", "alert",
)  # fmt: skip


def _tokens(tokens: list) -> list[dict]:
    return [t.as_dict() for t in tokens]


@pytest.mark.parametrize("extensions", [SITE, EVERY], ids=["site", "every"])
def test_tokens_equal_myst_tokens(extensions: tuple[str, ...]) -> None:
    assert len(FILES) > 20
    theirs = create_md_parser(MdParserConfig(enable_extensions=set(extensions)), RendererHTML)
    ours = markdown.create_parser(extensions)
    differ = []
    for path in FILES:
        text = path.read_text(encoding="utf-8", errors="replace")
        if _tokens(ours.parse(text)) != _tokens(theirs.parse(text)):
            differ.append(path.relative_to(ROOT).as_posix())
    assert differ == []


def test_site_extensions_are_conf_py() -> None:
    conf = (ROOT / "conf.py").read_text(encoding="utf-8")
    assert f"myst_enable_extensions = {list(SITE)!r}".replace("'", '"') in conf


def test_inline_lines_and_directives() -> None:
    text = "# T\n\nfirst [a](a.md)\nsecond {tag}`x`\nthird ![i](i.png)\n\n```{figure} p.png\n:name: fig\n\ncap [c](c.md)\n```\n"
    tokens = markdown.parse(text, SITE)
    inline = [t for t in tokens if t.type == "inline"][1]
    found = [
        (c.line, c.token.type)
        for c in markdown.inline_children(inline)
        if c.token.type in ("link_open", "myst_role", "image")
    ]
    assert found == [(3, "link_open"), (4, "myst_role"), (5, "image")]
    fence = next(t for t in tokens if t.type == "fence")
    assert markdown.directive(fence) == ("figure", "p.png")
    options, content, offset = markdown.directive_body(fence)
    assert options == {"name": "fig"}
    assert content.split("\n")[1] == "cap [c](c.md)"
    # the content's first line is the fence's line + offset: "" on line 9, "cap" on line 10
    assert fence.map[0] + 1 + offset == 9


def test_pointers_only_loses_nothing_a_check_reads() -> None:
    """Skipping inline parsing where no ``[``, ``{`` or ``<`` is leaves out no link, image, role,
    HTML or footnote: every block token is the same, and every skipped inline's children hold
    none of them."""
    pointing = {"link_open", "image", "myst_role", "html_inline", "footnote_ref"}
    skipped = 0
    for path in FILES:
        text = path.read_text(encoding="utf-8", errors="replace")
        full = markdown.parse(text, SITE)
        lazy = markdown.parse(text, SITE, pointers_only=True)
        assert [t.type for t in full] == [t.type for t in lazy]
        for a, b in zip(full, lazy, strict=True):
            if a.type != "inline" or a.children == b.children:
                assert a.as_dict() == b.as_dict()
                continue
            assert b.children == [] and a.content == b.content
            assert not pointing & {c.type for c in a.children or ()}
            assert "<" not in "".join(c.content for c in a.children or ())
            skipped += 1
    assert skipped > 100  # the shortcut is taken (most prose points nowhere)
