"""Misspells the hook name: fazhi must say so instead of ignoring it."""

from __future__ import annotations

import fazhi


@fazhi.hookimpl
def register_clasifiers(register):  # sic
    register("never", object)
