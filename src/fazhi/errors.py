"""Exceptions raised by fazhi. All derive from :class:`FazhiError`."""

from __future__ import annotations

from typing import Any


class FazhiError(Exception):
    """Base class of every error fazhi raises on purpose."""

    def __reduce__(self) -> tuple[Any, ...]:
        # subclasses build their message in __init__ from keyword arguments, which
        # the default pickling would call again with the finished message; errors
        # travel pickled from analyze_many's worker processes
        return (_restore_error, (type(self), self.args, dict(self.__dict__)))


def _restore_error(
    cls: type[FazhiError], args: tuple[Any, ...], state: dict[str, Any]
) -> FazhiError:
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class InputError(FazhiError, ValueError):
    """Input that cannot be read as a document: undecodable bytes, binary data, an unreadable file.

    The message names the source (file path or ``<text>``) and, where it
    applies, the byte offset of the problem.
    """

    def __init__(
        self, message: str, *, source: str | None = None, offset: int | None = None
    ) -> None:
        self.source = source
        self.offset = offset
        where = source or "<input>"
        if offset is not None:
            where = f"{where} (byte {offset})"
        super().__init__(f"{where}: {message}")


class UnknownNameError(FazhiError, KeyError):
    """A name (classifier, segmenter backend, label…) that is not known; lists the valid ones."""

    def __init__(self, kind: str, name: str, available: list[str] | tuple[str, ...]) -> None:
        self.kind = kind
        self.name = name
        self.available = sorted(available)
        choices = ", ".join(self.available) if self.available else "(none registered)"
        super().__init__(f"unknown {kind} {name!r}; available: {choices}")

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0])


class PluginError(FazhiError, RuntimeError):
    """A plugin failed: at load time (import/registration) or while classifying a document.

    Attributes name the plugin (distribution or module), the classifier if
    any, and the document source if any.
    """

    def __init__(
        self,
        message: str,
        *,
        plugin: str | None = None,
        classifier: str | None = None,
        source: str | None = None,
    ) -> None:
        self.plugin = plugin
        self.classifier = classifier
        self.source = source
        parts = []
        if plugin:
            parts.append(f"plugin {plugin!r}")
        if classifier:
            parts.append(f"classifier {classifier!r}")
        if source:
            parts.append(f"document {source!r}")
        prefix = ", ".join(parts)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class PluginConflictError(PluginError):
    """Two plugins registered the same name.

    Besides the :class:`PluginError` attributes, ``kind`` is what was
    registered twice (``"classifier"`` or ``"segmenter"``), ``name`` the
    contested name and ``plugins`` the two plugins, first registrant first.
    """

    kind: str | None = None
    name: str | None = None
    plugins: tuple[str, ...] = ()
