"""Jekyll's Liquid, executed: python-liquid 2 with Jekyll's site, data, tags and filters.

Pure Python (no Sphinx or docutils import), like :mod:`kiji.frontmatter`. :func:`load_site`
reads what a Jekyll site keeps beside its posts (``_config.yml``, ``_data/``, ``_includes/``);
:func:`render` executes one post body against it and returns Markdown for MyST plus located
:class:`~kiji.frontmatter.Problem` objects.

Why at build time (``source-read``) and not once at import: a Jekyll post copied straight into
``docs/posts/`` must build too, and a change to ``_data/`` or an include must show on the next
build without a second import; so there is one implementation, and the importer only copies the
site's data next to the posts.

What Jekyll does and this does too: ``site`` is ``_config.yml`` (plus ``site.data``), ``page``
is the front matter; ``{% include f.html key="v" %}`` puts its arguments under ``include.``;
``include_relative`` reads beside the post; ``highlight`` becomes a code fence (with options, the
``{kiji-highlight}`` directive); ``raw`` keeps its text; ``post_url`` and ``link`` name the new
pages; Jekyll's filters (``where`` with its string comparison, ``sort`` with nils, ``date_to_*``,
``relative_url``, ``jsonify``, ``slugify``, ...). Where Jekyll's default is silent, a warning is
added: an undefined variable renders empty, an unknown filter passes its value through.

What differs: a syntax error keeps the whole body as written (Jekyll stops the build); limits on
loop iterations, output size, local variables and include depth stop a hostile post, whose
failing construct is then kept as written. Lines: every top-level construct that renders to
fewer lines than it took is padded with newlines, so text after it keeps its line number; one
that renders to more (a loop, an include) moves the lines after it down.
"""

from __future__ import annotations

import contextvars
import csv
import datetime as dt
import html
import io
import json
import math
import re
import sys
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote, quote_plus

import yaml
from liquid import BoundTemplate, Environment, RenderContext, Undefined
from liquid.ast import BlockNode, Node
from liquid.builtin.tags.include_tag import TAG_INCLUDE
from liquid.exceptions import LiquidError, LiquidSyntaxError
from liquid.filter import with_context
from liquid.output import LimitedStringIO
from liquid.parser import get_parser
from liquid.tag import Tag
from liquid.token import TOKEN_EOF, TOKEN_EXPRESSION, TOKEN_TAG, Token
from markdown_it import MarkdownIt

from .frontmatter import Problem
from .warnings_ import W

__all__ = ["DOC_SCHEME", "JekyllSite", "load_site", "render", "parse_highlight_args"]

# ``post_url``/``link`` cannot know whether they stand in a Markdown link, raw HTML or text: they
# write this placeholder, which :func:`render` turns into a MyST path inside Markdown links and
# which kiji.migrate turns into a relative URL elsewhere.
DOC_SCHEME = "kiji-doc:"
HIGHLIGHT_DIRECTIVE = "kiji-highlight"
DATA_SUFFIXES = (".yml", ".yaml", ".json", ".csv", ".tsv")
# Rouge lexer names that Pygments spells differently.
LEXERS = {"plaintext": "text", "plain": "text", "txt": "text", "terminal": "console"}

# --------------------------------------------------------------------------- site


@dataclass
class JekyllSite:
    """What Liquid sees of the old site: ``site`` (config + data) and where includes live."""

    config: dict[str, Any] = field(default_factory=dict)
    root: Path | None = None  # the folder of _config.yml, _data/, _includes/

    @property
    def includes(self) -> Path | None:
        if self.root is None:
            return None
        folder = self.config.get("includes_dir", "_includes")
        path = self.root / str(folder)
        return path if path.is_dir() else None


def _yaml(text: str) -> Any:
    return yaml.safe_load(text)


def _read_data_file(path: Path) -> Any:
    text = path.read_text(encoding="utf-8-sig")
    suffix = path.suffix.lower()
    if suffix in (".yml", ".yaml"):
        return _yaml(text)
    if suffix == ".json":
        return json.loads(text)
    # Jekyll reads CSV/TSV with headers: a list of rows keyed by the header row.
    return list(csv.DictReader(io.StringIO(text), delimiter="\t" if suffix == ".tsv" else ","))


def _load_data(folder: Path, problems: list[tuple[Path, str]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "_")):
            continue
        if path.is_dir():
            data[path.name] = _load_data(path, problems)  # nested folders: site.data.a.b
        elif path.suffix.lower() in DATA_SUFFIXES:
            try:
                data[path.stem] = _read_data_file(path)
            except (OSError, ValueError, yaml.YAMLError, csv.Error) as err:
                problems.append((path, f"data file not read ({type(err).__name__}: {err})"))
    return data


def load_site(
    root: Path | None, defaults: Mapping[str, Any] | None = None
) -> tuple[JekyllSite, list[tuple[Path, str]]]:
    """``_config.yml`` and ``_data/`` under ``root`` (None: only ``defaults``); never raises.

    ``defaults`` (url, baseurl, title from the new site) apply when the old config lacks them.
    Problems are ``(file, message)`` pairs: the caller logs them against the file.
    """
    problems: list[tuple[Path, str]] = []
    config: dict[str, Any] = dict(defaults or {})
    if root is not None and root.is_dir():
        cfg = root / "_config.yml"
        if cfg.is_file():
            try:
                loaded = _yaml(cfg.read_text(encoding="utf-8-sig"))
                if isinstance(loaded, dict):
                    config.update({str(k): v for k, v in loaded.items()})
            except (OSError, ValueError, yaml.YAMLError) as err:
                problems.append((cfg, f"_config.yml not read ({type(err).__name__})"))
        data_dir = root / str(config.get("data_dir", "_data"))
        config["data"] = _load_data(data_dir, problems) if data_dir.is_dir() else {}
    else:
        root = None
        config.setdefault("data", {})
    config["baseurl"] = str(config.get("baseurl") or "").rstrip("/")
    config["url"] = str(config.get("url") or "").rstrip("/")
    return JekyllSite(config, root), problems


# --------------------------------------------------------------------------- render state

# The post being rendered: where problems go and which include tag of the post is running.


@dataclass
class _State:
    body: str
    first_line: int
    page_dir: Path | None
    resolve_post: Callable[[str], str | None]
    resolve_link: Callable[[str], str | None]
    problems: list[Problem] = field(default_factory=list)
    include_stack: list[Token] = field(default_factory=list)
    targets: list[str | None] = field(default_factory=list)
    seen: set[tuple[int, str]] = field(default_factory=set)

    def line_of(self, token: Token | None) -> int:
        """The post's line for a token; inside an include, the line of the post's include tag."""
        if self.include_stack:
            token = self.include_stack[0]
        if token is None or token.source is not self.body or token.start_index < 0:
            return self.first_line
        return self.first_line + self.body.count("\n", 0, token.start_index)

    def warn(self, message: str, token: Token | None, subtype: W = W.LIQUID) -> None:
        line = self.line_of(token)
        if (line, message) not in self.seen:  # a loop repeats a warning: once is enough
            self.seen.add((line, message))
            self.problems.append(Problem(subtype, message, line))


_STATE: contextvars.ContextVar[_State | None] = contextvars.ContextVar("kiji_liquid", default=None)


def _warn(message: str, token: Token | None = None) -> None:
    state = _STATE.get()
    if state is not None:
        state.warn(message, token)


class _WarningUndefined(Undefined):
    """Renders empty, as Jekyll does, and says so where it is printed."""

    __slots__ = ()

    def __str__(self) -> str:
        what = self.hint or f"{self.name!r} is undefined"
        _warn(f"Liquid variable: {what}; rendered empty", self.token)
        return ""


class _Context(RenderContext):
    def get_size_of_locals(self) -> int:
        # python-liquid sizes a range by its object (48 bytes): (1..100000000) would pass and
        # then be looped over or printed. Count what a sequence would hold instead.
        if not self.env.local_namespace_limit:
            return 0
        total = self.local_namespace_size_carry
        for value in self.locals.values():
            if isinstance(value, (range, list, tuple, dict)):
                total += 8 * len(value) + 64
            else:
                total += sys.getsizeof(value, 1)
        return total

    def filter(self, name: str, token: Token | None) -> Callable[..., object]:  # noqa: A003
        if name not in self.env.filters:
            _warn(f"Liquid filter {name!r} is unknown; the value is passed through", token)
            return lambda value, *args, **kwargs: value
        return super().filter(name, token)


class _Template(BoundTemplate):
    context_class = _Context


# --------------------------------------------------------------------------- tags


def _raw_args(stream: Any) -> tuple[Token, str]:
    """The tag token and its argument text as written; the stream stays on the tag's last token
    (python-liquid's parser moves past it)."""
    token = stream.expect(TOKEN_TAG)
    if stream.peek.kind == TOKEN_EXPRESSION:
        return token, next(stream) and stream.current.value
    return token, ""


class _ArgsNode(Node):
    __slots__ = ("args",)

    def __init__(self, token: Token, args: str) -> None:
        super().__init__(token)
        self.args = args
        self.blank = False


def _expand(context: RenderContext, text: str) -> str:
    """``{{ var }}`` inside a tag argument (Jekyll allows it in include and link names)."""
    if "{{" not in text:
        return text
    buf = io.StringIO()
    context.env.from_string(text).render_with_context(context, buf, partial=True)
    return buf.getvalue()


_PARAM = re.compile(
    r"""([\w-]+)\s*=\s*(?:"((?:\\.|[^"\\])*)"|'((?:\\.|[^'\\])*)'|([\w.\[\]"'-]+))"""
)
_INCLUDE_NAME = re.compile(r"""\s*((?:\{\{.*?\}\}|[^\s{])+)""")


def _lookup(context: RenderContext, expr: str, token: Token) -> object:
    """A variable path (``page.x``, ``site.data.a[0].b``) as Jekyll's include arguments take it."""
    path: list[object] = []
    for part in re.findall(r"[^.\[\]]+|\[[^\]]*\]", expr):
        if part.startswith("["):
            inner = part[1:-1].strip().strip("'\"")
            path.append(int(inner) if inner.isdigit() else inner)
        else:
            path.append(part)
    if not path:
        return ""
    return context.get(path, token=token)


class _IncludeNode(_ArgsNode):
    relative: ClassVar[bool] = False

    def render_to_output(self, context: RenderContext, buffer: Any) -> int:
        state = _STATE.get()
        m = _INCLUDE_NAME.match(self.args)
        tag = "include_relative" if self.relative else "include"
        if state is None or not m:
            _warn(f"{{% {tag} %}} without a file name; nothing included", self.token)
            return 0
        name = _expand(context, m.group(1)).strip()
        params: dict[str, object] = {}
        for p in _PARAM.finditer(self.args, m.end()):
            if p.group(4) is not None:
                params[p.group(1)] = _lookup(context, p.group(4), self.token)
            else:
                raw = p.group(2) if p.group(2) is not None else p.group(3)
                params[p.group(1)] = _expand(context, re.sub(r"\\(.)", r"\1", raw))
        env: JekyllEnvironment = context.env  # type: ignore[assignment]
        base = state.page_dir if self.relative else env.site.includes
        path = _safe_join(base, name)
        if path is None:
            _warn(f"{{% {tag} {name} %}}: no such file; nothing included", self.token)
            return 0
        if len(state.include_stack) >= env.include_depth_limit:
            _warn(f"{{% {tag} {name} %}}: includes nested too deep; not included", self.token)
            return 0
        template = env.include_template(path)
        if template is None:
            _warn(f"{{% {tag} {name} %}}: a Liquid syntax error in it; nothing included", self.token)
            return 0
        state.include_stack.append(self.token)
        try:
            # Jekyll: the arguments under include., the rest of the page's variables shared.
            with context.extend({"include": params}):
                template.render_with_context(context, buffer, partial=True)
        finally:
            state.include_stack.pop()
        return 1


class _IncludeRelativeNode(_IncludeNode):
    relative = True


def _safe_join(base: Path | None, name: str) -> Path | None:
    """``base/name`` if it is a file inside ``base`` (no ``..`` escape), else None."""
    if base is None or not name:
        return None
    try:
        path = (base / name).resolve()
        if path.is_file() and path.is_relative_to(base.resolve()):
            return path
    except (OSError, ValueError):
        return None
    return None


class _ArgsTag(Tag):
    """An inline tag whose raw argument text its node reads at render time."""

    block = False
    node_class: type[_ArgsNode]

    def parse(self, stream: Any) -> Node:
        token, args = _raw_args(stream)
        return self.node_class(token, args)


class _IncludeTag(_ArgsTag):
    name = TAG_INCLUDE
    node_class = _IncludeNode


class _IncludeRelativeTag(_IncludeTag):
    name = "include_relative"
    node_class = _IncludeRelativeNode


class _DocNode(_ArgsNode):
    kind: ClassVar[str] = "post_url"

    def render_to_output(self, context: RenderContext, buffer: Any) -> int:
        state = _STATE.get()
        target = _expand(context, self.args).strip().strip("'\"")
        if self.kind == "post_url":
            target = target.strip("/")  # Jekyll writes a post in a subfolder as /sub/name
        path = None
        if state is not None and target:
            resolver = state.resolve_post if self.kind == "post_url" else state.resolve_link
            try:
                path = resolver(target)
            except Exception:  # noqa: BLE001 - a resolver bug is one missing link, not a crash
                path = None
            state.targets.append(path)
        if not path:
            what = "post" if self.kind == "post_url" else "file"
            _warn(
                f"{{% {self.kind} {target} %}}: no such {what} (or it is a draft, unpublished "
                "or future post, which are not built); the tag is kept as text",
                self.token,
            )
            buffer.write(_shown(f"{{% {self.kind} {self.args.strip()} %}}"))
            return 1
        if "#" in path or "%" in path:
            _warn(
                f"{{% {self.kind} {target} %}}: the file name of {path!r} has '#' or '%', which "
                "Markdown links cannot reach; re-import it with the importer (it renames such "
                "files)",
                self.token,
            )
            buffer.write(_shown(f"{{% {self.kind} {self.args.strip()} %}}"))
            return 1
        buffer.write(DOC_SCHEME + _md_path(path))  # percent-encoded: one token in any context
        return 1


def _shown(tag: str) -> str:
    """A tag kept for the reader: Liquid's delimiters backslash-escaped, so MyST shows them as
    written and nothing reads them as Liquid again."""
    return re.sub(r"([{}%])", r"\\\1", tag)


class _LinkNode(_DocNode):
    kind = "link"


class _PostUrlTag(_ArgsTag):
    name = "post_url"
    node_class = _DocNode


class _LinkTag(_PostUrlTag):
    name = "link"
    node_class = _LinkNode


@dataclass
class Highlight:
    """The arguments of ``{% highlight lang [linenos] [mark_lines="1 2"] %}``."""

    language: str = "text"
    linenos: bool = False
    emphasize: list[int] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def parse_highlight_args(args: str) -> Highlight:
    """Jekyll's highlight arguments (never raises)."""
    words = re.findall(r"""[\w-]+=(?:"[^"]*"|'[^']*'|\S+)|\S+""", args)
    result = Highlight()
    if words:
        lang = words[0].lower()
        result.language = LEXERS.get(lang, lang)
    for word in words[1:]:
        key, _, value = word.partition("=")
        if key == "linenos":
            result.linenos = True
        elif key in ("mark_lines", "hl_lines"):
            result.emphasize.extend(int(n) for n in re.findall(r"\d+", value))
        else:
            result.unknown.append(word)
    return result


class _HighlightNode(Node):
    __slots__ = ("args", "block")

    def __init__(self, token: Token, args: str, block: BlockNode) -> None:
        super().__init__(token)
        self.args = args
        self.block = block
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: Any) -> int:
        inner = io.StringIO()
        self.block.render(context, inner)
        code = inner.getvalue()
        hl = parse_highlight_args(self.args)
        for word in hl.unknown:
            _warn(f"highlight option {word!r} is not supported; ignored", self.token)
        longest = max((len(r) for r in re.findall(r"`{3,}", code)), default=2)
        fence = "`" * (longest + 1)
        if hl.linenos or hl.emphasize:
            info = f"{{{HIGHLIGHT_DIRECTIVE}}} {self.args.strip()}"
        else:
            info = hl.language
        # The code keeps its own lines: the opening tag's line becomes the fence line, the
        # closing tag's the closing fence (Jekyll drops the blank edges the same way).
        if not code.startswith("\n"):
            code = "\n" + code
        if code[code.rfind("\n") + 1 :].strip():  # code right before {% endhighlight %}
            code += "\n"
        buffer.write(fence + info + code + fence)
        return 1


class _HighlightTag(Tag):
    name = "highlight"
    end = "endhighlight"
    block = True

    def parse(self, stream: Any) -> Node:
        token, args = _raw_args(stream)
        next(stream)
        block = get_parser(self.env).parse_block(stream, frozenset(("endhighlight", TOKEN_EOF)))
        stream.expect(TOKEN_TAG, value="endhighlight")
        return _HighlightNode(token, args, block)


# --------------------------------------------------------------------------- filters


def _prop(item: object, name: object) -> object:
    if isinstance(item, Mapping):
        return item.get(str(name))
    return None


def _items(value: object) -> list[object]:
    if isinstance(value, Mapping):
        return list(value.values())  # Jekyll iterates a hash's values in where/group_by
    if isinstance(value, (list, tuple)):
        return list(value)
    if value is None or isinstance(value, Undefined):
        return []
    return [value]


def _to_s(value: object) -> str:
    """Ruby's ``to_s`` as Jekyll's comparisons use it."""
    if value is None or isinstance(value, Undefined):
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def f_where(value: object, prop: object, target: object = None) -> list[object]:
    """Jekyll: items whose property (or any element of an array property) equals as a string."""
    want = _to_s(target)
    out = []
    for item in _items(value):
        got = _prop(item, prop)
        if isinstance(got, (list, tuple)):
            if want in [_to_s(x) for x in got]:
                out.append(item)
        elif _to_s(got) == want:
            out.append(item)
    return out


@with_context
def f_where_exp(value: object, variable: object, expression: object, *, context: RenderContext) -> list[object]:
    env: JekyllEnvironment = context.env  # type: ignore[assignment]
    template = env.condition(str(expression))
    if template is None:
        _warn(f"where_exp: {expression!r} is not a Liquid condition; nothing selected", None)
        return []
    out = []
    for item in _items(value):
        buf = io.StringIO()
        with context.extend({str(variable): item}):
            template.render_with_context(context, buf, partial=True)
        if buf.getvalue() == "1":
            out.append(item)
    return out


def f_group_by(value: object, prop: object) -> list[dict[str, object]]:
    groups: dict[str, list[object]] = {}
    for item in _items(value):
        groups.setdefault(_to_s(_prop(item, prop)), []).append(item)
    return [{"name": k, "items": v, "size": len(v)} for k, v in groups.items()]


def _sort_key(value: object) -> tuple[int, object]:
    if isinstance(value, bool):
        return (1, str(value))
    if isinstance(value, (int, float)):
        return (0, value)
    if isinstance(value, (dt.date, dt.datetime)):
        return (2, _as_datetime(value).timestamp())
    return (3, str(value))


def f_sort(value: object, prop: object = None, nils: object = "first") -> list[object]:
    """Jekyll's sort: by a property, items without it first (``nils: "last"``: last)."""
    items = _items(value)
    if prop is None or isinstance(prop, Undefined):
        present, missing = [i for i in items if i is not None], [i for i in items if i is None]
        keyed = sorted(present, key=_sort_key)
    else:
        present = [i for i in items if _prop(i, prop) is not None]
        missing = [i for i in items if _prop(i, prop) is None]
        keyed = sorted(present, key=lambda i: _sort_key(_prop(i, prop)))
    return [*keyed, *missing] if str(nils) == "last" else [*missing, *keyed]


def _as_datetime(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    text = str(value).strip()
    if text in ("now", "today"):
        raise ValueError("the build time is not a post's date")
    from dateutil import parser as date_parser  # only dates in text need the parser

    return date_parser.parse(text)


def _date_filter(fmt: Callable[[dt.datetime], str]) -> Callable[..., object]:
    def run(value: object, *args: object) -> object:
        if value is None or isinstance(value, Undefined) or value == "":
            return value
        try:
            return fmt(_as_datetime(value), *args)  # type: ignore[call-arg]
        except (ValueError, OverflowError, TypeError):
            _warn(f"{value!r} is not a date; shown as written", None)
            return value

    return run


_MONTHS = "January February March April May June July August September October November December".split()


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _jekyll_date(d: dt.datetime, month: str, kind: object = None, style: object = None) -> str:
    if str(kind) == "ordinal":
        if str(style) == "US":
            return f"{month} {_ordinal(d.day)}, {d.year}"
        return f"{_ordinal(d.day)} {month} {d.year}"
    return f"{d.day:02d} {month} {d.year}"


def _tz(d: dt.datetime) -> dt.datetime:
    # Ruby reads a naive date in the machine's zone; a build must not depend on the machine.
    return d if d.tzinfo else d.replace(tzinfo=dt.timezone.utc)


f_date_to_string = _date_filter(lambda d, *a: _jekyll_date(d, _MONTHS[d.month - 1][:3], *a))
f_date_to_long_string = _date_filter(lambda d, *a: _jekyll_date(d, _MONTHS[d.month - 1], *a))
f_date_to_xmlschema = _date_filter(lambda d: _tz(d).isoformat())
f_date_to_rfc822 = _date_filter(
    lambda d: _tz(d).strftime("%a, %d ") + _MONTHS[d.month - 1][:3] + _tz(d).strftime(" %Y %H:%M:%S %z")
)


def _site_url_filter(absolute: bool) -> Callable[..., object]:
    @with_context
    def run(value: object, *, context: RenderContext) -> object:
        if value is None or isinstance(value, Undefined):
            return value
        text = str(value)
        if re.match(r"^[a-z][a-z0-9+.-]*:", text, re.I) or text.startswith("//"):
            return text  # already absolute, as Jekyll leaves it
        env: JekyllEnvironment = context.env  # type: ignore[assignment]
        site = env.site.config
        path = site.get("baseurl", "") + "/" + text.lstrip("/")
        path = re.sub(r"/{2,}", "/", path)
        return (site.get("url", "") if absolute else "") + path

    return run


def f_xml_escape(value: object) -> str:
    return html.escape(_to_s(value), quote=True).replace("&#x27;", "&#39;")


def f_cgi_escape(value: object) -> str:
    return quote_plus(_to_s(value), safe="*")


def f_uri_escape(value: object) -> str:
    return quote(_to_s(value), safe="!#$&'()*+,/:;=?@[]~-._%")


def _json_default(value: object) -> object:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Undefined):
        return None
    return str(value)


def f_jsonify(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def slugify(text: object, mode: object = "default") -> str:
    """Jekyll's ``Utils.slugify`` (modes none, raw, default, pretty, ascii, latin)."""
    string = _to_s(text)
    mode = "default" if mode is None or isinstance(mode, Undefined) else str(mode)
    if mode == "none":
        return string
    if mode == "latin":
        string = unicodedata.normalize("NFKD", string).encode("ascii", "ignore").decode()
        mode = "default"
    patterns = {
        "raw": r"\s+",
        "default": r"(?:[^\w]|_)+",
        "pretty": r"[^\w._~!$&'()+,;=@]+",
        "ascii": r"[^A-Za-z0-9]+",
    }
    slug = re.sub(patterns.get(mode, patterns["default"]), "-", string)
    return re.sub(r"^-+|-+$", "", slug).lower()


_MD = MarkdownIt("commonmark", {"html": True})


def f_markdownify(value: object) -> str:
    return _MD.render(_to_s(value))


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def f_number_of_words(value: object, mode: object = None) -> int:
    text = _to_s(value)
    if str(mode) in ("cjk", "auto") and (str(mode) == "cjk" or _CJK.search(text)):
        return len(_CJK.findall(text)) + len(_CJK.sub(" ", text).split())
    return len(text.split())


def f_array_to_sentence_string(value: object, connector: object = "and") -> str:
    items = [_to_s(x) for x in _items(value)]
    conn = "and" if connector is None or isinstance(connector, Undefined) else str(connector)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return f"{items[0]} {conn} {items[1]}"
    return f"{', '.join(items[:-1])}, {conn} {items[-1]}"


def f_normalize_whitespace(value: object) -> str:
    return re.sub(r"\s+", " ", _to_s(value)).strip()


def f_push(value: object, item: object) -> list[object]:
    return [*_items(value), item]


def f_pop(value: object, n: object = 1) -> list[object]:
    items = _items(value)
    k = max(0, int(f_to_integer(n)))
    return items[: len(items) - k] if k else items


def f_shift(value: object, n: object = 1) -> list[object]:
    return _items(value)[max(0, int(f_to_integer(n))) :]


def f_unshift(value: object, item: object) -> list[object]:
    return [item, *_items(value)]


def f_to_integer(value: object) -> int:
    """Ruby's ``to_i``: true 1, false 0, leading digits of a string, 0 when there are none."""
    if value is True:
        return 1
    if value is False or value is None or isinstance(value, Undefined):
        return 0
    if isinstance(value, (int, float)):
        return int(value) if not (isinstance(value, float) and math.isnan(value)) else 0
    m = re.match(r"\s*([+-]?\d+)", str(value).replace("_", ""))
    return int(m.group(1)) if m else 0


def _ruby_inspect(value: object) -> str:
    if value is None or isinstance(value, Undefined):
        return "nil"
    if value is True or value is False:
        return str(value).lower()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_ruby_inspect(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_ruby_inspect(k)}=>{_ruby_inspect(v)}" for k, v in value.items()) + "}"
    return str(value)


def f_inspect(value: object) -> str:
    return f_xml_escape(_ruby_inspect(value))


JEKYLL_FILTERS: dict[str, Callable[..., Any]] = {
    "where": f_where,
    "where_exp": f_where_exp,
    "group_by": f_group_by,
    "sort": f_sort,
    "date_to_string": f_date_to_string,
    "date_to_long_string": f_date_to_long_string,
    "date_to_xmlschema": f_date_to_xmlschema,
    "date_to_rfc822": f_date_to_rfc822,
    "relative_url": _site_url_filter(False),
    "absolute_url": _site_url_filter(True),
    "xml_escape": f_xml_escape,
    "cgi_escape": f_cgi_escape,
    "uri_escape": f_uri_escape,
    "jsonify": f_jsonify,
    "slugify": slugify,
    "markdownify": f_markdownify,
    "smartify": lambda value: value,  # typography is the theme's business here
    "number_of_words": f_number_of_words,
    "array_to_sentence_string": f_array_to_sentence_string,
    "normalize_whitespace": f_normalize_whitespace,
    "push": f_push,
    "pop": f_pop,
    "shift": f_shift,
    "unshift": f_unshift,
    "to_integer": f_to_integer,
    "inspect": f_inspect,
}

# --------------------------------------------------------------------------- environment


class JekyllEnvironment(Environment):
    """Jekyll's tags and filters with limits a hostile post cannot get past."""

    # Limits: generous for a blog (a loop over a few thousand data rows), small enough that a
    # post cannot hang or fill memory (a range literal is caught by the namespace limit).
    loop_iteration_limit = 100_000
    output_stream_limit = 4_000_000
    local_namespace_limit = 4_000_000
    context_depth_limit = 40
    include_depth_limit = 10
    template_class = _Template

    def __init__(self, site: JekyllSite) -> None:
        super().__init__(undefined=_WarningUndefined, strict_filters=True)
        self.site = site
        self._includes: dict[Path, BoundTemplate | None] = {}
        self._conditions: dict[str, BoundTemplate | None] = {}
        for tag in (_IncludeTag, _IncludeRelativeTag, _PostUrlTag, _LinkTag, _HighlightTag):
            self.add_tag(tag)
        for name, func in JEKYLL_FILTERS.items():
            self.add_filter(name, func)

    def include_template(self, path: Path) -> BoundTemplate | None:
        if path not in self._includes:
            try:
                text = path.read_text(encoding="utf-8-sig")
                self._includes[path] = self.from_string(text, name=path.name)
            except (OSError, UnicodeDecodeError, LiquidError):
                self._includes[path] = None
        return self._includes[path]

    def condition(self, expression: str) -> BoundTemplate | None:
        if expression not in self._conditions:
            try:
                self._conditions[expression] = self.from_string(
                    "{% if " + expression + " %}1{% endif %}"
                )
            except LiquidError:
                self._conditions[expression] = None
        return self._conditions[expression]


# --------------------------------------------------------------------------- render


_LIQUID_MARK = re.compile(r"\{\{|\{%")
# A placeholder with whatever URL prefix the post wrote before it ({{ site.url }}{{ site.baseurl }}).
_DOC_IN_DEST = re.compile(r"\]\(\s*<?[^\s()<>]*?" + re.escape(DOC_SCHEME) + r"(/[^\s()<>]*)>?(\s|\))")
_DOC_PREFIXED = re.compile(r"""[^\s"'()<>\[\]]*?""" + re.escape(DOC_SCHEME) + r"(?=/)")


_DOC_BARE = re.compile(r"(?<![\"'=])" + re.escape(DOC_SCHEME) + r"(/[^\s<>\"']*)")


def _md_path(path: str) -> str:
    """A MyST link destination for a srcdir-absolute path (MyST percent-decodes these)."""
    return "".join({" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E"}.get(c, c) for c in path)


@dataclass
class Result:
    text: str
    problems: list[Problem]
    targets: list[str | None]  # what post_url/link looked up (None: not found)


def render(
    body: str,
    *,
    env: JekyllEnvironment,
    first_line: int,
    page: Mapping[str, Any],
    page_dir: Path | None = None,
    resolve_post: Callable[[str], str | None] = lambda name: None,
    resolve_link: Callable[[str], str | None] = lambda path: None,
) -> Result:
    """Execute the Liquid of one post body; never raises, never loses the body's text."""
    state = _State(body, first_line, page_dir, resolve_post, resolve_link)
    if not _LIQUID_MARK.search(body):
        return Result(body, [], [])
    token = _STATE.set(state)
    try:
        text = _render(body, env, state, page)
    except Exception as err:  # noqa: BLE001 - one odd post must not stop the build
        state.problems.append(
            Problem(W.LIQUID, f"Liquid failed ({type(err).__name__}: {err}); body kept as written", first_line)
        )
        text = body
    finally:
        _STATE.reset(token)
    return Result(text, state.problems, state.targets)


def _node_start(body: str, node: Node) -> int:
    """Where a top-level node's text starts (a tag's token points at its name, not at ``{%``)."""
    index = node.token.start_index
    if node.token.kind == "content" or index < 0:
        return max(index, 0)
    opener = "{{" if node.token.kind == "output" else "{%"
    return max(body.rfind(opener, 0, index + len(opener)), 0)


def _render(body: str, env: JekyllEnvironment, state: _State, page: Mapping[str, Any]) -> str:
    try:
        template = env.from_string(body)
    except LiquidSyntaxError as err:
        message = str(err.args[0] if err.args else err)
        token = err.token if isinstance(err.token, Token) and err.token.source is body else None
        unclosed = re.match(r"expected tag end(\w+)", message)
        if unclosed and (token is None or token.start_index >= len(body) - 1 or token.kind == TOKEN_EOF):
            # "never closed" is found at the end of the post: point at the tag that opened it
            opened = list(re.finditer(r"\{%-?\s*" + unclosed.group(1) + r"\b", body))
            if opened:
                token = Token(TOKEN_TAG, unclosed.group(1), opened[-1].start(), body)
        state.warn(f"Liquid syntax error: {message}; the post is shown as written", token)
        return body
    except LiquidError as err:
        state.warn(f"Liquid error: {err}; the post is shown as written", None)
        return body
    context = template.context_class(template, globals={"site": env.site.config, "page": dict(page)})
    out: list[str] = []
    nodes = template.nodes
    with context.extend({}):
        for i, node in enumerate(nodes):
            start = _node_start(body, node)
            end = _node_start(body, nodes[i + 1]) if i + 1 < len(nodes) else len(body)
            span = body[start:end] if 0 <= start <= end else ""
            buffer = LimitedStringIO(limit=env.output_stream_limit)  # counts one construct
            try:
                node.render(context, buffer)
                piece = buffer.getvalue()
            except LiquidError as err:
                # A limit or a render error: this construct stays as written, the rest runs.
                state.warn(f"Liquid stopped here ({err.args[0] if err.args else err}); kept as written", node.token)
                piece = span
            except Exception as err:  # noqa: BLE001 - a filter bug on odd data
                state.warn(f"Liquid failed here ({type(err).__name__}: {err}); kept as written", node.token)
                piece = span
            missing = span.count("\n") - piece.count("\n")
            if missing > 0:
                piece += "\n" * missing  # text after it keeps its line
            out.append(piece)
            if sum(len(p) for p in out) > env.output_stream_limit:
                state.warn("Liquid output exceeds its limit; the rest is shown as written", node.token)
                out.append(body[end:])
                break
    text = "".join(out)
    # post_url/link inside a Markdown link: a MyST path, checked by MyST like any other link.
    text = _DOC_IN_DEST.sub(lambda m: "](" + m.group(1) + m.group(2), text)
    text = _DOC_PREFIXED.sub(DOC_SCHEME, text)
    base = str(env.site.config.get("baseurl") or "")
    if base:
        # {{ site.baseurl }}/assets/a.png in a Markdown link: MyST paths start at the source
        # folder (where the importer puts the site's files), so the base URL goes.
        text = re.sub(
            r"(\]\(\s*<?|^[ ]{0,3}\[[^\]]+\]:\s*<?)" + re.escape(base) + r"(?=/)",
            r"\1",
            text,
            flags=re.MULTILINE,
        )
    # In running text (not an HTML attribute): a link titled with the page's title.
    return _DOC_BARE.sub(lambda m: "[](<" + m.group(1) + ">)", text)


__all__ += ["JekyllEnvironment", "Result", "slugify", "JEKYLL_FILTERS", "Highlight"]

