"""Every hook is documented with its exact signature and has a test (as datasette does)."""

from __future__ import annotations

import re
from pathlib import Path

import pluggy
import pytest

from fazhi import hookspecs

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "plugins.md"
TESTS = Path(__file__).resolve().parent


def _hooks() -> dict[str, tuple[str, ...]]:
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    out = {}
    for name in dir(pm.hook):
        if name.startswith("_"):
            continue
        caller = getattr(pm.hook, name)
        assert caller.spec is not None
        out[name] = tuple(caller.spec.argnames)
    return out


HOOKS = _hooks()


def _headings() -> list[str]:
    return [
        line.lstrip("#").strip()
        for line in DOCS.read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    ]


def test_there_are_hooks() -> None:
    assert set(HOOKS) == {"register_classifiers", "register_genre_rules", "register_segmenters"}


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_hook_is_documented(name: str) -> None:
    signature = f"{name}({', '.join(HOOKS[name])})"
    assert signature in _headings(), f"docs/plugins.md needs a heading '### {signature}'"


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_hook_has_a_test(name: str) -> None:
    pattern = re.compile(rf"^def test_hook_{name}\(", re.MULTILINE)
    assert any(pattern.search(p.read_text(encoding="utf-8")) for p in TESTS.glob("test_*.py")), (
        f"add a test named test_hook_{name}"
    )


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_hook_docstring_says_when_it_was_added(name: str) -> None:
    doc = getattr(hookspecs, name).__doc__ or ""
    assert "versionadded" in doc


def test_no_stale_hook_sections() -> None:
    """Every hook-like heading in the docs names a hook that exists."""
    documented = {h.split("(")[0] for h in _headings() if re.fullmatch(r"register_\w+\(.*\)", h)}
    assert documented == set(HOOKS)


def test_plugin_api_version_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert f"currently **{hookspecs.PLUGIN_API_VERSION}**" in text
