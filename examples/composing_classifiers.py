"""Composing classifiers: pick them by name, add your own, train a topic model and swap it in.

The script version of ``02_composing_classifiers.ipynb``. Run it from anywhere
in a fazhi checkout (``pip install .`` first)::

    python examples/composing_classifiers.py
    python examples/composing_classifiers.py --labels my_labels.jsonl   # your own labelled paragraphs

``--labels`` takes a JSONL or CSV file with ``text`` and ``topic`` columns (see
``fazhi.training.load_examples``); they are added to the training data.
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

import fazhi
import fazhi.plugins
from fazhi import Prediction
from fazhi.classifiers.base import Evidence
from fazhi.classifiers.role import SectionRoleClassifier
from fazhi.training import load_examples, seed_examples

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

NUMBER = re.compile(r"\d+(?:\.\d+)?\s*(?:%|件|个|项|人|次|家|万|亿|名|起|条|场|天|余)")
STOCK = re.compile(r"仍需|有待|不够|不足|不到位|不平衡|差距|薄弱|欠缺|还不|仍然存在|尚未|进一步")


class Candour:
    """Paragraphs of 'problems' sections: specific (with figures) or boilerplate?

    Needs the ``role`` classifier's output: ``requires`` makes fazhi run it
    after ``role`` and pass the role predictions as ``context``.
    """

    name = "candour"
    level = "paragraph"
    labels = ("specific", "boilerplate")
    requires = ("role",)

    def classify(self, doc, context=None):
        roles = {p.target: p.label for p in (context or {}).get("role", ())}
        problems = {s.path for i, s in enumerate(doc.walk_sections()) if roles.get(i) == "problems"}
        out = []
        for para in doc.paragraphs:
            path = para.section_path
            if not any(path[:k] in problems for k in range(1, len(path) + 1)):
                continue
            numbers = list(NUMBER.finditer(para.text))
            label = "specific" if numbers else "boilerplate"
            hits = numbers or list(STOCK.finditer(para.text))
            evidence = tuple(
                Evidence(para.start + m.start(), para.start + m.end(), m.group(), rule=label)
                for m in hits
            )
            out.append(
                Prediction.for_paragraph(
                    para,
                    classifier=self.name,
                    label=label,
                    score=min(1.0, 0.5 + 0.1 * len(hits)),
                    evidence=evidence,
                )
            )
        return out


class CandourPlugin:
    """A plugin object: its hook registers the classifier."""

    @fazhi.hookimpl
    def register_classifiers(self, register):
        register("candour", Candour)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", type=Path, help="extra labelled paragraphs (.jsonl or .csv)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes for analyze_many")
    args = ap.parse_args(argv)

    print("registered classifiers:", fazhi.plugins.classifier_names())
    doc = fazhi.parse((SEEDS / "001_05b26b594b77e45e.txt").read_bytes(), source="001")

    print("\n== pick classifiers by name")
    for names in (["genre"], ["genre", "role"], None):
        a = fazhi.analyze(doc, classifiers=names)
        print(f"  classifiers={names}: ran {sorted(a.predictions)}")
    try:
        fazhi.analyze(doc, classifiers=["topics"])
    except KeyError as err:
        print("  unknown name:", err)

    print("\n== a classifier of our own, registered with @fazhi.hookimpl")
    fazhi.plugins.register(CandourPlugin(), name="candour-plugin")
    for a in fazhi.analyze_many([SEEDS], n_jobs=args.jobs):
        for p in a.predictions.get("candour", ()):
            words = " / ".join(e.text for e in p.evidence[:4])
            print(f"  {a.title[:24]:24} ¶{p.target:<3} {p.label:12} {words}")
    fazhi.plugins.unregister("candour-plugin")

    print("\n== train a topic model on our own labels (seed 001 held out)")
    seed = seed_examples(SEEDS)
    train = [ex for ex in seed if ex.group != "001"]
    train += load_examples(ROOT / "training" / "authored_topics.jsonl")
    if args.labels:
        train += load_examples(args.labels)
    test = [ex for ex in seed if ex.group == "001"]
    model = fazhi.TopicClassifier().fit([ex.text for ex in train], [ex.label for ex in train])
    pred = model.predict([ex.text for ex in test])
    accuracy = sum(p == ex.label for p, ex in zip(pred, test)) / len(test)
    print(
        f"  {len(train)} training paragraphs; held-out accuracy {accuracy:.0%} ({len(test)} paragraphs)"
    )

    with tempfile.TemporaryDirectory() as tmp:
        model.save(Path(tmp) / "model")  # JSON + .npz, never pickle
        model = fazhi.TopicClassifier.load(Path(tmp) / "model")

    print("\n== swap it in for the shipped topic model")

    class MyModels:
        @fazhi.hookimpl
        def register_classifiers(self, register):
            register("genre", fazhi.GenreClassifier)
            register("role", SectionRoleClassifier)
            register("topic", model)

    fazhi.plugins.load(exclude=["fazhi.default_plugins.classifiers"])
    fazhi.plugins.register(MyModels(), name="my-models")
    mine = fazhi.analyze(doc)
    fazhi.plugins.reset()
    shipped = fazhi.analyze(doc)
    for m, s in zip(mine.paragraphs, shipped.paragraphs):
        if m.topic.label != s.topic.label:
            print(
                f"  ¶{m.paragraph.index}: shipped {s.topic.label}, mine {m.topic.label}: {m.paragraph.text[:30]}"
            )
    print("  top topics, shipped:", [(t, round(s, 2)) for t, s in shipped.coverage().top(3)])
    print("  top topics, mine:   ", [(t, round(s, 2)) for t, s in mine.coverage().top(3)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
