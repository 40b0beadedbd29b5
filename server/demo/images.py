"""Placeholder artwork for the Kuaiqu demo: small, deterministic SVG images.

Standard library only. The images are generated from text (and a colour) so the demo catalogue
and store list look finished without shipping binary assets:

* :func:`product_image_svg` - a soft tinted tile with the brand initial in a disc and the
  product title below it;
* :func:`store_image_svg` - a simple shop front (sign, striped awning, windows and door) with
  the store name below it.

Every output is well-formed XML (text is escaped with :func:`xml.sax.saxutils.escape`), has a
``0 0 400 400`` view box and stays well below 3 KB.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from xml.sax.saxutils import escape

FONT_FAMILY = "PingFang SC, Noto Sans CJK SC, Microsoft YaHei, sans-serif"

_HEX_RE = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_FALLBACK_RGB = (0x88, 0x88, 0x88)
_STORE_PALETTE = ("#e4572e", "#17a398", "#3a6ea5", "#f2a541", "#8e5572", "#4c9f38")
_ATTR_ENTITIES = {'"': "&quot;"}

RGB = tuple[int, int, int]


def _parse_color(color: str) -> RGB:
    """Parse ``#rgb`` / ``#rrggbb`` (``#`` optional); anything else becomes a neutral grey."""
    match = _HEX_RE.match(color.strip()) if isinstance(color, str) else None
    if not match:
        return _FALLBACK_RGB
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))


def _hex(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _mix(rgb: RGB, other: RGB, amount: float) -> RGB:
    """Blend ``amount`` (0..1) of ``other`` into ``rgb``."""
    r, g, b = (round(c + (o - c) * amount) for c, o in zip(rgb, other, strict=True))
    return (r, g, b)


def _luminance(rgb: RGB) -> float:
    """Approximate perceived brightness, 0 (black) .. 1 (white)."""
    r, g, b = rgb
    return (0.299 * r + 0.587 * g + 0.114 * b) / 255


def _char_width(ch: str) -> float:
    """Width of a character in ems: full for CJK, a bit more than half for Latin."""
    return 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.58


def _text_width(text: str) -> float:
    return sum(_char_width(ch) for ch in text)


def _wrap(text: str, max_ems: float, max_lines: int) -> list[str]:
    """Wrap at spaces where possible, else between characters, by estimated width.

    Overflow beyond ``max_lines`` is cut with an ellipsis on the last line.
    """
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if _text_width(candidate) <= max_ems:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for ch in word:
            if _text_width(current + ch) > max_ems:
                lines.append(current)
                current = ""
            current += ch
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and _text_width(last + "…") > max_ems:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + "…"]
    return lines


def _initial(title: str) -> str:
    """First meaningful character: the (upper-cased) Latin initial or the first CJK character."""
    for ch in title.strip():
        if ch.isalnum():
            return ch.upper() if ch.isascii() else ch
    return "?"


def _attr(text: str) -> str:
    return escape(text, _ATTR_ENTITIES)


def _svg_open(label: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" '
        f'height="400" role="img" aria-label="{_attr(label)}">'
    )


def product_image_svg(title: str, color: str, subtitle: str = "") -> str:
    """Return an SVG tile for a product: tinted card, initial in a disc, title in 1-2 lines."""
    base = _parse_color(color)
    tint = _hex(_mix(base, (255, 255, 255), 0.85))
    ink = _hex(_mix(base, (0, 0, 0), 0.55))
    on_disc = "#333333" if _luminance(base) > 0.7 else "#ffffff"
    lines = _wrap(title, 12.0, 2)
    title_y = 292 if len(lines) == 1 else 278
    tspans = "".join(
        f'<tspan x="200" dy="{0 if i == 0 else 34}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    parts = [
        _svg_open(title),
        f'<rect width="400" height="400" rx="32" fill="{tint}"/>',
        f'<g font-family="{FONT_FAMILY}" text-anchor="middle">',
        f'<circle cx="200" cy="146" r="86" fill="{_hex(base)}"/>',
        f'<text x="200" y="176" font-size="84" font-weight="700" fill="{on_disc}">'
        f"{escape(_initial(title))}</text>",
        f'<text x="200" y="{title_y}" font-size="26" font-weight="600" fill="{ink}">'
        f"{tspans}</text>",
    ]
    sub_lines = _wrap(subtitle, 18.0, 1) if subtitle else []
    if sub_lines:
        parts.append(
            f'<text x="200" y="366" font-size="18" fill="{ink}" fill-opacity="0.75">'
            f"{escape(sub_lines[0])}</text>"
        )
    parts.append("</g></svg>")
    return "".join(parts)


def store_image_svg(name: str, city: str) -> str:
    """Return an SVG of a shop front (sign with the city, striped awning) and the store name."""
    digest = hashlib.md5(name.encode("utf-8")).digest()
    accent_hex = _STORE_PALETTE[digest[0] % len(_STORE_PALETTE)]
    accent = _parse_color(accent_hex)
    tint = _hex(_mix(accent, (255, 255, 255), 0.86))
    ink = _hex(_mix(accent, (0, 0, 0), 0.55))
    glass = _hex(_mix(accent, (255, 255, 255), 0.65))
    stripe_w = 272 / 6
    stripes = "".join(
        f'<rect x="{64 + i * stripe_w:.1f}" y="112" width="{stripe_w:.1f}" height="44" '
        f'fill="{accent_hex if i % 2 == 0 else "#ffffff"}"/>'
        for i in range(6)
    )
    sign = _wrap(f"快取 · {city}" if city else "快取", 8.0, 1)[0]
    label = _wrap(name, 14.0, 1)
    parts = [
        _svg_open(f"{name} {city}".strip()),
        f'<rect width="400" height="400" rx="32" fill="{tint}"/>',
        f'<g font-family="{FONT_FAMILY}" text-anchor="middle">',
        f'<rect x="72" y="150" width="256" height="168" fill="#ffffff" stroke="{ink}" '
        'stroke-width="4"/>',
        f'<rect x="92" y="60" width="216" height="46" rx="10" fill="{ink}"/>',
        f'<text x="200" y="92" font-size="24" font-weight="700" fill="#ffffff">'
        f"{escape(sign)}</text>",
        stripes,
        f'<rect x="64" y="112" width="272" height="44" fill="none" stroke="{ink}" '
        'stroke-width="4"/>',
        f'<rect x="90" y="182" width="68" height="64" rx="4" fill="{glass}"/>',
        f'<rect x="242" y="182" width="68" height="64" rx="4" fill="{glass}"/>',
        f'<rect x="172" y="200" width="56" height="118" rx="4" fill="{accent_hex}"/>',
        '<circle cx="216" cy="262" r="4" fill="#ffffff"/>',
        f'<rect x="40" y="316" width="320" height="8" rx="4" fill="{ink}"/>',
    ]
    if label:
        parts.append(
            f'<text x="200" y="366" font-size="24" font-weight="600" fill="{ink}">'
            f"{escape(label[0])}</text>"
        )
    parts.append("</g></svg>")
    return "".join(parts)
