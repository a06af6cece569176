"""fazhi's HMM-free jieba cutter (fazhi.segmentation.dag) cuts exactly like jieba itself."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fazhi.segmentation.backends import JiebaBackend
from fazhi.segmentation.dag import DagCutter

ROOT = Path(__file__).resolve().parent.parent
SEED_LINES = [
    line
    for path in sorted((ROOT / "seeds").glob("*.txt"))
    for line in path.read_text(encoding="utf-8").splitlines()
    if line.strip()
]


@pytest.fixture(scope="module")
def jieba_pair() -> tuple[object, DagCutter]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    tok = jieba.Tokenizer()
    backend = JiebaBackend(cache=False)
    backend._ensure_built()
    tok.FREQ, tok.total = dict(backend._tok.FREQ), backend._tok.total
    tok.initialized = True
    cutter = DagCutter(tok, han=jieba.re_han_default, skip=jieba.re_skip_default, eng=jieba.re_eng)
    return tok, cutter


def test_same_words_as_jieba_on_every_seed_line(jieba_pair: tuple[object, DagCutter]) -> None:
    tok, cutter = jieba_pair
    differ = [line for line in SEED_LINES if cutter.lcut(line) != tok.lcut(line, HMM=False)]  # type: ignore[attr-defined]
    assert differ == []


_ALPHABET = "".join(sorted(set("".join(SEED_LINES)))) + "abcXYZ019 .-_%#&+\t\r\n\u3000ａｂ１"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_ALPHABET, max_size=120) | st.text(max_size=60))
def test_same_words_as_jieba_on_any_text(jieba_pair: tuple[object, DagCutter], text: str) -> None:
    tok, cutter = jieba_pair
    assert cutter.lcut(text) == tok.lcut(text, HMM=False)  # type: ignore[attr-defined]


def test_words_added_later_are_seen() -> None:
    backend = JiebaBackend(cache=False)
    assert backend._dag is not None, "jieba 0.42 must use the fast cutter"
    text = "推进乙丙丁戊改革"
    before = backend.cut(text, False)
    backend.add_word("乙丙丁戊", 10_000)
    after = backend.cut(text, False)
    assert "乙丙丁戊" in after and "乙丙丁戊" not in before
    assert after == backend._tok.lcut(text, False, False)


def test_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAZHI_JIEBA_DAG", "0")
    backend = JiebaBackend(cache=False)
    assert backend._dag is None
    assert backend.cut("全面推进依法行政", False) == ["全面", "推进", "依法行政"]


def test_patterns_are_jiebas() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    for name in ("re_han_default", "re_skip_default", "re_eng"):
        assert isinstance(getattr(jieba, name), re.Pattern)


def test_removing_a_word_is_seen() -> None:
    backend = JiebaBackend(cache=False)
    text = "全面推进依法行政"
    assert "依法行政" in backend.cut(text, False)
    backend.add_word("依法行政", 0)  # freq 0: jieba's way to remove a word; total is unchanged
    assert "依法行政" not in backend.cut(text, False)
    assert backend.cut(text, False) == backend._tok.lcut(text, False, False)
