"""The one call of the Jekyll body conversion: the build and ``kiji lint`` both go through here.

``kiji.sphinx.migrate`` converts each post body at ``source-read`` and ``kiji lint`` converts it
the same way before it checks links, so both see the same text and report the same
``kiji.liquid``/``kiji.kramdown`` problems at the same lines. Swapping the converter (another
Liquid implementation) is the one import below.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .frontmatter import Problem
from .jekyll import convert as _convert


def convert_body(
    body: str,
    *,
    first_line: int,
    site: Mapping[str, str],
    page: Mapping[str, str],
    resolve_post: Callable[[str], str | None],
    resolve_link: Callable[[str], str | None],
) -> tuple[str, list[Problem]]:
    """A Jekyll body as MyST, with its problems; same number of lines out, never raises."""
    return _convert(
        body,
        first_line=first_line,
        site=site,
        page=page,
        resolve_post=resolve_post,
        resolve_link=resolve_link,
    )
