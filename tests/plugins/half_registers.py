"""Registers one classifier, then fails: the partial registration must be rolled back."""

from __future__ import annotations

import fazhi


class Fine:
    name = "test-half"
    level = "document"
    labels = ()

    def classify(self, doc):
        return []


@fazhi.hookimpl
def register_classifiers(register):
    register("test-half", Fine)
    raise KeyError("second half missing")
