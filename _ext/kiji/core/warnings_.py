"""The one list of warning types the extension logs.

Every problem is logged with the Sphinx logger as ``type='kiji'`` and one of the subtypes below,
with ``location=`` pointing at the file and line, so ``suppress_warnings = ['kiji.date']`` silences
one kind and ``-W`` turns them into errors.
"""

from __future__ import annotations

from enum import Enum

WARNING_TYPE = "kiji"


class W(str, Enum):
    """Warning subtypes (``kiji.<value>``)."""

    # (A BOM, CRLF line endings and two posts with one title render correctly: `make lint` reports
    # them as byte-order-mark, line-endings and duplicate-title; the build does not warn.)
    ENCODING = "encoding"  # not UTF-8 (CP932, UTF-16, undecodable bytes)
    FRONTMATTER = "frontmatter"  # missing, unclosed, invalid YAML/TOML, not a mapping
    FIELD = "field"  # a key with the wrong type or an unusable value
    DATE = "date"  # a date that cannot be parsed, or none at all
    TITLE = "title"  # no title
    DRAFT = "draft"  # a draft, unpublished or future post was left out of the site
    REFERENCE = "reference"  # a {tag}/{category}/{author}/{post} role with an unknown target
    SLUG = "slug"  # two names that would share a URL, or a reserved name
    DIRECTIVE = "directive"  # a listing directive with a bad option
    CONFIG = "config"  # a kiji_* configuration value of the wrong type or value
    LIQUID = "liquid"  # Jekyll Liquid markup kept as literal text
    KRAMDOWN = "kramdown"  # kramdown-only syntax removed or kept literally
    FEED = "feed"  # a feed or social card could not be written
    SEARCH = "search"  # the search index could not be written
    SEO = "seo"  # no usable site URL, a sitemap or robots.txt that could not be written
    REDIRECT = "redirect"  # an old URL (redirect_from, permalink) that is unsafe or taken
    FAST_BUILD = "fast-build"  # the private-API speed layer cannot be installed on this Sphinx

    def __str__(self) -> str:
        return self.value


ALL_SUBTYPES = tuple(w.value for w in W)
