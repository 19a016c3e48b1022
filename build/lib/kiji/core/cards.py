"""Social card images (``og:image``) for posts, drawn with Pillow and a CJK font. Pure Python.

sphinxext-opengraph draws its cards with matplotlib: tens of milliseconds per card, Japanese as
boxes unless a CJK font is configured, and titles wrapped only at spaces (a Japanese title has
none, so it runs off the card). Here:

- the font is found once per build (:func:`find_fonts`): an explicit path or family, else
  fontconfig (``fc-match``), else a scan of the usual font folders; a face is accepted only if it
  really draws Japanese (its glyphs for kana and kanji differ from its "missing glyph" box), and
  from a ``.ttc`` collection the Japanese face is taken (``Noto Sans CJK JP``, not SC/TC/KR);
  matplotlib and its font cache are never involved;
- titles are wrapped by measured width, a character at a time in Japanese and a word at a time
  in Latin text, with kinsoku rules: no line starts with ``。、」）ー`` or a small kana, none ends
  with ``「（``; ``。、`` may hang past the margin (burasage) instead of pulling a character down;
- a card is a pure function of :class:`Card` and the fonts, named by a hash of both, so a card
  that exists is never drawn again, and two builds give the same bytes (Pillow writes no
  timestamp into a PNG).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

# Bump when the drawing changes: cards are named by a hash of their inputs and this version.
CARD_VERSION = "1"
WIDTH, HEIGHT = 1200, 630  # the size Facebook, X and Slack recommend for large previews

# Kinsoku shori (JIS X 4051, simplified): characters a line may not start or end with.
NO_START = frozenset(
    "、。，．,.・：；？！!?:;)]}）］｝〕〉》」』】〙〗〟’”｠»ゝゞヽヾー‐゠–〜～…‥々〻"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ％%"
)
NO_END = frozenset("([{（［｛〔〈《「『【〘〖〝‘“｟«")
# Punctuation that may hang past the right margin instead of pushing a character down.
HANGING = frozenset("、。，．,.")

# Families tried in order when no font is configured; the first that draws Japanese wins.
FAMILIES = (
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "Source Han Sans JP",
    "IPAexGothic",
    "IPAGothic",
    "TakaoGothic",
    "VL Gothic",
    "Hiragino Sans",
    "Yu Gothic",
    "Meiryo",
)
# Where fonts live when fontconfig is not there (macOS, Windows, minimal containers).
FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "~/Library/Fonts",
    "C:/Windows/Fonts",
)
FILE_HINTS = (
    "notosanscjk",
    "notosansjp",
    "sourcehansans",
    "ipaexg",
    "ipag",
    "takaogothic",
    "vl-gothic",
    "hiragino",
    "yugoth",
    "meiryo",
)


# --------------------------------------------------------------------------- fonts


@dataclass(frozen=True)
class FontFace:
    """One face of a font file (``index`` picks the face of a ``.ttc`` collection)."""

    path: str
    index: int = 0
    name: str = ""


@dataclass(frozen=True)
class CardFonts:
    bold: FontFace
    regular: FontFace

    def as_list(self) -> list[object]:
        return [self.bold.path, self.bold.index, self.regular.path, self.regular.index]

    @classmethod
    def from_list(cls, value: Iterable[object]) -> CardFonts | None:
        items = list(value)
        if len(items) != 4:
            return None
        bold_path, bold_index, regular_path, regular_index = items
        if not (
            isinstance(bold_path, str)
            and isinstance(regular_path, str)
            and bold_path
            and regular_path
        ):
            return None
        return cls(FontFace(bold_path, int(bold_index)), FontFace(regular_path, int(regular_index)))  # type: ignore[arg-type]


@lru_cache(maxsize=64)
def load_font(path: str, index: int, size: int):  # -> ImageFont.FreeTypeFont
    """A font object, cached per process (each ``-j`` worker loads each size once)."""
    from PIL import ImageFont

    # BASIC layout: no shaping is needed for Japanese or Latin titles, and it is the faster one.
    return ImageFont.truetype(path, size, index=index, layout_engine=ImageFont.Layout.BASIC)


def draws_japanese(face: FontFace) -> bool:
    """True if the face has real glyphs for kana and kanji (not the 'missing glyph' box)."""
    try:
        font = load_font(face.path, face.index, 32)
        masks = [bytes(font.getmask(ch)) for ch in ("あ", "漢", "ア", "\U0010fffd")]
    except (OSError, ValueError):
        return False
    *glyphs, missing = masks
    return all(g and g != missing for g in glyphs) and len(set(glyphs)) == len(glyphs)


def _faces(path: str) -> list[FontFace]:
    """Every face of a font file, with its family and style names."""
    from PIL import ImageFont

    faces: list[FontFace] = []
    for index in range(64):  # a collection has a handful of faces; stop at the first missing
        try:
            font = ImageFont.truetype(path, 12, index=index)
        except (OSError, ValueError):
            break
        family, style = font.getname()
        faces.append(FontFace(path, index, f"{family or ''} {style or ''}".strip()))
        if not path.lower().endswith((".ttc", ".otc")):
            break
    return faces


def _pick_face(path: str, bold: bool) -> FontFace | None:
    """The Japanese face of a file, bold or regular as asked; None if nothing draws Japanese."""
    faces = [f for f in _faces(path) if draws_japanese(f)]
    if not faces:
        return None

    def score(face: FontFace) -> tuple[int, int, int]:
        name = face.name.lower()
        japanese = " jp" in f"{name} " or "japanese" in name
        is_bold = "bold" in name or "heavy" in name or "black" in name
        return (0 if japanese else 1, 0 if is_bold == bold else 1, face.index)

    return min(faces, key=score)


def _fc_match(pattern: str) -> tuple[str, int, str] | None:
    """(file, face index, family) fontconfig picks for a pattern, or None."""
    exe = shutil.which("fc-match")
    if not exe:
        return None
    try:
        out = subprocess.run(
            [exe, "--format=%{file}\n%{index}\n%{family}\n", pattern],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return None
    if len(out) < 3 or not out[0] or not out[1].strip().isdigit():
        return None
    return out[0], int(out[1]), out[2]


def _by_fontconfig(family: str | None) -> CardFonts | None:
    faces: list[FontFace] = []
    for weight in ("bold", "regular"):
        pattern = f"{family}:weight={weight}" if family else f":lang=ja:weight={weight}"
        found = _fc_match(pattern)
        if found is None:
            return None
        path, index, got_family = found
        # fontconfig always answers: a missing family silently becomes DejaVu. Check what came.
        if family and family.casefold() not in got_family.casefold():
            return None
        face = FontFace(path, index, got_family.split(",")[0])
        if not draws_japanese(face):
            return None
        faces.append(face)
    return CardFonts(*faces)


def _hint(path: Path) -> int | None:
    """Rank of the file among :data:`FILE_HINTS` (Noto first), None if it is none of them."""
    name = path.name.lower().replace(" ", "").replace("_", "")
    if path.suffix.lower() not in {".ttc", ".otc", ".otf", ".ttf"}:
        return None
    return next((rank for rank, hint in enumerate(FILE_HINTS) if hint in name), None)


def _by_scanning() -> CardFonts | None:
    ranked: list[tuple[int, str, Path]] = []
    for folder in FONT_DIRS:
        root = Path(os.path.expanduser(folder))
        if root.is_dir():
            for path in root.rglob("*"):
                rank = _hint(path)
                if rank is not None:
                    ranked.append((rank, path.name, path))
    files = [path for *_, path in sorted(ranked)]
    bold = next(
        (f for p in files if "bold" in p.name.lower() and (f := _pick_face(str(p), True))), None
    )
    regular = next(
        (f for p in files if "bold" not in p.name.lower() and (f := _pick_face(str(p), False))),
        None,
    )
    if bold is None or regular is None:
        return CardFonts(bold, bold) if bold else CardFonts(regular, regular) if regular else None
    return CardFonts(bold, regular)


@lru_cache(maxsize=8)
def find_fonts(preferred: str = "") -> CardFonts | None:
    """Fonts for the cards: ``preferred`` (a file or a family name), else the first Japanese
    family fontconfig knows, else a font file found by scanning the usual folders.

    Cached per process (a test run or sphinx-autobuild builds many times); restart to see a font
    installed meanwhile."""
    if preferred:
        path = Path(os.path.expanduser(preferred))
        if path.is_file():
            bold = _pick_face(str(path), True)
            regular = _pick_face(str(path), False)
            return CardFonts(bold, regular) if bold and regular else None
        return _by_fontconfig(preferred)
    for family in FAMILIES:
        fonts = _by_fontconfig(family)
        if fonts:
            return fonts
    return _by_fontconfig(None) or _by_scanning()


# --------------------------------------------------------------------------- wrapping


def _breakable(ch: str) -> bool:
    """A character that is a line-breaking unit on its own (CJK, full width, kana)."""
    return unicodedata.east_asian_width(ch) in ("W", "F", "H")


def units(text: str) -> list[str]:
    """Split text into unbreakable units: one CJK character, one Latin word, or one space."""
    out: list[str] = []
    word = ""
    for ch in text:
        if ch.isspace() or _breakable(ch):
            if word:
                out.append(word)
                word = ""
            out.append(" " if ch.isspace() else ch)
        else:
            word += ch
    if word:
        out.append(word)
    return out


def may_break(before: str, after: str) -> bool:
    """May a line end after unit ``before`` and the next start with unit ``after``?"""
    if after == " " or before == " ":
        return True
    if after[0] in NO_START or before[-1] in NO_END:
        return False
    # Between two Latin words only a space breaks; next to a CJK character anything may.
    return _breakable(before[-1]) or _breakable(after[0])


def wrap(text: str, width_of: Callable[[str], float], max_width: float) -> list[str]:
    """Lines of ``text`` no wider than ``max_width`` (``、。`` may hang), kinsoku applied."""
    items = units(" ".join(text.split()))
    widths = [width_of(u) for u in items]
    lines: list[str] = []
    i, n = 0, len(items)
    while i < n:
        while i < n and items[i] == " ":
            i += 1
        if i >= n:
            break
        width = 0.0
        j = i
        last_break: int | None = None
        while j < n and width + widths[j] <= max_width:
            width += widths[j]
            j += 1
            if j == n or may_break(items[j - 1], items[j]):
                last_break = j
        if j == n:
            end = n
        elif items[j] in HANGING and j > i and (j + 1 == n or may_break(items[j], items[j + 1])):
            end = j + 1  # burasage: the comma or full stop hangs in the margin
        elif last_break is not None and last_break > i:
            end = last_break  # oidashi: carry the unbreakable tail to the next line
        elif j > i:
            # No allowed break within the width (a run like 「グ！ッァ。」): overflow to the first
            # allowed one rather than start a line with a closing mark.
            end = j
            while end < n and not may_break(items[end - 1], items[end]):
                end += 1
        else:
            # One unit wider than the line (a very long word): cut it by characters.
            unit, cut = items[i], 1
            while cut < len(unit) and width_of(unit[: cut + 1]) <= max_width:
                cut += 1
            items[i : i + 1] = [unit[:cut], unit[cut:]]
            widths[i : i + 1] = [width_of(unit[:cut]), width_of(unit[cut:])]
            n += 1
            end = i + 1
        lines.append("".join(items[i:end]).strip())
        i = end
    return [line for line in lines if line]


def ellipsize(text: str, width_of: Callable[[str], float], max_width: float) -> str:
    """``text`` cut to fit ``max_width`` with a trailing ``…``."""
    if width_of(text) <= max_width:
        return text
    while text and width_of(text + "…") > max_width:
        text = text[:-1]
    return text.rstrip() + "…"


# --------------------------------------------------------------------------- the card


@dataclass(frozen=True)
class Card:
    """Everything drawn on a card (plain text; nothing is interpreted as markup)."""

    title: str
    site_name: str = ""
    date: str = ""
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    url_text: str = ""
    colors: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def key(self, fonts: CardFonts) -> str:
        """Name of the card file: a hash of what is drawn and how."""
        data = [CARD_VERSION, WIDTH, HEIGHT, asdict(self), fonts.as_list()]
        return hashlib.sha1(
            json.dumps(data, ensure_ascii=False, sort_keys=True).encode()
        ).hexdigest()[:20]


DEFAULT_COLORS = {
    "background": "#ffffff",
    "ink": "#111827",  # title; the site name, byline and rule are lighter shades of it
    "accent": "#1d4ed8",  # the bar on the left and the tags
}

MARGIN = 80
TITLE_TOP, TITLE_BOTTOM = 150, 448
# (font size, line height) from the largest down; the first size that fits the title wins.
TITLE_SIZES = ((68, 90), (60, 80), (52, 70), (46, 62))
# The card is drawn straight into palette indices: 0..INK_MAX are background → ink, the rest
# background → accent. Text drawn with fill f gets anti-aliased values 0..f, i.e. ink shades.
INK_MAX = 191
TITLE_SHADE, META_SHADE, SITE_SHADE, RULE_SHADE = INK_MAX, 150, 128, 21
_ACCENT_LUT = [0] + [INK_MAX + 1 + round((v - 1) * (254 - INK_MAX) / 254) for v in range(1, 256)]


def _title_lines(title: str, fonts: CardFonts, max_width: float) -> tuple[int, int, list[str]]:
    for size, line_height in TITLE_SIZES:
        font = load_font(fonts.bold.path, fonts.bold.index, size)
        lines = wrap(title, font.getlength, max_width)
        if len(lines) * line_height <= TITLE_BOTTOM - TITLE_TOP:
            return size, line_height, lines
    size, line_height = TITLE_SIZES[-1]
    font = load_font(fonts.bold.path, fonts.bold.index, size)
    keep = (TITLE_BOTTOM - TITLE_TOP) // line_height
    lines = wrap(title, font.getlength, max_width)
    lines[keep - 1] = ellipsize(lines[keep - 1] + lines[keep], font.getlength, max_width)
    return size, line_height, lines[:keep]


@lru_cache(maxsize=8)
def _palette(background: str, ink: str, accent: str) -> tuple[int, ...]:
    """Two gradients: background → ink (anti-aliased text), background → accent."""
    from PIL import ImageColor

    bg, to_ink, to_accent = (ImageColor.getrgb(c)[:3] for c in (background, ink, accent))
    palette: list[int] = []
    for i in range(256):
        to, t = (
            (to_ink, i / INK_MAX) if i <= INK_MAX else (to_accent, (i - INK_MAX) / (255 - INK_MAX))
        )
        palette += [round(b + (c - b) * t) for b, c in zip(bg, to, strict=True)]
    return tuple(palette)


def render(card: Card, fonts: CardFonts) -> bytes:
    """The card as PNG bytes.

    Drawn in palette indices on one 8-bit image: anti-aliasing is kept, and a palette PNG has a
    third of the bytes of an RGB one to compress (encoding was three quarters of the time).
    """
    from PIL import Image, ImageDraw

    colors = {**DEFAULT_COLORS, **dict(card.colors)}
    image = Image.new("L", (WIDTH, HEIGHT), 0)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 17, HEIGHT), fill=255)
    text_width = WIDTH - 2 * MARGIN
    bold, regular = fonts.bold, fonts.regular

    if card.site_name:
        font = load_font(bold.path, bold.index, 32)
        draw.text(
            (MARGIN, 62),
            ellipsize(card.site_name, font.getlength, text_width),
            font=font,
            fill=SITE_SHADE,
        )

    size, line_height, lines = _title_lines(card.title, fonts, text_width)
    font = load_font(bold.path, bold.index, size)
    for n, line in enumerate(lines):
        # A full-width opening bracket carries half an em of space on its left: pull it into the
        # margin so the line's text aligns with the others (as Japanese typesetting does).
        shift = size // 2 if line[0] in NO_END and _breakable(line[0]) else 0
        draw.text((MARGIN - shift, TITLE_TOP + n * line_height), line, font=font, fill=TITLE_SHADE)

    font = load_font(regular.path, regular.index, 28)
    if card.tags:
        # Accent text is drawn apart, as coverage, then mapped to the accent indices: blending
        # palette indices of two colours would give colours of neither.
        tags = ellipsize("  ".join(f"#{t}" for t in card.tags), font.getlength, text_width)
        strip = Image.new("L", (text_width, 44), 0)
        ImageDraw.Draw(strip).text((0, 0), tags, font=font, fill=255)
        image.paste(strip.point(_ACCENT_LUT), (MARGIN, 468), strip.point([0] + [255] * 255))
    draw.line((MARGIN, 528, WIDTH - MARGIN, 528), fill=RULE_SHADE, width=2)
    url_width = 0.0
    if card.url_text:
        url = ellipsize(card.url_text, font.getlength, text_width / 2)
        url_width = font.getlength(url)
        draw.text((WIDTH - MARGIN - url_width, 552), url, font=font, fill=SITE_SHADE)
    byline = " · ".join(p for p in (card.date, "、".join(card.authors)) if p)
    if byline:
        room = text_width - url_width - (32 if url_width else 0)
        draw.text(
            (MARGIN, 552), ellipsize(byline, font.getlength, room), font=font, fill=META_SHADE
        )

    image.putpalette(_palette(colors["background"], colors["ink"], colors["accent"]))
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=3)
    return out.getvalue()


def write_card(path: Path, data: bytes) -> None:
    """Write atomically: two pages with the same card may be written by two workers at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
