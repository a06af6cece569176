"""The topic estimators keep y's label values, as scikit-learn expects (classes_ == np.unique(y))."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.ensemble import VotingClassifier
from sklearn.model_selection import GroupKFold, cross_val_score
from sklearn.preprocessing import LabelEncoder

from fazhi.classifiers.keyword_topic import KeywordTopicClassifier
from fazhi.classifiers.topic import TOPIC_LABELS
from fazhi.classifiers.topic_model import TopicClassifier
from fazhi.training import seed_examples

#: Small, fast settings (a fit on 300 paragraphs takes well under a second).
SMALL = {"word_max_features": 1000, "char_max_features": 1000, "max_iter": 300}


@pytest.fixture(scope="module")
def data(seeds_dir: Path) -> tuple[list[str], list[str], list[str]]:
    """300 seed paragraphs: texts, topic ids, documents."""
    seeds = seed_examples(seeds_dir)[:300]
    return [e.text for e in seeds], [e.label for e in seeds], [str(e.group) for e in seeds]


@pytest.fixture(scope="module")
def encoded(data: tuple[list[str], list[str], list[str]]) -> tuple[LabelEncoder, np.ndarray]:
    encoder = LabelEncoder().fit(data[1])
    return encoder, encoder.transform(data[1])


@pytest.fixture(scope="module")
def int_model(
    data: tuple[list[str], list[str], list[str]], encoded: tuple[LabelEncoder, np.ndarray]
) -> TopicClassifier:
    return TopicClassifier(**SMALL).fit(data[0], encoded[1])


@pytest.fixture(scope="module")
def str_model(data: tuple[list[str], list[str], list[str]]) -> TopicClassifier:
    return TopicClassifier(**SMALL).fit(data[0], data[1])


# -- TopicClassifier with integer labels -------------------------------------------------


def test_int_labels_give_int_classes_and_predictions(
    int_model: TopicClassifier,
    data: tuple[list[str], list[str], list[str]],
    encoded: tuple[LabelEncoder, np.ndarray],
) -> None:
    encoder, y = encoded
    texts = data[0][:40]
    assert np.issubdtype(int_model.classes_.dtype, np.integer)
    np.testing.assert_array_equal(int_model.classes_, np.unique(y))
    pred = int_model.predict(texts)
    assert isinstance(pred, list) and all(type(p) is int for p in pred)
    assert set(pred) <= set(np.unique(y).tolist())
    # The regression is the one fitted on the topic ids, up to the encoding. The
    # keyword blend knows no class (none is a topic id): its part is uniform, so
    # it flattens the probabilities and leaves the ranking alone.
    plain = TopicClassifier(**SMALL, keyword_blend=0.0).fit(data[0], data[1])
    assert list(encoder.inverse_transform(pred)) == plain.predict(texts)
    a = int_model.keyword_blend
    np.testing.assert_allclose(
        int_model.predict_proba(texts),
        (1 - a) * plain.predict_proba(texts) + a / len(int_model.classes_),
        rtol=0,
        atol=1e-12,
    )


def test_int_labels_score(
    int_model: TopicClassifier,
    data: tuple[list[str], list[str], list[str]],
    encoded: tuple[LabelEncoder, np.ndarray],
) -> None:
    score = int_model.score(data[0], encoded[1])  # was "Mix of label input types"
    assert 0.5 < score <= 1.0


def test_cross_val_score_with_label_encoded_y(
    data: tuple[list[str], list[str], list[str]], encoded: tuple[LabelEncoder, np.ndarray]
) -> None:
    texts, _, groups = data
    scores = cross_val_score(
        TopicClassifier(**SMALL), texts, encoded[1], groups=groups, cv=GroupKFold(n_splits=3)
    )
    assert np.all(np.isfinite(scores)), scores  # was [nan nan nan]
    assert scores.min() > 0.3


def test_hard_voting_with_two_topic_classifiers(
    data: tuple[list[str], list[str], list[str]],
) -> None:
    texts, labels, _ = data
    vote = VotingClassifier(
        [("a", TopicClassifier(**SMALL)), ("b", TopicClassifier(**SMALL, C=1.0))],
        voting="hard",
    )
    vote.fit(texts, labels)  # label-encodes y and fits the members on ints
    pred = vote.predict(texts[:30])
    assert set(pred) <= set(labels)
    assert all(isinstance(p, str) for p in pred)
    assert np.mean(pred == np.asarray(labels[:30])) > 0.5


def test_class_weight_keys_follow_the_labels(
    data: tuple[list[str], list[str], list[str]], encoded: tuple[LabelEncoder, np.ndarray]
) -> None:
    texts, labels, _ = data
    encoder, y = encoded
    general = int(encoder.transform(["general"])[0])
    by_int = TopicClassifier(**SMALL, class_weight={general: 3.0}).fit(texts, y)
    assert by_int.lr_.class_weight == {general: 3.0}
    by_name = TopicClassifier(**SMALL, class_weight={str(general): 3.0}).fit(texts, y)
    assert by_name.lr_.class_weight == {general: 3.0}
    as_str = TopicClassifier(**SMALL, class_weight={"general": 3.0}).fit(texts, labels)
    assert as_str.lr_.class_weight == {"general": 3.0}
    np.testing.assert_array_equal(by_int.lr_.coef_, as_str.lr_.coef_)  # the same weighting


def test_fazhi_side_names_classes_by_str(int_model: TopicClassifier, seed_docs: list) -> None:
    assert int_model.labels == tuple(str(c) for c in int_model.classes_)
    doc = seed_docs[-1]
    predictions = int_model.classify(doc)
    assert len(predictions) == len(doc.paragraphs)
    assert all(isinstance(p.label, str) and p.label in int_model.labels for p in predictions)


def test_saving_a_model_with_non_str_labels_raises(
    tmp_path: Path, int_model: TopicClassifier
) -> None:
    with pytest.raises(ValueError, match="non-str labels"):
        int_model.save(tmp_path / "m")
    assert not (tmp_path / "m" / "metadata.json").exists()


@pytest.mark.parametrize(
    "y",
    [
        ["enforcement", 1] * 5,
        ["enforcement", np.int64(1)] * 5,
        np.array(["enforcement", 1] * 5, dtype=object),
        ["enforcement", None] * 5,
    ],
)
def test_mixed_label_kinds_raise_a_clear_value_error(y: object) -> None:
    texts = ["强化行政执法监督", "行政复议"] * 5
    with pytest.raises(ValueError, match="labels must all be str"):
        TopicClassifier(**SMALL).fit(texts, y)
    with pytest.raises(ValueError, match="labels must all be str"):
        KeywordTopicClassifier().fit(texts, y)


# -- str labels are unchanged --------------------------------------------------------------


def test_str_labels_unchanged(
    str_model: TopicClassifier, data: tuple[list[str], list[str], list[str]]
) -> None:
    texts = data[0][:20]
    assert str_model.classes_.dtype == object
    assert all(type(c) is str for c in str_model.classes_)
    pred = str_model.predict(texts)
    assert isinstance(pred, list) and all(type(p) is str for p in pred)
    # a numpy str array gives the same model as a list
    again = TopicClassifier(**SMALL).fit(data[0], np.asarray(data[1]))
    assert again.classes_.dtype == object and list(again.classes_) == list(str_model.classes_)
    assert again.predict(texts) == pred
    shipped = TopicClassifier.pretrained()
    assert shipped.classes_.dtype == object and list(shipped.classes_) == sorted(TOPIC_LABELS)
    assert shipped.predict(["强化行政执法监督，开展执法案卷评查"]) == ["enforcement"]


# -- KeywordTopicClassifier ----------------------------------------------------------------


def test_keyword_baseline_rejects_labels_that_are_not_topic_ids(
    data: tuple[list[str], list[str], list[str]], encoded: tuple[LabelEncoder, np.ndarray]
) -> None:
    with pytest.raises(ValueError, match="none of y's labels") as info:
        KeywordTopicClassifier().fit(data[0], encoded[1])
    assert "enforcement" in str(info.value) and "general" in str(info.value)
    with pytest.raises(ValueError, match="is a topic id"):
        KeywordTopicClassifier().fit(["a", "b"], ["A", "B"])


def test_keyword_baseline_with_topic_ids(data: tuple[list[str], list[str], list[str]]) -> None:
    texts, labels, _ = data
    clf = KeywordTopicClassifier().fit(texts, labels)
    np.testing.assert_array_equal(clf.classes_, np.unique(labels))
    assert clf.classes_.dtype == object
    pred = clf.predict(texts[:30])
    assert all(type(p) is str for p in pred)
    assert pred == KeywordTopicClassifier().predict(texts[:30])  # all 11 topics in y
    assert clf.score(texts, labels) > 0.5
    # labels beside the topic ids are kept in classes_ but never predicted
    mixed = KeywordTopicClassifier().fit(["行政复议", "x"], ["disputes", "other"])
    assert list(mixed.classes_) == ["disputes", "other"]
    assert mixed.predict(["行政复议", "今天天气很好"]) == ["disputes", "disputes"]


def test_a_model_of_some_topic_ids_passes_the_output_check_and_reports_the_rest_missing(
    seeds_dir: Path,
) -> None:
    """Trained on two task areas, it still reports on all topic labels (0 for the others)."""
    import fazhi
    from fazhi.analysis import Analysis
    from fazhi.classifiers.base import run_classifier

    examples = [e for e in seed_examples(seeds_dir) if e.label in ("enforcement", "disputes")]
    clf = TopicClassifier(**SMALL).fit([e.text for e in examples], [e.label for e in examples])
    assert clf.labels == TOPIC_LABELS
    doc = fazhi.parse("标题\n\n全面推行行政执法公示制度。\n\n深化行政复议体制改革。")
    predictions = run_classifier(clf, doc)  # checked output: every probability key is a label
    assert [p.label for p in predictions] == ["enforcement", "disputes"]
    assert set(predictions[0].probabilities) == set(TOPIC_LABELS)
    coverage = Analysis(doc, {"topic": predictions}).coverage()
    assert "digital" in coverage.missing and "enforcement" not in coverage.missing


def test_another_label_scheme_reports_only_its_own_labels(seeds_dir: Path) -> None:
    import fazhi
    from fazhi.analysis import Analysis
    from fazhi.classifiers.base import run_classifier

    examples = seed_examples(seeds_dir)[:300]
    y = ["task" if e.label != "general" else "other" for e in examples]
    clf = TopicClassifier(**SMALL).fit([e.text for e in examples], y)
    assert clf.labels == ("other", "task")
    doc = fazhi.parse("标题\n\n全面推行行政执法公示制度。")
    (prediction,) = run_classifier(clf, doc)
    assert set(prediction.probabilities) == {"other", "task"}
    assert set(Analysis(doc, {"topic": [prediction]}).coverage().shares) == {"other", "task"}


def test_a_keyword_baseline_of_some_topic_ids_classifies_documents(seeds_dir: Path) -> None:
    import fazhi
    from fazhi.classifiers.base import run_classifier

    examples = [e for e in seed_examples(seeds_dir) if e.label in ("enforcement", "disputes")]
    clf = KeywordTopicClassifier().fit([e.text for e in examples], [e.label for e in examples])
    doc = fazhi.parse("标题\n\n全面推行行政执法公示制度。\n\n深化行政复议体制改革。")
    predictions = run_classifier(clf, doc)
    assert [p.label for p in predictions] == ["enforcement", "disputes"]
    assert set(predictions[0].probabilities) == set(TOPIC_LABELS)


def test_topic_label_space() -> None:
    from fazhi.classifiers.topic import topic_label_space

    assert topic_label_space(None) == TOPIC_LABELS
    assert topic_label_space(["disputes", "enforcement"]) == TOPIC_LABELS
    assert topic_label_space(np.array([0, 1, 2])) == ("0", "1", "2")
    assert topic_label_space(["disputes", "mine"]) == ("disputes", "mine")
