"""The topic model's fast prediction path equals scikit-learn's own computation.

fazhi.classifiers.topic_inference computes the TF-IDF features and the
logistic regression with numpy; these tests hold it to scikit-learn's
``TfidfVectorizer.transform`` / ``LogisticRegression`` on the seeds, on odd
text, and on configurations it hands back to scikit-learn.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fazhi
from fazhi.classifiers.base import run_classifiers
from fazhi.classifiers.keyword_topic import _longest_match_pattern, load_topic_lexicon
from fazhi.classifiers.topic import paragraph_texts
from fazhi.classifiers.topic_model import TopicClassifier
from fazhi.training import seed_examples

ROOT = Path(__file__).resolve().parent.parent

ODD_TEXTS = [
    "",
    "   ",
    "a  b\n\n c\t\t d",
    "１２３４５热线 2023年 12345 受理",
    "\ud800孤立代理项",
    "x",
    "法",
    "行政执法" * 200,
    "English only text, no Chinese at all.",
]


@pytest.fixture(scope="module")
def seed_paragraphs() -> list[str]:
    texts: list[str] = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        for doc in fazhi.read(path):
            texts.extend(text for _, text in paragraph_texts(doc))
    return texts + ODD_TEXTS


@pytest.fixture(scope="module")
def examples() -> list:  # type: ignore[type-arg]
    return seed_examples(ROOT / "seeds")


def _check_same(clf: TopicClassifier, texts: list[str]) -> None:
    reference = clf._sklearn_features(texts)
    fast = clf._features(texts)
    assert fast.shape == reference.shape
    assert abs(fast - reference).max() <= 1e-12
    np.testing.assert_allclose(
        clf.decision_function(texts), clf.lr_.decision_function(reference), rtol=0, atol=1e-9
    )


def test_shipped_model_fast_features_equal_sklearn(seed_paragraphs: list[str]) -> None:
    _check_same(TopicClassifier.pretrained(), seed_paragraphs)


def test_shipped_model_predictions_equal_sklearn_probabilities(seed_paragraphs: list[str]) -> None:
    clf = TopicClassifier.pretrained()
    lr_only = clf.lr_.predict_proba(clf._sklearn_features(seed_paragraphs))
    compiled = clf._compiled()
    np.testing.assert_allclose(
        compiled.regression_proba(seed_paragraphs), lr_only, rtol=0, atol=1e-12
    )


@pytest.mark.parametrize(
    "params",
    [
        {"word_ngram_range": (1, 3), "char_ngram_range": (1, 3)},  # both on the fast path
        {"word_ngram_range": (1, 1), "char_ngram_range": (2, 4)},  # chars fall back to sklearn
        {"use_words": False, "lexicon_weight": 0.0},
        {"use_chars": False},
    ],
)
def test_other_configurations(examples: list, seed_paragraphs: list[str], params: dict) -> None:  # type: ignore[type-arg]
    train = examples[::3]
    clf = TopicClassifier(word_max_features=3000, char_max_features=3000, **params).fit(
        [e.text for e in train], [e.label for e in train]
    )
    _check_same(clf, seed_paragraphs[::4])


def test_binary_model(examples: list, seed_paragraphs: list[str]) -> None:  # type: ignore[type-arg]
    train = [e for e in examples if e.label in ("enforcement", "general")]
    clf = TopicClassifier(keyword_blend=0.0).fit([e.text for e in train], [e.label for e in train])
    texts = seed_paragraphs[::5]
    _check_same(clf, texts)
    np.testing.assert_allclose(
        clf.predict_proba(texts),
        clf.lr_.predict_proba(clf._sklearn_features(texts)),
        rtol=0,
        atol=1e-12,
    )


def test_refit_replaces_the_compiled_model(examples: list) -> None:  # type: ignore[type-arg]
    train = examples[::4]
    texts, labels = [e.text for e in train], [e.label for e in train]
    clf = TopicClassifier(word_max_features=500, char_max_features=500).fit(texts, labels)
    first = clf._compiled()
    clf.set_params(C=0.1).fit(texts, labels)
    assert clf._compiled() is not first
    _check_same(clf, texts[:50])


def test_pickle_leaves_the_compiled_model_out() -> None:
    import pickle

    clf = TopicClassifier.pretrained()
    clf._compiled()
    state = clf.__getstate__()
    assert "_compiled_model" not in state
    copy = pickle.loads(pickle.dumps(clf))
    assert copy.predict(["严格规范公正文明执法，全面推行行政执法三项制度。"]) == clf.predict(
        ["严格规范公正文明执法，全面推行行政执法三项制度。"]
    )


_TERM_CHARS = "行政执法复议决策法治a[]^-\\.|*?()"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet=_TERM_CHARS, min_size=1, max_size=5), min_size=1, max_size=12),
    st.text(alphabet=_TERM_CHARS + "，。 ", max_size=80),
)
def test_trie_pattern_finds_what_the_longest_first_alternation_finds(
    terms: list[str], text: str
) -> None:
    plain = re.compile(
        "|".join(re.escape(t) for t in sorted(set(terms), key=lambda t: (-len(t), t)))
    )
    trie = _longest_match_pattern(terms)
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_shipped_lexicon_pattern_matches_the_plain_alternation(seed_paragraphs: list[str]) -> None:
    lexicon = load_topic_lexicon()
    terms = sorted({e[0] for e in lexicon.entries}, key=lambda t: (-len(t), t))
    plain = re.compile("|".join(re.escape(t) for t in terms))
    for text in seed_paragraphs:
        assert [(m.start, m.end) for m in lexicon.matches(text)] == [
            m.span() for m in plain.finditer(text)
        ]


def test_builtin_output_is_trusted_but_a_subclass_is_checked() -> None:
    class Broken(TopicClassifier):
        def classify(self, doc):  # type: ignore[no-untyped-def]
            [pred] = super().classify(doc)[:1]
            from dataclasses import replace

            return [replace(pred, start=pred.start + 1)]

    doc = fazhi.parse("关于推进依法行政的报告\n\n一、执法\n\n全面推行行政执法公示制度。")
    shipped = TopicClassifier.pretrained()
    broken = Broken(**shipped.get_params())
    broken.__dict__.update({k: v for k, v in shipped.__dict__.items() if k.endswith("_")})
    results, _ = run_classifiers([shipped], doc)
    assert results["topic"]
    with pytest.raises(fazhi.PluginError, match="span"):
        run_classifiers([broken], doc)


def test_scores_of_matches_sum_the_weights_with_the_lead_sentence_counted_more(
    seed_paragraphs: list[str],
) -> None:
    """Against a plain re-implementation: longest-first alternation, lead sentence x lead_weight."""
    from fazhi.classifiers.topic import TOPIC_LABELS

    lexicon = load_topic_lexicon()
    weights: dict[str, list[tuple[str, float]]] = {}
    for term, topic, weight, _ in lexicon.entries:
        weights.setdefault(term, []).append((topic, weight))
    plain = re.compile("|".join(re.escape(t) for t in sorted(weights, key=lambda t: (-len(t), t))))
    texts = seed_paragraphs[:80]
    expected = np.zeros((len(texts), len(TOPIC_LABELS)))
    for row, text in enumerate(texts):
        lead = re.search(r"[。！？!?；;：:]", text)
        lead_end = lead.end() if lead else len(text)
        for m in plain.finditer(text):
            for topic, weight in weights[m.group()]:
                expected[row, TOPIC_LABELS.index(topic)] += weight * (
                    2.0 if m.start() < lead_end else 1.0
                )
    matches = [lexicon.matches(t) for t in texts]
    np.testing.assert_allclose(
        lexicon.scores_of_matches(texts, matches, lead_weight=2.0), expected, rtol=0, atol=1e-12
    )


def test_long_inputs_are_predicted_in_chunks_with_the_same_result(monkeypatch) -> None:
    """Chunking bounds the memory of a long document and changes no probability."""
    import numpy as np

    import fazhi.classifiers.topic_inference as topic_inference
    from fazhi.classifiers.topic_model import TopicClassifier

    model = TopicClassifier.pretrained()
    doc = fazhi.parse((ROOT / "seeds" / "001_05b26b594b77e45e.txt").read_text("utf-8"))
    texts = [p.text for p in doc.paragraphs]
    whole = model.predict_proba(texts)
    before = model.classify(doc)
    calls = []
    real = topic_inference.CompiledTopicModel._predict_proba

    def counting(self, *args):
        calls.append(len(args[0]))
        return real(self, *args)

    monkeypatch.setattr(topic_inference, "PREDICT_CHUNK", 4)
    monkeypatch.setattr(topic_inference.CompiledTopicModel, "_predict_proba", counting)
    assert np.array_equal(model.predict_proba(texts), whole)
    assert max(calls) == 4 and sum(calls) == len(texts)
    assert model.classify(doc) == before
