"""Hook specifications: the contract between fazhi and its plugins.

A plugin is any module (or object) with functions decorated by
:data:`hookimpl` whose names match the hooks below::

    import fazhi

    @fazhi.hookimpl
    def register_classifiers(register):
        register("my-classifier", MyClassifier)

Hooks are called with keyword arguments only. A hook implementation may
accept *fewer* arguments than the spec lists (pluggy's opt-in arguments), so a
hook can gain arguments in later fazhi versions without breaking existing
plugins; hooks never lose arguments. Incompatible changes bump
:data:`PLUGIN_API_VERSION`.

The registration hooks are collected once per process, when the registry is
first used. Registration order never decides anything: every name must be
unique, and a clash raises :class:`~fazhi.errors.PluginConflictError`.
See ``docs/plugins.md`` for the full guide.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import pluggy

if TYPE_CHECKING:
    from fazhi.classifiers.base import Classifier

__all__ = [
    "PLUGIN_API_VERSION",
    "PROJECT_NAME",
    "RegisterClassifier",
    "RegisterSegmenter",
    "hookimpl",
    "hookspec",
    "register_classifiers",
    "register_genre_rules",
    "register_segmenters",
]

#: The pluggy project name, the entry-point group and the environment-variable prefix.
PROJECT_NAME = "fazhi"

#: Version of the plugin API described in this module and in ``docs/plugins.md``.
#:
#: It changes only on an incompatible change (a hook removed, an argument
#: removed or changing meaning, the ``register`` callback changing). Adding a
#: hook or an argument does not change it. A plugin module may declare
#: ``FAZHI_PLUGIN_API = 1`` (or a collection such as ``(1, 2)``); fazhi then
#: skips it, with a warning, when its own version is not among them.
PLUGIN_API_VERSION = 1

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
#: Decorator marking a plugin's hook implementations (re-exported as ``fazhi.hookimpl``).
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


class RegisterClassifier(Protocol):
    """The ``register`` callback passed to :func:`register_classifiers`."""

    def __call__(
        self, name: str, factory_or_instance: Classifier | Callable[[], Classifier]
    ) -> None: ...


class RegisterSegmenter(Protocol):
    """The ``register`` callback passed to :func:`register_segmenters`."""

    def __call__(self, name: str, factory_or_instance: Any) -> None: ...


@hookspec
def register_classifiers(register: RegisterClassifier) -> None:
    """Register classifiers by calling ``register(name, factory_or_instance)``.

    ``name`` is the registry name users select (``fazhi.get_classifier(name)``);
    it must equal the classifier's ``name`` attribute and be unique across all
    plugins. ``factory_or_instance`` is either a ready classifier object or a
    zero-argument callable (typically the class) that builds one; factories
    are called lazily, the first time the classifier is needed, so heavy
    imports and model loading belong inside them. The object must satisfy the
    :class:`fazhi.Classifier` protocol.

    .. versionadded:: 0.1 (plugin API 1)
    """


@hookspec
def register_segmenters(register: RegisterSegmenter) -> None:
    """Register word-segmentation backends by calling ``register(name, factory_or_instance)``.

    ``name`` is the backend name users select (``fazhi.Segmenter(backend=name)``,
    ``FAZHI_SEGMENTER=name``). ``factory_or_instance`` is a zero-argument
    callable returning a backend object (a class or a function; it is called
    each time a segmenter needs a fresh backend, so it should be cheap and
    import its engine lazily), or a backend instance, which is then shared.
    Backends follow :class:`fazhi.segmentation.backends.SegmenterBackend`.

    .. versionadded:: 0.1 (plugin API 1)
    """


@hookspec
def register_genre_rules(register: Callable[..., None]) -> None:
    """Add or override rules of the built-in genre classifier by calling ``register(*rules)``.

    Each rule is a :class:`fazhi.classifiers.genre.GenreRule` or its JSON dict
    (the format of ``fazhi/data/genre_rules.json``). A rule whose ``id``
    already exists replaces it; a new id adds a rule. To drop rules, users
    pass ``GenreClassifier(drop_rules=[...])``. Rules are collected when a
    genre classifier is created.

    .. versionadded:: 0.1 (plugin API 1)
    """
