"""Built-in plugin: registers fazhi's own classifiers.

For each module in :data:`BUILTIN_CLASSIFIER_MODULES` that exists, the hook
imports it and registers its classifiers:

* if the module defines a function ``register_classifiers(register)`` (the
  hook's signature, no decorator needed), that function is called and decides
  what to register;
* otherwise every class *defined in that module* that looks like a classifier
  at class level (a str ``name``, a ``level`` of ``"document"``,
  ``"section"`` or ``"paragraph"``, and a ``classify`` method) is registered
  under its ``name``, with the class itself as the zero-argument factory.

So adding a built-in classifier means adding the module; nothing here has to
change. Such modules must stay cheap to import: load models and heavy
libraries (scikit-learn, jieba's dictionary) inside the factory or on first
``classify``, never at import.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import logging
from types import ModuleType

from fazhi.classifiers.base import LEVELS
from fazhi.hookspecs import RegisterClassifier, hookimpl

log = logging.getLogger(__name__)

BUILTIN_CLASSIFIER_MODULES: tuple[str, ...] = (
    "fazhi.classifiers.genre",
    "fazhi.classifiers.role",
    "fazhi.classifiers.topic",
)


def _exists(module_name: str) -> bool:
    try:
        return importlib.util.find_spec(module_name) is not None
    except ModuleNotFoundError:  # the parent package is missing
        return False


def _classifier_classes(module: ModuleType) -> list[type]:
    found = []
    for _, obj in inspect.getmembers(module, inspect.isclass):
        if obj.__module__ != module.__name__:
            continue
        name = getattr(obj, "name", None)
        if (
            isinstance(name, str)
            and name
            and getattr(obj, "level", None) in LEVELS
            and callable(getattr(obj, "classify", None))
        ):
            found.append(obj)
    return found


@hookimpl
def register_classifiers(register: RegisterClassifier) -> None:
    for module_name in BUILTIN_CLASSIFIER_MODULES:
        if not _exists(module_name):
            log.debug("built-in classifier module %s is not present", module_name)
            continue
        module = importlib.import_module(module_name)
        hook = getattr(module, "register_classifiers", None)
        if callable(hook):
            hook(register)
            continue
        classes = _classifier_classes(module)
        if not classes:
            log.debug("%s defines no classifier class", module_name)
        for cls in classes:
            register(cls.name, cls)  # type: ignore[attr-defined]
