"""The main job: run every registered classifier over documents and collect the results.

:func:`analyze` takes one document (a :class:`~fazhi.document.Document`, a
``str`` of text, or an ``os.PathLike`` file) and returns an :class:`Analysis`.
:func:`analyze_many` streams analyses of many sources in input order, in
parallel with joblib (processes on one machine, or a Dask cluster under
``joblib.parallel_config(backend="dask")``), turning unreadable inputs into
:class:`FailedAnalysis` records instead of stopping the batch.

Classifiers run in dependency order (:func:`fazhi.classifiers.base.order_classifiers`)
and never see each other except through the read-only ``context`` of
predictions. An :class:`Analysis` never changes the document: it only holds
predictions that point into it by span.
"""

from __future__ import annotations

import atexit
import html
import logging
import os
import pickle
import sys
import threading
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, SupportsIndex

from fazhi.classifiers.topic import TOPIC_LABELS, TOPIC_NAMES
from fazhi.document import Document, Paragraph, Section
from fazhi.errors import InputError, PluginError

if TYPE_CHECKING:
    from fazhi.classifiers.base import Classifier, Prediction

__all__ = [
    "ANALYSIS_SCHEMA_VERSION",
    "TOPIC_COLOURS",
    "TOPIC_IDS",
    "TOPIC_NAMES",
    "Analysis",
    "Coverage",
    "FailedAnalysis",
    "ParagraphResult",
    "SectionResult",
    "analyze",
    "analyze_many",
]

log = logging.getLogger(__name__)

#: Version of :meth:`Analysis.to_dict`'s schema; bumped on incompatible changes.
ANALYSIS_SCHEMA_VERSION = 1

#: The task areas of the 纲要 (the built-in topic ids other than ``general``), in taxonomy order.
TOPIC_IDS: tuple[str, ...] = tuple(t for t in TOPIC_LABELS if t != "general")
#: Colours of the built-in topics in the HTML view and the example plots (colour-blind friendly).
TOPIC_COLOURS: dict[str, str] = {
    "functions": "#E69F00",
    "rulemaking": "#56B4E9",
    "decision": "#009E73",
    "enforcement": "#D55E00",
    "emergency": "#CC79A7",
    "disputes": "#0072B2",
    "oversight": "#F0E442",
    "digital": "#7F3C8D",
    "leadership": "#11A579",
    "literacy": "#E73F74",
    "general": "#BBBBBB",
}

Source = Document | str | os.PathLike[str]
Errors = Literal["raise", "warn", "skip"]

# Well-known classifier names whose results Analysis exposes as attributes.
GENRE, ROLE, TOPIC = "genre", "role", "topic"


@dataclass(frozen=True, slots=True)
class SectionResult:
    """A section with what the classifiers said about it (``role`` is the ``role`` classifier's)."""

    section: Section
    role: Prediction | None
    predictions: Mapping[str, Prediction]


@dataclass(frozen=True, slots=True)
class ParagraphResult:
    """A paragraph with its topic, its (inherited) section role and other paragraph-level results."""

    paragraph: Paragraph
    topic: Prediction | None
    role: str | None
    predictions: Mapping[str, tuple[Prediction, ...]]


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of a document's text each topic takes.

    ``shares`` maps every topic id (and ``general``) to its share of the
    characters of the classified paragraphs; ``chars`` the same in
    characters; ``missing`` lists the 纲要 task areas with no paragraph at all.
    """

    shares: Mapping[str, float]
    chars: Mapping[str, int]
    missing: tuple[str, ...]

    def top(self, n: int = 3) -> list[tuple[str, float]]:
        """The ``n`` topics with the largest share (``general`` excluded), largest first."""
        items = [(k, v) for k, v in self.shares.items() if k != "general" and v > 0]
        return sorted(items, key=lambda kv: (-kv[1], kv[0]))[:n]

    def to_dict(self) -> dict[str, Any]:
        return {
            "shares": dict(self.shares),
            "chars": dict(self.chars),
            "missing": list(self.missing),
        }


@dataclass(frozen=True)
class Analysis:
    """A Document plus the predictions of every classifier that ran on it.

    ``predictions`` maps classifier names to their predictions (plugin results
    live under their classifier names: ``analysis["indicators"]``);
    ``failures`` maps the names of classifiers that failed on this document
    to their error messages (only with ``errors="warn"|"skip"``).
    """

    document: Document
    predictions: Mapping[str, tuple[Prediction, ...]] = field(default_factory=dict)
    failures: Mapping[str, str] = field(default_factory=dict)
    ok: bool = field(default=True, init=False)

    def __reduce_ex__(self, protocol: SupportsIndex) -> Any:
        if type(self) is not Analysis:  # a subclass keeps the default pickling
            return object.__reduce_ex__(self, protocol)
        # analyze_many's workers send every Analysis to the caller: the predictions
        # travel packed (see fazhi.classifiers.base._pack_predictions), and loading
        # them is what the caller's process spends most of its time on
        from fazhi.classifiers.base import _pack_predictions

        packed = _pack_predictions(self.document.text, self.predictions)
        return (_unpickle_analysis, (_ANALYSIS_PICKLE_FORMAT, self.document, packed, self.failures))

    def __getitem__(self, classifier: str) -> tuple[Prediction, ...]:
        try:
            return self.predictions[classifier]
        except KeyError:
            from fazhi.errors import UnknownNameError

            raise UnknownNameError(
                "classifier result", classifier, list(self.predictions)
            ) from None

    @property
    def source(self) -> str | None:
        return self.document.source

    @property
    def title(self) -> str | None:
        return self.document.title_text

    @property
    def genre(self) -> Prediction | None:
        """The ``genre`` classifier's document-level prediction (with its evidence), if it ran."""
        preds = self.predictions.get(GENRE, ())
        return preds[0] if preds else None

    @property
    def sections(self) -> list[SectionResult]:
        """Every section in document order (depth first) with its role and section-level results."""
        by_target: dict[int, dict[str, Prediction]] = {}
        for name, preds in self.predictions.items():
            for p in preds:
                if p.level == "section":
                    by_target.setdefault(p.target, {})[name] = p
        out = []
        for i, section in enumerate(self.document.walk_sections()):
            found = by_target.get(i, {})
            out.append(SectionResult(section, found.get(ROLE), found))
        return out

    def _section_roles(self) -> dict[tuple[int, ...], str]:
        roles: dict[tuple[int, ...], str] = {}
        for result in self.sections:
            if result.role is not None:
                roles[result.section.path] = result.role.label
        return roles

    @property
    def paragraphs(self) -> list[ParagraphResult]:
        """Every paragraph with its topic, its section's role and other paragraph-level results."""
        by_target: dict[int, dict[str, list[Prediction]]] = {}
        for name, preds in self.predictions.items():
            for p in preds:
                if p.level == "paragraph":
                    by_target.setdefault(p.target, {}).setdefault(name, []).append(p)
        roles = self._section_roles()
        has_roles = bool(roles)
        out = []
        for para in self.document.paragraphs:
            found = {k: tuple(v) for k, v in by_target.get(para.index, {}).items()}
            topic = found[TOPIC][0] if found.get(TOPIC) else None
            role = _inherited_role(roles, para.section_path) if has_roles else None
            out.append(ParagraphResult(para, topic, role, found))
        return out

    def coverage(self) -> Coverage:
        """Share of the document's paragraph text per topic, and the task areas it never covers.

        The topics are the topic classifier's own labels (from its
        probabilities), so a model trained on another label set works too;
        ``general`` is never a task area.
        """
        preds = [p for p in self.predictions.get(TOPIC, ()) if p.level == "paragraph"]
        labels: dict[str, None] = {}
        for p in preds:
            labels.update(dict.fromkeys(p.probabilities or (p.label,)))
        if not labels:
            labels = dict.fromkeys((*TOPIC_IDS, "general"))
        chars = dict.fromkeys(labels, 0)
        for p in preds:
            chars[p.label] = chars.get(p.label, 0) + (p.end - p.start)
        total = sum(chars.values())
        shares = {k: (v / total if total else 0.0) for k, v in chars.items()}
        areas = [t for t in chars if t != "general"]
        missing = tuple(t for t in areas if chars[t] == 0)
        return Coverage(shares, chars, missing)

    # -- output ---------------------------------------------------------
    def to_dict(self, *, text: bool = False) -> dict[str, Any]:
        """A JSON-safe dict with a stable schema (``schema_version``).

        Paragraph and section texts are left out unless ``text=True``; spans
        always point into the source file's text via ``source_span``.
        """
        doc = self.document
        genre = self.genre
        out: dict[str, Any] = {
            "schema_version": ANALYSIS_SCHEMA_VERSION,
            "ok": True,
            "source": doc.source,
            "source_span": list(doc.source_span) if doc.source_span else None,
            "title": doc.title_text,
            "meta": {k: v for k, v in doc.meta.to_dict().items() if k != "fields"},
            "chars": len(doc.text),
            "genre": genre.to_dict() if genre else None,
            "sections": [
                {
                    "path": list(r.section.path),
                    "level": r.section.level,
                    "marker": r.section.heading.marker,
                    "title": r.section.title,
                    "start": r.section.start,
                    "end": r.section.end,
                    "role": r.role.label if r.role else None,
                }
                for r in self.sections
            ],
            "paragraphs": [
                {
                    "index": r.paragraph.index,
                    "start": r.paragraph.start,
                    "end": r.paragraph.end,
                    "section_path": list(r.paragraph.section_path),
                    "topic": r.topic.label if r.topic else None,
                    "topic_score": r.topic.score if r.topic else None,
                    "topic_probabilities": dict(r.topic.probabilities) if r.topic else None,
                    "role": r.role,
                    **({"text": r.paragraph.text} if text else {}),
                }
                for r in self.paragraphs
            ],
            "coverage": self.coverage().to_dict() if TOPIC in self.predictions else None,
            "predictions": {
                name: [p.to_dict() for p in preds]
                for name, preds in self.predictions.items()
                if name not in (GENRE, ROLE, TOPIC)
            },
            "failures": dict(self.failures),
        }
        return out

    def to_frame(self) -> Any:
        """A pandas DataFrame with one row per paragraph (needs ``pip install "fazhi[pandas]"``)."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError('to_frame() needs pandas: pip install "fazhi[pandas]"') from None
        doc = self.document
        rows = []
        extra = sorted(
            name
            for name, preds in self.predictions.items()
            if name != TOPIC and any(p.level == "paragraph" for p in preds)
        )
        for r in self.paragraphs:
            section = doc.section_of(r.paragraph)
            row: dict[str, Any] = {
                "source": doc.source,
                "title": doc.title_text,
                "genre": self.genre.label if self.genre else None,
                "paragraph": r.paragraph.index,
                "start": r.paragraph.start,
                "end": r.paragraph.end,
                "chars": len(r.paragraph),
                "section": section.title if section else None,
                "section_path": ".".join(str(i) for i in r.paragraph.section_path),
                "role": r.role,
                "topic": r.topic.label if r.topic else None,
                "topic_score": r.topic.score if r.topic else None,
                "text": r.paragraph.text,
            }
            for name in extra:
                preds = r.predictions.get(name, ())
                row[name] = ";".join(p.label for p in preds) if preds else None
            rows.append(row)
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        """The document with its headings and colour-coded paragraph topics (for notebooks)."""
        doc = self.document
        esc = html.escape
        parts = ['<div class="fazhi-analysis" style="font-family:sans-serif;max-width:60em">']
        title = esc(doc.title_text or "(untitled)")
        genre = self.genre
        parts.append(f"<h3 style='margin-bottom:0.2em'>{title}</h3>")
        meta_bits = [
            f"genre: <b>{esc(genre.label)}</b> ({genre.score:.2f})" if genre else "genre: –",
            f"{len(doc.paragraphs)} paragraphs",
            f"{len(doc.text):,} chars",
        ]
        if doc.meta.doc_number:
            meta_bits.append(esc(doc.meta.doc_number))
        if doc.meta.date:
            meta_bits.append(doc.meta.date.isoformat())
        parts.append(f"<div style='color:#555'>{' · '.join(meta_bits)}</div>")
        if TOPIC in self.predictions:
            legend = " ".join(
                f"<span style='background:{_colour(t)};padding:0 0.4em;margin-right:0.3em'>"
                f"{esc(t)} {esc(TOPIC_NAMES.get(t, ''))} {share:.0%}</span>"
                for t, share in self.coverage().top(10)
            )
            parts.append(f"<div style='margin:0.5em 0'>{legend}</div>")
        roles_by_path = {r.section.path: r.role.label for r in self.sections if r.role}
        items: list[tuple[int, str]] = []
        for s in doc.walk_sections():
            role = roles_by_path.get(s.path)
            role_tag = f" <small style='color:#888'>[{esc(role)}]</small>" if role else ""
            size = min(4 + s.level, 6)
            items.append(
                (
                    s.heading.start,
                    f"<h{size} style='margin:0.6em 0 0.2em'>{esc(s.heading.marker)}{esc(s.title)}{role_tag}</h{size}>",
                )
            )
        for r in self.paragraphs:
            colour = _colour(r.topic.label) if r.topic else "transparent"
            label = (
                f"<small style='color:#555'>{esc(r.topic.label)} {r.topic.score:.2f}</small> "
                if r.topic
                else ""
            )
            items.append(
                (
                    r.paragraph.start,
                    f"<p style='border-left:0.4em solid {colour};padding-left:0.5em;margin:0.2em 0'>"
                    f"{label}{esc(r.paragraph.text)}</p>",
                )
            )
        parts.extend(markup for _, markup in sorted(items, key=lambda x: x[0]))
        if self.failures:
            failed = ", ".join(esc(k) for k in self.failures)
            parts.append(f"<div style='color:#b00'>failed classifiers: {failed}</div>")
        parts.append("</div>")
        return "\n".join(parts)

    def __repr__(self) -> str:
        genre = self.genre.label if self.genre else None
        return (
            f"Analysis(title={self.title!r}, genre={genre!r}, paragraphs={len(self.document.paragraphs)}, "
            f"classifiers={sorted(self.predictions)}, failures={sorted(self.failures)})"
        )


def _colour(label: str) -> str:
    """The HTML colour of a topic; labels of other models get a stable colour of their own."""
    if label in TOPIC_COLOURS:
        return TOPIC_COLOURS[label]
    import zlib

    return f"hsl({zlib.crc32(label.encode('utf-8')) % 360}, 60%, 70%)"


def _inherited_role(roles: Mapping[tuple[int, ...], str], path: tuple[int, ...]) -> str | None:
    """The role of the innermost section on ``path`` that has one; text before any heading is preamble."""
    if not path:
        return "preamble"
    for cut in range(len(path), 0, -1):
        role = roles.get(path[:cut])
        if role is not None:
            return role
    return None


_ANALYSIS_PICKLE_FORMAT = 1


def _unpickle_analysis(
    version: int, document: Document, packed: Any, failures: Mapping[str, str]
) -> Analysis:
    from fazhi.classifiers.base import _unpack_predictions

    if version != _ANALYSIS_PICKLE_FORMAT:
        raise ValueError(f"unknown fazhi Analysis pickle format {version!r}")
    return Analysis(document, _unpack_predictions(document.text, packed), failures)


@dataclass(frozen=True)
class FailedAnalysis:
    """The record :func:`analyze_many` yields for an input it could not read or analyse."""

    source: str | None
    error: str
    kind: str = "input"  # "input" (unreadable) or "classifier"
    ok: bool = field(default=False, init=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": ANALYSIS_SCHEMA_VERSION,
            "ok": False,
            "source": self.source,
            "error": self.error,
            "kind": self.kind,
        }


# -- running ----------------------------------------------------------------


def _select(names: Sequence[str] | None) -> list[Classifier]:
    from fazhi import plugins

    if names is None:
        return list(plugins.classifiers().values())
    return [plugins.get_classifier(n) for n in names]


def _as_document(source: Source) -> Document:
    from fazhi.parsing import parse, read_file

    if isinstance(source, Document):
        return source
    if isinstance(source, str):  # a str is always text, never a path
        return parse(source)
    if isinstance(source, os.PathLike):
        docs = read_file(source)
        if len(docs) != 1:
            raise InputError(
                f"the file holds {len(docs)} documents (a compilation); use fazhi.analyze_many()",
                source=os.fspath(source),
            )
        return docs[0]
    raise TypeError(
        f"analyze() expects a Document, a str of text or an os.PathLike file, not {type(source).__name__}"
    )


def _run(doc: Document, clfs: Sequence[Classifier], errors: Errors) -> Analysis:
    from fazhi.classifiers.base import run_classifiers

    predictions, failures = run_classifiers(clfs, doc, errors=errors)
    return Analysis(
        document=doc,
        predictions={k: tuple(v) for k, v in predictions.items()},
        failures={k: str(v) for k, v in failures.items()},
    )


def analyze(
    source: Source,
    *,
    classifiers: Sequence[str] | None = None,
    errors: Errors = "raise",
) -> Analysis:
    """Run every registered classifier (or the named ones) on one document.

    ``source`` is a :class:`~fazhi.document.Document`, a ``str`` of text (a
    ``str`` is always text, never a path) or an ``os.PathLike`` file. With
    ``errors="raise"`` a failing classifier raises
    :class:`~fazhi.errors.PluginError`; with ``"warn"``/``"skip"`` the other
    classifiers' results are kept and the failure is recorded in
    :attr:`Analysis.failures`.
    """
    return _run(_as_document(source), _select(classifiers), errors)


# -- batches ------------------------------------------------------------------


def _expand_sources(sources: Source | Iterable[Source]) -> Iterator[Source | _Unreadable]:
    """Yield items lazily; directories and globs become their files (sorted)."""
    from fazhi.parsing import _expand_one

    if isinstance(sources, (Document, str, os.PathLike)):
        items: Iterable[Source] = [sources]
    else:
        items = sources
    for item in items:
        if isinstance(item, os.PathLike) and not os.path.isfile(item):
            try:
                names = _expand_one(os.fspath(item), "*.txt")
            except InputError as exc:
                yield _Unreadable(os.fspath(item), str(exc))
                continue
            for name in names:
                if isinstance(name, InputError):
                    yield _Unreadable(name.source or os.fspath(item), str(name))
                else:
                    yield _PathItem(name)
        else:
            yield item


@dataclass(frozen=True)
class _PathItem(os.PathLike[str]):
    path: str

    def __fspath__(self) -> str:
        return self.path


@dataclass(frozen=True)
class _Unreadable:
    source: str
    error: str


@dataclass(frozen=True)
class _PluginSetup:
    """What a worker process needs to see the caller's registry: selection and code-registered plugins."""

    selection: Any
    extras: tuple[tuple[str, object], ...]


def _plugin_setup_here() -> _PluginSetup:
    from fazhi import plugins

    return _PluginSetup(plugins.current_selection(), tuple(plugins.registered_plugins()))


def _ensure_setup(setup: _PluginSetup | None) -> None:
    """In a worker process: make the registry match the caller's (selection and code plugins).

    Workers are reused across calls, so plugins the caller has unregistered
    since an earlier call are removed here too.
    """
    if setup is None:
        return
    from fazhi import plugins

    wanted = [name for name, _ in setup.extras]
    have = [name for name, _ in plugins.registered_plugins()]
    if have != wanted:
        # first drop stale plugins, so that the selection below cannot conflict with them
        for name in have:
            plugins.unregister(name)
    if plugins.current_selection() != setup.selection:
        sel = setup.selection
        plugins.load(only=sel.only, exclude=sel.exclude, strict=sel.strict)
    if have != wanted:
        for name, plugin in setup.extras:
            plugins.register(plugin, name=name)


def _analyze_item(
    item: Source | _Unreadable,
    names: Sequence[str] | None,
    errors: Errors,
    setup: _PluginSetup | None = None,
) -> list[Analysis | FailedAnalysis]:
    """Worker: one input → its analyses (several for a compilation file) or a failure record."""
    from fazhi.parsing import read_file

    _ensure_setup(setup)
    if isinstance(item, _Unreadable):
        return [FailedAnalysis(item.source, item.error)]
    try:
        clfs = _select(names)
        docs = read_file(item) if isinstance(item, os.PathLike) else [_as_document(item)]
        # a failing classifier's warning (errors="warn") is issued where the results
        # are yielded: a worker process's warnings would not reach the caller
        run_errors: Errors = "skip" if errors == "warn" else errors
        return [_run(doc, clfs, run_errors) for doc in docs]
    except InputError as exc:
        if errors == "raise":
            raise
        return [FailedAnalysis(exc.source, str(exc))]
    except PluginError as exc:
        if errors == "raise":
            raise
        return [FailedAnalysis(exc.source, str(exc), kind="classifier")]


def _analyze_group(
    items: Sequence[Source | _Unreadable],
    names: Sequence[str] | None,
    errors: Errors,
    setup: _PluginSetup | None = None,
) -> list[Any]:
    """Several inputs (one parallel task) → their results, in order.

    With ``errors="raise"`` a failure ends the list as a :class:`_Raised`, so
    the caller still gets the results before it, as in a serial run.
    """
    out: list[Any] = []
    for item in items:
        try:
            out.extend(_analyze_item(item, names, errors, setup))
        except (InputError, PluginError) as exc:
            out.append(_Raised(exc))
            break
    return out


def _analyze_group_pickled(
    items: Sequence[Source | _Unreadable],
    names: Sequence[str] | None,
    errors: Errors,
    setup: _PluginSetup | None = None,
) -> _PickledResults:
    """Worker: :func:`_analyze_group`, its results pickled for the caller."""
    out = _analyze_group(items, names, errors, setup)
    return _PickledResults(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))


@dataclass(frozen=True)
class _PickledResults:
    """One parallel task's results as the worker pickled them.

    The caller unpickles them when its consumer reaches them, in the thread
    that also analyses the caller's own share of tasks (see
    :func:`_shared_with_caller`), not in loky's result thread as they arrive,
    where the unpickling would contend with that analysis for the GIL.
    """

    data: bytes

    def load(self) -> list[Any]:
        results: list[Any] = pickle.loads(self.data)
        return results


@dataclass(frozen=True)
class _Raised:
    error: Exception


def _input_size(item: Source | _Unreadable) -> int:
    """Roughly how much work an input is, in bytes of text (a file's size on disk)."""
    if isinstance(item, Document):
        return 3 * len(item.text)
    if isinstance(item, str):
        return 3 * len(item)
    if isinstance(item, os.PathLike):
        try:
            return os.stat(item).st_size
        except OSError:
            return 0
    return 0


def _tasks(
    items: Iterable[Source | _Unreadable], task_bytes: int
) -> Iterator[list[Source | _Unreadable]]:
    """Group inputs into parallel tasks of about ``task_bytes`` of text each.

    A task per input would pay the inter-process overhead on every small
    file; joblib's automatic batching groups inputs by count, so one batch
    can hold several large files and leave the other workers idle at the
    end. Grouping by size keeps every task a fraction of a second of work.
    """
    group: list[Source | _Unreadable] = []
    size = 0
    iterator = iter(items)
    while True:
        try:
            item = next(iterator)
        except StopIteration:
            break
        except Exception:
            # the inputs read before a failing input iterator are still analysed
            # (as in a serial run); the error comes after them
            if group:
                yield group
            raise
        group.append(item)
        size += _input_size(item)
        if size >= task_bytes:
            yield group
            group, size = [], 0
    if group:
        yield group


#: Text per parallel task: about a tenth of a second of analysis with jieba.
TASK_BYTES = 64 * 1024


def _local_worker_count(n_jobs: int | None) -> int | None:
    """How many worker processes :func:`_shared_with_caller` needs for ``n_jobs``
    (0: run serially), or None when joblib's active backend is not its default
    process pool (Dask, threads, ...), which then runs every task as configured.
    ``n_jobs`` means what it means to joblib (-1: all cores; None: its setting)."""
    from joblib import effective_n_jobs
    from joblib.parallel import get_active_backend

    backend, _ = get_active_backend()
    # by name: joblib's backend classes live in a private module
    if type(backend).__name__ != "LokyBackend":
        return None
    return int(effective_n_jobs(n_jobs)) - 1


def _shared_with_caller(
    tasks: Iterator[list[Source | _Unreadable]],
    workers: int,
    names: Sequence[str] | None,
    errors: Errors,
    setup: _PluginSetup,
) -> Iterator[Any]:
    """Run ``tasks`` on ``workers`` processes and in this one; each task's results, in order.

    With n_jobs=2 and joblib's pool of two workers, the caller's process had no
    work but unpickling their results, and it took that CPU from them: three
    busy processes on two cores. Here the caller is one of the n_jobs. The
    workers always have tasks queued; while the oldest task is still with a
    worker, the caller analyses the next one itself (its results need no
    pickling), and when no new task is left it takes back the last one a
    worker has not started, so that nobody waits at the end for a queue.
    """
    from collections import deque

    executor = _worker_pool(workers)
    ahead = 3 * workers  # tasks queued for the workers: none waits while the caller works
    window = 2 * ahead + 2  # tasks in flight, or done and not yet yielded
    pending: deque[_Slot] = deque()
    exhausted = False

    def next_task() -> list[Source | _Unreadable] | None:
        nonlocal exhausted
        if exhausted:
            return None
        try:
            task = next(tasks, None)
        except Exception as exc:  # the input iterator failed: after the results before it
            task = None
            failed = _Slot(None, None)
            failed.error = exc
            pending.append(failed)
        exhausted = task is None
        return task

    def refill() -> None:
        nonlocal executor
        queued = sum(1 for slot in pending if slot.future is not None and not slot.future.done())
        while queued < ahead and len(pending) < window:
            task = next_task()
            if task is None:
                return
            try:
                future = executor.submit(_analyze_group_pickled, task, names, errors, setup)
            except RuntimeError:  # a pool that broke (BrokenProcessPool) or was shut down
                executor = _worker_pool(workers, broken=executor)
                future = executor.submit(_analyze_group_pickled, task, names, errors, setup)
            pending.append(_Slot(task, future))
            queued += 1

    try:
        while True:
            refill()
            while pending and pending[0].ready():
                yield pending.popleft().take()
            if not pending:
                if exhausted:
                    return
                continue
            # the oldest task is still with a worker: work here in the meantime
            mine: _Slot | None = None
            task = next_task() if len(pending) < window else None
            if task is not None:
                mine = _Slot(task, None)
                pending.append(mine)
            else:  # take back the newest task a worker has not started
                for slot in reversed(pending):
                    if slot.future is not None and slot.future.cancel():
                        slot.future = None
                        mine = slot
                        break
            if mine is not None:
                assert mine.task is not None
                try:
                    mine.results = _analyze_group(mine.task, names, errors)
                except Exception as exc:  # raised in its turn, after the results before it
                    mine.error = exc
                mine.task = None
            else:
                pending[0].wait()
    finally:
        for slot in pending:
            if slot.future is not None:
                slot.future.cancel()


class _Slot:
    """One task of :func:`_shared_with_caller`: sent to a worker (``future``), run here
    (``results``), or failed here (``error``, raised when its turn comes)."""

    __slots__ = ("error", "future", "results", "task")

    def __init__(self, task: list[Source | _Unreadable] | None, future: Any) -> None:
        self.task = task
        self.future = future
        self.results: Any = None
        self.error: Exception | None = None

    def ready(self) -> bool:
        if self.results is not None or self.error is not None:
            return True
        return self.future is not None and self.future.done()

    def wait(self) -> None:
        self.future.exception()  # blocks until the worker is done (or failed)

    def take(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.results if self.results is not None else self.future.result()


_POOLS: dict[int, Any] = {}
_POOLS_LOCK = threading.Lock()


def _worker_pool(workers: int, *, broken: Any = None) -> Any:
    """fazhi's pool of ``workers`` processes, kept for later calls (each worker builds
    its classifiers once; idle workers exit after five minutes, as joblib's do).
    ``broken``: a pool that failed (a worker died) or was shut down, to replace.

    There is one pool per size, so that calls with different ``n_jobs`` (in
    threads, or interleaved streams) do not shut down each other's. The pools
    are fazhi's own: loky's reusable executor is shared with joblib, which
    expects its own subclass there (scikit-learn's n_jobs would break after ours)."""
    from joblib.externals.loky import ProcessPoolExecutor
    from joblib.parallel import get_active_backend

    with _POOLS_LOCK:
        pool = _POOLS.get(workers)
        if pool is None or pool is broken:
            if pool is not None:
                pool.shutdown(wait=False)
            # as joblib does for its workers (the variables are its backend's list):
            # no thread pools inside them that would compete for the shared cores
            threads = str(max((os.cpu_count() or 1) // (workers + 1), 1))
            limited = get_active_backend()[0].MAX_NUM_THREADS_VARS
            pool = _POOLS[workers] = ProcessPoolExecutor(
                max_workers=workers,
                timeout=300,
                env=dict.fromkeys(limited, threads),
            )
        return pool


def _forget_pools_after_fork() -> None:
    # a forked child owns neither the parent's worker processes nor a lock that
    # another thread of the parent may have held at the fork
    global _POOLS_LOCK
    _POOLS.clear()
    _POOLS_LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pools_after_fork)


@atexit.register
def _shut_down_pools() -> None:
    # while the interpreter still has its modules: a pool collected later, during
    # the interpreter's teardown, has loky print an "Exception ignored" traceback
    with _POOLS_LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        pool.shutdown(wait=True)


def _progress_bar(enabled: bool | None, total: int | None) -> Any:
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return _StderrProgress(total)
    return tqdm(total=total, unit="doc", desc="fazhi")


class _StderrProgress:
    """A minimal progress line on stderr, for when tqdm is not installed."""

    def __init__(self, total: int | None) -> None:
        self.n = 0
        self.total = total

    def update(self, n: int = 1) -> None:
        self.n += n
        total = f"/{self.total}" if self.total else ""
        sys.stderr.write(f"\rfazhi: {self.n}{total} documents")
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")
        sys.stderr.flush()


def analyze_many(
    sources: Source | Iterable[Source],
    *,
    classifiers: Sequence[str] | None = None,
    n_jobs: int | None = 1,
    errors: Errors = "raise",
    progress: bool | None = None,
) -> Iterator[Analysis | FailedAnalysis]:
    """Analyse many sources; yield results in input order, one at a time.

    ``sources`` is a Document, text or path, or an iterable of them;
    directories and glob-free paths to directories expand to their ``*.txt``
    files, and a compilation file yields one result per article. Input is
    consumed lazily, so memory stays flat however long it is.

    ``n_jobs`` > 1 (or -1 for all cores, -2 for all but one, as in joblib)
    runs that many processes: the caller's and ``n_jobs - 1`` worker
    processes (loky, which joblib uses), each building its classifiers (and so
    its tokenizer) once and kept for later calls. Under another joblib backend,
    such as ``joblib.parallel_config(backend="dask")`` with a
    ``distributed.Client``, the same call sends every task to that backend's
    ``n_jobs`` workers: a Dask cluster. ``None`` takes ``n_jobs`` from
    ``joblib.parallel_config`` (1 if it sets none).

    ``errors``: ``"raise"`` stops at the first unreadable input or failing
    classifier; ``"warn"`` and ``"skip"`` yield a :class:`FailedAnalysis`
    for an unreadable input and keep the other classifiers' results when one
    classifier fails on a document (:attr:`Analysis.failures`); ``"warn"``
    also issues a warning for each, as its result is yielded (whichever
    process analysed it).

    ``progress``: a progress bar on stderr (tqdm if installed, also in
    notebooks); ``None`` shows it only when stderr is a terminal.
    """
    if errors not in ("raise", "warn", "skip"):
        raise ValueError(f"errors must be 'raise', 'warn' or 'skip', not {errors!r}")
    if n_jobs == 0:
        raise ValueError("n_jobs=0 runs nothing: use 1 (serial), N processes, or -1 for all cores")
    names = list(classifiers) if classifiers is not None else None
    if names is not None:
        _select(names)  # fail fast on an unknown name, before any work
    items = _expand_sources(sources)
    bar = _progress_bar(progress, None)
    from fazhi.plugins import FazhiPluginWarning  # the registry module; loads no plugin

    chunks: Iterable[Any] = ()
    try:
        workers = 0 if n_jobs == 1 else _local_worker_count(n_jobs)
        if workers == 0:
            chunks = (_analyze_item(item, names, errors) for item in items)
        else:
            from joblib import Parallel, delayed

            # Worker processes build their own registry (and tokenizers) once; the caller's
            # plugin selection and the plugins it registered from code (a notebook's own
            # classifier) travel with each task and are applied the first time a worker sees them.
            setup = _plugin_setup_here()
            tasks = _tasks(items, TASK_BYTES)
            if workers is not None:
                chunks = _shared_with_caller(tasks, workers, names, errors, setup)
            else:
                chunks = Parallel(n_jobs=n_jobs, return_as="generator", batch_size=1)(
                    delayed(_analyze_group_pickled)(group, names, errors, setup) for group in tasks
                )
        for chunk in chunks:
            if isinstance(chunk, _PickledResults):
                chunk = chunk.load()
            for result in chunk:
                if isinstance(result, _Raised):
                    raise result.error
                if errors == "warn":
                    if isinstance(result, FailedAnalysis):
                        warnings.warn(f"fazhi: {result.error}", stacklevel=2)
                    elif result.failures:
                        for message in result.failures.values():
                            warnings.warn(message, FazhiPluginWarning, stacklevel=2)
                if bar is not None:
                    bar.update(1)
                yield result
    finally:
        # an error raised here (or a consumer that stops) leaves tasks queued:
        # closing the scheduler cancels them now, not when the traceback is gone
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
        if bar is not None:
            bar.close()
