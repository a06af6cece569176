"""The rule-based section-role classifier."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import fazhi
from fazhi.classifiers import base
from fazhi.classifiers.role import (
    ROLES,
    RoleRule,
    SectionRoleClassifier,
    classifier_factories,
    load_role_rules,
    paragraph_roles,
    read_role_rules,
)
from gold import SEEDS, doc_id_for, line_of, line_starts, load_gold

GOLD = load_gold()


@pytest.fixture(scope="module")
def clf() -> SectionRoleClassifier:
    return SectionRoleClassifier()


@pytest.fixture(scope="module")
def seeds() -> dict[str, tuple[fazhi.Document, list[int]]]:
    out = {}
    for doc in fazhi.read(SEEDS):
        name = Path(doc.source).name
        starts = line_starts((SEEDS / name).read_text("utf-8"))
        gid = doc_id_for(doc, GOLD, starts)
        if gid in ("001", "004"):
            out[gid] = (doc, starts)
    return out


@pytest.mark.parametrize("gid", ["001", "004"])
def test_every_section_gets_its_gold_role(clf, seeds, gid):
    doc, starts = seeds[gid]
    gold = {r["line"]: r["role"] for r in GOLD[gid]["roles"] if r["line"] is not None}
    preds = base.run_classifier(clf, doc)
    sections = list(doc.walk_sections())
    assert len(preds) == len(sections) == len(GOLD[gid]["outline"])
    for section, pred in zip(sections, preds, strict=True):
        line = line_of(starts, doc.source_span[0] + section.heading.start)
        assert pred.label == gold[line], (
            f"{gid} line {line} {section.heading.title!r}: {pred.label}"
        )


@pytest.mark.parametrize("gid", ["001", "004"])
def test_paragraph_roles_of_the_seeds(clf, seeds, gid):
    doc, starts = seeds[gid]
    roles = clf.paragraph_roles(doc)
    assert roles == paragraph_roles(doc, clf.classify(doc)) == paragraph_roles(doc)
    assert len(roles) == len(doc.paragraphs)
    gold_closing = [r["line"] for r in GOLD[gid]["roles"] if r["role"] == "closing"]
    for para, role in zip(doc.paragraphs, roles, strict=True):
        line = line_of(starts, doc.source_span[0] + para.start)
        if not para.section_path:
            assert role == "preamble", line  # text before the first heading
        elif gold_closing and line >= gold_closing[0]:
            assert role == "closing", line  # 004: 附件 (line 94) and (此件公开发布)
        else:
            assert role != "closing", line
    assert roles[0] == "preamble"
    if gid == "004":
        assert roles[-2:] == ["closing", "closing"]


def test_predictions_carry_evidence(clf, seeds):
    doc, _ = seeds["004"]
    preds = clf.classify(doc)
    first = preds[0]  # 一、总体要求
    assert first.label == "preamble" and first.evidence[0].rule == "preamble.guidance"
    assert first.evidence[0].text == "总体要求"
    child = preds[1]  # (一)指导思想 inherits
    assert child.label == "preamble" and "inherited" in (child.evidence[0].note or "")
    assert child.score < first.score
    for p in preds:
        assert p.level == "section" and p.classifier == "role"
        assert abs(sum(p.probabilities.values()) - 1) < 1e-9
        for e in p.evidence:
            assert doc.text[e.start : e.end] == e.text


REPORT = """XX区2023年法治政府建设年度报告

2023年，我区坚持依法行政。

一、2023年工作情况

（一）强化组织保障。加强组织领导。

（二）深化执法改革。推进综合执法。

二、存在的问题和下一步打算

（一）存在的问题。基层执法力量薄弱。

（二）下一步打算。持续推进法治政府建设。

三、补齐执法短板

加强执法队伍建设。
"""


def test_override_inheritance_and_lead(clf):
    doc = fazhi.parse(REPORT)
    got = [
        (s.heading.title, p.label)
        for s, p in zip(doc.walk_sections(), clf.classify(doc), strict=True)
    ]
    assert got == [
        ("2023年工作情况", "measures"),
        ("强化组织保障", "measures"),  # a safeguards word under measures: inherits
        ("深化执法改革", "measures"),
        ("存在的问题和下一步打算", "problems"),  # earliest of two equally strong cues
        ("存在的问题", "problems"),
        ("下一步打算", "plans"),  # overrides the parent's role
        ("补齐执法短板", "problems"),  # a weak cue decides a top-level heading
    ]


def test_lead_sentence_decides_a_neutral_top_level_section(clf):
    doc = fazhi.parse(
        "题目\n\n一、关于今后\n\n下一步，我们将继续深化改革，推动各项工作落地见效。\n\n二、其他\n\n略。"
    )
    preds = clf.classify(doc)
    assert [p.label for p in preds] == ["plans", "measures"]
    assert preds[0].evidence[0].rule == "plans.lead"
    assert preds[1].evidence[0].note.startswith("no role cue")


def test_attachment_heading_and_no_headings(clf):
    doc = fazhi.parse("题目\n\n一、主要任务\n\n开展工作。\n\n附件1\n\n" + "表格内容。" * 20)
    assert paragraph_roles(doc)[-1] == "closing"
    plain = fazhi.parse("只有一段文字，没有任何标题。")
    assert clf.classify(plain) == []
    assert paragraph_roles(plain) == ["preamble"]


HEADINGS = [
    ("总体要求", "preamble", "preamble.guidance"),
    ("指导思想和工作原则", "preamble", "preamble.guidance"),
    ("推进法治政府建设的主要举措和成效", "measures", "measures.main"),
    ("重点任务", "measures", "measures.main"),
    ("存在的问题和不足", "problems", "problems.main"),
    ("工作中的差距", "problems", "problems.weak"),
    ("2025年工作打算", "plans", "plans.main"),
    ("下一步工作计划", "plans", "plans.main"),
    ("保障措施", "safeguards", "safeguards.main"),
    ("组织实施", "safeguards", "safeguards.main"),
    ("附件", "closing", "closing.attachment_heading"),
]


@pytest.mark.parametrize(("title", "role", "rule_id"), HEADINGS)
def test_heading_rules(clf, title, role, rule_id):
    doc = fazhi.parse(f"题目\n\n一、{title}\n\n正文内容。\n\n二、其他事项\n\n正文内容。")
    pred = clf.classify(doc)[0]
    assert (pred.label, pred.evidence[0].rule) == (role, rule_id)


@pytest.mark.parametrize(
    "title", ["政府职能依法全面履行", "推进依法科学民主决策", "加强行政执法队伍建设"]
)
def test_neutral_headings_get_the_default_role(clf, title):
    doc = fazhi.parse(f"题目\n\n一、{title}\n\n正文内容。\n\n二、其他事项\n\n正文内容。")
    assert clf.classify(doc)[0].label == "measures"


def test_every_role_rule_is_exercised():
    exercised = {r for _, _, r in HEADINGS} | {
        "plans.lead",
        "problems.lead",
        "closing.attachment",
        "closing.publication_note",
        "closing.signature",
    }
    assert {r.id for r in load_role_rules()} <= exercised


@pytest.mark.parametrize(
    ("text", "rule_id"),
    [
        ("附件：2024年工作任务分工表", "closing.attachment"),
        ("（此件公开发布）", "closing.publication_note"),
        ("抄送：市委办公室。", "closing.publication_note"),
        ("2024年3月5日", "closing.signature"),
        ("但也存在一些问题和不足。", "problems.lead"),
    ],
)
def test_paragraph_and_lead_rules(text, rule_id):
    rule = {r.id: r for r in load_role_rules()}[rule_id]
    assert rule.regex.search(text)
    assert not rule.regex.search("推进法治政府建设取得明显成效。")


@pytest.mark.parametrize(
    "sentence",
    [
        "下一步，我们将继续推进。",
        "2025年，我们将重点推进依法行政。",
        "但也存在一些问题和不足。",
        "今年以来，我市下一步，将推进。",
        "存在的问题",
        "推进法治政府建设取得明显成效。",
        "",
    ],
)
def test_line_anchored_lead_rules_match_where_they_search(sentence):
    """Lead rules that can only match at a line start are tried with ``match`` on a
    one-line sentence: it must find what ``search`` finds."""
    from fazhi.classifiers.genre import _line_anchored

    for rule in load_role_rules():
        if rule.scope == "lead" and _line_anchored(rule.pattern):
            found, matched = rule.regex.search(sentence), rule.regex.match(sentence)
            assert (found and found.span()) == (matched and matched.span())


def test_line_anchored():
    from fazhi.classifiers.genre import _line_anchored

    assert _line_anchored("^a|^b") and _line_anchored("(?:^a|\\Ab)c")
    assert not _line_anchored("a|^b") and not _line_anchored("ab") and not _line_anchored("(")
    anchored = {r.id for r in load_role_rules() if _line_anchored(r.pattern)}
    assert {"plans.lead", "problems.lead"} <= anchored


def test_rules_data_and_overrides():
    raw = json.loads((Path(fazhi.__file__).parent / "data" / "role_rules.json").read_text("utf-8"))
    assert raw["version"] and raw["default_role"] in ROLES
    rules = read_role_rules(raw)
    assert all(RoleRule.from_dict(r.to_dict()) == r for r in rules)
    doc = fazhi.parse("题目\n\n一、工作成效\n\n正文。\n\n二、其他\n\n正文。")
    custom = SectionRoleClassifier(
        extra_rules=[
            {
                "id": "measures.main",
                "role": "plans",
                "scope": "heading",
                "pattern": "成效",
                "weight": 1,
            }
        ]
    )
    assert custom.classify(doc)[0].label == "plans"
    assert SectionRoleClassifier(default_role="problems").classify(doc)[1].label == "problems"
    dropped = SectionRoleClassifier(drop_rules=["measures.*"])
    assert dropped.classify(doc)[0].evidence[0].rule is None
    with pytest.raises(ValueError):
        SectionRoleClassifier(drop_rules=["nope"]).classify(doc)
    with pytest.raises(ValueError):
        SectionRoleClassifier(default_role="intro").classify(doc)
    for bad in (
        {"id": "x", "role": "intro", "scope": "heading", "pattern": "a", "weight": 0.5},
        {"id": "x", "role": "plans", "scope": "footer", "pattern": "a", "weight": 0.5},
        {"id": "x", "role": "plans", "scope": "heading", "pattern": "(", "weight": 0.5},
        {"id": "x", "role": "plans", "scope": "heading", "pattern": "a", "weight": 2},
        {
            "id": "x",
            "role": "plans",
            "scope": "heading",
            "pattern": "a",
            "weight": 0.5,
            "colour": 1,
        },
    ):
        with pytest.raises(ValueError):
            RoleRule.from_dict(bad)


def test_classifier_factories():
    factories = classifier_factories()
    assert set(factories) == {"role"}
    clf = factories["role"]()
    assert base.validate_classifier(clf, name="role") == []
    assert clf.level == "section" and tuple(clf.labels) == ROLES
