"""The topic lexicon and the lexicon-only topic baseline, :class:`KeywordTopicClassifier`.

The topic lexicon (``fazhi/data/topic_lexicon.tsv``) lists words and phrases
per topic with a weight. :class:`TopicLexicon` finds them in a paragraph
(longest match first, non-overlapping, left to right) and adds up the weights
per topic; a hit in the paragraph's lead sentence counts ``lead_weight``
times, because the lead clause usually states what the paragraph is about.

:class:`KeywordTopicClassifier` predicts the topic with the highest score, and
``general`` when no task-area topic scores at least ``min_score`` or the
preamble vocabulary outweighs them. It is a scikit-learn estimator (``fit``
only records the classes, which must include topic ids of the lexicon) and a
fazhi paragraph-level classifier, so it can be compared with
:class:`~fazhi.classifiers.topic_model.TopicClassifier` anywhere the model is
used (``fazhi evaluate`` does).
"""

from __future__ import annotations

import hashlib
import importlib.resources
import logging
import numbers
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from fazhi.classifiers.topic import (
    GENERAL,
    TOPIC_LABELS,
    ModelError,
    topic_label_space,
    topic_predictions,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from fazhi.classifiers.base import Prediction
    from fazhi.document import Document

__all__ = [
    "KeywordTopicClassifier",
    "LexiconHit",
    "LexiconMatch",
    "TopicLexicon",
    "keyword_scores",
    "load_topic_lexicon",
    "parse_topic_lexicon",
]

log = logging.getLogger(__name__)

_VERSION_LINE = re.compile(r"^#\s*version\s*[:=]\s*(\S+)", re.IGNORECASE)
# The lead sentence ends at the first full stop, semicolon or colon.
_LEAD_END = re.compile(r"[。！？!?；;：:]")


@dataclass(frozen=True, slots=True)
class LexiconHit:
    """One lexicon term found in a text: ``text[start:end] == term``."""

    start: int
    end: int
    term: str
    topic: str
    weight: float
    note: str = ""


@dataclass(frozen=True, slots=True)
class LexiconMatch:
    """A lexicon term found in a text, with every topic it is listed under.

    ``text[start:end] == term``; ``topics`` holds ``(topic, weight, note)``.
    """

    start: int
    end: int
    term: str
    topics: tuple[tuple[str, float, str], ...]


@dataclass(frozen=True)
class TopicLexicon:
    """A parsed topic lexicon: ``entries`` are ``(term, topic, weight, note)`` rows.

    ``version`` comes from the ``# version:`` header line (``"sha256:<12 hex>"``
    of the content when there is none); ``sha256`` hashes the file content;
    ``text`` is the content itself (saved with trained models).
    """

    entries: tuple[tuple[str, str, float, str], ...]
    version: str
    sha256: str
    text: str
    _by_term: dict[str, tuple[tuple[str, float, str], ...]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _pattern: re.Pattern[str] | None = field(default=None, repr=False, compare=False)

    @property
    def topics(self) -> tuple[str, ...]:
        """The topics the lexicon has terms for, in taxonomy order."""
        present = {e[1] for e in self.entries}
        return tuple(t for t in TOPIC_LABELS if t in present)

    def hits(self, text: str) -> list[LexiconHit]:
        """Every lexicon term in ``text``: longest first, non-overlapping, left to right.

        A term listed under several topics yields one hit per topic (same span).
        """
        return [
            LexiconHit(m.start, m.end, m.term, topic, weight, note)
            for m in self.matches(text)
            for topic, weight, note in m.topics
        ]

    def matches(self, text: str) -> list[LexiconMatch]:
        """The lexicon terms in ``text`` (as :meth:`hits`), one match per span with all its topics."""
        pattern = self._pattern
        if pattern is None:
            return []
        by_term = self._by_term
        return [
            LexiconMatch(m.start(), m.end(), term, by_term[term])
            for m in pattern.finditer(text)
            for term in (m.group(),)
        ]

    def scores(
        self, text: str, *, lead_weight: float = 1.5, labels: Sequence[str] = TOPIC_LABELS
    ) -> NDArray[np.float64]:
        """Summed weights per label of ``labels`` (hits in the lead sentence count ``lead_weight`` times)."""
        row: NDArray[np.float64] = self.score_matrix(
            [text], lead_weight=lead_weight, labels=labels
        )[0]
        return row

    def score_matrix(
        self,
        texts: Iterable[str],
        *,
        lead_weight: float = 1.5,
        labels: Sequence[str] = TOPIC_LABELS,
    ) -> NDArray[np.float64]:
        """:meth:`scores` of many texts as an ``(n_texts, len(labels))`` array."""
        texts = list(texts)
        return self.scores_of_matches(
            texts, [self.matches(t) for t in texts], lead_weight=lead_weight, labels=labels
        )

    def scores_of_matches(
        self,
        texts: Sequence[str],
        matches: Sequence[Sequence[LexiconMatch]],
        *,
        lead_weight: float = 1.5,
        labels: Sequence[str] = TOPIC_LABELS,
    ) -> NDArray[np.float64]:
        """:meth:`score_matrix` from the :meth:`matches` of each text, found beforehand.

        Lets a caller that also needs the matches (as evidence) scan each text once.
        """
        index = {t: i for i, t in enumerate(labels)}
        out = np.zeros((len(texts), len(labels)), dtype=np.float64)
        for row, (text, found) in enumerate(zip(texts, matches, strict=True)):
            if not found:
                continue
            m_end = _LEAD_END.search(text)
            lead_end = m_end.end() if m_end else len(text)
            scores = out[row]
            for match in found:
                factor = lead_weight if match.start < lead_end else 1.0
                for topic, weight, _ in match.topics:
                    i = index.get(topic)
                    if i is not None:
                        scores[i] += weight * factor
        return out


def parse_topic_lexicon(text: str, *, source: str = "<lexicon>") -> TopicLexicon:
    """Parse topic-lexicon TSV text (see the header of the shipped file for the format).

    Raises :class:`~fazhi.classifiers.topic.ModelError` on a malformed line,
    an unknown topic or a weight that is not a positive number.
    """
    entries: list[tuple[str, str, float, str]] = []
    version: str | None = None
    seen: set[tuple[str, str]] = set()
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        if line.startswith("#"):
            m = _VERSION_LINE.match(line)
            if m and version is None:
                version = m.group(1)
            continue
        parts = line.split("\t")
        if parts[0] == "term" and len(parts) > 1 and parts[1] == "topic":
            continue  # column header
        if len(parts) < 3:
            raise ModelError(
                f"{source} line {lineno}: expected term<TAB>topic<TAB>weight[<TAB>note]"
            )
        term, topic, weight_s = parts[0].strip(), parts[1].strip(), parts[2].strip()
        note = parts[3].strip() if len(parts) > 3 else ""
        if not term:
            raise ModelError(f"{source} line {lineno}: empty term")
        if topic not in TOPIC_LABELS:
            raise ModelError(
                f"{source} line {lineno}: unknown topic {topic!r}; expected one of {', '.join(TOPIC_LABELS)}"
            )
        try:
            weight = float(weight_s)
        except ValueError:
            raise ModelError(
                f"{source} line {lineno}: weight {weight_s!r} is not a number"
            ) from None
        if not (weight > 0 and np.isfinite(weight)):
            raise ModelError(f"{source} line {lineno}: weight must be a positive number")
        if (term, topic) in seen:
            raise ModelError(f"{source} line {lineno}: {term!r} is listed twice under {topic!r}")
        seen.add((term, topic))
        entries.append((term, topic, weight, note))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    by_term: dict[str, list[tuple[str, float, str]]] = {}
    for term, topic, weight, note in entries:
        by_term.setdefault(term, []).append((topic, weight, note))
    pattern = None
    if by_term:
        # Longest alternatives first: at each position the regex engine takes the
        # first alternative that matches, i.e. the longest term.
        pattern = _longest_match_pattern(by_term)
    return TopicLexicon(
        entries=tuple(entries),
        version=version or f"sha256:{digest[:12]}",
        sha256=digest,
        text=text,
        _by_term={k: tuple(v) for k, v in by_term.items()},
        _pattern=pattern,
    )


def _longest_match_pattern(terms: Iterable[str]) -> re.Pattern[str]:
    """A regex matching any of ``terms``, the longest one at each position.

    The terms are arranged as a trie (``行政(?:执法(?:责任制)?|复议)``): at each
    node the regex tries to go deeper before it stops, and the children of a
    node start with different characters, so the first match found is the
    longest term starting there. Leftmost-longest, non-overlapping, like a
    plain alternation sorted longest first, but the regex engine discards a
    position after one character comparison instead of one per term (2-3x
    faster on the shipped lexicon).
    """
    trie: dict[str, Any] = {}
    for term in terms:
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = {}  # a term ends here

    def build(node: dict[str, Any]) -> str:
        ends = "" in node
        singles: list[str] = []
        branches: list[str] = []
        for ch in sorted(c for c in node if c):
            rest = build(node[ch])
            if rest:
                branches.append(re.escape(ch) + rest)
            else:
                singles.append(re.escape(ch))
        if len(singles) == 1:
            branches.append(singles[0])
        elif singles:
            branches.append("[" + "".join(singles) + "]")
        if not branches:
            return ""
        body = "(?:" + "|".join(branches) + ")" if len(branches) > 1 or ends else branches[0]
        return body + "?" if ends else body

    return re.compile(build(trie))


@lru_cache(maxsize=1)
def _shipped_lexicon() -> TopicLexicon:
    text = (
        importlib.resources.files("fazhi")
        .joinpath("data/topic_lexicon.tsv")
        .read_text(encoding="utf-8")
    )
    return parse_topic_lexicon(text, source="fazhi/data/topic_lexicon.tsv")


def load_topic_lexicon(path: str | os.PathLike[str] | None = None) -> TopicLexicon:
    """The shipped topic lexicon (``path=None``, parsed once per process) or a TSV file's."""
    if path is None:
        return _shipped_lexicon()
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ModelError(f"cannot read topic lexicon {p}: {exc}") from exc
    return parse_topic_lexicon(text, source=str(p))


def resolve_lexicon(lexicon: str | os.PathLike[str] | TopicLexicon | None) -> TopicLexicon:
    """A :class:`TopicLexicon` from an estimator's ``lexicon`` parameter."""
    if lexicon is None:
        return _shipped_lexicon()
    if isinstance(lexicon, TopicLexicon):
        return lexicon
    if isinstance(lexicon, (str, os.PathLike)):
        return load_topic_lexicon(lexicon)
    raise TypeError(f"lexicon must be None, a path or a TopicLexicon, not {type(lexicon).__name__}")


def keyword_scores(
    raw: NDArray[np.float64], classes: Sequence[str], min_score: float
) -> NDArray[np.float64]:
    """The keyword baseline's decision scores from raw lexicon scores (columns follow ``classes``).

    ``raw`` holds the summed lexicon weights per class (lead-sentence hits
    already counted ``lead_weight`` times). ``general`` is raised to
    ``min_score`` when no task-area class reaches it; every other column is
    ``raw`` unchanged. Returns a new array. Shared by
    :class:`KeywordTopicClassifier` and the keyword blend of
    :class:`~fazhi.classifiers.topic_model.TopicClassifier`.
    """
    out = np.array(raw, dtype=np.float64, copy=True)
    classes = [str(c) for c in classes]
    if GENERAL in classes:
        g = classes.index(GENERAL)
        specific = np.delete(out, g, axis=1)
        best = specific.max(axis=1) if specific.shape[1] else np.zeros(len(out))
        # general wins when no task area reaches min_score, or when the preamble
        # vocabulary outweighs every task area (ties go to the task area: general
        # is last in taxonomy order)
        floor = float(min_score)
        out[:, g] = np.where(best < floor, np.maximum(out[:, g], floor), out[:, g])
    return out


def _softmax(z: NDArray[np.float64]) -> NDArray[np.float64]:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]


class KeywordTopicClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Lexicon-only topic baseline with the scikit-learn classifier interface.

    Each paragraph gets the summed lexicon weights per topic (lead-sentence
    hits count ``lead_weight`` times). The prediction is the task-area topic
    with the highest score; it is ``general`` when no task-area topic reaches
    ``min_score``, or when the preamble (``general``) vocabulary scores higher
    than every task area. Ties go to the topic listed first in the taxonomy.
    ``predict_proba`` is a softmax of the scores divided by ``temperature``
    (``general`` gets ``min_score`` as its floor), so it ranks like
    ``predict``; it is not calibrated.

    It learns nothing: it can only predict the topics of its lexicon and
    ``general``. ``fit(X, y)`` records ``classes_``, the sorted unique labels
    of ``y`` as given (``np.unique(y)``); a label is matched to a lexicon topic
    by ``str(label)``, and labels that are not topic ids are never predicted.
    When none of ``y``'s labels is a topic id (integer-encoded labels, for
    example), ``fit`` raises :class:`ValueError` listing the valid ids.
    ``predict`` returns values of ``classes_``. The estimator also works
    unfitted, over all eleven topic labels, and as the fazhi paragraph
    classifier ``"topic-keyword"`` (:meth:`classify`).

    >>> clf = KeywordTopicClassifier()
    >>> clf.predict(["全面推行行政执法公示制度、执法全过程记录制度"])
    ['enforcement']
    """

    name = "topic-keyword"
    level = "paragraph"

    def __init__(
        self,
        lexicon: str | os.PathLike[str] | TopicLexicon | None = None,
        min_score: float = 2.0,
        lead_weight: float = 1.5,
        temperature: float = 1.0,
    ) -> None:
        self.lexicon = lexicon
        self.min_score = min_score
        self.lead_weight = lead_weight
        self.temperature = temperature

    # -- fazhi classifier protocol -------------------------------------------
    @property
    def labels(self) -> tuple[str, ...]:
        """The labels of its predictions and probabilities (:func:`topic_label_space`).

        All topic labels when unfitted or fitted on topic ids (even on some of
        them: the others get probability 0); else ``str`` of each of ``classes_``.
        """
        return topic_label_space(getattr(self, "classes_", None))

    def classify(self, doc: Document) -> list[Prediction]:
        """One :class:`~fazhi.Prediction` per paragraph of ``doc``, with lexicon evidence."""
        return topic_predictions(self, doc, resolve_lexicon(self.lexicon))

    # -- scikit-learn ------------------------------------------------------------
    def fit(self, X: Iterable[str], y: Iterable[Any]) -> KeywordTopicClassifier:
        """Record ``classes_`` (sorted unique labels of ``y``, as given); the lexicon is not learned.

        Raises :class:`ValueError` when ``y`` mixes str and numeric labels, or
        when none of its labels is a topic of the lexicon or ``general``
        (the only labels this baseline can predict).
        """
        texts = _as_texts(X)
        labels = _as_labels(y)
        if len(labels) != len(texts):
            raise ValueError(f"X has {len(texts)} texts but y has {len(labels)} labels")
        if len(labels) == 0:
            raise ValueError("cannot fit on an empty training set")
        lexicon = resolve_lexicon(self.lexicon)
        classes = np.unique(labels)
        valid = tuple(dict.fromkeys((*lexicon.topics, GENERAL)))
        if not any(str(c) in valid for c in classes):
            shown = ", ".join(repr(c) for c in classes.tolist()[:5])
            more = ", …" if len(classes) > 5 else ""
            raise ValueError(
                f"none of y's labels ({shown}{more}) is a topic id: KeywordTopicClassifier "
                f"learns nothing and can only predict its lexicon's topics, which are "
                f"{', '.join(valid)}; label the paragraphs with these ids "
                "(for example, map integer-encoded labels back to the topic ids)"
            )
        self.lexicon_ = lexicon
        self.classes_ = classes
        return self

    def _classes(self) -> NDArray[Any]:
        classes = getattr(self, "classes_", None)
        if classes is None:
            return np.asarray(TOPIC_LABELS, dtype=object)
        return classes  # type: ignore[no-any-return]

    def _lexicon(self) -> TopicLexicon:
        lex: TopicLexicon | None = getattr(self, "lexicon_", None)
        return lex if lex is not None else resolve_lexicon(self.lexicon)

    def _scores(self, X: Iterable[str]) -> NDArray[np.float64]:
        """Decision scores over ``_classes()``: general gets the floor or its own score."""
        texts = _as_texts(X)
        classes = [str(c) for c in self._classes()]
        raw = self._lexicon().score_matrix(texts, lead_weight=self.lead_weight, labels=classes)
        return keyword_scores(raw, classes, self.min_score)

    def decision_function(self, X: Iterable[str]) -> NDArray[np.float64]:
        """Per-class scores (columns follow ``classes_``)."""
        return self._scores(X)

    def predict(self, X: Iterable[str]) -> list[Any]:
        """The topic of each text: a plain list of values of ``classes_`` (str topic ids)."""
        return self._labels(self._scores(X))

    def predict_with_proba(self, X: Iterable[str]) -> tuple[list[Any], NDArray[np.float64]]:
        """``(predict(X), predict_proba(X))`` computed once."""
        scores = self._scores(X)
        return self._labels(scores), self._proba(scores)

    def _labels(self, scores: NDArray[np.float64]) -> list[Any]:
        classes: list[Any] = self._classes().tolist()
        order = _taxonomy_order([str(c) for c in classes])
        # argmax with ties broken by taxonomy order
        ranked = scores[:, order]
        best = ranked.argmax(axis=1) if len(scores) else np.zeros(0, dtype=int)
        return [classes[order[i]] for i in best]

    def predict_proba(self, X: Iterable[str]) -> NDArray[np.float64]:
        """Softmax of the scores over ``classes_`` (ranks like :meth:`predict`; not calibrated)."""
        return self._proba(self._scores(X))

    def _proba(self, scores: NDArray[np.float64]) -> NDArray[np.float64]:
        if not len(scores):
            return scores
        t = float(self.temperature) if self.temperature and self.temperature > 0 else 1.0
        return _softmax(scores / t)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

    def _more_tags(self) -> dict[str, Any]:  # scikit-learn < 1.6
        return {"requires_fit": False, "X_types": ["string"]}


def _taxonomy_order(classes: Sequence[str]) -> list[int]:
    rank = {t: i for i, t in enumerate(TOPIC_LABELS)}
    return sorted(range(len(classes)), key=lambda i: (rank.get(classes[i], len(rank)), classes[i]))


def _as_labels(y: Iterable[Any]) -> NDArray[Any]:
    """The labels ``y`` as a 1-D array that keeps their values.

    All-str labels give an object array of ``str`` (so ``np.unique`` sorts
    them as strings); numeric labels (int, float, bool, numpy numbers) give a
    numeric array. Raises :class:`ValueError` when ``y`` mixes str and numbers
    (they cannot be sorted together), holds any other kind of value, or is
    not one-dimensional; :class:`TypeError` for a single str.
    """
    if isinstance(y, str):
        raise TypeError("y must be a sequence of labels, not a single str")
    values = np.asarray(y if isinstance(y, np.ndarray) else list(y), dtype=object)
    if values.ndim != 1:
        raise ValueError(
            f"y must be a one-dimensional sequence of labels, got shape {values.shape}"
        )
    items: list[Any] = values.tolist()
    first_str = next((v for v in items if isinstance(v, str)), None)
    first_num = next((v for v in items if isinstance(v, (numbers.Number, np.bool_))), None)
    for v in items:
        if not isinstance(v, (str, numbers.Number, np.bool_)):
            raise ValueError(
                f"y holds a label of type {type(v).__name__} ({v!r}); labels must all be str "
                "(such as the topic ids) or all numbers"
            )
    if first_num is None:
        return np.asarray([str(v) for v in items], dtype=object)
    if first_str is not None:
        raise ValueError(
            f"y mixes str and numeric labels (for example {first_str!r} and {first_num!r}); "
            "labels must all be str (such as the topic ids) or all numbers"
        )
    return np.asarray(items)


def _as_texts(X: Iterable[str]) -> list[str]:
    if isinstance(X, str):
        raise TypeError("X must be a list of paragraph strings, not a single str; wrap it: [text]")
    texts = list(X)
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"X[{i}] is a {type(t).__name__}, expected str")
    return texts
