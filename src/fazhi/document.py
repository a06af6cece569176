"""The document model: immutable text plus spans into it.

A :class:`Document` never changes after parsing. Every node — title, metadata
field, section, heading, paragraph, sentence, noise span — carries ``start``
and ``end`` character offsets such that ``doc.text[node.start:node.end] ==
node.text``. Later stages (tokens, predictions, plugin output) refer back to
the document through such spans; they never rewrite the text.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from typing import Any, Literal, SupportsIndex

__all__ = [
    "SCHEMA_VERSION",
    "Document",
    "Heading",
    "Meta",
    "MetaField",
    "NoiseSpan",
    "Paragraph",
    "Section",
    "Sentence",
    "Span",
]

#: Version of the ``to_dict()`` schema; bumped on incompatible changes.
SCHEMA_VERSION = 1

HeadingStyle = Literal[
    "cn_dun",  # 一、
    "cn_paren",  # (一) （一）
    "arabic_dot",  # 1. 1、 1．
    "arabic_paren",  # (1) （1）
    "article",  # 第一条
    "chapter",  # 第一章 / 第一节
    "ordinal",  # a line holding only a number such as 01
    "unnumbered",  # a short stand-alone heading line
]
HEADING_STYLES: tuple[str, ...] = (
    "cn_dun",
    "cn_paren",
    "arabic_dot",
    "arabic_paren",
    "article",
    "chapter",
    "ordinal",
    "unnumbered",
)

NoiseKind = Literal[
    "chrome",  # page furniture: 浏览次数, 字体, 我的位置, Produced By …
    "comments",  # 评论 / 抢沙发 widgets
    "recommend",  # 推荐访问: …
    "toc",  # table of contents of a compilation
    "header",  # compilation header (site blurb, repeated title)
    "mojibake",  # "?" left where a character could not be encoded
    "other",
]


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of a document's text: ``text == doc.text[start:end]``."""

    start: int
    end: int
    text: str

    def __len__(self) -> int:
        return self.end - self.start

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class Sentence(Span):
    """One sentence of a paragraph (split at 。！？; and their half-width forms)."""


@dataclass(frozen=True, slots=True)
class NoiseSpan(Span):
    """Web-page chrome or other non-content text, kept aside rather than dropped."""

    kind: str = "other"

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "kind": self.kind}


@dataclass(frozen=True, slots=True)
class MetaField(Span):
    """One metadata item as found in the text, e.g. ``文号 济长政发〔2018〕8号``.

    ``key`` is the normalised field name (``doc_number``, ``issuer``, ``date``,
    ``published``, ``index_no``, ``source``, ``author`` or ``extra:<label>``),
    ``label`` the label as written (may be empty) and ``value`` the raw value.
    """

    key: str = ""
    label: str = ""
    value: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "key": self.key,
            "label": self.label,
            "value": self.value,
        }


@dataclass(frozen=True, slots=True)
class Meta:
    """Document metadata. Every attribute is ``None`` when the document does not state it."""

    doc_number: str | None = None
    """文号, e.g. ``济长政发〔2018〕8号``."""
    issuer: str | None = None
    """发布机构 / 发文机关 (from a metadata block, else the 落款)."""
    date: _dt.date | None = None
    """成文日期: the date the document was written or signed."""
    published: _dt.date | None = None
    """发布日期: the date the page was published."""
    index_no: str | None = None
    """索引号."""
    source: str | None = None
    """来源 / 信息来源."""
    author: str | None = None
    """Byline: author, 记者/通讯员 line."""
    fields: tuple[MetaField, ...] = ()
    """Every metadata item found, with its span (including ones without an attribute above)."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in ("doc_number", "issuer", "date", "published", "index_no", "source", "author"):
            value = getattr(self, name)
            out[name] = value.isoformat() if isinstance(value, _dt.date) else value
        out["fields"] = [f.to_dict() for f in self.fields]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Meta:
        def day(v: str | None) -> _dt.date | None:
            return _dt.date.fromisoformat(v) if v else None

        return cls(
            doc_number=data.get("doc_number"),
            issuer=data.get("issuer"),
            date=day(data.get("date")),
            published=day(data.get("published")),
            index_no=data.get("index_no"),
            source=data.get("source"),
            author=data.get("author"),
            fields=tuple(MetaField(**f) for f in data.get("fields", ())),
        )


@dataclass(frozen=True, slots=True)
class Heading(Span):
    """A section heading as written: marker plus title (plus the 。 of a run-in heading).

    ``title`` is the heading without its numbering marker, ``marker`` the
    marker as written (``一、``, ``(一)``, ``1.``, ``第一条``, ``01`` or ``""``),
    ``number`` its value as an int when it has one, ``style`` one of
    :data:`HEADING_STYLES`, and ``run_in`` tells whether the heading runs into
    its first paragraph on the same line (``(一)学习贯彻习近平法治思想。强化…``).
    """

    title: str = ""
    marker: str = ""
    style: str = "unnumbered"
    number: int | None = None
    run_in: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "title": self.title,
            "marker": self.marker,
            "style": self.style,
            "number": self.number,
            "run_in": self.run_in,
        }


_SENTENCE_END = re.compile(r"[^。！？!?；;]*(?:[。！？!?；;]+[”’」』）)]*|$)")


def _split_sentences(text: str, offset: int) -> tuple[Sentence, ...]:
    out: list[Sentence] = []
    for m in _SENTENCE_END.finditer(text):
        chunk = m.group(0)
        if not chunk.strip():
            continue
        # trim surrounding whitespace so sentences start and end on content
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk) - len(chunk.rstrip())
        s, e = m.start() + lead, m.end() - trail
        out.append(Sentence(offset + s, offset + e, text[s:e]))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Paragraph(Span):
    """A paragraph of body text.

    ``index`` is its position in :attr:`Document.paragraphs`; ``section_path``
    the path of indices from :attr:`Document.sections` down to the section that
    holds it (``()`` for text before the first heading).
    """

    index: int = 0
    section_path: tuple[int, ...] = ()

    def sentences(self) -> tuple[Sentence, ...]:
        """The paragraph's sentences, with offsets into the document text."""
        return _split_sentences(self.text, self.start)

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "index": self.index,
            "section_path": list(self.section_path),
        }


@dataclass(frozen=True, slots=True)
class Section(Span):
    """A section: its heading, its own paragraphs, and its sub-sections.

    ``text`` runs from the heading to the end of the section's last content.
    ``level`` is the depth in the document's heading tree (1 = outermost).
    ``path`` is the index path from :attr:`Document.sections`.
    """

    heading: Heading = field(default_factory=lambda: Heading(0, 0, ""))
    level: int = 1
    path: tuple[int, ...] = ()
    paragraphs: tuple[Paragraph, ...] = ()
    children: tuple[Section, ...] = ()

    @property
    def title(self) -> str:
        return self.heading.title

    def walk(self) -> Iterator[Section]:
        """This section and all sections below it, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def all_paragraphs(self) -> Iterator[Paragraph]:
        """Paragraphs of this section and of its sub-sections, in document order."""
        items: list[Paragraph] = list(self.paragraphs)
        for child in self.children:
            items.extend(child.all_paragraphs())
        yield from sorted(items, key=lambda p: p.start)

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "heading": self.heading.to_dict(),
            "level": self.level,
            "path": list(self.path),
            "paragraphs": [p.index for p in self.paragraphs],
            "children": [c.to_dict() for c in self.children],
        }


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed document. Build one with :func:`fazhi.parse` or :func:`fazhi.read`.

    ``text`` is the document's own text exactly as in the source. ``source``
    names the file it came from (or is ``None``) and ``source_span`` is the
    ``(start, end)`` character span of ``text`` within that file's decoded
    text — ``(0, len(text))`` unless the document is one article of a
    compilation.
    """

    text: str
    title: Span | None = None
    meta: Meta = field(default_factory=Meta)
    sections: tuple[Section, ...] = ()
    paragraphs: tuple[Paragraph, ...] = ()
    noise: tuple[NoiseSpan, ...] = ()
    source: str | None = None
    source_span: tuple[int, int] | None = None
    encoding: str | None = None
    """The encoding the source bytes were decoded from (``None`` for ``str`` input)."""

    def __reduce_ex__(self, protocol: SupportsIndex) -> Any:
        if type(self) is not Document:  # a subclass keeps the default pickling
            return object.__reduce_ex__(self, protocol)
        # Pickled without the text of each node: a section's text holds all of
        # its subsections' and paragraphs', so the default pickle stores the
        # document's text several times over. Nodes are stored as their other
        # fields and get ``text[start:end]`` back when loaded (a third of the
        # size; it matters when analyze_many's worker processes send results).
        paragraphs = self.paragraphs
        packed_paragraphs = tuple(_pack_node(p, self.text, ()) for p in paragraphs)
        return (
            _unpickle_document,
            (
                _PICKLE_FORMAT,
                self.text,
                packed_paragraphs,
                _pack_node(self.title, self.text, paragraphs),
                _pack_node(self.meta, self.text, paragraphs),
                _pack_node(self.sections, self.text, paragraphs),
                _pack_node(self.noise, self.text, paragraphs),
                self.source,
                self.source_span,
                self.encoding,
            ),
        )

    def __repr__(self) -> str:
        title = self.title.text if self.title else None
        return (
            f"Document(title={title!r}, source={self.source!r}, chars={len(self.text)}, "
            f"sections={sum(1 for _ in self.walk_sections())}, paragraphs={len(self.paragraphs)}, "
            f"noise={len(self.noise)})"
        )

    @property
    def title_text(self) -> str | None:
        """The title as a string (``None`` when the document has no title line)."""
        return self.title.text if self.title else None

    def walk_sections(self) -> Iterator[Section]:
        """Every section in document order (depth first)."""
        for section in self.sections:
            yield from section.walk()

    def headings(self) -> list[Heading]:
        """The outline: every heading, in document order."""
        return [s.heading for s in self.walk_sections()]

    def section_at(self, path: tuple[int, ...]) -> Section | None:
        """The section at an index path (``paragraph.section_path``); ``None`` for ``()``."""
        node: Section | None = None
        children = self.sections
        for i in path:
            node = children[i]
            children = node.children
        return node

    def section_of(self, paragraph: Paragraph) -> Section | None:
        """The innermost section that holds ``paragraph`` (``None`` before the first heading)."""
        return self.section_at(paragraph.section_path)

    def sentences(self) -> Iterator[Sentence]:
        """All sentences of all paragraphs, in document order."""
        for paragraph in self.paragraphs:
            yield from paragraph.sentences()

    def span(self, start: int, end: int) -> Span:
        """A :class:`Span` of this document's text (bounds are checked)."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span ({start}, {end}) is outside the document (0, {len(self.text)})")
        return Span(start, end, self.text[start:end])

    # -- serialisation -------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict; :meth:`from_dict` rebuilds an equal Document."""
        return {
            "schema_version": SCHEMA_VERSION,
            "text": self.text,
            "title": self.title.to_dict() if self.title else None,
            "meta": self.meta.to_dict(),
            "sections": [s.to_dict() for s in self.sections],
            "paragraphs": [p.to_dict() for p in self.paragraphs],
            "noise": [n.to_dict() for n in self.noise],
            "source": self.source,
            "source_span": list(self.source_span) if self.source_span else None,
            "encoding": self.encoding,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ValueError(
                f"unsupported Document schema_version {version!r}; this fazhi reads version {SCHEMA_VERSION}"
            )
        paragraphs = tuple(
            Paragraph(
                p["start"],
                p["end"],
                p["text"],
                index=p["index"],
                section_path=tuple(p["section_path"]),
            )
            for p in data["paragraphs"]
        )

        def section(d: dict[str, Any]) -> Section:
            h = d["heading"]
            return Section(
                d["start"],
                d["end"],
                data["text"][d["start"] : d["end"]],
                heading=Heading(**h),
                level=d["level"],
                path=tuple(d["path"]),
                paragraphs=tuple(paragraphs[i] for i in d["paragraphs"]),
                children=tuple(section(c) for c in d["children"]),
            )

        title = data.get("title")
        span = data.get("source_span")
        return cls(
            text=data["text"],
            title=Span(**title) if title else None,
            meta=Meta.from_dict(data.get("meta") or {}),
            sections=tuple(section(s) for s in data["sections"]),
            paragraphs=paragraphs,
            noise=tuple(NoiseSpan(**n) for n in data["noise"]),
            source=data.get("source"),
            source_span=(span[0], span[1]) if span else None,
            encoding=data.get("encoding"),
        )

    def spans(self) -> Iterator[Span]:
        """Every top-level span the parser assigned: title, metadata, headings, paragraphs, noise.

        Together they cover every non-whitespace character of :attr:`text`
        exactly once (the parser's "nothing lost" guarantee).
        """
        if self.title is not None:
            yield self.title
        yield from self.meta.fields
        yield from self.headings()
        yield from self.paragraphs
        yield from self.noise


# -- compact pickling -------------------------------------------------------------

_PICKLE_FORMAT = 1
_NODE_CLASSES: tuple[type, ...] = (
    Span,
    Sentence,
    NoiseSpan,
    MetaField,
    Heading,
    Paragraph,
    Section,
    Meta,
)
_NODE_CODE = {cls: i for i, cls in enumerate(_NODE_CLASSES)}
_PARAGRAPH_REF = -1


def _slot_setters(cls: type) -> tuple[Callable[[Any, Any], None], ...]:
    """The slot setters of a ``slots=True`` dataclass, in field order.

    Setting the slots of ``object.__new__(cls)`` through them builds an instance
    without ``__init__`` (a frozen dataclass's sets each field through
    ``object.__setattr__``, about twice the cost); the unpicklers and fazhi's own
    classifiers use it for the thousands of nodes and predictions of a corpus."""
    return tuple(getattr(cls, f.name).__set__ for f in fields(cls))


#: per node class: its field names, and its slot setters (fields in the same order)
_NODE_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in fields(cls)) for cls in _NODE_CLASSES
}
_NODE_SETTERS = tuple(_slot_setters(cls) for cls in _NODE_CLASSES)


def _pack_node(value: Any, text: str, paragraphs: tuple[Paragraph, ...]) -> Any:
    """``value`` with every node as a list ``[class code, fields...]``, its text left out when it is ``text[start:end]``.

    Tuples of nodes become tuples of such lists; other values (numbers, strings,
    dates, tuples of ints) are kept as they are."""
    cls = type(value)
    code = _NODE_CODE.get(cls)
    if code is not None:
        if cls is Paragraph and value.index < len(paragraphs) and paragraphs[value.index] is value:
            return [_PARAGRAPH_REF, value.index]
        out: list[Any] = [code]
        for name in _NODE_FIELDS[cls]:
            v = getattr(value, name)
            if name == "text":  # every node with a text field is a Span
                if type(v) is not str:
                    return value  # None or a str subclass: pickled as itself, kept as it is
                if v == text[value.start : value.end]:
                    v = None
            elif type(v) in _NODE_CODE or (type(v) is tuple and v and type(v[0]) in _NODE_CODE):
                v = _pack_node(v, text, paragraphs)
            out.append(v)
        return out
    if cls is tuple:
        return tuple([_pack_node(v, text, paragraphs) for v in value])
    return value


def _unpack_node(value: Any, text: str, paragraphs: tuple[Paragraph, ...]) -> Any:
    """The inverse of :func:`_pack_node`. Nodes are rebuilt through their slots, without
    ``__init__``: their values were checked when the document was parsed, and a
    document has thousands of nodes (this is most of what loading one costs)."""
    if type(value) is list:
        code = value[0]
        if code == _PARAGRAPH_REF:
            return paragraphs[value[1]]
        cls = _NODE_CLASSES[code]
        node: Any = object.__new__(cls)
        setters = _NODE_SETTERS[code]
        for i, v in enumerate(value[1:]):
            if v is None:
                if i == 2 and issubclass(cls, Span):
                    v = text[value[1] : value[2]]
            elif type(v) is list or (type(v) is tuple and v and type(v[0]) is list):
                v = _unpack_node(v, text, paragraphs)
            setters[i](node, v)
        return node
    if type(value) is tuple:
        return tuple([_unpack_node(v, text, paragraphs) for v in value])
    return value


_PARAGRAPH_CODE = _NODE_CODE[Paragraph]


def _unpack_paragraphs(packed: tuple[Any, ...], text: str) -> tuple[Paragraph, ...]:
    """The document's paragraphs from :func:`_pack_node`'s lists: what
    :func:`_unpack_node` does, in one loop (they are most of a document's nodes,
    and none of their fields holds a node; loading a 4 MB corpus's documents
    took 48 ms this way against 57 ms through :func:`_unpack_node`)."""
    new = object.__new__
    set_start, set_end, set_text, set_index, set_path = _NODE_SETTERS[_PARAGRAPH_CODE]
    out: list[Paragraph] = []
    for value in packed:
        if type(value) is not list or value[0] != _PARAGRAPH_CODE:
            out.append(_unpack_node(value, text, ()))  # a subclass, pickled as itself
            continue
        _, start, end, own_text, index, path = value
        p = new(Paragraph)
        set_start(p, start)
        set_end(p, end)
        set_text(p, text[start:end] if own_text is None else own_text)
        set_index(p, index)
        set_path(p, path)
        out.append(p)
    return tuple(out)


def _unpickle_document(
    version: int,
    text: str,
    packed_paragraphs: tuple[Any, ...],
    title: Any,
    meta: Any,
    sections: Any,
    noise: Any,
    source: str | None,
    source_span: tuple[int, int] | None,
    encoding: str | None,
) -> Document:
    if version != _PICKLE_FORMAT:
        raise ValueError(f"unknown fazhi Document pickle format {version!r}")
    paragraphs = _unpack_paragraphs(packed_paragraphs, text)
    return Document(
        text=text,
        title=_unpack_node(title, text, paragraphs),
        meta=_unpack_node(meta, text, paragraphs),
        sections=_unpack_node(sections, text, paragraphs),
        paragraphs=paragraphs,
        noise=_unpack_node(noise, text, paragraphs),
        source=source,
        source_span=source_span,
        encoding=encoding,
    )
