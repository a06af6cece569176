"""Shared fixtures. The suite never loads third-party fazhi plugins from the environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Set before any test imports fazhi.plugins, so a plugin installed in the developer's
# environment cannot change what the tests see (tests that need plugins register them).
os.environ.setdefault("FAZHI_LOAD_PLUGINS", "")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seed_docs():
    import fazhi

    return list(fazhi.read(SEEDS))
