"""Classifiers: the shared protocol (:mod:`fazhi.classifiers.base`) and the built-in ones.

Built-in classifiers live in submodules (``genre``, ``role``, ``topic``, …)
and reach users through the plugin registry (:func:`fazhi.classifiers`,
:func:`fazhi.get_classifier`), exactly as third-party classifiers do.
Importing this package stays cheap: it loads no model and no plugin.

``fazhi.classifiers`` is both this package and the registry function
:func:`fazhi.plugins.classifiers`: once the package is imported, Python binds
the name ``fazhi.classifiers`` to it, so the package itself is callable and
``fazhi.classifiers()`` keeps returning the registered classifiers by name.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from fazhi.classifiers.base import Classifier as _Classifier

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


class _CallablePackage(types.ModuleType):
    """Makes ``fazhi.classifiers()`` work whether the name is bound to the package or the function."""

    def __call__(self) -> dict[str, _Classifier]:
        from fazhi.plugins import classifiers

        return classifiers()


sys.modules[__name__].__class__ = _CallablePackage
