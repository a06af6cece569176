"""Registers a classifier name that good_plugin also registers."""

from __future__ import annotations

import fazhi


class OtherLength:
    name = "test-length"
    level = "document"
    labels = ("x",)

    def classify(self, doc):
        return []


@fazhi.hookimpl
def register_classifiers(register):
    register("test-length", OtherLength)
