"""Links to the old blog's URLs reach the new pages; schemes and raw HTML anchors resolve.

Posts link to each other by their Jekyll URLs (``/ja/news/2019/08/28/x/``, ``/2022/11/14/x``,
with the old base URL or host). :func:`url_map` maps every old URL of every post (the same list
the redirect pages are made from, :func:`kiji.redirects.old_urls`: the Jekyll permalink style or
template, the post's own ``permalink:``, ``redirect_from``) to its document; a post-transform
that runs before MyST's reference resolver turns such links into links to the new page:

* Markdown links (``pending_xref`` with a ``/`` path MyST cannot find, or an external reference
  to the old host) and ``href``/``src`` in raw HTML;
* an old-site path that is no migrated post links to the old site when ``kiji_jekyll_url`` is
  set; otherwise MyST's own ``myst.xref_missing`` warning (located) stays;
* ``[x](#note-1)`` to an anchor the post defines in raw HTML (``<a name>``, ``id=``) resolves
  (:class:`RawAnchorLinks`, a read-time transform before MyST's anchor check).

``config-inited`` also adds the link schemes people write (``irc:``, ``news:``...) to
``myst_url_schemes`` and takes ``permalink`` from the old ``_config.yml`` when ``conf.py`` does
not set ``kiji_jekyll_permalink``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from weakref import WeakKeyDictionary

import yaml
from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform

from . import redirects

# Schemes seen in blog posts beyond MyST's defaults (http, https, mailto, ftp).
URL_SCHEMES = (
    "http", "https", "mailto", "ftp", "ftps", "sftp", "irc", "ircs", "news", "nntp", "tel",
    "xmpp", "git", "ssh", "svn", "magnet", "webcal", "feed", "data", "file", "kiji-doc",
)  # fmt: skip
_HREF = re.compile(r"""(\b(?:href|src)\s*=\s*)(["'])([^"'<>]*)\2""", re.IGNORECASE)
_ANCHOR = re.compile(r"""\b(?:name|id)\s*=\s*(["'])([^"'<>]+)\1""", re.IGNORECASE)


CONFIG: dict[str, tuple[Any, str, frozenset[type], str]] = {
    "kiji_jekyll_url": (
        "", "env", frozenset({str}),
        "the old site's address: links to its pages that were not migrated go there",
    ),
}  # fmt: skip


def forget_map(app: Any, env: Any) -> None:
    """``env-updated``: the old-URL map is made again from the posts as they are now."""
    _MAPS.pop(env, None)


def _jekyll_config(app: Any, config: Any) -> dict[str, Any]:
    name = getattr(config, "kiji_jekyll_site", "")
    path = Path(app.srcdir, name, "_config.yml") if name else None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig")) if path and path.is_file() else {}
    except (OSError, ValueError, yaml.YAMLError):
        return {}  # kiji.migrate warns about an unreadable _config.yml
    return data if isinstance(data, dict) else {}


def on_config_inited(app: Any, config: Any) -> None:
    schemes = config.myst_url_schemes
    if isinstance(schemes, dict):
        for scheme in URL_SCHEMES:
            schemes.setdefault(scheme, None)
    elif isinstance(schemes, (list, tuple)):
        config.myst_url_schemes = list(dict.fromkeys([*schemes, *URL_SCHEMES]))
    old = _jekyll_config(app, config)
    permalink = old.get("permalink")
    # None: conf.py does not set it (kiji.sphinx.redirects then uses "date").
    if config.kiji_jekyll_permalink is None and isinstance(permalink, str) and permalink:
        config.kiji_jekyll_permalink = permalink
    # Where the old URLs lived: the old config's url and baseurl, and kiji_jekyll_url.
    app.kiji_old_sites = sorted(
        {
            u.rstrip("/")
            for u in (
                str(old.get("url") or "").rstrip("/") + str(old.get("baseurl") or ""),
                config.kiji_jekyll_url,
            )
            if u and u.startswith(("http://", "https://"))
        }
    )
    app.kiji_old_baseurl = str(old.get("baseurl") or config.kiji_baseurl or "").rstrip("/")


def key(path: str, baseurl: str = "") -> str:
    """One spelling of an old URL path: no base URL, no ``index.html``/``.html``, no end slash."""
    path = unquote(urlsplit(path).path)
    if baseurl and (path == baseurl or path.startswith(baseurl + "/")):
        path = path[len(baseurl) :]
    path = "/" + path.strip("/")
    path = re.sub(r"/index\.html?$", "", path)
    path = re.sub(r"\.html?$", "", path)
    return path.rstrip("/") or "/"


_MAPS: WeakKeyDictionary[Any, dict[str, str]] = WeakKeyDictionary()


def url_map(app: Any) -> dict[str, str]:
    """Every old URL (as :func:`key` spells it) of every post → its docname."""
    env = app.env
    if env not in _MAPS:
        table: dict[str, str] = {}
        for docname, info in sorted(env.get_domain("kiji").posts.items()):
            urls, _problems = redirects.old_urls(app, info)  # the redirect pages warn about these
            for _origin, url in urls:
                table.setdefault(key(url), docname)  # first wins, as the redirect pages do
        _MAPS[env] = table
    return _MAPS[env]


class RawAnchorLinks(SphinxTransform):
    """``[x](#note-1)`` to ``<a name="note-1">`` in the post's raw HTML: kept as the link it is.

    Runs before MyST's ``ResolveAnchorIds`` (879), which knows only docutils ids and warns.
    """

    default_priority = 870

    def apply(self, **kwargs: Any) -> None:
        links = [r for r in self.document.findall(nodes.reference) if r.get("id_link")]
        if not links:
            return
        anchors = {
            m.group(2)
            for raw in self.document.findall(nodes.raw)
            for m in _ANCHOR.finditer(raw.astext())
        }
        slugs = getattr(self.document, "myst_slugs", {})
        for ref in links:
            target = ref["refuri"][1:]
            if target in anchors and target not in self.document.ids and target not in slugs:
                del ref["id_link"]  # an ordinary same-page link; the anchor is in the HTML


def _split(target: str) -> tuple[str, str]:
    path, _, anchor = target.partition("#")
    return path, ("#" + anchor if anchor else "")


class OldUrlLinks(SphinxPostTransform):
    """Old URLs → new pages; raw HTML anchors; before MyST resolves (9) and warns."""

    default_priority = 8

    def run(self, **kwargs: Any) -> None:
        app = self.app
        builder = app.builder
        docname = self.env.docname
        table = url_map(app)
        old_sites: list[str] = getattr(app, "kiji_old_sites", [])
        baseurl: str = getattr(app, "kiji_old_baseurl", "")

        def new_uri(target: str) -> str | None:
            path, anchor = _split(target)
            doc = table.get(key(path, baseurl))
            if doc is None or doc not in self.env.all_docs:
                return None
            return builder.get_relative_uri(docname, doc) + anchor

        def old_path(url: str) -> str | None:
            for site in old_sites:
                if url == site or url.startswith(site + "/") or url.startswith(site + "#"):
                    return url[len(site) :] or "/"
            return None

        for node in list(self.document.findall(addnodes.pending_xref)):
            if node.get("refdomain") is not None or node.get("reftype") != "myst":
                continue
            target = node.get("reftarget", "")
            if not target.startswith("/"):
                continue
            uri = new_uri(target)
            if uri is not None:
                node.replace_self(_link(node, uri, internal=True))
            elif app.config.kiji_jekyll_url:
                if baseurl and target.startswith(baseurl + "/"):
                    target = target[len(baseurl) :]  # the old address already ends with it
                node.replace_self(
                    _link(node, app.config.kiji_jekyll_url.rstrip("/") + target, internal=False)
                )
        for ref in list(self.document.findall(nodes.reference)):
            path = old_path(ref.get("refuri", ""))
            uri = new_uri(path) if path is not None else None
            if uri is not None:
                ref["refuri"] = uri
                ref["internal"] = True
                ref["classes"] = [c for c in ref["classes"] if c != "external"] + ["internal"]
        for raw in list(self.document.findall(nodes.raw)):
            text = raw.astext()
            if "href" not in text.lower() and "src" not in text.lower():
                continue

            def swap(m: re.Match[str]) -> str:
                url = html.unescape(m.group(3))
                path = old_path(url) if "://" in url else url if url.startswith("/") else None
                uri = new_uri(path) if path is not None else None
                if uri is None:
                    return m.group(0)
                return m.group(1) + m.group(2) + html.escape(uri) + m.group(2)

            new = _HREF.sub(swap, text)
            if new != text:
                raw.replace(raw[0], nodes.Text(new))


def _link(node: nodes.Element, uri: str, *, internal: bool) -> nodes.reference:
    children = node.children[0].children if len(node.children) == 1 and isinstance(node.children[0], nodes.inline) else node.children
    ref = nodes.reference("", "", *[c.deepcopy() for c in children], refuri=uri, internal=internal)
    ref["classes"].append("reference" if internal else "external")
    if not ref.children:
        ref += nodes.Text(uri)
    return ref
