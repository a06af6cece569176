"""MkDocs hooks for the fazhi site (configured in mkdocs.yml; not a page).

Code blocks whose info string carries test directives (```` ```python no-run ````,
read by tests/test_docs.py) would not be recognised as fences by
pymdownx.superfences; strip the directive before Markdown sees the page.
"""

from __future__ import annotations

import re
from typing import Any

_FENCE_DIRECTIVES = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<lang>[\w#.+-]+)[ \t]+no-run[ \t]*$", re.M
)


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    return _FENCE_DIRECTIVES.sub(r"\g<indent>\g<fence>\g<lang>", markdown)
