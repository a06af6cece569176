"""The ``indicators`` classifier: one prediction per quantitative indicator."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from fazhi.classifiers.base import Evidence, Prediction

from fazhi_indicators.extract import KINDS, extract_indicators

if TYPE_CHECKING:
    from fazhi.document import Document

__all__ = ["IndicatorClassifier"]

_SCORES = {"arabic": 0.9, "chinese": 0.8, "percent-words": 0.8}


def _paragraph_topics(
    doc: Document, predictions: Sequence[Prediction]
) -> dict[int, tuple[str, float]]:
    """paragraph index -> (topic, score) from the topic classifier's predictions.

    Works at any level: the most specific prediction whose span contains the
    paragraph wins, the highest score among equally specific ones.
    """
    out: dict[int, tuple[str, float]] = {}
    if not predictions:
        return out
    for para in doc.paragraphs:
        best: tuple[int, float, str] | None = None
        for p in predictions:
            if p.start <= para.start and para.end <= p.end:
                key = (-(p.end - p.start), p.score, p.label)
                if best is None or key[:2] > best[:2]:
                    best = key
        if best is not None:
            out[para.index] = (best[2], best[1])
    return out


class IndicatorClassifier:
    """Extracts quantitative indicators from each paragraph (see :mod:`fazhi_indicators.extract`).

    Each :class:`fazhi.Prediction` targets the paragraph holding the
    indicator; its ``label`` is the indicator kind (``count``, ``percent``…),
    its ``evidence`` the mention, and its ``data`` the record: ``what``,
    ``value``, ``value_max``, ``unit``, ``kind``, ``qualifier``, ``bound``,
    ``text``, ``start``, ``end``, ``clause``, ``rule``, ``paragraph`` and
    ``topic``/``topic_score`` (the paragraph's topic when a ``topic``
    classifier ran first, else ``None``).
    """

    name = "indicators"
    level = "paragraph"
    labels: tuple[str, ...] = KINDS
    requires: tuple[str, ...] = ("topic",)

    def classify(
        self, doc: Document, context: Mapping[str, Sequence[Prediction]] | None = None
    ) -> list[Prediction]:
        topics = _paragraph_topics(doc, (context or {}).get("topic", ()))
        out: list[Prediction] = []
        for para in doc.paragraphs:
            topic, topic_score = topics.get(para.index, (None, None))
            for ind in extract_indicators(para.text, offset=para.start):
                record = ind.to_dict()
                record["paragraph"] = para.index
                record["topic"] = topic
                record["topic_score"] = topic_score
                out.append(
                    Prediction.for_paragraph(
                        para,
                        classifier=self.name,
                        label=ind.kind,
                        score=_SCORES.get(ind.rule.removesuffix("-range"), 0.8),
                        evidence=(Evidence(ind.start, ind.end, ind.text, rule=ind.rule),),
                        data=record,
                    )
                )
        return out
