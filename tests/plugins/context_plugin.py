"""A classifier that reads another classifier's predictions through ``context``."""

from __future__ import annotations

import fazhi
from fazhi.classifiers.base import Prediction


class EchoClassifier:
    name = "test-echo"
    level = "document"
    labels = ()  # open label set
    requires = ("test-length",)

    def __init__(self):
        self.seen = []

    def classify(self, doc, context=None):
        self.seen.append(dict(context or {}))
        earlier = (context or {}).get("test-length", ())
        label = earlier[0].label if earlier else "none"
        return [Prediction.for_document(doc, classifier=self.name, label=label, score=0.5)]


INSTANCE = EchoClassifier()


@fazhi.hookimpl
def register_classifiers(register):
    register("test-echo", INSTANCE)  # an instance, not a factory
