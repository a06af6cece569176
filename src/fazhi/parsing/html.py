"""Reduce an HTML page to plain text with one line per block element.

Only the standard library's tolerant :mod:`html.parser` is used. Script, style
and similar elements are dropped; block elements (p, div, br, li, tr, h1–h6 …)
become line breaks so that fazhi's line-based parser sees the page's
paragraphs and headings. Page chrome that survives (breadcrumbs, view counts,
comment widgets) is later recognised as noise like in any scraped text.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

__all__ = ["html_to_text"]

_SKIP = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object"}
_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "section", "article", "header",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd", "dt", "dl",
    "hr", "form", "nav", "aside", "title", "td", "th",
}  # fmt: skip


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip_depth += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


_BLANKS = re.compile(r"[ \t\r\f\v]*\n[\s]*")


def html_to_text(markup: str) -> str:
    """Plain text of ``markup``: block elements become blank-line separated lines."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.parts))
    text = _BLANKS.sub("\n\n", text)
    lines = [line.strip(" \t") for line in text.split("\n")]
    return "\n".join(lines).strip() + "\n"
