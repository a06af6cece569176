"""The hybrid topic model :class:`TopicClassifier` and its safe, pickle-free persistence.

Features (each block can be switched off):

* **words**: TF-IDF over fazhi tokens (:func:`fazhi_tokenize`: the
  :class:`fazhi.Segmenter` with fazhi's lexicon, stop words removed, digits
  folded), unigrams and bigrams;
* **chars**: TF-IDF over character n-grams;
* **lexicon**: :class:`TopicLexiconFeatures`, the topic-lexicon scores (the
  same evidence the :class:`~fazhi.classifiers.keyword_topic.KeywordTopicClassifier`
  baseline uses), scaled by ``lexicon_weight``.

A multinomial :class:`~sklearn.linear_model.LogisticRegression` reads them.
:meth:`TopicClassifier.predict_proba` then mixes the regression's
probabilities with the keyword baseline's (``keyword_blend``, computed from
the same lexicon scores as the lexicon features), so the model cannot stray
far from the lexicon evidence on text unlike its training data. Prediction
runs on :mod:`fazhi.classifiers.topic_inference` (numpy, equal to
scikit-learn's transforms to rounding).
Fitting caps BLAS threads (threadpoolctl) and the vocabulary sizes
(``*_max_features``, ``*_min_df``), so it is fast and its memory bounded.

Persistence never uses pickle. :meth:`TopicClassifier.save` writes plain
files: ``metadata.json`` (format version, library versions, labels,
training-data hash, lexicon version, cross-validation scores, SHA-256 of every
other file), ``model.json`` (configuration, classes, vocabularies),
``arrays.npz`` (IDF vectors, coefficients, intercepts; read with
``allow_pickle=False``) and ``topic_lexicon.tsv`` (the lexicon the model was
trained with). :meth:`TopicClassifier.load` checks all of it and rebuilds the
fitted scikit-learn objects from their documented fitted attributes
(``vocabulary_``, ``idf_``, ``coef_``, ``intercept_``, ``classes_``), so a
model loads on any scikit-learn version fazhi supports. Anything wrong raises
:class:`~fazhi.classifiers.topic.ModelError`.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import importlib.resources
import io
import json
import logging
import os
import platform
import re
import sys
import threading
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:  # pragma: no cover - Python 3.10
    from importlib.abc import Traversable

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from fazhi._version import __version__ as _fazhi_version
from fazhi.classifiers.keyword_topic import (
    TopicLexicon,
    _as_labels,
    _as_texts,
    parse_topic_lexicon,
    resolve_lexicon,
)
from fazhi.classifiers.topic import (
    GENERAL,
    RETRAIN_HINT,
    TOPIC_LABELS,
    ModelError,
    paragraph_predictions,
    paragraph_texts,
    topic_label_space,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from fazhi.classifiers.base import Prediction
    from fazhi.classifiers.topic_inference import CompiledTopicModel
    from fazhi.document import Document
    from fazhi.segmentation import Segmenter

__all__ = [
    "FORMAT_VERSION",
    "TopicClassifier",
    "TopicLexiconFeatures",
    "clear_token_cache",
    "fazhi_tokenize",
    "set_tokenizer_backend",
]

log = logging.getLogger(__name__)

#: Version of the on-disk model format written by :meth:`TopicClassifier.save`.
FORMAT_VERSION = 1

METADATA_FILE = "metadata.json"
MODEL_FILE = "model.json"
ARRAYS_FILE = "arrays.npz"
LEXICON_FILE = "topic_lexicon.tsv"
_MODEL_FILES = (MODEL_FILE, ARRAYS_FILE, LEXICON_FILE)

#: Name recorded in saved models for the tokenizer below (a model is only
#: loaded with the tokenizer it was trained with).
TOKENIZER_NAME = "fazhi.classifiers.topic_model.fazhi_tokenize/1"

# -- tokenizer ---------------------------------------------------------------------

_tok_lock = threading.Lock()
_tok_backend: str | None = None  # None: rjieba when installed, else jieba
_tok_segmenter: Segmenter | None = None
_WORDLIKE = re.compile(r"[\u3400-\u9fffA-Za-z]")
_HOTLINE = re.compile(r"123[0-9]{2}")
# Numbers are folded to "0" (counts, years, percentages carry no topic), except the
# 123xx government service hotlines (12345 政务服务, 12348 法律服务, 12315 …).
_HAS_DIGIT = re.compile(r"\d")
# Backends that cut exactly like jieba with fazhi's lexicon, so $FAZHI_SEGMENTER may pick them.
_SAME_CUTS = ("jieba", "rjieba")
_DIGITS = re.compile(r"(?<![0-9])(?!123[0-9]{2}(?![0-9]))[0-9０-９]+(?:\.[0-9]+)?")


def _segmenter() -> Segmenter:
    global _tok_segmenter
    seg = _tok_segmenter
    if seg is not None:
        return seg
    with _tok_lock:
        if _tok_segmenter is None:
            from fazhi.segmentation import Segmenter, load_stopwords

            stop = load_stopwords()
            backend = _tok_backend
            chosen = os.environ.get("FAZHI_SEGMENTER", "").strip()
            if backend is None and chosen in _SAME_CUTS:
                backend = chosen
            if backend is not None:
                _tok_segmenter = Segmenter(backend=backend, stopwords=stop)
            else:
                # rjieba and jieba cut identically with fazhi's lexicon (HMM off);
                # rjieba is ~8x faster. Other $FAZHI_SEGMENTER backends (plugins) are
                # not used: the model's vocabulary was built with jieba's cuts.
                try:
                    _tok_segmenter = Segmenter(backend="rjieba", stopwords=stop)
                except Exception:  # rjieba is not installed
                    _tok_segmenter = Segmenter(backend="jieba", stopwords=stop)
            log.debug("topic tokenizer uses %r", _tok_segmenter)
        seg = _tok_segmenter
    assert seg is not None
    return seg


def set_tokenizer_backend(backend: str | None) -> None:
    """Choose the segmenter backend of :func:`fazhi_tokenize` (``None``: rjieba if installed, else jieba).

    Any backend must cut like jieba with fazhi's lexicon, or the words of a
    trained model will not match; ``"jieba"`` and ``"rjieba"`` do. Clears
    the token cache.
    """
    global _tok_backend, _tok_segmenter
    with _tok_lock:
        _tok_backend = backend
        _tok_segmenter = None
    clear_token_cache()


def _topic_tokens(text: str) -> list[str]:
    """:func:`fazhi_tokenize` without the cache (what prediction uses: texts rarely repeat)."""
    forms = _word_forms
    words = _segmenter().cut(text)
    if len(forms) > _MAX_WORD_FORMS:
        forms.clear()
    out: list[str] = []
    for word in words:
        form = forms.get(word, _UNSEEN)
        if form is _UNSEEN:
            form = forms[word] = _word_form(word)
        if form is not None:
            out.append(form)
    return out


def _word_form(word: str) -> str | None:
    """The form of a segmenter word the model counts, or ``None`` to drop it."""
    if not _WORDLIKE.search(word) and not _HOTLINE.fullmatch(word):
        return None  # punctuation, numbers
    if _HAS_DIGIT.search(word):
        return sys.intern(_DIGITS.sub("0", word))
    return sys.intern(word)


# word -> its counted form (or None); words repeat, so this saves the regex tests
_word_forms: dict[str, str | None] = {}
_MAX_WORD_FORMS = 200_000
_UNSEEN: Any = object()


# Fitting (and cross-validation, which fits many times on the same paragraphs)
# tokenizes through this cache.
@lru_cache(maxsize=20_000)
def _cut_cached(text: str) -> tuple[str, ...]:
    return tuple(_topic_tokens(text))


def fazhi_tokenize(text: str) -> list[str]:
    """The words :class:`TopicClassifier` counts: fazhi tokens minus stop words and punctuation.

    Uses a process-wide :class:`fazhi.Segmenter` (created on first call) with
    fazhi's lexicon and stop list; numbers inside words are folded to ``0``
    (``126件`` -> ``0件``) except 123xx service hotlines (``12345热线`` stays). Results of recent texts are cached, so refitting or
    re-predicting the same paragraphs does not segment them again
    (:func:`clear_token_cache` empties the cache).
    """
    return list(_cut_cached(text))


def clear_token_cache() -> None:
    """Forget the cached tokens of :func:`fazhi_tokenize`."""
    _word_forms.clear()
    _cut_cached.cache_clear()


# -- lexicon features --------------------------------------------------------------


class TopicLexiconFeatures(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Topic-lexicon scores as features, a scikit-learn transformer.

    For each text and each of the eleven topic labels: ``log1p(score)``
    (lexicon weights summed, lead-sentence hits counted ``lead_weight``
    times) and the topic's share of the text's total score. Then four
    columns that describe how focused the text is, which is what tells a
    preamble (``general``) from a task paragraph: 1 when no task-area topic
    scores at least ``min_score`` (the keyword baseline's ``general`` rule),
    ``log1p`` of the number of task areas that do, the top task area's share
    of all task-area score, and the normalised entropy of the task-area
    scores. Every column is multiplied by ``scale``. Output: a dense
    ``(n_texts, 26)`` float array.
    """

    def __init__(
        self,
        lexicon: str | os.PathLike[str] | TopicLexicon | None = None,
        lead_weight: float = 1.5,
        min_score: float = 2.0,
        scale: float = 1.0,
    ) -> None:
        self.lexicon = lexicon
        self.lead_weight = lead_weight
        self.min_score = min_score
        self.scale = scale

    def fit(self, X: Iterable[str], y: Any = None) -> TopicLexiconFeatures:
        """Load the lexicon (nothing is learned from ``X``)."""
        self.lexicon_ = resolve_lexicon(self.lexicon)
        self.n_features_out_ = 2 * len(TOPIC_LABELS) + 4
        return self

    def transform(self, X: Iterable[str]) -> NDArray[np.float64]:
        lexicon: TopicLexicon | None = getattr(self, "lexicon_", None)
        if lexicon is None:
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("TopicLexiconFeatures is not fitted yet; call fit() first")
        texts = _as_texts(X)
        raw = lexicon.score_matrix(texts, lead_weight=self.lead_weight, labels=TOPIC_LABELS)
        return self.transform_scores(raw)

    def transform_scores(self, raw: NDArray[np.float64]) -> NDArray[np.float64]:
        """The features of texts whose summed lexicon weights per label (taxonomy order) are ``raw``."""
        n = len(raw)
        total = raw.sum(axis=1, keepdims=True)
        share = np.divide(raw, total, out=np.zeros_like(raw), where=total > 0)
        specific = np.delete(raw, TOPIC_LABELS.index(GENERAL), axis=1)
        best = specific.max(axis=1) if n else np.zeros(0)
        spec_total = specific.sum(axis=1)
        p = np.divide(
            specific,
            spec_total[:, None],
            out=np.zeros_like(specific),
            where=spec_total[:, None] > 0,
        )
        logp = np.log(p, out=np.zeros_like(p), where=p > 0)
        entropy = -(p * logp).sum(axis=1) / np.log(specific.shape[1])
        focus = np.column_stack(
            [
                (best < self.min_score).astype(np.float64),
                np.log1p((specific >= self.min_score).sum(axis=1)),
                p.max(axis=1) if n else np.zeros(0),
                entropy,
            ]
        )
        out = np.hstack([np.log1p(raw), share, focus.reshape(n, 4)])
        return out * float(self.scale)

    def get_feature_names_out(self, input_features: Any = None) -> NDArray[Any]:
        names = [f"lex_log_{t}" for t in TOPIC_LABELS]
        names += [f"lex_share_{t}" for t in TOPIC_LABELS]
        names += ["lex_no_topic", "lex_n_topics", "lex_top_share", "lex_entropy"]
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

    def _more_tags(self) -> dict[str, Any]:  # scikit-learn < 1.6
        return {"X_types": ["string"]}


# -- the model ------------------------------------------------------------------------

#: The shipped model's place inside the package.
_SHIPPED = "data/topic_model"
_pretrained_lock = threading.Lock()
_pretrained: TopicClassifier | None = None

ProgressCallback = Callable[[int, int, str], None]


def _word_vectorizer(ngram_range: tuple[int, int], **kwargs: Any) -> TfidfVectorizer:
    return TfidfVectorizer(
        tokenizer=fazhi_tokenize,
        token_pattern=None,
        lowercase=False,
        ngram_range=tuple(ngram_range),
        sublinear_tf=True,
        dtype=np.float64,
        **kwargs,
    )


def _char_vectorizer(ngram_range: tuple[int, int], **kwargs: Any) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char",
        lowercase=False,
        ngram_range=tuple(ngram_range),
        sublinear_tf=True,
        dtype=np.float64,
        **kwargs,
    )


class TopicClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Paragraph topic classifier: TF-IDF words + character n-grams + topic-lexicon scores -> logistic regression.

    ``X`` is a list of paragraph strings, ``y`` their labels: all str (the
    shipped model uses the topic ids,
    :data:`~fazhi.classifiers.topic.TOPIC_LABELS`) or all numbers (integer
    codes from :class:`~sklearn.preprocessing.LabelEncoder`, say). As in
    scikit-learn, ``classes_`` holds the labels of ``y`` as given
    (``np.unique(y)``) and ``predict`` returns a list of values of
    ``classes_``: str for str labels, int for int labels. ``predict_proba``
    and ``decision_function`` have one column per entry of ``classes_``.
    The fazhi side (:attr:`labels`, :meth:`classify`, :meth:`save`) names
    every class by ``str(label)``.

    Parameters (all stored as given; checked in :meth:`fit`):

    ``use_words`` / ``word_ngram_range`` / ``word_min_df`` / ``word_max_features``
        TF-IDF over :func:`fazhi_tokenize` words (sublinear tf).
    ``use_chars`` / ``char_ngram_range`` / ``char_min_df`` / ``char_max_features``
        TF-IDF over character n-grams.
    ``lexicon`` / ``lexicon_weight`` / ``lead_weight``
        the topic lexicon (``None``: the shipped one; a path; a
        :class:`~fazhi.classifiers.keyword_topic.TopicLexicon`) and the scale of
        its :class:`TopicLexiconFeatures` (``0`` switches them off).
    ``C`` / ``class_weight`` / ``max_iter`` / ``tol`` / ``random_state``
        passed to :class:`~sklearn.linear_model.LogisticRegression` (lbfgs).
        A ``class_weight`` dict is keyed by label: with str labels its keys
        are read as str (``str(key)``); with numeric labels use the numbers
        (a str key equal to ``str(label)`` is accepted too).
    ``keyword_blend``
        weight ``a`` (0 to 1) of the keyword baseline in :meth:`predict_proba`:
        ``(1 - a) * P_lr + a * P_keyword``, where ``P_keyword`` is
        :meth:`KeywordTopicClassifier.predict_proba
        <fazhi.classifiers.keyword_topic.KeywordTopicClassifier.predict_proba>`
        (softmax of the lexicon scores, ``general`` floored at ``min_score``)
        with this model's lexicon and ``lead_weight``. ``0`` gives the plain
        regression. :meth:`decision_function` is always the regression's.
        The keyword baseline scores only fazhi's topic ids, matched by
        ``str(label)``: a class that is not a topic id gets no keyword
        evidence, and when no class is one, ``P_keyword`` is uniform and the
        blend only flattens the probabilities (the ranking, and so
        ``predict``, is unchanged). Use ``keyword_blend=0`` for such labels.
    ``n_threads``
        BLAS/OpenMP threads while fitting (threadpoolctl); 1 is fastest on
        small machines, ``None`` leaves the library default.

    It is also the fazhi paragraph classifier ``"topic"``:
    :meth:`classify` returns one :class:`~fazhi.Prediction` per paragraph.
    :meth:`pretrained` gives the shipped model; :meth:`save` / :meth:`load`
    persist a fitted model without pickle.

    >>> clf = TopicClassifier.pretrained()
    >>> clf.predict(["全面推行行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度。"])
    ['enforcement']
    """

    name = "topic"
    level = "paragraph"

    def __init__(
        self,
        *,
        use_words: bool = True,
        word_ngram_range: tuple[int, int] = (1, 2),
        word_min_df: int | float = 2,
        word_max_features: int | None = 20_000,
        use_chars: bool = True,
        char_ngram_range: tuple[int, int] = (2, 3),
        char_min_df: int | float = 2,
        char_max_features: int | None = 20_000,
        lexicon: str | os.PathLike[str] | TopicLexicon | None = None,
        lexicon_weight: float = 1.0,
        lead_weight: float = 1.5,
        C: float = 3.0,
        class_weight: str | Mapping[Any, float] | None = None,
        max_iter: int = 2000,
        tol: float = 1e-4,
        random_state: int | None = 0,
        n_threads: int | None = 1,
        keyword_blend: float = 0.5,
    ) -> None:
        self.use_words = use_words
        self.word_ngram_range = word_ngram_range
        self.word_min_df = word_min_df
        self.word_max_features = word_max_features
        self.use_chars = use_chars
        self.char_ngram_range = char_ngram_range
        self.char_min_df = char_min_df
        self.char_max_features = char_max_features
        self.lexicon = lexicon
        self.lexicon_weight = lexicon_weight
        self.lead_weight = lead_weight
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.n_threads = n_threads
        self.keyword_blend = keyword_blend

    # -- fitting ------------------------------------------------------------------
    def _check_params(self) -> None:
        if not (self.use_words or self.use_chars or self.lexicon_weight):
            raise ValueError("no features: set use_words, use_chars or a lexicon_weight > 0")
        for name in ("word_ngram_range", "char_ngram_range"):
            value = getattr(self, name)
            if (
                not isinstance(value, (tuple, list))
                or len(value) != 2
                or not all(isinstance(v, int) and v >= 1 for v in value)
                or value[0] > value[1]
            ):
                raise ValueError(f"{name} must be a pair (min_n, max_n) with 1 <= min_n <= max_n")
        if not (isinstance(self.C, (int, float)) and self.C > 0):
            raise ValueError(f"C must be a positive number, not {self.C!r}")
        if self.lexicon_weight < 0:
            raise ValueError("lexicon_weight must be >= 0")
        blend = self.keyword_blend
        if not (isinstance(blend, (int, float)) and 0.0 <= blend <= 1.0):
            raise ValueError(f"keyword_blend must be a number from 0 to 1, not {blend!r}")

    def fit(
        self,
        X: Iterable[str],
        y: Iterable[Any],
        sample_weight: Sequence[float] | NDArray[np.float64] | None = None,
    ) -> TopicClassifier:
        """Fit on paragraph texts ``X`` and labels ``y`` (``sample_weight`` optional).

        ``y`` keeps its values: ``classes_`` becomes ``np.unique(y)``. Raises
        :class:`ValueError` when ``y`` mixes str and numeric labels, has fewer
        than 2 classes or not one label per text.
        """
        self._check_params()
        texts = _as_texts(X)
        labels = _as_labels(y)
        if len(labels) != len(texts):
            raise ValueError(f"X has {len(texts)} texts but y has {len(labels)} labels")
        classes = np.unique(labels)
        if len(classes) < 2:
            raise ValueError(f"need at least 2 classes to fit, got {len(classes)}")
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        if weights is not None and weights.shape != (len(texts),):
            raise ValueError("sample_weight must have one weight per text")

        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=self.n_threads):
            self.lexicon_ = resolve_lexicon(self.lexicon)
            blocks = []
            self.word_vectorizer_: TfidfVectorizer | None = None
            self.char_vectorizer_: TfidfVectorizer | None = None
            self.lexicon_features_: TopicLexiconFeatures | None = None
            if self.use_words:
                self.word_vectorizer_ = _word_vectorizer(
                    self.word_ngram_range,
                    min_df=self.word_min_df,
                    max_features=self.word_max_features,
                )
                blocks.append(self.word_vectorizer_.fit_transform(texts))
            if self.use_chars:
                self.char_vectorizer_ = _char_vectorizer(
                    self.char_ngram_range,
                    min_df=self.char_min_df,
                    max_features=self.char_max_features,
                )
                blocks.append(self.char_vectorizer_.fit_transform(texts))
            if self.lexicon_weight:
                self.lexicon_features_ = TopicLexiconFeatures(
                    lexicon=self.lexicon_, lead_weight=self.lead_weight, scale=self.lexicon_weight
                ).fit(texts)
                blocks.append(sp.csr_matrix(self.lexicon_features_.transform(texts)))
            features = sp.hstack(blocks, format="csr")
            lr = LogisticRegression(
                C=self.C,
                class_weight=self._class_weight(classes),
                max_iter=self.max_iter,
                tol=self.tol,
                random_state=self.random_state,
            )
            lr.fit(features, labels, sample_weight=weights)
        # Round the weights to float32 precision: saved models store float32, and
        # a loaded model then predicts exactly like the one that was saved.
        lr.coef_ = lr.coef_.astype(np.float32).astype(np.float64)
        lr.intercept_ = lr.intercept_.astype(np.float32).astype(np.float64)
        self.lr_ = lr
        self.classes_ = lr.classes_
        self.n_features_ = int(features.shape[1])
        self.metadata_: dict[str, Any] = {}
        return self

    def _class_weight(self, classes: NDArray[Any]) -> str | dict[Any, float] | None:
        """``class_weight`` with its keys matched to the labels ``classes``.

        For str labels every key is read as ``str(key)``. For other labels a
        key is used as given, unless it is a str equal to ``str(label)`` of a
        class, which it then stands for.
        """
        cw = self.class_weight
        if cw is None or isinstance(cw, str):
            return cw
        values: list[Any] = classes.tolist()
        if all(isinstance(c, str) for c in values):
            return {str(k): float(v) for k, v in cw.items()}
        by_name = {str(c): c for c in values}  # unique: np.unique merged equal numbers
        return {(by_name.get(k, k) if isinstance(k, str) else k): float(v) for k, v in cw.items()}

    # -- prediction ---------------------------------------------------------------
    def _check_fitted(self) -> None:
        if getattr(self, "lr_", None) is None:
            from sklearn.exceptions import NotFittedError

            raise NotFittedError(
                "This TopicClassifier is not fitted yet; call fit() or use TopicClassifier.pretrained()"
            )

    def __getstate__(self) -> dict[str, Any]:
        state: dict[str, Any] = super().__getstate__()
        state.pop("_compiled_model", None)  # rebuilt on demand; keeps pickles (joblib) small
        return state

    def _compiled(self) -> CompiledTopicModel:
        """The fitted model arranged for fast prediction (built once per fit or load)."""
        compiled: CompiledTopicModel | None = getattr(self, "_compiled_model", None)
        if compiled is None or compiled.lr is not self.lr_:
            from fazhi.classifiers.topic_inference import CompiledTopicModel

            compiled = CompiledTopicModel(self, _topic_tokens)
            self._compiled_model = compiled
        return compiled

    def _features(self, texts: list[str]) -> sp.csr_matrix:
        """The feature matrix, computed by :mod:`fazhi.classifiers.topic_inference`."""
        return self._compiled().features(texts)

    def _sklearn_features(self, texts: list[str]) -> sp.csr_matrix:
        """The feature matrix from scikit-learn's own transforms (the reference for the fast path)."""
        blocks = []
        if self.word_vectorizer_ is not None:
            blocks.append(self.word_vectorizer_.transform(texts))
        if self.char_vectorizer_ is not None:
            blocks.append(self.char_vectorizer_.transform(texts))
        if self.lexicon_features_ is not None:
            blocks.append(sp.csr_matrix(self.lexicon_features_.transform(texts)))
        return sp.hstack(blocks, format="csr")

    def decision_function(self, X: Iterable[str]) -> NDArray[np.float64]:
        """Per-class scores of the logistic regression (columns follow ``classes_``)."""
        self._check_fitted()
        texts = _as_texts(X)
        if not texts:
            return np.zeros((0, len(self.classes_)))
        return self._compiled().decision_function(texts)

    def predict_proba(self, X: Iterable[str]) -> NDArray[np.float64]:
        """Class probabilities (columns follow ``classes_``).

        The regression's probabilities, mixed with the keyword baseline's when
        ``keyword_blend`` > 0: ``(1 - a) * P_lr + a * P_keyword`` (see the class
        docstring). Rows sum to 1.
        """
        self._check_fitted()
        texts = _as_texts(X)
        if not texts:
            return np.zeros((0, len(self.classes_)))
        return self._compiled().predict_proba(texts, blend=float(self.keyword_blend or 0.0))

    def predict(self, X: Iterable[str]) -> list[Any]:
        """The label of each paragraph text: a list of values of ``classes_``.

        str for a model fitted on str labels (the shipped model's topic ids),
        int for one fitted on int labels, and so on.
        """
        return self.predict_with_proba(X)[0]

    def predict_with_proba(self, X: Iterable[str]) -> tuple[list[Any], NDArray[np.float64]]:
        """``(predict(X), predict_proba(X))`` from one pass over the features."""
        proba = self.predict_proba(X)
        classes: list[Any] = np.asarray(self.classes_).tolist()
        return [classes[i] for i in proba.argmax(axis=1)], proba

    # -- fazhi classifier protocol ------------------------------------------------
    @property
    def labels(self) -> tuple[str, ...]:
        """The labels of its predictions and probabilities (:func:`topic_label_space`).

        All topic labels when unfitted or fitted on topic ids (even on some of
        them: the others get probability 0); else ``str`` of each of ``classes_``.
        """
        return topic_label_space(getattr(self, "classes_", None))

    def classify(self, doc: Document) -> list[Prediction]:
        """One :class:`~fazhi.Prediction` per paragraph, with probabilities and lexicon evidence.

        A prediction's label is ``str`` of the class (whatever the type of ``classes_``).
        """
        self._check_fitted()
        if not doc.paragraphs:
            return []
        compiled = self._compiled()
        items = paragraph_texts(doc)
        texts = [text for _, text in items]
        matches = compiled.lexicon_matches(texts)
        proba = compiled.predict_proba(texts, matches, blend=float(self.keyword_blend or 0.0))
        return paragraph_predictions(self.name, compiled.classes, doc, items, proba, matches)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

    def _more_tags(self) -> dict[str, Any]:  # scikit-learn < 1.6
        return {"X_types": ["string"]}

    # -- the shipped model --------------------------------------------------------
    @classmethod
    def pretrained(cls) -> TopicClassifier:
        """The model shipped with fazhi (loaded once per process, then shared).

        Do not refit the returned object; :func:`sklearn.base.clone` it first.
        """
        global _pretrained
        model = _pretrained
        if model is None:
            with _pretrained_lock:
                if _pretrained is None:
                    root = importlib.resources.files("fazhi").joinpath(_SHIPPED)
                    _pretrained = cls.load(root)
                model = _pretrained
        assert model is not None
        return model

    # -- persistence --------------------------------------------------------------
    def save(
        self,
        path: str | os.PathLike[str],
        *,
        metadata: Mapping[str, Any] | None = None,
        timestamp: bool = True,
    ) -> Path:
        """Write the fitted model to directory ``path`` (created if needed) without pickle.

        ``metadata`` (JSON-safe: training-data hash, CV scores, …) is merged
        into ``metadata.json`` over :attr:`metadata_`. With ``timestamp``
        (default) ``metadata.json`` records when it was written; without it,
        saving the same model twice gives byte-identical files. Files are
        written to temporary names first and then renamed. Returns the
        directory.

        Only a model fitted on str labels can be saved: the files name the
        classes by str, and a loaded model has str classes. A model fitted on
        numbers raises :class:`ValueError` (instead of coming back with
        ``"0"``, ``"1"``, … as its classes); map the labels to str first.
        """
        self._check_fitted()
        not_str = [c for c in np.asarray(self.classes_).tolist() if not isinstance(c, str)]
        if not_str:
            raise ValueError(
                f"cannot save a TopicClassifier fitted on non-str labels (such as {not_str[0]!r}): "
                "saved models name their classes by str, and a loaded model would predict "
                "str labels; fit it on str labels (for example LabelEncoder.inverse_transform, "
                "or the topic ids) to save it"
            )
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        model_json, arrays = self._export()
        files: dict[str, bytes] = {
            MODEL_FILE: json.dumps(model_json, ensure_ascii=False, indent=1, sort_keys=True).encode(
                "utf-8"
            ),
            ARRAYS_FILE: _npz_bytes(arrays),
            LEXICON_FILE: self.lexicon_.text.encode("utf-8"),
        }
        meta = dict(getattr(self, "metadata_", {}) or {})
        if metadata:
            meta.update(metadata)
        meta.update(
            {
                "format": "fazhi-topic-model",
                "format_version": FORMAT_VERSION,
                "versions": _versions(),
                "labels": [str(c) for c in self.classes_],
                "lexicon": {"version": self.lexicon_.version, "sha256": self.lexicon_.sha256},
                "tokenizer": TOKENIZER_NAME,
                "segmenter_lexicon_version": _segmenter_lexicon_version(),
                "n_features": self.n_features_,
                "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
            }
        )
        if timestamp:
            meta["created"] = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
        else:
            meta.pop("created", None)
        files[METADATA_FILE] = json.dumps(
            meta, ensure_ascii=False, indent=1, sort_keys=True
        ).encode("utf-8")
        for name, data in files.items():
            tmp = out / f".{name}.part"
            tmp.write_bytes(data)
            os.replace(tmp, out / name)
        self.metadata_ = meta
        log.info("saved topic model to %s", out)
        return out

    def _export(self) -> tuple[dict[str, Any], dict[str, NDArray[Any]]]:
        arrays: dict[str, NDArray[Any]] = {
            "coef": self.lr_.coef_.astype(np.float32),
            "intercept": self.lr_.intercept_.astype(np.float32),
        }
        model: dict[str, Any] = {
            "params": _json_params(self.get_params(deep=False)),
            "classes": [str(c) for c in self.classes_],
            "n_features": self.n_features_,
        }
        for key, vec in (("word", self.word_vectorizer_), ("char", self.char_vectorizer_)):
            if vec is None:
                model[f"{key}_vocabulary"] = None
                continue
            vocab = vec.vocabulary_
            terms = [""] * len(vocab)
            for term, i in vocab.items():
                terms[int(i)] = term
            model[f"{key}_vocabulary"] = terms
            arrays[f"{key}_idf"] = np.asarray(vec.idf_, dtype=np.float64)
        model["lexicon_features"] = (
            None
            if self.lexicon_features_ is None
            else {
                "lead_weight": self.lexicon_features_.lead_weight,
                "min_score": self.lexicon_features_.min_score,
                "scale": self.lexicon_features_.scale,
            }
        )
        return model, arrays

    @classmethod
    def load(cls, path: str | os.PathLike[str] | Traversable) -> TopicClassifier:
        """Load a model written by :meth:`save`. Never unpickles, never runs code from the files.

        Raises :class:`~fazhi.classifiers.topic.ModelError` when the
        directory is missing files, a file's SHA-256 differs from
        ``metadata.json``, the format version is unknown, or any content is
        malformed; the message says how to retrain.
        """
        root: Traversable = path if isinstance(path, Traversable) else Path(path)
        where = str(path)

        def fail(reason: str) -> ModelError:
            return ModelError(f"cannot load topic model {where}: {reason}; {RETRAIN_HINT}")

        def read(name: str) -> bytes:
            try:
                return root.joinpath(name).read_bytes()
            except (OSError, FileNotFoundError) as exc:
                raise fail(f"missing or unreadable {name} ({exc.__class__.__name__})") from None

        meta = _json_object(read(METADATA_FILE), METADATA_FILE, fail)
        if meta.get("format") != "fazhi-topic-model":
            raise fail(f"{METADATA_FILE} does not describe a fazhi topic model")
        version = meta.get("format_version")
        if version != FORMAT_VERSION:
            raise fail(
                f"unknown format_version {version!r} (this fazhi {_fazhi_version} reads {FORMAT_VERSION})"
            )
        hashes = meta.get("files")
        if not isinstance(hashes, dict):
            raise fail(f"{METADATA_FILE} has no file hashes")
        data: dict[str, bytes] = {}
        for name in _MODEL_FILES:
            blob = read(name)
            expected = hashes.get(name)
            if not isinstance(expected, str) or hashlib.sha256(blob).hexdigest() != expected:
                raise fail(
                    f"{name} does not match the SHA-256 in {METADATA_FILE} (modified or corrupt)"
                )
            data[name] = blob
        if meta.get("tokenizer") != TOKENIZER_NAME:
            raise fail(
                f"it was trained with tokenizer {meta.get('tokenizer')!r}, not {TOKENIZER_NAME!r}"
            )
        model = _json_object(data[MODEL_FILE], MODEL_FILE, fail)
        try:
            lexicon = parse_topic_lexicon(data[LEXICON_FILE].decode("utf-8"), source=LEXICON_FILE)
        except (UnicodeDecodeError, ModelError) as exc:
            raise fail(f"bad {LEXICON_FILE}: {exc}") from None
        try:
            with np.load(io.BytesIO(data[ARRAYS_FILE]), allow_pickle=False) as npz:
                arrays = {k: np.asarray(npz[k]) for k in npz.files}
        except Exception as exc:  # zipfile / format errors, object arrays
            raise fail(f"bad {ARRAYS_FILE} ({type(exc).__name__}: {exc})") from None
        try:
            obj = cls._rebuild(model, arrays, lexicon)
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise fail(f"inconsistent model files ({type(exc).__name__}: {exc})") from None
        seg_version = meta.get("segmenter_lexicon_version")
        current = _segmenter_lexicon_version()
        if seg_version and current and seg_version != current:
            log.warning(
                "topic model %s was trained with segmentation lexicon %s, this fazhi has %s; "
                "predictions may differ slightly (%s)",
                where,
                seg_version,
                current,
                RETRAIN_HINT,
            )
        obj.metadata_ = meta
        return obj

    @classmethod
    def _rebuild(
        cls, model: dict[str, Any], arrays: dict[str, NDArray[Any]], lexicon: TopicLexicon
    ) -> TopicClassifier:
        params = dict(model["params"])
        for key in ("word_ngram_range", "char_ngram_range"):
            params[key] = tuple(params[key])
        params["lexicon"] = None
        known = set(cls().get_params(deep=False))
        unknown = set(params) - known
        if unknown:
            raise ValueError(f"unknown parameters {sorted(unknown)}")
        obj = cls(**params)
        obj._check_params()
        classes = model["classes"]
        if not (
            isinstance(classes, list)
            and len(classes) >= 2
            and all(isinstance(c, str) for c in classes)
        ):
            raise ValueError("classes must be a list of at least 2 str")
        if sorted(classes) != classes or len(set(classes)) != len(classes):
            raise ValueError("classes must be sorted and unique")
        obj.lexicon_ = lexicon
        n_total = 0
        vectorizers: dict[str, TfidfVectorizer | None] = {}
        for key, enabled, make, ngram in (
            ("word", obj.use_words, _word_vectorizer, obj.word_ngram_range),
            ("char", obj.use_chars, _char_vectorizer, obj.char_ngram_range),
        ):
            terms = model.get(f"{key}_vocabulary")
            if not enabled:
                if terms is not None:
                    raise ValueError(f"{key} vocabulary present but use_{key}s is off")
                vectorizers[key] = None
                continue
            if not (isinstance(terms, list) and terms and all(isinstance(t, str) for t in terms)):
                raise ValueError(f"{key}_vocabulary must be a non-empty list of str")
            vocabulary = {t: i for i, t in enumerate(terms)}
            if len(vocabulary) != len(terms):
                raise ValueError(f"{key}_vocabulary has duplicates")
            idf = np.asarray(arrays[f"{key}_idf"], dtype=np.float64)
            if idf.shape != (len(terms),) or not np.all(np.isfinite(idf)):
                raise ValueError(f"{key}_idf has shape {idf.shape}, expected ({len(terms)},)")
            vec = make(ngram, vocabulary=vocabulary)
            vec.idf_ = idf  # documented fitted attribute (settable)
            vectorizers[key] = vec
            n_total += len(terms)
        obj.word_vectorizer_ = vectorizers["word"]
        obj.char_vectorizer_ = vectorizers["char"]
        lex_cfg = model.get("lexicon_features")
        if obj.lexicon_weight:
            if not isinstance(lex_cfg, dict):
                raise ValueError("lexicon_features configuration missing")
            lf = TopicLexiconFeatures(
                lexicon=lexicon,
                lead_weight=float(lex_cfg["lead_weight"]),
                min_score=float(lex_cfg["min_score"]),
                scale=float(lex_cfg["scale"]),
            ).fit([])
            obj.lexicon_features_ = lf
            n_total += int(lf.n_features_out_)
        else:
            obj.lexicon_features_ = None
        if model.get("n_features") != n_total:
            raise ValueError(
                f"n_features is {model.get('n_features')!r}, the vocabularies give {n_total}"
            )
        coef = np.asarray(arrays["coef"], dtype=np.float64)
        intercept = np.asarray(arrays["intercept"], dtype=np.float64)
        n_rows = 1 if len(classes) == 2 else len(classes)
        if coef.shape != (n_rows, n_total):
            raise ValueError(f"coef has shape {coef.shape}, expected ({n_rows}, {n_total})")
        if intercept.shape != (n_rows,):
            raise ValueError(f"intercept has shape {intercept.shape}, expected ({n_rows},)")
        if not (np.all(np.isfinite(coef)) and np.all(np.isfinite(intercept))):
            raise ValueError("coefficients are not finite")
        lr = LogisticRegression(
            C=obj.C,
            class_weight=obj._class_weight(np.asarray(classes, dtype=object)),
            max_iter=obj.max_iter,
            tol=obj.tol,
            random_state=obj.random_state,
        )
        lr.classes_ = np.asarray(classes, dtype=object)
        lr.coef_ = coef
        lr.intercept_ = intercept
        lr.n_features_in_ = n_total
        obj.lr_ = lr
        obj.classes_ = lr.classes_
        obj.n_features_ = n_total
        return obj


# -- helpers ---------------------------------------------------------------------------


def _npz_bytes(arrays: Mapping[str, NDArray[Any]]) -> bytes:
    """A compressed ``.npz`` archive, byte-for-byte reproducible (fixed zip timestamps, sorted names)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w") as fh:
                np.lib.format.write_array(
                    fh, np.ascontiguousarray(arrays[name]), allow_pickle=False
                )
    return buf.getvalue()


def _json_object(blob: bytes, name: str, fail: Callable[[str], ModelError]) -> dict[str, Any]:
    try:
        value = json.loads(blob.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise fail(f"{name} is not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise fail(f"{name} must hold a JSON object")
    return value


def _json_params(params: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key == "lexicon":
            out[key] = None  # the lexicon itself is saved as a file
        elif isinstance(value, tuple):
            out[key] = list(value)
        elif isinstance(value, Mapping):
            out[key] = {str(k): float(v) for k, v in value.items()}
        elif isinstance(value, (np.integer, np.floating)):
            out[key] = value.item()
        else:
            out[key] = value
    return out


def _versions() -> dict[str, str]:
    import scipy

    out = {
        "fazhi": _fazhi_version,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "python": platform.python_version(),
    }
    try:
        from importlib.metadata import version

        out["jieba"] = version("jieba")
    except Exception:  # pragma: no cover - jieba is a dependency
        pass
    return out


def _segmenter_lexicon_version() -> str | None:
    try:
        from fazhi.segmentation import load_lexicon

        return load_lexicon().version
    except Exception:  # pragma: no cover - defensive: never block saving or loading
        return None
