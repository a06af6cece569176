"""Topic classifier speed: predict throughput and fit time.

Run from the repository root:

    python benchmarks/bench_topic.py            # full run (~1-2 minutes)
    python benchmarks/bench_topic.py --quick    # fewer paragraphs, 3,000-paragraph fit

Measures, with the jieba backend (``set_tokenizer_backend("jieba")``):

* predict throughput of the shipped model in paragraphs/s **once text is
  segmented** (the paragraphs' tokens are computed beforehand and looked up;
  target >= 2,000/s) and **including segmentation**;
  the keyword baseline for comparison; rjieba, when installed, including
  segmentation;
* peak memory (RSS) of classifying one long document (16,000 paragraphs,
  3.5 million characters, built by repeating a seed's body), predicted in
  chunks of ``PREDICT_CHUNK`` paragraphs as shipped and all at once, each in
  a fresh process, next to the memory of parsing it;
* fit time of a TopicClassifier (shipped configuration, BLAS capped to one
  thread) on 10,000 paragraphs synthesised from the training data by
  sampling paragraphs and joining pairs of the same label (target < 60 s on
  2 cores), segmentation included.

Paragraphs are the seed and authored training paragraphs (median ~110 characters).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def best_of(runs: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def synthesise(
    texts: list[str], labels: list[str], n: int, seed: int = 0
) -> tuple[list[str], list[str]]:
    """``n`` paragraphs: each is a sampled paragraph, or two of the same label joined."""
    rng = random.Random(seed)
    by_label: dict[str, list[str]] = {}
    for t, y in zip(texts, labels, strict=True):
        by_label.setdefault(y, []).append(t)
    out_x, out_y = [], []
    for _ in range(n):
        i = rng.randrange(len(texts))
        y = labels[i]
        text = texts[i]
        if rng.random() < 0.7:
            text = text + rng.choice(by_label[y])
        out_x.append(text)
        out_y.append(y)
    return out_x, out_y


_MEMORY_CHILD = """
import resource, sys
import fazhi
import fazhi.classifiers.topic_inference as ti
from fazhi.classifiers.topic_model import TopicClassifier

chunk = int(sys.argv[1])
if chunk:
    ti.PREDICT_CHUNK = chunk
seed = open(sys.argv[2], encoding="utf-8").read()
body = seed.split("\\n", 2)[2]
doc = fazhi.parse(seed + ("\\n" + body) * 800)
model = TopicClassifier.pretrained()
model.classify(fazhi.parse(seed))  # load the model and the segmenter first
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
model.classify(doc)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(len(doc.text), len(doc.paragraphs), before, after)
"""


def memory_rows() -> list[tuple[str, str]]:
    """Peak RSS (MB) of classifying one long document, chunked as shipped and all at once."""
    import subprocess

    from fazhi.classifiers.topic_inference import PREDICT_CHUNK

    seed = str(ROOT / "seeds" / "001_05b26b594b77e45e.txt")
    rows = []
    for label, chunk in ((f"chunks of {PREDICT_CHUNK:,} (shipped)", 0), ("all at once", 10**9)):
        out = subprocess.run(
            [sys.executable, "-c", _MEMORY_CHILD, str(chunk), seed],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        chars, paras, before, after = (int(x) for x in out)
        rows.append(
            (
                f"classify {paras:,} paragraphs ({chars / 1e6:.1f} M chars), {label}",
                f"{before / 1024:,.0f} → {after / 1024:,.0f}",
            )
        )
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer paragraphs, smaller fit")
    args = ap.parse_args()
    n_predict, n_fit, runs = (2_000, 3_000, 2) if args.quick else (5_000, 10_000, 3)

    from fazhi.classifiers.keyword_topic import KeywordTopicClassifier
    from fazhi.classifiers.topic_model import (
        TopicClassifier,
        clear_token_cache,
        fazhi_tokenize,
        set_tokenizer_backend,
    )
    from fazhi.training import load_examples, seed_examples

    data = seed_examples(ROOT / "seeds") + load_examples(
        ROOT / "training" / "authored_topics.jsonl"
    )
    texts = [e.text for e in data]
    labels = [e.label for e in data]
    # n_predict distinct strings (a numbered suffix defeats the token cache; the number
    # itself is folded away by the tokenizer, so the features are those of the paragraph)
    paragraphs = [
        f"{t}（{i}）" for i, t in enumerate((texts * (n_predict // len(texts) + 1))[:n_predict])
    ]
    chars = statistics.median(len(t) for t in paragraphs)
    print(f"cpus: {os.cpu_count()}, python {sys.version.split()[0]}")
    print(f"predict set: {len(paragraphs)} distinct paragraphs (median {chars:.0f} chars)")

    set_tokenizer_backend("jieba")
    model = TopicClassifier.pretrained()
    model.predict(paragraphs[:10])  # load the model and jieba's dictionary

    # including segmentation: an empty token cache before every run
    def cold() -> None:
        clear_token_cache()
        model.predict(paragraphs)

    t_cold = best_of(runs, cold)
    # once segmented: prediction reads the paragraphs' tokens from a dict (prediction
    # itself never caches tokens, so that a stream of new text costs what it costs)
    compiled = model._compiled()
    tokens = {t: fazhi_tokenize(t) for t in paragraphs}
    segmenting = compiled.tokenize
    compiled.tokenize = tokens.__getitem__
    t_warm = best_of(runs, lambda: model.predict(paragraphs))
    compiled.tokenize = segmenting

    def segment_all() -> None:
        clear_token_cache()
        for t in paragraphs:
            fazhi_tokenize(t)

    t_seg = best_of(runs, segment_all)
    keyword = KeywordTopicClassifier()
    t_kw = best_of(runs, lambda: keyword.predict(paragraphs))
    one = paragraphs[0]
    t_one = best_of(20, lambda: model.predict([one]))

    rows = [
        ("TopicClassifier, text already segmented (jieba)", len(paragraphs) / t_warm),
        ("TopicClassifier, including jieba segmentation", len(paragraphs) / t_cold),
        ("jieba segmentation alone (fazhi_tokenize)", len(paragraphs) / t_seg),
        ("KeywordTopicClassifier (no segmentation)", len(paragraphs) / t_kw),
    ]
    try:
        import rjieba  # noqa: F401

        set_tokenizer_backend("rjieba")
        fazhi_tokenize("预热")
        t_rj = best_of(runs, cold)
        rows.append(("TopicClassifier, including rjieba segmentation", len(paragraphs) / t_rj))
        set_tokenizer_backend("jieba")
    except ImportError:
        pass
    print("\n| predict | paragraphs/s |")
    print("|---|---|")
    for name, rate in rows:
        print(f"| {name} | {rate:,.0f} |")
    print(f"| one paragraph, latency | {t_one * 1000:.1f} ms |")

    if sys.platform.startswith("linux"):  # ru_maxrss is in KiB there
        print("\n| memory, one long document | peak RSS before → after classify (MB) |")
        print("|---|---|")
        for name, value in memory_rows():
            print(f"| {name} | {value} |")

    fit_x, fit_y = synthesise(texts, labels, n_fit)
    clear_token_cache()
    params = {k: v for k, v in model.get_params().items() if k != "lexicon"}
    start = time.perf_counter()
    fitted = TopicClassifier(**params).fit(fit_x, fit_y)
    t_fit = time.perf_counter() - start
    start = time.perf_counter()
    fitted.fit(fit_x, fit_y)  # tokens cached now
    t_refit = time.perf_counter() - start
    print(
        f"\n| fit ({n_fit:,} paragraphs, median {statistics.median(map(len, fit_x)):.0f} chars) | seconds |"
    )
    print("|---|---|")
    print(f"| including segmentation | {t_fit:.1f} |")
    print(f"| text already segmented | {t_refit:.1f} |")
    print(f"| features | {fitted.n_features_:,} |")
    ok = len(paragraphs) / t_warm >= 2_000 and (args.quick or t_fit < 60)
    print(
        "\ntargets (>= 2,000 paragraphs/s once segmented; fit on 10,000 < 60 s):",
        "met" if ok else "NOT met",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
