"""Small classifiers registered by the analysis tests (importable, so worker processes can load them)."""

from __future__ import annotations

import fazhi
from fazhi.classifiers.base import Evidence, Prediction


class KeywordTopic:
    """A stand-in paragraph topic classifier: 复议 → disputes, 执法 → enforcement, else general."""

    name = "topic"
    level = "paragraph"
    labels = ("disputes", "enforcement", "general")

    def classify(self, doc):
        out = []
        for p in doc.paragraphs:
            label = (
                "disputes" if "复议" in p.text else "enforcement" if "执法" in p.text else "general"
            )
            probs = {lab: (0.8 if lab == label else 0.1) for lab in self.labels}
            out.append(
                Prediction.for_paragraph(
                    p, classifier=self.name, label=label, score=0.8, probabilities=probs
                )
            )
        return out


class TitleGenre:
    """A stand-in genre classifier: 报告 in the title → annual_report, with the title as evidence."""

    name = "genre"
    level = "document"
    labels = ("annual_report", "unknown")

    def classify(self, doc):
        t = doc.title
        if t is not None and "报告" in t.text:
            ev = (Evidence(t.start, t.end, t.text, rule="title.report", weight=3.0),)
            return [
                Prediction.for_document(
                    doc, classifier=self.name, label="annual_report", score=0.9, evidence=ev
                )
            ]
        return [Prediction.for_document(doc, classifier=self.name, label="unknown", score=0.0)]


class HeadingRole:
    """A stand-in section-role classifier: 问题 in a heading → problems, else measures."""

    name = "role"
    level = "section"
    labels = ("measures", "problems")

    def classify(self, doc):
        return [
            Prediction.for_section(
                doc,
                s,
                classifier=self.name,
                label="problems" if "问题" in s.title else "measures",
                score=1.0,
            )
            for s in doc.walk_sections()
        ]


class CountsTopics:
    """A plugin classifier that needs the topic classifier's output (through ``context``)."""

    name = "topic-count"
    level = "document"
    labels = ("counted",)
    requires = ("topic",)

    def classify(self, doc, context=None):
        topics = context.get("topic", ()) if context else ()
        return [
            Prediction.for_document(
                doc, classifier=self.name, label="counted", score=1.0, data={"n": len(topics)}
            )
        ]


class Broken:
    name = "broken"
    level = "document"
    labels = ("x",)

    def classify(self, doc):
        raise RuntimeError("boom")


class StandIns:
    """The plugin object: registers the stand-in classifiers through the public hook."""

    @fazhi.hookimpl
    def register_classifiers(self, register):
        register("topic", KeywordTopic)
        register("genre", TitleGenre)
        register("role", HeadingRole)
        register("topic-count", CountsTopics)


class BrokenPlugin:
    @fazhi.hookimpl
    def register_classifiers(self, register):
        register("broken", Broken)
