"""Plain-text tables that line up with Chinese text (CJK characters are two columns wide)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence


def display_width(text: str) -> int:
    """Terminal columns taken by ``text``: wide and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def truncate(text: str, width: int) -> str:
    """Cut ``text`` to at most ``width`` columns, marking a cut with "…"."""
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def format_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    max_width: Mapping[str, int] | None = None,
) -> str:
    """Format rows as an aligned table; columns named in ``max_width`` are truncated."""
    limits = dict(max_width or {})
    cells = [
        [truncate(c, limits[h]) if h in limits else c for h, c in zip(headers, row, strict=True)]
        for row in rows
    ]
    widths = [
        max([display_width(h)] + [display_width(r[i]) for r in cells])
        for i, h in enumerate(headers)
    ]
    lines = ["  ".join(pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(
        "  ".join(pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells
    )
    return "\n".join(lines) + "\n"
