"""A griffe extension that turns fazhi's reST-flavoured docstrings into Markdown.

fazhi's docstrings are written for ``help()`` and Sphinx-style readers
(``:func:`analyze```, ````code````, ``>>>`` examples, ``::`` literal blocks,
indented definition lists). mkdocstrings renders docstrings as Markdown, where
``>>>`` would become a block quote and ``::`` blocks lose their meaning. This
extension (configured in mkdocs.yml, not a page) rewrites each docstring once,
when griffe loads it:

* ``:role:`~pkg.mod.Name``` → `` `Name` ``, ``:role:`pkg.Name``` → `` `pkg.Name` ``;
* runs of ``>>>`` lines with their output → a fenced ``pycon`` block;
* ``text::`` + an indented block → ``text:`` + a fenced code block;
* ``term`` + an indented description → a definition list;
* reST section titles (a line underlined with ``===`` or ``---``) → bold text.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

import griffe

_ROLE = re.compile(r":(?:[a-z]+:)?[a-z]+:`(?P<tilde>~?)(?P<target>[^`<]+?)(?:\s*<[^`>]+>)?`")
_UNDERLINE = re.compile(r"^(=+|-+|~+)\s*$")


def _role(m: re.Match[str]) -> str:
    target = m.group("target").strip()
    if m.group("tilde"):
        target = target.rsplit(".", 1)[-1]
    return f"`{target}`"


def _indented(line: str) -> bool:
    """Indented as a reST block (four spaces or a tab; two-space list continuations are not)."""
    return line.startswith(("    ", "\t")) and bool(line.strip())


_LIST_ITEM = re.compile(r"^\s*(?:[*+-]|\d+[.)])\s")


def convert(text: str) -> str:
    """Rewrite one docstring (already dedented) from reST conventions to Markdown."""
    text = _ROLE.sub(_role, text)
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        stripped = line.strip()
        # doctest block: >>> lines and their output, up to a blank line
        if stripped.startswith(">>>") and not _indented(line):
            block = []
            while i < n and lines[i].strip():
                block.append(lines[i])
                i += 1
            out += ["```pycon", *block, "```"]
            continue
        # reST section title
        if (
            stripped
            and i + 1 < n
            and _UNDERLINE.match(lines[i + 1])
            and len(lines[i + 1].strip()) >= len(stripped) - 1
        ):
            out.append(f"**{stripped}**")
            i += 2
            continue
        # an indented block after a non-indented line
        if (
            stripped
            and not _indented(line)
            and not _LIST_ITEM.match(line)
            and i + 1 < n
            and _indented(lines[i + 1])
        ):
            literal = stripped.endswith("::")
            j = i + 1
            block = []
            while j < n and (_indented(lines[j]) or not lines[j].strip()):
                block.append(lines[j])
                j += 1
            while block and not block[-1].strip():
                block.pop()
            body = textwrap.dedent("\n".join(block)).splitlines()
            if literal:
                head = line.rstrip()[:-2].rstrip()
                if head:
                    out.append(head + ":")
                out += ["", "```python", *body, "```"]
            else:
                out += [line, ":   " + (body[0] if body else "")]
                out += ["    " + b if b.strip() else "" for b in body[1:]]
            out.append("")
            i = j
            continue
        # a literal block introduced by "text::" and a blank line
        if (
            stripped.endswith("::")
            and i + 2 < n
            and not lines[i + 1].strip()
            and _indented(lines[i + 2])
        ):
            head = line.rstrip()[:-2].rstrip()
            if head:
                out.append(head + ":")
            j = i + 1
            block = []
            while j < n and (_indented(lines[j]) or not lines[j].strip()):
                block.append(lines[j])
                j += 1
            while block and not block[-1].strip():
                block.pop()
            out += ["", "```python", *textwrap.dedent("\n".join(block)).splitlines(), "```", ""]
            i = j
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


class RestToMarkdown(griffe.Extension):
    """Convert every loaded docstring with :func:`convert`."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        doc = obj.docstring
        if doc is not None and doc.value:
            doc.value = convert(doc.value)
