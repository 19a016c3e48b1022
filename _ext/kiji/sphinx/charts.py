"""Bar charts of posts over time, drawn at build time as inline SVG (no JavaScript).

Each chart is a ``<figure>``: an ``<svg role="img">`` named by its ``<title>`` (through
``aria-labelledby``), one ``<rect>`` per month or year with its own ``<title>`` (shown on hover),
and beside it the same counts as a ``<table>`` that only screen readers get (the picture is for the
eye, the table for the ear). Built with ``xml.etree``, which escapes every value; handed to the
writer as a raw HTML node. Colours are CSS variables of the theme (``kiji.css``), so the dark
theme recolours the chart.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Sequence

from docutils import nodes

# Drawing units of the viewBox (the SVG scales to the column's width).
BAR = 10
GAP = 2
HEIGHT = 60
TOP = 12  # room for the largest count above the tallest bar
BOTTOM = 14  # room for the year labels
SCALE = 1.6  # CSS pixels per unit at full size; a long chart shrinks to the column's width


def months_between(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    """Every (year, month) from ``first`` to ``last`` inclusive, oldest first."""
    out = []
    y, m = first
    while (y, m) <= last:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def monthly(dates: Iterable[tuple[int, int]], span: tuple[tuple[int, int], tuple[int, int]] | None = None) -> list[tuple[tuple[int, int], int]]:
    """Counts per (year, month), with empty months in between (and over ``span`` if given)."""
    counts = Counter(dates)
    if not counts and span is None:
        return []
    first, last = span or (min(counts), max(counts))
    return [(ym, counts.get(ym, 0)) for ym in months_between(first, last)]


def yearly(years: Iterable[int]) -> list[tuple[int, int]]:
    counts = Counter(years)
    if not counts:
        return []
    return [(y, counts.get(y, 0)) for y in range(min(counts), max(counts) + 1)]


def figure(
    chart_id: str,
    title: str,
    bars: Sequence[tuple[str, int]],
    marks: Sequence[tuple[int, str]] = (),
    header: tuple[str, str] = ("", ""),
    small: bool = False,
    center_marks: bool = False,
) -> nodes.raw:
    """A bar chart of ``bars`` (label, count) titled ``title``.

    ``marks`` are (bar index, text) written under the bars (the years); ``header`` names the
    columns of the screen readers' table.
    """
    top = max((n for _, n in bars), default=0) or 1
    width = max(1, len(bars)) * (BAR + GAP)
    height = HEIGHT + TOP + BOTTOM
    classes = "kiji-chart kiji-chart-small" if small else "kiji-chart"
    fig = ET.Element("figure", {"class": classes, "id": chart_id})
    svg = ET.SubElement(
        fig,
        "svg",
        {
            "role": "img",
            "aria-labelledby": f"{chart_id}-title",
            "viewBox": f"0 0 {width} {height}",
            "width": str(round(width * SCALE)),
            "height": str(round(height * SCALE)),
            "preserveAspectRatio": "xMinYMax meet",
            "focusable": "false",
        },
    )
    ET.SubElement(svg, "title", {"id": f"{chart_id}-title"}).text = title
    ET.SubElement(svg, "line", {"class": "kiji-chart-axis", "x1": "0", "x2": str(width), "y1": str(TOP + HEIGHT), "y2": str(TOP + HEIGHT)})
    for i, (text, n) in enumerate(bars):
        h = round(HEIGHT * n / top, 2)
        rect = ET.SubElement(
            svg,
            "rect",
            {"class": "kiji-chart-bar", "x": str(i * (BAR + GAP)), "y": str(round(TOP + HEIGHT - h, 2)), "width": str(BAR), "height": str(h)},
        )
        ET.SubElement(rect, "title").text = f"{text}: {n}"
    peak = max(range(len(bars)), key=lambda i: bars[i][1], default=None)
    if peak is not None and bars[peak][1]:
        ET.SubElement(svg, "text", {"class": "kiji-chart-label", "x": str(peak * (BAR + GAP)), "y": str(TOP - 3)}).text = str(bars[peak][1])
    for i, text in marks:
        attrs = {"class": "kiji-chart-label", "x": str(i * (BAR + GAP)), "y": str(height - 3)}
        if center_marks:  # short marks (month numbers) under the middle of their bar
            attrs.update(x=str(i * (BAR + GAP) + BAR / 2), **{"text-anchor": "middle"})
        ET.SubElement(svg, "text", attrs).text = text
    # a table ignores a 1px width: the box that hides it is a <div> around it
    hidden = ET.SubElement(fig, "div", {"class": "kiji-sr-only"})
    table = ET.SubElement(hidden, "table", {"class": "kiji-chart-table"})
    ET.SubElement(table, "caption").text = title
    head = ET.SubElement(ET.SubElement(table, "thead"), "tr")
    for text in header:
        ET.SubElement(head, "th", {"scope": "col"}).text = text
    body = ET.SubElement(table, "tbody")
    for text, n in bars:
        row = ET.SubElement(body, "tr")
        ET.SubElement(row, "th", {"scope": "row"}).text = text
        ET.SubElement(row, "td").text = str(n)
    return nodes.raw("", ET.tostring(fig, encoding="unicode", method="html"), format="html")
