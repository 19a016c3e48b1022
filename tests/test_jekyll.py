"""kiji.jekyll.convert without Sphinx: Liquid, kramdown and HTML habits of Jekyll posts.

Every test checks the promise the Sphinx layer relies on: as many lines out as in, and problems
located on the line of the construct (``first_line`` is the file line of the body's first line).
"""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kiji.core.jekyll import convert, decode_marker, encode_marker, parse_highlight, parse_ial
from kiji.core.warnings_ import W

POSTS = {
    "2019-01-07-hello": "/posts/2019-01-07-hello.md",
    "2019/2019-02-01-sub": "/posts/2019/2019-02-01-sub.md",
    "2019-01-08-c#": "/posts/2019-01-08-c#.md",
    "2019-01-09-with space": "/posts/2019-01-09-with space.md",
}
LINKS = {"about.md": "/about.md", "_posts/2019-01-07-hello.md": "/posts/2019-01-07-hello.md"}
SITE = {"url": "https://example.org", "baseurl": "/blog", "title": "サイト"}
PAGE = {"title": "題名 *星* <b>"}


def conv(body: str, first_line: int = 10, **kwargs):
    body = textwrap.dedent(body).strip("\n")
    out, problems = convert(
        body,
        first_line=first_line,
        site=kwargs.get("site", SITE),
        page=kwargs.get("page", PAGE),
        resolve_post=POSTS.get,
        resolve_link=LINKS.get,
    )
    assert out.count("\n") == body.count("\n"), (body, out)
    assert not any("conversion failed" in p.message for p in problems), problems
    return out.split("\n"), [(p.line, str(p.subtype), p.message) for p in problems]


# --------------------------------------------------------------------------- highlight


def test_highlight_becomes_a_fence():
    out, problems = conv(
        """
        {% highlight ruby %}
        def x
          "{{ not_liquid }}"
        end
        {% endhighlight %}
        """
    )
    assert out == ["```ruby", "def x", '  "{{ not_liquid }}"', "end", "```"]
    assert problems == []


def test_highlight_options_use_the_directive():
    out, _ = conv('{% highlight python linenos mark_lines="1 2" %}\nprint(1)\n{% endhighlight %}')
    assert out == ['```{kiji-highlight} python linenos mark_lines="1 2"', "print(1)", "```"]
    hl = parse_highlight('python linenos mark_lines="1 2"')
    assert (hl.language, hl.linenos, hl.emphasize) == ("python", True, [1, 2])
    assert parse_highlight("plaintext").language == "text"
    assert parse_highlight("ruby foo=1").unknown == ["foo=1"]


def test_highlight_with_raw_moves_the_fences_onto_the_markers():
    out, problems = conv(
        """
        {% highlight liquid %}
        {% raw %}
        {{ page.title }}
        {% endraw %}
        {% endhighlight %}
        """
    )
    assert out == ["", "```liquid", "{{ page.title }}", "```", ""]
    assert problems == []


def test_highlight_code_on_the_tag_lines_uses_blank_neighbours():
    out, _ = conv("text\n\n{% highlight sh %}echo 1\necho 2{% endhighlight %}\n\nafter")
    assert out == ["text", "```sh", "echo 1", "echo 2", "```", "after"]


def test_highlight_fence_is_longer_than_backticks_inside():
    out, _ = conv("{% highlight md %}\n````\nx\n````\n{% endhighlight %}")
    assert out[0] == "`````md" and out[-1] == "`````"


def test_unclosed_highlight_is_text_with_a_warning():
    out, problems = conv("{% highlight ruby %}\nputs 1")
    assert out[0].startswith("\\{\\% highlight")
    assert problems == [
        (
            10,
            "liquid",
            "{% highlight %} must stand on a line of its own around a code block; shown as text",
        )
    ]


# --------------------------------------------------------------------------- raw, comment


def test_raw_keeps_liquid_literally_without_warnings():
    out, problems = conv(
        "{% raw %}\n{{ page.title }} and {% include x.html %}\n{% endraw %}\n\n{% raw %}{{ a }}{% endraw %} b"
    )
    assert out == [
        "",
        r"\{\{ page.title \}\} and \{\% include x.html \%\}",
        "",
        "",
        r"\{\{ a \}\} b",
    ]
    assert problems == []


def test_unclosed_raw_warns_at_its_line():
    out, problems = conv("a\n{% raw %}\n{{ x }}")
    assert out == ["a", "", r"\{\{ x \}\}"]
    assert problems == [
        (11, "liquid", "{% raw %} is never closed: the rest of the post is shown literally")
    ]


def test_comment_blocks_become_myst_comments():
    out, problems = conv(
        "a\n\n{% comment %}\nsecret\n\n{% endcomment %}\n{::comment}\nhidden\n{:/comment}\nb"
    )
    assert out == [
        "a",
        "",
        "% {% comment %}",
        "% secret",
        "%",
        "% {% endcomment %}",
        "% {::comment}",
        "% hidden",
        "% {:/comment}",
        "b",
    ]
    assert problems == []


def test_inline_comments_are_removed_keeping_lines():
    out, _ = conv("a {% comment %}x\ny{% endcomment %} b {::comment}z{:/} c")
    assert out == ["a ", " b  c"]


# --------------------------------------------------------------------------- links


def test_post_url_in_links_bare_and_raw_html():
    out, problems = conv(
        """
        [a]({% post_url 2019-01-07-hello %}) [b]({{ site.baseurl }}{% post_url /2019/2019-02-01-sub %})
        {% post_url 2019-01-07-hello %}
        [r]: {{ site.url }}{{ site.baseurl }}{% post_url 2019-01-07-hello %}
        <a href="{{ site.baseurl }}{% post_url 2019-01-07-hello %}">x</a>
        [s]({% post_url 2019-01-09-with space %}) [l]({% link about.md %}) [p]({% link _posts/2019-01-07-hello.md %})
        """
    )
    assert out == [
        "[a](/posts/2019-01-07-hello.md) [b](/posts/2019/2019-02-01-sub.md)",
        "[](</posts/2019-01-07-hello.md>)",
        "[r]: /posts/2019-01-07-hello.md",
        '<a href="kiji-doc:/posts/2019-01-07-hello.md">x</a>',
        "[s](/posts/2019-01-09-with%20space.md) [l](/about.md) [p](/posts/2019-01-07-hello.md)",
    ]
    assert problems == []


def test_missing_and_unreachable_targets_are_located_warnings():
    out, problems = conv(
        "x\n[a]({% post_url 2000-01-01-gone %})\n{% link nowhere.md %}\n{% post_url 2019-01-08-c# %}"
    )
    assert out[1] == r"[a](\{\% post\_url 2000\-01\-01\-gone \%\})"
    assert [(line, sub) for line, sub, _ in problems] == [
        (11, "liquid"),
        (12, "liquid"),
        (13, "liquid"),
    ]
    assert "no such post" in problems[0][2] and "no such file" in problems[1][2]
    assert "Markdown links cannot reach" in problems[2][2]


def test_a_resolver_that_raises_is_a_missing_link():
    def boom(name):
        raise RuntimeError(name)

    out, problems = convert(
        "{% post_url x %}", first_line=1, site={}, page={}, resolve_post=boom, resolve_link=boom
    )
    assert out == r"\{\% post\_url x \%\}" and "no such post" in problems[0].message


# --------------------------------------------------------------------------- variables


def test_site_and_page_variables():
    out, problems = conv(
        """
        {{ page.title }} / {{ site.title }} / {{ site.url }}{{ site.baseurl }}/x / {{ "/a.css" | relative_url }}
        ![i]({{ site.baseurl }}/assets/i.png) [f]({{ site.url }}/feed.xml)
        <img src="{{ site.baseurl }}/i.png" alt="{{ page.title }}">
        """
    )
    assert out == [
        r"題名 \*星\* \<b\> / サイト / https\:\/\/example\.org\/blog/x / \/blog\/a\.css",
        "![i](/assets/i.png) [f](https://example.org/feed.xml)",
        '<img src="/blog/i.png" alt="題名 *星* &lt;b&gt;">',
    ]
    assert problems == []


def test_other_liquid_is_visible_text_with_located_warnings():
    out, problems = conv(
        """
        {% include foo_bar.html x="*y*" %}
        {% assign n = 1 %}{{ n }} {{ page.date | date: "%Y" }}
        {% for t in page.tags %}
        - {{ t }}
        {% endfor %}
        """,
        first_line=5,
    )
    assert out[0] == r"\{\% include foo\_bar\.html x\=\"\*y\*\" \%\}"
    assert out[2] == r"\{\% for t in page\.tags \%\}"
    assert [line for line, _, _ in problems] == [5, 6, 6, 6, 7, 8, 9]
    assert all(sub == "liquid" for _, sub, _ in problems)
    assert "{% include foo_bar.html" in problems[0][2]


def test_multi_line_tags_keep_their_lines():
    out, problems = conv("a {% include x\n   y=1 %} b\nc")
    assert len(out) == 3 and out[2] == "c"
    assert problems[0][0] == 10


def test_liquid_inside_code_is_left_alone():
    out, problems = conv(
        """
        `{{ span }}` and `{% raw %}{{ paired }}{% endraw %}` and `{% raw %}`

        ```liquid
        {% if x %}{{ y }}{% endif %}
        ```

            {{ indented }}

        ~~~
        {{ tilde }}
        ~~~
        """
    )
    assert out[0] == "`{{ span }}` and `{{ paired }}` and `{% raw %}`"
    assert out[3] == "{% if x %}{{ y }}{% endif %}"
    assert out[6] == "    {{ indented }}"
    assert out[9] == "{{ tilde }}"
    assert problems == []


def test_a_list_paragraph_is_not_indented_code():
    out, problems = conv("1. item\n\n    {{ page.title }}")
    assert out[2] == r"    題名 \*星\* \<b\>"
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
        <b>{{ site.title }}</b>
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

              <p>{{ page.title }}</p>
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
        "      <p>題名 *星* &lt;b&gt;</p>",
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
    out, problems = convert(
        body, first_line=3, site=SITE, page=PAGE, resolve_post=POSTS.get, resolve_link=LINKS.get
    )
    assert out.count("\n") == body.count("\n")
    assert not any("conversion failed" in p.message for p in problems), problems
    assert all(3 <= p.line <= 3 + body.count("\n") for p in problems)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_keeps_its_lines(body):
    out, problems = convert(
        body,
        first_line=1,
        site={},
        page={},
        resolve_post=lambda n: None,
        resolve_link=lambda p: None,
    )
    assert out.count("\n") == body.count("\n")
    assert not any("conversion failed" in p.message for p in problems), problems


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.characters(blacklist_characters="{}<`\\%^*:", blacklist_categories=("Cs",)))
)
def test_text_without_jekyll_syntax_is_unchanged(body):
    out, problems = convert(
        body,
        first_line=1,
        site={},
        page={},
        resolve_post=lambda n: None,
        resolve_link=lambda p: None,
    )
    assert out == body and problems == []


@pytest.mark.parametrize("subtype", [W.LIQUID, W.KRAMDOWN])
def test_subtypes_are_the_documented_ones(subtype):
    assert str(subtype) in {"liquid", "kramdown"}


CODE_TOKENS = [t for t in TOKENS if "`" not in t and "~" not in t and "raw" not in t]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(CODE_TOKENS), max_size=40).map("".join))
def test_fenced_code_is_never_touched(code):
    body = f"before\n\n````text\n{code}\n````\n\nafter"
    out, _ = convert(
        body, first_line=1, site=SITE, page=PAGE, resolve_post=POSTS.get, resolve_link=LINKS.get
    )
    assert out.split("\n")[3 : 4 + code.count("\n")] == code.split("\n")
