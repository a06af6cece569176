"""The classifier protocol shared by built-in and plugin classifiers.

A classifier looks at a :class:`~fazhi.document.Document` and returns
:class:`Prediction` objects. It never changes the document (documents are
frozen); everything it says points back into ``doc.text`` through character
spans.

The protocol
============

Any object with these members is a :class:`Classifier` (no base class needed)::

    class MyClassifier:
        name = "my-classifier"          # unique registry name
        level = "paragraph"             # "document" | "section" | "paragraph"
        labels = ("a", "b")             # every label it may emit ( () = open set )

        def classify(self, doc):        # -> list[Prediction]
            ...

Optional members:

``requires: tuple[str, ...]``
    Names of other classifiers whose predictions this one wants to see (the
    indicators plugin reads ``("topic",)``). A runner orders classifiers so that
    required ones run first (:func:`order_classifiers`). Requirements are
    *soft*: a required classifier that is not installed, or that failed on this
    document, is simply absent from the context. Raise from ``classify`` if you
    cannot work without it.

``classify(doc, context=None)``
    Declare a ``context`` parameter to receive those predictions:
    ``context`` maps classifier names to the tuple of predictions they made on
    *this* document. It is read-only. A classifier whose ``classify`` takes no
    ``context`` parameter is called as ``classify(doc)``, so the one-argument
    form stays valid forever.

Targets and spans
=================

A prediction is about one *target node*: the whole document, one section
(``target`` = its position in ``doc.walk_sections()``, depth first) or one
paragraph (``target`` = ``paragraph.index``). ``start``/``end`` are the target
node's span in ``doc.text``; ``evidence`` holds the spans inside it that
justify the label. :func:`run_classifier` checks all of that.
"""

from __future__ import annotations

import inspect
import logging
import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, Protocol, SupportsIndex, cast, runtime_checkable

from fazhi.document import _slot_setters
from fazhi.errors import PluginError

if TYPE_CHECKING:
    from fazhi.document import Document, Paragraph, Section

__all__ = [
    "LEVELS",
    "Classifier",
    "Context",
    "ContextClassifier",
    "Evidence",
    "Level",
    "Prediction",
    "accepts_context",
    "order_classifiers",
    "run_classifier",
    "run_classifiers",
    "validate_classifier",
]

log = logging.getLogger(__name__)

Level = Literal["document", "section", "paragraph"]
#: The levels a classifier may work at, from coarse to fine.
LEVELS: tuple[str, ...] = ("document", "section", "paragraph")

#: What a classifier receives as ``context``: classifier name -> its predictions on this document.
Context = Mapping[str, Sequence["Prediction"]]


# -- data -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Evidence:
    """A span of ``doc.text`` that supports a prediction.

    ``text`` must equal ``doc.text[start:end]``. ``rule`` names the rule or
    feature that fired, ``weight`` its contribution (any scale the classifier
    documents) and ``note`` is free text for people.
    """

    start: int
    end: int
    text: str
    rule: str | None = None
    weight: float | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "rule": self.rule,
            "weight": self.weight,
            "note": self.note,
        }

    def __reduce_ex__(self, protocol: SupportsIndex) -> Any:
        # the constructor with positional fields: smaller and faster to load than the
        # dataclass default (a state dict set field by field); subclasses keep the default
        if type(self) is not Evidence:
            return object.__reduce_ex__(self, protocol)
        return (Evidence, (self.start, self.end, self.text, self.rule, self.weight, self.note))


@dataclass(frozen=True, slots=True)
class Prediction:
    """What a classifier says about one target node of a document.

    ``classifier`` is the classifier's registry name, ``label`` the label it
    assigns, ``score`` its confidence in ``[0, 1]``. ``start``/``end`` are the
    target node's span in ``doc.text``; ``level`` and ``target`` say which node
    it is (see the module docs). ``probabilities`` optionally maps every label
    to a probability. ``evidence`` holds supporting spans. ``data`` carries
    structured, JSON-safe plugin output (e.g. an indicator record).

    Mapping fields are copied on construction so the caller's dict cannot
    change a prediction afterwards.
    """

    classifier: str
    label: str
    score: float
    start: int
    end: int
    level: str = "paragraph"
    target: int = 0
    probabilities: Mapping[str, float] = field(default_factory=dict, hash=False)
    evidence: tuple[Evidence, ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "probabilities", dict(self.probabilities))
        object.__setattr__(self, "data", dict(self.data))
        object.__setattr__(self, "evidence", tuple(self.evidence))

    def __reduce_ex__(self, protocol: SupportsIndex) -> Any:
        # see Evidence.__reduce_ex__; analyze_many's workers send many of these
        if type(self) is not Prediction:
            return object.__reduce_ex__(self, protocol)
        return (
            Prediction,
            (
                self.classifier,
                self.label,
                self.score,
                self.start,
                self.end,
                self.level,
                self.target,
                self.probabilities,
                self.evidence,
                self.data,
            ),
        )

    # -- convenience constructors ----------------------------------------
    @classmethod
    def for_paragraph(
        cls, paragraph: Paragraph, *, classifier: str, label: str, score: float, **kwargs: Any
    ) -> Prediction:
        """A paragraph-level prediction whose span and target come from ``paragraph``."""
        return cls(
            classifier=classifier,
            label=label,
            score=score,
            start=paragraph.start,
            end=paragraph.end,
            level="paragraph",
            target=paragraph.index,
            **kwargs,
        )

    @classmethod
    def for_section(
        cls,
        doc: Document,
        section: Section,
        *,
        classifier: str,
        label: str,
        score: float,
        **kwargs: Any,
    ) -> Prediction:
        """A section-level prediction; ``target`` is the section's position in ``doc.walk_sections()``."""
        for i, s in enumerate(doc.walk_sections()):
            if s.path == section.path:
                return cls(
                    classifier=classifier,
                    label=label,
                    score=score,
                    start=section.start,
                    end=section.end,
                    level="section",
                    target=i,
                    **kwargs,
                )
        raise ValueError(f"section {section.path} is not a section of this document")

    @classmethod
    def for_document(
        cls, doc: Document, *, classifier: str, label: str, score: float, **kwargs: Any
    ) -> Prediction:
        """A document-level prediction spanning the whole text."""
        return cls(
            classifier=classifier,
            label=label,
            score=score,
            start=0,
            end=len(doc.text),
            level="document",
            target=0,
            **kwargs,
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (``data`` is passed through as the classifier made it)."""
        return {
            "classifier": self.classifier,
            "label": self.label,
            "score": self.score,
            "start": self.start,
            "end": self.end,
            "level": self.level,
            "target": self.target,
            "probabilities": dict(self.probabilities),
            "evidence": [e.to_dict() for e in self.evidence],
            "data": dict(self.data),
        }


# -- compact pickling of a document's predictions -------------------------------
#
# analyze_many's worker processes send every Analysis back to the caller, and a
# document's paragraph predictions carry tens of Evidence objects each. Pickled
# one by one, each object costs a REDUCE with its own argument tuple and its text
# decoded again (loading took ~4.5 µs per Evidence, a tenth of the serial
# analysis time, spent in the one process that also hands out the work). Packed,
# an Evidence is six values in a flat tuple and its text, a slice of the
# document, is not stored at all.

_EVIDENCE_SETTERS = _slot_setters(Evidence)
_PREDICTION_SETTERS = _slot_setters(Prediction)
_EVIDENCE_FIELDS = len(_EVIDENCE_SETTERS)


def _new_evidence(
    start: int,
    end: int,
    text: str,
    rule: str | None,
    weight: float | None,
    note: str | None,
    *,
    _new: Callable[[type], Any] = object.__new__,
    _set: tuple[Callable[[Any, Any], None], ...] = _EVIDENCE_SETTERS,
) -> Evidence:
    """``Evidence(start, end, text, rule, weight, note)`` without the dataclass ``__init__``
    (see :func:`fazhi.document._slot_setters`), for fazhi's own classifiers and the
    unpickler, which make hundreds of these per document. ``_new`` and ``_set`` are
    bound as defaults so that the body makes no global lookups."""
    e: Evidence = _new(Evidence)
    s0, s1, s2, s3, s4, s5 = _set
    s0(e, start)
    s1(e, end)
    s2(e, text)
    s3(e, rule)
    s4(e, weight)
    s5(e, note)
    return e


def _new_prediction(
    classifier: str,
    label: str,
    score: float,
    start: int,
    end: int,
    level: str,
    target: int,
    probabilities: dict[str, float],
    evidence: tuple[Evidence, ...],
    data: dict[str, Any],
    *,
    _new: Callable[[type], Any] = object.__new__,
    _set: tuple[Callable[[Any, Any], None], ...] = _PREDICTION_SETTERS,
) -> Prediction:
    """``Prediction(...)`` (all fields, positionally) without the dataclass ``__init__``.

    ``__post_init__`` is skipped too, so ``probabilities`` and ``data`` must be
    dicts nobody else holds and ``evidence`` a tuple (what it would copy them into)."""
    p: Prediction = _new(Prediction)
    s0, s1, s2, s3, s4, s5, s6, s7, s8, s9 = _set
    s0(p, classifier)
    s1(p, label)
    s2(p, score)
    s3(p, start)
    s4(p, end)
    s5(p, level)
    s6(p, target)
    s7(p, probabilities)
    s8(p, evidence)
    s9(p, data)
    return p


def _pack_prediction(text: str, p: Prediction) -> tuple[Any, ...] | Prediction:
    """An exact Prediction (with exact Evidence) as a tuple; anything else as itself."""
    if type(p) is not Prediction:
        return p
    flat: list[Any] = []
    for e in p.evidence:
        # a subclass, or a text that is not a plain str (None, a str subclass): the
        # prediction is pickled as itself, so that its values come back as they were
        if type(e) is not Evidence or type(e.text) is not str:
            return p
        s, t = e.start, e.end
        # the text is left out when it is the document's own slice (always, for a
        # valid prediction; kept otherwise, so that packing never changes a value)
        same = type(s) is int and type(t) is int and text[s:t] == e.text
        flat += (s, t, None if same else e.text, e.rule, e.weight, e.note)
    return (
        p.classifier,
        p.label,
        p.score,
        p.start,
        p.end,
        p.level,
        p.target,
        p.probabilities,
        tuple(flat),
        p.data,
    )


def _pack_predictions(
    text: str, predictions: Mapping[str, Sequence[Prediction]]
) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    """The predictions on the document with ``text``, in a compact picklable form.

    The inverse is :func:`_unpack_predictions`; the round trip gives equal
    predictions (subclasses of Prediction or Evidence are kept as they are).
    """
    return tuple(
        (name, tuple([_pack_prediction(text, p) for p in preds]))
        for name, preds in predictions.items()
    )


def _unpack_predictions(
    text: str,
    packed: Iterable[tuple[str, Iterable[Any]]],
    *,
    _new: Callable[[type], Any] = object.__new__,
    _set_evidence: tuple[Callable[[Any, Any], None], ...] = _EVIDENCE_SETTERS,
    _set_prediction: tuple[Callable[[Any, Any], None], ...] = _PREDICTION_SETTERS,
) -> dict[str, tuple[Prediction, ...]]:
    """The predictions :func:`_pack_predictions` packed, for the document with ``text``.

    One loop builds every Prediction and Evidence of the document through their
    slot setters: what :func:`_new_prediction` and :func:`_new_evidence` do,
    without a function call per object (calling them measured 10–20% slower on a
    4 MB corpus's results, 92 against 75–89 ms). This is most of what the caller of a
    parallel :func:`fazhi.analyze_many` spends (tens of thousands of Evidence
    per megabyte of text). The fields were checked when the predictions were
    made, and the dicts are the unpickler's fresh copies."""
    e0, e1, e2, e3, e4, e5 = _set_evidence
    p0, p1, p2, p3, p4, p5, p6, p7, p8, p9 = _set_prediction
    out: dict[str, tuple[Prediction, ...]] = {}
    for name, items in packed:
        predictions: list[Prediction] = []
        for item in items:
            if type(item) is not tuple:  # a subclass, pickled as itself
                predictions.append(item)
                continue
            classifier, label, score, start, end, level, target, probabilities, flat, data = item
            evidence: list[Evidence] = []
            if flat:
                # six values per Evidence; the text is the document's slice when left out
                values = iter(flat)
                for s, e, etext, rule, weight, note in zip(
                    *[values] * _EVIDENCE_FIELDS, strict=True
                ):
                    ev = _new(Evidence)
                    e0(ev, s)
                    e1(ev, e)
                    e2(ev, text[s:e] if etext is None else etext)
                    e3(ev, rule)
                    e4(ev, weight)
                    e5(ev, note)
                    evidence.append(ev)
            p = _new(Prediction)
            p0(p, classifier)
            p1(p, label)
            p2(p, score)
            p3(p, start)
            p4(p, end)
            p5(p, level)
            p6(p, target)
            p7(p, probabilities)
            p8(p, tuple(evidence))
            p9(p, data)
            predictions.append(p)
        out[name] = tuple(predictions)
    return out


# -- protocol -----------------------------------------------------------------


@runtime_checkable
class Classifier(Protocol):
    """What fazhi needs from a classifier (structural: no base class to inherit).

    ``requires`` and a ``context`` parameter of ``classify`` are optional
    extensions; see :class:`ContextClassifier` and the module docs.
    """

    # read-only properties, so that plain class or instance attributes of any
    # compatible type (``labels = ("a", "b")``) satisfy the protocol statically
    @property
    def name(self) -> str:
        """The registry name; every prediction's ``classifier`` equals it."""
        ...

    @property
    def level(self) -> str:
        """``"document"``, ``"section"`` or ``"paragraph"``."""
        ...

    @property
    def labels(self) -> Sequence[str]:
        """Every label it may emit (``()``: an open set)."""
        ...

    def classify(self, doc: Document) -> Sequence[Prediction]:
        """Predict labels for the nodes of ``doc`` at this classifier's level."""
        ...


@runtime_checkable
class ContextClassifier(Protocol):
    """A classifier that reads other classifiers' predictions (for static typing).

    .. versionadded:: 0.1
    """

    @property
    def name(self) -> str: ...

    @property
    def level(self) -> str: ...

    @property
    def labels(self) -> Sequence[str]: ...

    @property
    def requires(self) -> Sequence[str]: ...

    def classify(self, doc: Document, context: Context | None = None) -> Sequence[Prediction]: ...


# -- checks -------------------------------------------------------------------

_ACCEPTS_CONTEXT: dict[type, bool] = {}


def accepts_context(clf: object) -> bool:
    """Whether ``clf.classify`` takes a ``context`` argument (by name or ``**kwargs``)."""
    key = type(clf)
    cached = _ACCEPTS_CONTEXT.get(key)
    if cached is not None:
        return cached
    try:
        params = inspect.signature(clf.classify).parameters  # type: ignore[attr-defined]
    except (TypeError, ValueError):  # builtins without a signature
        result = False
    else:
        result = "context" in params or any(
            p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()
        )
    _ACCEPTS_CONTEXT[key] = result
    return result


def validate_classifier(obj: object, *, name: str | None = None) -> list[str]:
    """Problems that keep ``obj`` from being a usable classifier ( ``[]`` when it is fine).

    ``name`` is the name it was registered under; it must equal ``obj.name``.
    """
    problems: list[str] = []
    clf_name = getattr(obj, "name", None)
    if not isinstance(clf_name, str) or not clf_name:
        problems.append("has no non-empty str attribute 'name'")
    elif name is not None and clf_name != name:
        problems.append(f"its name is {clf_name!r}, but it was registered as {name!r}")
    level = getattr(obj, "level", None)
    if level not in LEVELS:
        problems.append(f"level is {level!r}, expected one of {', '.join(LEVELS)}")
    labels = getattr(obj, "labels", None)
    if (
        labels is None
        or isinstance(labels, str)
        or not isinstance(labels, Iterable)
        or not all(isinstance(x, str) for x in labels)
    ):
        problems.append("labels must be a sequence of str")
    if not callable(getattr(obj, "classify", None)):
        problems.append("has no classify(doc) method")
    requires = getattr(obj, "requires", ())
    if requires is not None and (
        isinstance(requires, str)
        or not isinstance(requires, Iterable)
        or not all(isinstance(x, str) for x in requires)
    ):
        problems.append(f"requires must be a tuple of classifier names, not {requires!r}")
    return problems


def _check_predictions(
    clf: Classifier, doc: Document, result: object
) -> tuple[list[Prediction], list[str]]:
    if (
        result is None
        or isinstance(result, (str, bytes, Prediction))
        or not isinstance(result, Iterable)
    ):
        return [], [f"classify() returned {type(result).__name__}, expected a list of Prediction"]
    predictions = list(result)
    problems: list[str] = []
    n = len(doc.text)
    labels = set(clf.labels)
    sections: list[Section] | None = None
    for i, p in enumerate(predictions):
        where = f"prediction {i}"
        if not isinstance(p, Prediction):
            problems.append(f"{where} is a {type(p).__name__}, not a fazhi.Prediction")
            continue
        if p.classifier != clf.name:
            problems.append(f"{where} names classifier {p.classifier!r}, expected {clf.name!r}")
        if p.level != clf.level:
            problems.append(
                f"{where} has level {p.level!r}, the classifier's level is {clf.level!r}"
            )
        if not isinstance(p.label, str) or (labels and p.label not in labels):
            problems.append(f"{where} has label {p.label!r}, not one of the classifier's labels")
        if (
            not isinstance(p.score, (int, float))
            or not (0.0 <= p.score <= 1.0)
            or math.isnan(p.score)
        ):
            problems.append(f"{where} has score {p.score!r}, expected a number in [0, 1]")
        if not (0 <= p.start <= p.end <= n):
            problems.append(
                f"{where} span ({p.start}, {p.end}) is outside the document text (0, {n})"
            )
        elif p.level == "paragraph":
            if not 0 <= p.target < len(doc.paragraphs):
                problems.append(
                    f"{where} targets paragraph {p.target}; the document has {len(doc.paragraphs)}"
                )
            else:
                para = doc.paragraphs[p.target]
                if (p.start, p.end) != (para.start, para.end):
                    problems.append(
                        f"{where} span ({p.start}, {p.end}) is not paragraph {p.target}'s ({para.start}, {para.end})"
                    )
        elif p.level == "section":
            if sections is None:
                sections = list(doc.walk_sections())
            n_sections = len(sections)
            if not 0 <= p.target < n_sections:
                problems.append(
                    f"{where} targets section {p.target}; the document has {n_sections}"
                )
            else:
                sec = sections[p.target]
                if (p.start, p.end) != (sec.start, sec.end):
                    problems.append(
                        f"{where} span ({p.start}, {p.end}) is not section {p.target}'s ({sec.start}, {sec.end})"
                    )
        elif p.level == "document" and (p.start, p.end, p.target) != (0, n, 0):
            problems.append(f"{where} is document-level but does not span the whole text (0, {n})")
        evidence: tuple[object, ...] = p.evidence
        for j, e in enumerate(evidence):
            if not isinstance(e, Evidence):
                problems.append(
                    f"{where} evidence {j} is a {type(e).__name__}, not a fazhi Evidence"
                )
            elif not (0 <= e.start <= e.end <= n):
                problems.append(
                    f"{where} evidence {j} ({e.start}, {e.end}) is outside the document text"
                )
            elif doc.text[e.start : e.end] != e.text:
                problems.append(
                    f"{where} evidence {j} text {e.text!r} is not doc.text[{e.start}:{e.end}]"
                )
        for key, value in p.probabilities.items():
            if labels and key not in labels:
                problems.append(f"{where} has a probability for unknown label {key!r}")
            if not isinstance(value, (int, float)) or not (0.0 <= value <= 1.0):
                problems.append(f"{where} has probability {value!r} for {key!r}, expected [0, 1]")
        data: object = p.data
        if data:
            problem = _json_problem(data, "data")
            if problem is not None:
                problems.append(f"{where} {problem}")
        if len(problems) >= 5:  # enough to see the pattern
            break
    return predictions, problems


_JSON_MAX_DEPTH = 64


def _json_problem(value: object, path: str, depth: int = 0) -> str | None:
    """Why ``value`` would not survive ``json.dumps`` (strictly: no NaN), or ``None``.

    ``Prediction.data`` goes into ``to_dict()`` and ``fazhi analyze --format json``:
    a numpy scalar or a set there would break the whole output, far from the
    plugin that put it there.
    """
    if value is None or isinstance(value, (str, bool, int)):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"{path} is {value!r}, not a finite number"
    if depth >= _JSON_MAX_DEPTH:
        return f"{path} is nested more than {_JSON_MAX_DEPTH} levels deep (a cycle?)"
    # the top level may be the Prediction's read-only mapping; below it json.dumps takes dicts only
    if isinstance(value, dict) or (depth == 0 and isinstance(value, Mapping)):
        for key, item in value.items():
            if not isinstance(key, str):
                return f"{path} has a key {key!r} of type {type(key).__name__}; JSON keys are str"
            problem = _json_problem(item, f"{path}[{key!r}]", depth + 1)
            if problem is not None:
                return problem
        return None
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            problem = _json_problem(item, f"{path}[{i}]", depth + 1)
            if problem is not None:
                return problem
        return None
    hint = " (convert it with .item() or float()/int())" if hasattr(value, "item") else ""
    return (
        f"{path} holds a {type(value).__module__}.{type(value).__qualname__}, "
        f"which is not JSON-safe{hint}: use str, int, float, bool, None, list or dict"
    )


def _provider(clf_name: str) -> str | None:
    """The plugin that registered ``clf_name``, if the registry is loaded (never triggers loading)."""
    import sys

    plugins = sys.modules.get("fazhi.plugins")
    if plugins is None:
        return None
    provider: Callable[[str], str | None] | None = getattr(plugins, "provider_of", None)
    return provider(clf_name) if provider is not None else None


def run_classifier(
    clf: Classifier,
    doc: Document,
    *,
    context: Context | None = None,
    plugin: str | None = None,
    check: bool = True,
) -> list[Prediction]:
    """Run one classifier on one document, safely.

    ``context`` (classifier name -> predictions) is passed to classifiers whose
    ``classify`` accepts it (read-only; other classifiers get ``classify(doc)``).
    With ``check`` (the default) the output is validated: only
    :class:`Prediction` objects, the classifier's name, level and labels, scores
    in [0, 1], spans inside ``doc.text`` and matching their target node,
    evidence text equal to the text it points at.

    Raises :class:`~fazhi.errors.PluginError` naming the plugin, the classifier
    and ``doc.source`` when the classifier raises or returns invalid output;
    the original exception is chained as ``__cause__``.
    """
    name = getattr(clf, "name", None) or repr(clf)

    def fail(message: str) -> PluginError:
        return PluginError(
            message, plugin=plugin or _provider(name), classifier=name, source=doc.source
        )

    try:
        if accepts_context(clf):
            frozen = MappingProxyType({k: tuple(v) for k, v in (context or {}).items()})
            result: object = clf.classify(doc, context=frozen)  # type: ignore[call-arg]
        else:
            result = clf.classify(doc)
    except Exception as exc:
        raise fail(f"classify() raised {type(exc).__name__}: {exc}") from exc
    if not check:
        return list(cast("Iterable[Prediction]", result))
    predictions, problems = _check_predictions(clf, doc, result)
    if problems:
        raise fail("invalid output: " + "; ".join(problems))
    return predictions


def order_classifiers(classifiers: Iterable[Classifier]) -> list[Classifier]:
    """Order classifiers so that each runs after the ones it ``requires`` (stable otherwise).

    Requirements on classifiers that are not in ``classifiers`` are ignored
    (they are soft). A cycle raises :class:`~fazhi.errors.PluginError`.
    """
    ordered, cycles = _order(classifiers)
    if cycles:
        raise cycles[0][1]
    return ordered


_Cycle = tuple[tuple[str, ...], PluginError]


def _order(classifiers: Iterable[Classifier]) -> tuple[list[Classifier], list[_Cycle]]:
    """The classifiers in dependency order, leaving out those in a ``requires`` cycle,
    and each cycle: its members, and a :class:`~fazhi.errors.PluginError` naming it."""
    items = list(classifiers)
    by_name = {c.name: c for c in items}
    state: dict[str, int] = {}  # 1 visiting, 2 done
    in_cycle: set[str] = set()
    cycles: list[_Cycle] = []
    out: list[Classifier] = []

    def visit(c: Classifier, chain: tuple[str, ...]) -> None:
        mark = state.get(c.name)
        if mark == 2:
            return
        if mark == 1:  # c is on the chain: the chain from c back to c is a cycle
            members = chain[chain.index(c.name) :]
            in_cycle.update(members)
            err = PluginError(
                "classifiers require each other in a cycle: " + " -> ".join((*chain, c.name)),
                plugin=_provider(c.name),
                classifier=c.name,
            )
            cycles.append((members, err))
            return
        state[c.name] = 1
        for dep in getattr(c, "requires", ()) or ():
            if dep in by_name:
                visit(by_name[dep], (*chain, c.name))
        state[c.name] = 2
        if c.name not in in_cycle:
            out.append(c)

    for c in items:
        visit(c, ())
    return out, cycles


# fazhi's own classifiers, whose output its test suite validates: run_classifiers
# skips the per-prediction checks for these exact classes (not subclasses), which
# would otherwise cost about as much as parsing the document.
_TRUSTED_OUTPUT = frozenset(
    {
        "fazhi.classifiers.genre.GenreClassifier",
        "fazhi.classifiers.role.SectionRoleClassifier",
        "fazhi.classifiers.topic_model.TopicClassifier",
        "fazhi.classifiers.keyword_topic.KeywordTopicClassifier",
    }
)


def _qualified_name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def run_classifiers(
    classifiers: Iterable[Classifier],
    doc: Document,
    *,
    errors: Literal["raise", "warn", "skip"] = "raise",
) -> tuple[dict[str, list[Prediction]], dict[str, PluginError]]:
    """Run several classifiers on one document in dependency order.

    Returns ``(predictions, failures)``: classifier name -> its predictions,
    and classifier name -> the :class:`~fazhi.errors.PluginError` it caused.
    With ``errors="raise"`` the first failure is raised; with ``"warn"`` or
    ``"skip"`` the other classifiers still run (a failed one is absent from
    the context of later ones) and ``"warn"`` also emits a
    :class:`~fazhi.plugins.FazhiPluginWarning`.
    """
    if errors not in ("raise", "warn", "skip"):
        raise ValueError(f"errors must be 'raise', 'warn' or 'skip', not {errors!r}")
    results: dict[str, list[Prediction]] = {}
    failures: dict[str, PluginError] = {}
    ordered, cycles = _order(classifiers)
    for members, exc in cycles:
        if errors == "raise":
            raise exc
        # a broken plugin is not fatal: the classifiers of the cycle fail, the rest run
        failures.update(dict.fromkeys(members, exc))
        if errors == "warn":
            from fazhi.plugins import FazhiPluginWarning

            warnings.warn(str(exc), FazhiPluginWarning, stacklevel=2)
    for clf in ordered:
        requires = getattr(clf, "requires", ()) or ()
        context = {k: results[k] for k in requires if k in results}
        try:
            results[clf.name] = run_classifier(
                clf, doc, context=context, check=_qualified_name(type(clf)) not in _TRUSTED_OUTPUT
            )
        except PluginError as exc:
            if errors == "raise":
                raise
            failures[clf.name] = exc
            if errors == "warn":
                from fazhi.plugins import FazhiPluginWarning

                warnings.warn(str(exc), FazhiPluginWarning, stacklevel=2)
    return results, failures
