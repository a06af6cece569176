"""Classifiers: the shared protocol (:mod:`fazhi.classifiers.base`) and the built-in ones.

Built-in classifiers live in submodules (``genre``, ``role``, ``topic``, …)
and reach users through the plugin registry (:func:`fazhi.classifiers`,
:func:`fazhi.get_classifier`), exactly as third-party classifiers do.
Importing this package stays cheap: it loads no model and no plugin.
"""

from __future__ import annotations

from fazhi.classifiers.base import (
    LEVELS,
    Classifier,
    Context,
    ContextClassifier,
    Evidence,
    Prediction,
    order_classifiers,
    run_classifier,
    run_classifiers,
)

__all__ = [
    "LEVELS",
    "Classifier",
    "Context",
    "ContextClassifier",
    "Evidence",
    "Prediction",
    "order_classifiers",
    "run_classifier",
    "run_classifiers",
]
