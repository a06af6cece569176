"""Split a compilation (汇编) into its articles.

Sites that republish reports often glue many articles into one page: a
header, a table of contents (目录) that need not match the body, the
articles — each a title line followed by a date line "(2022年10月21日)" or an
author line "吉林省委党校  魏芙蓉" — and a "推荐访问:" footer. An article
starts at such a title line and runs to the next article's title. The header
and table of contents are kept as :class:`~fazhi.document.NoiseSpan` s of the
compilation, and the footer stays inside the last article, where the parser
marks it as noise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fazhi.document import NoiseSpan
from fazhi.parsing.metadata import DATE_LINE, is_author_line
from fazhi.parsing.noise import line_noise_kind

__all__ = ["MIN_ARTICLES", "Compilation", "split_compilation"]

#: Fewer detected articles than this and the text is treated as one document.
MIN_ARTICLES = 3

_WS = " \t\r\u00a0\u3000\ufeff\u200b"
_TOC_HEAD = re.compile(r"目[ \t\u00a0\u3000]*录")
_TOC_ENTRY = re.compile(r".{2,80}?[ \t\u00a0\u3000·.…]+\d{1,4}")
_TITLE_END = tuple("。；;，,：:！!？?")


@dataclass(frozen=True, slots=True)
class Compilation:
    """The parts of a compilation: article spans, and the header/TOC kept aside."""

    articles: tuple[tuple[int, int], ...]
    noise: tuple[NoiseSpan, ...]


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of the stripped content of each non-blank line."""
    out = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        stripped = body.strip(_WS)
        if stripped:
            lead = len(body) - len(body.lstrip(_WS))
            out.append((pos + lead, pos + lead + len(stripped)))
        pos += len(raw)
    return out


def _is_title_like(line: str) -> bool:
    return 4 <= len(line) <= 60 and not line.endswith(_TITLE_END) and "。" not in line


def split_compilation(text: str) -> Compilation | None:
    """Find the articles of a compilation; None when ``text`` is not one.

    A compilation needs at least :data:`MIN_ARTICLES` article starts — a
    title-like line whose next line is a date line or an author line.
    """
    lines = _lines(text)
    starts: list[int] = []  # indices into lines
    for i in range(len(lines) - 1):
        s, e = lines[i]
        line = text[s:e]
        if not _is_title_like(line) or line_noise_kind(line):
            continue
        ns, ne = lines[i + 1]
        nxt = text[ns:ne]
        if DATE_LINE.fullmatch(nxt) or is_author_line(nxt):
            starts.append(i)
    # Inside a table of contents a title may be followed by another entry, never by a
    # date line, so TOC lines do not produce starts; but guard against a TOC entry that
    # does (a date-stamped TOC) by dropping starts that fall inside the TOC block.
    toc = _find_toc(text, lines, starts[0] if starts else len(lines))
    if toc is not None:
        starts = [i for i in starts if lines[i][0] >= toc[1]]
    if len(starts) < MIN_ARTICLES:
        return None
    articles = []
    for k, i in enumerate(starts):
        begin = lines[i][0]
        end = lines[starts[k + 1] - 1][1] if k + 1 < len(starts) else lines[-1][1]
        articles.append((begin, end))
    noise: list[NoiseSpan] = []
    first = lines[starts[0]][0]
    header_end = toc[0] if toc is not None else first
    header = text[:header_end].strip(_WS + "\n")
    if header:
        hs = text.index(header)
        noise.append(NoiseSpan(hs, hs + len(header), header, kind="header"))
    if toc is not None:
        noise.append(NoiseSpan(toc[0], toc[1], text[toc[0] : toc[1]], kind="toc"))
        tail = text[toc[1] : first].strip(_WS + "\n")
        if tail:
            ts = text.index(tail, toc[1])
            noise.append(NoiseSpan(ts, ts + len(tail), tail, kind="header"))
    return Compilation(tuple(articles), tuple(noise))


def _find_toc(text: str, lines: list[tuple[int, int]], limit: int) -> tuple[int, int] | None:
    """The span of a "目录" block: from its heading to its last entry ending in a page number."""
    for i in range(min(limit, len(lines))):
        s, e = lines[i]
        if _TOC_HEAD.fullmatch(text[s:e]):
            last = None
            for j in range(i + 1, min(limit, len(lines))):
                js, je = lines[j]
                if _TOC_ENTRY.fullmatch(text[js:je]):
                    last = je
            if last is not None:
                return s, last
    return None
