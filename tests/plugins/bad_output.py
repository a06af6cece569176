"""A classifier whose predictions point outside the document text."""

from __future__ import annotations

import fazhi
from fazhi.classifiers.base import Prediction


class OutOfBounds:
    name = "test-out-of-bounds"
    level = "document"
    labels = ("x",)

    def classify(self, doc):
        n = len(doc.text)
        return [
            Prediction(
                classifier=self.name, label="x", score=0.5, start=0, end=n + 10, level="document"
            )
        ]


@fazhi.hookimpl
def register_classifiers(register):
    register("test-out-of-bounds", OutOfBounds)
