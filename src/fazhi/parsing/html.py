"""Reduce an HTML page to plain text with one line per block element.

Only the standard library's tolerant :mod:`html.parser` is used. Script, style
and similar elements are dropped; block elements (p, div, br, li, tr, h1–h6 …)
become line breaks so that fazhi's line-based parser sees the page's
paragraphs and headings. Page chrome that survives (breadcrumbs, view counts,
comment widgets) is later recognised as noise like in any scraped text.

Real pages are often malformed, and the reduction never raises:

* ``<head>`` ends at ``<body>`` or at the first element or text that cannot be
  in a head (as in a browser), so a missing ``</head>`` does not drop the page;
* a ``<noscript>``, ``<iframe>`` or ``<object>`` that is never closed keeps
  its content (rather than everything after it vanishing);
* a marked section ``html.parser`` cannot read (``<![foo]>``, ``<![ endif]>``)
  is skipped like a comment, as a browser does;
* should the parser still fail, a simple tag tokenizer does the reduction
  instead, with the same rules.

The Document's offsets refer to the reduced text (``doc.text``), which is what
this function returns.
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
#: elements that may stand in a <head>; any other element (or text) starts the body
_HEAD_CONTENT = {
    "html", "head", "title", "meta", "link", "style", "script", "noscript", "base", "template",
    "basefont", "bgsound",
}  # fmt: skip
#: skipped elements whose content is kept after all when they are never closed:
#: their "content" is then the rest of the page
_RECOVER = {"noscript", "iframe", "object"}


class _Skipped:
    """An open element whose content is dropped (unless it turns out never to be closed)."""

    __slots__ = ("closed", "keep", "parent", "tag")

    def __init__(self, tag: str, parent: _Skipped | None) -> None:
        self.tag = tag
        self.parent = parent  # the skipped element around this one
        self.closed = False
        self.keep: bool | None = None  # worked out once, at the end

    def kept(self) -> bool:
        """Whether text inside this element is kept: it and all around it are unclosed recoverables."""
        chain: list[_Skipped] = []
        el: _Skipped | None = self
        while el is not None and el.keep is None:
            chain.append(el)
            el = el.parent
        keep = True if el is None else el.keep
        for el in reversed(chain):  # outermost first
            keep = el.keep = keep and not el.closed and el.tag in _RECOVER
        return bool(self.keep)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        # each piece of text with the innermost skipped element open around it
        self._parts: list[tuple[str, _Skipped | None]] = []
        self._open: list[_Skipped] = []
        self._in_title = False

    def text(self) -> str:
        """The text outside skipped elements, and inside unclosed recoverable ones."""
        return "".join(s for s, around in self._parts if around is None or around.kept())

    def _emit(self, s: str) -> None:
        self._parts.append((s, self._open[-1] if self._open else None))

    def _close_from(self, k: int) -> None:
        for el in self._open[k:]:
            el.closed = True
        del self._open[k:]

    def _body_starts(self) -> None:
        """Text or a body element inside <head>: the head has ended."""
        if self._open and self._open[-1].tag == "head":
            self._close_from(len(self._open) - 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag == "body":
            self._close_from(0)  # whatever was left open in the head ends here
            self._in_title = False
        elif tag not in _HEAD_CONTENT:
            self._body_starts()
        if tag in _SKIP:
            self._open.append(_Skipped(tag, self._open[-1] if self._open else None))
        elif tag in _BLOCK:
            self._emit("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _SKIP:
            # the innermost open element of that tag (none: a stray end tag closes nothing)
            k = next((i for i in reversed(range(len(self._open))) if self._open[i].tag == tag), -1)
            if k >= 0:
                self._close_from(k)
        elif tag in _BLOCK:
            self._emit("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HEAD_CONTENT:
            self._body_starts()
        if tag in _BLOCK:
            self._emit("\n")

    def handle_data(self, data: str) -> None:
        if getattr(self, "cdata_elem", None) in ("script", "style"):
            return  # their source, never text (newer Pythons read other raw-text elements
            # such as <textarea> in this mode too; those are handled as any element)
        if not self._in_title and data.strip():
            self._body_starts()
        self._emit(data)

    def parse_html_declaration(self, i: int) -> int:
        # html.parser raises AssertionError on a marked section other than
        # CDATA/if/endif ("<![foo]>", "<![ endif]>"); browsers skip it as a bogus comment
        try:
            return super().parse_html_declaration(i)
        except AssertionError:
            end = self.rawdata.find(">", i + 2)
            return -1 if end == -1 else end + 1


# The fallback tokenizer: linear, and it cannot fail.
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"  # comment (unclosed: to the end)
    r"|<(?P<end>/?)(?P<tag>[A-Za-z][^\s/>]*)(?P<attrs>[^>]*)(?:>|\Z)"  # start/end tag
    r"|<[!?/][^>]*(?:>|\Z)",  # declaration, processing instruction, bogus comment
    re.S,
)


def _fallback(markup: str) -> str:
    """Reduce ``markup`` with a regular-expression tokenizer and the extractor's rules."""
    ex = _TextExtractor()
    pos = 0
    for m in _TOKEN.finditer(markup):
        if m.start() > pos:
            ex.handle_data(html.unescape(markup[pos : m.start()]))
        pos = m.end()
        tag = m.group("tag")
        if tag is None:
            continue
        tag = tag.lower()
        if m.group("end"):
            ex.handle_endtag(tag)
        elif m.group("attrs").rstrip().endswith("/"):
            ex.handle_startendtag(tag, [])
        else:
            ex.handle_starttag(tag, [])
    if pos < len(markup):
        ex.handle_data(html.unescape(markup[pos:]))
    return ex.text()


_BLANKS = re.compile(r"[ \t\r\f\v]*\n[\s]*")


def _stalls_html_parser(markup: str) -> bool:
    """Markup on which ``html.parser`` takes quadratic time: thousands of unclosed tags or comments.

    It rescans from each ``<`` that starts a tag or comment it cannot finish:
    50,000 ``<a`` took 10 s, 200,000 took 150 s. Real pages close what they
    open (about as many ``>`` as ``<``), so only broken or hostile input takes
    the linear tokenizer instead.
    """
    lt = markup.count("<")
    if lt < 1000:
        return False
    return lt > 2 * markup.count(">") + 1000 or (markup.count("<!--") > markup.count("-->") + 1000)


def html_to_text(markup: str) -> str:
    """Plain text of ``markup``: block elements become blank-line separated lines.

    Never raises: malformed markup the parser cannot read is reduced by a
    simpler tag tokenizer instead.
    """
    if _stalls_html_parser(markup):
        text = _fallback(markup)
    else:
        try:
            parser = _TextExtractor()
            parser.feed(markup)
            parser.close()
            text = parser.text()  # character references already decoded (convert_charrefs)
        except Exception:  # html.parser's own assertions on malformed markup
            text = _fallback(markup)
    text = _BLANKS.sub("\n\n", text)
    lines = [line.strip(" \t") for line in text.split("\n")]
    return "\n".join(lines).strip() + "\n"
