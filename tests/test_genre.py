"""The rule-based genre classifier: rule coverage, seeds, openings, evidence, scikit-learn."""

from __future__ import annotations

import json
import pickle
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fazhi
from fazhi.classifiers import base
from fazhi.classifiers import genre as genre_mod
from fazhi.classifiers.genre import (
    GENRES,
    DocView,
    GenreClassifier,
    GenreRule,
    GenreRules,
    classifier_factories,
    load_rules,
    read_rules,
)
from gold import SEEDS, doc_id_for, line_starts, load_gold

DATA = Path(__file__).parent / "data"


def read_jsonl(name: str) -> list[dict[str, Any]]:
    """The records of ``tests/data/<name>``, one JSON object per non-blank line."""
    lines = (DATA / name).read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


CASES = read_jsonl("genre_cases.jsonl")
RULE_IDS = [r.id for r in load_rules(plugins=False)]
GOLD = load_gold()

#: Seed documents whose gold genre the rules do not reach (strict xfails). Empty:
#: 002a11 and 002a16, the two hard calls of the gold README that used to be listed
#: here, are reached with general cues (news.claim_headline, news.quote_ledes, a
#: heavier news.date_lede), not seed-specific rules; see test_former_seed_misses.
SEED_MISSES: dict[str, str] = {}


@pytest.fixture(scope="module")
def clf() -> GenreRules:
    return GenreRules()


@pytest.fixture(scope="module")
def seeds() -> dict[str, fazhi.Document]:
    out = {}
    starts: dict[str, list[int]] = {}
    for doc in fazhi.read(SEEDS):
        name = Path(doc.source).name
        st = starts.setdefault(name, line_starts((SEEDS / name).read_text("utf-8")))
        gid = doc_id_for(doc, GOLD, st)
        assert gid is not None
        out[gid] = doc
    return out


# -- the synthetic cases ---------------------------------------------------------


def test_cases_cover_every_genre():
    counts = Counter(c["genre"] for c in CASES)
    for g in GENRES:
        need = 3 if g == "unknown" else 4
        assert counts[g] >= need, f"only {counts[g]} cases for {g}"


def test_cases_name_only_existing_rules():
    known = set(RULE_IDS)
    for c in CASES:
        assert set(c["fires"]) <= known, (c["id"], set(c["fires"]) - known)
        assert set(c["not_fires"]) <= known, (c["id"], set(c["not_fires"]) - known)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_every_rule_has_a_firing_and_a_non_firing_case(rule_id):
    """Adding a rule to genre_rules.json without test cases fails here."""
    assert any(rule_id in c["fires"] for c in CASES), f"no case in which {rule_id} fires"
    assert any(rule_id in c["not_fires"] for c in CASES), (
        f"no case in which {rule_id} must not fire"
    )


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(clf, case):
    ex = clf.explain(case["text"])
    fired = {h.rule.id for h in ex.hits}
    assert ex.label == case["genre"], str(ex)
    missing = set(case["fires"]) - fired
    assert not missing, f"expected to fire: {sorted(missing)}\n{ex}"
    wrong = set(case["not_fires"]) & fired
    assert not wrong, f"must not fire: {sorted(wrong)}\n{ex}"


# -- the seeds ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "gid",
    [
        pytest.param(g, marks=pytest.mark.xfail(reason=SEED_MISSES[g], strict=True))
        if g in SEED_MISSES
        else g
        for g in sorted(GOLD)
    ],
)
def test_seed_genre(clf, seeds, gid):
    doc = seeds[gid]
    ex = clf.explain(doc)
    assert ex.label == GOLD[gid]["genre"], f"{gid}: {GOLD[gid]['genre_reason']}\n{ex}"


def test_seed_accuracy(clf, seeds):
    right = sum(clf.explain(seeds[g]).label == GOLD[g]["genre"] for g in GOLD)
    assert right >= len(GOLD) - len(SEED_MISSES)


def test_former_seed_misses(clf, seeds):
    """The two former strict xfails, with the general cues that now decide them."""
    ex = clf.explain(seeds["002a11"])  # a feature retitled "…工作总结", written with 我市
    fired = {h.rule.id for h in ex.hits}
    assert ex.label == "news", str(ex)
    assert {"news.date_lede", "news.quote_ledes", "work_summary.title"} <= fired
    ex = clf.explain(seeds["002a16"])  # headline title "…成果丰硕", third person
    fired = {h.rule.id for h in ex.hits}
    assert ex.label == "news", str(ex)
    assert {"news.claim_headline", "news.title_subject"} <= fired


def _header_rules() -> list[GenreRule]:
    return [r for r in load_rules(plugins=False) if set(r.scopes) <= {"title", "meta", "header"}]


def test_openings_agree_with_full_documents_when_the_header_decides(clf, seeds):
    """From its first 500 characters alone, a document whose title/metadata/header
    cues (present in those 500 characters) decide its genre gets its full genre."""
    header_only = GenreRules(rules=_header_rules())
    decided = []
    for gid, doc in sorted(seeds.items()):
        opening = doc.text[:500]
        if header_only.explain(opening).label != GOLD[gid]["genre"]:
            continue
        decided.append(gid)
        assert clf.explain(opening).label == clf.explain(doc).label == GOLD[gid]["genre"], gid
    # title cues: 001 004 002a09 002a17 002a18; author lines: 002a20 002a23 002a24
    assert {"001", "004", "002a09", "002a17", "002a18", "002a20", "002a23", "002a24"} <= set(
        decided
    )


def test_openings_of_synthetic_cases(clf):
    for c in CASES:
        if c["genre"] != "unknown" and len(c["text"]) > 500:
            assert clf.explain(c["text"][:500]).label == c["genre"], c["id"]


#: Held-out synthetic openings (tests/data/genre_heldout*.jsonl): written from the
#: taxonomy cues in the register of real documents, not as rule tests. The first
#: file was written before the rules 1.2 changes (54/57 with rules 1.1), the second
#: after the first of them and never used for tuning (22/22 with 1.1 and 1.2).
#: C and D (55 each, 5 per genre) were written blind, by an author who read only
#: taxonomy.md, never the rules (see tests/data/README.md): with rules 1.2, C 53/55
#: and D 54/55; C's two misses led to rules 1.3 (55/55); D is never used for tuning.
#: E (66, 6 per genre, a third hard, 150-550 characters) was written the same way
#: later: 64/66 with rules 1.3 before anyone looked at it; one miss (a 印发 notice
#: going on into the plan it issues) led to rules 1.4 (65/66).
HELDOUT = {
    name: read_jsonl(name)
    for name in (
        "genre_heldout.jsonl",
        "genre_heldout_b.jsonl",
        "genre_heldout_c.jsonl",
        "genre_heldout_d.jsonl",
        "genre_heldout_e.jsonl",
    )
}
#: never read to tune rules (tests/data/README.md): only its scores are looked at
HELDOUT_NEVER_TUNED = "genre_heldout_d.jsonl"


@pytest.mark.parametrize("chars", [500, 200])
@pytest.mark.parametrize("name", sorted(HELDOUT))
def test_heldout_openings(clf, name, chars):
    """At least 90% of the held-out openings get their genre from their first 500
    characters, and still from their first 200 (a title and a line or two: scraped
    copies are often cut short; 98% over the five sets with rules 1.4 and 1.5, 92%
    at 120 characters); ``unknown`` counts as wrong. Each file has at least 2
    openings per genre."""
    cases = HELDOUT[name]
    assert Counter(c["genre"] for c in cases).keys() == set(GENRES) - {"unknown"}
    assert min(Counter(c["genre"] for c in cases).values()) >= 2
    wrong = [
        (c["id"], label)
        for c in cases
        if (label := clf.explain(c["text"][:chars]).label) != c["genre"]
    ]
    assert len(wrong) <= 0.1 * len(cases), wrong


def test_untitled_openings(clf):
    """A copy that lost its title line (rules 1.5): the development sets' 决定 that
    the operative clause or 本决定自……施行 now decide are found, and no opening of
    another genre becomes a 决定 without its title (set D is left out: never tuned on)."""
    dev = [c for name, cases in HELDOUT.items() if name != HELDOUT_NEVER_TUNED for c in cases]

    def untitled(c: dict[str, str]) -> str:
        return clf.explain(c["text"].split("\n", 1)[-1]).label

    found = {"dc2", "dc5", "c-decision-03", "c-decision-05", "e-decision-02"}
    assert {c["id"] for c in dev if c["id"] in found and untitled(c) == "decision"} == found
    assert [c["id"] for c in dev if c["genre"] != "decision" and untitled(c) == "decision"] == []


def test_decision_probe(clf):
    """The 决定 cues (rules 1.5) find a 决定 that lost its title line, and the word 决定
    in a notice, a news report or a summary does not make it one
    (tests/data/genre_probe_decision.jsonl, written blind; see tests/data/README.md):
    12 of its 20 title-less 决定 are found with rules 1.5, none of the 20 others."""
    probe = read_jsonl("genre_probe_decision.jsonl")
    labels = {c["id"]: clf.explain(c["text"]).label for c in probe}
    decisions = [c["id"] for c in probe if c["genre"] == "decision"]
    assert len(decisions) == 20
    assert sum(labels[i] == "decision" for i in decisions) >= 10
    others = [c for c in probe if c["genre"] != "decision"]
    assert [c["id"] for c in others if labels[c["id"]] == "decision"] == []


def test_seed_openings(clf, seeds):
    """From their first 500 characters, at least 22 of the 28 seeds get their gold
    genre (18 with rules 1.1). The misses are features a compiler retitled
    "……总结" (002a04, 002a10, 002a11, 002a19: the title outweighs a third-person
    lede), and two openings without a decisive cue (002a02, 002a22)."""
    right = {g for g, doc in seeds.items() if clf.explain(doc.text[:500]).label == GOLD[g]["genre"]}
    assert len(right) >= 22, sorted(set(seeds) - right)
    assert {"003", "002a06", "002a08", "002a15"} <= right  # third-person ledes and headlines


# -- predictions and evidence ------------------------------------------------------


def test_classify_gives_one_valid_document_prediction(clf, seeds):
    for doc in seeds.values():
        preds = base.run_classifier(clf, doc)  # validates spans, labels, scores, evidence text
        assert len(preds) == 1
        p = preds[0]
        assert p.level == "document" and p.classifier == "genre" and p.label in GENRES
        assert abs(sum(p.probabilities.values()) - 1) < 1e-9
        assert p.score == p.probabilities[p.label]
        ex = clf.explain(doc)
        assert {e.rule for e in p.evidence} == {h.rule.id for h in ex.hits}
        for e in p.evidence:
            assert doc.text[e.start : e.end] == e.text
            assert e.weight is not None and e.note
        assert p.data["scores"] == dict(ex.scores)


def test_evidence_of_004_points_at_the_cues(clf, seeds):
    doc = seeds["004"]
    by_rule = {e.rule: e for e in clf.classify(doc)[0].evidence}
    assert by_rule["opinion.title"].text.endswith("实施意见")
    assert "济长政发〔2018〕8号" in by_rule["official.doc_number"].text
    assert by_rule["official.addressee"].text == "各街道办事处、镇人民政府,区政府各部门:"
    assert "提出如下实施意见" in by_rule["opinion.as_follows"].text


def test_a_cited_doc_number_in_running_text_is_not_a_header_cue(clf, seeds):
    ex = clf.explain(seeds["000"])  # cites 《关于……的决定》(鲁法办发﹝2020﹞19号) in its lede
    fired = {h.rule.id for h in ex.hits}
    assert "official.doc_number" not in fired
    assert "decision.title" not in fired
    assert ex.label == "news"


def test_explain_is_readable_and_serialisable(clf, seeds):
    ex = clf.explain(seeds["001"])
    text = str(ex)
    assert text.startswith("genre: annual_report")
    assert "annual_report.title" in text and "runner-up" in text
    data = ex.to_dict()
    json.dumps(data, ensure_ascii=False)
    assert data["label"] == "annual_report"
    assert any(h["rule"] == "annual_report.frame" for h in data["hits"])


def test_score_genre_lists_fired_and_missing_rules(clf, seeds):
    s = clf.score_genre(seeds["004"], "opinion")
    fired = {h.rule.id for h in s.fired}
    missing = {r.id for r in s.missing}
    assert {"opinion.title", "opinion.as_follows", "official.doc_number"} <= fired
    assert fired.isdisjoint(missing)
    assert fired | missing == {r.id for r in load_rules(plugins=False) if "opinion" in r.genres}
    assert s.score == pytest.approx(clf.explain(seeds["004"]).scores["opinion"])
    assert "missing" in str(s)
    with pytest.raises(ValueError):
        clf.score_genre(seeds["004"], "unknown")


def test_unknown_below_threshold_or_margin(clf):
    assert clf.explain("").label == "unknown"
    text = "XX区法治建设情况\n\n该区坚持依法行政，该区群众满意度提升。"  # one weak news cue
    assert clf.explain(text).label == "unknown"
    assert GenreRules(threshold=1.0).explain(text).label == "news"
    # a tie between two genres is refused whatever the threshold
    tie = "关于印发方案的通知\n\n现将方案印发给你们，请认真贯彻执行。制定本方案。"
    ex = GenreRules(margin=100.0).explain(tie)
    assert ex.label == "unknown"


# -- rules: data, extension, override, drop ---------------------------------------


def test_packaged_rules_are_versioned_and_valid():
    raw = json.loads((Path(fazhi.__file__).parent / "data" / "genre_rules.json").read_text("utf-8"))
    assert raw["version"] == genre_mod.rules_version()
    rules = read_rules(raw)
    assert [r.id for r in rules] == RULE_IDS
    for r in rules:
        assert r.description, r.id
        assert GenreRule.from_dict(r.to_dict()) == r


def test_rule_validation():
    good = {"id": "x.t", "genre": "news", "scope": "title", "pattern": "快讯", "weight": 2}
    GenreRule.from_dict(good)
    for bad in (
        {**good, "genre": "unknown"},
        {**good, "genre": "blog"},
        {**good, "scope": "footer"},
        {**good, "pattern": "("},
        {**good, "predicate": "signoff"},
        {k: v for k, v in good.items() if k != "pattern"},
        {**good, "weight": "high"},
        {**good, "min_count": 0},
        {**good, "mode": "anywhere"},
        {**good, "colour": "red"},
        {
            "id": "x.p",
            "genre": "news",
            "scope": "body",
            "predicate": "no_such_predicate",
            "weight": 1,
        },
    ):
        with pytest.raises(ValueError):
            GenreRule.from_dict(bad)
    with pytest.raises(ValueError, match="duplicate"):
        GenreRules(rules=[good, good]).explain("x")


def test_extra_override_and_drop_rules(seeds):
    doc = seeds["004"]
    assert GenreRules(drop_rules=["opinion.*"]).explain(doc).label != "opinion"
    heavier = {**load_rules(plugins=False)[0].to_dict()}
    heavier["weight"] = 99.0
    ex = GenreRules(extra_rules=[heavier]).explain(doc)
    assert {h.rule.id: h.rule.weight for h in ex.hits}[heavier["id"]] == 99.0
    extra = {"id": "site.flash", "genre": "news", "scope": "title", "pattern": "快讯", "weight": 9}
    assert (
        GenreRules(extra_rules=[extra]).explain("快讯：某市召开会议\n\n会议听取了汇报。").label
        == "news"
    )
    with pytest.raises(ValueError, match="no rule matches"):
        GenreRules(drop_rules=["no.such.rule"]).explain(doc)
    only = GenreRules(rules=[extra])
    assert [r.id for r in only.effective_rules()] == ["site.flash"]


def test_rule_sources_extend_load_rules(monkeypatch):
    extra = {"id": "site.flash", "genre": "news", "scope": "title", "pattern": "快讯", "weight": 9}
    monkeypatch.setattr(genre_mod, "RULE_SOURCES", [lambda: [extra]])
    assert "site.flash" in {r.id for r in load_rules(plugins=False)}
    assert GenreRules().explain("快讯：某市召开会议\n\n会议听取了汇报。").label == "news"


def test_plugin_rules_are_collected(monkeypatch):
    import fazhi.plugins

    extra = {
        "id": "plugin.flash",
        "genre": "news",
        "scope": "title",
        "pattern": "快讯",
        "weight": 9,
    }
    monkeypatch.setattr(fazhi.plugins, "genre_rules", lambda: [extra], raising=False)
    assert "plugin.flash" in {r.id for r in load_rules()}
    assert "plugin.flash" not in {r.id for r in load_rules(plugins=False)}


def test_pattern_unless_args_are_checked_and_unless_is_honoured():
    base = {
        "id": "x.lede",
        "genre": "news",
        "scope": "opening",
        "predicate": "pattern_unless",
        "weight": 2,
    }
    for bad in (
        {},
        {"pattern": "("},
        {"pattern": "近日", "scope": "nowhere"},
        {"pattern": "近日", "mode": "sometimes"},
        {"pattern": "近日", "unless": "news.byline"},
    ):
        with pytest.raises(ValueError):
            GenreRule.from_dict({**base, "args": bad})
    rule = {
        **base,
        "args": {"pattern": "近日", "scope": "opening", "mode": "start", "unless": ["news.by*"]},
    }
    clf = GenreRules(rules=[rule, *(r for r in load_rules(plugins=False) if r.id == "news.byline")])
    fired = {h.rule.id for h in clf.explain("某市开展普法活动\n近日，某市开展普法活动。").hits}
    assert "x.lede" in fired
    fired = {
        h.rule.id for h in clf.explain("某市开展普法活动\n记者 张三\n近日，某市开展普法活动。").hits
    }
    assert "news.byline" in fired and "x.lede" not in fired


def test_custom_predicate(monkeypatch):
    monkeypatch.setitem(
        genre_mod.PREDICATES,
        "short_text",
        lambda view, args: [(0, 1)] if len(view.text) < 5 else [],
    )
    rule = {
        "id": "x.short",
        "genre": "news",
        "scope": "body",
        "predicate": "short_text",
        "weight": 5,
    }
    assert GenreRules(rules=[rule]).explain("短讯").label == "news"


def _naive_fired(rules, doc) -> set[str]:
    """Pattern rules that fire, evaluated the slow obvious way: finditer per rule and scope."""
    view = DocView(doc)
    fired = set()
    for r in rules:
        if r.pattern is None:
            continue
        spans: set[tuple[int, int]] = set()
        for scope in r.scopes:
            j = view.joined(scope, r.keys)
            found: list[tuple[int, int]] = []
            if r.mode == "search":
                found = [
                    (m.start(), m.end()) for m in r.regex.finditer(j.text) if m.end() > m.start()
                ]
            else:
                for s, e in zip(j.jstarts, j.jends, strict=True):
                    m = (
                        r.regex.fullmatch(j.text, s, e)
                        if r.mode == "fullmatch"
                        else r.regex.match(j.text, s, e)
                    )
                    if m is not None and m.end() > m.start():
                        found.append((m.start(), m.end()))
            spans.update(j.to_doc(s, e) for s, e in found)
        if len(spans) >= r.min_count:
            fired.add(r.id)
    return fired


def _fast_fired(engine, doc) -> set[str]:
    return {h.rule.id for h in engine.hits(DocView(doc)) if h.rule.pattern is not None}


def test_optimised_scan_equals_naive_evaluation(seeds):
    """The literal-trigger scan finds exactly the rules a plain per-rule finditer finds."""
    rules = load_rules(plugins=False)
    engine = GenreRules(rules=rules)._engine()
    for doc in [*seeds.values(), *(fazhi.parse(c["text"]) for c in CASES)]:
        fast, naive = _fast_fired(engine, doc), _naive_fired(rules, doc)
        assert fast == naive, (doc.title_text, fast ^ naive)


_PIECES = [
    "记者",
    "通讯员",
    "”",
    "“",
    "说",
    "表示：",
    "据悉",
    "近日，",
    "第一条",
    "第二条",
    "第三条",
    "我市",
    "该市",
    "本人",
    "同志们：",
    "关于",
    "的通知",
    "的实施意见",
    "提出如下意见",
    "制定本方案",
    "通知如下",
    "决定如下",
    "年度法治政府建设报告",
    "工作总结",
    "述法",
    "党校",
    "摘要：",
    "参考文献",
    "附件：",
    "（此件公开发布）",
    "2024年3月5日",
    "市人民政府",
    "〔2024〕3号",
    "今年5月，",
    "会议指出",
    "上接01版",
    "某某",
    "法治",
    "政府",
    "建设",
    "一、",
    "（一）",
    "存在的问题",
    "下一步",
    "，",
    "。",
    "\n",
    "\n\n",
    " ",
]


_RANDOM_CLF = GenreRules(rules=load_rules(plugins=False))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=60))
def test_random_texts(pieces):
    doc = fazhi.parse("".join(pieces))
    assert _fast_fired(_RANDOM_CLF._engine(), doc) == _naive_fired(
        _RANDOM_CLF.effective_rules(), doc
    )
    (p,) = base.run_classifier(_RANDOM_CLF, doc)
    assert p.label in GENRES and abs(sum(p.probabilities.values()) - 1) < 1e-9


_TITLE_PIECES = [
    "关于",
    "加强",
    "法治政府建设",
    "的实施意见",
    "的通知",
    "的决定",
    "工作方案",
    "实施办法",
    "2023年度",
    "年度报告",
    "情况报告",
    "工作总结",
    "述法报告",
    "第一责任人职责",
    "在全市",
    "会议上的讲话",
    "召开",
    "推进会",
    "出台",
    "印发",
    "获评",
    "示范",
    "称号",
    "某市",
    "：",
    "的思考",
    "跑出加速度",
    "（试行）",
    " ",
]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(_TITLE_PIECES), min_size=1, max_size=12),
    st.lists(st.sampled_from(_PIECES), max_size=40),
)
def test_random_titles(title, body):
    """Title forms are prefiltered by the literals they require; the prefilter never
    hides a rule that a plain finditer finds."""
    doc = fazhi.parse("".join(title) + "\n\n" + "".join(body))
    assert _fast_fired(_RANDOM_CLF._engine(), doc) == _naive_fired(
        _RANDOM_CLF.effective_rules(), doc
    )


def test_required_literal_prefilters_never_reject_a_match(seeds):
    """Every pattern that would be tried at every position (no start literals) and every
    heading-frame part: wherever it matches, its prefilter finds a required literal."""
    rules = load_rules(plugins=False)
    patterns = [r.pattern for r in rules if r.pattern and not genre_mod._start_literals(r.pattern)]
    patterns += [p for r in rules if r.predicate == "heading_frame" for p in r.args["parts"]]
    docs = [*seeds.values(), *(fazhi.parse(c["text"]) for c in CASES)]
    texts = [
        DocView(d).joined(scope).text
        for d in docs
        for scope in genre_mod.SCOPES
        if scope != "noise"
    ]
    checked = 0
    for pattern in patterns:
        prefilter = genre_mod._prefilter(pattern)
        if prefilter is None:
            continue
        regex = re.compile(pattern, re.MULTILINE)
        for text in texts:
            if regex.search(text):
                assert prefilter.search(text), (pattern, text[:60])
                checked += 1
    assert checked > 50  # the check is not vacuous


@pytest.mark.parametrize(
    ("pattern", "required"),
    [
        ("(?:工作)?计划", ("计划",)),  # 工作计划 contains 计划: testing for it adds nothing
        ("^(?!.*出台).*(?:关于.{1,100}的|实施)意见", ("意见",)),
        ("a|bc", ("a", "bc")),
        ("x*y", ("y",)),
        ("(ab)\\1", ("ab",)),
        ("[^。]{2,5}", None),
        ("(?i:abc)", None),
        ("(?i)abc", None),
        ("a|.b", ("a", "b")),
        ("a|.", None),
    ],
)
def test_required_literals(pattern, required):
    assert genre_mod._required_literals(pattern) == required


def test_case_insensitive_groups_give_no_literal_triggers():
    """``(?i:…)`` matches its literals in any case, so they cannot be triggers."""
    assert genre_mod._start_literals("(?i:abc)") is None
    assert genre_mod._start_literals("x(?i:abc)") == frozenset({"x"})
    rule = {
        "id": "x.latin",
        "genre": "news",
        "scope": "body",
        "pattern": "(?i:xinhua)",
        "weight": 5,
    }
    engine = GenreRules(rules=[rule])._engine()
    doc = fazhi.parse("标题\n\n据 XINHUA 报道，某市召开会议。")
    assert _fast_fired(engine, doc) == _naive_fired([GenreRule.from_dict(rule)], doc) == {"x.latin"}


def test_opening_rules_keep_their_body_semantics():
    """An opening-only rule is tried on the body text, before the end of the opening: a
    match that starts in the opening (its first three paragraphs) may run on into the
    next paragraph, and nothing that starts after the opening counts."""
    rule = {
        "id": "x.lede",
        "genre": "news",
        "scope": "opening",
        "pattern": "甲。\\n乙",
        "weight": 5,
    }
    clf = GenreRules(rules=[rule])
    third = (
        "标题\n\n第一段的内容写在这里。\n\n第二段的内容写在这里。\n\n第三段的内容，最后是甲。\n\n"
    )
    doc = fazhi.parse(third + "乙，第四段的内容写在这里。\n\n第五段的内容写在这里。")
    (hit,) = clf.explain(doc).hits
    start, end = hit.spans[0]
    assert doc.text[start:end].startswith("甲。") and doc.text[start:end].endswith("乙")
    fourth = "标题\n\n" + "前面的段落写在这里。\n\n" * 3 + "最后是甲。\n\n乙，第五段的内容。"
    assert clf.explain(fazhi.parse(fourth)).hits == ()


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(GENRES[:-1]), st.sampled_from([0.0, 1.0, 1.5, 2.0, -1.0])))
def test_ranking_breaks_ties_in_taxonomy_order(partial):
    scores = {g: partial.get(g, 0.0) for g in GENRES[:-1]}
    expected = sorted(scores.items(), key=lambda kv: (-kv[1], GENRES.index(kv[0])))
    assert genre_mod._ranked(scores) == expected


# -- scikit-learn ----------------------------------------------------------------------

X_SMALL = [
    "关于加强法治政府建设的实施意见\n\n各街道办事处：\n\n为加快建设法治政府，提出如下实施意见：",
    "某市2023年法治政府建设年度报告\n\n2023年，我市坚持依法行政。现将2023年度法治政府建设情况报告如下：",
    "某区召开法治政府建设推进会\n\n3月5日上午，某区召开推进会。会议指出，要压实责任。",
    "在全市法治政府建设工作会议上的讲话\n\n同志们：\n\n下面，我讲几点意见。",
    "关于开展专项督查的工作方案\n\n结合实际，制定本方案。",
    "某市行政执法公示办法\n\n第一条 为规范执法，制定本办法。\n第二条 略。\n第三条 略。",
]
Y_SMALL = ["opinion", "annual_report", "news", "speech", "plan", "regulation"]


def test_sklearn_estimator_basics():
    from sklearn.base import clone, is_classifier

    est = GenreClassifier(threshold=2.5, drop_rules=("news.comments",))
    assert is_classifier(est)
    params = est.get_params()
    assert params["threshold"] == 2.5 and params["drop_rules"] == ("news.comments",)
    twin = clone(est)
    assert twin is not est and twin.get_params() == params
    assert est.set_params(threshold=4.0) is est and est.threshold == 4.0
    assert list(GenreClassifier().predict(X_SMALL)) == Y_SMALL  # no fit needed: rules learn nothing
    fitted = GenreClassifier().fit(X_SMALL, Y_SMALL)
    assert list(fitted.classes_) == sorted(GENRES)
    assert fitted.score(X_SMALL, Y_SMALL) == 1.0
    proba = fitted.predict_proba(X_SMALL)
    assert proba.shape == (len(X_SMALL), len(GENRES))
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert [fitted.classes_[i] for i in proba.argmax(axis=1)] == Y_SMALL
    scores = fitted.decision_function(X_SMALL)
    assert scores.shape == proba.shape
    assert np.all(scores[:, list(fitted.classes_).index("unknown")] == fitted.threshold)
    docs = [fazhi.parse(t) for t in X_SMALL]
    assert list(fitted.predict(docs)) == Y_SMALL
    again = pickle.loads(pickle.dumps(fitted))
    assert list(again.predict(X_SMALL)) == Y_SMALL
    with pytest.raises(TypeError):
        fitted.predict(X_SMALL[0])
    with pytest.raises(ValueError, match="unknown genre label"):
        GenreClassifier().fit(X_SMALL, ["blog"] * len(X_SMALL))
    with pytest.raises(ValueError, match="margin"):
        GenreClassifier(margin=-1).fit(X_SMALL)


def test_sklearn_pipeline_and_grid_search():
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    pipe = Pipeline(
        [
            ("strip", FunctionTransformer(lambda xs: [x.strip() for x in xs])),
            ("genre", GenreClassifier()),
        ]
    )
    assert list(pipe.fit(X_SMALL, Y_SMALL).predict(X_SMALL)) == Y_SMALL
    search = GridSearchCV(GenreClassifier(), {"threshold": [2.0, 3.0, 100.0]}, cv=2)
    search.fit(X_SMALL * 2, Y_SMALL * 2)  # stratified 2-fold: two documents per genre
    assert search.best_params_["threshold"] in (2.0, 3.0)
    assert search.cv_results_["mean_test_score"][-1] == 0.0  # threshold 100: always unknown


# -- registration and import cost -------------------------------------------------------


def test_classifier_factories():
    factories = classifier_factories()
    assert set(factories) == {"genre"}
    clf = factories["genre"]()
    assert base.validate_classifier(clf, name="genre") == []
    assert isinstance(clf, GenreClassifier)


def test_importing_the_module_does_not_import_sklearn():
    code = "import sys, fazhi.classifiers.genre, fazhi.classifiers.role; print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_public_name():
    assert fazhi.GenreClassifier is GenreClassifier


class _PifuRules:
    """A plugin adding a rule and overriding a built-in one through the genre-rules hook."""

    @fazhi.hookimpl
    def register_genre_rules(self, register):
        register(
            {
                "id": "test.title.pifu",
                "genre": ["notice"],
                "scope": ["title"],
                "weight": 5.0,
                "pattern": "批复$",
                "description": "test rule",
            }
        )


def test_hook_register_genre_rules(fazhi_plugins):
    from fazhi.classifiers.genre import GenreClassifier, load_rules

    text = "关于同意设立某区行政复议中心的批复\n\n某区司法局：\n\n你局来文收悉。经研究，同意设立。"
    before = GenreClassifier().predict([text])[0]
    fazhi_plugins.register(_PifuRules(), name="pifu-rules")
    assert "test.title.pifu" in {r.id for r in load_rules()}
    after = GenreClassifier().predict([text])[0]
    assert after == "notice"
    assert before != "notice" or before == after


def test_coerce_rule_checks_dicts_and_passes_rules_through():
    from fazhi.classifiers.genre import GenreRule, coerce_rule

    rule = coerce_rule(
        {"id": "t.pifu", "genre": "notice", "scope": "title", "weight": 2, "pattern": "批复$"}
    )
    assert isinstance(rule, GenreRule) and rule.id == "t.pifu"
    assert coerce_rule(rule) is rule
    with pytest.raises(ValueError, match=r"'t\.bad'"):
        coerce_rule({"id": "t.bad", "genre": "memo", "scope": "title", "weight": 1, "pattern": "x"})
    with pytest.raises(TypeError, match="GenreRule or a dict"):
        coerce_rule("批复$")  # type: ignore[arg-type]
