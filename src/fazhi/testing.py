"""pytest support for fazhi and for fazhi plugin authors.

Installed with fazhi as a pytest plugin (entry point ``pytest11``), so the
fixture below is available in any test suite of an environment where fazhi
is installed; nothing else is needed::

    import my_plugin

    def test_my_classifier(fazhi_plugins):
        fazhi_plugins.register(my_plugin)
        clf = fazhi_plugins.get_classifier("my-classifier")
        ...

Importing this module is cheap: it does not load plugins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from fazhi.classifiers.base import Classifier
    from fazhi.segmentation.backends import SegmenterBackend

__all__ = ["FazhiPlugins", "fazhi_plugins"]


class FazhiPlugins:
    """Handle returned by the :func:`fazhi_plugins` fixture.

    Starts from a registry with fazhi's built-in plugins only: installed
    third-party plugins are **not** loaded, so they cannot interfere with the
    test (call :meth:`load` with ``only=None`` to get them back). Everything
    registered through this handle is removed, and all plugin caches are
    reset, when the test ends.
    """

    def __init__(self) -> None:
        self.registered: list[str] = []

    def register(self, plugin: object, name: str | None = None) -> str:
        """Register a plugin object (module or instance with ``@fazhi.hookimpl`` functions).

        Raises :class:`~fazhi.errors.PluginError` at once if it fails to
        register or conflicts with another plugin. Returns its name.
        """
        from fazhi import plugins

        registered = plugins.register(plugin, name=name)
        self.registered.append(registered)
        return registered

    def unregister(self, name: str) -> None:
        """Remove a plugin registered with :meth:`register` before the test ends."""
        from fazhi import plugins

        plugins.unregister(name)
        if name in self.registered:
            self.registered.remove(name)

    def load(
        self,
        only: Iterable[str] | None = (),
        exclude: Iterable[str] | None = None,
        strict: bool | None = None,
    ) -> None:
        """Reload with a plugin selection (see :func:`fazhi.plugins.load`).

        The default ``only=()`` keeps installed plugins out; ``only=None``
        loads those selected by the environment.
        """
        from fazhi import plugins

        plugins.load(only=only, exclude=exclude, strict=strict)

    def classifier_names(self) -> list[str]:
        from fazhi import plugins

        return plugins.classifier_names()

    def classifiers(self) -> dict[str, Classifier]:
        from fazhi import plugins

        return plugins.classifiers()

    def get_classifier(self, name: str) -> Classifier:
        from fazhi import plugins

        return plugins.get_classifier(name)

    def segmenter_factories(self) -> dict[str, Callable[[], SegmenterBackend]]:
        from fazhi import plugins

        return plugins.segmenter_factories()

    def plugin_info(self, all: bool = False) -> list[dict[str, Any]]:
        from fazhi import plugins

        return plugins.plugin_info(all=all)


@pytest.fixture
def fazhi_plugins() -> Iterator[FazhiPlugins]:
    """Register fazhi plugins for the duration of one test.

    Yields a :class:`FazhiPlugins`. Before the test the registry is reset to
    built-in plugins only; after it, every registration is undone and
    :func:`fazhi.plugins.reset` runs, so the next test starts fresh.
    """
    from fazhi import plugins

    plugins.reset()
    handle = FazhiPlugins()
    handle.load()
    try:
        yield handle
    finally:
        plugins.reset()
