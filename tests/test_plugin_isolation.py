"""Broken, blocked and conflicting *installed* plugins.

Each test installs fake distributions: a temporary directory on ``sys.path``
holding a ``<name>-<version>.dist-info`` (METADATA + entry_points.txt) and the
plugin module, so the real ``importlib.metadata`` entry-point loader runs.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

import fazhi
from fazhi import plugins
from fazhi.classifiers.base import run_classifier, run_classifiers
from fazhi.errors import PluginConflictError, PluginError
from fazhi.plugins import FazhiPluginWarning

PLUGINS_DIR = Path(__file__).resolve().parent / "plugins"


def install_fake_dist(
    site: Path, dist: str, version: str, entry_point: str, module_file: str, module: str
) -> None:
    """Make ``dist`` look installed in ``site``, its ``fazhi`` entry point pointing at ``module``."""
    info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[fazhi]\n{entry_point} = {module}\n", encoding="utf-8")
    shutil.copy(PLUGINS_DIR / module_file, site / f"{module}.py")


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A fake site-packages with four installed plugins; plugins reloaded from scratch."""
    install_fake_dist(tmp_path, "fazhi-test-good", "1.0", "good", "good_plugin.py", "fzt_good")
    install_fake_dist(
        tmp_path, "fazhi-test-broken", "1.2.3", "broken", "broken_import.py", "fzt_broken"
    )
    install_fake_dist(
        tmp_path, "fazhi-test-explode", "0.4", "explode", "broken_classify.py", "fzt_explode"
    )
    install_fake_dist(
        tmp_path, "fazhi-test-conflict", "2.0", "conflict", "conflict_plugin.py", "fzt_conflict"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    for var in ("FAZHI_LOAD_PLUGINS", "FAZHI_DISABLE_PLUGINS", "FAZHI_STRICT_PLUGINS"):
        monkeypatch.delenv(var, raising=False)
    # only our fakes: a real plugin installed in this environment must not change the result
    monkeypatch.setenv(
        "FAZHI_LOAD_PLUGINS",
        "fazhi-test-good,fazhi-test-broken,fazhi-test-explode,fazhi-test-conflict",
    )
    plugins.reset()
    yield tmp_path
    plugins.reset()
    for name in ("fzt_good", "fzt_broken", "fzt_explode", "fzt_conflict"):
        sys.modules.pop(name, None)


def info_by_name() -> dict[str, dict]:
    return {p["name"]: p for p in plugins.plugin_info()}


def test_broken_import_warns_and_fazhi_stays_usable(site, monkeypatch) -> None:
    monkeypatch.setenv("FAZHI_DISABLE_PLUGINS", "fazhi-test-conflict")
    with pytest.warns(FazhiPluginWarning) as record:
        found = plugins.classifier_names()
    messages = [str(w.message) for w in record]
    [message] = [m for m in messages if "fazhi-test-broken" in m]
    assert "fazhi-test-broken 1.2.3" in message
    assert "entry point 'broken'" in message
    assert "RuntimeError: boom at import" in message
    assert "FAZHI_DISABLE_PLUGINS=fazhi-test-broken" in message  # says how to get rid of it
    assert {"test-length", "test-explode"} <= set(found)
    info = info_by_name()
    assert info["fazhi-test-broken"]["status"] == "failed"
    assert info["fazhi-test-broken"]["error"] == "RuntimeError: boom at import"
    assert info["fazhi-test-broken"]["version"] == "1.2.3"
    assert info["fazhi-test-good"]["status"] == "loaded"
    assert info["fazhi-test-good"]["entry_point"] == "good"
    assert info["fazhi-test-conflict"]["status"] == "blocked"
    assert "FAZHI_DISABLE_PLUGINS" in info["fazhi-test-conflict"]["error"]


def test_strict_mode_raises(site, monkeypatch) -> None:
    monkeypatch.setenv("FAZHI_STRICT_PLUGINS", "1")
    with pytest.raises(PluginError) as info:
        fazhi.classifiers()
    assert info.value.plugin == "fazhi-test-broken"
    assert "1.2.3" in str(info.value) and "boom at import" in str(info.value)
    assert isinstance(info.value.__cause__, RuntimeError)


def test_classify_time_failure_names_plugin_classifier_and_document(site, monkeypatch) -> None:
    monkeypatch.setenv("FAZHI_DISABLE_PLUGINS", "broken,conflict")  # entry-point names work too
    doc = fazhi.parse("标题\n\n受理行政复议申请218件。", source="reports/x.txt")
    exploding = fazhi.get_classifier("test-explode")
    with pytest.raises(PluginError) as info:
        run_classifier(exploding, doc)
    err = info.value
    assert (err.plugin, err.classifier, err.source) == (
        "fazhi-test-explode",
        "test-explode",
        "reports/x.txt",
    )
    assert str(err).startswith(
        "plugin 'fazhi-test-explode', classifier 'test-explode', document 'reports/x.txt': "
    )
    # the other classifiers' results survive
    results, failures = run_classifiers(
        [exploding, fazhi.get_classifier("test-length")], doc, errors="skip"
    )
    assert "test-length" in results and "test-explode" in failures
    # and fazhi keeps working for the next document
    assert run_classifier(fazhi.get_classifier("test-length"), doc)


def test_load_plugins_empty_loads_none(site, monkeypatch) -> None:
    monkeypatch.setenv("FAZHI_LOAD_PLUGINS", "")
    found = plugins.classifier_names()  # no warning: the broken plugin is never imported
    assert not {"test-length", "test-explode"} & set(found)
    assert "fzt_broken" not in sys.modules
    assert {p["status"] for p in plugins.plugin_info() if p["name"].startswith("fazhi-test-")} == {
        "blocked"
    }


def test_load_plugins_allowlist(site, monkeypatch) -> None:
    monkeypatch.setenv(
        "FAZHI_LOAD_PLUGINS", "fazhi_test_good, explode"
    )  # dist (any spelling) or ep
    found = plugins.classifier_names()
    assert {"test-length", "test-explode"} <= set(found)
    info = info_by_name()
    assert info["fazhi-test-broken"]["status"] == "blocked"
    assert "not listed in FAZHI_LOAD_PLUGINS" in info["fazhi-test-broken"]["error"]


def test_allowlist_naming_a_missing_plugin_warns(site, monkeypatch) -> None:
    monkeypatch.setenv("FAZHI_LOAD_PLUGINS", "fazhi-test-good,not-installed")
    with pytest.warns(FazhiPluginWarning, match="not installed: not-installed"):
        plugins.plugin_info()


def test_conflict_between_installed_plugins(site, monkeypatch) -> None:
    monkeypatch.setenv("FAZHI_DISABLE_PLUGINS", "fazhi-test-broken")
    with pytest.raises(PluginConflictError) as info:
        fazhi.classifiers()
    assert info.value.plugins == ("fazhi-test-conflict", "fazhi-test-good")
    assert "'test-length'" in str(info.value)
    with pytest.raises(PluginConflictError):
        fazhi.get_classifier("test-length")
    # other names and the listing still work, so the user can diagnose it
    assert fazhi.get_classifier("test-explode").name == "test-explode"
    assert "test-length" in info_by_name()["fazhi-test-good"]["error"]
    # resolving it from code
    plugins.load(exclude=["fazhi-test-conflict", "fazhi-test-broken"])
    assert fazhi.get_classifier("test-length").labels == ("short", "long")


def test_load_arguments_override_environment(site, monkeypatch) -> None:
    monkeypatch.setenv("FAZHI_LOAD_PLUGINS", "")
    plugins.load(only=["fazhi-test-good"])
    assert "test-length" in plugins.classifier_names()
    plugins.reset()
    assert "test-length" not in plugins.classifier_names()


def test_cli_lists_failed_plugin(site, monkeypatch, capsys) -> None:
    from fazhi.cli import main

    monkeypatch.setenv("FAZHI_DISABLE_PLUGINS", "conflict")
    with pytest.warns(FazhiPluginWarning):
        assert main(["plugins"]) == 0
    listed = {p["name"]: p for p in json.loads(capsys.readouterr().out)}
    assert listed["fazhi-test-broken"]["status"] == "failed"
    assert listed["fazhi-test-good"]["registered"] == {
        "register_classifiers": ["test-length"],
        "register_segmenters": ["test-chars"],
    }
