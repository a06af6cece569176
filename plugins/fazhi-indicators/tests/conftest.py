"""Run the tests against the installed plugin, or against ./src when it is not installed."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if importlib.util.find_spec("fazhi_indicators") is None:
    sys.path.insert(0, str(HERE.parent / "src"))

# the seeds live in the fazhi repository; FAZHI_SEEDS_DIR points elsewhere
SEEDS = Path(os.environ.get("FAZHI_SEEDS_DIR", HERE.parents[2] / "seeds"))


@pytest.fixture(scope="session")
def seed001_text() -> str:
    path = SEEDS / "001_05b26b594b77e45e.txt"
    if not path.is_file():
        pytest.skip(f"seed 001 not found at {path} (set FAZHI_SEEDS_DIR)")
    return path.read_text(encoding="utf-8")
