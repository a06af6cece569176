"""Built-in plugin: the jieba and rjieba segmentation backends.

The backends module is imported inside the hook, not at import time, and a
missing module (a partial install, a development checkout) only means the
backends are not registered: plugin loading itself never breaks.
"""

from __future__ import annotations

import importlib
import logging

from fazhi.hookspecs import RegisterSegmenter, hookimpl

log = logging.getLogger(__name__)

BACKENDS_MODULE = "fazhi.segmentation.backends"

#: backend name -> class name in :data:`BACKENDS_MODULE` (classes are zero-argument factories)
BACKENDS: dict[str, str] = {
    "jieba": "JiebaBackend",
    "rjieba": "RjiebaBackend",
}


@hookimpl
def register_segmenters(register: RegisterSegmenter) -> None:
    try:
        module = importlib.import_module(BACKENDS_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name is None or not BACKENDS_MODULE.startswith(exc.name):
            raise  # the module exists but one of its own imports is missing: report it
        log.debug("%s is not available; no built-in segmenters registered", BACKENDS_MODULE)
        return
    for name, attr in BACKENDS.items():
        factory = getattr(module, attr, None)
        if factory is None:
            log.debug("%s has no %s; segmenter %r not registered", BACKENDS_MODULE, attr, name)
            continue
        register(name, factory)
