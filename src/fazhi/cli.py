"""The ``fazhi`` command line: thin wrappers over the Python API.

Exit codes: 0 all fine, 1 some inputs failed (each reported on stderr with its
path), 2 usage error. Errors never print a traceback unless ``--debug``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from fazhi._version import __version__

if TYPE_CHECKING:
    from fazhi.document import Document

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2

log = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse exits 2 on usage errors; keep it, shorter
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="fazhi",
        description="Read and analyse Chinese rule-of-law government (法治政府建设) documents.",
    )
    parser.add_argument("--version", action="version", version=f"fazhi {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    analyze = sub.add_parser(
        "analyze",
        help="analyse documents: title, genre, structure and topic mix",
        description=(
            "Analyse files, directories (recursive, *.txt) or globs; '-' reads stdin. "
            "A compilation file yields one row per article."
        ),
    )
    analyze.add_argument("paths", nargs="+", metavar="PATH")
    analyze.add_argument(
        "--format", choices=("table", "json", "jsonl"), default="table", help="output format"
    )
    analyze.add_argument(
        "--encoding", default=None, help="force an input encoding (default: detect)"
    )
    analyze.add_argument("-o", "--output", default=None, help="write to FILE instead of stdout")
    analyze.set_defaults(func=_cmd_analyze)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.debug:
        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        return 130
    except Exception as exc:
        if args.debug:
            raise
        print(f"fazhi: error: {exc}", file=sys.stderr)
        return EXIT_SOME_FAILED


# -- analyze ---------------------------------------------------------------


def _iter_documents(
    paths: Sequence[str], encoding: str | None, failures: list[str]
) -> Iterator[Document]:
    from fazhi.errors import InputError
    from fazhi.parsing import parse, read

    for path in paths:
        if path == "-":
            data = sys.stdin.buffer.read()
            try:
                yield parse(data, source="<stdin>", encoding=encoding)
            except InputError as exc:
                failures.append(str(exc))
                print(f"fazhi: {exc}", file=sys.stderr)
            continue
        for item in read(path, encoding=encoding, errors="return"):
            if isinstance(item, Exception):
                failures.append(str(item))
                print(f"fazhi: {item}", file=sys.stderr)
            else:
                yield item


def _row(doc: Document) -> dict[str, Any]:
    return {
        "source": doc.source,
        "span": list(doc.source_span) if doc.source_span else None,
        "title": doc.title_text,
        "chars": len(doc.text),
        "sections": sum(1 for _ in doc.walk_sections()),
        "paragraphs": len(doc.paragraphs),
        "genre": None,
        "topics": None,
    }


def _write_table(rows: list[dict[str, Any]], out: TextIO) -> None:
    from fazhi._display import format_table

    headers = ["#", "source", "title", "genre", "topics", "sections", "paragraphs", "chars"]
    table = []
    for i, r in enumerate(rows, 1):
        table.append(
            [
                str(i),
                _short_source(r["source"]),
                r["title"] or "(untitled)",
                r["genre"] or "-",
                r["topics"] or "-",
                str(r["sections"]),
                str(r["paragraphs"]),
                str(r["chars"]),
            ]
        )
    out.write(format_table(headers, table, max_width={"title": 36, "topics": 40}))
    out.write(f"{len(rows)} documents\n")


def _short_source(source: str | None) -> str:
    if not source:
        return "-"
    return source.replace("\\", "/").rsplit("/", 1)[-1]


def _cmd_analyze(args: argparse.Namespace) -> int:
    failures: list[str] = []
    rows = [_row(doc) for doc in _iter_documents(args.paths, args.encoding, failures)]
    out: TextIO
    with _open_output(args.output) as out:
        if args.format == "table":
            _write_table(rows, out)
            out.write("no classifiers yet: genre and topics will appear once they are registered\n")
        elif args.format == "json":
            json.dump(rows, out, ensure_ascii=False, indent=1)
            out.write("\n")
        else:
            for r in rows:
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
    return EXIT_SOME_FAILED if failures else EXIT_OK


class _open_output:
    """Context manager: a file opened for writing, or stdout (not closed)."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.fh: TextIO | None = None

    def __enter__(self) -> TextIO:
        if self.path and self.path != "-":
            self.fh = open(self.path, "w", encoding="utf-8")
            return self.fh
        return sys.stdout

    def __exit__(self, *exc: object) -> None:
        if self.fh is not None:
            self.fh.close()
