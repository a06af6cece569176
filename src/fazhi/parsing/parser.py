"""The line-based parser: raw text of one document → :class:`~fazhi.document.Document`.

How a document is read, in one pass over its lines:

1. every line is stripped of indentation (ASCII, NBSP and ideographic spaces)
   and of "?" mojibake at its start or end (kept as noise spans);
2. whole-line page chrome becomes noise; lines before the body that start
   with a metadata label become metadata fields; the first title-like line
   becomes the title, and a date or author line right under it metadata;
3. a line that starts with a numbering marker (一、 (一) 1. (1) 第一条 第一章)
   is a heading; when the heading text ends in 。 or ： within the line and
   text follows, the heading "runs in" and the rest is a paragraph;
   a "01" line takes the short lines after it as its title; in documents
   without numbered headings, short stand-alone lines are unnumbered
   headings;
4. at the end, a date line and the organisation line above it are the 落款
   (issuer and 成文日期) and a byline is the author;
5. everything else is body text: consecutive lines are joined into one
   paragraph when the first ends mid-sentence (；，、) or leaves a quote open;
6. heading levels come from the order in which numbering styles first nest
   (a stack), so a document whose top headings are (一) gets (一) at level 1.

Every non-whitespace character ends up in exactly one span: title, metadata,
heading, paragraph or noise.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import re
from dataclasses import dataclass, field

from fazhi.document import (
    Document,
    Heading,
    Meta,
    MetaField,
    NoiseSpan,
    Paragraph,
    Section,
    Span,
)
from fazhi.parsing.headings import is_enumeration_item, match_marker, match_ordinal
from fazhi.parsing.metadata import (
    DATE_LINE,
    is_author_line,
    is_byline,
    is_issuer_line,
    match_meta_line,
    parse_date,
)
from fazhi.parsing.noise import INLINE_NOISE, line_noise_kind

__all__ = ["parse_text"]

_WS = " \t\r\u00a0\u3000\ufeff\u200b\u2002\u2003\u2009\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029"
_SENTENCE_STOPS = "。！？!?"
_RUN_IN_STOPS = "。：:！？!?"
#: a run-in heading's text must end within this many characters of the marker
_RUN_IN_MAX = 50
#: a heading that fills a line on its own may be this long at most
_HEADING_MAX = 60
#: unnumbered headings are short
_UNNUMBERED_MAX = 30
_JOIN_ENDINGS = tuple("；;，,、")
_OPEN_QUOTES = "“‘「『"
_CLOSE_QUOTES = "”’」』"
_BLOCK_ENDINGS = tuple("。！？!?；;，,、：:…—")


@dataclass
class _Line:
    start: int  # of stripped content
    end: int
    text: str
    kind: str = "body"  # body | noise | meta | title | heading | skip
    noise_kind: str = "other"
    meta: list[MetaField] = field(default_factory=list)
    heading: Heading | None = None
    body_start: int | None = None  # a run-in heading's paragraph part


# a lone CR ends a line too: classic Mac OS files, and some exports, use nothing else
_LONE_CR = re.compile(r"\r(?!\n)")


def _split_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    pos = 0
    n = len(text)
    # the line breaks' positions: "\n" (CRLF's CR is stripped as whitespace) and lone "\r"
    search = text if "\r" not in text else _LONE_CR.sub("\n", text)
    while pos < n:
        nl = search.find("\n", pos)
        end_raw = n if nl == -1 else nl
        s, e = pos, end_raw
        while s < e and text[s] in _WS:
            s += 1
        while e > s and text[e - 1] in _WS:
            e -= 1
        if s < e:
            lines.append(_Line(s, e, text[s:e]))
        pos = end_raw + 1
    return lines


def _strip_mojibake(line: _Line, noise: list[NoiseSpan], text: str) -> _Line | None:
    """Cut "?" runs at the start of a line, and a "?" after sentence-final punctuation at its end."""
    s, e = line.start, line.end
    q = s
    while q < e and text[q] in "?？" and text[q] == "?":
        q += 1
    if q > s and q < e and text[q] not in _WS and q - s <= 4:
        noise.append(NoiseSpan(s, q, text[s:q], kind="mojibake"))
        s = q
        while s < e and text[s] in _WS:
            s += 1
    elif q == e:  # a line of only "?"
        noise.append(NoiseSpan(s, e, text[s:e], kind="mojibake"))
        return None
    r = e
    while r > s and text[r - 1] == "?":
        r -= 1
    if r < e and r > s and (text[r - 1] in "。；;，,：:）)”" or e - r >= 2 or _is_cjk(text[r - 1])):
        noise.append(NoiseSpan(r, e, text[r:e], kind="mojibake"))
        e = r
        while e > s and text[e - 1] in _WS:
            e -= 1
    return _Line(s, e, text[s:e])


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _is_title_like(line: str) -> bool:
    return (
        2 <= len(line) <= 80
        and not line.endswith(_BLOCK_ENDINGS)
        and "。" not in line
        and match_marker(line) is None
        and not is_enumeration_item(line)
        and not DATE_LINE.fullmatch(line)
    )


def _meta_fields(line: _Line, text: str, noise: list[NoiseSpan]) -> list[MetaField] | None:
    """Metadata fields of a line (offsets into ``text``); inline chrome is added to ``noise``.

    Returns None — and adds nothing — unless fields and chrome together cover
    all of the line's text, so a body sentence is never mistaken for metadata.
    """
    found = match_meta_line(line.text)
    if found is None:
        return None
    chrome = [(m.start(), m.end()) for m in INLINE_NOISE.finditer(line.text)]
    fields: list[MetaField] = []
    for f in found:
        if any(cs <= f.start < ce for cs, ce in chrome):
            continue  # the "field" is itself chrome, e.g. 浏览次数:
        # a value stops where chrome begins ("2025-02-14 16:21浏览次数:")
        cut = min((cs for cs, _ in chrome if f.start <= cs < f.end), default=f.end)
        seg = line.text[f.start : cut].rstrip(_WS + "|丨")
        if not seg:
            continue
        value = f.value if cut == f.end else line.text[f.value_start : cut].strip(_WS + "|丨")
        s = line.start + f.start
        fields.append(MetaField(s, s + len(seg), seg, f.key, f.label, value))
    pos = 0
    for cs, ce in sorted([(f.start - line.start, f.end - line.start) for f in fields] + chrome):
        if line.text[pos:cs].strip(_WS + "|丨"):
            return None
        pos = max(pos, ce)
    if line.text[pos:].strip(_WS + "|丨"):
        return None
    noise.extend(
        NoiseSpan(line.start + cs, line.start + ce, line.text[cs:ce], kind="chrome")
        for cs, ce in chrome
    )
    return fields


def _heading_from_marker(line: _Line, text: str) -> tuple[Heading, int | None] | None:
    """A heading for a line that starts with a marker; also the start of a run-in paragraph."""
    marker = match_marker(line.text)
    if marker is None:
        return None
    rest = line.text[marker.length :]
    stop = -1
    for i, ch in enumerate(rest[: _RUN_IN_MAX + 1]):
        if ch in _RUN_IN_STOPS:
            stop = i
            break
    s = line.start
    if stop >= 0 and rest[stop + 1 :].strip(_WS):
        title = rest[:stop].strip(_WS)
        if not title:
            return None
        h_end = s + marker.length + stop + 1
        body = h_end
        while body < line.end and text[body] in _WS:
            body += 1
        return (
            Heading(
                s,
                h_end,
                text[s:h_end],
                title=title,
                marker=marker.marker.strip(_WS),
                style=marker.style,
                number=marker.number,
                run_in=True,
            ),
            body,
        )
    if len(rest) <= _HEADING_MAX and not any(c in rest[:-1] for c in "。！？!?"):
        title = rest.rstrip("。：:；;").strip(_WS)
        return (
            Heading(
                s,
                line.end,
                line.text,
                title=title,
                marker=marker.marker.strip(_WS),
                style=marker.style,
                number=marker.number,
                run_in=False,
            ),
            None,
        )
    return None  # a long numbered line: a list item in running text, not a heading


def _is_unnumbered_heading(line: str) -> bool:
    return (
        2 <= len(line) <= _UNNUMBERED_MAX
        and not line.endswith(_BLOCK_ENDINGS)
        and not any(c in line for c in "。！？!?；;")
        and not is_enumeration_item(line)
        and not DATE_LINE.fullmatch(line)
        and not is_byline(line)
    )


def _author_name(line: str) -> str:
    """The person in an author line: "吉林省委党校  魏芙蓉" → "魏芙蓉"."""
    return line.replace("\u00a0", " ").replace("\u3000", " ").split()[-1]


_BYLINE_SOURCE = re.compile(r"^(?P<src>.{2,30}?)(?:讯|报道)(?=\s*[(（]?\s*(?:记者|通讯员))")


def _byline_fields(line: _Line) -> list[MetaField]:
    """A byline as metadata: its author part, and the outlet before "讯" as the source."""
    words = " ".join(line.text.replace("\u00a0", " ").replace("\u3000", " ").split())
    m = _BYLINE_SOURCE.match(words)
    if m is None:
        return [MetaField(line.start, line.end, line.text, "author", "", words)]
    author = words[m.end() :].strip(" ()（）")
    return [
        MetaField(line.start, line.end, line.text, "author", "byline", author),
        MetaField(line.start, line.end, line.text, "source", "byline", m.group("src").strip()),
    ]


def _quote_open(line: str) -> bool:
    return sum(line.count(q) for q in _OPEN_QUOTES) > sum(line.count(q) for q in _CLOSE_QUOTES)


def parse_text(
    text: str,
    *,
    source: str | None = None,
    source_span: tuple[int, int] | None = None,
    encoding: str | None = None,
) -> Document:
    """Parse the text of one document. Never raises for any ``str``."""
    noise: list[NoiseSpan] = []
    lines: list[_Line] = []
    for raw in _split_lines(text):
        kind = line_noise_kind(raw.text)
        if kind is not None:
            noise.append(NoiseSpan(raw.start, raw.end, raw.text, kind=kind))
            continue
        cleaned = _strip_mojibake(raw, noise, text)
        if cleaned is not None and cleaned.text:
            lines.append(cleaned)

    # -- head: metadata lines, title, and the date/author line under the title
    meta_fields: list[MetaField] = []
    title: Span | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        fields = _meta_fields(line, text, noise)
        if fields is not None:
            line.kind = "meta"
            meta_fields.extend(fields)
            i += 1
            continue
        if title is None and _is_title_like(line.text) and not is_byline(line.text):
            nxt = lines[i + 1].text if i + 1 < len(lines) else ""
            # a short line followed by a paragraph is a title; a run of short lines is an outline
            if (
                len(line.text) > _UNNUMBERED_MAX
                or not nxt
                or len(nxt) > len(line.text)
                or _meta_fields(lines[i + 1], text, []) is not None
                or DATE_LINE.fullmatch(nxt)
                or is_author_line(nxt)
                or i == 0
            ):
                line.kind = "title"
                title = Span(line.start, line.end, line.text)
                i += 1
                if i < len(lines) and DATE_LINE.fullmatch(lines[i].text):
                    d = lines[i]
                    d.kind = "meta"
                    meta_fields.append(
                        MetaField(d.start, d.end, d.text, "date", "", d.text.strip("()（）" + _WS))
                    )
                    i += 1
                elif i < len(lines) and is_author_line(lines[i].text):
                    a = lines[i]
                    a.kind = "meta"
                    meta_fields.append(
                        MetaField(a.start, a.end, a.text, "author", "", _author_name(a.text))
                    )
                    i += 1
                continue
        break

    body_lines = [ln for ln in lines if ln.kind == "body"]

    # -- tail: byline, 落款 (issuer line + date line)
    tail = [ln for ln in body_lines[-6:]]
    for ln in reversed(tail):
        if ln.text.startswith(("(此件", "（此件")):
            continue
        if is_byline(ln.text):
            ln.kind = "meta"
            meta_fields.extend(_byline_fields(ln))
            continue
        break
    remaining = [ln for ln in body_lines if ln.kind == "body"]
    k = len(remaining) - 1
    while k >= 0 and remaining[k].text.startswith(("(此件", "（此件")):
        k -= 1
    if k >= 1 and DATE_LINE.fullmatch(remaining[k].text) and len(remaining) > 2:
        d = remaining[k]
        d.kind = "meta"
        meta_fields.append(MetaField(d.start, d.end, d.text, "signed_date", "", d.text))
        if is_issuer_line(remaining[k - 1].text):
            o = remaining[k - 1]
            o.kind = "meta"
            meta_fields.append(MetaField(o.start, o.end, o.text, "signed_by", "", o.text))

    # -- headings
    body_lines = [ln for ln in lines if ln.kind == "body"]
    numbered = False
    for ln in body_lines:
        found = _heading_from_marker(ln, text)
        if found is not None:
            ln.kind = "heading"
            ln.heading, ln.body_start = found
            if ln.heading.style not in ("ordinal", "unnumbered"):
                numbered = True
    # ordinals ("01") take the short lines after them as their title
    idx = 0
    while idx < len(body_lines):
        ln = body_lines[idx]
        if ln.kind == "body" and match_ordinal(ln.text):
            run = []
            j = idx + 1
            while (
                j < len(body_lines)
                and body_lines[j].kind == "body"
                and _is_unnumbered_heading(body_lines[j].text)
            ):
                run.append(body_lines[j])
                j += 1
            if run:
                own = run if len(run) == 1 or j >= len(body_lines) else run[:-1]
                s, e = ln.start, own[-1].end
                ln.kind = "heading"
                ln.heading = Heading(
                    s,
                    e,
                    text[s:e],
                    title=" ".join(x.text for x in own),
                    marker=ln.text,
                    style="ordinal",
                    number=int(ln.text),
                )
                for x in own:
                    x.kind = "skip"
                idx = j - (len(run) - len(own))
                continue
        idx += 1
    if not numbered:
        for idx, ln in enumerate(body_lines):
            if ln.kind != "body" or not _is_unnumbered_heading(ln.text):
                continue
            following = next((x for x in body_lines[idx + 1 :] if x.kind != "skip"), None)
            if following is None or (
                following.kind == "heading"
                and following.heading
                and following.heading.style == "ordinal"
            ):
                continue
            if following.kind == "body" and len(following.text) <= len(ln.text):
                # two short lines in a row: only the second can head the paragraph that follows
                continue
            ln.kind = "heading"
            ln.heading = Heading(
                ln.start, ln.end, ln.text, title=ln.text, marker="", style="unnumbered"
            )

    return _assemble(text, lines, noise, meta_fields, title, source, source_span, encoding)


@dataclass
class _Node:
    """A section under construction."""

    heading: Heading
    level: int
    style: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)
    end: int = 0


def _any_between(sorted_starts: list[int], lo: int, hi: int) -> bool:
    """Whether any of ``sorted_starts`` lies in ``[lo, hi)``."""
    i = bisect.bisect_left(sorted_starts, lo)
    return i < len(sorted_starts) and sorted_starts[i] < hi


def _assemble(
    text: str,
    lines: list[_Line],
    noise: list[NoiseSpan],
    meta_fields: list[MetaField],
    title: Span | None,
    source: str | None,
    source_span: tuple[int, int] | None,
    encoding: str | None,
) -> Document:
    # paragraphs: join body lines that continue each other, never across noise (a
    # chrome line, or mojibake stripped from a line's end or the next one's start):
    # the paragraph's span would then cover the noise
    barriers = sorted(n.start for n in noise)
    items: list[_Line | tuple[int, int]] = []  # a heading line, or a paragraph's (start, end)
    para: list[int] | None = None  # [start, end]
    prev_text = ""
    for ln in lines:
        if ln.kind in ("meta", "title", "skip"):
            if para is not None:
                items.append((para[0], para[1]))
                para = None
            continue
        if ln.kind == "heading":
            if para is not None:
                items.append((para[0], para[1]))
                para = None
            items.append(ln)
            if ln.body_start is not None and ln.body_start < ln.end:
                para = [ln.body_start, ln.end]
                prev_text = text[ln.body_start : ln.end]
            continue
        # body line
        if (
            para is not None
            and (prev_text.endswith(_JOIN_ENDINGS) or _quote_open(text[para[0] : para[1]]))
            and not _any_between(barriers, para[1], ln.start)
        ):
            para[1] = ln.end
        else:
            if para is not None:
                items.append((para[0], para[1]))
            para = [ln.start, ln.end]
        prev_text = ln.text
    if para is not None:
        items.append((para[0], para[1]))

    # sections via a stack of numbering styles
    roots: list[_Node] = []
    stack: list[_Node] = []
    paragraphs: list[Paragraph] = []
    for item in items:
        if isinstance(item, _Line):
            assert item.heading is not None
            h = item.heading
            style = h.style
            styles = [n.style for n in stack]
            if style in styles:
                del stack[styles.index(style) :]
            node = _Node(h, len(stack) + 1, style, end=h.end)
            (stack[-1].children if stack else roots).append(node)
            stack.append(node)
            for anc in stack:
                anc.end = max(anc.end, h.end)
        else:
            s, e = item
            path_nodes = list(stack)
            p = Paragraph(s, e, text[s:e], index=len(paragraphs))
            paragraphs.append(p)
            if stack:
                stack[-1].paragraphs.append(p)
            for anc in path_nodes:
                anc.end = max(anc.end, e)

    def build(node: _Node, path: tuple[int, ...]) -> Section:
        kids = tuple(build(c, (*path, i)) for i, c in enumerate(node.children))
        paras = tuple(_with_path(p, path) for p in node.paragraphs)
        return Section(
            node.heading.start,
            node.end,
            text[node.heading.start : node.end],
            heading=node.heading,
            level=node.level,
            path=path,
            paragraphs=paras,
            children=kids,
        )

    path_of: dict[int, tuple[int, ...]] = {}

    def _with_path(p: Paragraph, path: tuple[int, ...]) -> Paragraph:
        path_of[p.index] = path
        return Paragraph(p.start, p.end, p.text, index=p.index, section_path=path)

    sections = tuple(build(n, (i,)) for i, n in enumerate(roots))
    # the flat list must hold the very same objects as the tree
    by_index: dict[int, Paragraph] = {}
    for sec in sections:
        for s2 in sec.walk():
            for p in s2.paragraphs:
                by_index[p.index] = p
    flat = tuple(by_index.get(p.index, p) for p in paragraphs)

    return Document(
        text=text,
        title=title,
        meta=_build_meta(meta_fields),
        sections=sections,
        paragraphs=flat,
        noise=tuple(sorted(noise, key=lambda n: n.start)),
        source=source,
        source_span=source_span if source_span is not None else (0, len(text)),
        encoding=encoding,
    )


def _build_meta(found: list[MetaField]) -> Meta:
    values: dict[str, str] = {}
    dates: dict[str, _dt.date] = {}
    for f in found:
        key = f.key
        if key in ("date", "signed_date", "issue_date", "published"):
            d = parse_date(f.value or f.text)
            if d is not None and key not in dates:
                dates[key] = d
        elif f.value and key not in values:
            values[key] = f.value
    # 成文日期: an explicit label, else the 落款 date, else 发文日期
    date = dates.get("date") or dates.get("signed_date") or dates.get("issue_date")
    published = dates.get("published") or (
        dates.get("issue_date") if "date" in dates or "signed_date" in dates else None
    )
    issuer = values.get("issuer") or values.get("signed_by")
    return Meta(
        doc_number=values.get("doc_number"),
        issuer=issuer,
        date=date,
        published=published,
        index_no=values.get("index_no"),
        source=values.get("source"),
        author=values.get("author"),
        fields=tuple(sorted(found, key=lambda f: f.start)),
    )
