"""Cost of the rule-based genre and section-role classifiers, relative to jieba.

Run from the repository root:

    python benchmarks/bench_rules.py            # 11 rounds
    python benchmarks/bench_rules.py --runs 3

The seed corpus (28 documents) is parsed once, outside the timings. Each round
times ``GenreClassifier.classify``, ``SectionRoleClassifier.classify``, both
together, and raw jieba segmentation of the same texts
(``jieba.Tokenizer().lcut(text, HMM=False)`` — fazhi's default — dictionary
built beforehand), one after the other, alternating which comes first. Times
are CPU time of this process. The target is that the rules cost < 5% of jieba.

Two summaries are printed, because the shared machine's speed drifts between
rounds: the best time of each measurement over all rounds (what earlier runs
reported), and the ratio taken within each round — median and range — which a
drift that slows one round slows on both sides. jieba with its own default,
``HMM=True``, is timed once per round too, for reference only: the target is
judged against ``HMM=False``.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import fazhi
from fazhi.classifiers.genre import GenreClassifier
from fazhi.classifiers.role import SectionRoleClassifier

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.05


def timed(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=11, help="rounds of timed runs (at least 1)")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")

    docs = list(fazhi.read(ROOT / "seeds"))
    texts = [d.text for d in docs]
    chars = sum(len(t) for t in texts)

    genre = GenreClassifier()
    role = SectionRoleClassifier()
    for d in docs:  # warm up: load and compile the rules
        genre.classify(d)
        role.classify(d)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba

    jieba.setLogLevel(60)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    tokenizer.lcut(texts[0], HMM=False)
    tokenizer.lcut(texts[0])

    measures: dict[str, Callable[[], object]] = {
        "genre": lambda: [genre.classify(d) for d in docs],
        "role": lambda: [role.classify(d) for d in docs],
        "both": lambda: [(genre.classify(d), role.classify(d)) for d in docs],
        "jieba": lambda: [tokenizer.lcut(t, HMM=False) for t in texts],
        "jieba_hmm": lambda: [tokenizer.lcut(t) for t in texts],
    }
    runs: dict[str, list[float]] = {k: [] for k in measures}
    order = list(measures)
    for i in range(args.runs):
        for key in order if i % 2 == 0 else order[::-1]:
            runs[key].append(timed(measures[key]))
    best = {k: min(v) for k, v in runs.items()}
    n = len(docs)

    print(f"corpus: {n} documents, {chars:,} characters (parsing not timed); {args.runs} rounds")
    print(
        f"genre rules:       {best['genre'] * 1000:8.2f} ms  ({best['genre'] / n * 1e6:4.0f} µs/document)"
    )
    print(
        f"section roles:     {best['role'] * 1000:8.2f} ms  ({best['role'] / n * 1e6:4.0f} µs/document)"
    )
    print(f"genre + role:      {best['both'] * 1000:8.2f} ms")
    print(f"jieba (HMM=False): {best['jieba'] * 1000:8.2f} ms")
    print(f"jieba (HMM=True):  {best['jieba_hmm'] * 1000:8.2f} ms  (reference only)")
    ratio = best["both"] / best["jieba"]
    print(f"ratio genre+role / jieba, best times: {ratio:.1%}  (target < {TARGET:.0%})")
    per_round = [b / j for b, j in zip(runs["both"], runs["jieba"], strict=True)]
    print(
        f"ratio within each round: median {statistics.median(per_round):.1%}, "
        f"range {min(per_round):.1%}–{max(per_round):.1%}"
    )
    hmm = best["both"] / best["jieba_hmm"]
    print(f"for reference, against jieba's default HMM=True: {hmm:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
