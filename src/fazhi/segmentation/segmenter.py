"""The :class:`Segmenter`: a backend plus fazhi's lexicon, protected phrases and exact offsets."""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from fazhi.segmentation.backends import (
    BackendFactory,
    JiebaBackend,
    RjiebaBackend,
    SegmenterBackend,
    get_backend_factory,
)
from fazhi.segmentation.lexicon import (
    Lexicon,
    is_backend_word,
    load_lexicon,
    load_stopwords,
)

__all__ = ["MAX_TITLE_CHARS", "Segmenter", "Token", "default_segmenter", "segment"]

logger = logging.getLogger(__name__)

#: A 《…》 title of at most this many characters (brackets included) is kept as one token.
MAX_TITLE_CHARS = 40

# Runs of backend word characters longer than this are cut piecewise (see Segmenter._run):
# jieba's DAG for one 10-million-character run would need gigabytes.
_RUN_LIMIT = 2048
_WORD_CLASS = r"\u4E00-\u9FD5a-zA-Z0-9+#&._%\-"


@lru_cache(maxsize=1)
def _run_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(start of a run longer than _RUN_LIMIT, end of a run); compiled on first need (~8 ms)."""
    long_run = re.compile(rf"(?<![{_WORD_CLASS}])[{_WORD_CLASS}]{{{_RUN_LIMIT + 1}}}")
    run_end = re.compile(rf"[^{_WORD_CLASS}]")
    return long_run, run_end


_SPACE = re.compile(r"\s")
_TITLE = rf"《[^《》\r\n]{{1,{MAX_TITLE_CHARS - 2}}}》"

WordSpec = str | tuple[str, int | None] | tuple[str, int | None, str | None]
"""A word to add: ``"词"``, ``("词", freq)`` or ``("词", freq, tag)``."""

_Word = tuple[str, int | None, str | None]


@dataclass(frozen=True, slots=True)
class Token:
    """A token and its position: ``text == source[start:end]``."""

    text: str
    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start


_new_object = object.__new__
_token_slots: dict[str, Any] = dict(vars(Token))  # the slot member descriptors
_set_text = _token_slots["text"].__set__
_set_start = _token_slots["start"].__set__
_set_end = _token_slots["end"].__set__


def _token(text: str, start: int, end: int) -> Token:
    """``Token(text, start, end)`` at about half the cost of the frozen dataclass ``__init__``.

    Sets the slots through their descriptors (what the generated ``__init__``
    does via ``object.__setattr__``); tokenize() creates one per word.
    """
    tok: Token = _new_object(Token)
    _set_text(tok, text)
    _set_start(tok, start)
    _set_end(tok, end)
    return tok


class _RWLock:
    """Many concurrent readers (cuts) or one writer (adding words); writers are preferred."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._readers = 0
        self._writer = False
        self._waiting_writers = 0

    def acquire_read(self) -> None:
        with self._lock:
            if self._writer or self._waiting_writers:
                while self._writer or self._waiting_writers:
                    self._cond.wait()
            self._readers += 1

    def release_read(self) -> None:
        with self._lock:
            self._readers -= 1
            if not self._readers and self._waiting_writers:
                self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._lock:
            self._waiting_writers += 1
            try:
                while self._writer or self._readers:
                    self._cond.wait()
            finally:
                self._waiting_writers -= 1
            self._writer = True
        try:
            yield
        finally:
            with self._lock:
                self._writer = False
                self._cond.notify_all()


def _normalise_words(words: Iterable[WordSpec]) -> list[_Word]:
    if isinstance(words, str):
        raise TypeError(
            "add_words() expects an iterable of words, not a single str; wrap it: [word]"
        )
    out: list[_Word] = []
    for item in words:
        if isinstance(item, str):
            word, freq, tag = item, None, None
        elif isinstance(item, tuple) and 1 <= len(item) <= 3 and isinstance(item[0], str):
            word = item[0]
            freq = item[1] if len(item) > 1 else None
            tag = item[2] if len(item) > 2 else None
            if freq is not None and (isinstance(freq, bool) or not isinstance(freq, int)):
                raise TypeError(f"frequency of {word!r} must be an int or None, not {freq!r}")
            if freq is not None and freq < 0:
                raise ValueError(f"frequency of {word!r} must not be negative")
            if tag is not None and not isinstance(tag, str):
                raise TypeError(f"tag of {word!r} must be a str or None, not {tag!r}")
        else:
            raise TypeError(f"a word must be a str or a (word, freq[, tag]) tuple, not {item!r}")
        word = word.strip()
        if not word:
            raise ValueError("cannot add an empty word")
        out.append((word, freq, tag))
    return out


def _compile_protected(phrases: Iterable[str]) -> re.Pattern[str]:
    # longest first, so that 双随机、一公开监管 would win over 双随机、一公开
    literals = sorted(set(phrases), key=lambda p: (-len(p), p))
    parts = [re.escape(p) for p in literals]
    parts.append(_TITLE)
    return re.compile("|".join(parts))


class Segmenter:
    """Chinese word segmentation tuned for 法治政府建设 documents.

    >>> seg = Segmenter(backend="jieba")
    >>> seg.cut("深入推进法治政府建设，全面落实行政执法责任制")
    ['深入', '推进', '法治政府', '建设', '，', '全面落实', '行政执法', '责任制']
    >>> seg.cut("推行双随机、一公开监管，学习《行政复议法》")
    ['推行', '双随机、一公开', '监管', '，', '学习', '《行政复议法》']
    >>> seg.tokenize("推进 府院联动")[0]
    Token(text='推进', start=0, end=2)

    ``backend`` is ``"auto"`` (``$FAZHI_SEGMENTER`` if set, else ``"rjieba"``
    when installed, else ``"jieba"``), a backend name (``"jieba"``,
    ``"rjieba"`` or one registered by a plugin), a backend factory (a
    zero-argument callable such as a backend class) or a backend instance.
    ``hmm`` switches on jieba's HMM guessing of unknown words (off by
    default: with the lexicon it is more predictable). ``lexicon`` is
    ``True`` (fazhi's shipped 法治政府 lexicon), ``False``, a path to a lexicon
    TSV file or a :class:`~fazhi.segmentation.lexicon.Lexicon`.
    ``user_words`` are added after the lexicon (see :meth:`add_words`).
    ``stopwords`` (an iterable of words or a path to a word-per-line file;
    ``None`` keeps every token) are dropped from :meth:`cut` and
    :meth:`tokenize` output.

    Protected phrases (terms with punctuation inside, such as 双随机、一公开,
    and 《…》 titles of at most 40 characters) always come out as one token.
    Whitespace is never a token. Tokens are exact substrings of the input.

    A Segmenter is safe to share between threads. Creating one imports its
    engine; the dictionary is built once, on first use (with jieba ~0.5 s from
    fazhi's per-user cache, ~0.75 s without; with rjieba ~0.1 s).
    """

    def __init__(
        self,
        backend: str | BackendFactory | SegmenterBackend = "auto",
        hmm: bool = False,
        lexicon: bool | str | os.PathLike[str] | Lexicon = True,
        user_words: Iterable[WordSpec] | None = None,
        stopwords: Iterable[str] | str | os.PathLike[str] | None = None,
    ) -> None:
        self._backend_spec: str | BackendFactory | SegmenterBackend = backend
        self._backend_obj: SegmenterBackend = self._make_backend(backend)
        self._backend_name: str = str(
            getattr(self._backend_obj, "name", type(self._backend_obj).__name__)
        )
        self._trusted = type(self._backend_obj) in (JiebaBackend, RjiebaBackend)
        self._hmm = bool(hmm)

        if lexicon is True:
            self._lexicon: Lexicon | None = load_lexicon()
        elif lexicon is False or lexicon is None:
            self._lexicon = None
        elif isinstance(lexicon, Lexicon):
            self._lexicon = lexicon
        elif isinstance(lexicon, (str, os.PathLike)):
            self._lexicon = load_lexicon(lexicon)
        else:
            raise TypeError(
                f"lexicon must be a bool, a path or a Lexicon, not {type(lexicon).__name__}"
            )

        if stopwords is None:
            self._stopwords: frozenset[str] | None = None
        elif isinstance(stopwords, (str, os.PathLike)):
            self._stopwords = load_stopwords(stopwords)
        else:
            self._stopwords = frozenset(stopwords)

        self._words: list[_Word] = _normalise_words(user_words) if user_words is not None else []
        self._protected: dict[str, None] = dict.fromkeys(
            self._lexicon.protected if self._lexicon else ()
        )
        for word, _, _ in self._words:
            if not is_backend_word(word):
                self._protected[word] = None
        self._pattern = _compile_protected(self._protected)

        self._ready = False
        self._init_lock = threading.RLock()
        # Cuts take a read lock (and add_words a write lock) unless the backend
        # says add_word is safe during concurrent cuts, as the built-ins do.
        self._locked = not getattr(self._backend_obj, "concurrent_add_word", False)
        self._rw = _RWLock()

    # -- construction helpers ------------------------------------------------
    def _make_backend(self, spec: str | BackendFactory | SegmenterBackend) -> SegmenterBackend:
        if isinstance(spec, str):
            _, factory = get_backend_factory(spec)
            backend = factory()
        elif isinstance(spec, type) or not (hasattr(spec, "cut") and hasattr(spec, "add_word")):
            if not callable(spec):
                raise TypeError(
                    "backend must be a name, a backend factory or a backend instance, "
                    f"not {type(spec).__name__}"
                )
            backend = cast(BackendFactory, spec)()
        else:
            backend = cast(SegmenterBackend, spec)
        if not (
            callable(getattr(backend, "cut", None)) and callable(getattr(backend, "add_word", None))
        ):
            raise TypeError(f"{backend!r} is not a segmenter backend (needs cut() and add_word())")
        return backend

    def _ensure_ready(self) -> None:
        with self._init_lock:
            if self._ready:
                return
            backend = self._backend_obj
            if self._lexicon is not None:
                for entry in self._lexicon.entries:
                    backend.add_word(entry.term, entry.freq, entry.tag)
            for word, freq, tag in self._words:
                if is_backend_word(word):
                    backend.add_word(word, freq, tag)
            self._ready = True
            logger.debug("%r ready", self)

    # -- public attributes ---------------------------------------------------
    @property
    def backend(self) -> str:
        """The backend's name (``"jieba"``, ``"rjieba"`` or a plugin's)."""
        return self._backend_name

    @property
    def backend_version(self) -> str | None:
        """The backend's ``version`` attribute, if it has one."""
        version = getattr(self._backend_obj, "version", None)
        return str(version) if version is not None else None

    @property
    def hmm(self) -> bool:
        return self._hmm

    @property
    def lexicon(self) -> Lexicon | None:
        """The lexicon in use (``None`` with ``lexicon=False``)."""
        return self._lexicon

    @property
    def lexicon_version(self) -> str | None:
        """Version of the lexicon in use (``None`` with ``lexicon=False``)."""
        return self._lexicon.version if self._lexicon is not None else None

    @property
    def protected_phrases(self) -> tuple[str, ...]:
        """Phrases matched as whole tokens before the backend runs (besides 《…》 titles)."""
        return tuple(self._protected)

    @property
    def stopwords(self) -> frozenset[str] | None:
        return self._stopwords

    def __repr__(self) -> str:
        extra = f", user_words={len(self._words)}" if self._words else ""
        stop = f", stopwords={len(self._stopwords)}" if self._stopwords is not None else ""
        return (
            f"Segmenter(backend={self._backend_name!r}, hmm={self._hmm}, "
            f"lexicon={self.lexicon_version!r}{extra}{stop})"
        )

    # -- words -------------------------------------------------------------------
    def add_words(self, words: Iterable[WordSpec]) -> None:
        """Add words: ``"词"``, ``("词", freq)`` or ``("词", freq, tag)`` items.

        Without a frequency the backend picks one that keeps the word whole.
        Words with characters a jieba-style dictionary cannot hold (punctuation,
        spaces) become protected phrases. Safe to call while other threads cut:
        those cuts finish first, later cuts see the new words.
        """
        items = _normalise_words(words)
        if not items:
            return
        with self._init_lock:
            self._words.extend(items)
            dictionary = [item for item in items if is_backend_word(item[0])]
            protected = [item[0] for item in items if not is_backend_word(item[0])]
            if self._ready and dictionary:
                if self._locked:
                    with self._rw.write():
                        for word, freq, tag in dictionary:
                            self._backend_obj.add_word(word, freq, tag)
                else:  # the backend handles concurrent cuts itself
                    for word, freq, tag in dictionary:
                        self._backend_obj.add_word(word, freq, tag)
            if protected:
                self._protected.update(dict.fromkeys(protected))
                self._pattern = _compile_protected(self._protected)

    # -- cutting -----------------------------------------------------------------
    def cut(self, text: str) -> list[str]:
        """The words of ``text`` (whitespace dropped; stop words dropped when configured)."""
        if not isinstance(text, str):
            raise TypeError(f"Segmenter.cut() expects a str, not {type(text).__name__}")
        if not self._ready:
            self._ensure_ready()
        if self._locked:
            rw = self._rw
            rw.acquire_read()
            try:
                words = self._cut(text)
            finally:
                rw.release_read()
        else:
            words = self._cut(text)
        stop = self._stopwords
        if stop:
            return [w for w in words if w not in stop]
        return words

    __call__ = cut

    def tokenize(self, text: str) -> list[Token]:
        """The tokens of ``text`` with character offsets: ``text[t.start:t.end] == t.text``."""
        if not isinstance(text, str):
            raise TypeError(f"Segmenter.tokenize() expects a str, not {type(text).__name__}")
        if not self._ready:
            self._ensure_ready()
        if not self._locked:
            return self._tokenize(text)
        rw = self._rw
        rw.acquire_read()
        try:
            return self._tokenize(text)
        finally:
            rw.release_read()

    def _tokenize(self, text: str) -> list[Token]:
        stop = self._stopwords or ()
        out: list[Token] = []
        append = out.append
        for offset, _chunk, words, starts in self._pieces(text):
            if starts is None:
                pos = offset
                for w in words:
                    n = len(w)
                    if w not in stop and not w.isspace():
                        append(_token(w, pos, pos + n))
                    pos += n
            else:
                for w, s in zip(words, starts, strict=True):
                    if w not in stop:
                        append(_token(w, s, s + len(w)))
        return out

    def _cut(self, text: str) -> list[str]:
        if len(text) <= _RUN_LIMIT and self._trusted and self._pattern.search(text) is None:
            # the common case (a line or a paragraph): one backend call, no bookkeeping
            if not text:
                return []
            words = self._backend_obj.cut(text, self._hmm)
            if _SPACE.search(text):
                return [w for w in words if not w.isspace()]
            return words
        out: list[str] = []
        for _, chunk, words, starts in self._pieces(text):
            if starts is None and _SPACE.search(chunk):
                out.extend(w for w in words if not w.isspace())
            else:
                out.extend(words)
        return out

    def _pieces(self, text: str) -> Iterator[tuple[int, str, list[str], list[int] | None]]:
        """Consecutive stretches of ``text`` with their words.

        Yields ``(offset, chunk, words, starts)``. When ``starts`` is ``None``
        the words concatenate to ``chunk`` exactly (whitespace tokens
        included); otherwise (a backend that rewrote its input) ``starts``
        holds each word's offset and whitespace is already gone.
        """
        pos = 0
        for m in self._pattern.finditer(text):
            start = m.start()
            if start > pos:
                yield from self._chunk(text[pos:start], pos)
            phrase = m.group()
            yield start, phrase, [phrase], None
            pos = m.end()
        if pos < len(text):
            yield from self._chunk(text[pos:] if pos else text, pos)

    def _chunk(
        self, chunk: str, offset: int
    ) -> Iterator[tuple[int, str, list[str], list[int] | None]]:
        if len(chunk) > _RUN_LIMIT:
            long_run, run_end = _run_patterns()
            pos = 0
            for m in long_run.finditer(chunk):
                start = m.start()
                end_m = run_end.search(chunk, m.end())
                end = end_m.start() if end_m else len(chunk)
                if start > pos:
                    yield self._backend_piece(chunk[pos:start], offset + pos)
                yield from self._run(chunk[start:end], offset + start)
                pos = end
            if pos:
                if pos < len(chunk):
                    yield self._backend_piece(chunk[pos:], offset + pos)
                return
        yield self._backend_piece(chunk, offset)

    def _run(self, run: str, offset: int) -> Iterator[tuple[int, str, list[str], list[int] | None]]:
        """Cut a very long run of word characters piecewise.

        Each piece of ``_RUN_LIMIT`` characters is cut, its last token (maybe
        truncated by the piece end) is dropped and cutting resumes where that
        token began, so words are never broken at piece boundaries.
        """
        pos = 0
        n = len(run)
        while n - pos > _RUN_LIMIT:
            piece = run[pos : pos + _RUN_LIMIT]
            words = self._backend_obj.cut(piece, self._hmm)
            if len(words) > 1:
                words = words[:-1]
            item = self._checked(piece, words, offset + pos)
            _, _, kept, starts = item
            if starts is None:
                used = sum(map(len, kept))
                yield offset + pos, piece[:used], kept, None
            else:
                used = starts[-1] + len(kept[-1]) - (offset + pos) if kept else len(piece)
                yield item
            pos += max(used, 1)
        if pos < n:
            yield self._backend_piece(run[pos:], offset + pos)

    def _backend_piece(
        self, chunk: str, offset: int
    ) -> tuple[int, str, list[str], list[int] | None]:
        return self._checked(chunk, self._backend_obj.cut(chunk, self._hmm), offset)

    def _checked(
        self, chunk: str, words: list[str], offset: int
    ) -> tuple[int, str, list[str], list[int] | None]:
        if self._trusted or "".join(words) == chunk:
            return offset, chunk, words, None
        # A backend that drops or rewrites characters: realign on the input.
        logger.debug(
            "backend %s did not return the input text; realigning tokens", self._backend_name
        )
        kept: list[str] = []
        starts: list[int] = []
        i = 0
        for w in words:
            if not w or w.isspace():
                continue
            j = chunk.find(w, i)
            if j < 0:
                continue
            kept.append(w)
            starts.append(offset + j)
            i = j + len(w)
        return offset, chunk, kept, starts

    # -- pickling -----------------------------------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        backend = self._backend_spec
        if not isinstance(backend, str):
            backend = type(self._backend_obj) if not isinstance(backend, type) else backend
        return {
            "backend": backend,
            "hmm": self._hmm,
            # the shipped lexicon is re-read on unpickling rather than stored
            "lexicon": True if self._lexicon is load_lexicon() else self._lexicon,
            "stopwords": self._stopwords,
            "words": list(self._words),
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(  # type: ignore[misc]
            backend=state["backend"],
            hmm=state["hmm"],
            lexicon=state["lexicon"] if state["lexicon"] is not None else False,
            user_words=state["words"],
            stopwords=state["stopwords"],
        )


# -- the process-wide default -----------------------------------------------------

_default: Segmenter | None = None
_default_lock = threading.Lock()


def default_segmenter() -> Segmenter:
    """The process-wide Segmenter behind :func:`segment` (``backend="auto"``, created once)."""
    global _default
    seg = _default
    if seg is None:
        with _default_lock:
            if _default is None:
                _default = Segmenter()
            seg = _default
    return seg


def segment(text: str) -> list[str]:
    """Cut ``text`` with the default Segmenter: ``fazhi.segment("推进法治政府建设")``.

    The default Segmenter is created on first call (``backend="auto"``, so
    ``$FAZHI_SEGMENTER`` is read then) and shared by the whole process.
    """
    if not isinstance(text, str):
        raise TypeError(f"segment() expects a str, not {type(text).__name__}")
    return default_segmenter().cut(text)
