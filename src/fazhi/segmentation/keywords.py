"""TF-IDF keywords with an IDF table fitted on 法治政府 documents and a stop list of 公文 filler.

jieba's bundled IDF is general-domain, so on these documents its top words
are boilerplate (法治, 行政, 建设, 推进, 工作). fazhi fits its own IDF on its
seed corpus (``fazhi/data/idf.tsv``, rebuilt by ``tools/build_idf.py``),
works on lexicon tokens (法治政府建设, 行政执法 …) and drops a stop list of
official-document filler, so the top keywords say what a document is about.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import io
import logging
import math
import os
import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Union

from fazhi.segmentation.lexicon import load_lexicon, load_stopwords
from fazhi.segmentation.segmenter import Segmenter, default_segmenter

if TYPE_CHECKING:
    from fazhi.document import Document

__all__ = ["KeywordExtractor", "document_text", "is_keyword_candidate", "keywords"]

logger = logging.getLogger(__name__)

TextOrDoc = Union[str, "Document"]


@lru_cache(maxsize=1)
def _number() -> re.Pattern[str]:
    return re.compile(
        r"[0-9０-９.．,，%％‰:：/\-－~～〇零一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟余多]+"
        r"[年月日号时分秒个项件次场名人户元亿万倍期届批次级]?"
    )


IDF_FORMAT = "term<TAB>df<TAB>idf; idf = ln((1 + documents) / (1 + df)) + 1"


def is_keyword_candidate(token: str, *, keep: frozenset[str] = frozenset()) -> bool:
    """Whether a token may be a keyword at all.

    Never: single characters, tokens without a letter or CJK character
    (punctuation, symbols), numbers and number + unit tokens (2024, 3.5%,
    二十, 2024年, 218件). Tokens in ``keep`` (the lexicon) are exempt from the
    number rule, so 十四五 or 八五普法 stay candidates.
    """
    if len(token) < 2:
        return False
    if not any(ch.isalnum() for ch in token):
        return False
    return not (token not in keep and _number().fullmatch(token) is not None)


def document_text(doc: TextOrDoc) -> str:
    """The text keywords are computed on: a str as is; for a Document, its title, headings
    and paragraphs in order (metadata lines and page chrome left out)."""
    if isinstance(doc, str):
        return doc
    text = getattr(doc, "text", None)
    if not isinstance(text, str):
        raise TypeError(f"expected a str or a fazhi Document, not {type(doc).__name__}")
    parts: list[tuple[int, str]] = []
    if doc.title is not None:
        parts.append((doc.title.start, doc.title.text))
    parts.extend((h.start, h.text) for h in doc.headings())
    parts.extend((p.start, p.text) for p in doc.paragraphs)
    if not parts:
        return text
    parts.sort(key=lambda part: part[0])
    return "\n".join(t for _, t in parts)


def _idf(n_docs: int, df: int) -> float:
    return math.log((1 + n_docs) / (1 + df)) + 1.0


class KeywordExtractor:
    """TF-IDF keyword extraction.

    ``segmenter`` defaults to the process-wide default Segmenter (lexicon on).
    ``stopwords`` is ``"default"`` (fazhi's stop list of 公文 filler: 推进,
    加强, 工作, 建设, 进一步 …), ``None`` (no stop list), an iterable of words or
    a path to a word-per-line file. ``idf`` is ``None`` (fazhi's table fitted
    on its seed corpus), a ``{term: idf}`` mapping or a path to a TSV written
    by :meth:`to_tsv`. :meth:`fit` replaces the table with one fitted on your
    own corpus.

    The score of a term is its share of the document's candidate tokens
    times its IDF; a term the table has never seen gets the IDF of a term
    found in no document (``ln(1 + documents) + 1``).
    """

    def __init__(
        self,
        segmenter: Segmenter | None = None,
        stopwords: Iterable[str] | str | os.PathLike[str] | Literal["default"] | None = "default",
        idf: Mapping[str, float] | str | os.PathLike[str] | None = None,
    ) -> None:
        self._segmenter = segmenter
        if stopwords == "default":
            self.stopwords: frozenset[str] = load_stopwords()
        elif stopwords is None:
            self.stopwords = frozenset()
        elif isinstance(stopwords, (str, os.PathLike)):
            self.stopwords = load_stopwords(stopwords)
        else:
            self.stopwords = frozenset(stopwords)
        self._lock = threading.Lock()
        self._idf: dict[str, float] | None = None
        self._df: dict[str, int] = {}
        self.n_docs = 0
        self.metadata: dict[str, str] = {}
        if isinstance(idf, (str, os.PathLike)):
            self._load_tsv(Path(idf).read_text(encoding="utf-8"), source=str(idf))
        elif idf is not None:
            self._idf = {str(k): float(v) for k, v in idf.items()}
            self.n_docs = 0
        self._idf_source = "shipped" if idf is None else "given"

    # -- parts ------------------------------------------------------------------------
    @property
    def segmenter(self) -> Segmenter:
        if self._segmenter is None:
            self._segmenter = default_segmenter()
        return self._segmenter

    @property
    def idf(self) -> Mapping[str, float]:
        """The IDF table (loaded from ``fazhi/data/idf.tsv`` on first use unless given or fitted)."""
        return self._table()

    @property
    def default_idf(self) -> float:
        """IDF given to terms the table has not seen."""
        self._table()
        if self.n_docs:
            return _idf(self.n_docs, 0)
        values = self._idf.values() if self._idf else ()
        return max(values, default=1.0)

    def _table(self) -> dict[str, float]:
        table = self._idf
        if table is None:
            with self._lock:
                if self._idf is None:
                    text = (
                        importlib.resources.files("fazhi")
                        .joinpath("data")
                        .joinpath("idf.tsv")
                        .read_text(encoding="utf-8")
                    )
                    self._load_tsv(text, source="fazhi/data/idf.tsv")
                    shipped = self.metadata.get("lexicon_version")
                    current = load_lexicon().version
                    if shipped != current:
                        logger.debug(
                            "fazhi/data/idf.tsv was fitted with lexicon %s, the lexicon is %s",
                            shipped,
                            current,
                        )
                assert self._idf is not None
                table = self._idf
        return table

    def _tokens(self, text: str) -> list[str]:
        keep = self._keep()
        stop = self.stopwords
        return [
            t
            for t in self.segmenter.cut(text)
            if t not in stop and is_keyword_candidate(t, keep=keep)
        ]

    def _keep(self) -> frozenset[str]:
        lexicon = self.segmenter.lexicon
        return lexicon.terms() if lexicon is not None else frozenset()

    # -- fitting --------------------------------------------------------------------------
    def fit(self, corpus: Iterable[TextOrDoc]) -> KeywordExtractor:
        """Fit the IDF table on ``corpus`` (strs or Documents): ``ln((1 + N) / (1 + df)) + 1``.

        Every candidate token counts, stop words included, so the table can
        serve a different stop list later. Returns ``self``.
        """
        df: Counter[str] = Counter()
        digest = hashlib.sha256()
        n = 0
        segmenter = self.segmenter
        keep = self._keep()
        for item in corpus:
            text = document_text(item)
            digest.update(text.encode("utf-8"))
            digest.update(b"\x1e")
            n += 1
            df.update({t for t in segmenter.cut(text) if is_keyword_candidate(t, keep=keep)})
        if n == 0:
            raise ValueError("cannot fit an IDF table on an empty corpus")
        with self._lock:
            self.n_docs = n
            self._df = dict(df)
            self._idf = {term: _idf(n, count) for term, count in df.items()}
            self.metadata = {
                "documents": str(n),
                "corpus_sha256": digest.hexdigest(),
                "lexicon_version": str(segmenter.lexicon_version),
                "segmenter": f"{segmenter.backend} hmm={segmenter.hmm}",
            }
        return self

    # -- extraction -----------------------------------------------------------------------
    def extract(self, text_or_doc: TextOrDoc, top_k: int | None = 10) -> list[tuple[str, float]]:
        """The ``top_k`` keywords of a text or Document as ``(term, score)``, best first.

        Ties are broken by the term, so the result is deterministic.
        ``top_k=None`` returns every candidate.
        """
        if top_k is not None and (
            isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 0
        ):
            raise ValueError(f"top_k must be a non-negative int or None, not {top_k!r}")
        text = document_text(text_or_doc)
        counts = Counter(self._tokens(text))
        if not counts:
            return []
        total = sum(counts.values())
        table = self._table()
        default = self.default_idf
        scored = [(term, c / total * table.get(term, default)) for term, c in counts.items()]
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored if top_k is None else scored[:top_k]

    __call__ = extract

    # -- persistence -----------------------------------------------------------------------
    def to_tsv(self, path: str | os.PathLike[str] | None = None) -> str:
        """Write the IDF table as TSV (header ``# key: value`` lines, then
        ``term, df, idf`` rows); returns the text. ``path=None`` only returns it."""
        table = self._table()
        out = io.StringIO()
        out.write("# fazhi IDF table\n")
        out.write(f"# format: {IDF_FORMAT}\n")
        meta = dict(self.metadata)
        meta.setdefault("documents", str(self.n_docs))
        for key, meta_value in meta.items():
            out.write(f"# {key}: {meta_value}\n")
        rows = sorted(table.items(), key=lambda kv: (kv[1], kv[0]))
        for term, value in rows:
            df = self._df.get(term, "")
            out.write(f"{term}\t{df}\t{value!r}\n")
        text = out.getvalue()
        if path is not None:
            Path(path).write_text(text, encoding="utf-8", newline="\n")
        return text

    @classmethod
    def from_tsv(
        cls,
        path: str | os.PathLike[str],
        segmenter: Segmenter | None = None,
        stopwords: Iterable[str] | str | os.PathLike[str] | Literal["default"] | None = "default",
    ) -> KeywordExtractor:
        """An extractor with the IDF table of a TSV file written by :meth:`to_tsv`."""
        return cls(segmenter=segmenter, stopwords=stopwords, idf=path)

    def _load_tsv(self, text: str, *, source: str) -> None:
        table: dict[str, float] = {}
        dfs: dict[str, int] = {}
        meta: dict[str, str] = {}
        for lineno, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            if line.startswith("#"):
                key, sep, meta_value = line[1:].partition(":")
                if sep and key.strip() and key.strip() not in ("format", "fazhi IDF table"):
                    meta[key.strip()] = meta_value.strip()
                continue
            fields = line.split("\t")
            try:
                if len(fields) == 2:
                    term, idf_field = fields
                elif len(fields) == 3:
                    term, df, idf_field = fields
                    if df:
                        dfs[term] = int(df)
                else:
                    raise ValueError
                table[term] = float(idf_field)
            except ValueError:
                raise ValueError(f"{source}, line {lineno}: expected term<TAB>df<TAB>idf") from None
        self._idf = table
        self._df = dfs
        self.metadata = meta
        try:
            self.n_docs = int(meta.get("documents", "0"))
        except ValueError:
            self.n_docs = 0

    def __repr__(self) -> str:
        size = len(self._idf) if self._idf is not None else "lazy"
        return (
            f"KeywordExtractor(terms={size}, documents={self.n_docs}, "
            f"stopwords={len(self.stopwords)}, idf={self._idf_source!r})"
        )


_default: KeywordExtractor | None = None
_default_lock = threading.Lock()


def default_extractor() -> KeywordExtractor:
    """The process-wide extractor behind :func:`keywords` (created once)."""
    global _default
    ext = _default
    if ext is None:
        with _default_lock:
            if _default is None:
                _default = KeywordExtractor()
            ext = _default
    return ext


def keywords(text_or_doc: TextOrDoc, top_k: int | None = 10) -> list[tuple[str, float]]:
    """TF-IDF keywords of a text or Document with fazhi's defaults: ``[(term, score), …]``."""
    return default_extractor().extract(text_or_doc, top_k=top_k)
