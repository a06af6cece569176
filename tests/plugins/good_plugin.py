"""A well-behaved plugin: one document-level classifier and one segmenter backend."""

from __future__ import annotations

import fazhi
from fazhi.classifiers.base import Evidence, Prediction


class LengthClassifier:
    name = "test-length"
    level = "document"
    labels = ("short", "long")

    def classify(self, doc):
        label = "long" if len(doc.text) > 200 else "short"
        ev = (Evidence(0, min(5, len(doc.text)), doc.text[:5], rule="length"),)
        return [
            Prediction.for_document(doc, classifier=self.name, label=label, score=1.0, evidence=ev)
        ]


class CharBackend:
    """Cuts text into single characters."""

    name = "test-chars"

    def cut(self, text, hmm=True):
        return list(text)

    def add_word(self, word, freq=None, tag=None):
        pass


@fazhi.hookimpl
def register_classifiers(register):
    register("test-length", LengthClassifier)


@fazhi.hookimpl
def register_segmenters(register):
    register("test-chars", CharBackend)
