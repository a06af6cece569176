"""Segmenter: API, offsets, protected phrases, lexicon, backends, threads, bad input, safety."""

from __future__ import annotations

import os
import pickle
import random
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import fazhi
from fazhi.errors import UnknownNameError
from fazhi.segmentation import (
    JiebaBackend,
    Segmenter,
    SegmenterBackend,
    Token,
    backend_factories,
    load_lexicon,
    load_stopwords,
    segment,
)
from fazhi.segmentation.backends import (
    ENV_SEGMENTER,
    _build_prefix_dict,
    cache_dir,
    resolve_backend_name,
    rjieba_available,
)
from fazhi.segmentation.lexicon import is_backend_word, parse_lexicon
from fazhi.segmentation.segmenter import MAX_TITLE_CHARS

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = ROOT / "tests" / "data" / "segmentation_gold.txt"

needs_rjieba = pytest.mark.skipif(
    not rjieba_available(), reason="rjieba not installed (fazhi[fast])"
)
BACKENDS = ["jieba", pytest.param("rjieba", marks=needs_rjieba)]


# -- fixtures ---------------------------------------------------------------------------
# A Segmenter costs ~0.5 s (jieba) or ~0.1 s (rjieba) to build: share them.


@pytest.fixture(scope="module")
def jieba_seg() -> Segmenter:
    return Segmenter("jieba")


@pytest.fixture(scope="module")
def rjieba_seg() -> Segmenter:
    if not rjieba_available():
        pytest.skip("rjieba not installed")
    return Segmenter("rjieba")


@pytest.fixture(scope="module")
def segs(jieba_seg: Segmenter) -> Iterator[dict[str, Segmenter]]:
    out = {"jieba": jieba_seg}
    if rjieba_available():
        out["rjieba"] = Segmenter("rjieba")
    yield out


@pytest.fixture
def seg(request: pytest.FixtureRequest, segs: dict[str, Segmenter]) -> Segmenter:
    return segs[request.param]


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


@pytest.fixture(scope="module")
def seed_lines(seed_texts: list[str]) -> list[str]:
    return [line for text in seed_texts for line in text.splitlines() if line.strip()]


def check_tokens(text: str, tokens: list[Token]) -> None:
    """Offsets exact, ordered, non-overlapping; only whitespace left between tokens."""
    pos = 0
    for t in tokens:
        assert text[t.start : t.end] == t.text
        assert t.start >= pos
        assert t.text and not t.text.isspace()
        assert text[pos : t.start].strip() == "", (pos, t)
        pos = t.end
    assert text[pos:].strip() == ""


# -- API ------------------------------------------------------------------------------------


@pytest.mark.parametrize("seg", BACKENDS, indirect=True)
def test_domain_terms_are_whole(seg: Segmenter) -> None:
    text = (
        "深入推进法治政府建设，优化营商环境，规范重大行政决策，严格行政执法，"
        "全面推行双随机、一公开监管，学习贯彻习近平法治思想和《中华人民共和国行政复议法》。"
    )
    words = seg.cut(text)
    for term in (
        "法治政府",
        "营商环境",
        "重大行政决策",
        "行政执法",
        "双随机、一公开",
        "习近平法治思想",
        "《中华人民共和国行政复议法》",
    ):
        assert term in words, (term, words)
    assert "".join(words) == text


@pytest.mark.parametrize("seg", BACKENDS, indirect=True)
def test_tokenize_offsets_are_exact_on_seeds(seg: Segmenter, seed_texts: list[str]) -> None:
    for text in seed_texts:
        tokens = seg.tokenize(text)
        check_tokens(text, tokens)
        assert [t.text for t in tokens] == seg.cut(text)


def test_token_is_a_frozen_dataclass(jieba_seg: Segmenter) -> None:
    tok = jieba_seg.tokenize("  依法行政")[0]
    assert tok == Token("依法行政", 2, 6)
    assert len(tok) == 4
    with pytest.raises(AttributeError):
        tok.start = 0  # type: ignore[misc]


def test_repr_and_attributes(jieba_seg: Segmenter) -> None:
    version = load_lexicon().version
    assert jieba_seg.lexicon_version == version
    r = repr(jieba_seg)
    assert "backend='jieba'" in r and "hmm=False" in r and repr(version) in r
    assert jieba_seg.backend == "jieba" and jieba_seg.hmm is False
    assert jieba_seg.backend_version == "0.42.1"
    assert "双随机、一公开" in jieba_seg.protected_phrases
    plain = Segmenter("jieba", hmm=True, lexicon=False)
    assert plain.lexicon_version is None and plain.lexicon is None
    assert "lexicon=None" in repr(plain) and "hmm=True" in repr(plain)


def test_lexicon_changes_the_cut(jieba_seg: Segmenter) -> None:
    plain = Segmenter("jieba", lexicon=False)
    assert plain.cut("营商环境") == ["营商", "环境"]
    assert jieba_seg.cut("营商环境") == ["营商环境"]
    # protected phrases come from the lexicon too
    assert "双随机、一公开" not in plain.cut("双随机、一公开")


def test_add_words_and_user_words() -> None:
    seg = Segmenter("jieba", lexicon=False, user_words=["府院联动", ("述法", 5000)])
    assert seg.cut("府院联动与述法") == ["府院联动", "与", "述法"]
    assert seg.cut("证照分离改革") == ["证照", "分离", "改革"]
    seg.add_words([("证照分离", None, "nz")])  # after the dictionary is built
    assert seg.cut("证照分离改革") == ["证照分离", "改革"]
    seg.add_words(["谁执法、谁普法"])  # punctuation inside: becomes a protected phrase
    assert seg.cut("落实谁执法、谁普法责任制")[1] == "谁执法、谁普法"
    assert "user_words=" in repr(seg)


@pytest.mark.parametrize(
    ("words", "error"),
    [
        ("法治", TypeError),
        ([3], TypeError),
        ([("法治", "10")], TypeError),
        ([("法治", True)], TypeError),
        ([("法治", -1)], ValueError),
        ([("法治", 1, 2)], TypeError),
        (["  "], ValueError),
    ],
)
def test_add_words_rejects_bad_items(jieba_seg: Segmenter, words: object, error: type) -> None:
    with pytest.raises(error):
        jieba_seg.add_words(words)  # type: ignore[arg-type]


def test_stopwords_filter_cut_and_tokenize() -> None:
    seg = Segmenter("jieba", stopwords=["推进", "，"])
    assert seg.cut("推进依法行政，建设法治政府") == ["依法行政", "建设", "法治政府"]
    assert [t.text for t in seg.tokenize("推进依法行政")] == ["依法行政"]
    assert seg.stopwords == frozenset({"推进", "，"})
    keep = Segmenter("jieba")
    assert keep.stopwords is None
    assert "推进" in keep.cut("推进依法行政")


def test_stopwords_from_file(tmp_path: Path) -> None:
    path = tmp_path / "stop.txt"
    path.write_text("# comment\n推进\n", encoding="utf-8")
    assert load_stopwords(path) == frozenset({"推进"})
    assert "推进" in load_stopwords()  # the shipped list


def test_segment_uses_one_default_segmenter() -> None:
    assert segment("依法行政") == ["依法行政"]
    assert fazhi.segment is segment
    from fazhi.segmentation import default_segmenter

    found: list[Segmenter] = []
    threads = [threading.Thread(target=lambda: found.append(default_segmenter())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(s) for s in found}) == 1
    with pytest.raises(TypeError, match="str"):
        segment(None)  # type: ignore[arg-type,unused-ignore]


def test_pickle_round_trip(jieba_seg: Segmenter) -> None:
    seg = Segmenter("jieba", user_words=["府院联动"], stopwords=["的"])
    clone = pickle.loads(pickle.dumps(seg))
    text = "推进府院联动的法治政府建设"
    assert clone.cut(text) == seg.cut(text)
    assert repr(clone) == repr(seg)
    assert pickle.loads(pickle.dumps(jieba_seg)).lexicon is jieba_seg.lexicon


# -- protected phrases ------------------------------------------------------------------------


@pytest.mark.parametrize("seg", BACKENDS, indirect=True)
@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("全面推行双随机、一公开监管", "双随机、一公开"),
        ("全面推行双随机，一公开监管", "双随机，一公开"),
        ("深化互联网+政务服务", "互联网+政务服务"),
        (
            "认真学习《法治政府建设实施纲要（2021—2025年）》精神",
            "《法治政府建设实施纲要（2021—2025年）》",
        ),
        ("《纲要》", "《纲要》"),
        # a title wins over a protected phrase inside it (leftmost match)
        ("《关于推行双随机、一公开监管的意见》印发", "《关于推行双随机、一公开监管的意见》"),
    ],
)
def test_protected_phrases(seg: Segmenter, text: str, token: str) -> None:
    tokens = seg.tokenize(text)
    check_tokens(text, tokens)
    assert token in [t.text for t in tokens]


@pytest.mark.parametrize("seg", BACKENDS, indirect=True)
def test_title_length_limit(seg: Segmenter) -> None:
    inner = "法" * (MAX_TITLE_CHARS - 2)
    assert seg.cut(f"《{inner}》")[0] == f"《{inner}》"
    too_long = f"《{inner}法》"
    assert seg.cut(too_long)[0] == "《"
    # never across a line break, never nested
    assert seg.cut("《行政\n复议法》")[0] == "《"
    assert "《中华人民共和国宪法》" in seg.cut("《《中华人民共和国宪法》")


def test_lexicon_terms_with_punctuation_are_protected(tmp_path: Path) -> None:
    lexicon = parse_lexicon(
        "# version: 9\n放、管、服\t\t\tprogramme\n府院联动\t3000\tnz\tprocedure\n"
    )
    assert lexicon.version == "9"
    assert lexicon.protected == ("放、管、服",)
    assert [e.term for e in lexicon.entries] == ["府院联动"]
    path = tmp_path / "lex.tsv"
    path.write_text("# no version line\n府院联动\t3000\tnz\tprocedure\n", encoding="utf-8")
    seg = Segmenter("jieba", lexicon=path)
    assert seg.lexicon_version is not None and seg.lexicon_version.startswith("sha256:")
    assert seg.cut("府院联动") == ["府院联动"]
    with pytest.raises(ValueError, match="line 2"):
        parse_lexicon("#\n府院联动\tmany\n", source="x.tsv")
    assert is_backend_word("行政执法") and not is_backend_word("双随机、一公开")


# -- the lexicon on the seeds -------------------------------------------------------------------

# Occurrences of a lexicon term that are not that word in context (the string
# happens to straddle two words), or that the lexicon deliberately leaves to
# other entries (documented in the header of fazhi/data/lexicon.tsv).
NOT_THE_TERM = {
    "人民调解法": ["人民调解法治化"],  # 人民调解 / 法治化
    "公务员法": ["公务员法治意识"],  # 公务员 / 法治
    "律师法": ["律师法律意见"],  # 公职律师 / 法律
    "行政复议法": ["行政复议法律知识"],  # 行政复议 / 法律
    "述法": ["述法治建设"],  # 述 / 法治建设
    "行政决策": ["依法行政决策"],  # 依法行政 / 决策
    "电子政务": ["电子政务服务平台"],  # 电子 / 政务服务平台
    "政府立法": ["人民政府立法"],  # deliberate: 人民政府 stays whole
    "告知承诺制": ["告知承诺制度"],  # deliberate: 告知承诺 / 制度
    "承诺制": ["告知承诺制度"],
}


def _whole_rates(
    seg: Segmenter, texts: list[str], ignore: dict[str, list[str]]
) -> dict[str, tuple[int, int, list[str]]]:
    terms = seg.protected_phrases + tuple(e.term for e in load_lexicon().entries)
    out: dict[str, tuple[int, int, list[str]]] = {}
    for text in texts:
        inner: set[int] = set()
        for t in seg.tokenize(text):
            inner.update(range(t.start + 1, t.end))  # positions that are not token boundaries
        for term in terms:
            i = text.find(term)
            while i >= 0:
                context = text[max(0, i - 8) : i + len(term) + 8]
                skip = any(
                    text[i - ctx.find(term) : i - ctx.find(term) + len(ctx)] == ctx
                    for ctx in ignore.get(term, ())
                )
                if not skip:
                    n, whole, bad = out.get(term, (0, 0, []))
                    ok = all(p in inner for p in range(i + 1, i + len(term)))
                    out[term] = (n + 1, whole + ok, bad if ok else [*bad, context])
                i = text.find(term, i + 1)
    return out


def test_lexicon_terms_whole_in_seeds(jieba_seg: Segmenter, seed_texts: list[str]) -> None:
    """Every lexicon term occurring in the seeds is one token (or inside one) at >= 99%."""
    rates = _whole_rates(jieba_seg, seed_texts, NOT_THE_TERM)
    assert len(rates) > 500  # most of the lexicon occurs in the seeds
    failing = {t: (w, n, bad[:3]) for t, (n, w, bad) in rates.items() if w < 0.99 * n}
    assert not failing, failing
    total = sum(n for n, _, _ in rates.values())
    assert sum(w for _, w, _ in rates.values()) == total


def test_lexicon_1_1_compounds_stay_whole(jieba_seg: Segmenter) -> None:
    # lexicon 1.0.0 cut these 信用承诺/制 and 地方/立法权
    assert "信用承诺制" in jieba_seg.cut("应用信用承诺制")
    assert "地方立法权" in jieba_seg.cut("依法行使地方立法权")
    assert "地方立法权限" in jieba_seg.cut("明确地方立法权限")
    assert jieba_seg.cut("推行信用承诺制度")[-2:] == ["信用承诺", "制度"]


# -- backends ---------------------------------------------------------------------------------------


@needs_rjieba
@pytest.mark.parametrize("hmm", [False, True])
def test_backends_identical_on_seeds(
    hmm: bool, seed_texts: list[str], seed_lines: list[str]
) -> None:
    if hmm:
        j, r = Segmenter("jieba", hmm=True), Segmenter("rjieba", hmm=True)
    else:
        j, r = Segmenter("jieba"), Segmenter("rjieba")
    for line in seed_lines:
        assert j.cut(line) == r.cut(line), line
    for text in seed_texts:
        assert j.tokenize(text) == r.tokenize(text)


@needs_rjieba
def test_backends_identical_without_lexicon(seed_lines: list[str]) -> None:
    j, r = Segmenter("jieba", lexicon=False), Segmenter("rjieba", lexicon=False)
    assert [j.cut(s) for s in seed_lines] == [r.cut(s) for s in seed_lines]


def test_backend_names_and_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    names = backend_factories()
    assert {"jieba", "rjieba"} <= set(names)
    with pytest.raises(UnknownNameError, match="jieba") as exc:
        Segmenter("pkuseg")
    assert isinstance(exc.value, KeyError)
    assert "rjieba" in str(exc.value)
    monkeypatch.setenv(ENV_SEGMENTER, "nonsense")
    with pytest.raises(UnknownNameError, match="FAZHI_SEGMENTER"):
        Segmenter()


def test_env_var_forces_the_auto_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_SEGMENTER, "jieba")
    assert resolve_backend_name("auto") == "jieba"
    assert Segmenter().backend == "jieba"
    assert Segmenter("auto").backend == "jieba"
    monkeypatch.delenv(ENV_SEGMENTER)
    expected = "rjieba" if rjieba_available() else "jieba"
    assert resolve_backend_name("auto") == expected
    assert resolve_backend_name("jieba") == "jieba"
    if rjieba_available():
        monkeypatch.setenv(ENV_SEGMENTER, "rjieba")
        assert Segmenter().backend == "rjieba"


def test_rjieba_missing_gives_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    from fazhi.segmentation.backends import RjiebaBackend

    monkeypatch.setitem(sys.modules, "rjieba", None)
    monkeypatch.setitem(sys.modules, "rjieba.rjieba", None)
    with pytest.raises(ImportError, match=r'pip install "fazhi\[fast\]"'):
        RjiebaBackend()
    with pytest.raises(ImportError, match="fazhi"):
        Segmenter("rjieba")
    assert not rjieba_available()
    monkeypatch.delenv(ENV_SEGMENTER, raising=False)
    assert resolve_backend_name("auto") == "jieba"


class CharBackend:
    """A toy third-party backend: one token per character."""

    name = "chars"
    version = "1"

    def __init__(self) -> None:
        self.words: list[str] = []

    def cut(self, text: str, hmm: bool) -> list[str]:
        return list(text)

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
        self.words.append(word)


class LossyBackend(CharBackend):
    """Drops whitespace and rewrites nothing else: fazhi must realign."""

    def cut(self, text: str, hmm: bool) -> list[str]:
        return ["".join(text.split())] if text.strip() else []


def test_third_party_backends() -> None:
    seg = Segmenter(CharBackend, lexicon=False, user_words=["府院"])
    assert seg.backend == "chars" and seg.backend_version == "1"
    assert seg.cut("依法 行政") == ["依", "法", "行", "政"]
    assert isinstance(CharBackend(), SegmenterBackend)
    backend = CharBackend()
    seg2 = Segmenter(backend)
    seg2.cut("法")
    assert len(backend.words) == len(load_lexicon().entries)
    lossy = Segmenter(LossyBackend, lexicon=False, user_words=["双随机、一公开"])
    text = "依法 行政，双随机、一公开"
    tokens = lossy.tokenize(text)
    assert [t.text for t in tokens] == ["双随机、一公开"]  # "依法行政，" is not in the text
    with pytest.raises(TypeError, match="backend"):
        Segmenter(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not a segmenter backend"):
        Segmenter(lambda: object())  # type: ignore[arg-type,return-value]


def test_jieba_backend_protocol_and_freq_zero() -> None:
    backend = JiebaBackend()
    assert isinstance(backend, SegmenterBackend)
    assert backend.cut("法治政府", False) == ["法治", "政府"]
    backend.add_word("法治政府", 5000)
    assert backend.cut("法治政府", False) == ["法治政府"]
    backend.add_word("法治政府", 0)  # no forced split in jieba's global HMM state
    import jieba.finalseg

    assert "法治政府" not in jieba.finalseg.Force_Split_Words


# -- jieba safety ----------------------------------------------------------------------------------


def test_build_prefix_dict_matches_jieba() -> None:
    import jieba

    data = "法治 10 n\n法治政府 5 n\n政府 8 n\n法治 12 n\nabc 3\n"
    mine = _build_prefix_dict(data)
    import io

    ref = jieba.Tokenizer.gen_pfdict(io.BytesIO(data.encode("utf-8")))
    assert mine == ref


def _run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "error", "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(ROOT),
        timeout=120,
    )


def test_import_does_not_import_jieba() -> None:
    code = """
        import sys
        import fazhi
        import fazhi.segmentation
        from fazhi import Segmenter, segment, keywords, KeywordExtractor
        print(sorted(m for m in ("jieba", "rjieba", "rjieba.rjieba", "sklearn", "numpy") if m in sys.modules))
    """
    out = _run(code, dict(os.environ))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_jieba_dt_untouched_no_shared_cache_no_noise(tmp_path: Path) -> None:
    tmp, cache = tmp_path / "tmp", tmp_path / "cache"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "FAZHI_CACHE_DIR": str(cache)}
    env.pop("FAZHI_NO_CACHE", None)
    code = """
        import tempfile, os, stat
        import fazhi
        seg = fazhi.Segmenter("jieba")
        assert seg.cut("法治政府建设") == ["法治政府", "建设"]
        seg2 = fazhi.Segmenter("jieba")   # second process-level build: from fazhi's cache
        assert seg2.cut("行政执法") == ["行政执法"]
        import jieba
        assert jieba.dt.initialized is False and not jieba.dt.FREQ, "jieba.dt was touched"
        assert tempfile.gettempdir() == os.environ["TMPDIR"]
        print(sorted(os.listdir(os.environ["TMPDIR"])))
        if os.path.exists(os.environ["FAZHI_CACHE_DIR"]):
            files = os.listdir(os.environ["FAZHI_CACHE_DIR"])
            mode = stat.S_IMODE(os.stat(os.environ["FAZHI_CACHE_DIR"]).st_mode)
            print(len(files), oct(mode), all(f.endswith(".marshal") for f in files))
    """
    out = _run(code, env)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""  # no jieba log lines, no warnings
    lines = out.stdout.split("\n")
    assert lines[0] == "[]"  # nothing (no jieba.cache) in the shared temp dir
    assert lines[1] == "1 0o700 True"
    # with caching off nothing is written at all
    env2 = {**env, "FAZHI_NO_CACHE": "1", "FAZHI_CACHE_DIR": str(tmp_path / "off")}
    out = _run(code, env2)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
    assert not (tmp_path / "off").exists()


def test_cache_dir_resolution(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("FAZHI_NO_CACHE", raising=False)
    monkeypatch.setenv("FAZHI_CACHE_DIR", str(tmp_path))
    assert cache_dir() == tmp_path
    monkeypatch.delenv("FAZHI_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if sys.platform != "win32":
        assert cache_dir() == tmp_path / "xdg" / "fazhi"
    monkeypatch.setenv("FAZHI_NO_CACHE", "1")
    assert cache_dir() is None
    from fazhi.segmentation.backends import cache_location

    monkeypatch.setenv("FAZHI_CACHE_DIR", str(tmp_path / "off"))
    assert cache_location() == tmp_path / "off"  # where it would be, even when off


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_cache_not_used_from_a_shared_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    small = tmp_path / "dict.txt"
    small.write_text("法治 10 n\n政府 8 n\n", encoding="utf-8")
    monkeypatch.delenv("FAZHI_NO_CACHE", raising=False)
    monkeypatch.setenv("FAZHI_CACHE_DIR", str(shared))
    backend = JiebaBackend()
    backend._tok.dictionary = str(small)  # a tiny main dictionary: instant build
    assert backend.cut("法治政府", False) == ["法治", "政府"]
    assert os.listdir(shared) == []  # group/world-writable: never written nor read
    private = tmp_path / "private"
    monkeypatch.setenv("FAZHI_CACHE_DIR", str(private))
    b1, b2 = JiebaBackend(), JiebaBackend()
    b1._tok.dictionary = b2._tok.dictionary = str(small)
    b1.cut("法治", False)
    assert len(os.listdir(private)) == 1
    b2.cut("法治", False)  # loaded from the cache
    assert b2._tok.FREQ == b1._tok.FREQ


# -- threads -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("seg", BACKENDS, indirect=True)
def test_threads_match_sequential(seg: Segmenter, seed_lines: list[str]) -> None:
    lines = seed_lines[:300]
    expected = [seg.cut(s) for s in lines]
    results: dict[int, list[list[str]]] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def work(k: int) -> None:
        try:
            order = list(range(len(lines)))
            random.Random(k).shuffle(order)
            barrier.wait()
            got = {i: seg.cut(lines[i]) for i in order}
            results[k] = [got[i] for i in range(len(lines))]
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert all(results[k] == expected for k in range(8))


@pytest.mark.parametrize("backend", BACKENDS)
def test_add_words_while_other_threads_cut(backend: str) -> None:
    # rjieba raises "RuntimeError: Already borrowed" if add_word runs during a cut
    seg = Segmenter(backend, lexicon=False)
    text = "推进法治政府建设" * 2000
    seg.cut(text)
    errors: list[BaseException] = []
    stop = threading.Event()

    def cutter() -> None:
        try:
            while not stop.is_set():
                seg.cut(text)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=cutter) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for i in range(30):
            seg.add_words([(f"测试词{i}", 100)])
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors
    assert seg.cut("测试词7") == ["测试词7"]


def test_concurrent_first_use_builds_once() -> None:
    seg = Segmenter("jieba")
    results: list[list[str]] = []
    threads = [
        threading.Thread(target=lambda: results.append(seg.cut("行政执法"))) for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [["行政执法"]] * 8


# -- bad and odd input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, 42, b"\xe6\xb3\x95", ["法治"]])
def test_non_str_input_is_a_type_error(jieba_seg: Segmenter, value: object) -> None:
    with pytest.raises(TypeError, match="expects a str"):
        jieba_seg.cut(value)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expects a str"):
        jieba_seg.tokenize(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("seg", BACKENDS, indirect=True)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        (" \t\r\n\u3000 ", []),
        ("😀👍🏻", ["😀", "👍", "🏻"]),
        ("Hello, world 2025!", ["Hello", ",", "world", "2025", "!"]),
        ("法治\r\n政府", ["法治", "政府"]),
        ("\ud800法治", ["\ud800", "法治"]),  # a lone surrogate (surrogateescape input)
    ],
)
def test_odd_input(seg: Segmenter, text: str, expected: list[str]) -> None:
    assert seg.cut(text) == expected
    check_tokens(text, seg.tokenize(text))


@pytest.mark.parametrize("seg", BACKENDS, indirect=True)
def test_one_megabyte_without_punctuation(seg: Segmenter, seed_texts: list[str]) -> None:
    han = "".join(ch for ch in "".join(seed_texts) if "\u4e00" <= ch <= "\u9fd5")
    n = 1_000_000 // 3  # 1 MB of UTF-8
    text = (han * (n // len(han) + 1))[:n]
    tokens = seg.tokenize(text)
    assert sum(len(t) for t in tokens) == len(text)
    for t in tokens[::997]:
        assert text[t.start : t.end] == t.text
    # piecewise cutting of the long run agrees with cutting its sentences
    assert len(tokens) < len(text) * 0.7


@pytest.mark.parametrize("seg", BACKENDS, indirect=True)
def test_long_run_pieces_do_not_break_words(seg: Segmenter, seed_texts: list[str]) -> None:
    han = "".join(ch for ch in seed_texts[1] if "\u4e00" <= ch <= "\u9fd5")
    run = (han * 3)[:6000]
    piecewise = seg.cut(run)
    assert "".join(piecewise) == run
    # compare with the backend on the whole run (no piecewise cutting)
    whole = seg._backend_obj.cut(run, False)
    same = len(set(_spans(piecewise)) & set(_spans(whole))) / len(whole)
    assert same > 0.99


def _spans(words: list[str]) -> list[tuple[int, int]]:
    out, pos = [], 0
    for w in words:
        out.append((pos, pos + len(w)))
        pos += len(w)
    return out


# -- gold ------------------------------------------------------------------------------------------------


def _gold() -> list[list[str]]:
    return [
        line.split(" ")
        for line in GOLD.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def _boundary_f1(seg: Segmenter, gold: list[list[str]]) -> float:
    tp = n_pred = n_gold = 0
    for toks in gold:
        sentence = "".join(toks)
        pred = seg.cut(sentence)
        assert "".join(pred) == sentence
        g = {e for _, e in _spans(toks)[:-1]}
        p = {e for _, e in _spans(pred)[:-1]}
        tp += len(g & p)
        n_pred += len(p)
        n_gold += len(g)
    precision, recall = tp / n_pred, tp / n_gold
    return 2 * precision * recall / (precision + recall)


@pytest.mark.skipif(not GOLD.is_file(), reason="tests/data/segmentation_gold.txt not written yet")
def test_gold_boundary_f1(jieba_seg: Segmenter) -> None:
    gold = _gold()
    assert len(gold) >= 200
    f1 = _boundary_f1(jieba_seg, gold)
    assert f1 >= 0.85, f1


def test_plugin_backend_by_name(fazhi_plugins, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    class CharsPlugin:
        @fazhi.hookimpl
        def register_segmenters(self, register):  # type: ignore[no-untyped-def]
            register("test-seg-chars", CharBackend)

    fazhi_plugins.register(CharsPlugin(), name="test-seg-chars-plugin")
    assert "test-seg-chars" in backend_factories()
    seg = Segmenter("test-seg-chars", lexicon=False)
    assert seg.backend == "chars"
    assert seg.cut("依法 行政") == ["依", "法", "行", "政"]
    monkeypatch.setenv(ENV_SEGMENTER, "test-seg-chars")
    assert Segmenter().backend == "chars"
    monkeypatch.setenv(ENV_SEGMENTER, "no-such-backend")
    with pytest.raises(UnknownNameError, match="test-seg-chars"):
        Segmenter()


def _fake_entries(directory: Path, n: int, *, start: float) -> list[Path]:
    """n cache entries, the first the most recently used (an hour between them)."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    made = []
    for i in range(n):
        path = directory / f"jieba-prefix-{i:016x}.marshal"
        path.write_bytes(b"not a dictionary")
        os.utime(path, (start - 3600 * i, start - 3600 * i))
        made.append(path)
    return made


def test_cache_keeps_only_the_most_recently_used_entries(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Every environment's jieba adds an entry of ~9 MB: the directory must not grow forever."""
    import time

    from fazhi.segmentation.backends import MAX_CACHE_ENTRIES, cache_entries

    cache = tmp_path / "cache"
    old = _fake_entries(cache, MAX_CACHE_ENTRIES + 3, start=time.time() - 60)
    stale_tmp = cache / ".jieba-killed.tmp"  # left by a process killed mid-write
    stale_tmp.write_bytes(b"")
    os.utime(stale_tmp, (time.time() - 7200, time.time() - 7200))
    fresh_tmp = cache / ".jieba-writing.tmp"  # another process is writing it right now
    fresh_tmp.write_bytes(b"")
    unrelated = cache / "notes.txt"
    unrelated.write_text("mine", encoding="utf-8")
    small = tmp_path / "dict.txt"
    small.write_text("法治 10 n\n政府 8 n\n", encoding="utf-8")
    monkeypatch.delenv("FAZHI_NO_CACHE", raising=False)
    monkeypatch.setenv("FAZHI_CACHE_DIR", str(cache))

    backend = JiebaBackend()
    backend._tok.dictionary = str(small)
    assert backend.cut("法治政府", False) == ["法治", "政府"]

    entries = cache_entries(cache)
    assert len(entries) == MAX_CACHE_ENTRIES
    new = entries[0]
    assert new not in old  # the entry just written is the most recent
    assert entries[1:] == old[: MAX_CACHE_ENTRIES - 1]  # then the most recently used
    assert not any(p.exists() for p in old[MAX_CACHE_ENTRIES - 1 :])
    assert not stale_tmp.exists() and fresh_tmp.exists() and unrelated.exists()

    # a later process reads the entry back (no rebuild) and marks it used
    month_ago = time.time() - 86400 * 30
    os.utime(new, (month_ago, month_ago))

    def no_rebuild(data: str) -> None:
        raise AssertionError("the dictionary was rebuilt instead of read from the cache")

    monkeypatch.setattr("fazhi.segmentation.backends._build_prefix_dict", no_rebuild)
    again = JiebaBackend()
    again._tok.dictionary = str(small)
    assert again.cut("法治政府", False) == ["法治", "政府"]
    assert new.stat().st_mtime > month_ago + 86400  # marked as used now
    assert cache_entries(cache)[0] == new
    assert len(cache_entries(cache)) == MAX_CACHE_ENTRIES


def test_clear_cache_deletes_only_fazhis_files(tmp_path: Path) -> None:
    from fazhi.segmentation.backends import cache_entries, clear_cache

    cache = tmp_path / "cache"
    made = _fake_entries(cache, 3, start=1_700_000_000)
    (cache / ".jieba-x.tmp").write_bytes(b"")
    (cache / "keep.marshal").write_bytes(b"")
    assert cache_entries(cache) == made
    removed = clear_cache(cache)
    assert {p.name for p in removed} == {p.name for p in made} | {".jieba-x.tmp"}
    assert sorted(os.listdir(cache)) == ["keep.marshal"]
    assert clear_cache(tmp_path / "missing") == [] and cache_entries(tmp_path / "missing") == []
