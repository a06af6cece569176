"""Training and evaluating topic classifiers: data loading, grouped cross-validation, reports.

Training data is a list of :class:`Example` (paragraph text, label, group,
source). Read it from a JSON-lines or CSV file with :func:`load_examples`, or
build the annotated seed set with :func:`seed_examples`.

Evaluation is always **grouped by document**: the paragraphs of one document
are never split between training and test (:func:`cross_validate`).
Examples without a group (``group`` empty) and examples whose ``source`` is
``"authored"`` are training-only: they are added to every training fold and
never scored. Every report compares the model with the lexicon-only
:class:`~fazhi.classifiers.keyword_topic.KeywordTopicClassifier` on the same
split.

The ``fazhi train`` and ``fazhi evaluate`` commands call :func:`train` and
:func:`evaluate`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fazhi.errors import InputError

if TYPE_CHECKING:
    from fazhi.classifiers.topic_model import TopicClassifier

__all__ = [
    "TRAIN_ONLY_SOURCES",
    "CVReport",
    "ClassScores",
    "Example",
    "ProgressCallback",
    "cross_validate",
    "data_sha256",
    "evaluate",
    "evaluate_model",
    "load_examples",
    "progress_printer",
    "read_data",
    "register_cli",
    "seed_examples",
    "train",
]

log = logging.getLogger(__name__)

#: ``progress(done, total, message)``: called as folds and fits complete.
ProgressCallback = Callable[[int, int, str], None]

#: Example sources that are used for training only and never scored.
TRAIN_ONLY_SOURCES = frozenset({"authored", "synthetic"})

_TEXT_KEYS = ("text", "paragraph")
_LABEL_KEYS = ("label", "topic")
_GROUP_KEYS = ("group", "doc_id", "document")


@dataclass(frozen=True, slots=True)
class Example:
    """One training or test paragraph.

    ``group`` identifies its document (splits never separate a group);
    ``source`` says where it comes from (``"seed"``, ``"authored"``, a file
    name …); ``id`` is optional.
    """

    text: str
    label: str
    group: str | None = None
    source: str = "data"
    id: str | None = None

    @property
    def train_only(self) -> bool:
        """Whether the example is for training only (no group, or an authored/synthetic source)."""
        return self.group is None or self.source in TRAIN_ONLY_SOURCES


# -- loading ---------------------------------------------------------------------------


def _pick(row: Mapping[str, Any], keys: Sequence[str]) -> Any:
    for key in keys:
        value = row.get(key)
        if value not in (None, ""):
            return value
    return None


def _example(row: Mapping[str, Any], where: str, default_source: str) -> Example:
    text = _pick(row, _TEXT_KEYS)
    label = _pick(row, _LABEL_KEYS)
    if not isinstance(text, str) or not text.strip():
        raise InputError("row has no text (expected a 'text' field)", source=where)
    if label is None:
        raise InputError("row has no label (expected a 'label' or 'topic' field)", source=where)
    group = _pick(row, _GROUP_KEYS)
    source = _pick(row, ("source",))
    ident = _pick(row, ("id",))
    return Example(
        text=text,
        label=str(label),
        group=None if group is None else str(group),
        source=str(source) if source is not None else default_source,
        id=None if ident is None else str(ident),
    )


def load_examples(path: str | os.PathLike[str]) -> list[Example]:
    """Read examples from a ``.jsonl`` (one JSON object per line) or ``.csv`` file (with a header).

    Fields: ``text``; ``label`` (or ``topic``); ``group`` (or ``doc_id``):
    the document a paragraph belongs to; ``source`` (optional; ``authored``
    marks training-only text); ``id`` (optional). Raises
    :class:`~fazhi.errors.InputError` naming the file and line of a bad row.
    """
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read training data: {exc}", source=str(p)) from exc
    default_source = p.stem
    out: list[Example] = []
    suffix = p.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        for lineno, line in enumerate(raw.splitlines(), 1):
            if not line.strip():
                continue
            where = f"{p}:{lineno}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"not valid JSON ({exc.msg})", source=where) from None
            if not isinstance(row, dict):
                raise InputError("each line must be a JSON object", source=where)
            out.append(_example(row, where, default_source))
    elif suffix in (".csv", ".tsv"):
        reader = csv.DictReader(io.StringIO(raw), delimiter="\t" if suffix == ".tsv" else ",")
        for lineno, row in enumerate(reader, 2):
            out.append(_example(row, f"{p}:{lineno}", default_source))
    else:
        raise InputError("training data must be a .jsonl or .csv file", source=str(p))
    if not out:
        raise InputError("no examples in the file", source=str(p))
    return out


def seed_examples(
    seeds_dir: str | os.PathLike[str] = "seeds",
    annotations: str | os.PathLike[str] | None = None,
) -> list[Example]:
    """The annotated seed paragraphs as examples (``source="seed"``, ``group`` = document id).

    Parses every seed file with :func:`fazhi.read` and maps each paragraph to
    the annotation units of ``annotations`` (default
    ``<seeds_dir>/annotations/topics.jsonl``) by character offsets: a
    paragraph the parser joined from several lines takes the label of the
    unit covering most of its characters. The text is what the ``topic``
    classifier reads (:func:`fazhi.classifiers.topic.paragraph_texts`: a
    run-in heading is kept with its paragraph). Paragraphs without a unit
    (shorter than 20 characters) or whose unit is not a paragraph or heading
    are skipped.
    """
    from fazhi.classifiers.topic import paragraph_texts
    from fazhi.parsing import read

    root = Path(seeds_dir)
    ann_path = (
        Path(annotations) if annotations is not None else root / "annotations" / "topics.jsonl"
    )
    units_by_file: dict[str, list[dict[str, Any]]] = {}
    for lineno, line in enumerate(ann_path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            unit = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON ({exc.msg})", source=f"{ann_path}:{lineno}") from None
        units_by_file.setdefault(unit["file"], []).append(unit)
    for units in units_by_file.values():
        units.sort(key=lambda u: u["start"])

    out: list[Example] = []
    for doc in read(root):
        if doc.source is None or doc.source_span is None:
            continue
        found = units_by_file.get(Path(doc.source).name)
        if not found:
            continue
        units = found
        base = doc.source_span[0]
        for paragraph, (start, text) in zip(doc.paragraphs, paragraph_texts(doc), strict=True):
            s, e = base + paragraph.start, base + paragraph.end
            best: dict[str, Any] | None = None
            best_overlap = 0
            for unit in units:
                if unit["start"] >= e:
                    break
                overlap = min(e, unit["end"]) - max(s, unit["start"])
                if overlap > best_overlap:
                    best, best_overlap = unit, overlap
            if best is None or best["kind"] not in ("paragraph", "heading"):
                continue
            if best.get("doc_id") is None or best.get("topic") in (None, "none"):
                continue
            out.append(
                Example(
                    text=text,
                    label=str(best["topic"]),
                    group=str(best["doc_id"]),
                    source="seed",
                    id=f"{best['id']}@{base + start}",
                )
            )
    return out


def data_sha256(examples: Iterable[Example]) -> str:
    """SHA-256 over the examples' text, label, group and source, in order (the training-data hash)."""
    h = hashlib.sha256()
    for ex in examples:
        row = [ex.text, ex.label, ex.group, ex.source]
        h.update(json.dumps(row, ensure_ascii=False).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


# -- reports -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClassScores:
    """Precision, recall, F1 and support of one label."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "support": self.support,
        }


@dataclass
class CVReport:
    """Grouped cross-validation (or held-out) scores of a model and the keyword baseline.

    ``per_class`` / ``baseline_per_class`` map each label to its
    :class:`ClassScores`; ``confusion`` is the model's confusion matrix
    (rows = true label, columns = predicted, in ``labels`` order);
    ``folds`` holds per-split macro-F1 and accuracy of both.
    """

    labels: list[str]
    n_examples: int
    n_groups: int
    scheme: str
    macro_f1: float
    accuracy: float
    baseline_macro_f1: float
    baseline_accuracy: float
    per_class: dict[str, ClassScores]
    baseline_per_class: dict[str, ClassScores]
    confusion: list[list[int]]
    baseline_confusion: list[list[int]]
    folds: list[dict[str, Any]] = field(default_factory=list)
    n_train_only: int = 0
    seconds: float = 0.0

    @property
    def worst_fold_margin(self) -> float:
        """min over splits of (model macro-F1 - baseline macro-F1); < 0 means a split where the baseline won."""
        if not self.folds:
            return self.macro_f1 - self.baseline_macro_f1
        return float(min(f["macro_f1"] - f["baseline_macro_f1"] for f in self.folds))

    def to_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "labels": self.labels,
            "n_examples": self.n_examples,
            "n_groups": self.n_groups,
            "n_train_only": self.n_train_only,
            "macro_f1": round(self.macro_f1, 4),
            "accuracy": round(self.accuracy, 4),
            "baseline_macro_f1": round(self.baseline_macro_f1, 4),
            "baseline_accuracy": round(self.baseline_accuracy, 4),
            "worst_fold_margin": round(self.worst_fold_margin, 4),
            "per_class": {k: v.to_dict() for k, v in self.per_class.items()},
            "baseline_per_class": {k: v.to_dict() for k, v in self.baseline_per_class.items()},
            "confusion": self.confusion,
            "baseline_confusion": self.baseline_confusion,
            "folds": self.folds,
            "seconds": round(self.seconds, 2),
        }

    def format(self) -> str:
        """Markdown tables: per class (model vs baseline), totals, per split, confusion matrix."""
        lines = [
            f"{self.scheme}: {self.n_examples} scored paragraphs from {self.n_groups} documents"
            + (f" (+{self.n_train_only} training-only)" if self.n_train_only else ""),
            "",
            "| class | n | P | R | F1 | keyword P | keyword R | keyword F1 |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for label in self.labels:
            m, b = self.per_class[label], self.baseline_per_class[label]
            lines.append(
                f"| {label} | {m.support} | {m.precision:.2f} | {m.recall:.2f} | **{m.f1:.2f}** "
                f"| {b.precision:.2f} | {b.recall:.2f} | {b.f1:.2f} |"
            )
        lines.append(
            f"| **macro-F1** | {self.n_examples} | | | **{self.macro_f1:.3f}** | | | {self.baseline_macro_f1:.3f} |"
        )
        lines.append(
            f"| **accuracy** | | | | **{self.accuracy:.3f}** | | | {self.baseline_accuracy:.3f} |"
        )
        if len(self.folds) > 1:
            lines += [
                "",
                "| split | test documents | n | macro-F1 | keyword macro-F1 | accuracy | keyword accuracy |",
                "|---|---|---|---|---|---|---|",
            ]
            for i, f in enumerate(self.folds, 1):
                groups = ", ".join(f["groups"])
                lines.append(
                    f"| {i} | {groups} | {f['n']} | {f['macro_f1']:.3f} | {f['baseline_macro_f1']:.3f} "
                    f"| {f['accuracy']:.3f} | {f['baseline_accuracy']:.3f} |"
                )
        short = [label[:4] for label in self.labels]
        lines += [
            "",
            "Confusion matrix (rows: true, columns: predicted)",
            "",
            "| true \\ pred | " + " | ".join(short) + " |",
            "|---|" + "---|" * len(short),
        ]
        for label, row in zip(self.labels, self.confusion, strict=True):
            lines.append(f"| {label} | " + " | ".join(str(v) if v else "." for v in row) + " |")
        return "\n".join(lines) + "\n"


def _scores(
    y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str]
) -> tuple[float, float, dict[str, ClassScores], list[list[int]]]:
    from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

    p, r, f, s = precision_recall_fscore_support(
        list(y_true), list(y_pred), labels=list(labels), zero_division=0
    )
    per_class = {
        label: ClassScores(label, float(p[i]), float(r[i]), float(f[i]), int(s[i]))
        for i, label in enumerate(labels)
    }
    present = [i for i, label in enumerate(labels) if s[i] > 0]
    macro = float(sum(f[i] for i in present) / len(present)) if present else 0.0
    acc = float(accuracy_score(list(y_true), list(y_pred))) if len(y_true) else 0.0
    cm = confusion_matrix(list(y_true), list(y_pred), labels=list(labels)).tolist()
    return macro, acc, per_class, cm


def _label_order(labels: Iterable[str]) -> list[str]:
    from fazhi.classifiers.topic import TOPIC_LABELS

    rank = {t: i for i, t in enumerate(TOPIC_LABELS)}
    return sorted(set(labels), key=lambda t: (rank.get(t, len(rank)), t))


def _split(
    groups: Sequence[str], n_splits: int | str
) -> tuple[str, list[tuple[list[int], list[int]]]]:
    from sklearn.model_selection import GroupKFold, LeaveOneGroupOut

    distinct = sorted(set(groups))
    idx = list(range(len(groups)))
    if n_splits == "logo" or (isinstance(n_splits, int) and n_splits >= len(distinct)):
        splitter: Any = LeaveOneGroupOut()
        scheme = f"leave-one-document-out ({len(distinct)} splits)"
    else:
        if not isinstance(n_splits, int) or n_splits < 2:
            raise ValueError("n_splits must be an int >= 2 or 'logo'")
        splitter = GroupKFold(n_splits=n_splits)
        scheme = f"GroupKFold({n_splits}) by document"
    if len(distinct) < 2:
        raise ValueError("grouped cross-validation needs examples from at least 2 documents")
    splits = [(list(tr), list(te)) for tr, te in splitter.split(idx, groups=list(groups))]
    return scheme, splits


def _fit_baseline(base: Any, train: Sequence[Example], *, default: bool) -> Any:
    """The fitted baseline; the keyword baseline unfitted when no training label is a topic id.

    The keyword baseline only predicts fazhi's topic ids: under another label
    scheme (or a fold without any topic id) it cannot be fitted, and its
    unfitted predictions, all topic ids, score 0, which is what it is worth there.
    """
    try:
        return base.fit([ex.text for ex in train], [ex.label for ex in train])
    except ValueError:
        if not default:
            raise
        from fazhi.classifiers.keyword_topic import KeywordTopicClassifier

        return KeywordTopicClassifier()


def cross_validate(
    estimator: Any,
    examples: Sequence[Example],
    *,
    n_splits: int | str = 5,
    baseline: Any = None,
    train_only_weight: float = 1.0,
    progress: ProgressCallback | None = None,
) -> CVReport:
    """Grouped cross-validation of ``estimator`` against the keyword baseline.

    Scored examples (those with a group and a non-training-only source) are
    split by group with :class:`~sklearn.model_selection.GroupKFold`
    (``n_splits``; ``"logo"`` or a number >= the number of groups: leave one
    document out). Training-only examples join every training fold with
    sample weight ``train_only_weight`` (when the estimator's ``fit`` takes
    ``sample_weight``). ``estimator`` is cloned for each split; ``baseline``
    defaults to :class:`~fazhi.classifiers.keyword_topic.KeywordTopicClassifier`.
    Scores are pooled over the out-of-fold predictions; ``folds`` keeps the
    per-split ones.
    """
    from sklearn.base import clone

    from fazhi.classifiers.keyword_topic import KeywordTopicClassifier

    start_time = time.perf_counter()
    scored = [ex for ex in examples if not ex.train_only]
    extra = [ex for ex in examples if ex.train_only]
    if not scored:
        raise ValueError(
            "no examples to score: every example is training-only (no group, or authored)"
        )
    scheme, splits = _split([str(ex.group) for ex in scored], n_splits)
    labels = _label_order(ex.label for ex in examples)
    base = baseline if baseline is not None else KeywordTopicClassifier()
    y_true: list[str] = []
    y_pred: list[str] = []
    y_base: list[str] = []
    folds: list[dict[str, Any]] = []
    total = len(splits)
    for k, (train_idx, test_idx) in enumerate(splits):
        train = [scored[i] for i in train_idx] + extra
        test = [scored[i] for i in test_idx]
        weights = [1.0] * len(train_idx) + [train_only_weight] * len(extra)
        model = clone(estimator)
        _fit(model, [ex.text for ex in train], [ex.label for ex in train], weights)
        bl = _fit_baseline(clone(base), train, default=baseline is None)
        texts = [ex.text for ex in test]
        truth = [ex.label for ex in test]
        pred = [str(v) for v in model.predict(texts)]
        bpred = [str(v) for v in bl.predict(texts)]
        y_true += truth
        y_pred += pred
        y_base += bpred
        fold_labels = _label_order(truth)
        m_f1, m_acc, _, _ = _scores(truth, pred, fold_labels)
        b_f1, b_acc, _, _ = _scores(truth, bpred, fold_labels)
        folds.append(
            {
                "groups": sorted({str(ex.group) for ex in test}),
                "n": len(test),
                "macro_f1": round(m_f1, 4),
                "accuracy": round(m_acc, 4),
                "baseline_macro_f1": round(b_f1, 4),
                "baseline_accuracy": round(b_acc, 4),
            }
        )
        log.info("split %d/%d: macro-F1 %.3f (keyword %.3f)", k + 1, total, m_f1, b_f1)
        if progress is not None:
            progress(
                k + 1, total, f"split {k + 1}/{total}: macro-F1 {m_f1:.3f} (keyword {b_f1:.3f})"
            )
    return _report(
        scored, y_true, y_pred, y_base, labels, scheme, start_time,
        folds=folds, n_train_only=len(extra),
    )  # fmt: skip


def _report(
    examples: Sequence[Example],
    truth: Sequence[str],
    pred: Sequence[str],
    base_pred: Sequence[str],
    labels: Sequence[str],
    scheme: str,
    start_time: float,
    **extra: Any,
) -> CVReport:
    """A :class:`CVReport` of a model's and the baseline's predictions against the truth."""
    macro, acc, per_class, cm = _scores(truth, pred, labels)
    b_macro, b_acc, b_per_class, b_cm = _scores(truth, base_pred, labels)
    return CVReport(
        labels=list(labels),
        n_examples=len(examples),
        n_groups=len({ex.group for ex in examples}),
        scheme=scheme,
        macro_f1=macro,
        accuracy=acc,
        baseline_macro_f1=b_macro,
        baseline_accuracy=b_acc,
        per_class=per_class,
        baseline_per_class=b_per_class,
        confusion=cm,
        baseline_confusion=b_cm,
        seconds=time.perf_counter() - start_time,
        **extra,
    )


def _fit(model: Any, texts: list[str], labels: list[str], weights: list[float]) -> None:
    import inspect

    if (
        any(w != 1.0 for w in weights)
        and "sample_weight" in inspect.signature(model.fit).parameters
    ):
        model.fit(texts, labels, sample_weight=weights)
    else:
        model.fit(texts, labels)


def evaluate_model(model: Any, examples: Sequence[Example], *, baseline: Any = None) -> CVReport:
    """Held-out scores of an already fitted ``model`` on ``examples`` (all of them), against the baseline.

    Use it only on documents the model was not trained on.
    """
    from fazhi.classifiers.keyword_topic import KeywordTopicClassifier

    start_time = time.perf_counter()
    if not examples:
        raise ValueError("no examples to evaluate")
    labels = _label_order([ex.label for ex in examples])
    texts = [ex.text for ex in examples]
    truth = [ex.label for ex in examples]
    base = baseline if baseline is not None else KeywordTopicClassifier()
    pred = [str(v) for v in model.predict(texts)]
    bpred = [str(v) for v in base.predict(texts)]
    return _report(
        examples, truth, pred, bpred, labels, "held-out evaluation of a trained model", start_time
    )


# -- train / evaluate (the CLI commands) -----------------------------------------------


def train(
    examples: Sequence[Example],
    out: str | os.PathLike[str] | None = None,
    *,
    params: Mapping[str, Any] | None = None,
    n_splits: int | str | None = 5,
    train_only_weight: float = 1.0,
    progress: ProgressCallback | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> tuple[TopicClassifier, CVReport | None]:
    """Fit a :class:`~fazhi.TopicClassifier` on all ``examples`` and optionally save it.

    With ``n_splits`` (default 5) a grouped cross-validation runs first and
    its scores go into the model's metadata (skipped when fewer than 2
    documents have scored examples, or with ``n_splits=None``). ``params``
    are :class:`~fazhi.TopicClassifier` parameters. Returns the fitted model
    and the report.
    """
    from fazhi.classifiers.topic_model import TopicClassifier

    model = TopicClassifier(**dict(params or {}))
    report: CVReport | None = None
    scored_groups = {ex.group for ex in examples if not ex.train_only}
    steps = 1
    if n_splits is not None and len(scored_groups) >= 2:
        _, splits = _split([str(ex.group) for ex in examples if not ex.train_only], n_splits)
        steps += len(splits)

        def cv_progress(done: int, total: int, message: str) -> None:
            if progress is not None:
                progress(done, steps, message)

        report = cross_validate(
            model,
            examples,
            n_splits=n_splits,
            train_only_weight=train_only_weight,
            progress=cv_progress,
        )
    weights = [train_only_weight if ex.train_only else 1.0 for ex in examples]
    if progress is not None:
        progress(steps - 1, steps, f"fitting the final model on {len(examples)} paragraphs")
    _fit(model, [ex.text for ex in examples], [ex.label for ex in examples], weights)
    if progress is not None:
        progress(steps, steps, "done")
    meta: dict[str, Any] = {
        "training_data": {
            "sha256": data_sha256(examples),
            "n_examples": len(examples),
            "n_scored": sum(1 for ex in examples if not ex.train_only),
            "n_train_only": sum(1 for ex in examples if ex.train_only),
            "train_only_weight": train_only_weight,
            "labels": dict(sorted(Counter(ex.label for ex in examples).items())),
            "sources": dict(sorted(Counter(ex.source for ex in examples).items())),
            "n_groups": len(scored_groups),
        },
        "cv": report.to_dict() if report is not None else None,
    }
    if metadata:
        meta.update(metadata)
    model.metadata_ = meta
    if out is not None:
        model.save(out)
    return model, report


def evaluate(
    examples: Sequence[Example],
    *,
    model: str | os.PathLike[str] | TopicClassifier | None = None,
    params: Mapping[str, Any] | None = None,
    n_splits: int | str = 5,
    train_only_weight: float = 1.0,
    progress: ProgressCallback | None = None,
) -> CVReport:
    """Scores on ``examples`` against the keyword baseline.

    Without ``model``: grouped cross-validation of a fresh
    :class:`~fazhi.TopicClassifier` (``params``). With ``model`` (a fitted
    model or a directory written by ``fazhi train``): held-out scores of that
    model on the scored examples (training-only examples are ignored).
    """
    if model is None:
        from fazhi.classifiers.topic_model import TopicClassifier

        return cross_validate(
            TopicClassifier(**dict(params or {})),
            examples,
            n_splits=n_splits,
            train_only_weight=train_only_weight,
            progress=progress,
        )
    if isinstance(model, (str, os.PathLike)):
        from fazhi.classifiers.topic_model import TopicClassifier

        fitted: Any = TopicClassifier.load(model)
    else:
        fitted = model
    scored = [ex for ex in examples if not ex.train_only] or list(examples)
    if progress is not None:
        progress(0, 1, f"predicting {len(scored)} paragraphs")
    report = evaluate_model(fitted, scored)
    if progress is not None:
        progress(1, 1, "done")
    return report


# -- progress display -------------------------------------------------------------------


class _StderrProgress:
    def __init__(self, desc: str, stream: Any) -> None:
        self.desc = desc
        self.stream = stream
        self.bar: Any = None
        try:
            from tqdm import tqdm

            self.tqdm: Any = tqdm
        except ImportError:
            self.tqdm = None

    def __call__(self, done: int, total: int, message: str) -> None:
        if self.tqdm is not None:
            if self.bar is None:
                self.bar = self.tqdm(total=total, desc=self.desc, file=self.stream, leave=True)
            self.bar.total = total
            self.bar.n = done
            self.bar.set_postfix_str(message, refresh=True)
            if done >= total:
                self.bar.close()
                self.bar = None
            return
        self.stream.write(f"\r{self.desc}: {done}/{total} {message}\x1b[K")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def progress_printer(desc: str = "fazhi", stream: Any = None) -> ProgressCallback:
    """A :data:`ProgressCallback` that shows a tqdm bar if tqdm is installed, else a stderr line."""
    return _StderrProgress(desc, stream if stream is not None else sys.stderr)


# -- command line (``fazhi train`` / ``fazhi evaluate``) ----------------------------------


def read_data(paths: Sequence[str | os.PathLike[str]]) -> list[Example]:
    """Examples from several sources: ``.jsonl`` / ``.csv`` files, or a seeds directory.

    A directory that holds ``annotations/topics.jsonl`` is read with
    :func:`seed_examples`.
    """
    out: list[Example] = []
    for path in paths:
        p = Path(path)
        if p.is_dir():
            if not (p / "annotations" / "topics.jsonl").is_file():
                raise InputError(
                    "a directory given as --data must hold annotations/topics.jsonl", source=str(p)
                )
            out.extend(seed_examples(p))
        else:
            out.extend(load_examples(p))
    return out


def _param(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise ValueError(f"--param expects KEY=VALUE, not {text!r}")
    try:
        parsed: Any = json.loads(value)
    except json.JSONDecodeError:
        parsed = value
    if isinstance(parsed, list):
        parsed = tuple(parsed)
    return key.strip(), parsed


def _folds(text: str) -> int | str:
    return "logo" if text == "logo" else int(text)


def register_cli(sub: Any) -> None:
    """Add the ``train`` and ``evaluate`` subcommands to the ``fazhi`` argument parser."""
    common = (
        (
            "--folds",
            {
                "type": _folds,
                "default": 5,
                "metavar": "N|logo",
                "help": "grouped cross-validation splits (default 5; 'logo': leave one document out)",
            },
        ),
        (
            "--train-only-weight",
            {
                "type": float,
                "default": 1.0,
                "metavar": "W",
                "help": "sample weight of training-only (authored) examples (default 1)",
            },
        ),
        (
            "--param",
            {
                "action": "append",
                "default": [],
                "metavar": "KEY=VALUE",
                "help": "a TopicClassifier parameter, e.g. C=3 (repeatable; values are JSON)",
            },
        ),
        ("--json", {"action": "store_true", "help": "print the report as JSON"}),
    )
    data_help = (
        "training data: .jsonl/.csv with text, label, group (document id), source "
        "('authored' = training only); or a seeds directory with annotations/topics.jsonl. Repeatable."
    )
    train_p = sub.add_parser(
        "train",
        help="train a topic model and save it (grouped cross-validation first)",
        description=(
            "Train a TopicClassifier on the data, report grouped cross-validation scores "
            "against the keyword baseline, and save the model to DIR (no pickle)."
        ),
    )
    train_p.add_argument("--data", action="append", required=True, metavar="FILE", help=data_help)
    train_p.add_argument(
        "--out", required=True, metavar="DIR", help="directory to save the model to"
    )
    train_p.add_argument("--no-cv", action="store_true", help="skip cross-validation")
    eval_p = sub.add_parser(
        "evaluate",
        help="score a topic model against the keyword baseline",
        description=(
            "Without --model: grouped cross-validation of a fresh TopicClassifier on the data. "
            "With --model DIR: held-out scores of that trained model on the data. "
            "Both against the lexicon-only keyword baseline."
        ),
    )
    eval_p.add_argument("--data", action="append", required=True, metavar="FILE", help=data_help)
    eval_p.add_argument(
        "--model", default=None, metavar="DIR", help="a model saved by `fazhi train`"
    )
    for parser in (train_p, eval_p):
        for flag, kwargs in common:
            parser.add_argument(flag, **kwargs)
    train_p.set_defaults(func=_cmd_train)
    eval_p.set_defaults(func=_cmd_evaluate)


def _print_report(report: CVReport | None, as_json: bool) -> None:
    if report is None:
        return
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(report.format())


def _cmd_train(args: Any) -> int:
    examples = read_data(args.data)
    params = dict(_param(p) for p in args.param)
    model, report = train(
        examples,
        args.out,
        params=params,
        n_splits=None if args.no_cv else args.folds,
        train_only_weight=args.train_only_weight,
        progress=progress_printer("fazhi train"),
    )
    _print_report(report, args.json)
    sys.stderr.write(
        f"saved topic model ({len(model.classes_)} labels, {model.n_features_} features) to {args.out}\n"
    )
    return 0


def _cmd_evaluate(args: Any) -> int:
    examples = read_data(args.data)
    params = dict(_param(p) for p in args.param)
    report = evaluate(
        examples,
        model=args.model,
        params=params,
        n_splits=args.folds,
        train_only_weight=args.train_only_weight,
        progress=progress_printer("fazhi evaluate"),
    )
    _print_report(report, args.json)
    return 0
