"""The plugin registry, the hooks, the classifier protocol and the pytest fixture."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import logging
import re
import subprocess
import sys
import textwrap
import types
import warnings
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
        (
            lambda c, d: [
                Prediction.for_document(
                    d, classifier="t", label="a", score=1, data={"n": __import__("numpy").int64(3)}
                )
            ],
            r"data\['n'\] holds a numpy.int64, which is not JSON-safe \(convert it with .item\(\)",
        ),
        (
            lambda c, d: [
                Prediction.for_document(
                    d, classifier="t", label="a", score=1, data={"tags": [{"x": {1, 2}}]}
                )
            ],
            r"data\['tags'\]\[0\]\['x'\] holds a builtins.set",
        ),
        (
            lambda c, d: [
                Prediction.for_document(d, classifier="t", label="a", score=1, data={1: "x"})
            ],
            "has a key 1 of type int",
        ),
        (
            lambda c, d: [
                Prediction.for_document(
                    d,
                    classifier="t",
                    label="a",
                    score=1,
                    data={"m": __import__("types").MappingProxyType({"x": 1})},
                )
            ],
            r"data\['m'\] holds a builtins.mappingproxy",
        ),
        (
            lambda c, d: [
                Prediction.for_document(d, classifier="t", label="a", score=1, data={"r": 1e999})
            ],
            r"data\['r'\] is inf, not a finite number",
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


def test_a_requires_cycle_fails_its_classifiers_not_the_analysis(fazhi_plugins, doc) -> None:
    def make(name, needs):
        class Clf:
            level = "document"
            labels = ("x",)
            requires = (needs,)

            def classify(self, d):
                return [Prediction.for_document(d, classifier=self.name, label="x", score=1.0)]

        Clf.name = name
        return Clf()

    class Plugin:
        @fazhi.hookimpl
        def register_classifiers(self, register):
            register("test-a", make("test-a", "test-b"))
            register("test-b", make("test-b", "test-a"))

    fazhi_plugins.register(Plugin(), name="loops")
    with pytest.warns(FazhiPluginWarning, match="cycle: test-a -> test-b -> test-a"):
        analysis = fazhi.analyze(doc, errors="warn")
    assert set(analysis.failures) == {"test-a", "test-b"}
    assert "plugin 'loops'" in analysis.failures["test-a"]
    assert "genre" in analysis.predictions and "test-a" not in analysis.predictions
    with pytest.raises(PluginError, match="cycle"):
        fazhi.analyze(doc)  # errors="raise"


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


def test_json_safe_data_passes_the_output_check(doc) -> None:
    class Clf:
        name = "t"
        level = "document"
        labels = ("a",)

        def classify(self, d):
            data = {"n": 3, "x": 0.5, "ok": True, "none": None, "items": [1, "二", [2.5]]}
            return [Prediction.for_document(d, classifier="t", label="a", score=1, data=data)]

    (prediction,) = run_classifier(Clf(), doc)
    assert json.loads(json.dumps(dict(prediction.data)))["items"] == [1, "二", [2.5]]


class _GenreRulesPlugin:
    """A genre-rules plugin: "valid" registers one good rule; the other modes break it."""

    def __init__(self, how: str) -> None:
        self.how = how

    @fazhi.hookimpl
    def register_genre_rules(self, register):
        if self.how == "raise":
            raise RuntimeError("genre rules hook boom")
        pattern = "x(" if self.how == "bad-pattern" else "批复$"
        genre = ["no-such-genre"] if self.how == "bad-genre" else ["notice"]
        register(
            {"id": "t.r", "genre": genre, "scope": ["title"], "weight": 1.0, "pattern": pattern}
        )


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("raise", "RuntimeError: genre rules hook boom"),
        (
            "bad-genre",
            r"invalid genre rule: ValueError: genre rule 't.r': genre must be one or more of \['annual_report'",
        ),
        ("bad-pattern", "invalid genre rule: ValueError: genre rule 't.r': invalid pattern 'x\\('"),
    ],
)
def test_a_broken_genre_rules_hook_fails_its_plugin_not_the_genre_classifier(
    fazhi_plugins, how, message
) -> None:
    """The hook runs when the plugin loads: its error names it, and genre keeps working."""
    text = (
        "关于印发某区法治政府建设实施方案的通知\n\n各单位：\n\n现将方案印发给你们，请认真贯彻执行。"
    )
    with pytest.raises(PluginError, match=message) as info:
        fazhi_plugins.register(_GenreRulesPlugin(how), name="broken-rules")
    assert info.value.plugin == "broken-rules"
    assert "broken-rules" not in [r["name"] for r in plugins.plugin_info()]
    assert fazhi.GenreClassifier().predict([text]) == ["notice"]


def test_an_installed_plugin_with_a_broken_genre_rules_hook_is_skipped_with_a_warning(
    monkeypatch,
) -> None:
    monkeypatch.setattr(
        plugins, "_extra", [("broken-rules", _GenreRulesPlugin("raise"))], raising=True
    )
    try:
        with pytest.warns(FazhiPluginWarning, match="broken-rules.*genre rules hook boom"):
            plugins.load(only=[])
        info = {r["name"]: r for r in plugins.plugin_info()}
        assert info["broken-rules"]["status"] == "failed"
        analysis = fazhi.analyze("关于某事项的通知\n\n各单位：\n\n现将有关事项通知如下。")
        assert analysis.genre is not None and not analysis.failures
    finally:
        monkeypatch.undo()
        plugins.reset()


def test_genre_rules_are_listed_with_their_plugin(fazhi_plugins) -> None:
    fazhi_plugins.register(_GenreRulesPlugin("valid"), name="pifu")
    (record,) = [r for r in plugins.plugin_info() if r["name"] == "pifu"]
    assert record["registered"] == {"register_genre_rules": ["t.r"]}
    assert [r.id for r in plugins.genre_rules()] == ["t.r"]


@pytest.mark.parametrize(
    ("attribute", "message"),
    [
        ("requires-int", "requires must be a tuple of classifier names, not 3"),
        ("labels-raise", "reading its attributes raised RuntimeError: model not loaded"),
    ],
)
def test_invalid_classifier_attributes_leave_it_out_with_a_warning(
    fazhi_plugins, attribute, message
) -> None:
    class Clf:
        name = "test-odd"
        level = "document"
        requires = 3 if attribute == "requires-int" else None

        @property
        def labels(self):
            if attribute == "labels-raise":
                raise RuntimeError("model not loaded")
            return ("a",)

        def classify(self, doc):
            return []

    class Plugin:
        @fazhi.hookimpl
        def register_classifiers(self, register):
            register("test-odd", Clf)  # a factory: checked when it is first created

    fazhi_plugins.register(Plugin(), name="odd")
    with pytest.warns(FazhiPluginWarning, match="'odd'.*'test-odd'.*" + re.escape(message)):
        found = fazhi.classifiers()
    assert "test-odd" not in found and "genre" in found
    with warnings.catch_warnings():  # warned once already, above
        warnings.simplefilter("ignore", FazhiPluginWarning)
        analysis = fazhi.analyze("关于某事项的通知\n\n各单位：\n\n现将有关事项通知如下。")
    assert analysis.genre is not None


def test_requires_none_means_no_requirements(fazhi_plugins, doc) -> None:
    class Clf:
        name = "test-none-requires"
        level = "document"
        labels = ("a",)
        requires = None

        def classify(self, d):
            return [Prediction.for_document(d, classifier=self.name, label="a", score=1.0)]

    class Plugin:
        @fazhi.hookimpl
        def register_classifiers(self, register):
            register("test-none-requires", Clf())

    fazhi_plugins.register(Plugin(), name="none-requires")
    assert fazhi.analyze(doc).predictions["test-none-requires"][0].label == "a"


def test_a_plugin_calling_sys_exit_is_a_failed_plugin(fazhi_plugins) -> None:
    class Exits:
        @fazhi.hookimpl
        def register_classifiers(self, register):
            raise SystemExit("plugin gave up")

    with pytest.raises(PluginError, match="SystemExit: plugin gave up"):
        fazhi_plugins.register(Exits(), name="exits")
    assert "genre" in fazhi.classifiers()


def test_one_module_under_two_names_is_reported_readably(fazhi_plugins) -> None:
    module = load_test_plugin("good_plugin")
    fazhi_plugins.register(module, name="first")
    with pytest.raises(
        PluginError, match="already loaded as plugin 'first': the same module is named twice"
    ):
        fazhi_plugins.register(module, name="second")


def test_two_plugins_with_one_genre_rule_id_are_named(fazhi_plugins) -> None:
    fazhi_plugins.register(_GenreRulesPlugin("valid"), name="first-rules")
    with pytest.warns(FazhiPluginWarning, match="'t.r' is registered by plugins 'first-rules' and"):
        fazhi_plugins.register(_GenreRulesPlugin("valid"), name="second-rules")
    assert [r.id for r in plugins.genre_rules()] == ["t.r", "t.r"]
