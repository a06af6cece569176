"""The plugin registry: discovery, selection, isolation and listing of plugins.

Nothing here runs at ``import fazhi``. The first call that needs the registry
(:func:`classifiers`, :func:`get_classifier`, :func:`segmenter_factories`,
:func:`plugin_info`, …) builds it once per process:

1. the built-in plugins in :data:`DEFAULT_PLUGINS` are registered;
2. every entry point of the ``fazhi`` group is considered, one at a time, in a
   stable order (distribution name, entry-point name); selected ones are
   imported and registered;
3. plugins registered from code (:func:`register`, the ``fazhi_plugins``
   pytest fixture) are registered last.

Each plugin's registration hooks are called as soon as it is registered, so
what it registers is known per plugin. A plugin that fails to import, declares
an incompatible plugin API, implements an unknown hook, or raises inside a
hook is rolled back (unregistered, nothing it registered is kept) and skipped
with a :class:`FazhiPluginWarning` naming the distribution, its version and
the error. With ``FAZHI_STRICT_PLUGINS=1`` (or ``load(strict=True)``) it
raises :class:`~fazhi.errors.PluginError` instead.

Selecting plugins
=================

``FAZHI_LOAD_PLUGINS``
    Unset: load every installed plugin. ``""``: load no external plugin (the
    escape hatch when a broken plugin gets in the way). ``"a,b"``: load only
    those.
``FAZHI_DISABLE_PLUGINS``
    ``"x,y"``: never load those.
``FAZHI_STRICT_PLUGINS``
    ``1``: a plugin that fails to load raises instead of warning.
``FAZHI_TRACE_PLUGINS``
    ``1``: log every hook call (logger ``fazhi.plugins``, level INFO).

A name matches a plugin's **distribution name** (``fazhi-indicators``, compared
after PEP 503 normalisation, so ``fazhi_indicators`` works too) **or its
entry-point name** (``indicators``). Built-in plugins are loaded whatever
``FAZHI_LOAD_PLUGINS`` says; only naming one in ``FAZHI_DISABLE_PLUGINS`` (or
``exclude``) by its module name (``fazhi.default_plugins.classifiers``) blocks it.
:func:`load` takes the same selections as arguments (they take precedence
over the environment) and :func:`reset` returns to the import-time state.

Names are unique: when two plugins register the same classifier (or
segmenter) name, using that registry raises
:class:`~fazhi.errors.PluginConflictError` naming both plugins.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import logging
import os
import re
import sys
import threading
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from fazhi._version import __version__
from fazhi.errors import PluginConflictError, PluginError, UnknownNameError

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    import pluggy

    from fazhi.classifiers.base import Classifier
    from fazhi.classifiers.genre import GenreRule
    from fazhi.segmentation.backends import SegmenterBackend

__all__ = [
    "DEFAULT_PLUGINS",
    "ENTRY_POINT_GROUP",
    "FazhiPluginWarning",
    "Selection",
    "classifier_names",
    "classifiers",
    "current_selection",
    "genre_rules",
    "get_classifier",
    "get_plugin_manager",
    "load",
    "plugin_info",
    "provider_of",
    "register",
    "registered_plugins",
    "reset",
    "segmenter_factories",
    "unregister",
]

log = logging.getLogger(__name__)

#: The entry-point group third-party plugins declare
#: (``[project.entry-points.fazhi] name = "module"``).
ENTRY_POINT_GROUP = "fazhi"

#: Built-in plugins, registered first through the very same hooks.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "fazhi.default_plugins.segmenters",
    "fazhi.default_plugins.classifiers",
)

#: Registration hooks and the kind of thing each registers.
_HOOK_KINDS: dict[str, str] = {
    "register_classifiers": "classifier",
    "register_segmenters": "segmenter",
}

#: Not a registry of names: its rules are merged into the genre classifier's by rule id.
_GENRE_RULES_HOOK = "register_genre_rules"

Status = Literal["loaded", "failed", "blocked"]
Kind = Literal["builtin", "entry point", "registered"]


class FazhiPluginWarning(UserWarning):
    """A plugin was skipped (failed to load) or one of its classifiers failed."""


# -- records ------------------------------------------------------------------


@dataclass
class _Registration:
    name: str
    obj: Any
    is_factory: bool
    plugin: str


@dataclass
class _PluginRecord:
    name: str
    kind: Kind
    version: str | None
    module: str | None = None
    entry_point: str | None = None
    status: Status = "loaded"
    error: str | None = None
    hooks: list[str] = field(default_factory=list)
    registered: dict[str, list[str]] = field(default_factory=dict)
    obj: object = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "kind": self.kind,
            "module": self.module,
            "entry_point": self.entry_point,
            "status": self.status,
            "hooks": list(self.hooks),
            "registered": {k: list(v) for k, v in self.registered.items()},
            "error": self.error,
        }


@dataclass
class _Options:
    only: frozenset[str] | None = None  # None = everything
    exclude: frozenset[str] = frozenset()
    strict: bool = False
    only_source: str = "FAZHI_LOAD_PLUGINS"
    exclude_source: str = "FAZHI_DISABLE_PLUGINS"


@dataclass
class _State:
    pm: pluggy.PluginManager
    options: _Options
    records: list[_PluginRecord] = field(default_factory=list)
    registries: dict[str, dict[str, _Registration]] = field(
        default_factory=lambda: {kind: {} for kind in _HOOK_KINDS.values()}
    )
    conflicts: dict[str, dict[str, PluginConflictError]] = field(
        default_factory=lambda: {kind: {} for kind in _HOOK_KINDS.values()}
    )
    instances: dict[str, Classifier] = field(default_factory=dict)
    instance_errors: dict[str, PluginError] = field(default_factory=dict)
    genre_rules: list[GenreRule] = field(default_factory=list)  # in plugin load order
    genre_rule_plugins: dict[str, str] = field(default_factory=dict)  # rule id -> plugin


_lock = threading.RLock()
_state: _State | None = None
_loading = False
_arg_only: Iterable[str] | None = None
_arg_exclude: Iterable[str] | None = None
_arg_strict: bool | None = None
_extra: list[tuple[str, object]] = []  # plugins registered from code, in order
_registering: str | None = None  # the plugin register() is adding: its errors raise, not warn


# -- helpers ------------------------------------------------------------------


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).strip().lower()


def _split_env(value: str) -> frozenset[str]:
    return frozenset(_normalize(x) for x in value.split(",") if x.strip())


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def _resolve_options() -> _Options:
    opts = _Options()
    if _arg_only is not None:
        opts.only = frozenset(_normalize(x) for x in _arg_only)
        opts.only_source = "load(only=...)"
    elif "FAZHI_LOAD_PLUGINS" in os.environ:
        opts.only = _split_env(os.environ["FAZHI_LOAD_PLUGINS"])
    if _arg_exclude is not None:
        opts.exclude = frozenset(_normalize(x) for x in _arg_exclude)
        opts.exclude_source = "load(exclude=...)"
    else:
        opts.exclude = _split_env(os.environ.get("FAZHI_DISABLE_PLUGINS", ""))
    opts.strict = (
        _arg_strict if _arg_strict is not None else _truthy(os.environ.get("FAZHI_STRICT_PLUGINS"))
    )
    return opts


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _warn(message: str) -> None:
    """Warn with the first stack frame outside fazhi as the location (the user's call)."""
    level = 2
    frame = sys._getframe(1)
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    warnings.warn(message, FazhiPluginWarning, stacklevel=level)


def _make_manager() -> pluggy.PluginManager:
    import pluggy

    from fazhi import hookspecs

    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    if _truthy(os.environ.get("FAZHI_TRACE_PLUGINS")):

        def before(
            hook_name: str, hook_impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, Any]
        ) -> None:
            log.info("hook %s: calling %s", hook_name, [impl.plugin_name for impl in hook_impls])

        def after(
            outcome: pluggy.Result[Any],
            hook_name: str,
            hook_impls: Sequence[pluggy.HookImpl],
            kwargs: Mapping[str, Any],
        ) -> None:
            exc = outcome.exception
            if exc is not None:
                log.info("hook %s: raised %s", hook_name, _describe(exc))
            else:
                log.info("hook %s: returned %r", hook_name, outcome.get_result())

        pm.add_hookcall_monitoring(before, after)
    return pm


class _Registrar:
    """The ``register`` callback handed to one plugin's registration hook."""

    def __init__(self, kind: str, plugin: str, staged: dict[str, _Registration]) -> None:
        self.kind = kind
        self.plugin = plugin
        self.staged = staged

    def __call__(self, name: str, factory_or_instance: object) -> None:
        if (
            not isinstance(name, str)
            or not name
            or name != name.strip()
            or any(c.isspace() for c in name)
        ):
            raise PluginError(
                f"invalid {self.kind} name {name!r}: use a non-empty name without spaces"
            )
        if name in self.staged:
            raise PluginError(f"registers {self.kind} {name!r} twice")
        obj = factory_or_instance
        is_factory = (
            isinstance(obj, type) or inspect.isroutine(obj) or isinstance(obj, functools.partial)
        )
        if self.kind == "classifier" and not is_factory:
            from fazhi.classifiers.base import validate_classifier

            if not validate_classifier(obj):  # a complete classifier object
                if problems := validate_classifier(obj, name=name):
                    raise PluginError(f"classifier {name!r}: " + "; ".join(problems))
            elif callable(obj):  # a factory object
                is_factory = True
            else:
                problems = validate_classifier(obj, name=name)
                raise PluginError(
                    f"{name!r} is neither a classifier nor a zero-argument factory of one: "
                    + "; ".join(problems)
                )
        self.staged[name] = _Registration(name, obj, is_factory, self.plugin)
        log.debug("plugin %s registered %s %r", self.plugin, self.kind, name)


def _check_api(obj: object) -> None:
    from fazhi.hookspecs import PLUGIN_API_VERSION

    declared = getattr(obj, "FAZHI_PLUGIN_API", None)
    if declared is None:
        return
    versions: set[object] = (
        {declared}
        if isinstance(declared, int)
        else set(declared)
        if isinstance(declared, Iterable)
        else set()
    )
    if PLUGIN_API_VERSION not in versions:
        raise PluginError(
            f"needs fazhi plugin API {declared!r}, but fazhi {__version__} provides plugin API "
            f"{PLUGIN_API_VERSION}; install a matching version of the plugin or of fazhi"
        )


def _check_hooks(pm: pluggy.PluginManager, obj: object) -> None:
    import difflib

    known = sorted((*_HOOK_KINDS, _GENRE_RULES_HOOK))
    for caller in pm.get_hookcallers(obj) or []:
        if caller.spec is not None:
            continue
        impls = [i for i in caller.get_hookimpls() if i.plugin is obj]
        if all(i.optionalhook for i in impls):
            continue
        close = difflib.get_close_matches(caller.name, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise PluginError(
            f"implements unknown hook {caller.name!r}{hint}; fazhi {__version__} has: {', '.join(known)}. "
            "Mark a hook meant for newer fazhi versions with @fazhi.hookimpl(optionalhook=True)."
        )


def _add_plugin(state: _State, record: _PluginRecord, loader: Callable[[], object]) -> None:
    """Import, register and collect one plugin; on failure roll back and warn (or raise)."""
    pm = state.pm
    registered_obj: object = None
    staged: dict[str, dict[str, _Registration]] = {kind: {} for kind in _HOOK_KINDS.values()}
    rules: list[GenreRule] = []
    try:
        obj = loader()
        record.module = getattr(obj, "__name__", None) or type(obj).__name__
        _check_api(obj)
        pm_name = (
            record.name if record.kind != "entry point" else f"{record.name}:{record.entry_point}"
        )
        if pm.is_registered(obj):
            loaded_as = pm.get_name(obj)
            raise PluginError(
                f"{record.module!r} is already loaded as plugin {loaded_as!r}: the same "
                "module is named twice (two entry points, or two registrations); name it once"
            )
        if pm.register(obj, name=pm_name) is None:  # pragma: no cover - we never block in pluggy
            raise PluginError("pluggy refused to register it")
        registered_obj = obj
        _check_hooks(pm, obj)
        others = [p for p in pm.get_plugins() if p is not obj]
        for hook_name, kind in _HOOK_KINDS.items():
            caller = pm.subset_hook_caller(hook_name, remove_plugins=others)
            caller(register=_Registrar(kind, record.name, staged[kind]))
        record.hooks = sorted(c.name for c in (pm.get_hookcallers(obj) or []))
        if _GENRE_RULES_HOOK in record.hooks:
            # collected (and validated) here, so that a failing hook or an invalid rule
            # fails this plugin, by name, instead of every genre classifier later
            rules = _collect_genre_rules(pm.subset_hook_caller(_GENRE_RULES_HOOK, others))
    except (Exception, SystemExit) as exc:  # SystemExit: a plugin calling sys.exit() on import
        if registered_obj is not None:
            pm.unregister(registered_obj)
        record.status = "failed"
        record.error = _describe(exc)
        where = f"{record.name} {record.version or '(unknown version)'}"
        if record.entry_point:
            where += f" (entry point {record.entry_point!r})"
        message = f"fazhi {__version__}: plugin {where} failed to load: {record.error}"
        log.debug("plugin %s failed to load", record.name, exc_info=True)
        if state.options.strict:
            raise PluginError(
                f"failed to load ({record.version or 'unknown version'}): {record.error}",
                plugin=record.name,
            ) from exc
        if record.name == _registering:
            return  # register() raises it instead
        hint = (
            f"; set FAZHI_DISABLE_PLUGINS={record.name} to skip it"
            if record.kind == "entry point"
            else ""
        )
        _warn(message + hint)
        return
    record.obj = obj
    record.status = "loaded"
    if rules:
        record.registered[_GENRE_RULES_HOOK] = [r.id for r in rules]
        state.genre_rules.extend(rules)
        for rule in rules:
            earlier = state.genre_rule_plugins.setdefault(rule.id, record.name)
            if earlier != record.name:
                # rules merge by id, the later plugin's wins: say so rather than let one
                # plugin silently undo another
                state.genre_rule_plugins[rule.id] = record.name
                _warn(
                    f"genre rule {rule.id!r} is registered by plugins {earlier!r} and "
                    f"{record.name!r}; {record.name!r}'s rule is used (disable one, or "
                    "rename the rule)"
                )
    for hook_name, kind in _HOOK_KINDS.items():
        names = sorted(staged[kind])
        if names:
            record.registered[hook_name] = names
        registry = state.registries[kind]
        for name, reg in staged[kind].items():
            first = registry.get(name)
            if first is None:
                registry[name] = reg
                continue
            err = PluginConflictError(
                f"{kind} {name!r} is registered by two plugins, {first.plugin!r} and {reg.plugin!r}; "
                f"disable one (FAZHI_DISABLE_PLUGINS=<name> or fazhi.plugins.load(exclude=[...]))",
                plugin=reg.plugin,
                classifier=name if kind == "classifier" else None,
            )
            err.kind, err.name, err.plugins = kind, name, (first.plugin, reg.plugin)
            state.conflicts[kind][name] = err
            record.error = str(err)


def _collect_genre_rules(caller: Callable[..., object]) -> list[GenreRule]:
    """Call one plugin's ``register_genre_rules`` and return its rules, validated."""
    from fazhi.classifiers.genre import coerce_rule

    found: list[GenreRule] = []

    def register(*rules: Any) -> None:
        for rule in rules:
            try:
                found.append(coerce_rule(rule))
            except Exception as exc:  # the rule's own message names it
                raise PluginError(f"invalid genre rule: {_describe(exc)}") from exc

    caller(register=register)
    return found


def _entry_points() -> list[tuple[str, str | None, EntryPoint]]:
    from importlib.metadata import entry_points

    seen: set[tuple[str, str]] = set()
    out: list[tuple[str, str | None, EntryPoint]] = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        dist = getattr(ep, "dist", None)
        dist_name = dist.metadata["Name"] if dist is not None else ep.value.split(":")[0]
        key = (_normalize(dist_name), ep.name)
        if key in seen:  # the same distribution found twice on sys.path
            continue
        seen.add(key)
        out.append((dist_name, dist.version if dist is not None else None, ep))
    out.sort(key=lambda item: (_normalize(item[0]), item[2].name))
    return out


def _selected(opts: _Options, dist_name: str, ep_name: str) -> str | None:
    """``None`` if the plugin is to be loaded, else the reason it is not."""
    names = {_normalize(dist_name), _normalize(ep_name)}
    if names & opts.exclude:
        return f"blocked by {opts.exclude_source}"
    if opts.only is not None and not names & opts.only:
        if not opts.only:
            return f"{opts.only_source} is empty: no external plugins are loaded"
        return f"not listed in {opts.only_source} ({', '.join(sorted(opts.only))})"
    return None


def _build(opts: _Options) -> _State:
    state = _State(pm=_make_manager(), options=opts)
    for module_name in DEFAULT_PLUGINS:
        record = _PluginRecord(
            name=module_name, kind="builtin", version=__version__, module=module_name
        )
        state.records.append(record)
        if _normalize(module_name) in opts.exclude:  # only an explicit exclude blocks a built-in
            record.status = "blocked"
            record.error = f"blocked by {opts.exclude_source}"
            continue
        _add_plugin(state, record, functools.partial(importlib.import_module, module_name))
    matched: set[str] = set()
    for dist_name, version, ep in _entry_points():
        record = _PluginRecord(
            name=dist_name,
            kind="entry point",
            version=version,
            module=ep.value,
            entry_point=ep.name,
        )
        state.records.append(record)
        names = {_normalize(dist_name), _normalize(ep.name)}
        matched |= names
        reason = _selected(opts, dist_name, ep.name)
        if reason is not None:
            record.status = "blocked"
            record.error = reason
            log.debug("plugin %s not loaded: %s", dist_name, reason)
            continue
        _add_plugin(state, record, ep.load)
    if opts.only:
        missing = sorted(opts.only - matched)
        if missing:
            _warn(f"{opts.only_source} names plugins that are not installed: {', '.join(missing)}")
    for name, obj in _extra:
        record = _PluginRecord(
            name=name, kind="registered", version=getattr(obj, "__version__", None)
        )
        state.records.append(record)
        _add_plugin(state, record, functools.partial(lambda o: o, obj))
    return state


def _ensure_loaded() -> _State:
    global _state, _loading
    state = _state
    if state is not None:
        return state
    with _lock:
        if _state is not None:
            return _state
        if _loading:
            raise PluginError(
                "a plugin used the fazhi registry while plugins were being loaded; "
                "registration hooks must only call register()"
            )
        _loading = True
        try:
            _state = _build(_resolve_options())
        finally:
            _loading = False
        return _state


def _raise_conflicts(state: _State, kind: str, name: str | None = None) -> None:
    conflicts = state.conflicts[kind]
    if name is not None:
        if name in conflicts:
            raise conflicts[name]
    elif conflicts:
        raise next(iter(conflicts.values()))


# -- public API ---------------------------------------------------------------


def load(
    only: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
    strict: bool | None = None,
) -> None:
    """(Re)load the plugins now, with an explicit selection.

    ``only``: names of the external plugins to load (``[]`` = none; ``None`` =
    use ``FAZHI_LOAD_PLUGINS``, all plugins if it is unset). ``exclude``: names
    never to load (``None`` = use ``FAZHI_DISABLE_PLUGINS``). ``strict``: raise
    on a plugin that fails to load (``None`` = use ``FAZHI_STRICT_PLUGINS``).
    Names are distribution or entry-point names. The selection sticks until
    the next :func:`load` or :func:`reset`. Plugins registered with
    :func:`register` are kept.

    Raises :class:`~fazhi.errors.PluginError` (strict mode) or
    :class:`~fazhi.errors.PluginConflictError` (two plugins registered the same
    name; the registry is still built, so :func:`plugin_info` works).
    """
    global _state, _arg_only, _arg_exclude, _arg_strict
    if isinstance(only, str) or isinstance(exclude, str):
        raise TypeError("only and exclude take a list of plugin names, not a str")
    with _lock:
        _arg_only = None if only is None else tuple(only)
        _arg_exclude = None if exclude is None else tuple(exclude)
        _arg_strict = strict
        _state = None
        state = _ensure_loaded()
    for kind in _HOOK_KINDS.values():
        _raise_conflicts(state, kind)


def reset() -> None:
    """Forget everything: loaded plugins, cached classifiers, :func:`load` arguments and
    plugins added with :func:`register`. The next registry access loads afresh from
    the environment."""
    global _state, _arg_only, _arg_exclude, _arg_strict
    with _lock:
        _state = None
        _arg_only = _arg_exclude = _arg_strict = None
        _extra.clear()


def register(plugin: object, name: str | None = None) -> str:
    """Register a plugin object (a module, class or instance with hook implementations).

    Returns the name it is listed under (``name``, else the module's
    ``__name__`` or the object's class name). The registry is rebuilt; unlike
    installed plugins, a plugin registered here raises
    :class:`~fazhi.errors.PluginError` (or :class:`~fazhi.errors.PluginConflictError`)
    instead of warning, and is then not kept. Undo with :func:`unregister`.
    """
    global _state, _registering
    if name is None:
        name = getattr(plugin, "__name__", None) or type(plugin).__name__
    with _lock:
        if any(n == name for n, _ in _extra):
            raise PluginError("a plugin with this name is already registered", plugin=name)
        _extra.append((name, plugin))
        _state = None
        _registering = name
        try:
            state = _ensure_loaded()
        except BaseException:
            _extra.pop()
            _state = None
            raise
        finally:
            _registering = None
        record = next(
            r for r in reversed(state.records) if r.kind == "registered" and r.name == name
        )
        error: PluginError | None = None
        if record.status == "failed":
            error = PluginError(f"failed to register: {record.error}", plugin=name)
        else:
            for kind in _HOOK_KINDS.values():
                for conflict in state.conflicts[kind].values():
                    if name in conflict.plugins:
                        error = conflict
        if error is not None:
            _extra.remove((name, plugin))
            _state = None
            raise error
    return name


def unregister(name: str) -> None:
    """Remove a plugin added with :func:`register` (a no-op for unknown names)."""
    global _state
    with _lock:
        before = len(_extra)
        _extra[:] = [(n, p) for n, p in _extra if n != name]
        if len(_extra) != before:
            _state = None


def registered_plugins() -> list[tuple[str, object]]:
    """The plugins added with :func:`register` in this process, as ``(name, plugin)`` pairs.

    :func:`fazhi.analyze_many` sends them to its worker processes, so a
    classifier registered in a notebook also runs with ``n_jobs > 1``.
    Does not trigger loading.
    """
    with _lock:
        return list(_extra)


@dataclass(frozen=True)
class Selection:
    """The plugin selection made with :func:`load` (``None`` fields: taken from the environment)."""

    only: tuple[str, ...] | None
    exclude: tuple[str, ...] | None
    strict: bool | None


def current_selection() -> Selection:
    """The arguments of the last :func:`load` call (all ``None`` after :func:`reset`).

    :func:`fazhi.analyze_many` applies them in its worker processes, so workers
    load the same plugins as the caller.
    """
    with _lock:
        return Selection(
            None if _arg_only is None else tuple(_arg_only),
            None if _arg_exclude is None else tuple(_arg_exclude),
            _arg_strict,
        )


def get_plugin_manager() -> pluggy.PluginManager:
    """The underlying :class:`pluggy.PluginManager` (loads plugins first). For introspection."""
    return _ensure_loaded().pm


def provider_of(name: str, kind: str = "classifier") -> str | None:
    """The plugin that registered ``name`` (``None`` if unknown or plugins are not loaded yet).

    Never triggers loading: safe to call from error paths.
    """
    state = _state
    if state is None:
        return None
    reg = state.registries.get(kind, {}).get(name)
    return reg.plugin if reg is not None else None


def _instance(state: _State, name: str) -> Classifier:
    if name in state.instances:
        return state.instances[name]
    with _lock:
        return _create_instance(state, name)


def _create_instance(state: _State, name: str) -> Classifier:
    if name in state.instances:
        return state.instances[name]
    if name in state.instance_errors:
        raise state.instance_errors[name]
    from fazhi.classifiers.base import validate_classifier

    reg = state.registries["classifier"][name]
    try:
        obj = reg.obj() if reg.is_factory else reg.obj
    except Exception as exc:
        err = PluginError(
            f"could not create the classifier: {_describe(exc)}", plugin=reg.plugin, classifier=name
        )
        err.__cause__ = exc
        state.instance_errors[name] = err
        raise err from exc
    try:
        problems = validate_classifier(obj, name=name)
    except Exception as exc:  # an attribute (a `labels` property, say) raised
        problems = [f"reading its attributes raised {_describe(exc)}"]
    if problems:
        err = PluginError(
            "not a valid classifier: " + "; ".join(problems), plugin=reg.plugin, classifier=name
        )
        state.instance_errors[name] = err
        raise err
    state.instances[name] = obj
    return obj  # type: ignore[no-any-return]


def classifier_names() -> list[str]:
    """The registered classifier names, sorted, without creating any classifier."""
    return sorted(_ensure_loaded().registries["classifier"])


def classifiers() -> dict[str, Classifier]:
    """All registered classifiers by name (sorted), instantiated on first use and cached.

    A classifier whose factory fails is left out with a
    :class:`FazhiPluginWarning` (raised as :class:`~fazhi.errors.PluginError`
    in strict mode); :func:`get_classifier` raises its error. Raises
    :class:`~fazhi.errors.PluginConflictError` if two plugins registered the
    same classifier name.
    """
    state = _ensure_loaded()
    _raise_conflicts(state, "classifier")
    out: dict[str, Classifier] = {}
    for name in sorted(state.registries["classifier"]):
        known_bad = name in state.instance_errors
        try:
            out[name] = _instance(state, name)
        except PluginError as exc:
            if state.options.strict:
                raise
            if not known_bad:
                _warn(str(exc))
    return out


def get_classifier(name: str) -> Classifier:
    """The classifier registered as ``name``.

    Raises :class:`~fazhi.errors.UnknownNameError` listing the available names,
    :class:`~fazhi.errors.PluginError` if it cannot be created, or
    :class:`~fazhi.errors.PluginConflictError` if two plugins registered it.
    """
    state = _ensure_loaded()
    _raise_conflicts(state, "classifier", name)
    if name not in state.registries["classifier"]:
        raise UnknownNameError("classifier", name, list(state.registries["classifier"]))
    return _instance(state, name)


def _shared(obj: SegmenterBackend) -> Callable[[], SegmenterBackend]:
    def factory() -> SegmenterBackend:
        return obj

    return factory


def segmenter_factories() -> dict[str, Callable[[], SegmenterBackend]]:
    """Segmentation backends by name (sorted): zero-argument callables returning a backend.

    Raises :class:`~fazhi.errors.PluginConflictError` if two plugins
    registered the same backend name.
    """
    state = _ensure_loaded()
    _raise_conflicts(state, "segmenter")
    return {
        name: reg.obj if reg.is_factory else _shared(reg.obj)
        for name, reg in sorted(state.registries["segmenter"].items())
    }


def genre_rules() -> list[GenreRule]:
    """The genre rules that loaded plugins registered, in plugin load order (validated).

    Collected once, when each plugin is loaded: a ``register_genre_rules``
    hook that raises or registers an invalid rule fails its plugin like any
    other hook error. :func:`fazhi.classifiers.genre.load_rules` merges them
    into the rule set by id.
    """
    return list(_ensure_loaded().genre_rules)


def plugin_info(all: bool = False) -> list[dict[str, Any]]:
    """What is installed and what it registered, as JSON-safe dicts.

    One dict per plugin: ``name`` (distribution name; module name for
    built-ins), ``version``, ``kind`` (``"builtin"``, ``"entry point"``,
    ``"registered"``), ``module``, ``entry_point``, ``status`` (``"loaded"``,
    ``"failed"``, ``"blocked"``), ``hooks`` (hook names implemented),
    ``registered`` (hook name -> names registered) and ``error`` (why it failed
    or is blocked, or a name conflict; else ``None``). Built-in plugins are
    listed only with ``all=True``. Never raises for plugin problems.
    """
    state = _ensure_loaded()
    return [r.to_dict() for r in state.records if all or r.kind != "builtin"]
