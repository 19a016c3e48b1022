"""Listings split into pages of ``kiji_listing_page_size`` posts: page names, and the page links.

A listing's first page keeps the name it always had (``tags/ai``), so old links keep working; the
others are ``tags/ai/2``, ``tags/ai/3``... The page links are an HTML ``<nav>`` made with
``xml.etree`` (which escapes every value) and handed to the writer as a raw node: docutils'
references have no ``rel`` attribute.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from docutils import nodes

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """One page of a listing: its number (1-based), how many there are, and its name."""

    number: int
    count: int
    pagename: str
    base: str

    @property
    def prev(self) -> str | None:
        return page_name(self.base, self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return page_name(self.base, self.number + 1) if self.number < self.count else None


def page_name(base: str, number: int) -> str:
    """``tags/ai`` for page 1, ``tags/ai/2`` for page 2."""
    return base if number == 1 else f"{base}/{number}"


def split(items: Sequence[T], size: int) -> list[list[T]]:
    """``items`` in pages of ``size`` (at least one page, empty when there is nothing)."""
    size = max(1, size)
    return [list(items[i : i + size]) for i in range(0, len(items), size)] or [[]]


def pages(base: str, items: Sequence[T], size: int) -> list[tuple[Page, list[T]]]:
    chunks = split(items, size)
    return [(Page(n, len(chunks), page_name(base, n), base), chunk) for n, chunk in enumerate(chunks, 1)]


def pager(page: Page, uri: Callable[[str], str], label: str, prev_text: str, next_text: str) -> nodes.raw:
    """The numbered page links of ``page`` (``uri`` makes a link relative to it)."""
    nav = ET.Element("nav", {"class": "kiji-pager", "aria-label": label})
    ul = ET.SubElement(nav, "ul")
    if page.prev:
        li = ET.SubElement(ul, "li", {"class": "kiji-pager-prev"})
        ET.SubElement(li, "a", {"href": uri(page.prev), "rel": "prev"}).text = prev_text
    for n in range(1, page.count + 1):
        li = ET.SubElement(ul, "li")
        if n == page.number:
            ET.SubElement(li, "span", {"aria-current": "page", "class": "kiji-pager-current"}).text = str(n)
            continue
        attrs = {"href": uri(page_name(page.base, n))}
        if n == page.number - 1:
            attrs["rel"] = "prev"
        elif n == page.number + 1:
            attrs["rel"] = "next"
        ET.SubElement(li, "a", attrs).text = str(n)
    if page.next:
        li = ET.SubElement(ul, "li", {"class": "kiji-pager-next"})
        ET.SubElement(li, "a", {"href": uri(page.next), "rel": "next"}).text = next_text
    html = ET.tostring(nav, encoding="unicode", method="html")
    return nodes.raw("", html, format="html")


def head_links(prev: str | None, next_: str | None) -> str:
    """``<link rel="prev">`` and ``<link rel="next">`` for the page's head (serialized, escaped)."""
    links = [ET.Element("link", {"rel": rel, "href": href}) for rel, href in (("prev", prev), ("next", next_)) if href]
    return "".join(ET.tostring(link, encoding="unicode", method="html") for link in links)
