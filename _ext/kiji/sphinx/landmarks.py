"""Landmark elements for what a page shows of other pages: ``<nav>``, ``<aside>`` and blocks
marked ``data-pagefind-ignore``.

Previous/next links are navigation and related posts are a side note, not the post's own text;
the post excerpts on tag, category, author, archive and home listings belong to other posts.
Screen readers find them as landmarks, and search tools that read built HTML (Pagefind's
``data-pagefind-ignore`` convention) leave them out of the page's own text. kiji's index never
sees them anyway: they are filled in after a page is read (see :mod:`kiji.search`).

:class:`landmark` is a container node whose HTML visitor writes ``<tag ...>`` with ``starttag``
(attributes escaped); other writers render just its children.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes

__all__ = ["landmark", "register"]

#: Tags a landmark may be written as.
TAGS = frozenset({"nav", "aside", "div"})


class landmark(nodes.General, nodes.Element):
    """``landmark(tag="nav", label="...", ignore=True)``: an HTML element around its children."""


def make(tag: str, classes: list[str], label: str | None = None, ignore: bool = True) -> landmark:
    if tag not in TAGS:
        raise ValueError(f"not a landmark tag: {tag}")
    node = landmark(classes=classes)
    node["tag"] = tag
    if label:
        node["label"] = label
    node["ignore"] = ignore
    return node


def visit_landmark_html(self: Any, node: landmark) -> None:
    attrs: dict[str, str] = {}
    if node.get("label"):
        attrs["aria-label"] = node["label"]
    if node.get("ignore"):
        attrs["data-pagefind-ignore"] = "all"
    self.body.append(self.starttag(node, node["tag"], "", **attrs))


def depart_landmark_html(self: Any, node: landmark) -> None:
    self.body.append(f"</{node['tag']}>\n")


def _pass(self: Any, node: nodes.Element) -> None:
    pass


def register(app: Any) -> None:
    app.add_node(
        landmark,
        html=(visit_landmark_html, depart_landmark_html),
        latex=(_pass, _pass),
        text=(_pass, _pass),
        man=(_pass, _pass),
        texinfo=(_pass, _pass),
    )
