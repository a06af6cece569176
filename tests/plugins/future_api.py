"""Declares a plugin API this fazhi does not provide."""

from __future__ import annotations

import fazhi

FAZHI_PLUGIN_API = 99


@fazhi.hookimpl
def register_classifiers(register):
    pass
