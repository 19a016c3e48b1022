"""A real-shaped Jekyll blog, imported and built: the migration report.

``generate(n, out, seed)`` writes a Jekyll site to ``out/site/`` with the habits real blogs have
after years of posts (all of them generated here, nothing copied from a real blog):

* file names: ``.md``, ``.markdown``, ``.mkdn``, ``.text``; dates without zero padding; ``#``,
  ``+``, ``%20``, ``[``, ``]``, ``(``, ``)``, spaces and trailing dots in names; two files with one
  name and two extensions; ``_posts/<year>/`` subfolders; ``news/_posts`` and
  ``tech/tips/_posts`` category folders; a folder named like a post; ``_drafts``; files Jekyll
  does not publish (no date in the name, an HTML post, images);
* front matter: ``title: ! '...'``, nanosecond dates, ``date(1)`` dates with zone names, comma
  strings for categories, singular and plural keys, ``version: 3.0``, empty keys, ``lang``,
  ``published: false``, an impossible date, a post without front matter;
* bodies (the Japanese prose of :mod:`corpus`, with these blocks mixed in): ``highlight`` with and
  without ``linenos``, ``raw`` (around code and in prose), ``post_url`` (plain, in a subfolder,
  to a renamed post, to a missing post), ``link``, ``site.baseurl``/``site.url``/``page.title``,
  ``include``/``assign``/``for``/unknown variables, ``comment``; kramdown attribute lists, header
  ids, ``{:toc}``, ``{::comment}``, ``{::options}``; indented code, reference links, raw HTML
  blocks with blank lines, ``markdown="1"``, Vim keys such as ``<Esc>`` and ``<C-w>``.

Deterministic: the output depends only on ``(n, seed)``.

``python benchmarks/jekyll_corpus.py --posts 500 --out benchmarks/_work/jekyll --build`` also
imports the site with ``python -m kiji.importer``, builds it once with
``sphinx-build -c <repo> -j 2`` and prints (and writes to ``out/report.json``) the posts built,
the warnings by type and the build time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from random import Random

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from corpus import render_post  # noqa: E402 - the sibling benchmark module

__all__ = ["generate", "main"]

ODD_SLUGS = [
    "c#-tips",
    "c++-notes",
    "a%20b",
    "[draft]-memo",
    "memo-(2)",
    "with space",
    "etc..",
    "what?",
    "q&a",
]
SLUG_WORDS = ["vim", "ruby", "rails", "jekyll", "docker", "linux", "mac", "emacs", "git", "aws", "go", "rust",
              "python", "tips", "memo", "setup", "review", "trip", "books", "diary", "release", "notes"]  # fmt: skip
LEXERS = [
    "ruby",
    "python",
    "bash",
    "sh",
    "yaml",
    "javascript",
    "html",
    "console",
    "plaintext",
    "go",
    "rust",
    "vim",
]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
ZONES = ["CEST", "JST", "UTC", "PST", "EST"]


class _Post:
    """One post of the generated site: where it lives, its Jekyll name and its text."""

    def __init__(self, k: int, seed: int) -> None:
        self.k = k
        self.rng = rng = Random(f"kiji-jekyll:{seed}:{k}")
        self.y = 2014 + k * 10 // 500 % 11
        self.m, self.d = rng.randint(1, 12), rng.randint(1, 28)
        pad = rng.random() > 0.15
        date = f"{self.y}-{self.m:02d}-{self.d:02d}" if pad else f"{self.y}-{self.m}-{self.d}"
        if rng.random() < 0.06:
            slug = f"{k}-" + rng.choice(ODD_SLUGS)  # the odd part last: trailing dots stay trailing
        else:
            slug = "-".join(rng.sample(SLUG_WORDS, rng.randint(1, 3))) + f"-{k}"
        self.stem = f"{date}-{slug}"
        self.date_from_name = False
        self.published = True
        self.odd = slug.split("-", 1)[-1] in ODD_SLUGS
        self.ext = rng.choices([".md", ".markdown", ".mkdn", ".text"], weights=[80, 12, 4, 4])[0]
        where = rng.random()
        if where < 0.60:
            self.folder, self.below = "_posts", ""
        elif where < 0.85:
            self.folder, self.below = "_posts", f"{self.y}/"
        elif where < 0.95:
            self.folder, self.below = "news/_posts", ""
        else:
            self.folder, self.below = "tech/tips/_posts", ""

    @property
    def rel(self) -> str:
        return f"{self.folder}/{self.below}{self.stem}{self.ext}"

    @property
    def old_url(self) -> str:
        """Jekyll's URL for the post under the site's ``permalink: /:year/:month/:day/:title/``."""
        title = self.stem.split("-", 3)[3]
        return f"/{self.y}/{self.m:02d}/{self.d:02d}/{title}/"

    @property
    def post_url(self) -> str:
        """How Jekyll's ``post_url`` names this post (subfolders below ``_posts`` included)."""
        return f"{self.below}{self.stem}"


def _front(p: _Post, lead: dict) -> str:
    r = p.rng
    title = str(lead["title"])
    lines = ["---"]
    if r.random() < 0.7:
        lines.append("layout: post")
    lines.append(
        f"title: ! '{title.replace(chr(39), chr(39) * 2)}'"
        if r.random() < 0.15
        else f"title: {json.dumps(title, ensure_ascii=False)}"
    )
    roll = r.random()
    hh, mm, ss = r.randrange(24), r.randrange(60), r.randrange(60)
    if roll < 0.004:
        lines.append(f"date: {p.y}-02-30 10:00:00")  # an impossible date
    elif roll < 0.06:
        zone = r.choice(ZONES)
        lines.append(
            f"date: {r.choice(DAYS)} {MONTHS[p.m - 1]} {p.d:2d} {hh:02d}:{mm:02d}:{ss:02d} {zone} {p.y}"
        )
    elif roll < 0.15:
        lines.append(
            f"date: {p.y}-{p.m:02d}-{p.d:02d} {hh:02d}:{mm:02d}:{ss:02d}.{r.randrange(10**9):09d} +09:00"
        )
    elif roll < 0.85:
        lines.append(f"date: {p.y}-{p.m:02d}-{p.d:02d} {hh:02d}:{mm:02d}:{ss:02d} +0900")
    else:
        p.date_from_name = True  # Jekyll's URL date is the file name's, in any time zone
    cats = [str(c) for c in lead.get("categories", [])]
    roll = r.random()
    if roll < 0.2:
        lines.append(f"categories: {', '.join([*cats, 'news'])}")  # a comma string
    elif roll < 0.35:
        lines.append(f"category: {cats[0]}")
    else:
        lines.append(f"categories: {json.dumps(cats, ensure_ascii=False)}")
    tags = [str(t) for t in lead.get("tags", [])]
    if r.random() < 0.25:
        lines.append("tag: " + " ".join(t.replace(" ", "") for t in tags[:3]))
    else:
        lines.append(f"tags: {json.dumps(tags, ensure_ascii=False)}")
    lines.append(f"author: {json.dumps(str(lead['author']), ensure_ascii=False)}")
    if r.random() < 0.1:
        lines.append(f"version: {r.choice(['3.0', '2.1', '1.0'])}")
    if r.random() < 0.1:
        lines.append("translator:")
    if r.random() < 0.2:
        lines.append(f"lang: {r.choice(['ja', 'en'])}")
    if r.random() < 0.02:
        lines.append("published: false")
        p.published = False
    if r.random() < 0.1:
        lines.append(f"issue_numbers: [{p.k * 10 + 1}, {p.k * 10 + 2}]")
    lines.append("---")
    return "\n".join(lines) + "\n"


def _habit(p: _Post, earlier: list[_Post]) -> str:
    """One block of Jekyll habits in the middle of the prose."""
    r = p.rng
    target = r.choice(earlier) if earlier else None
    kind = r.choices(
        ["highlight", "linenos", "raw", "links", "html-link", "vars", "include", "for", "comment", "ial",
         "head", "toc", "kd-comment", "options", "indented", "reflinks", "htmlblock", "mdattr", "vim", "missing",
         "data", "issues", "oldurl", "schemes", "anchor", "image", "filters"],
        weights=[10, 4, 5, 10, 3, 6, 5, 2, 3, 6, 4, 2, 2, 1, 5, 4, 3, 2, 5, 1, 5, 3, 8, 2, 2, 6, 3],
    )[0]  # fmt: skip
    lang = r.choice(LEXERS)
    if kind == "highlight":
        return f'{{% highlight {lang} %}}\nconfig = load("settings.yml")\nputs config["title"]\n{{% endhighlight %}}'
    if kind == "linenos":
        return (
            f"{{% highlight {lang} linenos %}}\nfor i in 1..3\n  puts i\nend\n{{% endhighlight %}}"
        )
    if kind == "raw":
        return (
            "Liquid をそのまま見せるには raw を使います。\n\n"
            "{% highlight liquid %}\n{% raw %}\n{{ page.title }} / {% include footer.html %}\n{% endraw %}\n{% endhighlight %}\n\n"
            "{% raw %}本文でも {{ site.title }} と書けます。{% endraw %}"
        )
    if kind == "links" and target:
        return (
            f"前に書いた[記事]({{{{ site.baseurl }}}}{{% post_url {target.post_url} %}})も参照してください。"
            f"[こちら]({{% link {target.rel} %}})からも読めます。"
        )
    if kind == "html-link" and target:
        return f'<p class="related"><a href="{{{{ site.baseurl }}}}{{% post_url {target.post_url} %}}">関連記事</a></p>'
    if kind == "vars":
        return "この記事「{{ page.title }}」は {{ site.url }}{{ site.baseurl }}/ に載っています。![図]({{ site.baseurl }}/assets/fig.png)"
    if kind == "include":
        return '{% include figure.html src="/assets/photo.jpg" caption="写真" %}\n\n{% assign count = 3 %}{{ count }} 件。{{ page.date | date: "%Y年%m月%d日" }}'
    if kind == "for":
        return "{% for tag in page.tags %}\n- {{ tag }}\n{% endfor %}"
    if kind == "comment":
        return "{% comment %}\nTODO: あとで書き直す\n{% endcomment %}"
    if kind == "ial":
        return r.choice([
            "注意してほしい点があります。\n{: .notice}",
            "{: .lead}\nまず結論から書きます。",
            '詳しくは[公式サイト](https://example.com/docs){:target="_blank"}を見てください。',
            "*重要*{: .hl} な点は二つです。",
        ])  # fmt: skip
    if kind == "head":
        return f"## 補足 {{#note-{p.k}}}\n\n補足の段落です。"
    if kind == "toc":
        return "* 目次\n{:toc}"
    if kind == "kd-comment":
        return "{::comment}\n下書きのメモ\n{:/comment}"
    if kind == "options":
        return '{::options parse_block_html="true" /}'
    if kind == "indented":
        return "設定は次のとおりです:\n\n    $ bundle exec jekyll serve\n    Server address: http://127.0.0.1:4000/"
    if kind == "reflinks":
        n = r.randrange(10**6)  # one label per occurrence: a post may get this habit twice
        return f"[Jekyll][jk{n}] と [kramdown][km{n}] を使っています。\n\n[jk{n}]: https://example.com/jekyll-{p.k}\n[km{n}]: https://example.com/kramdown"
    if kind == "htmlblock":
        return '<div class="box">\n  <p>枠の中の文章。</p>\n\n    <p>字下げされた行</p>\n</div>'
    if kind == "mdattr":
        return '<div class="note" markdown="1">\n\n**Markdown** の中身。\n\n</div>'
    if kind == "vim":
        return "Vim では <Esc> でノーマルモードに戻り、<C-w>w でウィンドウを移動します。<Leader>f もよく使います。"
    if kind == "data":
        v = r.choice(["3.3.0", "3.2.0", "2.5.1"])
        return (
            f'{{% assign release = site.data.releases | where: "version", "{v}" | first %}}'
            "ダウンロード: [tar.gz]({{ release.url.gz }})、変更 {{ release.stats.files_changed }} "
            "ファイル。\n\n{% for m in site.data.team.members %}\n- {{ m.name }} ({{ m.role }})\n{% endfor %}"
        )
    if kind == "issues":
        return "{{ site.repository }} の課題:\n\n{% for issue in page.issue_numbers %}\n- #{{ issue }}\n{% endfor %}"
    if kind == "oldurl":
        ok = [e for e in earlier if e.date_from_name and not e.odd and e.published and e.k % 250 != 7]
        if not ok:
            return "古い記事はありません。"
        t = r.choice(ok)
        form = r.choice(["path", "base", "host", "html", "nohtml"])
        url = {
            "path": t.old_url,
            "base": "/blog" + t.old_url,
            "host": "https://old.example.org/blog" + t.old_url,
            "html": '<a href="/blog' + t.old_url + '">',
            "nohtml": t.old_url.rstrip("/"),
        }[form]
        if form == "html":
            return f'<p class="old">{url}昔の記事</a></p>'
        return f"[昔の記事]({url})と[移行していないページ](/about/history.html)。"
    if kind == "schemes":
        return "質問は [IRC](irc://irc.example.org/kiji) か [ニュース](news:comp.lang.ruby) へ。"
    if kind == "anchor":
        return f'本文に注があります[^{p.k}]。[注 1](#note-{p.k}-1)\n\n<a name="note-{p.k}-1"></a>注 1: 補足。\n\n[^{p.k}]: 脚注。'
    if kind == "image":
        missing = r.random() < 0.1
        name = f"gone-{p.k}.png" if missing else f"p{p.k % 40}.png"
        return f"![図 {p.k}]({{{{ site.baseurl }}}}/assets/img/{name})"
    if kind == "filters":
        return (
            '{{ page.title | slugify }} / {{ page.date | date_to_long_string }} / '
            '{{ "/feed.xml" | absolute_url }} / {{ page.tags | array_to_sentence_string }} / '
            '{{ site.data.links.langs | jsonify }}'
        )
    return "[消えた記事]({% post_url 2000-01-01-gone %})"


def render(p: _Post, seed: int, earlier: list[_Post]) -> str:
    _name, text = render_post(p.k, seed)
    _, block, body = text.split("---\n", 2)
    lead = yaml.safe_load(block)
    blocks = body.strip("\n").split("\n\n")
    for _ in range(p.rng.choice([1, 2, 2, 3, 4])):
        blocks.insert(p.rng.randint(2, max(2, len(blocks) - 1)), _habit(p, earlier))
    body = "\n\n".join(blocks) + "\n"
    if p.k % 250 == 7:
        return body  # no front matter at all
    return _front(p, lead) + "\n" + body


def generate(n: int, out: Path, seed: int = 1) -> Path:
    """Write the Jekyll site to ``out/site`` (replacing it); return its path."""
    site = Path(out) / "site"
    if site.exists():
        shutil.rmtree(site)
    posts = [_Post(k, seed) for k in range(1, n + 1)]
    seen: set[str] = set()
    for i, p in enumerate(posts):
        while p.rel.lower() in seen:
            p.stem += "-x"
        seen.add(p.rel.lower())
        path = site / p.rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(p, seed, posts[max(0, i - 40) : i]), encoding="utf-8")
    # two files with one name and two extensions, a folder named like a post, drafts, non-posts
    first = posts[0]
    (site / "_posts" / f"{first.stem}-twin.md").write_text(
        "---\ntitle: 双子 md\n---\n\n片方。\n", encoding="utf-8"
    )
    (site / "_posts" / f"{first.stem}-twin.markdown").write_text(
        "---\ntitle: 双子 markdown\n---\n\nもう片方。\n", encoding="utf-8"
    )
    folder = site / "_posts" / "2018-05-05-photos.md"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "2018-05-05-trip.md").write_text(
        "---\ntitle: 旅行の写真\n---\n\n写真の記事。\n", encoding="utf-8"
    )
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    for i in range(max(1, n // 50)):
        (site / "_drafts").mkdir(exist_ok=True)
        (site / "_drafts" / f"idea-{i}.md").write_text(
            f"---\ntitle: 下書き{i}\n---\n\n書きかけ。\n", encoding="utf-8"
        )
    (site / "_posts" / "README.md").write_text("# このフォルダーについて\n", encoding="utf-8")
    (site / "_posts" / "2016-01-01-old.html").write_text(
        "---\ntitle: HTML の記事\n---\n<p>old</p>\n", encoding="utf-8"
    )
    (site / "_posts" / "cover.png").write_bytes(b"\x89PNG\r\n")
    _site_files(site)
    return site


# A 1x1 PNG: real image data, so Sphinx can read the size of every copied image.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _site_files(site: Path) -> None:
    """What a Jekyll site keeps beside its posts: config, data, includes and images."""
    files = {
        "_config.yml": (
            "title: 旧ブログ\nurl: https://old.example.org\nbaseurl: /blog\n"
            "repository: example/blog\npermalink: /:year/:month/:day/:title/\n"
        ),
        "_data/releases.yml": "".join(
            f'- version: "{v}"\n  url: {{gz: "https://dl.example.org/{v}.tar.gz"}}\n'
            f"  stats: {{files_changed: {n}}}\n"
            for v, n in (("3.3.0", 42), ("3.2.0", 7), ("2.5.1", 3))
        ),
        "_data/team/members.csv": "name,role\n太郎,dev\n花子,docs\n",
        "_data/links.json": '{"langs": ["ja", "en"]}\n',
        "_includes/figure.html": (
            '<figure><img src="{{ include.src | relative_url }}" alt="{{ include.caption }}">'
            "<figcaption>{{ include.caption }}</figcaption></figure>\n"
        ),
        "_includes/footer.html": "<footer>{{ site.title }}</footer>\n",
    }
    for rel, text in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    (site / "assets" / "img").mkdir(parents=True, exist_ok=True)
    for name in ["fig.png", "photo.jpg", *(f"img/p{i}.png" for i in range(40))]:
        (site / "assets" / name).write_bytes(PNG)


# --------------------------------------------------------------------------- import and build

WARNING = re.compile(r"WARNING: .*?(?:\[(?P<type>[\w.-]+)\])?$")


def build(out: Path, jobs: int = 2, repo: Path = REPO) -> dict:
    out = Path(out)
    src, html, log = out / "src", out / "html", out / "warnings.log"
    for folder in (src, html):
        if folder.exists():
            shutil.rmtree(folder)
    (src / "posts").mkdir(parents=True)
    (src / "index.md").write_text(
        "# 移行したブログ\n\n```{postlist}\n:limit: 20\n```\n\n```{tagcloud}\n:kind: category\n```\n\n```{archive}\n```\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(repo / "_ext")}
    # The importer as that checkout names it: `kiji import` (kiji.cli), or the older module.
    importer = ["kiji.cli", "import"] if (repo / "_ext" / "kiji" / "cli").is_dir() else ["kiji.importer"]
    started = time.perf_counter()
    imported = subprocess.run(
        [sys.executable, "-m", *importer, str(out / "site"), "--dest", str(src / "posts"), "--no-progress"],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    import_s = time.perf_counter() - started
    command = [
        sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", str(jobs), "-c", str(repo),
        "-D", "kiji_categories_from_folders=1", "-D", "kiji_baseurl=/blog", "-D", "kiji_now=2026-11-28",
        "-w", str(log), str(src), str(html),
    ]  # fmt: skip
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    build_s = time.perf_counter() - started
    by_type: Counter[str] = Counter()
    for line in log.read_text(encoding="utf-8").splitlines() if log.exists() else ():
        m = WARNING.search(line)
        if m:
            by_type[m.group("type") or "(untyped)"] += 1
    sources = [
        p for p in (src / "posts").rglob("*") if p.is_file() and p.name != "jekyll-import.json"
    ]
    pages = list((html / "posts").rglob("*.html")) if (html / "posts").exists() else []
    return {
        "ok": result.returncode == 0,
        "markdown_files_in_posts_folders": sum(
            1
            for p in (out / "site").rglob("*")
            if p.is_file()
            and "_posts" in p.parts
            and p.suffix in {".md", ".markdown", ".mkdn", ".text"}
        ),
        "posts_imported": len(sources),
        "posts_built": len(pages),
        "warnings": sum(by_type.values()),
        "warnings_by_type": dict(by_type.most_common()),
        "import_s": round(import_s, 1),
        "build_s": round(build_s, 1),
        "jobs": jobs,
        "import_report": imported.stdout,
        "stderr_tail": result.stderr[-2000:] if result.returncode else "",
        "command": " ".join(command),
        "loadavg": os.getloadavg(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--out", type=Path, default=HERE / "_work" / "jekyll")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--build", action="store_true", help="import and build once, then report")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--repo", type=Path, default=REPO,
        help="the kiji checkout to import and build with (an older commit, for a before/after)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    site = generate(args.posts, args.out, args.seed)
    files = sum(1 for p in site.rglob("*") if p.is_file())
    sys.stdout.write(f"wrote a Jekyll site of {files} files to {site}\n")
    if args.build:
        report = build(args.out, args.jobs, args.repo.resolve())
        (Path(args.out) / "report.json").write_text(
            json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        sys.stdout.write(report.pop("import_report"))
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
        return 0 if report["ok"] else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
