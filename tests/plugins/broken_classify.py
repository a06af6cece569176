"""A plugin that loads fine but whose classifier raises on every document."""

from __future__ import annotations

import fazhi


class ExplodingClassifier:
    name = "test-explode"
    level = "paragraph"
    labels = ("x",)

    def classify(self, doc):
        raise ValueError("cannot classify this")


@fazhi.hookimpl
def register_classifiers(register):
    register("test-explode", ExplodingClassifier)
