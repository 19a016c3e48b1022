"""Charts of posts over time: inline SVG made at build time, named for assistive technology, with
the same counts as a table; every value escaped (built with a serializer)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import parse_html


def _chart(page, chart_id: str):
    fig = page.select_one(f"figure#{chart_id}")
    assert fig is not None, chart_id
    svg = fig.find("svg")
    title = svg.find("title", recursive=False)
    assert svg["role"] == "img" and svg["aria-labelledby"] == title["id"]
    bars = [(r.find("title").get_text(), float(r["height"])) for r in svg.select("rect.kiji-chart-bar")]
    table = fig.select_one("table.kiji-chart-table")
    assert table.caption.get_text() == title.get_text()
    rows = [(tr.th.get_text(), int(tr.td.get_text())) for tr in table.tbody.find_all("tr")]
    return title.get_text(), bars, rows


@pytest.mark.sphinx("html", testroot="paging")
def test_archive_year_and_tag_charts(app) -> None:
    app.build()
    out = Path(app.outdir)
    title, bars, rows = _chart(parse_html(out / "archive/index.html"), "kiji-chart-archive")
    assert title == "月ごとの記事数（2026年1月〜2026年3月）"
    assert rows == [("2026年1月", 2), ("2026年2月", 2), ("2026年3月", 1)]
    assert [t for t, _ in bars] == ["2026年1月: 2", "2026年2月: 2", "2026年3月: 1"]
    assert bars[0][1] == bars[1][1] == 2 * bars[2][1]  # heights in proportion to the counts
    title, bars, rows = _chart(parse_html(out / "archive/2026.html"), "kiji-chart-year")
    assert title == "2026年の月ごとの記事数"
    assert [n for _, n in rows] == [2, 2, 1] + [0] * 9  # every month of the year, empty ones too
    assert len(bars) == 12
    # the chart is on the first page of the year only
    assert parse_html(out / "archive/2026/2.html").select("figure.kiji-chart") == []
    title, bars, rows = _chart(parse_html(out / "tags/ai.html"), "kiji-chart-term")
    assert title == "AIの記事数の推移" and rows == [("2026年1月", 2), ("2026年2月", 2), ("2026年3月", 1)]
    # categories and authors have no chart
    assert parse_html(out / "categories/技術.html").select("figure.kiji-chart") == []


@pytest.mark.sphinx("html", testroot="hostile")
def test_chart_escapes_hostile_tag_names(app) -> None:
    app.build()
    out = Path(app.outdir)
    found = False
    for path in (out / "tags").glob("*.html"):
        page = parse_html(path)
        fig = page.select_one("figure#kiji-chart-term")
        if fig is None:
            continue
        assert fig.find("script") is None and "<script>alert" not in str(fig).replace("&lt;script&gt;", "")
        name = page.find("h1").get_text().removeprefix("タグ: ").rstrip("¶")
        if "<script>" in name:
            found = True
            assert fig.svg.title.get_text() == f"{name}の記事数の推移"
    assert found


def test_months_between_and_counts() -> None:
    from kiji.sphinx.charts import monthly, months_between, yearly

    assert months_between((2025, 11), (2026, 2)) == [(2025, 11), (2025, 12), (2026, 1), (2026, 2)]
    assert monthly([(2026, 3), (2026, 1), (2026, 3)]) == [((2026, 1), 1), ((2026, 2), 0), ((2026, 3), 2)]
    assert yearly([2020, 2023, 2023]) == [(2020, 1), (2021, 0), (2022, 0), (2023, 2)]
    assert monthly([]) == [] and yearly([]) == []
