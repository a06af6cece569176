"""Web-page chrome recognised as noise: kept aside as spans, never silently dropped.

Patterns are written for the furniture of Chinese government and news sites
(breadcrumbs, view counters, font-size switches, comment widgets, "recommended"
footers, CMS signatures) and must match a whole line or a clearly delimited
part of one, so that body text is never taken for noise.
"""

from __future__ import annotations

import re

__all__ = ["INLINE_NOISE", "line_noise_kind"]

# Whole lines that are page chrome, with their noise kind.
_LINE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chrome", re.compile(r"(?:我的位置|当前位置|您的位置|您现在的位置|所在位置)\s*[:：].*")),
    ("chrome", re.compile(r"首页\s*[>＞›»].*")),
    ("chrome", re.compile(r"Produced\s+By\b.*", re.I)),
    (
        "chrome",
        re.compile(
            r"(?:【\s*)?(?:打印(?:本页|此页)?|关闭(?:窗口|本页)?|返回顶部|收藏|纠错)(?:\s*】)?"
            r"(?:\s*(?:【\s*)?(?:打印(?:本页|此页)?|关闭(?:窗口|本页)?|返回顶部|收藏|纠错)(?:\s*】)?)*"
        ),
    ),
    ("chrome", re.compile(r"(?:分享到|扫一扫|扫码|微信扫一扫)\s*[:：]?.{0,40}")),
    ("chrome", re.compile(r"(?:上一篇|下一篇|上一条|下一条)\s*[:：].{0,80}")),
    ("chrome", re.compile(r"(?:责任编辑|编辑|审核|校对)\s*[:：]\s*\S{1,20}(?:\s+\S{1,20}){0,3}")),
    ("chrome", re.compile(r"字体\s*[:：]?\s*[\[【(（][^\]】)）]{0,20}[\]】)）]")),
    (
        "chrome",
        re.compile(
            r"(?:浏览次数|浏览量|阅读量|阅读次数|点击数|点击量|访问量)\s*[:：]?\s*\d*\s*次?"
        ),
    ),
    (
        "comments",
        re.compile(r"(?:评论一下|发表评论|我要评论|最热评论|最新评论|网友评论|热门评论)\s*"),
    ),
    ("comments", re.compile(r"评论\s*\d+\s*人参与.{0,30}")),
    ("comments", re.compile(r"已有\s*\d+\s*人参与.{0,30}")),
    ("comments", re.compile(r".{0,10}还没有评论.{0,20}")),
    ("comments", re.compile(r".{0,10}抢沙发.{0,10}")),
    (
        "recommend",
        re.compile(r"(?:推荐访问|相关阅读|相关文章|相关链接|猜你喜欢|热门推荐)\s*[:：].*"),
    ),
)
_LINE_PATTERNS = tuple((k, p) for k, p in _LINE_PATTERNS)

#: Chrome that appears inside a metadata line ("…发布日期:2025-02-14 16:21浏览次数:").
INLINE_NOISE = re.compile(
    r"(?:浏览次数|浏览量|阅读量|阅读次数|点击数|点击量|访问量)\s*[:：](?:\s*\d+(?:\s*次)?)?"
    r"|字体\s*[:：]?\s*[\[【(（][^\]】)）]{0,20}[\]】)）]"
    r"|【\s*(?:打印|关闭|大|中|小)\s*】"
)


def line_noise_kind(line: str) -> str | None:
    """The noise kind of a whole (stripped) line, or None when it is not chrome."""
    if len(line) > 200:  # chrome lines are short; long lines are content
        return None
    for kind, pattern in _LINE_PATTERNS:
        if pattern.fullmatch(line):
            return kind
    return None
