"""Recognise the numbering markers of Chinese headings: 一、 (一) 1. (1) 第一条 第一章 01.

Each recogniser returns the marker as written, its style id and its number.
The style ids are those of :data:`fazhi.document.HEADING_STYLES`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Marker", "chinese_numeral", "is_enumeration_item", "match_marker"]

_CN_DIGITS = "零〇一二三四五六七八九十百千两"
_CN = f"[{_CN_DIGITS}]{{1,5}}"
# Spaces that may follow a marker: ASCII, NBSP, ideographic.
_SP = r"[ \t\u00a0\u3000]*"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chapter", re.compile(rf"第(?P<n>{_CN}|\d{{1,3}})[章节编](?=[ \t\u00a0\u3000]|$|\S)")),
    ("article", re.compile(rf"第(?P<n>{_CN}|\d{{1,3}})条(?=[ \t\u00a0\u3000]|$|\S)")),
    ("cn_dun", re.compile(rf"(?P<n>{_CN})[、](?!\s*$)")),
    ("cn_paren", re.compile(rf"[(（]{_SP}(?P<n>{_CN}){_SP}[)）]")),
    # 1. 1、 1． but not 1.5亿 (a decimal) nor 2024.3 (a date)
    ("arabic_dot", re.compile(r"(?P<n>\d{1,2})(?:[、．]|\.(?!\d))")),
    ("arabic_paren", re.compile(rf"[(（]{_SP}(?P<n>\d{{1,2}}){_SP}[)）]")),
)
_ORDINAL = re.compile(r"0?[1-9]\d?")

_VALUES = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def chinese_numeral(text: str) -> int | None:
    """Value of a Chinese numeral up to the thousands (十二 → 12, 二十一 → 21); None if not one."""
    if not text:
        return None
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _VALUES:
            current = _VALUES[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "千":
            total += (current or 1) * 1000
            current = 0
        else:
            return None
    return total + current


@dataclass(frozen=True, slots=True)
class Marker:
    """A heading marker at the start of a line: ``text[0:length]`` is the marker."""

    style: str
    marker: str
    number: int | None
    length: int  # characters consumed, including spaces after the marker


def match_marker(line: str) -> Marker | None:
    """The heading marker that ``line`` (already stripped on the left) starts with, if any."""
    for style, pattern in _PATTERNS:
        m = pattern.match(line)
        if m is None:
            continue
        end = m.end()
        marker = line[:end]
        # swallow spaces between the marker and the heading text
        while end < len(line) and line[end] in " \t\u00a0\u3000":
            end += 1
        if end >= len(line) and style not in ("chapter", "article"):
            return None  # a bare "一、" with nothing after it is not a heading
        return Marker(style, marker, chinese_numeral(m.group("n")), end)
    return None


def match_ordinal(line: str) -> Marker | None:
    """A line that holds only a section number such as ``01`` (WeChat-style articles)."""
    if _ORDINAL.fullmatch(line):
        return Marker("ordinal", line, int(line), len(line))
    return None


_ENUMERATION = re.compile(r"(?:[一二三四五六七八九十]{1,3}|[首再最]先|其[一二三四五六七八九十])是")


def is_enumeration_item(line: str) -> bool:
    """True for 一是…/二是… inline enumerations, which are paragraphs, never headings."""
    return _ENUMERATION.match(line) is not None
