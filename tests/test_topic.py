"""The topic classifiers: lexicon, keyword baseline, TopicClassifier, persistence, training, CLI."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "src" / "fazhi" / "data" / "topic_model"
AUTHORED = ROOT / "training" / "authored_topics.jsonl"

pytest.importorskip("sklearn")

from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import GridSearchCV, GroupKFold  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import FunctionTransformer  # noqa: E402

from fazhi.classifiers.base import run_classifier  # noqa: E402
from fazhi.classifiers.keyword_topic import (  # noqa: E402
    KeywordTopicClassifier,
    load_topic_lexicon,
    parse_topic_lexicon,
)
from fazhi.classifiers.topic import (  # noqa: E402
    TOPIC_LABELS,
    ModelError,
    paragraph_texts,
)
from fazhi.classifiers.topic_model import (  # noqa: E402
    FORMAT_VERSION,
    TopicClassifier,
    TopicLexiconFeatures,
    fazhi_tokenize,
)
from fazhi.training import (  # noqa: E402
    Example,
    cross_validate,
    data_sha256,
    load_examples,
    seed_examples,
)

#: Small, fast settings for tests that fit models.
SMALL = {"word_max_features": 2000, "char_max_features": 2000, "C": 3.0}


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> list[Example]:
    return seed_examples(seeds_dir)


@pytest.fixture(scope="module")
def tiny(seeds: list[Example]) -> list[Example]:
    """Seed paragraphs of 10 documents: 5 of seed 002's articles and 000/001/003/004 … (grouped)."""
    keep = {"000", "001", "003", "004", "002a02", "002a07", "002a10", "002a13", "002a19", "002a24"}
    return [ex for ex in seeds if ex.group in keep]


@pytest.fixture(scope="module")
def tiny_model(tiny: list[Example]) -> TopicClassifier:
    return TopicClassifier(**SMALL).fit([e.text for e in tiny], [e.label for e in tiny])


# -- labels and lexicon ---------------------------------------------------------------


def test_labels_match_the_analysis_module() -> None:
    from fazhi.analysis import TOPIC_IDS

    assert (*TOPIC_IDS, "general") == TOPIC_LABELS


def test_shipped_lexicon_covers_every_topic() -> None:
    lex = load_topic_lexicon()
    assert lex.version.count(".") == 2
    assert set(lex.topics) == set(TOPIC_LABELS)
    assert len(lex.entries) > 300
    assert lex is load_topic_lexicon()  # cached


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("对重大行政决策开展合法性审查", "decision"),
        ("严格规范性文件合法性审核，落实备案审查制度", "rulemaking"),
        ("强化行政执法监督，开展执法案卷评查", "enforcement"),
        ("深化政务公开，依法做好政府信息公开工作", "oversight"),
        ("全面推行行政复议体制改革，落实行政机关负责人出庭应诉制度", "disputes"),
        ("推进数字法治政府建设，加强政务数据共享", "digital"),
        ("修订完善突发事件应急预案，组织应急演练", "emergency"),
        ("认真落实普法责任制，开展宪法宣传周活动", "literacy"),
        ("党政主要负责人切实履行推进法治建设第一责任人职责", "leadership"),
        ("深化放管服改革，优化营商环境，推行证照分离", "functions"),
        ("坚持以习近平新时代中国特色社会主义思想为指导，取得积极成效", "general"),
        ("今天天气很好", "general"),
    ],
)
def test_keyword_baseline_follows_the_annotation_rules(text: str, topic: str) -> None:
    assert KeywordTopicClassifier().predict([text]) == [topic]


def test_lexicon_hits_are_longest_first_and_non_overlapping() -> None:
    lex = load_topic_lexicon()
    hits = lex.hits("落实行政执法三项制度")
    assert [(h.term, h.topic) for h in hits] == [("行政执法三项制度", "enforcement")]
    text = "征求意见"
    assert {h.topic for h in lex.hits(text)} == {"decision", "rulemaking"}


@pytest.mark.parametrize(
    "bad",
    [
        "行政复议\tnot_a_topic\t3\n",
        "行政复议\tdisputes\tx\n",
        "行政复议\tdisputes\t-1\n",
        "行政复议\tdisputes\n",
        "行政复议\tdisputes\t3\n行政复议\tdisputes\t2\n",
    ],
)
def test_bad_lexicon_raises_model_error(bad: str) -> None:
    with pytest.raises(ModelError):
        parse_topic_lexicon("# version: 1\n" + bad)


# -- keyword baseline ------------------------------------------------------------------


def test_keyword_baseline_is_an_estimator() -> None:
    clf = KeywordTopicClassifier(min_score=3.0)
    assert clone(clf).get_params() == clf.get_params()
    X = ["行政复议", "应急预案", "天气"]
    clf.fit(X, ["disputes", "emergency", "general"])
    assert list(clf.classes_) == ["disputes", "emergency", "general"]
    assert clf.predict(X) == ["disputes", "emergency", "general"]
    proba = clf.predict_proba(X)
    assert proba.shape == (3, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert list(np.asarray(clf.classes_)[proba.argmax(axis=1)]) == clf.predict(X)


# -- TopicClassifier: scikit-learn conventions -----------------------------------------


def test_init_stores_params_only_and_clone_works() -> None:
    clf = TopicClassifier(C=2.0, word_ngram_range=(1, 1), lexicon_weight=0.5)
    params = clf.get_params()
    assert params["C"] == 2.0 and params["word_ngram_range"] == (1, 1)
    assert not [k for k in vars(clf) if k.endswith("_")]  # no fitted state before fit
    twin = clone(clf)
    assert twin.get_params() == params
    twin.set_params(C=5.0, use_chars=False)
    assert twin.C == 5.0 and twin.use_chars is False and clf.C == 2.0


def test_fit_predict_shapes(tiny_model: TopicClassifier, tiny: list[Example]) -> None:
    texts = [e.text for e in tiny[:20]]
    labels = tiny_model.predict(texts)
    assert isinstance(labels, list) and all(isinstance(x, str) for x in labels)
    proba = tiny_model.predict_proba(texts)
    assert proba.shape == (20, len(tiny_model.classes_))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert labels == [str(tiny_model.classes_[i]) for i in proba.argmax(axis=1)]
    scores = tiny_model.decision_function(texts)
    assert scores.shape == proba.shape
    assert tiny_model.predict([]) == []
    assert 0.5 < tiny_model.score(texts, [e.label for e in tiny[:20]]) <= 1.0


def test_unfitted_and_bad_input() -> None:
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        TopicClassifier().predict(["行政复议"])
    with pytest.raises(TypeError):
        TopicClassifier().fit("一段文字", ["general"])
    with pytest.raises(ValueError):
        TopicClassifier().fit(["a", "b"], ["x"])
    with pytest.raises(ValueError):
        TopicClassifier(use_words=False, use_chars=False, lexicon_weight=0).fit(
            ["a", "b"], ["x", "y"]
        )


def test_keyword_blend_mixes_the_baselines_probabilities(tiny: list[Example]) -> None:
    X = [e.text for e in tiny]
    y = [e.label for e in tiny]
    texts = [
        *X[:60],
        "坚持以习近平新时代中国特色社会主义思想为指导。",
        "一段没有任何主题词的文字。",
    ]
    keyword = KeywordTopicClassifier().fit(X, y)
    plain = TopicClassifier(**SMALL, keyword_blend=0.0).fit(X, y)
    lr = plain.predict_proba(texts)
    # the numpy prediction path equals scikit-learn's to rounding
    np.testing.assert_allclose(
        lr, plain.lr_.predict_proba(plain._features(texts)), rtol=0, atol=1e-12
    )
    for lexicon_weight in (1.0, 2.0, 0.0):  # read off the lexicon columns, or scored directly
        for blend in (0.3, 1.0):
            clf = TopicClassifier(**SMALL, lexicon_weight=lexicon_weight, keyword_blend=blend)
            clf.fit(X, y)
            base = clf.lr_.predict_proba(clf._features(texts))
            expected = (1 - blend) * base + blend * keyword.predict_proba(texts)
            np.testing.assert_allclose(clf.predict_proba(texts), expected, rtol=0, atol=1e-12)
            np.testing.assert_allclose(clf.predict_proba(texts).sum(axis=1), 1.0)
            # decision_function stays the regression's
            np.testing.assert_allclose(
                clf.decision_function(texts),
                clf.lr_.decision_function(clf._features(texts)),
                rtol=0,
                atol=1e-9,
            )
    # with the whole weight on the baseline the model ranks like the baseline
    only_kw = TopicClassifier(**SMALL, keyword_blend=1.0).fit(X, y)
    np.testing.assert_allclose(
        only_kw.predict_proba(texts), keyword.predict_proba(texts), atol=1e-12
    )


@pytest.mark.parametrize("bad", [-0.1, 1.5, "half", None])
def test_keyword_blend_must_be_between_0_and_1(bad: object) -> None:
    with pytest.raises(ValueError, match="keyword_blend"):
        TopicClassifier(keyword_blend=bad).fit(
            ["行政复议", "行政执法"], ["disputes", "enforcement"]
        )


def test_pipeline_and_grid_search_with_group_kfold(tiny: list[Example]) -> None:
    X = [e.text for e in tiny]
    y = [e.label for e in tiny]
    groups = [e.group for e in tiny]
    pipe = Pipeline(
        [("strip", FunctionTransformer(_strip_texts)), ("topic", TopicClassifier(**SMALL))]
    )
    search = GridSearchCV(
        pipe,
        {"topic__C": [1.0, 10.0], "topic__lexicon_weight": [0.0, 1.0]},
        cv=GroupKFold(n_splits=3),
        scoring="f1_macro",
    )
    search.fit(X, y, groups=groups)
    assert set(search.best_params_) == {"topic__C", "topic__lexicon_weight"}
    assert search.best_estimator_.predict(X[:3])
    assert len(search.cv_results_["mean_test_score"]) == 4


def _strip_texts(texts: list[str]) -> list[str]:
    return [t.strip() for t in texts]


def test_lexicon_features_transformer() -> None:
    feats = TopicLexiconFeatures(scale=2.0)
    out = feats.fit(["x"]).transform(["行政复议", "天气"])
    assert out.shape == (2, len(feats.get_feature_names_out()))
    assert out[0].max() > 0
    assert clone(feats).get_params()["scale"] == 2.0


def test_tokenizer_drops_punctuation_and_folds_digits() -> None:
    tokens = fazhi_tokenize("全区办理行政复议案件126件，开通12345热线和12348法律服务热线。")
    assert "，" not in tokens and "。" not in tokens
    assert "行政复议" in tokens
    assert not any(
        c.isdigit() and c != "0"
        for t in tokens
        for c in t.replace("12345", "").replace("12348", "")
    )
    assert any("12345" in t for t in tokens) and any("12348" in t for t in tokens)


# -- persistence -----------------------------------------------------------------------


def test_save_load_round_trip_is_exact(
    tmp_path: Path, tiny_model: TopicClassifier, tiny: list[Example]
) -> None:
    texts = [e.text for e in tiny]
    path = tiny_model.save(tmp_path / "m")
    assert sorted(p.name for p in path.iterdir()) == [
        "arrays.npz",
        "metadata.json",
        "model.json",
        "topic_lexicon.tsv",
    ]
    loaded = TopicClassifier.load(path)
    assert np.array_equal(loaded.predict_proba(texts), tiny_model.predict_proba(texts))
    assert loaded.predict(texts) == tiny_model.predict(texts)
    assert loaded.get_params() == {**tiny_model.get_params(), "lexicon": None}
    meta = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
    assert meta["format_version"] == FORMAT_VERSION
    assert meta["labels"] == [str(c) for c in tiny_model.classes_]
    assert {"fazhi", "scikit-learn", "numpy"} <= set(meta["versions"])
    # saving without a timestamp is byte-reproducible
    a = tiny_model.save(tmp_path / "a", timestamp=False)
    b = loaded.save(tmp_path / "b", timestamp=False)
    for name in ("model.json", "arrays.npz", "topic_lexicon.tsv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_load_uses_no_pickle(tmp_path: Path, tiny_model: TopicClassifier) -> None:
    path = tiny_model.save(tmp_path / "m")
    with zipfile.ZipFile(path / "arrays.npz") as zf:
        for name in zf.namelist():
            header = zf.read(name)[:128]
            assert b"'O'" not in header and b"|O" not in header  # no object arrays


def _rehash(path: Path) -> None:
    """Update metadata.json's file hashes, as an attacker (or a buggy tool) could."""
    meta = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
    for name in meta["files"]:
        meta["files"][name] = hashlib.sha256((path / name).read_bytes()).hexdigest()
    (path / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")


def _npz(arrays: dict[str, np.ndarray], allow_pickle: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, arr in arrays.items():
            with zf.open(f"{name}.npy", "w") as fh:
                np.lib.format.write_array(fh, arr, allow_pickle=allow_pickle)
    return buf.getvalue()


def _tamper_metadata_json(path: Path) -> None:
    (path / "metadata.json").write_text("{not json", encoding="utf-8")


def _tamper_format_version(path: Path) -> None:
    meta = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
    meta["format_version"] = 999
    (path / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")


def _tamper_vocabulary_hash(path: Path) -> None:
    model = json.loads((path / "model.json").read_text(encoding="utf-8"))
    model["char_vocabulary"][0] = "篡改"
    (path / "model.json").write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")


def _tamper_coef_shape(path: Path) -> None:
    with np.load(path / "arrays.npz", allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["coef"] = arrays["coef"][:, :-3]
    (path / "arrays.npz").write_bytes(_npz(arrays))
    _rehash(path)


def _tamper_idf_shape(path: Path) -> None:
    with np.load(path / "arrays.npz", allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["word_idf"] = arrays["word_idf"][:-1]
    (path / "arrays.npz").write_bytes(_npz(arrays))
    _rehash(path)


def _tamper_object_array(path: Path) -> None:
    with np.load(path / "arrays.npz", allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["coef"] = np.array([object()], dtype=object)
    (path / "arrays.npz").write_bytes(_npz(arrays, allow_pickle=True))
    _rehash(path)


def _tamper_truncated_npz(path: Path) -> None:
    data = (path / "arrays.npz").read_bytes()
    (path / "arrays.npz").write_bytes(data[: len(data) // 2])
    _rehash(path)


def _tamper_missing_file(path: Path) -> None:
    (path / "topic_lexicon.tsv").unlink()


def _tamper_params(path: Path) -> None:
    model = json.loads((path / "model.json").read_text(encoding="utf-8"))
    model["params"]["__class__"] = "os.system"
    (path / "model.json").write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")
    _rehash(path)


def _tamper_classes(path: Path) -> None:
    model = json.loads((path / "model.json").read_text(encoding="utf-8"))
    model["classes"] = model["classes"][::-1]
    (path / "model.json").write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")
    _rehash(path)


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (_tamper_metadata_json, "not valid JSON"),
        (_tamper_format_version, "format_version 999"),
        (_tamper_vocabulary_hash, "SHA-256"),
        (_tamper_coef_shape, "coef has shape"),
        (_tamper_idf_shape, "word_idf"),
        (_tamper_object_array, "arrays.npz"),
        (_tamper_truncated_npz, "arrays.npz"),
        (_tamper_missing_file, "topic_lexicon.tsv"),
        (_tamper_params, "unknown parameters"),
        (_tamper_classes, "sorted"),
    ],
)
def test_tampered_model_raises_model_error(
    tmp_path: Path, tiny_model: TopicClassifier, tamper: object, message: str
) -> None:
    path = tiny_model.save(tmp_path / "m")
    tamper(path)  # type: ignore[operator]
    with pytest.raises(ModelError) as info:
        TopicClassifier.load(path)
    assert message in str(info.value)
    assert "fazhi train" in str(info.value)  # says how to retrain


def test_missing_directory_raises_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"metadata\.json"):
        TopicClassifier.load(tmp_path / "nothing-here")


# -- the shipped model -----------------------------------------------------------------


def test_shipped_model_is_small_and_loads() -> None:
    size = sum(p.stat().st_size for p in SHIPPED.iterdir())
    assert size < 5_000_000
    model = TopicClassifier.pretrained()
    assert model is TopicClassifier.pretrained()  # cached per process
    assert tuple(model.classes_) == tuple(sorted(TOPIC_LABELS))
    assert model.predict(
        ["全面推行行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度"]
    ) == ["enforcement"]


def test_shipped_model_round_trip(tmp_path: Path, seeds: list[Example]) -> None:
    model = TopicClassifier.pretrained()
    texts = [e.text for e in seeds[:200]]
    again = TopicClassifier.load(model.save(tmp_path / "copy"))
    assert np.array_equal(again.predict_proba(texts), model.predict_proba(texts))


def test_shipped_metadata_records_a_win_over_the_keyword_baseline() -> None:
    meta = json.loads((SHIPPED / "metadata.json").read_text(encoding="utf-8"))
    assert meta["format_version"] == FORMAT_VERSION
    assert meta["labels"] == sorted(TOPIC_LABELS)
    cv = meta["cv"]
    assert cv["scheme"].startswith("GroupKFold")
    assert cv["n_groups"] == 28
    assert cv["macro_f1"] > cv["baseline_macro_f1"]
    assert cv["accuracy"] > cv["baseline_accuracy"]
    # the criterion: never below the keyword baseline on any split
    assert len(cv["folds"]) == 5
    assert all(f["macro_f1"] >= f["baseline_macro_f1"] for f in cv["folds"])
    assert cv["worst_fold_margin"] >= 0
    assert meta["params"]["keyword_blend"] == TopicClassifier.pretrained().keyword_blend
    assert meta["lexicon"]["version"] == load_topic_lexicon().version
    assert meta["lexicon"]["sha256"] == load_topic_lexicon().sha256


@pytest.mark.slow
def test_shipped_configuration_beats_keyword_baseline_in_grouped_cv(seeds: list[Example]) -> None:
    model = TopicClassifier.pretrained()
    meta = model.metadata_
    data = seeds + load_examples(AUTHORED)
    assert data_sha256(data) == meta["training_data"]["sha256"], "training data changed: retrain"
    params = {k: v for k, v in model.get_params().items() if k != "lexicon"}
    report = cross_validate(
        TopicClassifier(**params),
        data,
        n_splits=5,
        train_only_weight=meta["training_data"]["train_only_weight"],
    )
    assert report.n_examples == len(seeds)  # authored text is never scored
    assert report.macro_f1 > report.baseline_macro_f1
    assert report.accuracy > report.baseline_accuracy
    # identical on the training environment; other scikit-learn/scipy versions fit slightly differently
    assert report.macro_f1 == pytest.approx(meta["cv"]["macro_f1"], abs=0.02)


# -- fazhi classifier protocol -----------------------------------------------------------


def test_classify_document_output_is_valid(seed_docs: list) -> None:
    doc = seed_docs[-1]  # 004: an 实施意见 with run-in headings
    for clf in (TopicClassifier.pretrained(), KeywordTopicClassifier()):
        predictions = run_classifier(clf, doc)
        assert len(predictions) == len(doc.paragraphs)
        for p in predictions:
            assert set(p.probabilities) == set(TOPIC_LABELS)
            assert sum(p.probabilities.values()) == pytest.approx(1.0)
            assert p.score == p.probabilities[p.label]
            assert all(e.rule == f"lexicon:{p.label}" for e in p.evidence)
    texts = paragraph_texts(doc)
    assert any(
        start < p.start for (start, _), p in zip(texts, doc.paragraphs, strict=True)
    )  # run-in kept


def test_topic_is_a_registered_builtin_classifier() -> None:
    import fazhi

    clf = fazhi.get_classifier("topic")
    assert clf is TopicClassifier.pretrained()
    assert clf.name == "topic" and clf.level == "paragraph"


def test_importing_the_plugin_module_is_cheap() -> None:
    code = (
        "import sys, fazhi.classifiers.topic as t\n"
        "assert 'sklearn' not in sys.modules and 'jieba' not in sys.modules, 'heavy import'\n"
        "assert callable(t.register_classifiers)\n"
        "print(t.TopicClassifier.__name__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "TopicClassifier"


# -- determinism across processes ------------------------------------------------------------

_DETERMINISM = """
import json, sys
from fazhi.training import load_examples
from fazhi.classifiers.topic_model import TopicClassifier
data = load_examples(sys.argv[1])
texts = [e.text for e in data]
model = TopicClassifier(word_max_features=2000, char_max_features=2000, C=3.0)
model.fit(texts, [e.label for e in data])
shipped = TopicClassifier.pretrained()
print(json.dumps({
    "fit": [float(x).hex() for x in model.predict_proba(texts).ravel()],
    "shipped": [float(x).hex() for x in shipped.predict_proba(texts).ravel()],
    "labels": shipped.predict(texts),
}))
"""


def test_same_predictions_across_processes(tmp_path: Path, tiny: list[Example]) -> None:
    data = tmp_path / "tiny.jsonl"
    with data.open("w", encoding="utf-8") as fh:
        for e in tiny[:120]:
            fh.write(json.dumps({"text": e.text, "label": e.label, "group": e.group}) + "\n")
    env = {**os.environ, "PYTHONHASHSEED": "random"}
    runs = [
        subprocess.run(
            [sys.executable, "-c", _DETERMINISM, str(data)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env=env,
        ).stdout
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    shipped = json.loads(runs[0])
    texts = [e.text for e in tiny[:120]]
    here = [float(x).hex() for x in TopicClassifier.pretrained().predict_proba(texts).ravel()]
    assert shipped["shipped"] == here


# -- training data, cross-validation, CLI ----------------------------------------------------


def test_seed_examples_map_paragraphs_to_annotations(seeds: list[Example]) -> None:
    assert len({e.group for e in seeds}) == 28
    assert len(seeds) > 500
    assert {e.label for e in seeds} == set(TOPIC_LABELS)
    assert all(e.source == "seed" and not e.train_only for e in seeds)


def test_load_examples_jsonl_and_csv(tmp_path: Path) -> None:
    jl = tmp_path / "d.jsonl"
    jl.write_text(
        '{"text": "行政复议", "topic": "disputes", "doc_id": "a"}\n\n'
        '{"text": "应急预案", "label": "emergency", "source": "authored"}\n',
        encoding="utf-8",
    )
    rows = load_examples(jl)
    assert [(r.label, r.group, r.train_only) for r in rows] == [
        ("disputes", "a", False),
        ("emergency", None, True),
    ]
    csv_path = tmp_path / "d.csv"
    csv_path.write_text("text,label,group\n行政复议,disputes,a\n", encoding="utf-8")
    assert load_examples(csv_path)[0].group == "a"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"label": "x"}\n', encoding="utf-8")
    from fazhi.errors import InputError

    with pytest.raises(InputError, match=r"bad\.jsonl:1"):
        load_examples(bad)


def test_cross_validate_reports_per_class_and_baseline(tiny: list[Example]) -> None:
    extra = [Example("推进数字政府建设，加强政务数据共享", "digital", None, "authored")]
    report = cross_validate(TopicClassifier(**SMALL), tiny + extra, n_splits=3)
    assert report.n_examples == len(tiny) and report.n_train_only == 1
    assert set(report.per_class) == set(report.labels)
    assert len(report.folds) == 3
    assert len(report.confusion) == len(report.labels)
    assert sum(map(sum, report.confusion)) == len(tiny)
    text = report.format()
    assert "macro-F1" in text and "keyword" in text
    json.dumps(report.to_dict())


def test_cross_validate_under_another_label_scheme(tiny: list[Example]) -> None:
    """The keyword baseline knows only topic ids: under another scheme it scores 0."""
    from sklearn.dummy import DummyClassifier

    relabelled = [Example(e.text, f"scheme-{e.label}", e.group, e.source) for e in tiny]
    report = cross_validate(TopicClassifier(**SMALL), relabelled, n_splits=3)
    assert all(label.startswith("scheme-") for label in report.labels)
    assert report.baseline_macro_f1 == 0.0 and report.macro_f1 > 0.3

    class MostFrequent(DummyClassifier):  # takes texts
        def fit(self, X, y, sample_weight=None):
            return super().fit([[0]] * len(X), y)

        def predict(self, X):
            return list(super().predict([[0]] * len(X)))

    report = cross_validate(
        TopicClassifier(**SMALL), relabelled, n_splits=3, baseline=MostFrequent()
    )
    assert 0.0 < report.baseline_macro_f1 < report.macro_f1


def test_cli_train_and_evaluate(
    tmp_path: Path, tiny: list[Example], capsys: pytest.CaptureFixture[str]
) -> None:
    from fazhi.cli import main

    data = tmp_path / "data.jsonl"
    with data.open("w", encoding="utf-8") as fh:
        for e in tiny:
            fh.write(json.dumps({"text": e.text, "label": e.label, "group": e.group}) + "\n")
    out = tmp_path / "model"
    args = ["train", "--data", str(data), "--out", str(out), "--folds", "2"]
    args += ["--param", "word_max_features=2000", "--param", "char_max_features=2000"]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "macro-F1" in captured.out and "saved topic model" in captured.err
    model = TopicClassifier.load(out)
    assert model.word_max_features == 2000
    assert model.metadata_["cv"]["n_groups"] == 10
    assert main(["evaluate", "--data", str(data), "--model", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["scheme"].startswith("held-out") and report["accuracy"] > 0.5
    (out / "metadata.json").write_text("{", encoding="utf-8")
    assert main(["evaluate", "--data", str(data), "--model", str(out)]) == 1
    assert "fazhi train" in capsys.readouterr().err
