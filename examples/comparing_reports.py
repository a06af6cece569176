"""Comparing reports: the 24 articles of seed 002 side by side, as tables and PNG charts.

The script version of ``04_comparing_reports.ipynb``. Run it from anywhere in a
fazhi checkout (``pip install ".[notebooks]"`` for matplotlib and pandas)::

    python examples/comparing_reports.py                       # charts into ./fazhi-comparison/
    python examples/comparing_reports.py --out /tmp/charts     # elsewhere
    python examples/comparing_reports.py seeds/000_*.txt seeds/001_*.txt seeds/003_*.txt

Writes ``coverage_heatmap.png``, ``coverage_bars.png``, ``left_out.png`` and
``indicators.png``, and prints the tables. The figures (指标) come from the
example plugin fazhi-indicators: installed, or registered from
``plugins/fazhi-indicators/src`` when it is not. Chinese labels need a CJK font
(see ``_fonts.py`` next to this file).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no window

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import fazhi
import fazhi.plugins
from fazhi.analysis import TOPIC_COLOURS, TOPIC_IDS, TOPIC_NAMES

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from _fonts import use_cjk_font  # noqa: E402

COLUMNS = [*TOPIC_IDS, "general"]
COLOURS = TOPIC_COLOURS  # the colours of fazhi's notebook display
PLACE = re.compile(r"[\u4e00-\u9fff]{1,3}?(?:自治州|省|市|州|县|区)")


def ensure_indicators() -> None:
    if "indicators" not in fazhi.plugins.classifier_names():
        sys.path.insert(0, str(ROOT / "plugins" / "fazhi-indicators" / "src"))
        import fazhi_indicators

        fazhi.plugins.register(fazhi_indicators, name="fazhi-indicators (source)")


def label(i: int, a: fazhi.Analysis) -> str:
    title = a.title or ""
    m = PLACE.match(title) or PLACE.search(a.document.text[:300])
    return f"{i:02d} {m.group() if m else title[:6]}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "paths", nargs="*", type=Path, default=[ROOT / "seeds" / "002_e4f711ee96b42b0a.txt"]
    )
    ap.add_argument(
        "--out", type=Path, default=Path("fazhi-comparison"), help="directory for the PNG files"
    )
    args = ap.parse_args(argv)
    use_cjk_font()
    ensure_indicators()
    pd.set_option("display.width", 200)
    pd.set_option("display.max_colwidth", 50)

    results = [r for r in fazhi.analyze_many(args.paths, errors="warn") if r.ok]
    if not results:
        print("nothing to compare")
        return 1
    labels = [label(i, a) for i, a in enumerate(results, 1)]
    shares = pd.DataFrame(
        [[a.coverage().shares[t] for t in COLUMNS] for a in results], index=labels, columns=COLUMNS
    )
    args.out.mkdir(parents=True, exist_ok=True)

    print(
        pd.DataFrame(
            {
                "genre": [a.genre.label if a.genre else None for a in results],
                "chars": [len(a.document.text) for a in results],
                "left out": [
                    "、".join(TOPIC_NAMES[t] for t in a.coverage().missing) or "-" for a in results
                ],
                "indicators": [len(a.predictions.get("indicators", ())) for a in results],
            },
            index=labels,
        ).to_string()
    )

    # heatmap
    fig, ax = plt.subplots(figsize=(11, 2 + 0.35 * len(labels)))
    im = ax.imshow(
        shares.values, cmap="YlOrRd", vmin=0, vmax=max(0.5, shares.values.max()), aspect="auto"
    )
    ax.set_xticks(range(len(COLUMNS)), [TOPIC_NAMES[t] for t in COLUMNS], rotation=40, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    for (row, col), value in np.ndenumerate(shares.values):
        if value >= 0.005:
            ax.text(
                col,
                row,
                f"{value:.0%}",
                ha="center",
                va="center",
                fontsize=8,
                color="white" if value > 0.3 else "black",
            )
    ax.set_title("法治政府建设纲要任务领域覆盖 (占段落文字比例)")
    fig.colorbar(im, ax=ax, shrink=0.6, format=lambda x, _: f"{x:.0%}")
    fig.tight_layout()
    fig.savefig(args.out / "coverage_heatmap.png", dpi=110)
    plt.close(fig)

    # one bar chart per document
    ncols = 4
    nrows = -(-len(labels) // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(15, 3.2 * nrows), sharex=True, sharey=True, squeeze=False
    )
    y = np.arange(len(COLUMNS))
    for ax in axes.flat[len(labels) :]:
        ax.set_visible(False)
    for ax, name, (_, row) in zip(axes.flat, labels, shares.iterrows()):
        ax.barh(y, row.values, color=[COLOURS[t] for t in COLUMNS])
        ax.set_title(name, fontsize=11)
        ax.set_yticks(y, [TOPIC_NAMES[t] for t in COLUMNS], fontsize=8)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
    fig.suptitle("各篇材料的任务领域分布", fontsize=15)
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    fig.savefig(args.out / "coverage_bars.png", dpi=90)
    plt.close(fig)

    # which areas are left out most often
    left_out = pd.Series(
        {TOPIC_NAMES[t]: sum(t in a.coverage().missing for a in results) for t in TOPIC_IDS}
    )
    ax = left_out.sort_values().plot.barh(figsize=(8, 4.5), color="#D55E00")
    ax.set_xlabel(f"未涉及该领域的材料篇数 (共{len(results)}篇)")
    ax.set_title("哪些任务领域最常被遗漏？")
    ax.figure.tight_layout()
    ax.figure.savefig(args.out / "left_out.png", dpi=110)
    plt.close(ax.figure)

    # indicators per document and topic
    records = pd.DataFrame(
        {"article": name, **p.data}
        for name, a in zip(labels, results)
        for p in a.predictions.get("indicators", ())
    )
    if not records.empty:
        counts = records.pivot_table(
            index="article", columns="topic", values="value", aggfunc="size", fill_value=0
        )
        counts = counts.reindex(
            index=labels, columns=[t for t in COLUMNS if t in counts.columns], fill_value=0
        )
        ax = counts.plot.barh(
            stacked=True,
            figsize=(10, 2 + 0.3 * len(labels)),
            color=[COLOURS[t] for t in counts.columns],
            width=0.8,
        )
        ax.invert_yaxis()
        ax.legend([TOPIC_NAMES[t] for t in counts.columns], title="任务领域", loc="lower right")
        ax.set_xlabel("量化指标个数")
        ax.set_title("各篇材料报告的量化指标 (按段落任务领域)")
        ax.figure.tight_layout()
        ax.figure.savefig(args.out / "indicators.png", dpi=110)
        plt.close(ax.figure)
        print()
        print(
            records[["article", "what", "value", "unit", "qualifier", "topic"]]
            .head(15)
            .to_string(index=False)
        )

    print(
        f"\ncharts written to {args.out}/:",
        ", ".join(sorted(p.name for p in args.out.glob("*.png"))),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
