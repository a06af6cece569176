"""Precision and recall against a hand-checked list of the indicators in seed 001."""

from __future__ import annotations

import json
from pathlib import Path

import fazhi

from fazhi_indicators import IndicatorClassifier

GOLD = json.loads((Path(__file__).parent / "data" / "seed001_indicators.json").read_text("utf-8"))


def gold_spans(text: str) -> dict[tuple[int, int], dict]:
    out = {}
    for item in GOLD["indicators"]:
        at = text.find(item["context"])
        assert at >= 0, f"gold context not in the document: {item['context']}"
        assert text.find(item["context"], at + 1) < 0, f"gold context not unique: {item['context']}"
        start = at + item["context"].index(item["text"])
        out[(start, start + len(item["text"]))] = item
    assert len(out) == len(GOLD["indicators"])
    return out


def test_seed001_precision_and_recall(seed001_text: str, capsys) -> None:
    doc = fazhi.parse(seed001_text, source="seeds/001_05b26b594b77e45e.txt")
    assert doc.title_text == GOLD["title"]
    gold = gold_spans(doc.text)
    predictions = IndicatorClassifier().classify(doc)
    correct, wrong = 0, []
    for p in predictions:
        record = p.data
        item = gold.get((record["start"], record["end"]))
        if item is not None and (record["value"], record["unit"], record["qualifier"]) == (
            item["value"],
            item["unit"],
            item["qualifier"],
        ):
            correct += 1
        else:
            wrong.append(record["clause"] + " → " + record["text"])
    precision = correct / len(predictions)
    recall = correct / len(gold)
    with capsys.disabled():
        print(
            f"\nseed 001 indicators: {len(predictions)} found, {len(gold)} in the gold list, "
            f"{correct} correct: precision {precision:.3f}, recall {recall:.3f}"
        )
    assert precision >= 0.95, wrong
    assert recall >= 0.9  # documented in the README; a drop means a rule broke
