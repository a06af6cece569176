"""fazhi.analyze / analyze_many and the Analysis object, with stand-in classifiers."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

import fazhi
from analysis_plugins import BrokenPlugin, StandIns
from fazhi.analysis import Analysis, FailedAnalysis
from fazhi.classifiers.base import Evidence
from fazhi.errors import InputError, PluginError, UnknownNameError

REPORT = """某区2024年度法治政府建设报告

一、主要举措和成效

(一)深化复议改革。全年受理行政复议申请218件。

(二)规范行政执法。全面推行行政执法三项制度。

二、存在的问题

坚持依法行政,工作取得成效。
"""


@pytest.fixture
def stand_ins():
    from fazhi import plugins

    plugins.reset()
    plugins.load(only=[], exclude=["fazhi.default_plugins.classifiers"])
    plugins.register(StandIns(), name="stand-ins")
    yield
    plugins.reset()


@pytest.fixture
def with_broken(stand_ins):
    from fazhi import plugins

    plugins.register(BrokenPlugin(), name="broken-plugin")
    yield


def test_analyze_text_runs_every_classifier(stand_ins):
    a = fazhi.analyze(REPORT)
    assert isinstance(a, Analysis)
    assert sorted(a.predictions) == ["genre", "role", "topic", "topic-count"]
    assert a.genre.label == "annual_report"
    assert [ev.rule for ev in a.genre.evidence] == ["title.report"]
    assert [r.role.label for r in a.sections] == ["measures", "measures", "measures", "problems"]
    topics = [r.topic.label for r in a.paragraphs]
    assert topics == ["disputes", "enforcement", "general"]
    assert [r.role for r in a.paragraphs] == ["measures", "measures", "problems"]
    # a plugin that requires topic saw its predictions
    assert a["topic-count"][0].data == {"n": 3}


def test_named_classifiers_only(stand_ins):
    a = fazhi.analyze(REPORT, classifiers=["genre"])
    assert list(a.predictions) == ["genre"]
    assert a.paragraphs[0].topic is None


def test_unknown_classifier_name_lists_the_available_ones(stand_ins):
    with pytest.raises(UnknownNameError, match=r"available: .*genre.*topic"):
        fazhi.analyze(REPORT, classifiers=["nope"])


def test_a_str_is_always_text_never_a_path(stand_ins, tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(REPORT, encoding="utf-8")
    assert fazhi.analyze(str(path)).document.text == str(path)
    assert fazhi.analyze(path).document.source == str(path)


def test_analyze_accepts_documents_and_refuses_other_types(stand_ins):
    doc = fazhi.parse(REPORT)
    assert fazhi.analyze(doc).document is doc
    with pytest.raises(TypeError, match=r"Document, a str of text or an os\.PathLike"):
        fazhi.analyze(42)  # type: ignore[arg-type]


def test_coverage(stand_ins):
    cov = fazhi.analyze(REPORT).coverage()
    # the topic classifier's own label set (from its probabilities) decides the topics
    assert set(cov.shares) == {"disputes", "enforcement", "general"}
    assert abs(sum(cov.shares.values()) - 1) < 1e-9
    assert cov.shares["disputes"] > 0 and cov.missing == ()
    assert [t for t, _ in cov.top(2)] == ["disputes", "enforcement"]


def test_coverage_of_the_builtin_topics_names_the_missing_task_areas(seeds_dir: Path):
    a = fazhi.analyze(fazhi.parse((seeds_dir / "001_05b26b594b77e45e.txt").read_bytes()))
    cov = a.coverage()
    assert set(cov.shares) == {*fazhi.analysis.TOPIC_IDS, "general"}
    assert set(cov.missing) == {t for t in fazhi.analysis.TOPIC_IDS if cov.chars[t] == 0}
    assert "general" not in cov.missing


def test_to_dict_is_json_safe_and_versioned(stand_ins):
    d = fazhi.analyze(REPORT).to_dict(text=True)
    again = json.loads(json.dumps(d, ensure_ascii=False))
    assert again["schema_version"] == 1 and again["ok"] is True
    assert again["genre"]["label"] == "annual_report"
    assert again["paragraphs"][0]["topic"] == "disputes"
    assert again["paragraphs"][0]["text"].startswith("全年受理")
    assert again["predictions"]["topic-count"][0]["data"] == {"n": 3}
    assert again["coverage"]["missing"] == []


def test_to_frame_has_one_row_per_paragraph(stand_ins):
    pd = pytest.importorskip("pandas")
    frame = fazhi.analyze(REPORT).to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame["topic"]) == ["disputes", "enforcement", "general"]
    assert list(frame["role"]) == ["measures", "measures", "problems"]


def test_repr_html_shows_headings_and_colour_coded_topics(stand_ins):
    markup = fazhi.analyze(REPORT)._repr_html_()
    assert "主要举措和成效" in markup and "disputes" in markup and "border-left" in markup
    assert "<script" not in markup


def test_failing_classifier_raises_plugin_error_naming_it(with_broken):
    with pytest.raises(PluginError, match="broken") as info:
        fazhi.analyze(fazhi.parse(REPORT, source="r.txt"))
    assert info.value.classifier == "broken" and info.value.source == "r.txt"


@pytest.mark.parametrize("errors", ["warn", "skip"])
def test_failing_classifier_keeps_the_other_results(with_broken, errors):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = fazhi.analyze(REPORT, errors=errors)
    assert "broken" in a.failures and "boom" in a.failures["broken"]
    assert a.genre.label == "annual_report"


def test_analyze_many_streams_in_input_order(stand_ins, seeds_dir: Path):
    results = list(fazhi.analyze_many([seeds_dir], classifiers=["genre"]))
    assert len(results) == 28
    titles = [r.title for r in results]
    assert titles == [d.title_text for d in fazhi.read(seeds_dir)]


def test_analyze_many_turns_bad_inputs_into_records(stand_ins, tmp_path: Path):
    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "c.txt").write_text(REPORT, encoding="gbk")
    results = list(fazhi.analyze_many([tmp_path, tmp_path / "nope"], errors="skip"))
    assert [r.ok for r in results] == [True, False, True, False]
    assert isinstance(results[1], FailedAnalysis) and "b.txt" in results[1].error
    assert "nope" in results[3].error
    json.dumps([r.to_dict() for r in results], ensure_ascii=False)
    with pytest.raises(InputError, match=r"b\.txt"):
        list(fazhi.analyze_many([tmp_path], errors="raise"))


def test_analyze_many_is_lazy(stand_ins):
    def endless():
        i = 0
        while True:
            i += 1
            yield f"第{i}号报告\n\n正文内容。"

    stream = fazhi.analyze_many(endless(), classifiers=["genre"])
    assert [next(stream).title for _ in range(3)] == ["第1号报告", "第2号报告", "第3号报告"]


def test_compilation_file_needs_analyze_many(stand_ins, seeds_dir: Path):
    with pytest.raises(InputError, match="24 documents"):
        fazhi.analyze(seeds_dir / "002_e4f711ee96b42b0a.txt")


def test_parallel_results_equal_serial(stand_ins, seeds_dir: Path):
    serial = [r.to_dict() for r in fazhi.analyze_many([seeds_dir])]
    parallel = [r.to_dict() for r in fazhi.analyze_many([seeds_dir], n_jobs=2)]
    assert parallel == serial


def test_dask_cluster_gives_the_serial_results(stand_ins, seeds_dir: Path):
    distributed = pytest.importorskip("distributed")
    import joblib

    serial = [
        r.to_dict()
        for r in fazhi.analyze_many(
            [seeds_dir / "001_05b26b594b77e45e.txt", seeds_dir / "004_e32635754165135b.txt"]
        )
    ]
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
        joblib.parallel_config(backend="dask"),
    ):
        remote = [
            r.to_dict()
            for r in fazhi.analyze_many(
                [seeds_dir / "001_05b26b594b77e45e.txt", seeds_dir / "004_e32635754165135b.txt"],
                n_jobs=-1,
            )
        ]
    assert remote == serial


class _OwnLabels:
    """A topic classifier with a label set of its own (not the built-in 11)."""

    name = "topic"
    level = "paragraph"
    labels = ("law", "other")

    def classify(self, doc):
        from fazhi.classifiers.base import Prediction

        out = []
        for p in doc.paragraphs:
            label = "law" if "法" in p.text else "other"
            out.append(
                Prediction.for_paragraph(
                    p,
                    classifier="topic",
                    label=label,
                    score=1.0,
                    probabilities={"law": 0.5, "other": 0.5},
                )
            )
        return out


class _OwnLabelsPlugin:
    @fazhi.hookimpl
    def register_classifiers(self, register):
        register("topic", _OwnLabels)


def test_coverage_and_html_work_with_a_custom_label_set(stand_ins):
    from fazhi import plugins

    plugins.reset()
    plugins.load(only=[], exclude=["fazhi.default_plugins.classifiers"])
    plugins.register(_OwnLabelsPlugin(), name="own-labels")
    a = fazhi.analyze("标题\n\n依法行政。\n\n其他内容。")
    cov = a.coverage()
    assert set(cov.shares) == {"law", "other"} and cov.missing == ()
    assert "law" in a._repr_html_()


def test_workers_follow_the_callers_registry_across_calls(stand_ins, seeds_dir: Path):
    from fazhi import plugins
    from fazhi.analysis import _analyze_group_pickled, _plugin_setup_here, _worker_pool

    path = seeds_dir / "001_05b26b594b77e45e.txt"

    def in_a_worker() -> list:
        # what analyze_many sends to a worker process (it may also run a task itself)
        task = (_analyze_group_pickled, [path], None, "raise", _plugin_setup_here())
        return _worker_pool(1).submit(*task).result(timeout=120).load()

    first = list(fazhi.analyze_many([path, path], n_jobs=2))
    assert first[0].genre.label == "annual_report"  # the stand-in genre classifier
    assert in_a_worker()[0].predictions == first[0].predictions
    plugins.reset()  # back to the built-in classifiers in this process ...
    again = list(fazhi.analyze_many([path, path], n_jobs=2))  # ... and in reused workers
    assert sorted(again[0].predictions) == sorted(plugins.classifiers())
    assert in_a_worker()[0].predictions == again[0].predictions


def test_parallel_keeps_input_order_across_many_tasks(stand_ins, monkeypatch) -> None:
    """n_jobs=2 runs tasks in a worker process and in the caller's; results still
    come in input order, equal to a serial run's, and stopping early is fine."""
    import fazhi.analysis

    monkeypatch.setattr(fazhi.analysis, "TASK_BYTES", 1)  # one task per input
    texts = _texts(40, "深化行政复议改革。")
    serial = [r.to_dict() for r in fazhi.analyze_many(texts)]
    parallel = [r.to_dict() for r in fazhi.analyze_many(texts, n_jobs=2)]
    assert [d["title"] for d in parallel] == [f"第{i}号报告" for i in range(40)]
    assert parallel == serial
    stream = fazhi.analyze_many(texts, n_jobs=2)
    assert next(stream).title == "第0号报告"
    stream.close()  # queued tasks are cancelled; the next call still works
    assert len(list(fazhi.analyze_many(texts[:3], n_jobs=-1))) == 3
    assert len(list(fazhi.analyze_many(texts[:3], n_jobs=-1000))) == 3  # at least one process


def _texts(n: int, *more_paragraphs: str) -> list[str]:
    """n small numbered reports (第i号报告), each with a paragraph and ``more_paragraphs``."""
    body = "\n\n".join(("全面推行行政执法公示制度。", *more_paragraphs))
    return [f"第{i}号报告\n\n{body}" for i in range(n)]


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_a_failing_input_iterator_comes_after_the_results_before_it(
    stand_ins, monkeypatch, n_jobs
) -> None:
    import fazhi.analysis

    monkeypatch.setattr(fazhi.analysis, "TASK_BYTES", 1)

    def sources():
        yield from _texts(30)
        raise OSError("the listing broke")

    seen = []
    with pytest.raises(OSError, match="listing broke"):
        for result in fazhi.analyze_many(sources(), n_jobs=n_jobs):
            seen.append(result.title)
    assert seen == [f"第{i}号报告" for i in range(30)]


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_an_unexpected_error_comes_in_its_turn(stand_ins, monkeypatch, n_jobs) -> None:
    """An error fazhi does not turn into a record (here: an input of the wrong type)
    is raised after the results of the inputs before it, in a worker or not."""
    import fazhi.analysis

    monkeypatch.setattr(fazhi.analysis, "TASK_BYTES", 1)
    sources: list = _texts(30)
    sources[20] = 42
    seen = []
    with pytest.raises(TypeError):
        for result in fazhi.analyze_many(sources, n_jobs=n_jobs, errors="skip"):
            seen.append(result.title)
    assert len(seen) == 20


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_warn_warns_once_per_failure_in_any_process(with_broken, monkeypatch, n_jobs) -> None:
    import warnings

    import fazhi.analysis
    from fazhi.plugins import FazhiPluginWarning

    monkeypatch.setattr(fazhi.analysis, "TASK_BYTES", 1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = list(fazhi.analyze_many(_texts(12), n_jobs=n_jobs, errors="warn"))
    assert all("broken" in r.failures for r in results)
    found = [w for w in caught if issubclass(w.category, FazhiPluginWarning)]
    assert len(found) == 12 and all("boom" in str(w.message) for w in found)


def test_errors_pickle_to_equal_errors() -> None:
    """Errors travel pickled from worker processes: message and attributes intact."""
    import pickle

    for error in (
        InputError("binary data", source="/data/b.txt", offset=4),
        PluginError("boom", plugin="p", classifier="broken", source="r.txt"),
        UnknownNameError("classifier", "nope", ["genre", "role"]),
    ):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert str(copy) == str(error) and vars(copy) == vars(error)


def test_joblib_still_works_after_a_parallel_run(stand_ins, seeds_dir: Path) -> None:
    """fazhi's worker pool is its own: joblib's (and so scikit-learn's n_jobs) is untouched."""
    from joblib import Parallel, delayed

    list(fazhi.analyze_many([seeds_dir], n_jobs=2))
    assert Parallel(n_jobs=2)(delayed(abs)(-i) for i in range(4)) == [0, 1, 2, 3]
    list(fazhi.analyze_many([seeds_dir], n_jobs=2))


def test_n_jobs_zero_is_an_error_and_none_means_joblibs_setting(stand_ins) -> None:
    import joblib

    with pytest.raises(ValueError, match="n_jobs"):
        list(fazhi.analyze_many(["文本"], n_jobs=0))
    assert len(list(fazhi.analyze_many(_texts(3), n_jobs=None))) == 3
    with joblib.parallel_config(n_jobs=2):
        assert len(list(fazhi.analyze_many(_texts(3), n_jobs=None))) == 3


def test_progress_bar_on_request_and_off_when_not_a_terminal(stand_ins, capsys):
    docs = [fazhi.parse(REPORT)] * 3
    assert len(list(fazhi.analyze_many(docs, progress=True))) == 3
    assert "fazhi" in capsys.readouterr().err
    assert len(list(fazhi.analyze_many(docs))) == 3  # stderr is not a terminal under pytest
    assert capsys.readouterr().err == ""


def test_analysis_pickles_to_an_equal_analysis() -> None:
    """Worker processes send analyses back pickled; nothing may change on the way."""
    import pickle

    from fazhi.classifiers.base import Prediction

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    for result in fazhi.analyze_many(sorted(seeds.glob("00[14]_*.txt"))):
        copy = pickle.loads(pickle.dumps(result))
        assert copy.to_dict(text=True) == result.to_dict(text=True)
        assert copy.predictions == result.predictions

    pred = Prediction("x", "y", 0.5, 0, 1, evidence=(Tagged(0, 1, "a", tag="t"),))
    assert pickle.loads(pickle.dumps(pred)).evidence[0] == Tagged(0, 1, "a", tag="t")


def test_analysis_pickle_packs_predictions_and_keeps_every_value() -> None:
    """An Analysis travels with its predictions packed (evidence text is not stored
    twice), yet every prediction comes back equal and of its own class: plugin
    subclasses, and evidence whose text is not the document's slice, included."""
    import pickle

    from fazhi.classifiers.base import Prediction

    doc = fazhi.parse("关于推进依法行政的报告\n\n全面推行行政执法公示制度。")
    para = doc.paragraphs[0]
    plain = Prediction.for_paragraph(
        para,
        classifier="topic",
        label="enforcement",
        score=0.9,
        probabilities={"enforcement": 0.9, "general": 0.1},
        evidence=(Evidence(para.start, para.start + 4, para.text[:4], "lexicon", 1.5, "why"),),
        data={"k": [1, 2]},
    )
    odd = Prediction("x", "y", 0.5, 0, 2, level="document", evidence=(Evidence(0, 2, "不同"),))
    tagged = Prediction("x", "z", 0.5, 0, 1, evidence=(Tagged(0, 1, "关", tag="t"),))
    analysis = Analysis(doc, {"topic": (plain,), "x": (odd, tagged)}, {"broken": "boom"})
    blob = pickle.dumps(analysis)
    copy = pickle.loads(blob)
    assert copy == analysis
    assert copy.failures == {"broken": "boom"}
    assert copy["x"][0].evidence[0].text == "不同"  # not replaced by the slice
    assert type(copy["x"][1].evidence[0]) is Tagged
    assert copy["topic"][0].evidence[0].text == para.text[:4]
    assert copy["topic"][0].data == {"k": [1, 2]}
    # the packed form stores the evidence text once (in the document), not per evidence
    assert blob.count(para.text[:4].encode("utf-8")) == 1


class Marked(str):
    """A str subclass: packing must not turn it into the document's plain slice."""


def test_analysis_pickle_keeps_odd_evidence_texts() -> None:
    """Evidence whose text is a str subclass equal to the slice, or None, comes back
    as it was (packing leaves such a prediction as itself)."""
    import pickle

    from fazhi.classifiers.base import Prediction

    doc = fazhi.parse("关于推进依法行政的报告\n\n全面推行行政执法公示制度。")
    para = doc.paragraphs[0]
    marked = Evidence(para.start, para.start + 2, Marked(para.text[:2]))
    missing = Evidence(para.start, para.start + 2, None)  # type: ignore[arg-type]
    preds = (
        Prediction("x", "a", 0.5, para.start, para.end, evidence=(marked,)),
        Prediction("x", "b", 0.5, para.start, para.end, evidence=(missing,)),
    )
    copy = pickle.loads(pickle.dumps(Analysis(doc, {"x": preds}, {})))
    assert type(copy["x"][0].evidence[0].text) is Marked
    assert copy["x"][1].evidence[0].text is None


@dataclasses.dataclass(frozen=True, slots=True)
class Tagged(Evidence):
    """A plugin's own Evidence subclass: pickled with the default protocol, fields kept."""

    tag: str = ""


def test_parallel_raise_yields_the_results_before_the_failure(tmp_path: Path) -> None:
    """errors="raise" in parallel behaves as in a serial run: earlier results first, then the error."""
    good = tmp_path / "a.txt"
    good.write_text("关于推进依法行政的报告\n\n全面推行行政执法公示制度。", encoding="utf-8")
    bad = tmp_path / "b.txt"
    bad.write_bytes(b"\x00\x01\x02binary\xff\xfe" * 50)
    seen = []
    with pytest.raises(fazhi.InputError, match=r"b\.txt"):
        for result in fazhi.analyze_many([good, good, bad, good], n_jobs=2):
            seen.append(result)
    assert len(seen) == 2
    assert all(r.source == str(good) for r in seen)


def test_parallel_tasks_group_inputs_by_size(tmp_path: Path) -> None:
    from fazhi.analysis import _tasks

    small = tmp_path / "small.txt"
    small.write_text("短" * 100, encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_text("长" * 40_000, encoding="utf-8")
    # small files share a task until it holds ~task_bytes; a big file closes it
    groups = list(_tasks([small, small, big, small, "文" * 10, big], task_bytes=64 * 1024))
    assert [len(g) for g in groups] == [3, 3]
    groups = list(_tasks([big, big, small], task_bytes=100 * 1024))
    assert [len(g) for g in groups] == [1, 1, 1]
    assert [item for g in groups for item in g] == [big, big, small]  # order kept
