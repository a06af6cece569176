"""KeywordExtractor / fazhi.keywords: TF-IDF with fazhi's IDF table and 公文 stop list."""

from __future__ import annotations

import importlib.util
import math
import threading
from pathlib import Path

import pytest

import fazhi
from fazhi.segmentation import KeywordExtractor, Segmenter, keywords, load_lexicon, load_stopwords
from fazhi.segmentation.backends import rjieba_available
from fazhi.segmentation.keywords import document_text, is_keyword_candidate

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHIPPED_IDF = ROOT / "src" / "fazhi" / "data" / "idf.tsv"


@pytest.fixture(scope="module")
def seg() -> Segmenter:
    # both backends give identical tokens; rjieba builds faster
    return Segmenter("rjieba" if rjieba_available() else "jieba")


@pytest.fixture(scope="module")
def extractor(seg: Segmenter) -> KeywordExtractor:
    return KeywordExtractor(segmenter=seg)


@pytest.fixture(scope="module")
def docs() -> list[fazhi.Document]:
    return list(fazhi.read(str(SEEDS)))


def test_seed_001_keywords_are_domain_terms_not_filler(
    extractor: KeywordExtractor, docs: list[fazhi.Document]
) -> None:
    doc = next(d for d in docs if d.source and "001_" in d.source)
    top = extractor.extract(doc, top_k=10)
    assert len(top) == 10
    words = [w for w, _ in top]
    stop = load_stopwords()
    assert not [w for w in words if w in stop]
    lexicon = load_lexicon().terms()
    domain = [w for w in words if w in lexicon]
    assert len(domain) >= 3, words
    for filler in ("推进", "加强", "工作", "建设", "进一步"):
        assert filler not in words
    scores = [s for _, s in top]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)


def test_keywords_function_matches_default_extractor(docs: list[fazhi.Document]) -> None:
    doc = docs[0]
    a = fazhi.keywords(doc, top_k=5)
    assert a == keywords(doc, top_k=5)
    assert len(a) == 5
    assert fazhi.keywords(doc.text, top_k=3)[0][0] == keywords(doc.text)[0][0]


def test_candidates_never_single_chars_numbers_or_punctuation(extractor: KeywordExtractor) -> None:
    text = "2024年，法治政府建设取得218件成果，占比97.5%。《纲要》—— 法 ！ 二十 十四五"
    words = [w for w, _ in extractor.extract(text, top_k=None)]
    for bad in ("2024年", "218件", "97.5%", "，", "——", "法", "二十", "！"):
        assert bad not in words
    assert "法治政府" in words
    assert is_keyword_candidate("十四五", keep=frozenset({"十四五"}))
    assert not is_keyword_candidate("十四五")
    assert not is_keyword_candidate("……")
    assert is_keyword_candidate("App")


def test_extract_edge_cases(extractor: KeywordExtractor) -> None:
    assert extractor.extract("") == []
    assert extractor.extract("，。！") == []
    assert extractor.extract("依法行政", top_k=0) == []
    with pytest.raises(ValueError, match="top_k"):
        extractor.extract("依法行政", top_k=-1)
    with pytest.raises(TypeError):
        extractor.extract(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        extractor.extract(12)  # type: ignore[arg-type]
    # deterministic: ties broken by the term
    text = "府院联动 行政复议 府院联动 行政复议"
    assert extractor.extract(text) == extractor.extract(text)


def test_document_text_skips_metadata_and_chrome(docs: list[fazhi.Document]) -> None:
    doc = next(d for d in docs if d.source and "004_" in d.source)
    text = document_text(doc)
    assert doc.title is not None and text.startswith(doc.title.text)
    for noise in doc.noise:
        if len(noise.text) > 8:
            assert noise.text not in text
    assert document_text("纯文本") == "纯文本"


def test_shipped_idf_table_is_current(seg: Segmenter, docs: list[fazhi.Document]) -> None:
    """src/fazhi/data/idf.tsv equals a refit on the seeds (else run tools/build_idf.py)."""
    shipped = KeywordExtractor(segmenter=seg)
    assert shipped.metadata == {} and shipped.idf  # loaded lazily
    assert shipped.metadata["lexicon_version"] == load_lexicon().version
    assert shipped.n_docs == len(docs) == 28
    refit = KeywordExtractor(segmenter=seg).fit(docs)
    assert refit.metadata["corpus_sha256"] == shipped.metadata["corpus_sha256"]
    assert refit.idf.keys() == shipped.idf.keys()
    assert all(abs(refit.idf[t] - v) < 1e-6 for t, v in shipped.idf.items())


def test_build_idf_tool_check_mode() -> None:
    spec = importlib.util.spec_from_file_location("build_idf", ROOT / "tools" / "build_idf.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--check"]) == 0


def test_fit_formula_and_tsv_round_trip(seg: Segmenter, tmp_path: Path) -> None:
    corpus = ["行政复议 依法行政", "行政复议 府院联动", "营商环境 行政复议"]
    ext = KeywordExtractor(segmenter=seg).fit(corpus)
    assert ext.n_docs == 3
    assert ext.idf["行政复议"] == pytest.approx(math.log(4 / 4) + 1)
    assert ext.idf["府院联动"] == pytest.approx(math.log(4 / 2) + 1)
    assert ext.default_idf == pytest.approx(math.log(4) + 1)
    top = ext.extract("府院联动 行政复议 府院联动")
    assert top[0][0] == "府院联动"
    assert top[0][1] == pytest.approx(2 / 3 * (math.log(2) + 1))
    path = tmp_path / "idf.tsv"
    text = ext.to_tsv(path)
    assert text.startswith("# fazhi IDF table\n")
    assert "# lexicon_version: " in text and "# corpus_sha256: " in text
    back = KeywordExtractor.from_tsv(path, segmenter=seg)
    assert back.n_docs == 3 and back.idf == pytest.approx(dict(ext.idf))
    assert back.extract("府院联动 行政复议") == ext.extract("府院联动 行政复议")
    assert "documents=3" in repr(back)
    with pytest.raises(ValueError, match="empty corpus"):
        KeywordExtractor(segmenter=seg).fit([])
    bad = tmp_path / "bad.tsv"
    bad.write_text("# x\n行政复议\tmany\t1.0\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        KeywordExtractor(segmenter=seg, idf=bad)


def test_stopword_options(seg: Segmenter) -> None:
    text = "推进推进推进行政复议"
    assert "推进" not in dict(KeywordExtractor(segmenter=seg).extract(text))
    assert "推进" in dict(KeywordExtractor(segmenter=seg, stopwords=None).extract(text))
    custom = KeywordExtractor(segmenter=seg, stopwords=["行政复议"])
    assert dict(custom.extract(text)).keys() == {"推进"}
    mapping = KeywordExtractor(segmenter=seg, idf={"行政复议": 2.0})
    assert mapping.extract("行政复议")[0] == ("行政复议", 2.0)


def test_default_extractor_is_shared_across_threads() -> None:
    from fazhi.segmentation.keywords import default_extractor

    found: list[KeywordExtractor] = []
    threads = [threading.Thread(target=lambda: found.append(default_extractor())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(e) for e in found}) == 1
