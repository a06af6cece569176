"""fazhi-indicators as an *installed* plugin (run by ``tox -e plugins``).

The tox env builds the wheel of ``plugins/fazhi-indicators`` and installs
it; these tests then check what a user sees. Skipped when the distribution
is not installed (the default dev environment).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

try:
    DIST = importlib.metadata.distribution("fazhi-indicators")
except importlib.metadata.PackageNotFoundError:
    pytestmark = pytest.mark.skip(reason="fazhi-indicators is not installed (run: tox -e plugins)")
    DIST = None

import fazhi
from fazhi import plugins

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "001_05b26b594b77e45e.txt"


def run_fazhi(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m fazhi`` with the plugin variables taken only from ``env``.

    Plugin load failures raise (``FAZHI_STRICT_PLUGINS=1``) unless ``env`` says otherwise.
    """
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("FAZHI_LOAD_PLUGINS", "FAZHI_DISABLE_PLUGINS", "FAZHI_STRICT_PLUGINS")
    }
    return subprocess.run(
        [sys.executable, "-m", "fazhi", *args],
        capture_output=True,
        text=True,
        check=True,
        env={**base, "FAZHI_STRICT_PLUGINS": "1", **env},
    )


def listed(**env: str) -> dict[str, dict]:
    return {p["name"]: p for p in json.loads(run_fazhi("plugins", **env).stdout)}


def test_fazhi_plugins_lists_it() -> None:
    info = listed()["fazhi-indicators"]
    assert info["status"] == "loaded"
    assert info["version"] == DIST.version
    assert info["entry_point"] == "indicators"
    assert info["hooks"] == ["register_classifiers"]
    assert info["registered"] == {"register_classifiers": ["indicators"]}
    assert info["error"] is None


def test_load_plugins_empty_removes_it() -> None:
    info = listed(FAZHI_LOAD_PLUGINS="")["fazhi-indicators"]
    assert info["status"] == "blocked" and info["registered"] == {}
    code = "import fazhi.plugins; print('indicators' in fazhi.plugins.classifier_names())"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "FAZHI_LOAD_PLUGINS": ""},
    ).stdout.strip()
    assert out == "False"


@pytest.mark.parametrize("name", ["fazhi-indicators", "fazhi_indicators", "indicators"])
def test_disable_plugins_removes_it(name: str) -> None:
    info = listed(FAZHI_DISABLE_PLUGINS=name)["fazhi-indicators"]
    assert info["status"] == "blocked"
    assert "FAZHI_DISABLE_PLUGINS" in info["error"]


def test_installed_from_a_wheel() -> None:
    """The tox env installs the wheel built from plugins/fazhi-indicators, not the source tree."""
    files = {str(f).replace("\\", "/") for f in DIST.files or ()}
    assert "fazhi_indicators/__init__.py" in files
    assert "fazhi_indicators/py.typed" in files
    direct_url = DIST.read_text("direct_url.json")
    assert direct_url is None or '"editable": true' not in direct_url
    import fazhi_indicators

    assert ROOT / "plugins" not in Path(fazhi_indicators.__file__).resolve().parents
    [ep] = [e for e in DIST.entry_points if e.group == "fazhi"]
    assert (ep.name, ep.value) == ("indicators", "fazhi_indicators")
    assert any(r.startswith("fazhi") for r in DIST.requires or ())


@pytest.fixture
def only_indicators():
    plugins.load(only=["fazhi-indicators"])
    yield
    plugins.reset()


def test_results_appear_in_the_analysis(only_indicators) -> None:
    analysis = fazhi.analyze(SEED, classifiers=["indicators"])
    preds = analysis.predictions["indicators"]
    assert len(preds) >= 35
    values = {(p.data["what"], p.data["value"], p.data["unit"]) for p in preds}
    assert ("受理行政复议申请", 218, "件") in values
    assert "indicators" in analysis.to_dict()["predictions"]


def test_records_carry_topics_from_the_builtin_topic_classifier(only_indicators) -> None:
    try:
        fazhi.get_classifier("topic")
    except (fazhi.PluginError, KeyError) as exc:  # the shipped model is not available here
        pytest.skip(f"no working topic classifier: {exc}")
    analysis = fazhi.analyze(SEED, classifiers=["indicators", "topic"])
    records = [p.data for p in analysis.predictions["indicators"]]
    assert records and all(r["topic"] for r in records)


def test_cli_analyze_includes_it() -> None:
    out = run_fazhi(
        "analyze",
        str(SEED),
        "--format",
        "json",
        "--classifiers",
        "indicators",
        FAZHI_STRICT_PLUGINS="0",
    ).stdout
    [doc] = json.loads(out)
    assert doc["predictions"]["indicators"]
