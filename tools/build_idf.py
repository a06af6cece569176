"""Rebuild src/fazhi/data/idf.tsv: the default IDF table of fazhi.keywords().

Fits :class:`fazhi.KeywordExtractor` on the seed corpus (``fazhi.read("seeds/")``,
28 documents) with the lexicon-enabled jieba Segmenter (HMM off) and writes the
table with a header recording the lexicon version and the corpus hash.

Run from the repository root after any change to the lexicon, the seeds or
the keyword candidate rules::

    python tools/build_idf.py            # writes src/fazhi/data/idf.tsv
    python tools/build_idf.py --check    # exit 1 if the shipped table is stale

tests/test_keywords.py fails when the shipped table no longer matches a refit.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "fazhi" / "data" / "idf.tsv"


def build(seeds: Path = ROOT / "seeds") -> str:
    """The TSV text of the IDF table fitted on ``seeds``."""
    import fazhi
    from fazhi.segmentation import KeywordExtractor, Segmenter

    docs = list(fazhi.read(str(seeds)))
    extractor = KeywordExtractor(segmenter=Segmenter("jieba", hmm=False, lexicon=True))
    extractor.fit(docs)
    extractor.metadata["source"] = (
        f"fazhi.read('seeds/'), {len(docs)} documents; tools/build_idf.py"
    )
    return extractor.to_tsv()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="only compare with the shipped table")
    ap.add_argument("--out", type=Path, default=OUT, help=f"output file (default {OUT})")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    text = build()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        if current != text:
            print(f"{args.out} is stale: run python tools/build_idf.py", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    args.out.write_text(text, encoding="utf-8", newline="\n")
    rows = sum(1 for line in text.splitlines() if line and not line.startswith("#"))
    print(f"wrote {args.out} ({rows} terms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
