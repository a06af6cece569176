"""The built-in paragraph topic classifier ``"topic"``.

This module is what fazhi's default plugin imports to register the ``topic``
classifier, so it stays cheap to import: scikit-learn, numpy and jieba are
loaded only when a model is first built or loaded.

* :class:`TopicClassifier` (defined in :mod:`fazhi.classifiers.topic_model`,
  importable from here and as ``fazhi.TopicClassifier``): TF-IDF on fazhi
  tokens, character n-grams and topic-lexicon scores, with logistic
  regression. ``TopicClassifier.pretrained()`` is the shipped model.
* :class:`KeywordTopicClassifier` (:mod:`fazhi.classifiers.keyword_topic`):
  the lexicon-only baseline with the same interface.
* :class:`ModelError`: a model directory that cannot be loaded (tampered,
  truncated, written by an incompatible version).

The label set (:data:`TOPIC_LABELS`) is the ten task areas of the
法治政府建设实施纲要 plus ``general``; see ``docs/topics.md``.
"""

from __future__ import annotations

import importlib
import logging
import re
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from fazhi.errors import FazhiError

if TYPE_CHECKING:
    from fazhi.classifiers.base import Prediction
    from fazhi.classifiers.keyword_topic import KeywordTopicClassifier as KeywordTopicClassifier
    from fazhi.classifiers.keyword_topic import LexiconMatch, TopicLexicon
    from fazhi.classifiers.topic_model import TopicClassifier as TopicClassifier
    from fazhi.classifiers.topic_model import TopicLexiconFeatures as TopicLexiconFeatures
    from fazhi.classifiers.topic_model import fazhi_tokenize as fazhi_tokenize
    from fazhi.document import Document, Paragraph
    from fazhi.hookspecs import RegisterClassifier

__all__ = [
    "GENERAL",
    "TOPIC_LABELS",
    "TOPIC_NAMES",
    "KeywordTopicClassifier",
    "ModelError",
    "TopicClassifier",
    "TopicLexiconFeatures",
    "fazhi_tokenize",
    "paragraph_predictions",
    "paragraph_texts",
    "register_classifiers",
    "topic_label_space",
]

log = logging.getLogger(__name__)

#: The label for paragraphs with no specific task area (preamble, closing, anecdotes).
GENERAL = "general"

#: Every topic label, in taxonomy order: the ten task areas, then ``general``.
TOPIC_LABELS: tuple[str, ...] = (
    "functions",
    "rulemaking",
    "decision",
    "enforcement",
    "emergency",
    "disputes",
    "oversight",
    "digital",
    "leadership",
    "literacy",
    GENERAL,
)
_TOPIC_LABEL_SET = frozenset(TOPIC_LABELS)

#: Chinese display names of the topic labels.
TOPIC_NAMES: dict[str, str] = {
    "functions": "政府职能",
    "rulemaking": "制度建设",
    "decision": "行政决策",
    "enforcement": "行政执法",
    "emergency": "突发事件应对",
    "disputes": "矛盾纠纷化解",
    "oversight": "权力监督",
    "digital": "数字法治政府",
    "leadership": "组织领导",
    "literacy": "法治素养与普法",
    GENERAL: "总体/综述",
}

RETRAIN_HINT = (
    "retrain it with `fazhi train --data FILE --out DIR` "
    "(or rebuild the shipped model with `python tools/train_shipped_model.py`)"
)


class ModelError(FazhiError, ValueError):
    """A topic model (or topic lexicon) that cannot be used.

    Raised by :meth:`TopicClassifier.load` for a missing, truncated, tampered
    or incompatible model directory: bad JSON, arrays of the wrong shape, an
    unknown ``format_version``, a file whose SHA-256 does not match the
    metadata. The message says what is wrong and how to retrain.
    """


_LAZY: dict[str, str] = {
    "TopicClassifier": "fazhi.classifiers.topic_model",
    "TopicLexiconFeatures": "fazhi.classifiers.topic_model",
    "fazhi_tokenize": "fazhi.classifiers.topic_model",
    "KeywordTopicClassifier": "fazhi.classifiers.keyword_topic",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


# -- plugin registration -------------------------------------------------------


def _pretrained_topic_classifier() -> Any:
    from fazhi.classifiers.topic_model import TopicClassifier

    return TopicClassifier.pretrained()


def register_classifiers(register: RegisterClassifier) -> None:
    """Register the shipped topic model as the paragraph classifier ``"topic"``.

    Called by fazhi's default plugin (the ``register_classifiers`` hook
    convention); the model is loaded lazily, the first time it is needed.
    """
    register("topic", _pretrained_topic_classifier)


# -- shared by TopicClassifier.classify and KeywordTopicClassifier.classify -----


class _ProbaClassifier(Protocol):
    name: str
    level: str

    @property
    def labels(self) -> Sequence[str]: ...

    def predict_with_proba(self, X: Sequence[str]) -> tuple[list[str], Any]: ...


_MARKER_ONLY = re.compile(r"^\s*$")


def paragraph_texts(doc: Document) -> list[tuple[int, str]]:
    """The text the topic classifiers read for each paragraph of ``doc``, with its start offset.

    A paragraph is read on its own, except the first paragraph of a section
    whose heading runs into it on the same line (``(一)加强行政执法。全面推行……``):
    that one is read together with its heading, as it is written. Returns
    ``(start, text)`` with ``text == doc.text[start:paragraph.end]``.
    """
    run_in: dict[int, int] = {}
    for section in doc.walk_sections():
        heading = section.heading
        if heading.run_in and section.paragraphs:
            first = section.paragraphs[0]
            gap = doc.text[heading.end : first.start]
            if _MARKER_ONLY.match(gap):
                run_in[first.index] = heading.start
    out: list[tuple[int, str]] = []
    for p in doc.paragraphs:
        start = run_in.get(p.index, p.start)
        out.append((start, doc.text[start : p.end]))
    return out


def topic_predictions(
    clf: _ProbaClassifier, doc: Document, lexicon: TopicLexicon
) -> list[Prediction]:
    """Paragraph predictions of a fitted topic estimator, with lexicon evidence."""
    if not doc.paragraphs:
        return []
    items = paragraph_texts(doc)
    texts = [text for _, text in items]
    labels, proba = clf.predict_with_proba(texts)
    matches = [lexicon.matches(text) for text in texts]
    # proba's columns are the estimator's classes (all topic labels when it is unfitted);
    # paragraph_predictions widens them to the label space
    columns = [str(c) for c in getattr(clf, "classes_", TOPIC_LABELS)]
    names = [str(label) for label in labels]
    return paragraph_predictions(clf.name, columns, doc, items, proba, matches, names)


def topic_label_space(classes: Iterable[Any] | None) -> tuple[str, ...]:
    """The labels a topic classifier reports on, given its ``classes_``.

    Every topic label when it is unfitted or trained on topic ids only (a model
    trained on some task areas still gives 0 for the others, so coverage
    names them as missing); else ``str`` of each class (another label scheme).
    """
    if classes is None:
        return TOPIC_LABELS
    names = tuple(str(c) for c in classes)
    return TOPIC_LABELS if set(names) <= _TOPIC_LABEL_SET else names


def paragraph_predictions(
    classifier: str,
    classes: Sequence[str],
    doc: Document,
    items: Sequence[tuple[int, str]],
    proba: Any,
    matches: Sequence[Sequence[LexiconMatch]],
    labels: Sequence[str] | None = None,
) -> list[Prediction]:
    """One prediction per paragraph of ``doc`` from a probability matrix, with lexicon evidence.

    ``items`` are :func:`paragraph_texts`, ``proba`` has one row per item and
    one column per class of ``classes``, ``matches`` the lexicon terms of each
    item's text. ``labels`` defaults to the most probable class of each row.
    ``probabilities`` cover :func:`topic_label_space` of ``classes``: all
    :data:`TOPIC_LABELS` (0 for a label the estimator was not trained on) when
    the classes are topic ids, else the classes; ``evidence`` lists the lexicon hits of the
    predicted topic in the text that was read (the paragraph, plus its run-in
    heading if it has one).
    """
    from fazhi.classifiers.base import _new_evidence, _new_prediction

    if labels is None:
        labels = [classes[i] for i in proba.argmax(axis=1)] if len(items) else []
    rows = proba.tolist() if hasattr(proba, "tolist") else [list(r) for r in proba]
    space = topic_label_space(classes)
    out: list[Prediction] = []
    paragraph: Paragraph
    # Prediction and Evidence built without the dataclass __init__ (what
    # Prediction.for_paragraph gives, with fresh dicts): a corpus has many paragraphs
    for paragraph, (start, _text), label, row, found in zip(
        doc.paragraphs, items, labels, rows, matches, strict=True
    ):
        probs = dict.fromkeys(space, 0.0)
        for c, value in zip(classes, row, strict=True):
            probs[c] = 0.0 if value < 0.0 else 1.0 if value > 1.0 else value
        # one rule-name string per label, shared by all its evidence (interned: a
        # pickle stores a shared string once, and analyze_many's results travel
        # between processes)
        rule = sys.intern(f"lexicon:{label}")
        evidence = tuple(
            [
                _new_evidence(start + m.start, start + m.end, m.term, rule, weight, note or None)
                for m in found
                for topic, weight, note in m.topics
                if topic == label
            ]
        )
        out.append(
            _new_prediction(
                classifier,
                label,
                probs[label],
                paragraph.start,
                paragraph.end,
                "paragraph",
                paragraph.index,
                probs,
                evidence,
                {},
            )
        )
    return out
