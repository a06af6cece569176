"""Quick start: read the seed documents, look at one document, analyse it.

The script version of ``01_quickstart.ipynb``. Run it from anywhere in a fazhi
checkout (``pip install .`` first)::

    python examples/quickstart.py
    python examples/quickstart.py path/to/report.txt     # your own document
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import fazhi
from fazhi.analysis import TOPIC_NAMES

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def rule(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 60 - len(title)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "document",
        nargs="?",
        type=Path,
        default=SEEDS / "004_e32635754165135b.txt",
        help="a document to look at (default: seed 004, an implementing opinion)",
    )
    args = ap.parse_args(argv)

    rule("the seeds")
    for doc in fazhi.read(SEEDS):
        name = Path(doc.source).name if doc.source else "?"
        print(f"{name:26} {doc.source_span!s:16} {len(doc.paragraphs):3} ¶  {doc.title_text}")

    rule("one document's structure")
    doc = fazhi.parse(args.document.read_bytes(), source=str(args.document))
    print(doc.title_text, f"({doc.encoding}, {len(doc.text):,} characters)")
    for section in doc.walk_sections():
        print("    " * (section.level - 1) + section.heading.marker + section.title)

    rule("metadata")
    for f in doc.meta.fields:
        print(f"{f.key:16} {f.label:6} {f.value!r:40} @{f.start}-{f.end}")
    print("noise:", [(n.kind, n.text) for n in doc.noise])

    rule("genre, with its evidence")
    a = fazhi.analyze(doc)
    if a.genre is not None:
        print(f"{a.genre.label} (p={a.genre.score:.2f})")
        for e in a.genre.evidence:
            print(f"  {e.rule:32} {e.weight!s:5} {e.text}")

    rule("section roles")
    for r in a.sections:
        print(
            "    " * (r.section.level - 1)
            + f"{r.section.title}  [{r.role.label if r.role else '-'}]"
        )

    rule("paragraph topics")
    for r in a.paragraphs:
        topic = f"{r.topic.label} {r.topic.score:.2f}" if r.topic else "-"
        print(f"{r.paragraph.index:3} {topic:18} {r.paragraph.text[:40]}")
    coverage = a.coverage()
    print()
    for topic, share in coverage.top(10):
        print(f"{TOPIC_NAMES[topic]:8} {share:6.1%} " + "#" * round(share * 60))
    print("never covered:", "、".join(TOPIC_NAMES[t] for t in coverage.missing) or "-")

    rule("as JSON (first 300 characters)")
    print(json.dumps(a.to_dict(), ensure_ascii=False)[:300], "…")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
