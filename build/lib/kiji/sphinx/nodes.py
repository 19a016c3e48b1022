"""Docutils nodes of the extension.

Placeholders are emitted while reading and replaced with ordinary docutils nodes once the whole
catalogue is known (``doctree-resolved``), so listings are never stale. The one node that reaches
the writers is :class:`time_node`, whose HTML visitor uses ``starttag`` so its attribute is escaped.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes


class post_header(nodes.General, nodes.Element):
    """Where the post's metadata header goes (docname in ``docname``)."""


class post_footer(nodes.General, nodes.Element):
    """Where previous/next links and related posts go."""


class postlist(nodes.General, nodes.Element):
    """A ``{postlist}`` listing; filters are attributes."""


class tagcloud(nodes.General, nodes.Element):
    """A ``{tagcloud}`` of one kind (tag, category, author)."""


class archive(nodes.General, nodes.Element):
    """An ``{archive}`` by year and month."""


class time_node(nodes.inline):
    """A date: ``<time datetime="...">`` in HTML, plain text elsewhere."""


PLACEHOLDERS = (post_header, post_footer, postlist, tagcloud, archive)


def visit_time_html(self: Any, node: time_node) -> None:
    attrs = {"datetime": node["datetime"]} if node.get("datetime") else {}
    self.body.append(self.starttag(node, "time", "", **attrs))


def depart_time_html(self: Any, node: time_node) -> None:
    self.body.append("</time>")


def visit_placeholder(self: Any, node: nodes.Element) -> None:
    # Only reached by builders that skip doctree-resolved replacement (never for HTML).
    raise nodes.SkipNode


def register(app: Any) -> None:
    app.add_node(
        time_node,
        html=(visit_time_html, depart_time_html),
        override=True,
    )
    for node in PLACEHOLDERS:
        app.add_node(
            node,
            html=(visit_placeholder, None),
            latex=(visit_placeholder, None),
            text=(visit_placeholder, None),
            man=(visit_placeholder, None),
            texinfo=(visit_placeholder, None),
        )
