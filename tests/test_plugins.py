"""The plugin registry, the hooks, the classifier protocol and the pytest fixture."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import logging
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

import fazhi
from fazhi import plugins
from fazhi.classifiers.base import (
    Evidence,
    Prediction,
    order_classifiers,
    run_classifier,
    run_classifiers,
)
from fazhi.errors import PluginConflictError, PluginError, UnknownNameError
from fazhi.plugins import FazhiPluginWarning

PLUGINS_DIR = Path(__file__).resolve().parent / "plugins"
SRC = Path(__file__).resolve().parent.parent / "src"

DOC_TEXT = (
    "关于加强法治政府建设的实施意见\n\n一、总体要求\n\n坚持依法行政。受理行政复议申请218件。\n"
)


def load_test_plugin(name: str) -> types.ModuleType:
    """Import ``tests/plugins/<name>.py`` as module ``fazhi_test_plugins.<name>`` (cached)."""
    module_name = f"fazhi_test_plugins.{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, PLUGINS_DIR / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[module_name] = module
    return module


@pytest.fixture
def doc() -> fazhi.Document:
    return fazhi.parse(DOC_TEXT, source="test.txt")


# -- import cost ----------------------------------------------------------------


def test_import_fazhi_does_no_entry_point_scan() -> None:
    code = textwrap.dedent(
        """
        import importlib.metadata as md, sys
        calls = []
        def spy(name, real):
            def f(*a, **k):
                calls.append(name)
                return real(*a, **k)
            return f
        md.entry_points = spy("entry_points", md.entry_points)
        md.distributions = spy("distributions", md.distributions)
        import fazhi
        after_import = sorted(m for m in sys.modules if m == "pluggy" or m.startswith(("pluggy.", "fazhi.plugins")))
        # the names plugin authors touch at import time must not scan either
        fazhi.hookimpl, fazhi.Classifier, fazhi.Prediction
        import fazhi.classifiers, fazhi.hookspecs, fazhi.testing
        print(calls, after_import, "fazhi.plugins" in sys.modules)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
    ).stdout.strip()
    assert out == "[] [] False", out


# -- the fixture and the two hooks ------------------------------------------------


def test_fixture_registers_for_one_test(fazhi_plugins) -> None:
    fazhi_plugins.load(exclude=["fazhi.default_plugins.classifiers"])  # no models needed here
    good = load_test_plugin("good_plugin")
    name = fazhi_plugins.register(good, name="good")
    assert name == "good"
    assert "test-length" in fazhi.classifiers()
    info = {p["name"]: p for p in plugins.plugin_info()}
    assert info["good"]["status"] == "loaded"
    assert info["good"]["kind"] == "registered"
    assert info["good"]["registered"] == {
        "register_classifiers": ["test-length"],
        "register_segmenters": ["test-chars"],
    }
    assert info["good"]["hooks"] == ["register_classifiers", "register_segmenters"]
    builtin = {p["name"]: p for p in plugins.plugin_info(all=True)}[
        "fazhi.default_plugins.classifiers"
    ]
    assert builtin["status"] == "blocked"  # a built-in is blocked only when excluded by name


def test_fixture_removed_the_plugin_after_the_previous_test() -> None:
    assert "test-length" not in plugins.classifier_names()
    assert all(p["name"] != "good" for p in plugins.plugin_info(all=True))


def test_hook_register_classifiers(fazhi_plugins, doc) -> None:
    fazhi_plugins.register(load_test_plugin("good_plugin"))
    clf = fazhi.get_classifier("test-length")
    assert isinstance(clf, fazhi.Classifier)
    assert fazhi.get_classifier("test-length") is clf  # instances are cached
    [pred] = run_classifier(clf, doc)
    assert (
        pred.label == "short"
        and pred.level == "document"
        and (pred.start, pred.end) == (0, len(doc.text))
    )


def test_hook_register_segmenters(fazhi_plugins) -> None:
    fazhi_plugins.register(load_test_plugin("good_plugin"))
    factories = plugins.segmenter_factories()
    backend = factories["test-chars"]()
    assert backend.cut("依法行政", True) == ["依", "法", "行", "政"]


def test_builtin_segmenters_are_default_plugins() -> None:
    pytest.importorskip("fazhi.segmentation.backends")
    factories = plugins.segmenter_factories()
    assert {"jieba", "rjieba"} <= set(factories)
    assert factories["jieba"].__name__ == "JiebaBackend"


def test_plugin_info_lists_builtins_only_with_all() -> None:
    names = {p["name"] for p in plugins.plugin_info(all=True)}
    assert set(plugins.DEFAULT_PLUGINS) <= names
    assert not {p["name"] for p in plugins.plugin_info()} & set(plugins.DEFAULT_PLUGINS)
    for p in plugins.plugin_info(all=True):
        assert set(p) >= {"name", "version", "hooks", "registered", "status", "error"}
        json.dumps(p)  # JSON-safe


def test_instances_and_factories_are_both_accepted(fazhi_plugins, doc) -> None:
    ctx = load_test_plugin("context_plugin")
    fazhi_plugins.register(load_test_plugin("good_plugin"))
    fazhi_plugins.register(ctx)
    assert fazhi.get_classifier("test-echo") is ctx.INSTANCE


# -- names, conflicts, errors -------------------------------------------------------


def test_unknown_classifier_lists_available(fazhi_plugins) -> None:
    fazhi_plugins.register(load_test_plugin("good_plugin"))
    with pytest.raises(UnknownNameError) as info:
        fazhi.get_classifier("nope")
    assert "test-length" in str(info.value)
    assert isinstance(info.value, KeyError)


def test_conflict_names_both_plugins(fazhi_plugins) -> None:
    fazhi_plugins.register(load_test_plugin("good_plugin"), name="first")
    with pytest.raises(PluginConflictError) as info:
        fazhi_plugins.register(load_test_plugin("conflict_plugin"), name="second")
    err = info.value
    assert "'first'" in str(err) and "'second'" in str(err) and "test-length" in str(err)
    assert (
        err.plugins == ("first", "second")
        and err.kind == "classifier"
        and err.name == "test-length"
    )
    # the failed registration is not kept
    assert fazhi.get_classifier("test-length").labels == ("short", "long")


def test_name_must_match_classifier_name(fazhi_plugins) -> None:
    class Clf:
        name = "right"
        level = "document"
        labels = ()

        def classify(self, doc):
            return []

    class Plugin:
        @fazhi.hookimpl
        def register_classifiers(self, register):
            register("wrong", Clf())

    with pytest.raises(PluginError, match="its name is 'right', but it was registered as 'wrong'"):
        fazhi_plugins.register(Plugin())


def test_misspelled_hook_is_reported(fazhi_plugins) -> None:
    with pytest.raises(
        PluginError,
        match=r"unknown hook 'register_clasifiers'.*did you mean 'register_classifiers'",
    ):
        fazhi_plugins.register(load_test_plugin("typo_hook"))


def test_incompatible_plugin_api_is_reported(fazhi_plugins) -> None:
    with pytest.raises(PluginError, match=r"plugin API 99.*provides plugin API 1"):
        fazhi_plugins.register(load_test_plugin("future_api"))


def test_partial_registration_is_rolled_back(fazhi_plugins) -> None:
    with pytest.raises(PluginError, match="KeyError"):
        fazhi_plugins.register(load_test_plugin("half_registers"))
    assert "test-half" not in plugins.classifier_names()
    assert all(p["name"] != "fazhi_test_plugins.half_registers" for p in plugins.plugin_info())


def test_factory_failure_is_isolated(fazhi_plugins) -> None:
    def factory():
        raise OSError("model file missing")

    class Plugin:
        @fazhi.hookimpl
        def register_classifiers(self, register):
            register("test-needs-model", factory)

    fazhi_plugins.load(exclude=["fazhi.default_plugins.classifiers"])
    fazhi_plugins.register(load_test_plugin("good_plugin"))
    fazhi_plugins.register(Plugin(), name="needs-model")
    with pytest.warns(
        FazhiPluginWarning, match="'needs-model'.*'test-needs-model'.*model file missing"
    ):
        found = fazhi.classifiers()
    assert "test-length" in found and "test-needs-model" not in found
    with pytest.raises(PluginError, match="OSError: model file missing"):
        fazhi.get_classifier("test-needs-model")


def test_invalid_names_rejected(fazhi_plugins) -> None:
    class Plugin:
        @fazhi.hookimpl
        def register_segmenters(self, register):
            register("has space", object)

    with pytest.raises(PluginError, match="invalid segmenter name 'has space'"):
        fazhi_plugins.register(Plugin())


def test_registry_use_inside_a_hook_is_refused(fazhi_plugins) -> None:
    class Plugin:
        @fazhi.hookimpl
        def register_classifiers(self, register):
            fazhi.classifiers()

    with pytest.raises(PluginError, match="while plugins were being loaded"):
        fazhi_plugins.register(Plugin())


def test_load_arguments_and_reset(monkeypatch) -> None:
    monkeypatch.setenv("FAZHI_DISABLE_PLUGINS", "x")
    try:
        plugins.load(only=[], exclude=[], strict=True)
        state = plugins._ensure_loaded()
        assert state.options.only == frozenset() and state.options.exclude == frozenset()
        assert state.options.strict is True
        with pytest.raises(TypeError):
            plugins.load(only="fazhi-indicators")
    finally:
        plugins.reset()
    assert plugins._ensure_loaded().options.exclude == frozenset({"x"})
    plugins.reset()


def test_trace_plugins_logs_hook_calls(monkeypatch, caplog, fazhi_plugins) -> None:
    monkeypatch.setenv("FAZHI_TRACE_PLUGINS", "1")
    with caplog.at_level(logging.INFO, logger="fazhi.plugins"):
        fazhi_plugins.register(load_test_plugin("good_plugin"), name="traced")
    assert any("hook register_classifiers" in r.getMessage() for r in caplog.records)


def test_cli_plugins_prints_json(capsys) -> None:
    from fazhi.cli import main

    assert main(["plugins", "--all"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {p["name"] for p in listed} >= set(plugins.DEFAULT_PLUGINS)
    assert main(["plugins"]) == 0
    assert all(p["kind"] != "builtin" for p in json.loads(capsys.readouterr().out))


# -- classifier protocol, predictions and running ------------------------------------


def test_prediction_is_frozen_and_serialisable() -> None:
    data = {"value": 1}
    p = Prediction("c", "a", 0.5, 0, 3, evidence=[Evidence(0, 1, "x", rule="r")], data=data)
    data["value"] = 2
    assert p.data == {"value": 1}  # copied on construction
    assert isinstance(p.evidence, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.label = "b"  # type: ignore[misc]
    d = p.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["evidence"][0]["rule"] == "r"


def test_run_classifier_wraps_exceptions(fazhi_plugins, doc) -> None:
    fazhi_plugins.register(load_test_plugin("broken_classify"), name="exploder")
    clf = fazhi.get_classifier("test-explode")
    with pytest.raises(PluginError) as info:
        run_classifier(clf, doc)
    err = info.value
    assert (err.plugin, err.classifier, err.source) == ("exploder", "test-explode", "test.txt")
    assert "ValueError: cannot classify this" in str(err)
    assert isinstance(err.__cause__, ValueError)


def test_run_classifier_checks_spans(fazhi_plugins, doc) -> None:
    fazhi_plugins.register(load_test_plugin("bad_output"))
    with pytest.raises(PluginError, match="outside the document text"):
        run_classifier(fazhi.get_classifier("test-out-of-bounds"), doc)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda c, d: None, "returned NoneType"),
        (lambda c, d: ["x"], "not a fazhi.Prediction"),
        (
            lambda c, d: [Prediction.for_document(d, classifier="other", label="a", score=1)],
            "names classifier",
        ),
        (
            lambda c, d: [Prediction.for_document(d, classifier="t", label="zzz", score=1)],
            "label 'zzz'",
        ),
        (lambda c, d: [Prediction.for_document(d, classifier="t", label="a", score=2)], "score 2"),
        (
            lambda c, d: [Prediction("t", "a", 1, 0, 3, level="document")],
            "does not span the whole text",
        ),
        (
            lambda c, d: [
                Prediction.for_document(
                    d, classifier="t", label="a", score=1, evidence=(Evidence(0, 2, "no"),)
                )
            ],
            "is not doc.text",
        ),
        (
            lambda c, d: [
                Prediction.for_paragraph(d.paragraphs[0], classifier="t", label="a", score=1)
            ],
            "level 'paragraph'",
        ),
    ],
)
def test_run_classifier_validates_output(doc, make, message) -> None:
    class Clf:
        name = "t"
        level = "document"
        labels = ("a",)

        def classify(self, d):
            return make(self, d)

    with pytest.raises(PluginError, match=message):
        run_classifier(Clf(), doc)


def test_paragraph_targets_are_checked(doc) -> None:
    class Clf:
        name = "p"
        level = "paragraph"
        labels = ()

        def classify(self, d):
            para = d.paragraphs[0]
            return [Prediction("p", "x", 1, para.start, para.end, target=len(d.paragraphs))]

    with pytest.raises(PluginError, match="targets paragraph"):
        run_classifier(Clf(), doc)


def test_context_and_dependency_order(fazhi_plugins, doc) -> None:
    ctx = load_test_plugin("context_plugin")
    fazhi_plugins.register(load_test_plugin("good_plugin"))
    fazhi_plugins.register(ctx)
    echo, length = fazhi.get_classifier("test-echo"), fazhi.get_classifier("test-length")
    assert [c.name for c in order_classifiers([echo, length])] == ["test-length", "test-echo"]
    results, failures = run_classifiers([echo, length], doc)
    assert failures == {}
    assert results["test-echo"][0].label == results["test-length"][0].label == "short"
    # without its requirement it still runs (requirements are soft) and says so
    results, _ = run_classifiers([echo], doc)
    assert results["test-echo"][0].label == "none"


def test_cycles_are_reported() -> None:
    a = types.SimpleNamespace(name="a", requires=("b",))
    b = types.SimpleNamespace(name="b", requires=("a",))
    with pytest.raises(PluginError, match="cycle: a -> b -> a"):
        order_classifiers([a, b])  # type: ignore[list-item]


def test_batch_errors_skip_and_warn(fazhi_plugins, doc) -> None:
    fazhi_plugins.register(load_test_plugin("good_plugin"))
    fazhi_plugins.register(load_test_plugin("broken_classify"), name="exploder")
    clfs = [fazhi.get_classifier("test-explode"), fazhi.get_classifier("test-length")]
    with pytest.raises(PluginError):
        run_classifiers(clfs, doc)
    results, failures = run_classifiers(clfs, doc, errors="skip")
    assert list(results) == ["test-length"] and list(failures) == ["test-explode"]
    assert failures["test-explode"].plugin == "exploder"
    with pytest.warns(FazhiPluginWarning, match="test-explode"):
        run_classifiers(clfs, doc, errors="warn")


def test_protocol_is_structural() -> None:
    class Duck:
        name = "duck"
        level = "section"
        labels = ("q",)

        def classify(self, doc):
            return []

    assert isinstance(Duck(), fazhi.Classifier)
    assert not isinstance(object(), fazhi.Classifier)
