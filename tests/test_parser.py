"""Parser behaviour on hand-written inputs, and the invariants on the real seeds."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

import fazhi
from fazhi.document import Document, Paragraph
from invariants import assert_nothing_lost, assert_offsets

OPINION = """索  引  号 113701/2018-08091 组配分类 政府文件
发布机构 区政府办 发文日期 2018-09-19
文        号 某政发〔2018〕8号 主题分类
某区人民政府关于加强法治政府建设的实施意见
信息来源:某区 发布日期:2018-09-19 09:51 浏览次数: 字体:[ ]

各街道办事处,区政府各部门:

   为深入推进依法行政,提出如下实施意见:

    一、总体要求

   (一)指导思想:全面贯彻党的十九大精神。

    二、主要任务

   (一)推进政府职能转变,依法全面履职

    1. 优化政府组织结构。推进行政组织机构法定化。

??2. 推行权力清单制度。按照法无授权不可为原则编制清单。?

                                   某区人民政府

               2018年8月7日

(此件公开发布)

Produced By 大汉网络 大汉版通发布系统
"""


@pytest.fixture(scope="module")
def opinion() -> Document:
    return fazhi.parse(OPINION, source="opinion.txt")


def test_title_and_metadata_block(opinion):
    assert opinion.title_text == "某区人民政府关于加强法治政府建设的实施意见"
    m = opinion.meta
    assert m.doc_number == "某政发〔2018〕8号"
    assert m.index_no == "113701/2018-08091"
    assert m.issuer == "区政府办"
    assert m.source == "某区"
    assert m.published == dt.date(2018, 9, 19)
    assert m.date == dt.date(2018, 8, 7)  # 落款 date wins over 发文日期
    assert {f.key for f in m.fields} >= {"index_no", "issuer", "doc_number", "source", "published"}


def test_heading_tree(opinion):
    outline = [
        (s.level, s.heading.style, s.heading.marker, s.title) for s in opinion.walk_sections()
    ]
    assert outline == [
        (1, "cn_dun", "一、", "总体要求"),
        (2, "cn_paren", "(一)", "指导思想"),
        (1, "cn_dun", "二、", "主要任务"),
        (2, "cn_paren", "(一)", "推进政府职能转变,依法全面履职"),
        (3, "arabic_dot", "1.", "优化政府组织结构"),
        (3, "arabic_dot", "2.", "推行权力清单制度"),
    ]


def test_mojibake_and_chrome_are_noise(opinion):
    noise = {(n.kind, n.text) for n in opinion.noise}
    assert ("mojibake", "??") in noise
    assert ("mojibake", "?") in noise
    assert ("chrome", "浏览次数:") in noise
    assert ("chrome", "字体:[ ]") in noise
    assert any(k == "chrome" and t.startswith("Produced By") for k, t in noise)


def test_paragraphs_know_their_sections(opinion):
    p = next(p for p in opinion.paragraphs if p.text.startswith("推进行政组织机构"))
    section = opinion.section_of(p)
    assert section is not None and section.title == "优化政府组织结构"
    assert p.section_path == (1, 0, 0)
    preamble = opinion.paragraphs[0]
    assert preamble.text.startswith("各街道办事处") and preamble.section_path == ()


def test_sentences_have_offsets(opinion):
    sentences = list(opinion.sentences())
    assert sentences
    for s in sentences:
        assert opinion.text[s.start : s.end] == s.text


def test_invariants_hold(opinion):
    assert_offsets(opinion)
    assert_nothing_lost(opinion)


def test_inline_enumeration_is_not_a_heading():
    doc = fazhi.parse("一是深化改革,推进放管服。\n二是优化流程,压减时限。\n")
    assert doc.headings() == []
    assert len(doc.paragraphs) == 2


def test_lines_broken_mid_sentence_are_joined():
    doc = fazhi.parse("第一次召开全会;\n第一次组建委员会;\n第一次召开工作会议。\n\n另一段。")
    assert [p.text for p in doc.paragraphs] == [
        "第一次召开全会;\n第一次组建委员会;\n第一次召开工作会议。",
        "另一段。",
    ]


def test_document_numbered_by_paren_starts_at_level_one():
    doc = fazhi.parse("(一)加强领导\n\n内容一。\n\n(二)强化保障\n\n内容二。")
    assert [s.level for s in doc.walk_sections()] == [1, 1]


def test_articles():
    doc = fazhi.parse(
        "某市行政执法监督办法\n\n第一条 为了规范行政执法,制定本办法。\n\n第二条 本办法适用于全市。"
    )
    assert [h.style for h in doc.headings()] == ["article", "article"]
    assert [h.number for h in doc.headings()] == [1, 2]


def test_empty_and_whitespace_input_give_an_empty_document():
    for text in ("", "   \n\u3000\n\t", b"", "\ufeff"):
        doc = fazhi.parse(text)
        assert doc.paragraphs == () and doc.sections == () and doc.title is None


def test_parse_rejects_non_text():
    with pytest.raises(TypeError, match="str or bytes"):
        fazhi.parse(None)  # type: ignore[arg-type]


def test_json_round_trip_of_a_real_document(opinion):
    again = Document.from_dict(json.loads(json.dumps(opinion.to_dict(), ensure_ascii=False)))
    assert again == opinion


def test_from_dict_rejects_unknown_schema(opinion):
    data = opinion.to_dict()
    data["schema_version"] = 99
    with pytest.raises(ValueError, match="schema_version"):
        Document.from_dict(data)


def test_document_is_immutable(opinion):
    with pytest.raises(AttributeError):
        opinion.text = "x"  # type: ignore[misc]


def test_seed_invariants(seed_docs):
    assert len(seed_docs) == 28
    for doc in seed_docs:
        assert_offsets(doc)
        assert_nothing_lost(doc)
        assert fazhi.parse(doc.text).headings() == doc.headings()


def test_whole_compilation_parsed_as_one_text_keeps_everything(seeds_dir: Path):
    text = (seeds_dir / "002_e4f711ee96b42b0a.txt").read_text("utf-8")
    doc = fazhi.parse(text)
    assert_offsets(doc)
    assert_nothing_lost(doc)


def test_compilation_split(seeds_dir: Path):
    from fazhi.parsing import split_compilation

    text = (seeds_dir / "002_e4f711ee96b42b0a.txt").read_text("utf-8")
    comp = split_compilation(text)
    assert comp is not None
    assert len(comp.articles) == 24
    kinds = [n.kind for n in comp.noise]
    assert "toc" in kinds and "header" in kinds
    toc = next(n for n in comp.noise if n.kind == "toc")
    assert "目  录" in toc.text and "宜昌市委党校" in toc.text
    # articles tile the body: each starts where its title is, none overlap
    for (_, e1), (s2, _) in zip(comp.articles, comp.articles[1:], strict=False):
        assert e1 < s2


def test_read_records_source_spans(seeds_dir: Path):
    text = (seeds_dir / "002_e4f711ee96b42b0a.txt").read_text("utf-8")
    docs = [d for d in fazhi.read(seeds_dir / "002_e4f711ee96b42b0a.txt")]
    assert len(docs) == 24
    for d in docs:
        s, e = d.source_span
        assert text[s:e] == d.text


def test_a_single_text_is_not_split_as_a_compilation():
    assert fazhi.parse("标题\n\n(2022年1月1日)\n\n正文。").source_span == (
        0,
        len("标题\n\n(2022年1月1日)\n\n正文。"),
    )


def test_pickle_round_trip_is_equal_and_compact() -> None:
    """Documents pickle without repeating each node's text (analyze_many sends them between processes)."""
    import pickle

    for path in sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt")):
        for doc in fazhi.read(path):
            blob = pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL)
            copy = pickle.loads(blob)
            assert copy == doc
            assert copy.to_dict() == doc.to_dict()
            # a section's paragraphs are the document's paragraph objects, as after parsing
            for section in copy.walk_sections():
                for p in section.paragraphs:
                    assert copy.paragraphs[p.index] is p
            assert len(blob) < 3 * len(doc.text.encode("utf-8")) + 4000


def test_pickle_round_trip_keeps_paragraph_subclasses_and_own_texts() -> None:
    """A plugin's Paragraph subclass, or a paragraph whose text is not the document's
    slice, comes back as it was (the unpickler builds plain paragraphs in one loop)."""
    import pickle

    doc = fazhi.parse(
        "关于推进依法行政的报告\n\n全面推行行政执法公示制度。\n\n严格规范公正文明执法。"
    )
    first, second = doc.paragraphs
    odd = dataclasses.replace(first, text="不同的文字")  # not doc.text[start:end]
    marked = Marked(second.start, second.end, second.text, second.index, second.section_path, "m")
    changed = dataclasses.replace(doc, paragraphs=(odd, marked), sections=())
    copy = pickle.loads(pickle.dumps(changed, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy == changed
    assert copy.paragraphs[0].text == "不同的文字"
    assert type(copy.paragraphs[1]) is Marked and copy.paragraphs[1].mark == "m"
    # a text that equals the slice but is a str subclass keeps its type
    odd_type = dataclasses.replace(first, text=MarkedText(first.text))
    copy = pickle.loads(pickle.dumps(dataclasses.replace(doc, paragraphs=(odd_type, second))))
    assert type(copy.paragraphs[0].text) is MarkedText


class MarkedText(str):
    """A str subclass (module level, so that it pickles)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Marked(Paragraph):
    """A plugin's own Paragraph subclass (module level, so that it pickles)."""

    mark: str = ""


def test_paragraph_never_joins_across_a_noise_line() -> None:
    """Found by hypothesis: a continuation line after page chrome must not swallow the chrome."""
    doc = fazhi.parse("、\n字体[]\n0")
    assert [n.text for n in doc.noise] == ["字体[]"]
    assert [p.text for p in doc.paragraphs] == ["、", "0"]
    # the same for mojibake stripped from a line's end
    doc = fazhi.parse("、??\n0")
    assert [n.text for n in doc.noise] == ["??"]
    assert [p.text for p in doc.paragraphs] == ["、", "0"]
