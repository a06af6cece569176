"""The parser against the hand-checked gold annotations of the 28 seed documents (seeds/gold/)."""

from __future__ import annotations

from pathlib import Path

import pytest

import fazhi
from gold import SEEDS, doc_id_for, gold_outline, line_of, line_starts, load_gold, outline_of

GOLD = load_gold()
META_FIELDS = ("doc_number", "issuer", "date", "published", "index_no", "source", "author")


@pytest.fixture(scope="module")
def parsed() -> dict[str, tuple[fazhi.Document, list[int]]]:
    out = {}
    starts_by_file: dict[str, list[int]] = {}
    for doc in fazhi.read(SEEDS):
        name = Path(doc.source).name
        starts = starts_by_file.setdefault(name, line_starts((SEEDS / name).read_text("utf-8")))
        gid = doc_id_for(doc, GOLD, starts)
        assert gid is not None, f"no gold document starts where {doc!r} starts"
        out[gid] = (doc, starts)
    return out


def test_gold_has_28_documents():
    assert len(GOLD) == 28


def test_read_yields_one_document_per_gold_document(parsed):
    assert sorted(parsed) == sorted(GOLD)


@pytest.mark.parametrize("gid", sorted(GOLD))
def test_title(parsed, gid):
    doc, _ = parsed[gid]
    assert doc.title_text == GOLD[gid]["title"]


@pytest.mark.parametrize("gid", sorted(GOLD))
def test_metadata(parsed, gid):
    doc, _ = parsed[gid]
    got = doc.meta.to_dict()
    assert {k: got[k] for k in META_FIELDS} == GOLD[gid]["meta"]


@pytest.mark.parametrize("gid", sorted(GOLD))
def test_document_span_matches_gold_lines(parsed, gid):
    doc, starts = parsed[gid]
    g = GOLD[gid]
    text = (SEEDS / g["file"]).read_text("utf-8")
    s, e = doc.source_span
    assert text[s:e] == doc.text

    assert line_of(starts, s) == g["first_line"]
    if (s, e) == (0, len(text)):  # a whole-file document
        assert (g["first_line"], g["last_line"]) == (1, len(text.rstrip("\n").split("\n")))
        return
    # the compilation's footer ("推荐访问: …") stays in the last article as noise
    content_end = max(x.end for x in [*doc.paragraphs, *doc.headings(), *doc.meta.fields])
    assert line_of(starts, s + content_end - 1) == g["last_line"]


def test_outline_precision_and_recall_at_least_98_percent(parsed):
    tp = fp = fn = 0
    for gid, (doc, starts) in parsed.items():
        mine, gold = set(outline_of(doc, starts)), set(gold_outline(GOLD[gid]))
        tp += len(mine & gold)
        fp += len(mine - gold)
        fn += len(gold - mine)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.98 and recall >= 0.98, (precision, recall)


def test_seed_004_metadata(parsed):
    meta = parsed["004"][0].meta
    assert meta.doc_number == "济长政发〔2018〕8号"
    assert meta.issuer in ("区政府办", "济南市长清区人民政府")
    assert str(meta.published) == "2018-09-19"
    assert str(meta.date) == "2018-08-07"


def test_seed_001_outline(parsed):
    doc = parsed["001"][0]
    assert str(doc.meta.published) == "2025-02-14"
    top = doc.sections
    assert [s.heading.marker for s in top] == ["一、", "二、", "三、", "四、"]
    assert all(child.heading.style == "cn_paren" for s in top for child in s.children)
    assert top[0].children[0].heading.marker == "(一)"


def test_seed_003_has_eight_unnumbered_headings(parsed):
    headings = parsed["003"][0].headings()
    unnumbered = [h for h in headings if h.style == "unnumbered"]
    assert len(unnumbered) == len(GOLD["003"]["outline"])
    assert "政府职能依法全面履行" in [h.title for h in unnumbered]


def test_run_in_heading_is_split_from_its_paragraph(parsed):
    doc = parsed["001"][0]
    first = doc.sections[0].children[0]
    assert first.heading.title == "学习贯彻习近平法治思想"
    assert first.heading.run_in
    assert first.paragraphs[0].text.startswith("强化以学促干")


def test_enumerations_are_not_headings(parsed):
    for doc, _ in parsed.values():
        for h in doc.headings():
            assert not h.text.startswith(("一是", "二是", "三是"))


def test_compilation_articles_keep_their_dates_and_authors(parsed):
    assert str(parsed["002a01"][0].meta.date) == "2022-10-21"
    assert parsed["002a23"][0].meta.author == "魏芙蓉"
    # 灵台县 is in the body but not in the table of contents
    assert parsed["002a17"][0].title_text == "灵台县法治政府建设工作总结"


def test_noise_is_kept_not_dropped(parsed):
    kinds = {n.kind for doc, _ in parsed.values() for n in doc.noise}
    assert {"chrome", "comments", "mojibake", "recommend"} <= kinds
    doc003 = parsed["003"][0]
    assert any("抢沙发" in n.text for n in doc003.noise)
    assert any(n.text.startswith("我的位置") for n in doc003.noise)
    last = parsed["002a24"][0]
    assert any(n.text.startswith("推荐访问") for n in last.noise)
