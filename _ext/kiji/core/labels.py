"""User-visible words, Japanese first. A small table, not a gettext catalogue: there are a dozen
strings, and a .mo file would need a compile step in every checkout."""

from __future__ import annotations

from datetime import datetime

LABELS: dict[str, dict[str, str]] = {
    "ja": {
        "tag": "タグ",
        "category": "カテゴリ",
        "author": "著者",
        "archive": "アーカイブ",
        "tags_index": "タグ一覧",
        "categories_index": "カテゴリ一覧",
        "authors_index": "著者一覧",
        "archive_index": "アーカイブ",
        "posted": "公開日",
        "reading_time": "読了時間 約{n}分",
        "previous": "前の記事",
        "next": "次の記事",
        "related": "関連記事",
        "prev_next": "前後の記事",
        "posts_count": "{n}件",
        "no_posts": "記事はありません。",
        "year": "{y}年",
        "month": "{y}年{m}月",
        "tag_title": "タグ: {name}",
        "category_title": "カテゴリ: {name}",
        "author_title": "著者: {name}",
        "year_title": "{y}年の記事",
        "all_posts": "すべての記事",
        "indexes": "索引",
        "home": "ホーム",
        "posts_total": "全{n}件",
        "page_of": "（{k}/{n}ページ）",
        "page_suffix": "（{k}ページ目）",
        "pages": "ページ",
        "page_prev": "前のページ",
        "page_next": "次のページ",
        "all_archive": "すべての記事をアーカイブで見る",
        "chart_archive": "月ごとの記事数（{first}〜{last}）",
        "chart_year": "{y}年の月ごとの記事数",
        "chart_term": "{name}の記事数の推移",
        "chart_month": "月",
        "chart_year_col": "年",
        "chart_count": "記事数",
    },
    "en": {
        "tag": "Tags",
        "category": "Categories",
        "author": "Author",
        "archive": "Archive",
        "tags_index": "Tags",
        "categories_index": "Categories",
        "authors_index": "Authors",
        "archive_index": "Archive",
        "posted": "Posted",
        "reading_time": "{n} min read",
        "previous": "Previous post",
        "next": "Next post",
        "related": "Related posts",
        "prev_next": "Previous and next posts",
        "posts_count": "{n} posts",
        "no_posts": "No posts.",
        "year": "{y}",
        "month": "{y}-{m:02d}",
        "tag_title": "Tag: {name}",
        "category_title": "Category: {name}",
        "author_title": "Author: {name}",
        "year_title": "Posts of {y}",
        "all_posts": "All posts",
        "indexes": "Indexes",
        "home": "Home",
        "posts_total": "{n} posts",
        "page_of": "(page {k} of {n})",
        "page_suffix": " (page {k})",
        "pages": "Pages",
        "page_prev": "Previous page",
        "page_next": "Next page",
        "all_archive": "All posts in the archive",
        "chart_archive": "Posts per month ({first} to {last})",
        "chart_year": "Posts per month in {y}",
        "chart_term": "Posts about {name} over time",
        "chart_month": "Month",
        "chart_year_col": "Year",
        "chart_count": "Posts",
    },
}


def label(language: str | None, key: str, **values: object) -> str:
    table = LABELS.get((language or "ja").split("_")[0], LABELS["ja"])
    return table[key].format(**values)


def format_date(when: datetime, language: str | None) -> str:
    """``2026年1月17日`` in Japanese (through Babel's CLDR data), the locale's long date otherwise."""
    from babel.dates import format_date as babel_format_date

    locale = (language or "ja").replace("-", "_")
    try:
        return babel_format_date(when.date(), format="long", locale=locale)
    except Exception:  # noqa: BLE001 - an unknown locale falls back to ISO, never fails
        return when.date().isoformat()


def labels_for(language: str | None) -> dict[str, str]:
    return LABELS.get((language or "ja").split("_")[0], LABELS["ja"])
