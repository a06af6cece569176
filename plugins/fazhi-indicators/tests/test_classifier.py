"""The classifier as fazhi runs it: registered through the hook, output validated, topic context."""

from __future__ import annotations

import json

import fazhi
import pytest
from fazhi.classifiers.base import Prediction, run_classifier, run_classifiers

import fazhi_indicators

TEXT = (
    "某区2024年度法治政府建设报告\n\n"
    "一、主要成效\n\n"
    "全年受理行政复议申请218件,办结186件,纠错8件。\n\n"
    "12345热线受理市民诉求10万余件,群众满意率保持98%以上。\n"
)


@pytest.fixture
def doc():
    return fazhi.parse(TEXT, source="report.txt")


def test_registered_through_the_hook(fazhi_plugins) -> None:
    fazhi_plugins.register(fazhi_indicators)
    clf = fazhi_plugins.get_classifier("indicators")
    assert isinstance(clf, fazhi.Classifier)
    assert clf.level == "paragraph" and clf.requires == ("topic",)
    info = {p["name"]: p for p in fazhi_plugins.plugin_info()}
    assert info["fazhi_indicators"]["registered"] == {"register_classifiers": ["indicators"]}


def test_predictions_are_valid_and_structured(fazhi_plugins, doc) -> None:
    fazhi_plugins.register(fazhi_indicators)
    preds = run_classifier(
        fazhi.get_classifier("indicators"), doc
    )  # validates spans, labels, scores
    records = [p.data for p in preds]
    assert [(r["what"], r["value"], r["unit"], r["qualifier"]) for r in records] == [
        ("受理行政复议申请", 218, "件", None),
        ("办结", 186, "件", None),
        ("纠错", 8, "件", None),
        ("12345热线受理市民诉求", 100000, "件", "余"),
        ("群众满意率", 98, "%", "以上"),
    ]
    for p in preds:
        para = doc.paragraphs[p.target]
        assert (p.start, p.end) == (para.start, para.end)
        [ev] = p.evidence
        assert doc.text[ev.start : ev.end] == ev.text == p.data["text"]
        assert p.data["topic"] is None  # no topic classifier ran
        json.dumps(p.to_dict(), ensure_ascii=False)


class FakeTopic:
    name = "topic"
    level = "paragraph"
    labels = ("disputes", "oversight")

    def classify(self, doc):
        return [
            Prediction.for_paragraph(
                p,
                classifier="topic",
                label="disputes" if "复议" in p.text else "oversight",
                score=0.7,
            )
            for p in doc.paragraphs
        ]


def test_records_carry_the_paragraph_topic(doc) -> None:
    clf = fazhi_indicators.IndicatorClassifier()
    results, failures = run_classifiers([clf, FakeTopic()], doc)
    assert failures == {}
    topics = {
        (r.data["value"], r.data["topic"], r.data["topic_score"]) for r in results["indicators"]
    }
    assert (218, "disputes", 0.7) in topics and (98, "oversight", 0.7) in topics


def test_document_is_not_changed(doc) -> None:
    before = doc.to_dict()
    fazhi_indicators.IndicatorClassifier().classify(doc)
    assert doc.to_dict() == before
