"""The ``kiji`` domain: the one store of post metadata, keyed by docname.

``data['posts'][docname]`` is a plain dict (see :func:`kiji.posts.post_info`); listings and
signatures are kept per docname too, so ``clear_doc`` is a pop and ``merge_domaindata`` a copy,
and parallel reads merge cleanly. The :class:`~kiji.catalog.Catalog` is derived data, rebuilt in
the main process once all reads are merged, and never pickled.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.domains import Domain
from sphinx.roles import XRefRole
from sphinx.util import logging
from sphinx.util.nodes import make_refnode

from ..core import catalog as cat
from ..core import sources
from ..core.labels import label
from ..core.warnings_ import WARNING_TYPE, W

logger = logging.getLogger(__name__)

ENV_VERSION = 4


class KijiXRefRole(XRefRole):
    """``{tag}`AI```, ``{category}`x```, ``{author}`x```, ``{post}`name```."""

    def run(self):  # type: ignore[override]
        # Registered as plain {tag} etc. (MyST authors do not type a domain prefix), but the
        # references always belong to this domain.
        self.refdomain, self.reftype = "kiji", self.name.rpartition(":")[2]
        self.classes = ["xref", "kiji", f"kiji-{self.reftype}"]
        if self.disabled:
            return self.create_non_xref_node()
        return self.create_xref_node()

    def process_link(self, env, refnode, has_explicit_title, title, target):  # type: ignore[override]
        refnode["kiji_explicit"] = has_explicit_title
        return title, target.strip()


class KijiDomain(Domain):
    name = "kiji"
    label = "Knowledge base"
    roles = {
        "tag": KijiXRefRole(),
        "category": KijiXRefRole(),
        "author": KijiXRefRole(),
        "post": KijiXRefRole(),
    }
    initial_data: dict[str, Any] = {
        "posts": {},  # docname -> post info dict
        "listings": {},  # docname -> number of listing directives (they depend on the catalogue)
        "signatures": {},  # docname -> hash of the catalogue-derived parts of the page
    }
    data_version = ENV_VERSION

    _catalog: cat.Catalog | None = None
    # Generated pages whose content changed in this build (derived, main process only).
    changed_pages: set[str] | None = None
    page_signatures: dict[str, str] | None = None
    redirect_plan: dict[str, str] | None = None

    # -- storage -----------------------------------------------------------------------------
    @property
    def posts(self) -> dict[str, dict[str, Any]]:
        return self.data["posts"]

    def clear_doc(self, docname: str) -> None:
        self.data["posts"].pop(docname, None)
        self.data["listings"].pop(docname, None)
        self._catalog = None

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        for docname in docnames:
            for key in ("posts", "listings"):
                if docname in otherdata[key]:
                    self.data[key][docname] = otherdata[key][docname]
        self._catalog = None

    # -- the catalogue -----------------------------------------------------------------------
    @property
    def catalog(self) -> cat.Catalog:
        if self._catalog is None:
            taken = {d for d in self.env.all_docs if d.split("/", 1)[0] in cat.FOLDERS.values()}
            self._catalog = cat.build(self.posts, taken=taken)
        return self._catalog

    def invalidate(self) -> None:
        self._catalog = None

    def post_info(self, docname: str) -> dict[str, Any] | None:
        """Public read-only view of one post (for search, feeds, SEO)."""
        return self.posts.get(docname)

    def taxonomy_pages(self) -> list[dict[str, Any]]:
        """The generated index pages, for the search index."""
        language = self.env.config.language
        out: list[dict[str, Any]] = []
        # The index pages themselves, so a search for タグ一覧 or アーカイブ finds them.
        for key, folder in (("tags_index", "tags"), ("categories_index", "categories"),
                            ("authors_index", "authors"), ("archive_index", "archive")):  # fmt: skip
            title = label(language, key)
            out.append({"pagename": f"{folder}/index", "title": title, "kind": "index", "name": title, "count": None})
        for kind in cat.KINDS:
            for term in self.catalog.sorted_terms(kind):
                out.append(
                    {
                        "pagename": term.pagename,
                        "title": label(language, f"{kind}_title", name=term.name),
                        "kind": kind,
                        "name": term.name,
                        "count": len(term.docnames),
                    }
                )
        for year, months in self.catalog.archive.items():
            out.append(
                {
                    "pagename": f"archive/{year}",
                    "title": label(language, "year_title", y=year),
                    "kind": "archive",
                    "name": str(year),
                    "count": sum(len(d) for d in months.values()),
                }
            )
        return out

    # -- cross references --------------------------------------------------------------------
    def resolve_xref(self, env, fromdocname, builder, typ, target, node, contnode):  # type: ignore[override]
        found = self._resolve(typ, target)
        if found is None:
            what = {"tag": "tag", "category": "category", "author": "author", "post": "post"}[typ]
            logger.warning(
                "unknown %s %r in {%s} role",
                what,
                target,
                typ,
                location=node,
                type=WARNING_TYPE,
                subtype=W.REFERENCE,
            )
            return None
        pagename, title = found
        if not node.get("kiji_explicit") and typ == "post":
            contnode = nodes.inline(title, title)
        elif not node.get("kiji_explicit"):
            contnode = nodes.inline(title, title, classes=[f"kiji-{typ}"])
        if typ == "post":
            return make_refnode(builder, fromdocname, pagename, "", contnode, title)
        ref = nodes.reference("", "", internal=True, reftitle=title)
        ref["refuri"] = builder.get_relative_uri(fromdocname, pagename)
        ref += contnode
        return ref

    def resolve_any_xref(self, env, fromdocname, builder, target, node, contnode):  # type: ignore[override]
        return []

    def _resolve(self, typ: str, target: str) -> tuple[str, str] | None:
        if typ == "post":
            docname = self.find_post(target)
            return (docname, self.posts[docname]["title"]) if docname else None
        term = self.catalog.term(typ, target)
        return (term.pagename, term.name) if term else None

    def find_post(self, target: str) -> str | None:
        """A post by docname, by file name without extension, or by slug (the date-less name)."""
        return sources.find_post(target, {d: info.get("slug") or "" for d, info in self.posts.items()})

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        yield from ()


def unresolved_roles(doctree: nodes.document) -> list[pending_xref]:
    return [n for n in doctree.findall(pending_xref) if n.get("refdomain") == "kiji"]
