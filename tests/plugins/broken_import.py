"""A plugin that cannot even be imported."""

raise RuntimeError("boom at import")
