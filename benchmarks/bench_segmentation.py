"""Segmentation benchmark: throughput, cold start, peak RSS and gold boundary F1.

Run from the repository root (see benchmarks/README.md)::

    python benchmarks/bench_segmentation.py           # full run (~3-4 minutes on 2 cores)
    python benchmarks/bench_segmentation.py --quick   # ~1 minute, smaller corpus, fewer runs

What it prints, in one run:

1. Throughput on the seed corpus (seeds/*.txt, non-empty lines) repeated to
   >= 5 MB (1 MB with --quick), one call per line, for raw
   ``jieba.Tokenizer().lcut(line, HMM=False)`` with the lexicon words added,
   fazhi's jieba backend and fazhi's rjieba backend; best and median of the
   timed passes (raw jieba and fazhi-jieba passes are interleaved so machine
   noise hits both), and the ratios fazhi-jieba / raw jieba and
   rjieba / fazhi-jieba. Whether both fazhi backends give identical tokens.
2. A string without any punctuation (10 million characters; 1 million with
   --quick) cut in one call by each fazhi backend.
3. Cold start in a fresh subprocess (``import fazhi`` to the first tokens),
   median of several runs, and peak RSS (VmHWM) of that process after the
   first tokens and after cutting the 1x corpus.
4. Boundary precision/recall/F1 against tests/data/segmentation_gold.txt for
   each backend, lexicon on and off.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = ROOT / "tests" / "data" / "segmentation_gold.txt"
SAMPLE = "深入推进法治政府建设，全面落实行政执法责任制，推行双随机、一公开监管。"


def seed_lines() -> list[str]:
    lines: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        lines.extend(s for s in (ln.strip() for ln in path.read_text("utf-8").splitlines()) if s)
    return lines


def corpus(min_bytes: int) -> tuple[list[str], int, int]:
    base = seed_lines()
    base_bytes = sum(len(s.encode("utf-8")) for s in base)
    reps = max(1, -(-min_bytes // base_bytes))
    lines = base * reps
    return lines, sum(len(s) for s in lines), base_bytes * reps


def fmt_rate(chars: int, seconds: float) -> str:
    return f"{chars / seconds / 1e6:6.3f} M chars/s"


# -- throughput ---------------------------------------------------------------------


def raw_jieba_tokenizer(tmp: str) -> object:
    """A plain jieba Tokenizer with fazhi's lexicon words added (its cache kept in ``tmp``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba

    jieba.setLogLevel(logging.WARNING)
    from fazhi.segmentation import load_lexicon

    tok = jieba.Tokenizer()
    tok.tmp_dir = tmp
    tok.initialize()
    for entry in load_lexicon().entries:
        tok.add_word(entry.term, entry.freq, entry.tag)
    return tok


def interleaved(
    variants: dict[str, Callable[[str], object]], lines: list[str], passes: int, block: int = 200
) -> dict[str, list[tuple[float, float]]]:
    """Time each variant on the same blocks of lines, alternating the order block by block.

    Returns, per variant, one ``(cpu seconds, wall seconds)`` pair per pass.
    CPU time (``time.process_time``) is the primary measure: on a shared
    machine other processes inflate wall time but not this process's CPU
    time, and interleaving at block level exposes all variants to the same
    conditions (CPU frequency, cache state).
    """
    names = list(variants)
    blocks = [lines[i : i + block] for i in range(0, len(lines), block)]
    out: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
    for p in range(passes):
        cpu = dict.fromkeys(names, 0.0)
        wall = dict.fromkeys(names, 0.0)
        for k, chunk in enumerate(blocks):
            order = names if (k + p) % 2 == 0 else names[::-1]
            for name in order:
                fn = variants[name]
                w0, c0 = time.perf_counter(), time.process_time()
                for line in chunk:
                    fn(line)
                cpu[name] += time.process_time() - c0
                wall[name] += time.perf_counter() - w0
        for name in names:
            out[name].append((cpu[name], wall[name]))
    return out


def report(label: str, chars: int, runs: list[tuple[float, float]]) -> float:
    cpu = [c for c, _ in runs]
    wall = [w for _, w in runs]
    print(
        f"  {label:34}: CPU best {fmt_rate(chars, min(cpu))}  median {fmt_rate(chars, statistics.median(cpu))}"
        f"  | wall best {fmt_rate(chars, min(wall))}  ({len(runs)} passes)"
    )
    return chars / statistics.median(cpu)


def throughput(args: argparse.Namespace) -> dict[str, float]:
    import fazhi
    from fazhi.segmentation.backends import rjieba_available

    lines, chars, nbytes = corpus(int(args.mb * 1_000_000))
    base = seed_lines()
    print(
        f"throughput: {len(lines):,} lines, {chars:,} chars, {nbytes / 1e6:.2f} MB UTF-8 "
        f"(seeds x{len(lines) // len(base)}), one call per line, hmm=False"
    )
    with tempfile.TemporaryDirectory(prefix="fazhi-bench-") as tmp:
        raw = raw_jieba_tokenizer(tmp)
        raw_lcut = raw.lcut  # type: ignore[attr-defined]

        def raw_cut(line: str) -> list[str]:
            return raw_lcut(line, False, False)  # type: ignore[no-any-return]

        fj = fazhi.Segmenter("jieba")
        # the same backend with jieba's own cutting code instead of fazhi.segmentation.dag
        fj_own = fazhi.Segmenter("jieba")
        fj_own.cut("法治")
        fj_own._backend_obj._dag = None  # type: ignore[attr-defined]
        have_rjieba = rjieba_available()
        fr = fazhi.Segmenter("rjieba") if have_rjieba else None
        for line in base:  # warm-up: build dictionaries, fill caches
            raw_cut(line)
            fj.cut(line)
            fj_own.cut(line)
            if fr is not None:
                fr.cut(line)
        variants: dict[str, Callable[[str], object]] = {
            "raw": raw_cut,
            "fazhi-jieba": fj.cut,
            "fazhi-jieba-own": fj_own.cut,
        }
        if fr is not None:
            variants["fazhi-rjieba"] = fr.cut
        runs = interleaved(variants, lines, args.passes)
        result = {
            "raw": report("raw jieba lcut(HMM=False)+lexicon", chars, runs["raw"]),
            "fazhi-jieba": report("fazhi jieba backend", chars, runs["fazhi-jieba"]),
            "fazhi-jieba-own": report(
                "fazhi jieba, jieba's cutter", chars, runs["fazhi-jieba-own"]
            ),
        }
        per_pass = [r[0] / f[0] for r, f in zip(runs["raw"], runs["fazhi-jieba"], strict=True)]
        if fr is not None:
            result["fazhi-rjieba"] = report("fazhi rjieba backend", chars, runs["fazhi-rjieba"])
        else:
            print('  fazhi rjieba backend              : skipped (pip install "fazhi[fast]")')
        ratio = result["fazhi-jieba"] / result["raw"]
        print(
            f"  ratio fazhi-jieba / raw jieba     : {ratio:.3f}x  (median CPU; per pass "
            f"{min(per_pass):.3f}-{max(per_pass):.3f}; target >= 0.95)"
        )
        print(
            f"  ratio fazhi-jieba with jieba's own cutter (FAZHI_JIEBA_DAG=0) / raw jieba: "
            f"{result['fazhi-jieba-own'] / result['raw']:.3f}x"
        )
        same_own = sum(fj_own.cut(s) == fj.cut(s) for s in base)
        print(f"  fazhi.segmentation.dag vs jieba's cutter: {same_own}/{len(base)} lines identical")
        if fr is not None:
            print(
                f"  ratio fazhi-rjieba / raw jieba    : {result['fazhi-rjieba'] / result['raw']:.2f}x"
                "  (median CPU; target >= 10)"
            )
            print(
                f"  ratio fazhi-rjieba / fazhi-jieba  : {result['fazhi-rjieba'] / result['fazhi-jieba']:.2f}x"
                "  (fazhi-jieba cuts with fazhi.segmentation.dag, ~2.5x raw jieba)"
            )

        same_raw = sum(raw_cut(s) == fj.cut(s) for s in base)
        print(
            f"  raw jieba vs fazhi-jieba: {same_raw}/{len(base)} lines identical "
            "(fazhi keeps protected phrases and 《…》 titles whole and drops whitespace tokens)"
        )
        if fr is not None:
            docs = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
            for hmm in (False, True):
                a = fazhi.Segmenter("jieba", hmm=True) if hmm else fj
                b = fazhi.Segmenter("rjieba", hmm=True) if hmm else fr
                same = sum(a.cut(s) == b.cut(s) for s in base)
                same_docs = sum(a.tokenize(d) == b.tokenize(d) for d in docs)
                tokens = sum(len(a.cut(s)) for s in base)
                verdict = (
                    "IDENTICAL" if same == len(base) and same_docs == len(docs) else "DIFFERENT"
                )
                print(
                    f"  fazhi-jieba vs fazhi-rjieba, hmm={hmm!s:5}: {verdict} tokens: {same}/{len(base)} lines, "
                    f"{same_docs}/{len(docs)} whole files (with offsets), {tokens:,} tokens"
                )
    return result


def no_punctuation(args: argparse.Namespace) -> None:
    import fazhi
    from fazhi.segmentation.backends import rjieba_available

    han = "".join(ch for s in seed_lines() for ch in s if "\u4e00" <= ch <= "\u9fd5")
    n = args.nopunct_chars
    text = (han * (n // len(han) + 1))[:n]
    print(
        f"one string without punctuation: {len(text):,} chars, {len(text.encode()) / 1e6:.1f} MB UTF-8"
    )
    for name in ("jieba", "rjieba"):
        if name == "rjieba" and not rjieba_available():
            continue
        seg = fazhi.Segmenter(name)
        seg.cut(SAMPLE)
        t0 = time.perf_counter()
        toks = seg.tokenize(text)
        took = time.perf_counter() - t0
        exact = all(text[t.start : t.end] == t.text for t in toks[:: max(1, len(toks) // 10000)])
        covered = sum(len(t.text) for t in toks) == len(text)
        print(
            f"  {name:7}: {took:6.2f} s, {len(toks):,} tokens, {fmt_rate(len(text), took)}, offsets exact: {exact}, covers input: {covered}"
        )
        del toks


# -- cold start -------------------------------------------------------------------------

_CHILD = r"""
import sys, time, json
t0 = time.perf_counter()
import fazhi
seg = fazhi.Segmenter(sys.argv[1])
toks = seg.cut(sys.argv[2])
first = time.perf_counter() - t0
def hwm():
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
rss_first = hwm()
rss_corpus = None
if len(sys.argv) > 3:
    from pathlib import Path
    for p in sorted(Path(sys.argv[3]).glob("*.txt")):
        for line in p.read_text("utf-8").splitlines():
            seg.cut(line)
    rss_corpus = hwm()
print(json.dumps({"first": first, "rss_first": rss_first, "rss_corpus": rss_corpus, "n": len(toks)}))
"""

_RAW_CHILD = r"""
import sys, time, json, warnings, logging
t0 = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import jieba
jieba.setLogLevel(logging.WARNING)
tok = jieba.Tokenizer()
tok.tmp_dir = sys.argv[1]
toks = tok.lcut(sys.argv[2], HMM=False)
first = time.perf_counter() - t0
with open("/proc/self/status") as fh:
    rss = [int(l.split()[1]) / 1024 for l in fh if l.startswith("VmHWM:")][0]
print(json.dumps({"first": first, "rss_first": rss, "rss_corpus": None, "n": len(toks)}))
"""


def child(code: str, argv: Sequence[str], env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, *argv],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=str(ROOT),
    )
    if out.stderr.strip():
        print("    stderr:", out.stderr.strip().splitlines()[-1])
    data: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return data


def cold_start(args: argparse.Namespace) -> None:
    from fazhi.segmentation.backends import rjieba_available

    print(
        f"cold start in a fresh process: import fazhi -> first tokens (median of {args.cold_runs})"
    )
    base_env = dict(os.environ)
    base_env.pop("FAZHI_SEGMENTER", None)
    rows: list[tuple[str, Sequence[str], dict[str, str], str]] = []
    cache = tempfile.mkdtemp(prefix="fazhi-bench-cache-")
    rows.append(
        ("jieba, cache warm", ["jieba", SAMPLE], {**base_env, "FAZHI_CACHE_DIR": cache}, _CHILD)
    )
    rows.append(
        (
            "jieba, no cache (FAZHI_NO_CACHE=1)",
            ["jieba", SAMPLE],
            {**base_env, "FAZHI_NO_CACHE": "1"},
            _CHILD,
        )
    )
    if rjieba_available():
        rows.append(("rjieba", ["rjieba", SAMPLE], base_env, _CHILD))
    raw_tmp = tempfile.mkdtemp(prefix="fazhi-bench-rawjieba-")
    rows.append(
        ("raw jieba Tokenizer, its own cache warm", [raw_tmp, SAMPLE], base_env, _RAW_CHILD)
    )
    # one run first to fill the caches (not timed)
    child(_CHILD, ["jieba", SAMPLE], {**base_env, "FAZHI_CACHE_DIR": cache})
    child(_RAW_CHILD, [raw_tmp, SAMPLE], base_env)
    for label, argv, env, code in rows:
        firsts: list[float] = []
        rss: list[float] = []
        for _ in range(args.cold_runs):
            data = child(code, argv, env)
            firsts.append(data["first"])
            rss.append(data["rss_first"])
        corpus_rss = ""
        if code is _CHILD:
            data = child(code, [*argv, str(SEEDS)], env)
            corpus_rss = f", after cutting the seeds {data['rss_corpus']:.0f} MB"
        print(
            f"  {label:40}: {statistics.median(firsts):.3f} s (min {min(firsts):.3f}, max {max(firsts):.3f}); "
            f"peak RSS after first tokens {statistics.median(rss):.0f} MB{corpus_rss}"
        )
    import shutil

    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(raw_tmp, ignore_errors=True)


# -- gold F1 --------------------------------------------------------------------------------


def read_gold(path: Path = GOLD) -> list[list[str]]:
    sentences: list[list[str]] = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        sentences.append(line.split(" "))
    return sentences


def boundaries(tokens: Sequence[str]) -> set[int]:
    out: set[int] = set()
    pos = 0
    for t in tokens[:-1]:
        pos += len(t)
        out.add(pos)
    return out


def spans(tokens: Sequence[str]) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    pos = 0
    for t in tokens:
        out.add((pos, pos + len(t)))
        pos += len(t)
    return out


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score(
    cut: Callable[[str], list[str]], gold: list[list[str]]
) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    btp = bp = bg = wtp = wp = wg = 0
    for toks in gold:
        sentence = "".join(toks)
        pred = cut(sentence)
        if "".join(pred) != sentence:
            raise AssertionError(f"tokens do not rebuild the sentence: {sentence}")
        gb, pb = boundaries(toks), boundaries(pred)
        btp += len(gb & pb)
        bp += len(pb)
        bg += len(gb)
        gs, ps = spans(toks), spans(pred)
        wtp += len(gs & ps)
        wp += len(ps)
        wg += len(gs)
    return prf(btp, bp, bg), prf(wtp, wp, wg)


def gold_f1() -> None:
    import fazhi
    from fazhi.segmentation.backends import rjieba_available

    if not GOLD.is_file():
        print(f"gold: {GOLD} missing; skipped")
        return
    gold = read_gold()
    n_chars = sum(len("".join(s)) for s in gold)
    print(
        f"gold: {len(gold)} sentences, {n_chars:,} chars, {sum(len(s) for s in gold):,} tokens (hmm=False)"
    )
    print(
        f"  {'backend':8} {'lexicon':8} {'boundary P':>10} {'R':>7} {'F1':>7}   {'word P':>7} {'R':>7} {'F1':>7}"
    )
    for name in ("jieba", "rjieba"):
        if name == "rjieba" and not rjieba_available():
            print("  rjieba   skipped (not installed)")
            continue
        for lexicon in (True, False):
            seg = fazhi.Segmenter(name, lexicon=lexicon)
            (bp, br, bf), (wp, wr, wf) = score(seg.cut, gold)
            print(
                f"  {name:8} {'on' if lexicon else 'off':8} {bp:10.4f} {br:7.4f} {bf:7.4f}   {wp:7.4f} {wr:7.4f} {wf:7.4f}"
            )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="1 MB corpus, fewer passes and runs")
    ap.add_argument("--mb", type=float, default=None, help="corpus size in MB (default 5, quick 1)")
    ap.add_argument(
        "--passes", type=int, default=None, help="timed passes per variant (default 5, quick 2)"
    )
    ap.add_argument(
        "--cold-runs",
        type=int,
        default=None,
        help="fresh processes per cold-start row (default 5, quick 3)",
    )
    ap.add_argument(
        "--nopunct-chars",
        type=int,
        default=None,
        help="length of the no-punctuation string (default 10 M, quick 1 M)",
    )
    ap.add_argument(
        "--skip", default="", help="comma-separated sections to skip: throughput,nopunct,cold,gold"
    )
    args = ap.parse_args(argv)
    args.mb = args.mb or (1.0 if args.quick else 5.0)
    args.passes = args.passes or (2 if args.quick else 5)
    args.cold_runs = args.cold_runs or (3 if args.quick else 5)
    args.nopunct_chars = args.nopunct_chars or (1_000_000 if args.quick else 10_000_000)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}

    sys.path.insert(0, str(ROOT / "src"))
    import fazhi
    from fazhi.segmentation.backends import _dist_version

    print(
        f"fazhi {fazhi.__version__} segmentation benchmark, {dt.date.today().isoformat()}, "
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"jieba {_dist_version('jieba')}, rjieba {_dist_version('rjieba')}"
    )
    from fazhi.segmentation import load_lexicon

    lex = load_lexicon()
    print(
        f"lexicon {lex.version}: {len(lex.entries)} dictionary entries, {len(lex.protected)} protected phrases; hmm=False{' (quick)' if args.quick else ''}"
    )
    t0 = time.perf_counter()
    if "throughput" not in skip:
        throughput(args)
    if "nopunct" not in skip:
        no_punctuation(args)
    if "cold" not in skip:
        cold_start(args)
    if "gold" not in skip:
        gold_f1()
    print(f"total {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
