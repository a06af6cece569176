"""Property-based tests of the parser: any text parses, offsets hold, nothing is lost, parsing is stable."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fazhi
from invariants import assert_nothing_lost, assert_offsets

# Lines built from the pieces real documents are made of, so that the generator reaches
# headings, run-in headings, metadata, noise and mojibake, not only random characters.
_PIECES = st.sampled_from(
    [
        "一、", "二、", "(一)", "（二）", "1.", "2、", "3．", "(1)", "第一条", "第二章", "01", "一是", "二是",
        "总体要求", "主要任务", "法治政府建设", "行政执法", "。", "，", "；", ";", ":", "：", "“", "”",
        "来源:", "发布日期:2025-02-14", "浏览次数:", "索  引  号 ", "文  号 济长政发〔2018〕8号", "字体:[ ]",
        "我的位置:首页>", "评论一下", "推荐访问:", "Produced By x", "??", "?", "\u3000", "\u00a0", " ",
        "(2022年10月21日)", "2018年8月7日", "济南市长清区人民政府", "记者 张三", "吉林省委党校  魏芙蓉",
        "\n", "\n\n", "\r\n", "abc", "123", "***", "\ufeff", "目  录",
    ]
)  # fmt: skip
_DOCLIKE = st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=60).map("".join)
_ANY = st.one_of(st.text(max_size=300), _DOCLIKE)

_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(_ANY)
def test_any_text_parses_with_exact_offsets(text):
    doc = fazhi.parse(text)
    assert doc.text == text
    assert_offsets(doc)


@_SETTINGS
@given(_ANY)
def test_nothing_is_lost(text):
    assert_nothing_lost(fazhi.parse(text))


@_SETTINGS
@given(_ANY)
def test_parsing_is_stable(text):
    doc = fazhi.parse(text)
    again = fazhi.parse(doc.text)
    assert again == doc


@_SETTINGS
@given(_ANY)
def test_json_round_trip(text):
    import json

    doc = fazhi.parse(text)
    assert fazhi.Document.from_dict(json.loads(json.dumps(doc.to_dict()))) == doc


@_SETTINGS
@given(_ANY)
def test_pickle_round_trip(text):
    """analyze_many's workers send documents pickled (nodes rebuilt through their
    slots, texts sliced back from the document): every node comes back equal and of
    its own class."""
    import pickle

    doc = fazhi.parse(text)
    copy = pickle.loads(pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy == doc
    assert [type(n) for n in copy.spans()] == [type(n) for n in doc.spans()]
    assert copy.to_dict() == doc.to_dict()


@_SETTINGS
@given(_ANY)
def test_paragraph_section_paths_point_at_their_sections(text):
    doc = fazhi.parse(text)
    for i, p in enumerate(doc.paragraphs):
        assert p.index == i
        section = doc.section_of(p)
        if section is None:
            assert p.section_path == ()
        else:
            assert p in section.paragraphs
