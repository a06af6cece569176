"""The ``fazhi`` command line: thin wrappers over the Python API.

Exit codes: 0 all fine, 1 some inputs failed (each reported on stderr with its
path), 2 usage error. Errors never print a traceback unless ``--debug``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from fazhi._version import __version__
from fazhi.errors import UnknownNameError

if TYPE_CHECKING:
    from fazhi.analysis import Analysis

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
#: the output pipe was closed by its reader (128 + SIGPIPE, as a shell reports it)
EXIT_BROKEN_PIPE = 141

log = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse exits 2 on usage errors; keep it, shorter
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _jobs(value: str) -> int:
    """``--jobs``: a process count; 0 would run nothing, so it is a usage error."""
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {value!r}") from None
    if n == 0:
        raise argparse.ArgumentTypeError("0 runs nothing: use 1, N processes, or -1 for all cores")
    return n


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
            "A compilation file yields one row per article. Runs every registered "
            "classifier unless --classifiers names some."
        ),
    )
    analyze.add_argument("paths", nargs="+", metavar="PATH")
    analyze.add_argument(
        "--format",
        choices=("table", "json", "jsonl", "csv"),
        default="table",
        help="output format (default: table)",
    )
    analyze.add_argument(
        "--classifiers",
        default=None,
        metavar="A,B",
        help="comma-separated classifier names to run (default: all registered)",
    )
    analyze.add_argument(
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="processes to analyse with, this one included (-1: all cores)",
    )
    analyze.add_argument(
        "--explain", action="store_true", help="show the evidence behind each genre decision"
    )
    analyze.add_argument(
        "--text", action="store_true", help="include paragraph texts in json/jsonl output"
    )
    analyze.add_argument(
        "--encoding", default=None, help="force an input encoding (default: detect)"
    )
    analyze.add_argument("-o", "--output", default=None, help="write to FILE instead of stdout")
    analyze.set_defaults(func=_cmd_analyze)

    segment = sub.add_parser(
        "segment",
        help="segment documents into words (jieba or rjieba with the 法治 lexicon)",
        description=(
            "Segment files, directories (recursive, *.txt), globs or '-' (stdin). "
            "Text output keeps the input's lines, words separated by spaces."
        ),
    )
    segment.add_argument("paths", nargs="+", metavar="PATH")
    segment.add_argument(
        "--backend", default="auto", help="segmenter backend: auto, jieba, rjieba or a plugin's"
    )
    segment.add_argument("--hmm", action="store_true", help="let the HMM guess unknown words")
    segment.add_argument(
        "--no-lexicon", action="store_true", help="do not load fazhi's 法治政府 lexicon"
    )
    segment.add_argument(
        "--format", choices=("text", "jsonl"), default="text", help="output format (default: text)"
    )
    segment.add_argument(
        "--encoding", default=None, help="force an input encoding (default: detect)"
    )
    segment.add_argument("-o", "--output", default=None, help="write to FILE instead of stdout")
    segment.set_defaults(func=_cmd_segment)

    keywords = sub.add_parser(
        "keywords",
        help="top TF-IDF keywords of each document (official-document filler excluded)",
        description="Keywords of files, directories (recursive, *.txt), globs or '-' (stdin).",
    )
    keywords.add_argument("paths", nargs="+", metavar="PATH")
    keywords.add_argument("-k", "--top-k", type=int, default=10, help="keywords per document")
    keywords.add_argument(
        "--format",
        choices=("table", "jsonl"),
        default="table",
        help="output format (default: table)",
    )
    keywords.add_argument(
        "--encoding", default=None, help="force an input encoding (default: detect)"
    )
    keywords.add_argument("-o", "--output", default=None, help="write to FILE instead of stdout")
    keywords.set_defaults(func=_cmd_keywords)

    plugins = sub.add_parser(
        "plugins",
        help="list installed plugins as JSON",
        description=(
            "Print the installed fazhi plugins as JSON: name, version, hooks, what each "
            "registered, load status and error. FAZHI_LOAD_PLUGINS / FAZHI_DISABLE_PLUGINS apply."
        ),
    )
    plugins.add_argument("--all", action="store_true", help="include fazhi's built-in plugins")
    plugins.set_defaults(func=_cmd_plugins)

    cache = sub.add_parser(
        "cache",
        help="show (or --clear) fazhi's cache of built jieba dictionaries, as JSON",
        description=(
            "Print fazhi's per-user cache as JSON: its directory, whether it is on, and "
            "each cached jieba dictionary (~9 MB, one per environment's jieba; the "
            "least recently used beyond the newest 8 are deleted automatically). "
            "FAZHI_CACHE_DIR moves it, FAZHI_NO_CACHE=1 switches it off."
        ),
    )
    cache.add_argument(
        "--clear", action="store_true", help="delete the cached dictionaries (rebuilt on demand)"
    )
    cache.set_defaults(func=_cmd_cache)

    from fazhi.training import register_cli  # `fazhi train` / `fazhi evaluate` (topic models)

    register_cli(sub)
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
    except _UsageError as exc:
        print(f"fazhi: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError as exc:
        if not _stdout_is_closed():  # some other pipe or socket (a plugin's): an error
            print(f"fazhi: error: {exc}", file=sys.stderr)
            return EXIT_SOME_FAILED
        # the reader went away (`fazhi segment … | head`): stop quietly, as a SIGPIPE'd
        # Unix tool does, and keep the interpreter's final flush from failing again
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except Exception as exc:
        if args.debug:
            raise
        print(f"fazhi: error: {exc}", file=sys.stderr)
        # an unknown classifier or backend name: the command line is wrong
        return EXIT_USAGE if isinstance(exc, UnknownNameError) else EXIT_SOME_FAILED


def _stdout_is_closed() -> bool:
    """Whether standard output's reader has gone (rather than some other pipe breaking)."""
    import select

    try:
        sys.stdout.flush()
    except BrokenPipeError:
        return True
    except (OSError, ValueError):  # pragma: no cover - a stream in another bad state
        return False
    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):  # pragma: no cover - replaced stdout
        return False
    if not hasattr(select, "poll"):  # pragma: no cover - Windows: assume it was stdout
        return True
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    # the write end of a pipe whose reader has closed reports POLLERR
    return any(event & select.POLLERR for _, event in poller.poll(0))


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout without a file descriptor
        pass


# -- analyze ---------------------------------------------------------------


def _topic_mix(analysis: Analysis, n: int = 3) -> str | None:
    if "topic" not in analysis.predictions:
        return None
    top = analysis.coverage().top(n)
    return " ".join(f"{label} {share:.0%}" for label, share in top) or "general"


def _summary(analysis: Analysis) -> dict[str, Any]:
    doc = analysis.document
    genre = analysis.genre
    return {
        "source": doc.source,
        "title": doc.title_text,
        "genre": genre.label if genre else None,
        "genre_score": round(genre.score, 3) if genre else None,
        "topics": _topic_mix(analysis),
        "sections": sum(1 for _ in doc.walk_sections()),
        "paragraphs": len(doc.paragraphs),
        "chars": len(doc.text),
    }


def _write_table(analyses: list[Analysis], out: TextIO, *, explain: bool, ran: set[str]) -> None:
    from fazhi._display import format_table

    headers = ["#", "source", "title", "genre", "topics", "sections", "paragraphs", "chars"]
    rows = []
    for i, analysis in enumerate(analyses, 1):
        r = _summary(analysis)
        rows.append(
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
    out.write(format_table(headers, rows, max_width={"title": 36, "topics": 44}))
    out.write(f"{len(analyses)} documents")
    out.write(f"; classifiers: {', '.join(sorted(ran))}\n" if ran else "\n")
    if analyses and not ran:
        out.write("no classifiers yet: genre and topics appear once classifiers are registered\n")
    if explain:
        for i, analysis in enumerate(analyses, 1):
            out.write(f"\n#{i} {analysis.document.title_text or '(untitled)'}\n")
            genre = analysis.genre
            if genre is None:
                out.write("  no genre classifier ran\n")
                continue
            out.write(f"  genre {genre.label} (score {genre.score:.2f})\n")
            for ev in genre.evidence:
                weight = f"{ev.weight:+.1f}" if ev.weight is not None else "    "
                rule = ev.rule or ""
                out.write(f"    {weight}  {rule:<28} {ev.text[:60]!r}\n")


def _write_csv(analyses: list[Analysis], out: TextIO) -> None:
    import csv

    from fazhi.analysis import TOPIC_IDS

    writer = csv.writer(out)
    columns = ["source", "title", "genre", "genre_score", "sections", "paragraphs", "chars"]
    topic_columns = [f"share_{t}" for t in (*TOPIC_IDS, "general")]
    writer.writerow([*columns, *topic_columns, "missing_topics"])
    for analysis in analyses:
        r = _summary(analysis)
        row = [r[c] for c in columns]
        if "topic" in analysis.predictions:
            cov = analysis.coverage()
            row += [round(cov.shares[t], 4) for t in (*TOPIC_IDS, "general")]
            row.append(" ".join(cov.missing))
        else:
            row += [""] * (len(topic_columns) + 1)
        writer.writerow(row)


def _short_source(source: str | None) -> str:
    if not source:
        return "-"
    return source.replace("\\", "/").rsplit("/", 1)[-1]


def _cmd_analyze(args: argparse.Namespace) -> int:
    from fazhi.analysis import FailedAnalysis, analyze_many

    names = (
        [n.strip() for n in args.classifiers.split(",") if n.strip()] if args.classifiers else None
    )
    failures = _Failures()
    analyses: list[Analysis] = []
    ran: set[str] = set()
    _check_output_is_not_an_input(args.paths, args.output)
    items = _documents(args.paths, args.encoding, failures, lazy_paths=True)
    with _open_output(args.output) as out:
        stream = args.format == "jsonl"
        for result in analyze_many(items, classifiers=names, n_jobs=args.jobs, errors="skip"):
            if isinstance(result, FailedAnalysis):
                failures(result.error)
                continue
            for message in result.failures.values():
                failures(message)
            ran.update(result.predictions)
            if stream:  # one line per document as soon as it is done
                out.write(json.dumps(result.to_dict(text=args.text), ensure_ascii=False) + "\n")
            else:
                analyses.append(result)
        if args.format == "table":
            _write_table(analyses, out, explain=args.explain, ran=ran)
        elif args.format == "json":
            json.dump(
                [a.to_dict(text=args.text) for a in analyses], out, ensure_ascii=False, indent=1
            )
            out.write("\n")
        elif args.format == "csv":
            _write_csv(analyses, out)
    return EXIT_SOME_FAILED if failures.count else EXIT_OK


class _UsageError(Exception):
    """A command line that cannot be run as given (exit code 2)."""


def _check_output_is_not_an_input(inputs: Sequence[str], output: str | None) -> None:
    """Refuse ``-o FILE`` when FILE is one of the inputs: opening it would empty it first.

    An input directory is read recursively for ``*.txt``, so a ``.txt`` output
    inside it counts, whether or not it exists yet; so does an output that a
    glob input would match once it is written, and a hard link to an input.
    """
    import fnmatch
    import glob
    import os

    if not output or output == "-":
        return
    target = Path(output).resolve()
    is_txt = target.suffix.lower() == ".txt"

    def inside(folder: str) -> bool:
        return is_txt and Path(folder).resolve() in target.parents

    def same(path: str) -> bool:
        try:
            return target.exists() and os.path.samefile(path, target)
        except OSError:
            return Path(path).resolve() == target

    for raw in inputs:
        if raw == "-":
            continue
        if os.path.isdir(raw):
            if inside(raw):
                raise _UsageError(
                    f"the output file {output} is inside the input directory {raw}, whose "
                    "*.txt files are all read as inputs; write the output somewhere else"
                )
            continue
        if os.path.exists(raw):
            clash = same(raw)
        else:  # a glob pattern: what it matches now, and what it would match after -o
            matches = glob.glob(raw, recursive=True)
            clash = any(
                inside(m) if os.path.isdir(m) else same(m) for m in matches
            ) or fnmatch.fnmatch(str(target), str(Path(raw).resolve()))
        if clash:
            raise _UsageError(
                f"the output file {output} is also an input ({raw}): it would be emptied "
                "before it is read; write the output somewhere else"
            )


class _open_output:
    """Context manager: a file opened for writing, or stdout (not closed).

    Undecodable bytes in file names (a GBK name on a UTF-8 system) reach the
    output as lone surrogates; they are written as ``\\udcXX`` escapes rather than
    failing the whole run.
    """

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.fh: TextIO | None = None

    def __enter__(self) -> TextIO:
        if self.path and self.path != "-":
            self.fh = open(self.path, "w", encoding="utf-8", errors="backslashreplace")
            return self.fh
        reconfigure = getattr(sys.stdout, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a stream that refuses
                reconfigure(errors="backslashreplace")
        return sys.stdout

    def __exit__(self, *exc: object) -> None:
        if self.fh is not None:
            self.fh.close()


# -- segment / keywords ----------------------------------------------------------


def _documents(
    paths: Sequence[str], encoding: str | None, report: Any, *, lazy_paths: bool = False
) -> Iterator[Any]:
    """Documents of every input; unreadable ones are passed to ``report`` and skipped.

    With ``lazy_paths`` a path is yielded as a ``pathlib.Path`` (unless an encoding is
    forced), so that :func:`fazhi.analyze_many` reads it, in a worker process if it has any.
    """
    from fazhi.errors import InputError
    from fazhi.parsing import read, read_bytes

    for path in paths:
        if path == "-":  # read like a file: the same checks, a compilation split
            try:
                yield from read_bytes(sys.stdin.buffer.read(), source="<stdin>", encoding=encoding)
            except InputError as exc:
                report(str(exc))
            continue
        if lazy_paths and encoding is None:
            yield Path(path)
            continue
        for item in read(path, encoding=encoding, errors="return"):
            if isinstance(item, InputError):
                report(str(item))
            else:
                yield item


class _Failures:
    """Counts failed inputs and reports each on stderr."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, message: str) -> None:
        self.count += 1
        print(f"fazhi: {message}", file=sys.stderr)


def _cmd_segment(args: argparse.Namespace) -> int:
    from fazhi.segmentation import Segmenter

    _check_output_is_not_an_input(args.paths, args.output)
    segmenter = Segmenter(backend=args.backend, hmm=args.hmm, lexicon=not args.no_lexicon)
    failures = _Failures()
    with _open_output(args.output) as out:
        for doc in _documents(args.paths, args.encoding, failures):
            if args.format == "jsonl":
                tokens = [[t.text, t.start, t.end] for t in segmenter.tokenize(doc.text)]
                record = {
                    "source": doc.source,
                    "span": list(doc.source_span or ()),
                    "tokens": tokens,
                }
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                for line in _input_lines(doc.text):
                    out.write(" ".join(segmenter.cut(line)) + "\n")
    return EXIT_SOME_FAILED if failures.count else EXIT_OK


def _input_lines(text: str) -> list[str]:
    """The lines of ``text`` as its author wrote them: ended by LF, CRLF or a lone CR.

    Not ``str.splitlines``, which also breaks at form feeds (every page of a
    pdftotext export), U+2028 and other separators inside a line.
    """
    import re

    lines = re.split(r"\r\n|\r|\n", text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _cmd_keywords(args: argparse.Namespace) -> int:
    from fazhi.segmentation import keywords

    _check_output_is_not_an_input(args.paths, args.output)
    failures = _Failures()
    with _open_output(args.output) as out:
        for doc in _documents(args.paths, args.encoding, failures):
            found = keywords(doc, top_k=args.top_k)
            if args.format == "jsonl":
                record = {
                    "source": doc.source,
                    "title": doc.title_text,
                    "keywords": [[word, round(score, 6)] for word, score in found],
                }
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                title = doc.title_text or _short_source(doc.source)
                out.write(f"{title}\t{' '.join(word for word, _ in found)}\n")
    return EXIT_SOME_FAILED if failures.count else EXIT_OK


# -- plugins ---------------------------------------------------------------


def _cmd_plugins(args: argparse.Namespace) -> int:
    from fazhi.plugins import plugin_info

    json.dump(plugin_info(all=args.all), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return EXIT_OK


# -- cache -----------------------------------------------------------------


def _cmd_cache(args: argparse.Namespace) -> int:
    import os

    from fazhi.segmentation.backends import (
        ENV_CACHE_DIR,
        MAX_CACHE_ENTRIES,
        cache_dir,
        cache_entries,
        cache_location,
        clear_cache,
    )

    # when switched off, still name where it is, so a user can find (and clear) old files
    directory = cache_location()
    report: dict[str, Any] = {
        "directory": str(directory),
        "enabled": cache_dir() is not None,
        "source": ENV_CACHE_DIR if os.environ.get(ENV_CACHE_DIR) else "default",
        "max_entries": MAX_CACHE_ENTRIES,
    }
    if args.clear:
        sizes = {p: _size(p) for p in cache_entries(directory)}
        removed = clear_cache(directory)
        report["removed"] = [p.name for p in removed]
        report["removed_bytes"] = sum(sizes.get(p, 0) for p in removed)
    entries = [
        {"file": p.name, "bytes": _size(p), "last_used": _mtime_iso(p)}
        for p in cache_entries(directory)
    ]
    report["entries"] = entries
    report["total_bytes"] = sum(e["bytes"] for e in entries)
    json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return EXIT_OK


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _mtime_iso(path: Path) -> str | None:
    from datetime import datetime, timezone

    try:
        return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc).isoformat(
            timespec="seconds"
        )
    except OSError:
        return None
