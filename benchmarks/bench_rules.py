"""Cost of the rule-based genre and section-role classifiers, relative to jieba.

Run from the repository root:

    python benchmarks/bench_rules.py            # best of 11 interleaved runs
    python benchmarks/bench_rules.py --runs 3

The seed corpus (28 documents) is parsed once, outside the timings. Then the
script times ``GenreClassifier.classify`` plus ``SectionRoleClassifier.classify``
on every document, and raw jieba segmentation of the same texts
(``jieba.Tokenizer().lcut(text, HMM=False)``, dictionary built beforehand), in
the same run, and prints the ratio (target: the rules cost < 5% of jieba).
The two are measured in alternation and the best run of each counts, so that a
busy machine slows both alike; times are CPU time of this process.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import fazhi
from fazhi.classifiers.genre import GenreClassifier
from fazhi.classifiers.role import SectionRoleClassifier

ROOT = Path(__file__).resolve().parent.parent


def timed(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--runs", type=int, default=11, help="timed runs per measurement (the best counts)"
    )
    args = ap.parse_args()

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

    runs: dict[str, list[float]] = {"genre": [], "role": [], "both": [], "jieba": []}
    for _ in range(args.runs):
        runs["genre"].append(timed(lambda: [genre.classify(d) for d in docs]))
        runs["role"].append(timed(lambda: [role.classify(d) for d in docs]))
        runs["both"].append(timed(lambda: [(genre.classify(d), role.classify(d)) for d in docs]))
        runs["jieba"].append(timed(lambda: [tokenizer.lcut(t, HMM=False) for t in texts]))
    t_genre, t_role, t_both, t_jieba = (min(runs[k]) for k in ("genre", "role", "both", "jieba"))

    print(f"corpus: {len(docs)} documents, {chars:,} characters (parsing not timed)")
    print(
        f"genre rules:   {t_genre * 1000:8.2f} ms  ({t_genre / len(docs) * 1e6:6.0f} µs/document)"
    )
    print(f"section roles: {t_role * 1000:8.2f} ms  ({t_role / len(docs) * 1e6:6.0f} µs/document)")
    print(f"genre + role:  {t_both * 1000:8.2f} ms")
    print(f"jieba (HMM=False): {t_jieba * 1000:8.2f} ms")
    ratio = t_both / t_jieba
    print(f"ratio genre+role / jieba: {ratio:.1%}  (target < 5%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
