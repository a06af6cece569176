"""Load the hand-checked seed gold data (seeds/gold/*.json) and line up parser output with it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = SEEDS / "gold"


def load_gold() -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text("utf-8")) for p in sorted(GOLD.glob("*.json"))}


def line_starts(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def line_of(starts: list[int], offset: int) -> int:
    """1-based line number of a character offset."""
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1


def doc_id_for(doc: Any, gold: dict[str, dict[str, Any]], starts: list[int]) -> str | None:
    """The gold id of a parsed document: same file, and its span starts on the gold first line."""
    name = Path(doc.source).name
    first = line_of(starts, doc.source_span[0])
    for gid, g in gold.items():
        if g["file"] == name and g["first_line"] <= first <= (
            g.get("title_line") or g["first_line"]
        ):
            return gid
    return None


def outline_of(doc: Any, starts: list[int]) -> list[tuple[int, int, str, str, str, bool]]:
    """(line, level, style, marker, heading, run_in) for each heading of a parsed document."""
    base = doc.source_span[0]
    out = []
    for section in doc.walk_sections():
        h = section.heading
        out.append(
            (line_of(starts, base + h.start), section.level, h.style, h.marker, h.title, h.run_in)
        )
    return out


def gold_outline(g: dict[str, Any]) -> list[tuple[int, int, str, str, str, bool]]:
    return [
        (o["line"], o["level"], o["style"], o["marker"], o["heading"], o["run_in"])
        for o in g["outline"]
    ]
