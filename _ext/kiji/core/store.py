"""The one store for build side data: signatures, and small JSON files beside the doctrees.

Several steps remember what they wrote last time, outside the pickled environment (which Sphinx
saves only when a document was read): which generated pages, feeds and redirect pages were
written and from what, which posts are drafts, the search index's state. Each is a
:class:`SideStore`: one JSON file in the doctree folder, loaded once (a damaged or missing file
reads as empty: the step redoes its work, never fails), saved atomically (a killed build leaves
the old file or the new one, never half of one), and only when its content changed.
:func:`signature` is the one way to say "what this was made from".
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any


def _plain(value: Any) -> Any:
    # Sets in a sorted order (a set's iteration order changes with the hash seed); anything else
    # that JSON cannot hold by its text.
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(v) for v in value), key=repr)
    return str(value)


def signature(*parts: Any) -> str:
    """A stable digest of ``parts``: the same in every process (key order, set order and
    non-ASCII text do not matter)."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=_plain, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def write_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` through a temporary file and a rename; False when unchanged."""
    path = Path(path)
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


class SideStore:
    """A JSON file of side data in ``folder`` (the doctree folder), named ``kiji-<name>.json``."""

    def __init__(self, folder: str | os.PathLike[str], name: str) -> None:
        self.path = Path(folder) / f"kiji-{name}.json"

    def load(self, default: Any = None) -> Any:
        """The saved data, or ``default`` (``{}`` if None) when missing, damaged or of another type."""
        empty = {} if default is None else default
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return empty
        return data if isinstance(data, type(empty)) else empty

    def save(self, data: Any) -> bool:
        """Save ``data`` (atomically; only when it changed). False when unchanged or unwritable."""
        text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        try:
            return write_atomic(self.path, text.encode("utf-8"))
        except OSError:
            return False  # a read-only doctree folder: the next build redoes the work
