"""Configuration values: prefixed ``kiji_``, typed, validated once on ``config-inited``."""

from __future__ import annotations

from typing import Any

from sphinx.util import logging

from ..core import frontmatter as fm
from ..core.warnings_ import WARNING_TYPE, W

logger = logging.getLogger(__name__)

# name -> (default, rebuild, types, description)
CONFIG: dict[str, tuple[Any, str, frozenset[type], str]] = {
    "kiji_posts": (["posts/**"], "env", frozenset({list, tuple}), "glob patterns of post docnames"),
    "kiji_timezone": ("UTC", "env", frozenset({str}), "zone of dates written without one"),
    # Not 'env': which posts are hidden is decided on every build (kiji.drafts), and an 'env'
    # value would make Sphinx read every document again when one changes.
    "kiji_show_drafts": (False, "", frozenset({bool}), "build draft/unpublished posts"),
    "kiji_show_future": (False, "", frozenset({bool}), "build posts dated in the future"),
    "kiji_now": ("", "", frozenset({str}), "fixed 'now' (ISO date) for future checks"),
    "kiji_related_limit": (5, "html", frozenset({int}), "related posts under each post"),
    "kiji_index_pages": (True, "html", frozenset({bool}), "generate tag/category/... pages"),
    # Not "env": switching it makes the same output (tests/test_builds.py), only slower.
    "kiji_fast_build": (True, "", frozenset({bool}), "the private-API speed layer (kiji.sphinx.fast)"),
    "kiji_listing_page_size": (50, "html", frozenset({int}), "posts per page of a tag/category/author/year"),
    # Only the search index depends on it (its inputs digest holds it), not the pages.
    "kiji_search_block": (512, "", frozenset({int}), "pages per block of search term offsets"),
}


def _bad(name: str, value: Any, why: str) -> None:
    logger.warning(
        "%s = %r: %s; using the default %r",
        name,
        value,
        why,
        CONFIG[name][0],
        type=WARNING_TYPE,
        subtype=W.CONFIG,
    )


def validate(app: Any, config: Any) -> None:
    posts = config.kiji_posts
    if not isinstance(posts, (list, tuple)) or not all(isinstance(p, str) and p for p in posts):
        _bad("kiji_posts", posts, "must be a list of glob patterns")
        config.kiji_posts = list(CONFIG["kiji_posts"][0])
    tz = config.kiji_timezone
    if tz not in ("", "UTC", "utc", "Z") and fm._offset(tz) is None:
        try:
            from zoneinfo import ZoneInfo

            ZoneInfo(tz)
        except Exception:  # noqa: BLE001 - any failure means an unusable zone name
            _bad("kiji_timezone", tz, "is not a UTC offset or a zone name")
            config.kiji_timezone = "UTC"
    if config.kiji_now and fm.parse_date(config.kiji_now) is None:
        _bad("kiji_now", config.kiji_now, "is not a date")
        config.kiji_now = ""
    limit = config.kiji_related_limit
    if not isinstance(limit, int) or isinstance(limit, bool) or not 0 <= limit <= 50:
        _bad("kiji_related_limit", limit, "must be a whole number from 0 to 50")
        config.kiji_related_limit = CONFIG["kiji_related_limit"][0]
    size = config.kiji_listing_page_size
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= 1000:
        _bad("kiji_listing_page_size", size, "must be a whole number from 1 to 1000")
        config.kiji_listing_page_size = CONFIG["kiji_listing_page_size"][0]
    block = config.kiji_search_block
    if not isinstance(block, int) or isinstance(block, bool) or not 1 <= block <= 100_000:
        _bad("kiji_search_block", block, "must be a whole number from 1 to 100000")
        config.kiji_search_block = CONFIG["kiji_search_block"][0]
