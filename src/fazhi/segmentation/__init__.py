"""Word segmentation for 法治政府建设 documents: :class:`Segmenter`, :func:`segment`, keywords.

jieba and rjieba are imported only when a Segmenter is created, never when
this package is imported. See ``docs/segmentation.md``.
"""

from __future__ import annotations

from fazhi.segmentation.backends import (
    BackendFactory,
    JiebaBackend,
    RjiebaBackend,
    SegmenterBackend,
    backend_factories,
)
from fazhi.segmentation.keywords import KeywordExtractor, keywords
from fazhi.segmentation.lexicon import Lexicon, LexiconEntry, load_lexicon, load_stopwords
from fazhi.segmentation.segmenter import Segmenter, Token, default_segmenter, segment

__all__ = [
    "BackendFactory",
    "JiebaBackend",
    "KeywordExtractor",
    "Lexicon",
    "LexiconEntry",
    "RjiebaBackend",
    "Segmenter",
    "SegmenterBackend",
    "Token",
    "backend_factories",
    "default_segmenter",
    "keywords",
    "load_lexicon",
    "load_stopwords",
    "segment",
]
