"""fazhi's built-in plugins.

They use exactly the hooks third-party plugins use (see
:mod:`fazhi.hookspecs`), are listed in :data:`fazhi.plugins.DEFAULT_PLUGINS`,
registered before any external plugin, and shown by ``fazhi plugins --all``.
Each module is a working template for a plugin author.
"""
