"""Jekyll's Liquid, executed: filters without Sphinx, and a tiny site built page by page.

The expected values are what Jekyll gives for the same input (its documented filter and tag
behaviour), written here by hand.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from kiji.core import liquid_jekyll as lj
from sphinx.testing.util import SphinxTestApp

from tests.helpers import warnings_of

from .conftest import parse_html


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    (root / "_config.yml").write_text("baseurl: /blog\nurl: https://old.example\n", "utf-8")
    (root / "_includes").mkdir()
    (root / "_includes" / "self.html").write_text("{% include self.html %}", "utf-8")
    site, problems = lj.load_site(root)
    assert problems == []
    return lj.JekyllEnvironment(site)


def run(env, text: str, **page):
    result = lj.render(text, env=env, first_line=5, page=page)
    return result.text, [(p.line, p.message) for p in result.problems]


POSTS = [
    {"title": "b", "tags": ["x", "y"], "n": 2, "d": dt.date(2020, 1, 2)},
    {"title": "a", "tags": ["y"], "n": 10},
    {"title": "c", "tags": [], "n": "2"},
]


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ('{{ posts | where: "n", "2" | map: "title" | join: "," }}', "b,c"),  # string comparison
        ('{{ posts | where: "tags", "y" | map: "title" | join: "," }}', "b,a"),  # array property
        ('{{ posts | where_exp: "p", "p.n == 10" | map: "title" | join }}', "a"),
        ('{% assign g = posts | group_by: "n" %}{% for x in g %}{{ x.name }}:{{ x.size }} {% endfor %}', "2:2 10:1 "),
        ('{{ posts | sort: "d" | map: "title" | join: "," }}', "a,c,b"),  # nils first
        ('{{ posts | sort: "d", "last" | map: "title" | join: "," }}', "b,a,c"),
        ("{{ d | date_to_string }}", "07 Nov 2008"),
        ('{{ d | date_to_string: "ordinal", "US" }}', "Nov 7th, 2008"),
        ("{{ d | date_to_long_string }}", "07 November 2008"),
        ('{{ d | date_to_long_string: "ordinal" }}', "7th November 2008"),
        ("{{ t | date_to_xmlschema }}", "2008-11-07T13:07:54+09:00"),
        ("{{ t | date_to_rfc822 }}", "Fri, 07 Nov 2008 13:07:54 +0900"),
        ('{{ "/a/b.png" | relative_url }}', "/blog/a/b.png"),
        ('{{ "a/b.png" | absolute_url }}', "https://old.example/blog/a/b.png"),
        ('{{ "https://x.example/a" | relative_url }}', "https://x.example/a"),
        ("{{ '<a href=\"x\">R&D</a>' | xml_escape }}", "&lt;a href=&quot;x&quot;&gt;R&amp;D&lt;/a&gt;"),
        ('{{ "foo, bar;baz?" | cgi_escape }}', "foo%2C+bar%3Bbaz%3F"),
        ('{{ "foo, bar \\baz?" | uri_escape }}', "foo,%20bar%20%5Cbaz?"),
        ("{{ posts[1] | jsonify }}", '{"title":"a","tags":["y"],"n":10}'),
        ('{{ "The _config.yml file" | slugify }}', "the-config-yml-file"),
        ('{{ "The _config.yml file" | slugify: "pretty" }}', "the-_config.yml-file"),
        ('{{ "日本語 の 記事!" | slugify }}', "日本語-の-記事"),
        ('{{ "**x**" | markdownify }}', "<p><strong>x</strong></p>\n"),
        ('{{ "one two  three" | number_of_words }}', "3"),
        ('{{ "日本語 text" | number_of_words: "cjk" }}', "4"),
        ("{{ names | array_to_sentence_string }}", "a, b, and c"),
        ('{{ names | array_to_sentence_string: "or" }}', "a, b, or c"),
        ('{{ " a \t  b " | normalize_whitespace }}', "a b"),
        ('{{ names | push: "d" | join }}', "a b c d"),
        ("{{ names | pop | join }}", "a b"),
        ("{{ names | shift | join }}", "b c"),
        ('{{ names | unshift: "z" | join }}', "z a b c"),
        ('{{ "42abc" | to_integer | plus: 1 }}', "43"),
        ("{{ posts[2] | inspect }}", "{&quot;title&quot;=&gt;&quot;c&quot;, &quot;tags&quot;=&gt;[], &quot;n&quot;=&gt;&quot;2&quot;}"),
    ],
)
def test_jekyll_filters(env, template, expected):
    jst = dt.timezone(dt.timedelta(hours=9))
    page = {"posts": POSTS, "names": ["a", "b", "c"], "d": dt.date(2008, 11, 7),
            "t": dt.datetime(2008, 11, 7, 13, 7, 54, tzinfo=jst)}  # fmt: skip
    text = "{% assign posts = page.posts %}{% assign names = page.names %}{% assign d = page.d %}"
    text += "{% assign t = page.t %}" + template
    out, problems = run(env, text, **page)
    assert (out, problems) == (expected, [])


def test_undefined_and_unknown_filter_warn_where_they_are(env):
    out, problems = run(env, "a\n\nb {{ nope }} c\n{{ 'v' | nofilter }}")
    assert out == "a\n\nb  c\nv"
    assert problems == [
        (7, "Liquid variable: 'nope' is undefined; rendered empty"),
        (8, "Liquid filter 'nofilter' is unknown; the value is passed through"),
    ]


def test_a_syntax_error_keeps_the_text(env):
    text = "x {{ page.t }}\n{% if a %}\nno end"
    out, problems = run(env, text)
    assert out == text and len(problems) == 1 and "syntax error" in problems[0][1]
    assert problems[0][0] == 6  # the line of the {% if %} that is never closed


@pytest.mark.parametrize(
    "template",
    [
        "{% for i in (1..100000000) %}x{% endfor %}",  # loop iterations
        "{% assign s = (1..100000000) %}",  # a range in the namespace
        "{% for i in (1..90000) %}{{ 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }}{% endfor %}",
        "{% include self.html %}",  # recursion
    ],
)
def test_limits_stop_a_hostile_post_and_keep_the_rest(env, template):
    out, problems = run(env, f"before\n{template}\nafter {{{{ 1 | plus: 1 }}}}")
    assert out.startswith("before\n") and out.endswith("\nafter 2")
    assert problems and all(line == 6 for line, _ in problems)


def test_lines_after_a_block_that_renders_shorter_keep_their_numbers(env):
    text = "{% if false %}\na\nb\n{% endif %}\nfifth {{ x }}"
    out, problems = run(env, text)
    assert out.split("\n")[4] == "fifth "
    assert problems[0][0] == 5 + 4


def test_highlight_becomes_a_fence_and_raw_stays(env):
    out, _ = run(env, "{% highlight ruby %}\nputs 1 # {{ 1 | plus: 1 }}\n{% endhighlight %}\n{% raw %}{{ x }}{% endraw %}")
    assert out == "```ruby\nputs 1 # 2\n```\n{{ x }}"
    out, _ = run(env, '{% highlight ruby linenos mark_lines="1" %}\nputs 1\n{% endhighlight %}')
    assert out.split("\n")[0] == '```{kiji-highlight} ruby linenos mark_lines="1"'


# --------------------------------------------------------------------------- a built site


@pytest.fixture(scope="module")
def site(rootdir, tmp_path_factory):
    src = tmp_path_factory.mktemp("liquid") / "src"
    shutil.copytree(rootdir / "test-jekyll-liquid", src)
    app = SphinxTestApp("html", srcdir=src, builddir=src.parent / "build", status=StringIO(), warning=StringIO())
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def _body(app, name: str):
    return parse_html(Path(app.outdir) / f"{name}.html").select_one("div.body section")


def test_site_data_loops_includes_and_page_variables(site):
    body = _body(site, "posts/ja/_posts/2024-03-21-release")
    first = body.find("p", string=re.compile("ダウンロード"), recursive=False) or body.select("p")[2]
    assert "変更 42 ファイル、kiji/kiji。" in first.get_text()
    assert first.a["href"] == "https://dl.example.org/3.3.0.tar.gz"
    assert [li.get_text() for li in body.select("ul.simple li")] == [
        "課題 101", "課題 102", "太郎 (dev)", "花子 (docs)",
    ]  # fmt: skip
    note = body.select_one("div.note.note-warn")
    assert note.get_text() == "注意してください"  # include.kind and include.text
    link = body.find("a", string="こちら") or body.find("span", string="こちら").parent
    assert link["href"] == "../../en/_posts/2024-03-21-release.html"  # link across languages


def test_link_and_highlight_in_the_other_language(site):
    body = _body(site, "posts/en/_posts/2024-03-21-release")
    here = body.find("span", string="here").parent
    assert here["href"] == "../../ja/_posts/2024-03-21-release.html"
    back = body.select_one("a.back")
    assert back["href"] == "../../ja/_posts/2024-03-21-release.html"  # baseurl + link in HTML
    code = body.select_one("div.highlight-python")
    assert len(code.select("span.linenos")) == 1
    assert 'print("Release 3.3.0")' in code.get_text()


def test_every_warning_is_located(site):
    text = warnings_of(site)
    found = sorted(re.findall(r"posts/(\w+)/_posts/([\w-]+)\.md:(\d+): WARNING: (.*?) \[kiji\.liquid\]", text))
    assert [(lang, name, int(line)) for lang, name, line, _ in found] == [
        ("en", "2024-03-22-hostile", 7),
        ("en", "2024-03-23-broken", 7),
        ("ja", "2024-03-21-release", 21),
        ("ja", "2024-03-21-release", 21),
    ]
    assert "WARNING" not in re.sub(r".*\[kiji\.liquid\]\n?", "", text)
    hostile = _body(site, "posts/en/_posts/2024-03-22-hostile")
    assert "After the loop." in hostile.get_text()  # the rest of the post is there
    broken = _body(site, "posts/en/_posts/2024-03-23-broken")
    assert "Never closed." in broken.get_text()  # a syntax error keeps the text visible
