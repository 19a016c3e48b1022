"""The one conversion of a Jekyll post body: the build and ``kiji lint`` both go through here.

A body runs through Jekyll's Liquid (:mod:`kiji.core.liquid_jekyll`, python-liquid with Jekyll's
tags, filters and site data) and then the kramdown conversion (:mod:`kiji.core.jekyll`).
``kiji.sphinx.migrate`` does it at ``source-read``; ``kiji lint`` does it before it checks
links, so both see the same text and report the same ``kiji.liquid``/``kiji.kramdown`` problems
at the same lines.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from . import jekyll, liquid_jekyll
from .frontmatter import Problem


@dataclass
class Converted:
    text: str
    problems: list[Problem]
    targets: list[str | None]  # what post_url/link looked up (None: not found)
    ran_liquid: bool  # the body had Liquid that ran: it depends on the old site's files


def page_vars(front_matter: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, Any]:
    """Jekyll's ``page``: the front matter as YAML gave it, plus what Jekyll adds (the title,
    date, categories and tags as the post record has them, the slug)."""
    page = {str(k): v for k, v in front_matter.items()}
    page["title"] = info.get("title") or page.get("title") or ""
    if info.get("date"):
        page["date"] = datetime.fromisoformat(info["date"])
    page["categories"] = list(info.get("categories", []))
    page["tags"] = list(info.get("tags", []))
    page.setdefault("slug", info.get("slug"))
    return page


def convert_body(
    body: str,
    *,
    env: liquid_jekyll.JekyllEnvironment,
    first_line: int,
    page: Mapping[str, Any],
    page_dir: Path | None,
    resolve_post: Callable[[str], str | None],
    resolve_link: Callable[[str], str | None],
) -> Converted:
    """A Jekyll body as MyST, with its problems in line order; never raises."""
    if page.get("render_with_liquid") is False:
        # Jekyll 4's switch: a post that shows Liquid (a guide to it) keeps it as text.
        result = liquid_jekyll.Result(body, [], [])
    else:
        result = liquid_jekyll.render(
            body,
            env=env,
            first_line=first_line,
            page=page,
            page_dir=page_dir,
            resolve_post=resolve_post,
            resolve_link=resolve_link,
        )
    text, problems = jekyll.convert(result.text, first_line=first_line)
    return Converted(
        text,
        sorted([*result.problems, *problems], key=lambda p: p.line or 0),
        result.targets,
        result.text is not body,
    )
