"""Reading documents: decoding, noise, headings, metadata, compilations.

The two entry points are :func:`parse` (one document from ``str`` or
``bytes``) and :func:`read` (files, directories, globs; a compilation file
yields one :class:`~fazhi.document.Document` per article).
"""

from __future__ import annotations

import fnmatch
import glob
import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal, overload

from fazhi.document import Document
from fazhi.errors import InputError
from fazhi.parsing.compilation import Compilation, split_compilation
from fazhi.parsing.decoding import check_mojibake, decode, looks_like_html
from fazhi.parsing.html import html_to_text
from fazhi.parsing.parser import parse_text

__all__ = [
    "MAX_FILE_BYTES",
    "Compilation",
    "parse",
    "read",
    "read_bytes",
    "read_file",
    "split_compilation",
]

log = logging.getLogger(__name__)

#: Files larger than this are refused by :func:`read` (override with ``max_bytes=``).
MAX_FILE_BYTES = 256 * 1024 * 1024

PathLike = str | os.PathLike[str]


def parse(
    text: str | bytes,
    *,
    source: str | None = None,
    encoding: str | None = None,
) -> Document:
    """Parse one document from text or bytes.

    ``bytes`` are decoded (UTF-8, UTF-8 with BOM, UTF-16, GB18030/GBK; an
    explicit ``encoding`` wins); undecodable or binary input raises
    :class:`~fazhi.InputError` naming ``source`` and the byte offset. An HTML
    page is reduced to its text first. Empty or whitespace-only input gives an
    empty Document. A ``str`` never raises: any text parses.

    >>> doc = parse("关于加强法治政府建设的实施意见\\n\\n一、总体要求\\n\\n(一)指导思想。坚持依法行政。")
    >>> [(h.marker, h.title, s.level) for s in doc.walk_sections() for h in [s.heading]]
    [('一、', '总体要求', 1), ('(一)', '指导思想', 2)]
    >>> doc.paragraphs[0].text
    '坚持依法行政。'
    """
    used: str | None = None
    if isinstance(text, (bytes, bytearray, memoryview)):
        text, used = decode(bytes(text), source=source, encoding=encoding)
    elif not isinstance(text, str):
        raise TypeError(f"parse() expects str or bytes, not {type(text).__name__}")
    if looks_like_html(text):
        log.debug("%s: HTML input reduced to text", source or "<text>")
        text = html_to_text(text)
    return parse_text(text, source=source, encoding=used)


def read_file(
    path: PathLike,
    *,
    encoding: str | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> list[Document]:
    """Read one file: a list with one Document, or one per article of a compilation.

    Every failure is an :class:`~fazhi.InputError` naming the file, even an
    unexpected one ("could not parse: …", with the original exception as its
    ``__cause__``), so that one bad file never stops a batch.
    """
    name = os.fspath(path)
    try:
        size = os.path.getsize(name)
        if size > max_bytes:
            raise InputError(
                f"file is {size:,} bytes, larger than the limit of {max_bytes:,} (pass max_bytes=)",
                source=name,
            )
        with open(name, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", source=name) from None
    return read_bytes(data, source=name, encoding=encoding)


def read_bytes(data: bytes, *, source: str, encoding: str | None = None) -> list[Document]:
    """The documents in a file's bytes, checked and split exactly as :func:`read_file` does.

    For bytes that come from elsewhere than a path: standard input, an archive
    member, an HTTP response. Unlike :func:`parse`, it refuses text damaged
    before it was saved (``???``, ``æ³•``, ``���``) and splits a compilation
    into its articles. ``source`` names the input in errors and in each
    Document. Every failure is an :class:`~fazhi.InputError` naming ``source``.
    """
    try:
        return _parse_file(bytes(data), source, encoding)
    except InputError:
        raise
    except Exception as exc:
        # a bug or an input nobody foresaw: still one file's problem, named as such, so that
        # read(errors=...) and analyze_many go on with the other files
        raise InputError(f"could not parse: {type(exc).__name__}: {exc}", source=source) from exc


def _parse_file(data: bytes, name: str, encoding: str | None) -> list[Document]:
    text, used = decode(data, source=name, encoding=encoding)
    check_mojibake(text, source=name)
    if looks_like_html(text):
        text = html_to_text(text)
    compilation = split_compilation(text)
    if compilation is None:
        return [parse_text(text, source=name, encoding=used)]
    return [
        parse_text(text[s:e], source=name, source_span=(s, e), encoding=used)
        for s, e in compilation.articles
    ]


def _items(path_or_paths: PathLike | Iterable[PathLike]) -> list[str]:
    if isinstance(path_or_paths, (str, os.PathLike)):
        return [os.fspath(path_or_paths)]
    return [os.fspath(p) for p in path_or_paths]


def _expand_one(name: str, pattern: str) -> list[str | InputError]:
    """The files one path stands for: itself, a directory's matching files, or a glob's matches.

    A problem with the path itself raises :class:`~fazhi.InputError`; a problem
    inside a directory (a subdirectory that cannot be listed) is returned in
    its place, so that the directory's other files are still read.
    """
    if os.path.isdir(name):
        return _walk(name, pattern)
    if os.path.exists(name) or os.path.islink(name):  # a broken link: read_file reports it
        return [name]
    if glob.has_magic(name):
        matches = sorted(glob.glob(name, recursive=True))
        if not matches:
            raise InputError("no file matches this pattern", source=name)
        out: list[str | InputError] = []
        for m in matches:
            # a matched folder without matching files is no error: the glob asked for
            # everything it matches, and `reports/*` often matches an `images/` folder
            out.extend(_walk(m, pattern, required=False) if os.path.isdir(m) else [m])
        return out
    raise InputError("no such file or directory", source=name)


def _walk(root: str, pattern: str, *, required: bool = True) -> list[str | InputError]:
    """A directory's files matching ``pattern`` (recursive, sorted, any letter case).

    The case is ignored because files from Windows are often ``*.TXT``. Links
    that match are returned even when broken, so that reading them reports
    the problem; linked directories are not followed (no cycles). A
    subdirectory that cannot be listed is an :class:`~fazhi.InputError` in its
    place in the sorted order. With ``required``, a directory without any
    matching file raises one.
    """
    wanted = pattern.lower()
    found: list[tuple[str, str | InputError]] = []

    def unlistable(exc: OSError) -> None:
        where = str(Path(exc.filename)) if isinstance(exc.filename, str) else str(Path(root))
        error = InputError(f"cannot list directory: {exc.strerror or exc}", source=where)
        found.append((where, error))

    for folder, subfolders, files in os.walk(root, onerror=unlistable):
        subfolders.sort()
        for f in files:
            if fnmatch.fnmatchcase(f.lower(), wanted):
                path = str(Path(folder, f))  # normalised, as the path of a Document's source
                found.append((path, path))
    if required and not found:
        raise InputError(f"no {pattern} files in this directory", source=root)
    found.sort(key=lambda item: item[0])
    return [item for _, item in found]


@overload
def read(
    path_or_paths: PathLike | Iterable[PathLike],
    *,
    encoding: str | None = ...,
    pattern: str = ...,
    errors: Literal["raise", "skip"] = ...,
) -> Iterator[Document]: ...
@overload
def read(
    path_or_paths: PathLike | Iterable[PathLike],
    *,
    encoding: str | None = ...,
    pattern: str = ...,
    errors: Literal["return"],
) -> Iterator[Document | InputError]: ...
def read(
    path_or_paths: PathLike | Iterable[PathLike],
    *,
    encoding: str | None = None,
    pattern: str = "*.txt",
    errors: Literal["raise", "skip", "return"] = "raise",
) -> Iterator[Document] | Iterator[Document | InputError]:
    """Read documents from files, directories (recursive, sorted, ``*.txt``) and globs.

    A compilation file yields one Document per article, each recording its
    ``source`` file and its ``source_span`` within the file's text.

    ``errors`` decides what an unreadable file does: ``"raise"`` raises its
    :class:`~fazhi.InputError`, ``"skip"`` logs a warning and goes on, and
    ``"return"`` yields the InputError in place of the documents so that a
    batch can report it (one bad file never stops the others).
    """
    if errors not in ("raise", "skip", "return"):
        raise ValueError(f"errors must be 'raise', 'skip' or 'return', not {errors!r}")
    return _read(path_or_paths, encoding, pattern, errors)


def _read(
    path_or_paths: PathLike | Iterable[PathLike], encoding: str | None, pattern: str, errors: str
) -> Iterator[Document | InputError]:
    def fail(exc: InputError) -> Iterator[InputError]:
        if errors == "raise":
            raise exc
        if errors == "skip":
            log.warning("%s", exc)
        else:
            yield exc

    for item in _items(path_or_paths):
        try:
            names = _expand_one(item, pattern)
        except InputError as exc:
            yield from fail(exc)
            continue
        for name in names:
            if isinstance(name, InputError):
                yield from fail(name)
                continue
            try:
                docs = read_file(name, encoding=encoding)
            except InputError as exc:
                yield from fail(exc)
                continue
            yield from docs
