"""Checks of the parser's guarantees, shared by example tests and property tests."""

from __future__ import annotations

from fazhi.document import Document

#: characters that count as whitespace for the "nothing lost" invariant
WHITESPACE_EXTRA = "\ufeff\u200b"


def assert_offsets(doc: Document) -> None:
    """Every node's text is the document text at its offsets."""
    t = doc.text
    nodes = [*doc.spans(), *doc.sentences(), *doc.walk_sections()]
    for node in nodes:
        assert 0 <= node.start <= node.end <= len(t), node
        assert t[node.start : node.end] == node.text, node


def assert_nothing_lost(doc: Document) -> None:
    """Every non-whitespace character is in exactly one of title, meta, heading, paragraph, noise."""
    t = doc.text
    cover = [0] * len(t)
    meta = {(f.start, f.end): f for f in doc.meta.fields}.values()  # one line may give two fields
    groups = [
        [doc.title] if doc.title else [],
        list(meta),
        doc.headings(),
        list(doc.paragraphs),
        list(doc.noise),
    ]
    for group in groups:
        for span in group:
            for i in range(span.start, span.end):
                cover[i] += 1
    for i, ch in enumerate(t):
        if ch.isspace() or ch in WHITESPACE_EXTRA:
            continue
        assert cover[i] == 1, (
            f"char {i} {ch!r} covered {cover[i]} times in {t[max(0, i - 15) : i + 15]!r}"
        )
