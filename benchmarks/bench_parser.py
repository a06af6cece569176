"""Parser throughput, and its cost relative to jieba segmentation of the same text.

Run from the repository root:

    python benchmarks/bench_parser.py            # full run (~1 minute)
    python benchmarks/bench_parser.py --quick    # smaller corpus

Prints MB/s for ``fazhi.parse`` over the seed documents, the time raw jieba
(``jieba.Tokenizer().lcut(line, HMM=False)``, dictionary built beforehand)
takes to segment the same text measured in the same run, and the ratio
(target: parsing costs < 10% of segmentation). Also times one long line
without any newline (a 50 MB file in the full run) to show parsing is linear.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import fazhi

ROOT = Path(__file__).resolve().parent.parent


def seed_texts() -> list[str]:
    return [doc.text for doc in fazhi.read(ROOT / "seeds")]


def best_of(runs: int, fn) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller corpus, fewer runs")
    args = ap.parse_args()
    repeat, runs, long_mb = (2, 2, 5) if args.quick else (6, 3, 50)

    texts = seed_texts() * repeat
    chars = sum(len(t) for t in texts)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6

    t_parse = best_of(runs, lambda: [fazhi.parse(t) for t in texts])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba

    jieba.setLogLevel(60)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    lines = [line for t in texts for line in t.splitlines() if line.strip()]
    t_jieba = best_of(runs, lambda: [tokenizer.lcut(line, HMM=False) for line in lines])

    long_text = "法治政府建设行政执法" * int(long_mb * 1e6 / 30)
    start = time.perf_counter()
    fazhi.parse(long_text)
    t_long = time.perf_counter() - start
    half = long_text[: len(long_text) // 2]
    start = time.perf_counter()
    fazhi.parse(half)
    t_half = time.perf_counter() - start

    print(f"python {sys.version.split()[0]}, fazhi {fazhi.__version__}, jieba {jieba.__version__}")
    print(f"corpus: seeds x{repeat} = {len(texts)} documents, {chars:,} chars, {mb:.2f} MB UTF-8")
    print(f"fazhi.parse           {t_parse:8.3f} s  {mb / t_parse:8.2f} MB/s")
    print(f"jieba lcut (HMM off)  {t_jieba:8.3f} s  {mb / t_jieba:8.2f} MB/s")
    print(f"parse / jieba time    {t_parse / t_jieba:8.1%}   (target < 10%)")
    long_bytes = len(long_text.encode("utf-8")) / 1e6
    print(
        f"one line of {long_bytes:.0f} MB: {t_long:.2f} s ({long_bytes / t_long:.1f} MB/s); "
        f"half of it: {t_half:.2f} s; ratio {t_long / t_half:.2f} (linear = 2)"
    )
    print(f"best of {runs} runs each; compare ratios across machines, not seconds")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
