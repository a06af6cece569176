"""End-to-end throughput of ``fazhi.analyze_many`` against raw jieba, parallel speed-up, memory.

Run from the repository root (each measurement in a fresh subprocess):

    python benchmarks/bench_pipeline.py              # 20 MB corpus, 200 MB for the memory check
    python benchmarks/bench_pipeline.py --quick      # 4 MB / 12 MB

Prints, in one run on the seed corpus repeated to the target size:

* raw jieba segmentation of the same text (``jieba.Tokenizer().lcut(line, HMM=False)``),
* ``analyze_many`` with the jieba backend, n_jobs=1 and n_jobs=2, and the ratios
  (targets: >= 0.8x raw jieba; n_jobs=2 >= 1.7x n_jobs=1 on 2 cores),
* ``analyze_many`` with the rjieba backend (if installed) and the share of time
  per stage (parse, each classifier),
* peak RSS of a streaming run over the small and the large corpus (target:
  within 10% of each other, since results are streamed),
* the wall time of ``fazhi analyze`` on one seed file in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def make_corpus(directory: Path, megabytes: float) -> tuple[int, float]:
    """Write copies of the seed files into ``directory`` until it holds ``megabytes`` of UTF-8."""
    files = sorted(SEEDS.glob("*.txt"))
    total = 0
    n = 0
    target = megabytes * 1e6
    while total < target:
        for f in files:
            data = f.read_bytes()
            (directory / f"{n:05d}_{f.name}").write_bytes(data)
            total += len(data)
            n += 1
            if total >= target:
                break
    return n, total / 1e6


_CHILD = r"""
import json, os, sys, time, resource, warnings
from pathlib import Path
mode, corpus = sys.argv[1], sys.argv[2]
out = {}
if mode == "jieba":
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(60)
    tk = jieba.Tokenizer()
    tk.initialize()
    lines = []
    for name in sorted(os.listdir(corpus)):
        with open(os.path.join(corpus, name), encoding="utf-8") as fh:
            lines.extend(l for l in fh.read().splitlines() if l.strip())
    start = time.perf_counter()
    for line in lines:
        tk.lcut(line, HMM=False)
    out["seconds"] = time.perf_counter() - start
else:
    import fazhi
    from fazhi import plugins
    n_jobs = int(mode.split(":")[1])
    names = sorted(plugins.classifiers())
    # warm up: build tokenizers and models (in every worker too) before timing, as a long
    # batch amortises them; joblib reuses the same worker processes for the timed run.
    # analyze_many groups inputs into tasks of ~TASK_BYTES, so the warm-up needs several
    # tasks' worth of text for every worker to get one (a few tiny documents make one task)
    from fazhi.analysis import TASK_BYTES
    warm, size = [], 0
    for name in sorted(os.listdir(corpus)):
        if size >= 4 * n_jobs * TASK_BYTES:
            break
        warm.append(Path(corpus, name))
        size += os.path.getsize(warm[-1])
    list(fazhi.analyze_many(warm, n_jobs=n_jobs))
    start = time.perf_counter()
    n = 0
    for result in fazhi.analyze_many([Path(corpus)], n_jobs=n_jobs, errors="skip"):
        n += 1
    out["seconds"] = time.perf_counter() - start
    out["documents"] = n
    out["classifiers"] = names
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""

_STAGES = r"""
import json, sys, time
from pathlib import Path
import fazhi
from fazhi import plugins
from fazhi.classifiers.base import order_classifiers, run_classifier
corpus = Path(sys.argv[2])
clfs = order_classifiers(plugins.classifiers().values())
list(fazhi.analyze_many([fazhi.parse("法治政府建设报告\n\n推进行政执法。")]))
from fazhi.classifiers.topic import paragraph_texts
from fazhi.classifiers.topic_model import _topic_tokens
times = {"parse": 0.0, **{c.name: 0.0 for c in clfs}}
segmentation = 0.0
for path in sorted(corpus.glob("*.txt")):
    t = time.perf_counter()
    docs = list(fazhi.read(path))
    times["parse"] += time.perf_counter() - t
    for doc in docs:
        ctx = {}
        for c in clfs:
            t = time.perf_counter()
            ctx[c.name] = run_classifier(c, doc, context=ctx)
            times[c.name] += time.perf_counter() - t
        if "topic" in times:  # the topic model's segmentation, timed on its own
            t = time.perf_counter()
            for _, text in paragraph_texts(doc):
                _topic_tokens(text)
            segmentation += time.perf_counter() - t
if "topic" in times:
    times["topic: segmentation"] = segmentation
    times["topic: features and model"] = max(0.0, times.pop("topic") - segmentation)
print(json.dumps(times))
"""


_CEILING = r"""
import json, sys, time
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
def burn(n):
    s = 0
    for i in range(n):
        s += i * i
    return s
N = 4_000_000
ones, twos = [], []
with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as ex:
    list(ex.map(burn, [1000, 1000]))
    for _ in range(3):  # alternate, keep the best of each (the VM's speed drifts)
        t = time.perf_counter(); burn(N); burn(N); ones.append(time.perf_counter() - t)
        t = time.perf_counter(); list(ex.map(burn, [N, N])); twos.append(time.perf_counter() - t)
print(json.dumps({"speedup": min(ones) / min(twos)}))
"""


def parallel_ceiling() -> float:
    """What two processes of pure-Python arithmetic gain over one on this machine, right now."""
    return float(child("", Path("."), script=_CEILING)["speedup"])


def child(mode: str, corpus: Path, backend: str | None = None, script: str = _CHILD) -> dict:
    env = dict(os.environ)
    if backend:
        env["FAZHI_SEGMENTER"] = backend
    env.setdefault("OMP_NUM_THREADS", "1")
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    proc = subprocess.run(
        [sys.executable, "-c", script, mode, str(corpus)], capture_output=True, text=True, env=env
    )
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def rjieba_available() -> bool:
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return False
    return True


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--quick", action="store_true", help="4 MB and 12 MB corpora instead of 20 and 200"
    )
    ap.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="alternating rounds of raw jieba / n_jobs=1 / n_jobs=2",
    )
    args = ap.parse_args()
    small_mb, large_mb = (4, 12) if args.quick else (20, 200)

    import fazhi

    print(f"python {sys.version.split()[0]}, fazhi {fazhi.__version__}, cores {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "small"
        small.mkdir()
        n, mb = make_corpus(small, small_mb)
        print(f"corpus: {n} files, {mb:.1f} MB UTF-8 (the seeds repeated)")

        # The VM's speed drifts by +-25% over minutes, so the variants run in
        # alternation, several rounds, and each ratio is taken within a round.
        rounds: list[dict[str, dict]] = []
        for _ in range(args.rounds):
            rounds.append(
                {
                    "raw": child("jieba", small),
                    "j1": child("fazhi:1", small, "jieba"),
                    "j2": child("fazhi:2", small, "jieba"),
                    "ceiling": {"seconds": parallel_ceiling()},
                }
            )

        def median(values: list[float]) -> float:
            return statistics.median(values)

        def summary(key: str) -> tuple[float, float]:
            return median([r[key]["seconds"] for r in rounds]), min(
                r[key]["seconds"] for r in rounds
            )

        vs_raw = [r["raw"]["seconds"] / r["j1"]["seconds"] for r in rounds]
        speedup = [r["j1"]["seconds"] / r["j2"]["seconds"] for r in rounds]
        j1 = rounds[0]["j1"]
        print(f"classifiers: {', '.join(j1['classifiers']) or '(none)'}; {args.rounds} rounds")
        for key, label in (
            ("raw", "raw jieba lcut (HMM off)    "),
            ("j1", "analyze_many jieba, n_jobs=1"),
            ("j2", "analyze_many jieba, n_jobs=2"),
        ):
            med, best = summary(key)
            print(f"{label}  median {med:6.1f} s  best {best:6.1f} s  {mb / med:6.2f} MB/s")
        print(
            f"analyze_many jieba / raw jieba throughput: median {median(vs_raw):.2f}x "
            f"(rounds {', '.join(f'{v:.2f}' for v in vs_raw)}; target >= 0.8x)"
        )
        print(
            f"n_jobs=2 / n_jobs=1 throughput: median {median(speedup):.2f}x "
            f"(rounds {', '.join(f'{v:.2f}' for v in speedup)}; target >= 1.7x)"
        )
        ceiling = [r["ceiling"]["seconds"] for r in rounds]
        print(
            f"  this machine's ceiling, 2 processes of pure-Python arithmetic vs 1: median "
            f"{median(ceiling):.2f}x (rounds {', '.join(f'{v:.2f}' for v in ceiling)})"
        )
        if rjieba_available():
            r1 = child("fazhi:1", small, "rjieba")
            print(
                f"analyze_many rjieba, n_jobs=1  {r1['seconds']:8.1f} s  {mb / r1['seconds']:6.2f} MB/s"
                f"  {median([r['raw']['seconds'] for r in rounds]) / r1['seconds']:.2f}x raw jieba"
            )
            for backend in ("jieba", "rjieba"):
                stages = child("", small, backend, script=_STAGES)
                total = sum(stages.values())
                shares = ", ".join(f"{k} {v / total:.0%}" for k, v in stages.items())
                print(f"  time per stage ({backend}): {shares}")

        large = Path(tmp) / "large"
        large.mkdir()
        _, large_actual = make_corpus(large, large_mb)
        mem_small = rounds[0]["j1"]["peak_rss_mb"]
        mem_large = child("fazhi:1", large, "rjieba" if rjieba_available() else "jieba")[
            "peak_rss_mb"
        ]
        if rjieba_available():
            mem_small = child("fazhi:1", small, "rjieba")["peak_rss_mb"]
        print(
            f"peak RSS: {mb:.0f} MB input {mem_small:.0f} MB, {large_actual:.0f} MB input {mem_large:.0f} MB"
            f"  ratio {mem_large / mem_small:.2f} (target <= 1.10)"
        )

    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "fazhi", "analyze", str(SEEDS / "001_05b26b594b77e45e.txt")],
        capture_output=True,
        check=True,
    )
    print(f"fazhi analyze one seed file, fresh process: {time.perf_counter() - start:.2f} s wall")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
