"""kiji.jekyll.convert without Sphinx: kramdown and HTML habits of Jekyll posts (Liquid has run).

Every test checks the promise the Sphinx layer relies on: as many lines out as in, and problems
located on the line of the construct (``first_line`` is the file line of the body's first line).
"""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kiji.core.jekyll import convert, decode_marker, encode_marker, parse_ial
from kiji.core.warnings_ import W


def conv(body: str, first_line: int = 10, **kwargs):
    body = textwrap.dedent(body).strip("\n")
    out, problems = convert(body, first_line=first_line)
    assert out.count("\n") == body.count("\n"), (body, out)
    assert not any("conversion failed" in p.message for p in problems), problems
    return out.split("\n"), [(p.line, str(p.subtype), p.message) for p in problems]


def test_a_list_paragraph_is_not_indented_code():
    out, problems = conv("1. item\n\n    <Esc> は <kbd>Esc</kbd>")
    assert out[2] == r"    \<Esc> は <kbd>Esc</kbd>"  # prose of the item: Vim keys escaped
    assert problems == []


# --------------------------------------------------------------------------- kramdown


def test_block_attribute_lists_become_markers():
    out, problems = conv(
        """
        para
        {: #p .c title="t"}

        {: .next}
        para 2
        """
    )
    assert decode_marker(out[1])[0] == "prev" and decode_marker(out[3])[0] == "next"
    kind, attrs = decode_marker(out[1])
    assert (attrs.ids, attrs.classes, attrs.pairs) == (["p"], ["c"], {"title": "t"})
    assert problems == [(11, "kramdown", 'kramdown attribute title="t" cannot be kept; removed')]


def test_header_ids_span_attributes_and_toc():
    out, problems = conv(
        """
        * TOC
        {:toc}

        ## Title {#my-id}
        *em*{: .x} [l](u){:target="_blank"}
        """
    )
    assert out[:2] == ["```{contents}", "```"]
    assert out[3].startswith("## Title<!-- kiji-attrs head ")
    assert decode_marker(out[3].split("Title", 1)[1])[1].ids == ["my-id"]
    assert out[4].startswith("*em*<!-- kiji-attrs span ") and out[4].endswith(")")
    assert [m for _, _, m in problems] == [
        'kramdown attribute target="_blank" cannot be kept; removed'
    ]


def test_kramdown_extensions_and_definitions():
    out, problems = conv(
        """
        {::options parse_block_html="true" /}
        {:ald: .x}
        *[HTML]: Hyper Text
        a
        ^
        b
        {::nomarkdown}
        <b>サイト</b>
        {:/nomarkdown}
        """
    )
    assert out == ["", "", "", "a", "", "b", "```{raw} html", "<b>サイト</b>", "```"]
    assert [sub for _, sub, _ in problems] == ["kramdown"] * 3
    assert [line for line, _, _ in problems] == [10, 11, 12]


def test_parse_ial_and_markers_round_trip():
    attrs = parse_ial("#a .b .c-d key=\"v w\" k2='x' bare=1 ref")
    assert (attrs.ids, attrs.classes, attrs.pairs, attrs.refs) == (
        ["a"],
        ["b", "c-d"],
        {"key": "v w", "k2": "x", "bare": "1"},
        ["ref"],
    )
    assert decode_marker(encode_marker("span", "#x .y--z")) == ("span", parse_ial("#x .y--z"))
    assert decode_marker("<!-- other -->") is None


# --------------------------------------------------------------------------- HTML


def test_vim_keys_are_text_and_html_stays_html():
    out, problems = conv(
        """
        Press <Esc>, <C-w>w, <Leader>, <CR>, <Del> and <kbd>Esc</kbd> or <B>x</B> <span class="a">y</span>.
        <Esc>
        """
    )
    assert (
        out[0]
        == r"Press \<Esc>, \<C-w>w, \<Leader>, \<CR>, \<Del> and <kbd>Esc</kbd> or <B>x</B> <span class="
        + '"a">y</span>.'
    )
    assert out[1] == r"\<Esc>"
    assert problems == []


def test_html_blocks_stay_raw_up_to_their_closing_tag():
    out, problems = conv(
        """
        <div class="box">
          <p>a</p>

              <p>題名</p>
        </div>

        <div markdown="1">
        **x**
        </div>
        """
    )
    assert out[:5] == [
        '<div class="box">',
        "  <p>a</p>",
        "<!-- -->",
        "      <p>題名</p>",
        "</div>",
    ]
    assert out[6] == "<div>"
    assert problems == [
        (
            16,
            "kramdown",
            'markdown="1": leave a blank line after the opening tag so that its content is read as Markdown',
        )
    ]


def test_myst_syntax_of_native_posts_is_untouched():
    body = "```{note}\nx\n```\n\n{tag}`AI` and (label)=\n\n% comment\n\n:::{tip}\ny\n:::"
    out, problems = conv(body)
    assert "\n".join(out) == body and problems == []


# --------------------------------------------------------------------------- properties

TOKENS = [
    "{%", "%}", "{{", "}}", "{% raw %}", "{% endraw %}", "{% comment %}", "{% endcomment %}",
    "{% highlight ruby linenos %}", "{% endhighlight %}", "{% post_url 2019-01-07-hello %}",
    "{% link about.md %}", "{{ site.baseurl }}", "{{ page.title }}", "{% include x %}", "```", "~~~",
    "    ", "\t", "\n", "\n\n", "`", "{: #a .b}", "{:toc}", "* TOC", "{::comment}", "{:/}",
    "{::nomarkdown}", "{:/nomarkdown}", "{::options a=\"b\" /}", "<div>", "</div>", '<div markdown="1">',
    "<Esc>", "<pre>", "</pre>", "<!--", "-->", "## h {#i}", "^", "*[A]: b", "- ", "1. ", "> ", "[x](",
    ")", "](", "<", ">", "\\", "a", "日本語", " ", "{", "}", "%", ":",
]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=60).map("".join))
def test_any_token_soup_keeps_its_lines_and_never_fails(body):
    out, problems = convert(body, first_line=3)
    assert out.count("\n") == body.count("\n")
    assert not any("conversion failed" in p.message for p in problems), problems
    assert all(3 <= p.line <= 3 + body.count("\n") for p in problems)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_keeps_its_lines(body):
    out, problems = convert(body, first_line=1)
    assert out.count("\n") == body.count("\n")
    assert not any("conversion failed" in p.message for p in problems), problems


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.characters(blacklist_characters="{}<`\\%^*:", blacklist_categories=("Cs",)))
)
def test_text_without_jekyll_syntax_is_unchanged(body):
    out, problems = convert(body, first_line=1)
    assert out == body and problems == []


@pytest.mark.parametrize("subtype", [W.LIQUID, W.KRAMDOWN])
def test_subtypes_are_the_documented_ones(subtype):
    assert str(subtype) in {"liquid", "kramdown"}


CODE_TOKENS = [t for t in TOKENS if "`" not in t and "~" not in t and "raw" not in t]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(CODE_TOKENS), max_size=40).map("".join))
def test_fenced_code_is_never_touched(code):
    body = f"before\n\n````text\n{code}\n````\n\nafter"
    out, _ = convert(body, first_line=1)
    assert out.split("\n")[3 : 4 + code.count("\n")] == code.split("\n")
