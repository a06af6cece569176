"""The shipped 法治政府 lexicon, protected phrases and stop list.

Data files (UTF-8, in ``fazhi/data/``; lines starting with ``#`` are header or
comments, blank lines are ignored):

``lexicon.tsv``
    ``term<TAB>freq<TAB>tag<TAB>category``. ``freq`` and ``tag`` may be empty
    (the backend then suggests a frequency that keeps the term whole). The
    version is read from a header line such as ``# version: 2025.1``.
``protected.tsv``
    ``term<TAB>category``: phrases with punctuation inside (``双随机、一公开``)
    that no jieba-like dictionary can hold; they are matched before the backend
    sees the text.
``stopwords.txt``
    one word per line: official-document filler (推进, 加强, 工作 …).

Every loader of a shipped file is cached, so the files are parsed once per
process. Lexicon terms that a jieba-style backend cannot hold (characters
outside its word-character class) are moved to the protected phrases
automatically.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

__all__ = [
    "Lexicon",
    "LexiconEntry",
    "is_backend_word",
    "load_lexicon",
    "load_protected",
    "load_stopwords",
    "parse_lexicon",
]

logger = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]

# jieba's ``re_han_default``: only runs of these characters reach its
# dictionary. A word with any other character can never come out whole.
_BACKEND_WORD = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")

_VERSION_LINE = re.compile(r"^#\s*(?:lexicon[ _-]?)?version\s*[:=\t ]\s*(\S+)", re.IGNORECASE)


def is_backend_word(word: str) -> bool:
    """Whether a jieba-style dictionary can hold ``word`` (no punctuation, spaces, rare CJK…)."""
    return _BACKEND_WORD.fullmatch(word) is not None


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """One lexicon line: the term, its frequency and tag (``None`` when not given), its category."""

    term: str
    freq: int | None = None
    tag: str | None = None
    category: str | None = None


@dataclass(frozen=True, slots=True)
class Lexicon:
    """A parsed lexicon: dictionary entries plus protected phrases.

    ``entries`` go to the segmenter backend with their frequency and tag;
    ``protected`` are matched as whole tokens before the backend runs.
    ``version`` comes from the file header (or is ``"sha256:<12 hex>"`` of
    the content when the header has none); ``sha256`` always hashes the
    content.
    """

    entries: tuple[LexiconEntry, ...]
    protected: tuple[str, ...]
    version: str
    sha256: str
    source: str
    _terms: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        terms = frozenset(e.term for e in self.entries) | frozenset(self.protected)
        object.__setattr__(self, "_terms", terms)

    def __len__(self) -> int:
        return len(self.entries) + len(self.protected)

    def __contains__(self, term: object) -> bool:
        return term in self._terms

    def terms(self) -> frozenset[str]:
        """Every term: dictionary entries and protected phrases."""
        return self._terms


def _read_data(name: str) -> str:
    resource = importlib.resources.files("fazhi").joinpath("data").joinpath(name)
    return resource.read_text(encoding="utf-8-sig")


def _content_lines(text: str) -> Iterable[tuple[int, list[str]]]:
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        yield lineno, [part.strip() for part in line.split("\t")]


def parse_lexicon(text: str, *, source: str = "<lexicon>") -> Lexicon:
    """Parse lexicon TSV text (``term, freq, tag, category``; see the module doc).

    Raises :class:`ValueError` naming the source and line for a malformed
    frequency. Duplicate terms keep their last line (as a dictionary would).
    """
    version: str | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            continue
        m = _VERSION_LINE.match(line)
        if m:
            version = m.group(1)
            break
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    entries: dict[str, LexiconEntry] = {}
    protected: dict[str, None] = {}
    for lineno, fields in _content_lines(text):
        term = fields[0]
        if not term:
            continue
        freq_field = fields[1] if len(fields) > 1 else ""
        freq: int | None = None
        if freq_field:
            try:
                freq = int(freq_field)
            except ValueError:
                raise ValueError(
                    f"{source}, line {lineno}: frequency {freq_field!r} of {term!r} is not an integer"
                ) from None
            if freq < 0:
                raise ValueError(f"{source}, line {lineno}: negative frequency for {term!r}")
        tag = (fields[2] if len(fields) > 2 else "") or None
        category = (fields[3] if len(fields) > 3 else "") or None
        if is_backend_word(term):
            entries.pop(term, None)  # keep file order of the last occurrence
            entries[term] = LexiconEntry(term, freq, tag, category)
        else:
            protected[term] = None
    return Lexicon(
        entries=tuple(entries.values()),
        protected=tuple(protected),
        version=version or f"sha256:{digest[:12]}",
        sha256=digest,
        source=source,
    )


def _parse_protected(text: str) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for _, fields in _content_lines(text):
        if fields[0]:
            out[fields[0]] = None
    return tuple(out)


@lru_cache(maxsize=1)
def _shipped_lexicon() -> Lexicon:
    lexicon = parse_lexicon(_read_data("lexicon.tsv"), source="fazhi/data/lexicon.tsv")
    try:
        extra = _parse_protected(_read_data("protected.tsv"))
    except FileNotFoundError:  # pragma: no cover - the file ships with fazhi
        logger.warning("fazhi/data/protected.tsv is missing; no protected phrases")
        extra = ()
    protected = dict.fromkeys((*lexicon.protected, *extra))
    return Lexicon(
        entries=lexicon.entries,
        protected=tuple(protected),
        version=lexicon.version,
        sha256=lexicon.sha256,
        source=lexicon.source,
    )


def load_lexicon(path: PathLike | None = None) -> Lexicon:
    """The shipped lexicon (``path=None``, cached) or a lexicon TSV file of the same format.

    The shipped lexicon includes the phrases of ``protected.tsv``.
    """
    if path is None:
        return _shipped_lexicon()
    p = Path(path)
    return parse_lexicon(p.read_text(encoding="utf-8-sig"), source=str(p))


@lru_cache(maxsize=1)
def _shipped_protected() -> tuple[str, ...]:
    return _shipped_lexicon().protected


def load_protected(path: PathLike | None = None) -> tuple[str, ...]:
    """Protected phrases: the shipped ones (``path=None``) or those of a ``term<TAB>category`` file."""
    if path is None:
        return _shipped_protected()
    return _parse_protected(Path(path).read_text(encoding="utf-8-sig"))


@lru_cache(maxsize=1)
def _shipped_stopwords() -> frozenset[str]:
    return _parse_stopwords(_read_data("stopwords.txt"))


def _parse_stopwords(text: str) -> frozenset[str]:
    return frozenset(fields[0] for _, fields in _content_lines(text) if fields[0])


def load_stopwords(path: PathLike | None = None) -> frozenset[str]:
    """The shipped stop list of official-document filler (``path=None``, cached) or a file's words.

    One word per line; ``#`` lines are comments; anything after a tab is ignored.
    """
    if path is None:
        return _shipped_stopwords()
    return _parse_stopwords(Path(path).read_text(encoding="utf-8-sig"))
