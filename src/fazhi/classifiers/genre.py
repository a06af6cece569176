"""Rule-based genre classifier: what kind of document is this?

The genres are those of ``taxonomy.md`` (:data:`GENRES`): ``opinion``,
``plan``, ``annual_report``, ``work_summary``, ``duty_report``, ``news``,
``notice``, ``decision``, ``regulation``, ``speech``, ``commentary`` and
``unknown``.

Rules are data, not code. Each :class:`GenreRule` has an ``id``, the genre(s)
it supports, the *scope* it looks at, a regular expression (or the name of a
registered predicate), a ``weight`` and a short description. The packaged rule
set lives in ``fazhi/data/genre_rules.json`` and is read by :func:`load_rules`,
which also collects rules that plugins register.

Scopes are views of the parsed :class:`~fazhi.document.Document`, never the
raw text at large:

``title``
    the parsed title, a 标题/名称 metadata field, and other short title-like
    lines of the header (the real title of a 红头 document may sit below
    "某某人民政府文件" and the 文号).
``meta``
    the metadata fields the parser found (文号, 来源, author line, byline,
    落款 …); a rule's ``keys`` restrict it to some field keys.
``header``
    the lines before the first heading or first real paragraph (文号 line,
    主送机关 line, author line …).
``opening``
    the first (up to three) paragraphs.
``body``
    every paragraph.
``closing``
    the last eight non-noise lines (落款, 成文日期, 版记, byline …).
``headings``
    every section heading.
``noise``
    page chrome kept aside by the parser (``keys`` select noise kinds such as
    ``comments``).

Patterns are compiled with :data:`re.MULTILINE`; the units of a scope are
joined by newlines, so ``^``/``$`` anchor to a unit (or a line inside one).

Scoring: a rule *fires* when its pattern matches at least ``min_count``
distinct times in its scopes (or its predicate returns spans); it then adds its
``weight`` to each of its genres. The answer is the top genre when its score is
at least ``threshold`` and leads the runner-up by at least ``margin``;
otherwise it is ``unknown``. Every rule that fired is returned as evidence,
with its weight and the spans it matched.

:class:`GenreClassifier` is also a scikit-learn estimator (created on first
use, so that importing this module stays cheap).
"""

from __future__ import annotations

import bisect
import fnmatch
import functools
import itertools
import json
import logging
import math
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from fazhi.classifiers.base import (
    Classifier,
    Evidence,
    Prediction,
    _new_evidence,
    _new_prediction,
)
from fazhi.document import Document

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "DEFAULT_MARGIN",
    "DEFAULT_THRESHOLD",
    "GENRES",
    "GENRE_NAMES",
    "PREDICATES",
    "RULE_SOURCES",
    "SCOPES",
    "DocView",
    "GenreClassifier",
    "GenreExplanation",
    "GenreRule",
    "GenreScore",
    "RuleHit",
    "classifier_factories",
    "coerce_rule",
    "load_rules",
    "read_rules",
    "register_classifiers",
    "register_predicate",
    "rules_version",
]

log = logging.getLogger(__name__)

#: Genre ids, in the order of ``taxonomy.md``; ``unknown`` is the refusal.
GENRES: tuple[str, ...] = (
    "opinion",
    "plan",
    "annual_report",
    "work_summary",
    "duty_report",
    "news",
    "notice",
    "decision",
    "regulation",
    "speech",
    "commentary",
    "unknown",
)
#: Chinese display names of the genres.
GENRE_NAMES: Mapping[str, str] = {
    "opinion": "实施意见/意见",
    "plan": "实施方案/工作方案/工作要点/规划",
    "annual_report": "法治政府建设年度报告",
    "work_summary": "工作总结/经验材料",
    "duty_report": "述法报告/述职报告",
    "news": "新闻报道/宣传稿",
    "notice": "通知",
    "decision": "决定",
    "regulation": "办法/规定/条例/细则",
    "speech": "讲话",
    "commentary": "理论文章/评论",
    "unknown": "未知",
}
_RULE_GENRES = frozenset(GENRES) - {"unknown"}

#: The places a rule can look at (see the module docs).
SCOPES: tuple[str, ...] = (
    "title",
    "meta",
    "header",
    "opening",
    "body",
    "closing",
    "headings",
    "noise",
)
_KEYED_SCOPES = frozenset({"meta", "noise"})

DEFAULT_THRESHOLD = 3.0
DEFAULT_MARGIN = 1.0
#: How many matched spans of one rule are kept as evidence.
MAX_SPANS = 3

#: ``search``: anywhere in the scope; ``start``: at the start of a unit (paragraph,
#: line, heading …); ``fullmatch``: a whole unit.
_MODES: tuple[str, ...] = ("search", "start", "fullmatch")

_RULE_FIELDS = frozenset(
    {
        "id",
        "genre",
        "scope",
        "pattern",
        "predicate",
        "args",
        "mode",
        "min_count",
        "keys",
        "weight",
        "description",
    }
)


# -- rules --------------------------------------------------------------------


@dataclass(frozen=True)
class GenreRule:
    """One genre rule (see the module docs and ``docs/classifiers-rules.md``).

    Exactly one of ``pattern`` (a regular expression, compiled with
    :data:`re.MULTILINE`) and ``predicate`` (the name of a function in
    :data:`PREDICATES`, called with ``args``) must be given. ``mode`` is
    ``"search"`` (anywhere in the scope), ``"start"`` (at the start of a unit:
    a paragraph, line, heading or field) or ``"fullmatch"`` (a whole unit).
    ``keys`` restricts the ``meta`` scope to some metadata keys and the
    ``noise`` scope to some noise kinds. A negative ``weight`` counts against
    its genres.
    """

    id: str
    genres: tuple[str, ...]
    scopes: tuple[str, ...]
    weight: float
    pattern: str | None = None
    predicate: str | None = None
    args: Mapping[str, Any] = field(default_factory=dict, hash=False)
    mode: str = "search"
    min_count: int = 1
    keys: tuple[str, ...] = ()
    description: str = ""
    regex: re.Pattern[str] | None = field(
        init=False, repr=False, compare=False, hash=False, default=None
    )

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise ValueError(f"a genre rule needs a non-empty str id, got {self.id!r}")
        where = f"genre rule {self.id!r}"
        raw_genres: Any = self.genres
        raw_scopes: Any = self.scopes
        genres = (raw_genres,) if isinstance(raw_genres, str) else tuple(raw_genres)
        scopes = (raw_scopes,) if isinstance(raw_scopes, str) else tuple(raw_scopes)
        object.__setattr__(self, "genres", genres)
        object.__setattr__(self, "scopes", scopes)
        object.__setattr__(self, "keys", tuple(self.keys))
        object.__setattr__(self, "args", dict(self.args))
        if not genres or any(g not in _RULE_GENRES for g in genres):
            raise ValueError(
                f"{where}: genre must be one or more of {sorted(_RULE_GENRES)}, got {genres!r}"
            )
        if not scopes or any(s not in SCOPES for s in scopes):
            raise ValueError(
                f"{where}: scope must be one or more of {list(SCOPES)}, got {scopes!r}"
            )
        if (
            isinstance(self.weight, bool)
            or not isinstance(self.weight, (int, float))
            or not math.isfinite(self.weight)
        ):
            raise ValueError(f"{where}: weight must be a finite number, got {self.weight!r}")
        object.__setattr__(self, "weight", float(self.weight))
        if (
            isinstance(self.min_count, bool)
            or not isinstance(self.min_count, int)
            or self.min_count < 1
        ):
            raise ValueError(f"{where}: min_count must be an int >= 1, got {self.min_count!r}")
        if self.mode not in _MODES:
            raise ValueError(f"{where}: mode must be one of {list(_MODES)}, got {self.mode!r}")
        if (self.pattern is None) == (self.predicate is None):
            raise ValueError(f"{where}: give exactly one of 'pattern' and 'predicate'")
        if self.pattern is not None:
            try:
                compiled = re.compile(self.pattern, re.MULTILINE)
            except re.error as exc:
                raise ValueError(f"{where}: invalid pattern {self.pattern!r}: {exc}") from None
            object.__setattr__(self, "regex", compiled)
        elif self.predicate not in PREDICATES:
            raise ValueError(
                f"{where}: unknown predicate {self.predicate!r}; registered: {', '.join(sorted(PREDICATES))}"
            )
        elif self.predicate == "pattern_unless":
            _check_pattern_unless_args(where, self.args)

    @functools.cached_property
    def evidence_note(self) -> str:
        """The note of this rule's evidence: its genres and description."""
        return f"{'/'.join(self.genres)}: {self.description}"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GenreRule:
        """Build a rule from its JSON form (``genre`` and ``scope`` may be a string or a list)."""
        unknown = set(data) - _RULE_FIELDS
        if unknown:
            raise ValueError(f"genre rule {data.get('id')!r}: unknown field(s) {sorted(unknown)}")
        missing = {"id", "genre", "scope", "weight"} - set(data)
        if missing:
            raise ValueError(f"genre rule {data.get('id')!r}: missing field(s) {sorted(missing)}")
        return cls(
            id=data["id"],
            genres=data["genre"],
            scopes=data["scope"],
            weight=data["weight"],
            pattern=data.get("pattern"),
            predicate=data.get("predicate"),
            args=data.get("args") or {},
            mode=data.get("mode", "search"),
            min_count=data.get("min_count", 1),
            keys=tuple(data.get("keys") or ()),
            description=data.get("description", ""),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the rule (inverse of :meth:`from_dict`)."""
        out: dict[str, Any] = {
            "id": self.id,
            "genre": self.genres[0] if len(self.genres) == 1 else list(self.genres),
            "scope": self.scopes[0] if len(self.scopes) == 1 else list(self.scopes),
        }
        if self.pattern is not None:
            out["pattern"] = self.pattern
        if self.predicate is not None:
            out["predicate"] = self.predicate
            if self.args:
                out["args"] = dict(self.args)
        if self.mode != "search":
            out["mode"] = self.mode
        if self.min_count != 1:
            out["min_count"] = self.min_count
        if self.keys:
            out["keys"] = list(self.keys)
        out["weight"] = self.weight
        out["description"] = self.description
        return out

    def __reduce__(self) -> tuple[Any, ...]:
        # rebuild through from_dict so that the compiled regex is never pickled
        return (GenreRule.from_dict, (self.to_dict(),))


RuleLike = GenreRule | Mapping[str, Any]


def coerce_rule(rule: RuleLike) -> GenreRule:
    """A :class:`GenreRule` from a rule or its JSON dict (``ValueError``/``TypeError`` if invalid)."""
    if isinstance(rule, GenreRule):
        return rule
    if isinstance(rule, Mapping):
        return GenreRule.from_dict(rule)
    raise TypeError(f"a genre rule must be a GenreRule or a dict, not {type(rule).__name__}")


def read_rules(source: str | Path | Mapping[str, Any]) -> tuple[GenreRule, ...]:
    """Rules from a JSON file (or its parsed content): ``{"version": ..., "rules": [...]}``."""
    if isinstance(source, Mapping):
        data: Any = source
    else:
        data = json.loads(Path(source).read_text("utf-8"))
    if not isinstance(data, Mapping) or not isinstance(data.get("rules"), list):
        raise ValueError("a genre rules file is a JSON object with a 'rules' list")
    rules = tuple(GenreRule.from_dict(r) for r in data["rules"])
    _check_unique(rules)
    return rules


def _check_unique(rules: Iterable[GenreRule]) -> None:
    seen: set[str] = set()
    for r in rules:
        if r.id in seen:
            raise ValueError(f"duplicate genre rule id {r.id!r}")
        seen.add(r.id)


@functools.lru_cache(maxsize=1)
def _packaged() -> tuple[str, tuple[GenreRule, ...]]:
    text = (resources.files("fazhi") / "data" / "genre_rules.json").read_text("utf-8")
    data = json.loads(text)
    return str(data.get("version", "")), read_rules(data)


def rules_version() -> str:
    """Version string of the packaged rule set."""
    return _packaged()[0]


#: Extra rule sources: zero-argument callables returning rules (GenreRule or dict).
#: :func:`load_rules` merges what they return after the packaged rules; a rule
#: whose id already exists replaces the earlier one.
RULE_SOURCES: list[Callable[[], Iterable[RuleLike]]] = []


def _plugin_rules() -> list[GenreRule]:
    """Rules registered through the ``register_genre_rules(register)`` plugin hook.

    The plugin registry collects and validates them when it loads each plugin
    (:func:`fazhi.plugins.genre_rules`), so a broken hook fails its plugin
    there, by name, and never this classifier.
    """
    from fazhi import plugins

    return [coerce_rule(r) for r in plugins.genre_rules()]


def _merge(base: Iterable[GenreRule], extra: Iterable[GenreRule]) -> list[GenreRule]:
    out = {r.id: r for r in base}
    for r in extra:
        out[r.id] = r  # replaces in place (dicts keep the first insertion position)
    return list(out.values())


def load_rules(path: str | Path | None = None, *, plugins: bool = True) -> tuple[GenreRule, ...]:
    """The default rule set: the packaged rules (or those of ``path``) plus extra sources.

    Rules from :data:`RULE_SOURCES` and, when ``plugins`` is true, from the
    ``register_genre_rules(register)`` plugin hook (when fazhi defines it) are
    merged by id: a rule with an existing id overrides it, a new id is added.
    """
    rules: list[GenreRule] = list(read_rules(path) if path is not None else _packaged()[1])
    for source in RULE_SOURCES:
        rules = _merge(rules, (coerce_rule(r) for r in source()))
    if plugins:
        rules = _merge(rules, _plugin_rules())
    return tuple(rules)


# -- document views -----------------------------------------------------------


class _Joined:
    """Units of one scope joined by newlines, with a map back to document offsets."""

    __slots__ = ("dstarts", "jends", "jstarts", "text", "ukeys")

    def __init__(self, doc_text: str, units: Sequence[tuple[int, int, str]]) -> None:
        # one loop rather than a comprehension per list: most scopes have one to
        # eight units, and this runs for every scope of every document
        pieces: list[str] = []
        dstarts: list[int] = []
        jstarts: list[int] = []
        jends: list[int] = []
        ukeys: list[str] = []
        pos = 0
        for s, e, key in units:
            pieces.append(doc_text[s:e])
            dstarts.append(s)
            jstarts.append(pos)
            pos += e - s
            jends.append(pos)
            pos += 1  # the "\n" that follows each unit
            ukeys.append(key)
        self.text = "\n".join(pieces)
        self.dstarts, self.jstarts, self.jends, self.ukeys = dstarts, jstarts, jends, ukeys

    @classmethod
    def of_spans(cls, spans: Sequence[Any]) -> _Joined:
        """The joined text of document spans (objects with ``start``/``end``/``text``,
        such as paragraphs), whose ``text`` already holds ``doc.text[start:end]``."""
        self = cls.__new__(cls)
        pieces = [s.text for s in spans]
        ends = list(itertools.accumulate([len(t) + 1 for t in pieces], initial=0))
        self.text = "\n".join(pieces)
        self.dstarts = [s.start for s in spans]
        self.jstarts = ends[:-1]
        self.jends = [e - 1 for e in ends[1:]]
        self.ukeys = [""] * len(pieces)
        return self

    def key_at(self, pos: int) -> str:
        """The key (metadata key, noise kind …) of the unit that holds ``pos``."""
        return self.ukeys[bisect.bisect_right(self.jstarts, pos) - 1]

    def to_doc(self, start: int, end: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.jstarts, start) - 1
        j = bisect.bisect_right(self.jstarts, max(start, end - 1)) - 1
        return self.dstarts[i] + start - self.jstarts[i], self.dstarts[j] + end - self.jstarts[j]


_WS = " \t\r\u00a0\u3000\ufeff\u200b"
_TITLE_STOPS = tuple("。；;，,：:！!？?、")
#: the header ends at the first heading or the first paragraph at least this long
_HEADER_PARAGRAPH = 40
_HEADER_MAX = 600
_OPENING_PARAGRAPHS = 3
_OPENING_WITHIN = 1000
_CLOSING_LINES = 8
_START = operator.itemgetter(0)
_WORD = operator.itemgetter(1)


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    # steps over the blanks at both ends instead of slicing the line: closing lines
    # can be whole paragraphs
    if s < e and text[s] not in _WS and text[e - 1] not in _WS:
        return s, e  # the usual case: nothing to strip
    start = s
    while s < e and text[s] in _WS:
        s += 1
    if s == e:
        return start, start
    while text[e - 1] in _WS:
        e -= 1
    return s, e


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of the stripped non-blank lines of ``text[start:end]``."""
    out: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl == -1 else nl
        if pos < stop:  # not an empty line
            s, e = _strip(text, pos, stop)
            if s < e:
                out.append((s, e))
        pos = stop + 1
    return out


class DocView:
    """The scopes of one document, built lazily and cached; ``fired`` holds the ids
    of the rules that fired so far (predicates run after pattern rules)."""

    __slots__ = ("_cache", "_units", "doc", "fired", "text")

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.text = doc.text
        self.fired: set[str] = set()
        self._units: dict[str, list[tuple[int, int, str]]] = {}
        self._cache: dict[tuple[str, tuple[str, ...]], _Joined] = {}

    def _noise_covers(self, s: int, e: int) -> bool:
        return any(n.start <= s and e <= n.end for n in self.doc.noise)

    def header_end(self) -> int:
        """End of the header: the first numbered heading, the first real paragraph, or
        :data:`_HEADER_MAX` characters (unnumbered "headings" are only guesses)."""
        doc = self.doc
        end = min(len(doc.text), _HEADER_MAX)
        for s in doc.walk_sections():
            if s.heading.style != "unnumbered":
                end = min(end, s.heading.start)
                break
        for p in doc.paragraphs:
            if p.start >= end:
                break
            if len(p.text) >= _HEADER_PARAGRAPH:
                end = p.start
                break
        return end

    def _closing(self) -> list[tuple[int, int]]:
        text = self.text
        noise = self.doc.noise
        out: list[tuple[int, int]] = []
        end = len(text)
        while end > 0 and len(out) < _CLOSING_LINES:
            nl = text.rfind("\n", 0, end)
            if nl + 1 < end:  # not an empty line
                s, e = _strip(text, nl + 1, end)
                if s < e and not (noise and self._noise_covers(s, e)):
                    out.append((s, e))
            end = nl
        out.reverse()
        return out

    def units(self, scope: str) -> list[tuple[int, int, str]]:
        """(start, end, key) of the units of ``scope``, in document order."""
        found = self._units.get(scope)
        if found is not None:
            return found
        doc = self.doc
        out: list[tuple[int, int, str]] = []
        if scope == "title":
            taken: set[int] = set()
            if doc.title is not None:
                out.append((doc.title.start, doc.title.end, "title"))
                taken.add(doc.title.start)
            for f in doc.meta.fields:
                if f.key in ("extra:标题", "extra:名称") and f.value:
                    out.append((f.start, f.end, f.key))
                    taken.add(f.start)
            meta_starts = {f.start for f in doc.meta.fields}
            for s, e, _ in self.units("header"):
                line = doc.text[s:e]
                if s in taken or s in meta_starts or not 4 <= len(line) <= 80:
                    continue
                if line.endswith(_TITLE_STOPS) or "。" in line:
                    continue
                out.append((s, e, "header"))
        elif scope == "meta":
            out = [(f.start, f.end, f.key) for f in doc.meta.fields]
        elif scope == "header":
            lines = _lines(doc.text, 0, self.header_end())
            if doc.noise:
                lines = [(s, e) for s, e in lines if not self._noise_covers(s, e)]
            out = [(s, e, "") for s, e in lines]
        elif scope == "opening":
            out = [
                (p.start, p.end, "")
                for p in doc.paragraphs[:_OPENING_PARAGRAPHS]
                if p.start < _OPENING_WITHIN or p.index == 0
            ]
        elif scope == "body":
            out = [(p.start, p.end, "") for p in doc.paragraphs]
        elif scope == "closing":
            out = [(s, e, "") for s, e in self._closing()]
        elif scope == "headings":
            out = [(s.heading.start, s.heading.end, s.heading.style) for s in doc.walk_sections()]
        elif scope == "noise":
            out = [(n.start, n.end, n.kind) for n in doc.noise]
        else:  # pragma: no cover - rules are validated
            raise ValueError(f"unknown scope {scope!r}")
        out.sort(key=_START)
        self._units[scope] = out
        return out

    def joined(self, scope: str, keys: tuple[str, ...] = ()) -> _Joined:
        """The units of ``scope`` (restricted to ``keys`` for meta/noise) joined by newlines."""
        cache_key = (scope, keys if scope in _KEYED_SCOPES else ())
        found = self._cache.get(cache_key)
        if found is None and scope == "body":
            # the paragraphs carry their text: no slicing, and no Python loop
            found = self._cache[cache_key] = _Joined.of_spans(self.doc.paragraphs)
        if found is None:
            units = self.units(scope)
            if cache_key[1]:
                units = [u for u in units if u[2] in cache_key[1]]
            found = _Joined(self.text, units)
            self._cache[cache_key] = found
        return found


# -- predicates ---------------------------------------------------------------

#: A predicate gets the document view and the rule's ``args`` and returns the
#: (start, end) spans that justify it; an empty list means it did not fire.
#: Predicates run after all pattern rules; ``view.fired`` holds the ids of the
#: rules that fired before them.
Predicate = Callable[[DocView, Mapping[str, Any]], list[tuple[int, int]]]

#: Named predicates rules can use (``"predicate": "<name>"``).
PREDICATES: dict[str, Predicate] = {}


def register_predicate(name: str) -> Callable[[Predicate], Predicate]:
    """Decorator: make a predicate available to rules under ``name``."""

    def decorate(fn: Predicate) -> Predicate:
        PREDICATES[name] = fn
        return fn

    return decorate


@functools.lru_cache(maxsize=256)
def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.MULTILINE)


@functools.lru_cache(maxsize=256)
def _search_with_prefilter(pattern: str) -> Callable[[str], re.Match[str] | None]:
    """``_re(pattern).search``, skipped when the text lacks the pattern's required literals."""
    search = _re(pattern).search
    required = _prefilter(pattern)
    if required is None:
        return search
    has_required = required.search

    def prefiltered(text: str) -> re.Match[str] | None:
        return search(text) if has_required(text) is not None else None

    return prefiltered


@register_predicate("signoff")
def _signoff(view: DocView, args: Mapping[str, Any]) -> list[tuple[int, int]]:
    """落款: an organisation line followed by a 成文日期 line at the end of the text."""
    fields = [f for f in view.doc.meta.fields if f.key in ("signed_by", "signed_date")]
    if {f.key for f in fields} == {"signed_by", "signed_date"}:
        return [(f.start, f.end) for f in fields]
    from fazhi.parsing.metadata import DATE_LINE, is_issuer_line

    lines = view.units("closing")
    text = view.text
    for (s0, e0, _), (s1, e1, _) in itertools.pairwise(lines):
        # the date test first: it is cheaper, and rarely passes (DATE_LINE has no
        # anchor or look-around, so matching in place equals matching the slice)
        if DATE_LINE.fullmatch(text, s1, e1) and is_issuer_line(text[s0:e0]):
            return [(s0, e0), (s1, e1)]
    return []


@register_predicate("heading_frame")
def _heading_frame(view: DocView, args: Mapping[str, Any]) -> list[tuple[int, int]]:
    """At least ``args["min"]`` of the regexes in ``args["parts"]`` each match some heading."""
    parts: Sequence[str] = args.get("parts", ())
    need = int(args.get("min", len(parts)))
    joined = view.joined("headings")
    if not joined.text or need < 1:
        return []
    spans: list[tuple[int, int]] = []
    for part in parts:
        m = _search_with_prefilter(part)(joined.text)
        if m is not None:
            i = bisect.bisect_right(joined.jstarts, m.start()) - 1
            spans.append(joined.to_doc(joined.jstarts[i], joined.jends[i]))
    return sorted(set(spans)) if len(spans) >= need else []


_NUMBERED = frozenset({"cn_dun", "cn_paren", "arabic_dot", "arabic_paren", "chapter", "ordinal"})
_WILDCARD = re.compile(r"[*?[]")  # an fnmatch pattern rather than a rule id


@register_predicate("report_body")
def _report_body(view: DocView, args: Mapping[str, Any]) -> list[tuple[int, int]]:
    """A numbered body (``min_headings`` top-level numbered headings) where none of the
    rules named in ``unless`` (ids or ``fnmatch`` patterns) fired."""
    top = [s.heading for s in view.doc.sections if s.heading.style in _NUMBERED]
    if len(top) < int(args.get("min_headings", 2)):
        return []
    if _unless_fired(tuple(args.get("unless", ())), view.fired):
        return []
    return [(h.start, h.end) for h in top[:MAX_SPANS]]


@functools.lru_cache(maxsize=64)
def _split_unless(
    unless: tuple[str, ...],
) -> tuple[frozenset[str], Callable[[str], re.Match[str] | None] | None]:
    """``unless`` as the rule ids it names and one matcher for the fnmatch patterns it
    holds (``None`` when it holds none)."""
    patterns = [p for p in unless if _WILDCARD.search(p)]
    if not patterns:
        return frozenset(unless), None
    return frozenset(unless), re.compile("|".join(fnmatch.translate(p) for p in patterns)).match


def _unless_fired(unless: tuple[str, ...], fired: set[str]) -> bool:
    """Whether a rule named in ``unless`` (an id or an ``fnmatch`` pattern) is in ``fired``."""
    ids, match = _split_unless(unless)
    if not ids.isdisjoint(fired):
        return True
    return match is not None and any(match(rid) for rid in fired)


def _check_pattern_unless_args(where: str, args: Mapping[str, Any]) -> None:
    """Reject ``pattern_unless`` arguments that would only fail when a document is read."""
    pattern = args.get("pattern")
    if not isinstance(pattern, str):
        raise ValueError(f"{where}: pattern_unless needs a 'pattern' string in args")
    try:
        _re(pattern)
    except re.error as exc:
        raise ValueError(f"{where}: invalid pattern {pattern!r}: {exc}") from None
    raw_scopes = args.get("scope", "body")
    scopes = (raw_scopes,) if isinstance(raw_scopes, str) else tuple(raw_scopes)
    if not scopes or any(sc not in SCOPES for sc in scopes):
        raise ValueError(
            f"{where}: args scope must be one or more of {list(SCOPES)}, got {raw_scopes!r}"
        )
    if args.get("mode", "search") not in _MODES:
        raise ValueError(
            f"{where}: args mode must be one of {list(_MODES)}, got {args.get('mode')!r}"
        )
    unless = args.get("unless", ())
    if isinstance(unless, str) or not all(isinstance(u, str) for u in unless):
        raise ValueError(f"{where}: args unless must be a list of rule ids, got {unless!r}")


@register_predicate("pattern_unless")
def _pattern_unless(view: DocView, args: Mapping[str, Any]) -> list[tuple[int, int]]:
    """A pattern rule that does not count when a rule named in ``unless`` (ids or
    ``fnmatch`` patterns) fired before it: weak evidence that stronger evidence
    overrules (a third-person lede, unless the body reads as a report).

    ``args``: ``pattern``, ``scope`` (a scope or a list of them; ``meta``/``noise``
    without key filtering), ``mode`` (``search``/``start``/``fullmatch``),
    ``min_count`` and ``unless``. Each scope is matched on its own joined units, as
    a pattern rule of that scope is; spans found in several scopes count once."""
    if _unless_fired(tuple(args.get("unless", ())), view.fired):
        return []
    regex = _re(str(args["pattern"]))
    mode = str(args.get("mode", "search"))
    raw_scopes = args.get("scope", "body")
    scopes = (raw_scopes,) if isinstance(raw_scopes, str) else tuple(raw_scopes)
    spans: set[tuple[int, int]] = set()
    for scope in scopes:
        units = None
        if scope == "opening" and mode != "search":
            # the opening units are the first units of the body, and a unit-bounded
            # match sees the same text in either view (no opening view to build)
            joined = view.joined("body")
            units = len(view.units("opening"))
        else:
            joined = view.joined(scope)
        text = joined.text
        if not text:
            continue
        if mode == "search":
            found = [(m.start(), m.end()) for m in regex.finditer(text) if m.end() > m.start()]
        else:
            matcher = regex.fullmatch if mode == "fullmatch" else regex.match
            found = []
            for s, e in zip(joined.jstarts[:units], joined.jends[:units], strict=True):
                m = matcher(text, s, e)
                if m is not None and m.end() > m.start():
                    found.append((m.start(), m.end()))
        spans.update(joined.to_doc(s, e) for s, e in found)
    if len(spans) < int(args.get("min_count", 1)):
        return []
    return sorted(spans)


_TITLE_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,6}?(?:自治区|省|市|县|区|州|旗|盟)")
_INSIDER = re.compile(r"我(?:省|市|县|区|州|旗|盟)")


@register_predicate("title_subject")
def _title_subject(view: DocView, args: Mapping[str, Any]) -> list[tuple[int, int]]:
    """The place that opens the title recurs at least ``min`` times in the body, and
    the insider 我省/我市/我县… at most ``max_insider`` times: a third-person account."""
    title = view.doc.title
    if title is None:
        return []
    m = _TITLE_PLACE.match(title.text)
    if m is None:
        return []
    place = m.group(0)
    body = view.joined("body")
    # the cheap test first (str.count), then the insider voice, counted only as far
    # as it matters
    if body.text.count(place) < int(args.get("min", 5)):
        return []
    max_insider = int(args.get("max_insider", 1))
    if max_insider < 0 or any(
        i > max_insider for i, _ in enumerate(_INSIDER.finditer(body.text), start=1)
    ):
        return []
    spans = [(title.start, title.start + len(place))]
    pos = body.text.find(place)
    while pos != -1 and len(spans) < MAX_SPANS:
        spans.append(body.to_doc(pos, pos + len(place)))
        pos = body.text.find(place, pos + len(place))
    return spans


# -- evaluation ----------------------------------------------------------------


@dataclass(frozen=True)
class RuleHit:
    """A rule that fired: how often it matched and the spans kept as evidence."""

    rule: GenreRule
    count: int
    spans: tuple[tuple[int, int], ...]

    def evidence(self, text: str) -> list[Evidence]:
        rule = self.rule
        rid, weight, note = rule.id, rule.weight, rule.evidence_note
        # Evidence(start, end, text, rule, weight, note), without the dataclass __init__
        return [_new_evidence(s, e, text[s:e], rid, weight, note) for s, e in self.spans]


def _sre_parser() -> Any:
    parser = getattr(re, "_parser", None)  # Python >= 3.11
    if parser is None:  # pragma: no cover - Python 3.10
        import sre_parse as parser
    return parser


_CAP = 64  # largest literal set derived for one pattern


def _in_chars(items: Iterable[tuple[Any, Any]]) -> frozenset[str] | None:
    chars: set[str] = set()
    for op, av in items:
        name = getattr(op, "name", str(op))
        if name == "LITERAL":
            chars.add(chr(av))
        elif name == "RANGE" and av[1] - av[0] < _CAP:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        else:
            return None
    return frozenset(chars)


def _product(a: Iterable[str], b: Iterable[str]) -> frozenset[str] | None:
    out = frozenset(x + y for x in a for y in b)
    return out if len(out) <= _CAP else None


def _finite(items: Iterable[tuple[Any, Any]]) -> frozenset[str] | None:
    """Every string a parsed sequence can match, when that is a small finite set."""
    acc: frozenset[str] | None = frozenset({""})
    for op, av in items:
        f = _finite_item(op, av)
        if f is None or acc is None:
            return None
        acc = _product(acc, f)
    return acc


def _ignores_case(subpattern: Any) -> bool:
    """Whether a parsed ``(?i:...)`` group turns on IGNORECASE (its literals then match in any case)."""
    return bool(subpattern[1] & re.IGNORECASE)


def _finite_item(op: Any, av: Any) -> frozenset[str] | None:
    name = getattr(op, "name", str(op))
    if name == "LITERAL":
        return frozenset({chr(av)})
    if name == "IN":
        return _in_chars(av)
    if name in ("ASSERT", "ASSERT_NOT", "AT"):
        return frozenset({""})  # zero width: matching at a position still checks them
    if name == "SUBPATTERN":
        return None if _ignores_case(av) else _finite(av[-1])
    if name == "ATOMIC_GROUP":
        return _finite(av)
    if name == "BRANCH":
        out: set[str] = set()
        for branch in av[1]:
            f = _finite(branch)
            if f is None:
                return None
            out |= f
        return frozenset(out) if len(out) <= _CAP else None
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[1] <= 2:
        item = _finite(av[2])
        if item is None:
            return None
        strings: set[str] = set()
        power: frozenset[str] | None = frozenset({""})
        for k in range(av[1] + 1):
            if power is None:
                return None
            if k >= av[0]:
                strings |= power
            power = _product(power, item)
        return frozenset(strings) if len(strings) <= _CAP else None
    return None


def _prefixes(items: Iterable[tuple[Any, Any]]) -> frozenset[str] | None:
    """Literal strings one of which every match of a parsed sequence starts with (None: unknown)."""
    acc = frozenset({""})
    for op, av in items:
        f = _finite_item(op, av)
        if f is not None:
            new = _product(acc, f)
            if new is None:
                break
            acc = new
            continue
        name = getattr(op, "name", str(op))
        sub: frozenset[str] | None = None
        if name == "SUBPATTERN":
            sub = None if _ignores_case(av) else _prefixes(av[-1])
        elif name == "ATOMIC_GROUP":
            sub = _prefixes(av)
        elif name == "BRANCH":
            parts = [_prefixes(b) for b in av[1]]
            if all(p is not None for p in parts):
                sub = frozenset().union(*parts)  # type: ignore[arg-type]
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
            sub = _prefixes(av[2])
        if sub is not None:
            new = _product(acc, sub)
            if new is not None:
                acc = new
        break
    if "" in acc:
        return None
    # keep only the shortest: a string whose proper prefix is in the set adds nothing
    return frozenset(s for s in acc if not any(s[:i] in acc for i in range(1, len(s))))


def _start_literals(pattern: str) -> frozenset[str] | None:
    """Literals every match of ``pattern`` starts with, or None when they cannot be bounded."""
    try:
        tree = _sre_parser().parse(pattern, re.MULTILINE)
        if tree.state.flags & re.IGNORECASE:
            return None
        return _prefixes(tree)
    except Exception:  # an internal parser, used only to go faster
        return None


def _starts_at(items: Sequence[tuple[Any, Any]], anchors: tuple[str, ...]) -> bool:
    """Whether every branch of the parsed pattern ``items`` begins with one of the ``anchors`` (sre AT codes)."""
    if not items:
        return False
    op, av = items[0]
    name = getattr(op, "name", str(op))
    if name == "AT":
        return getattr(av, "name", str(av)) in anchors
    if name == "BRANCH":
        return all(_starts_at(b, anchors) for b in av[1])
    if name == "SUBPATTERN":
        return _starts_at(av[-1], anchors)
    if name == "ATOMIC_GROUP":
        return _starts_at(av, anchors)
    return False


_LINE_START = ("AT_BEGINNING", "AT_BEGINNING_STRING")  # ^ (MULTILINE) or \A
_TEXT_START = ("AT_BEGINNING_STRING",)  # \A


def _min_width(pattern: str) -> int:
    """The shortest match ``pattern`` can make (0 when unknown)."""
    try:
        return int(_sre_parser().parse(pattern, re.MULTILINE).getwidth()[0])
    except Exception:  # an internal parser, used only to go faster
        return 0


def _text_anchored(pattern: str) -> bool:
    """Whether every match of ``pattern`` starts at ``\\A`` (the start of the text)."""
    try:
        return _starts_at(_sre_parser().parse(pattern, re.MULTILINE), _TEXT_START)
    except Exception:  # an internal parser, used only to go faster
        return False


def _line_starts(text: str) -> list[int]:
    """The positions where ``^`` matches in ``text`` under :data:`re.MULTILINE`."""
    out = [0]
    nl = text.find("\n")
    while nl != -1:
        out.append(nl + 1)
        nl = text.find("\n", nl + 1)
    return out


def _line_anchored(pattern: str) -> bool:
    """Whether every match of ``pattern`` (compiled with MULTILINE) starts at ``^`` or ``\\A``.

    In a text without a newline such a pattern can only match at 0, so
    ``match`` does what ``search`` does without trying every position."""
    try:
        return _starts_at(_sre_parser().parse(pattern, re.MULTILINE), _LINE_START)
    except Exception:  # an internal parser, used only to go faster
        return False


def _required(items: Iterable[tuple[Any, Any]]) -> frozenset[str] | None:
    """Literals one of which every match of a parsed sequence contains (None: unknown).

    Runs of consecutive items that match a small finite set of strings give
    candidate sets (``(?:工作)?计划`` -> {计划, 工作计划}); groups, alternations
    and repeats of at least one are looked into; the most selective set (the
    longest shortest literal) is kept."""
    best: frozenset[str] | None = None

    def consider(found: frozenset[str] | None) -> None:
        nonlocal best
        if not found or "" in found:
            return
        if best is None or (min(map(len, found)), -len(found)) > (min(map(len, best)), -len(best)):
            best = found

    run: frozenset[str] | None = frozenset({""})
    for op, av in items:
        f = _finite_item(op, av)
        if f is not None:
            run = _product(run, f) if run is not None else None
            if run is None:  # too many strings: start a new run here
                run = f
            continue
        consider(run)
        run = frozenset({""})
        name = getattr(op, "name", str(op))
        if name == "SUBPATTERN" and not _ignores_case(av):
            consider(_required(av[-1]))
        elif name == "ATOMIC_GROUP":
            consider(_required(av))
        elif name == "BRANCH":
            parts = [_required(b) for b in av[1]]
            if all(p is not None for p in parts):
                union = frozenset().union(*parts)  # type: ignore[arg-type]
                consider(union if len(union) <= _CAP else None)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
            consider(_required(av[2]))
        # anything else (a lookaround, a backreference, a wide class) requires nothing
    consider(run)
    return best


def _required_literals(pattern: str) -> tuple[str, ...] | None:
    """Literals one of which every match of ``pattern`` contains, or None when unknown."""
    try:
        tree = _sre_parser().parse(pattern, re.MULTILINE)
        if tree.state.flags & re.IGNORECASE:
            return None
        found = _required(tree)
    except Exception:  # an internal parser, used only to go faster
        return None
    if not found:
        return None
    # a literal that contains another one adds nothing to the test
    return tuple(sorted(w for w in found if not any(v != w and v in w for v in found)))


def _prefilter(pattern: str) -> re.Pattern[str] | None:
    """A regex that finds one of ``pattern``'s required literals (None: no such literals).

    When it finds nothing, ``pattern`` cannot match either. A pattern that does
    not start with a literal is tried at every position of the text; this
    alternation of literals is skipped through in C instead."""
    required = _required_literals(pattern)
    if required is None:
        return None
    return re.compile("|".join(re.escape(w) for w in required))


def _trie_regex(words: Iterable[str]) -> str:
    """A regex matching the longest of ``words`` that starts at a position."""
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


def _rules_by_literal(
    words: Sequence[str], rules: Sequence[tuple[GenreRule, frozenset[str]]]
) -> dict[str, list[GenreRule]]:
    """Literal -> the rules one of whose start literals is a prefix of it (rule order kept)."""
    by_lit: dict[str, list[int]] = {}
    for i, (_, lits) in enumerate(rules):
        for lit in lits:
            by_lit.setdefault(lit, []).append(i)
    out: dict[str, list[GenreRule]] = {}
    for w in words:
        idx = sorted({i for k in range(1, len(w) + 1) for i in by_lit.get(w[:k], ())})
        out[w] = [rules[i][0] for i in idx]
    return out


def _overlapping(words: Sequence[str]) -> frozenset[str]:
    """Words inside which another word can start (a suffix that begins a word, or a word inside)."""
    wordset = set(words)
    prefixes = {v[:k] for v in words for k in range(1, len(v) + 1)}
    out = set()
    for w in words:
        for i in range(1, len(w)):
            suffix = w[i:]
            if suffix in prefixes or any(suffix[:k] in wordset for k in range(1, len(suffix) + 1)):
                out.add(w)
                break
    return frozenset(out)


_K = TypeVar("_K")
#: a bound ``re.Pattern.match`` or ``fullmatch``: tries a rule at a position
_Matcher = Callable[..., "re.Match[str] | None"]


def _matcher(rule: GenreRule) -> _Matcher:
    assert rule.regex is not None
    return rule.regex.fullmatch if rule.mode == "fullmatch" else rule.regex.match


#: widest match for which :func:`_window_gates` builds a gate
_GATE_WIDTH = 64


def _window_gates(pattern: str) -> dict[str, tuple[_Matcher, int]] | None:
    """First character -> (search for a required literal, widest match) of an anchored rule.

    A match that starts at ``p`` with character ``c`` comes from an alternative of
    the pattern whose start literals begin with ``c``; when each such alternative
    has a bounded width and required literals (see :func:`_required`), one of
    those literals lies in ``text[p:p + width]``, so a cheap literal search there
    tells whether the rule is worth trying at ``p`` (``news.quote`` at hundreds of
    closing quotation marks, most of them followed by no speech verb). Characters
    whose gate would always pass (every start literal already holds a required
    literal) get none."""
    try:
        tree = _sre_parser().parse(pattern, re.MULTILINE)
        if tree.state.flags & re.IGNORECASE:
            return None
        items = list(tree)
        first = getattr(items[0][0], "name", str(items[0][0])) if len(items) == 1 else ""
        alts = items[0][1][1] if first == "BRANCH" else [tree]
        by_char: dict[str, list[tuple[frozenset[str], int] | None]] = {}
        for alt in alts:
            lits = _prefixes(alt)
            if not lits:
                return None  # an alternative that may start anywhere: no gate at all
            # literals required after the literal start (the start itself is known
            # to be there), else anywhere in the alternative
            k = 0
            while k < len(alt) and _finite_item(*alt[k]) is not None:
                k += 1
            req = _required(list(alt)[k:]) or _required(alt)
            width = alt.getwidth()[1]
            for ch in {w[0] for w in lits}:
                starts = [w for w in lits if w[0] == ch]
                useful = (
                    req is not None
                    and width <= _GATE_WIDTH
                    and not all(any(r in w for r in req) for w in starts)
                )
                by_char.setdefault(ch, []).append((req, width) if useful and req else None)
    except Exception:  # an internal parser, used only to go faster
        return None
    gates: dict[str, tuple[_Matcher, int]] = {}
    for ch, infos in by_char.items():
        if any(info is None for info in infos):
            continue  # some alternative starting with ch cannot be gated
        req = frozenset().union(*(info[0] for info in infos if info is not None))
        width = max(info[1] for info in infos if info is not None)
        words = sorted(w for w in req if not any(v != w and v in w for v in req))
        gates[ch] = (re.compile("|".join(re.escape(w) for w in words)).search, width)
    return gates or None


class _Trigger:
    """Finds where the literals that rules start with occur in a text.

    One scan with a trie of the literals reports, left to right, the longest
    literal at each position where one starts; literals that can start inside
    another one are looked for separately (rare). (Splitting the trie, say by
    how common the first character is, costs a second pass over the text and
    was measured not to pay.)
    """

    def __init__(self, words: Sequence[str]) -> None:
        self.words = tuple(words)
        self.trie = re.compile(_trie_regex(words))
        self.longest = max(map(len, words))
        # literals inside which another literal can start (finditer would skip it)
        self.overlapping = _overlapping(words)

    def with_inner(
        self, text: str, hits: list[tuple[int, str]], endpos: int, limit: int
    ) -> list[tuple[int, str]]:
        """``hits`` (the trie's ``finditer`` matches as (position, literal)) with, right
        after each literal, the literals that start inside it before ``limit``:
        ``finditer`` steps over them. Positions stay in order."""
        out: list[tuple[int, str]] = []
        search = self.trie.search
        for p, word in hits:
            out.append((p, word))
            if word not in self.overlapping:
                continue
            end = p + len(word)
            q = p + 1
            while q < end:
                found = search(text, q, endpos)
                if found is None or found.start() >= end or found.start() >= limit:
                    break
                q = found.start()
                out.append((q, found.group()))
                q += 1
        return out

    def present(self, text: str, by_literal: Mapping[str, Sequence[_K]], count: int) -> set[_K]:
        """The keys (out of ``count``) one of whose literals occurs somewhere in ``text``."""
        overlapping = self.overlapping
        found: set[_K] = set()
        for m in self.trie.finditer(text):
            found.update(by_literal[m.group()])
            if m.group() in overlapping:  # rare: literals that start inside this one
                q = m.start() + 1
                while q < m.end():
                    inner = self.trie.search(text, q)
                    if inner is None or inner.start() >= m.end():
                        break
                    found.update(by_literal[inner.group()])
                    q = inner.start() + 1
            if len(found) == count:
                break
        return found


class _Group:
    """The pattern rules that look at one (scope, keys).

    A search pattern whose matches all start with one of a few literals
    (derived from its parse tree) is only tried where such a literal occurs
    (a :class:`_Trigger` finds the positions). Other search patterns scan the
    text; ``start``/``fullmatch`` patterns are tried at unit starts where one of
    their first literals begins (all of them when those cannot be derived).
    Rules that share a pattern and mode share one evaluation.
    """

    def __init__(self, scope: str, rules: Sequence[GenreRule]) -> None:
        self.scope = scope
        # (mode, pattern) -> rule ids sharing it; the first rule stands for all
        self.shared: dict[tuple[str, str], list[str]] = {}
        reps: list[GenreRule] = []
        for r in rules:
            assert r.pattern is not None
            key = (r.mode, r.pattern)
            if key not in self.shared:
                self.shared[key] = []
                reps.append(r)
            self.shared[key].append(r.id)
        # the aliases of shared patterns, copied onto the results once per scan
        self.aliases = [ids for ids in self.shared.values() if len(ids) > 1]
        self.standalone: list[GenreRule] = []
        at_start: list[tuple[GenreRule, frozenset[str] | None]] = []
        anchored: list[tuple[GenreRule, frozenset[str]]] = []
        for r in reps:
            assert r.pattern is not None
            lits = _start_literals(r.pattern)
            if r.mode != "search":
                at_start.append((r, lits or None))
            elif lits:
                anchored.append((r, lits))
            else:
                self.standalone.append(r)
        # start rules: a trie of their first literals, matched once at each unit start,
        # tells which of them are worth trying there; each is (id, bound match method)
        self.at_start = bool(at_start)
        start_words = sorted({w for _, lits in at_start if lits for w in lits})
        self.start_trigger: re.Pattern[str] | None = (
            re.compile(_trie_regex(start_words)) if start_words else None
        )
        self.open_start = [(r.id, _matcher(r)) for r, lits in at_start if lits is None]
        # start literal -> the start rules worth trying where it begins (open ones included)
        self.start_by_literal: dict[str, list[tuple[str, _Matcher]]] = {
            w: [*((r.id, _matcher(r)) for r in rs), *self.open_start]
            for w, rs in _rules_by_literal(
                start_words, [(r, lits) for r, lits in at_start if lits]
            ).items()
        }
        # a unit whose first character starts no start literal needs no trie match
        self.start_chars = frozenset(w[0] for w in start_words)
        # standalone rules are tried at every position, but most of them (title forms)
        # cannot match for lack of a literal they require (see _required_literals):
        # one trie scan for all those literals tells which ones are worth running
        required = [(r, _required_literals(r.pattern or "")) for r in self.standalone]
        self.unfiltered = [i for i, (_, req) in enumerate(required) if req is None]
        filtered = [(i, frozenset(req)) for i, (_, req) in enumerate(required) if req]
        req_words = sorted({w for _, req in filtered for w in req})
        self.required_trigger = _Trigger(req_words) if req_words else None
        self.required_by_literal: dict[str, tuple[int, ...]] = {w: () for w in req_words}
        for i, req in filtered:
            for w in req_words:
                if any(w.startswith(lit) for lit in req):
                    self.required_by_literal[w] += (i,)
        self.filtered_count = len(filtered)
        # standalone patterns that can only match at a line start (``^…``, ``\A…``) and
        # never match the empty string: trying them at the line starts finds what
        # ``finditer`` finds (title forms, on a title scope of a few lines)
        self.at_lines = [
            _line_anchored(r.pattern or "") and _min_width(r.pattern or "") > 0
            for r in self.standalone
        ]
        # ... and those that can only match at the start of the text (``\A…``)
        self.at_text_start = [
            at_lines and _text_anchored(r.pattern or "")
            for r, at_lines in zip(self.standalone, self.at_lines, strict=True)
        ]
        # the anchored rules' ids and bound match methods; the trigger keys are their indices
        self.anchored_ids = [r.id for r, _ in anchored]
        self.matchers = [_matcher(r) for r, _ in anchored]
        # per anchored rule: first character -> a literal search that must succeed
        # near a position before the rule is worth trying there (see _window_gates)
        self.gates = [_window_gates(r.pattern or "") for r, _ in anchored]
        words = sorted({w for _, lits in anchored for w in lits})
        self.trigger = _Trigger(words) if words else None
        # literal -> indices of the anchored rules whose start literals are prefixes of it
        index = {r.id: i for i, (r, _) in enumerate(anchored)}
        self.by_literal: dict[str, tuple[int, ...]] = {
            w: tuple(index[r.id] for r in rs)
            for w, rs in _rules_by_literal(words, anchored).items()
        }

    def _scan_anchored(
        self, text: str, stop: int | None, found: dict[str, list[tuple[int, int]]]
    ) -> None:
        """The anchored rules' matches (before ``stop``) into ``found``, as ``finditer`` gives them.

        Each literal the trigger reports is handled as it comes: the rules it can
        start are tried there at once (rather than first collecting every rule's
        positions and then trying each rule over its list), skipping a position
        inside the rule's previous match as ``finditer`` would."""
        trigger = self.trigger
        assert trigger is not None
        # a literal that starts before ``stop`` ends before ``endpos``
        endpos = len(text) if stop is None else min(len(text), stop + trigger.longest - 1)
        limit = endpos if stop is None else stop  # every match starts before endpos
        by_literal = self.by_literal
        matchers = self.matchers
        all_gates = self.gates
        ends = [0] * len(matchers)  # per rule, where its last match ended
        spans: dict[int, list[tuple[int, int]]] = {}
        # the matches are collected by a comprehension first: cheaper than a loop body
        # that calls the match methods one by one
        hits = [(m.start(), m.group()) for m in trigger.trie.finditer(text, 0, endpos)]
        if not trigger.overlapping.isdisjoint(map(_WORD, hits)):
            hits = trigger.with_inner(text, hits, endpos, limit)  # rare
        for p, word in hits:
            if p >= limit:
                break
            for i in by_literal[word]:
                if p < ends[i]:
                    continue
                gates = all_gates[i]
                if gates is not None:
                    gate = gates.get(text[p])
                    if gate is not None and gate[0](text, p, p + gate[1]) is None:
                        continue  # no literal the match needs is within its reach
                m = matchers[i](text, p)
                if m is not None:
                    e = m.end()
                    if e > p:
                        ends[i] = e
                        got = spans.get(i)
                        if got is None:
                            spans[i] = [(p, e)]
                        else:
                            got.append((p, e))
        ids = self.anchored_ids
        for i, got in spans.items():
            found[ids[i]] = got

    def scan(
        self, text: str, jstarts: Sequence[int], jends: Sequence[int], stop: int | None = None
    ) -> dict[str, list[tuple[int, int]]]:
        """Rule id -> (start, end) matches in ``text``, non-overlapping per rule (as ``finditer``).

        With ``stop``, anchored and start rules are only tried before it: the
        matches that start there are the same, and the caller keeps only those
        (standalone rules still see the whole text)."""
        found: dict[str, list[tuple[int, int]]] = {}
        if self.trigger is not None:
            self._scan_anchored(text, stop, found)
        if self.standalone:
            runnable = set(self.unfiltered)
            if self.required_trigger is not None:
                runnable |= self.required_trigger.present(
                    text, self.required_by_literal, self.filtered_count
                )
            line_starts: list[int] | None = None
            for i in sorted(runnable):
                r = self.standalone[i]
                assert r.regex is not None
                if self.at_text_start[i]:
                    m = r.regex.match(text)
                    got = [(0, m.end())] if m is not None else []
                elif self.at_lines[i]:
                    if line_starts is None:
                        line_starts = _line_starts(text)
                    match = r.regex.match
                    got = []
                    end = 0  # where the last match ended: finditer resumes there
                    for ls in line_starts:
                        if ls >= end:
                            m = match(text, ls)
                            if m is not None:
                                end = m.end()
                                got.append((ls, end))
                else:
                    got = [
                        (m.start(), m.end()) for m in r.regex.finditer(text) if m.end() > m.start()
                    ]
                if got:
                    found[r.id] = got
        if self.at_start:
            starter = self.start_trigger.match if self.start_trigger is not None else None
            by_start = self.start_by_literal
            start_chars = self.start_chars
            open_rules = self.open_start
            if stop is not None:  # the units that start before ``stop``
                n = bisect.bisect_left(jstarts, stop)
                jstarts, jends = jstarts[:n], jends[:n]
            for s, e in zip(jstarts, jends, strict=True):
                tries = open_rules
                if starter is not None and s < e and text[s] in start_chars:
                    hit = starter(text, s, e)
                    if hit is not None:
                        tries = by_start[hit.group()]
                for rid, match in tries:
                    mm = match(text, s, e)
                    if mm is not None and mm.end() > mm.start():
                        found.setdefault(rid, []).append((mm.start(), mm.end()))
        for ids in self.aliases:
            if ids[0] in found:
                for rid in ids[1:]:
                    found[rid] = found[ids[0]]
        return found


class _Engine:
    """A compiled rule set."""

    def __init__(self, rules: Sequence[GenreRule]) -> None:
        self.rules = tuple(rules)
        self.by_genre: dict[str, list[GenreRule]] = {g: [] for g in GENRES}
        for r in self.rules:
            for g in r.genres:
                self.by_genre[g].append(r)
        grouped: dict[str, list[GenreRule]] = {}
        for r in self.rules:
            if r.pattern is None:
                continue
            # the opening is the first paragraphs of the body: a rule that looks at
            # both needs only the body; one that looks at the opening alone is tried
            # on the body text, before the end of the opening (see hits)
            scopes = set(r.scopes) - {"opening"} if "body" in r.scopes else set(r.scopes)
            for s in sorted(scopes):  # meta/noise keys are checked per match
                grouped.setdefault(s, []).append(r)
        self.groups = [_Group(s, rs) for s, rs in grouped.items()]
        seen: dict[str, int] = {}
        for rs in grouped.values():
            for r in rs:
                seen[r.id] = seen.get(r.id, 0) + 1
        self.multi_scope = frozenset(rid for rid, n in seen.items() if n > 1)
        self.predicates = [r for r in self.rules if r.predicate is not None]
        self.by_id = {r.id: r for r in self.rules}
        self.order = {r.id: i for i, r in enumerate(self.rules)}

    def hits(self, view: DocView, only: Sequence[GenreRule] | None = None) -> list[RuleHit]:
        """The rules that fire on ``view`` (all of them, or those of ``only``)."""
        wanted = None if only is None else {r.id for r in only}
        # rule id -> (count, doc spans); rules that look at several scopes may see the
        # same text twice, so their spans are pooled in a set
        single: dict[str, tuple[int, list[tuple[int, int]]]] = {}
        pooled: dict[str, set[tuple[int, int]]] = {}
        multi = self.multi_scope
        by_id = self.by_id
        for group in self.groups:
            limit = None
            if group.scope == "opening":
                # the opening rules see the body text and keep the matches that start
                # in the opening (its first units)
                joined = view.joined("body")
                n = len(view.units("opening"))
                if not n:
                    continue
                limit = joined.jends[n - 1]
            else:
                joined = view.joined(group.scope)
            if not joined.text:
                continue
            keyed = group.scope in _KEYED_SCOPES
            to_doc = joined.to_doc
            for rid, found in group.scan(joined.text, joined.jstarts, joined.jends, limit).items():
                if limit is not None:
                    found = [m for m in found if m[0] < limit]
                    if not found:
                        continue
                if keyed and by_id[rid].keys:
                    wanted_keys = by_id[rid].keys
                    found = [m for m in found if joined.key_at(m[0]) in wanted_keys]
                    if not found:
                        continue
                if rid in multi:
                    pooled.setdefault(rid, set()).update([to_doc(s, e) for s, e in found])
                else:
                    single[rid] = (len(found), [to_doc(s, e) for s, e in found[:MAX_SPANS]])
        for rid, pool in pooled.items():
            ordered = sorted(pool)
            single[rid] = (len(ordered), ordered[:MAX_SPANS])
        out: dict[str, RuleHit] = {}
        for rid, (count, kept) in single.items():
            r = by_id[rid]
            if count >= r.min_count:
                out[rid] = RuleHit(r, count, tuple(kept))
        view.fired = set(out)
        # every predicate runs, even for ``only``: a predicate may depend on what
        # fired before it (``unless``), whatever genre that rule supports
        for r in self.predicates:
            found_spans = PREDICATES[r.predicate](view, r.args)  # type: ignore[index]
            if found_spans:
                out[r.id] = RuleHit(r, len(found_spans), tuple(found_spans[:MAX_SPANS]))
                view.fired.add(r.id)
        order = self.order
        hits = sorted(out.values(), key=lambda h: order[h.rule.id])
        return hits if wanted is None else [h for h in hits if h.rule.id in wanted]


@functools.lru_cache(maxsize=16)
def _engine_for(rules: tuple[GenreRule, ...]) -> _Engine:
    """Compiled engines are shared between classifiers with equal rule sets (clones, grid search)."""
    return _Engine(rules)


def _scores(hits: Iterable[RuleHit]) -> dict[str, float]:
    scores = dict.fromkeys(GENRES, 0.0)
    for h in hits:
        for g in h.rule.genres:
            scores[g] += h.rule.weight
    del scores["unknown"]
    return scores


_GENRE_RANK = {g: i for i, g in enumerate(GENRES)}


def _ranked(scores: Mapping[str, float]) -> list[tuple[str, float]]:
    """(genre, score) by score, highest first; ties in the order of :data:`GENRES`."""
    # two stable sorts with C-level keys (taxonomy order, then score descending;
    # ``reverse`` keeps equal scores in their order) instead of a Python key function
    genres = sorted(scores, key=_GENRE_RANK.__getitem__)
    genres.sort(key=scores.__getitem__, reverse=True)
    return [(g, scores[g]) for g in genres]


def _decide(scores: Mapping[str, float], threshold: float, margin: float) -> str:
    return _decide_ranked(_ranked(scores), threshold, margin)


def _decide_ranked(ranked: Sequence[tuple[str, float]], threshold: float, margin: float) -> str:
    (top, s1), (_, s2) = ranked[0], ranked[1]
    if s1 >= threshold and s1 - s2 >= margin and s1 > 0:
        return top
    return "unknown"


def _probabilities(
    hits: Sequence[RuleHit], scores: Mapping[str, float], threshold: float, temperature: float
) -> dict[str, float]:
    """Softmax over the scores of the genres some rule fired for, plus ``unknown`` at ``threshold``."""
    fired = {g for h in hits for g in h.rule.genres}
    logits = {g: scores[g] / temperature for g in GENRES if g in fired}
    logits["unknown"] = threshold / temperature
    top = max(logits.values())
    exp = math.exp
    weights = {g: exp(v - top) for g, v in logits.items()}
    total = sum(weights.values())
    get = weights.get
    return {g: get(g, 0.0) / total for g in GENRES}


# -- results --------------------------------------------------------------------


def _snippet(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class GenreExplanation:
    """Why a document got its genre: every rule hit, the scores and the decision.

    ``str(explanation)`` is a readable report.
    """

    label: str
    scores: Mapping[str, float]
    probabilities: Mapping[str, float]
    hits: tuple[RuleHit, ...]
    threshold: float
    margin: float
    text: str = field(repr=False, default="")

    @property
    def runner_up(self) -> tuple[str, float]:
        return _ranked(self.scores)[1]

    def evidence(self) -> tuple[Evidence, ...]:
        # what chaining RuleHit.evidence gives, built in one pass (Evidence(start, end,
        # text, rule, weight, note) without the dataclass __init__)
        text = self.text
        return tuple(
            _new_evidence(s, e, text[s:e], r.id, r.weight, r.evidence_note)
            for h in self.hits
            for r in (h.rule,)
            for s, e in h.spans
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "scores": dict(self.scores),
            "probabilities": dict(self.probabilities),
            "threshold": self.threshold,
            "margin": self.margin,
            "hits": [
                {
                    "rule": h.rule.id,
                    "genres": list(h.rule.genres),
                    "weight": h.rule.weight,
                    "count": h.count,
                    "spans": [{"start": s, "end": e, "text": self.text[s:e]} for s, e in h.spans],
                    "description": h.rule.description,
                }
                for h in self.hits
            ],
        }

    def __str__(self) -> str:
        ranked = [(g, s) for g, s in _ranked(self.scores) if s != 0]
        top = ranked[0] if ranked else ("-", 0.0)
        second = ranked[1] if len(ranked) > 1 else ("-", 0.0)
        lines = [
            f"genre: {self.label} ({GENRE_NAMES[self.label]}), p={self.probabilities[self.label]:.2f}",
            f"decision: top {top[0]} {top[1]:g}, runner-up {second[0]} {second[1]:g} "
            f"(needs score >= {self.threshold:g} and a lead >= {self.margin:g})",
            "scores: " + (", ".join(f"{g} {s:g}" for g, s in ranked) or "no rule fired"),
        ]
        if self.hits:
            lines.append("rules that fired:")
        for h in sorted(self.hits, key=lambda h: (-abs(h.rule.weight), h.rule.id)):
            spans = " | ".join(f"«{_snippet(self.text[s:e])}»@{s}" for s, e in h.spans)
            count = f" ×{h.count}" if h.count > 1 else ""
            lines.append(
                f"  {h.rule.weight:+g} {'/'.join(h.rule.genres)}  {h.rule.id}{count}: {spans}"
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class GenreScore:
    """A document scored against one genre's rules: which fired and which did not."""

    genre: str
    score: float
    fired: tuple[RuleHit, ...]
    missing: tuple[GenreRule, ...]
    text: str = field(repr=False, default="")

    def __str__(self) -> str:
        lines = [f"{self.genre} ({GENRE_NAMES[self.genre]}): score {self.score:g}"]
        lines.append(f"fired ({len(self.fired)}):")
        for h in self.fired:
            spans = " | ".join(f"«{_snippet(self.text[s:e])}»" for s, e in h.spans)
            lines.append(f"  {h.rule.weight:+g} {h.rule.id}: {spans}")
        lines.append(f"missing ({len(self.missing)}):")
        for r in self.missing:
            lines.append(f"  {r.weight:+g} {r.id} [{', '.join(r.scopes)}]: {r.description}")
        return "\n".join(lines)


# -- the classifier -----------------------------------------------------------


def _as_document(x: object) -> Document:
    if isinstance(x, Document):
        return x
    if isinstance(x, (str, bytes)):
        from fazhi.parsing import parse

        return parse(x)
    raise TypeError(f"expected a fazhi Document or a str, not {type(x).__name__}")


def _iter_inputs(X: object) -> Iterator[Document]:
    if isinstance(X, (str, bytes, Document)):
        raise TypeError(
            "expected a list of texts or Documents, not a single one (wrap it in a list)"
        )
    if not isinstance(X, Iterable):
        raise TypeError(f"expected a list of texts or Documents, not {type(X).__name__}")
    for x in X:
        yield _as_document(x)


class GenreRules:
    """The rule engine behind :class:`GenreClassifier`, usable without scikit-learn.

    Parameters (stored unmodified, scikit-learn style; checked on first use):

    ``rules``
        the rule set (a sequence of :class:`GenreRule` or dicts); ``None`` means
        :func:`load_rules` (the packaged rules plus plugin rules).
    ``extra_rules``
        rules added to that set; one with an existing id overrides it.
    ``drop_rules``
        ids to remove (``fnmatch`` patterns such as ``"news.*"`` work too).
    ``threshold``
        the score the top genre needs, else the answer is ``unknown``.
    ``margin``
        the lead the top genre needs over the runner-up, else ``unknown``.
    ``temperature``
        of the softmax in :meth:`predict_proba`.
    """

    name = "genre"
    level = "document"
    labels: tuple[str, ...] = GENRES

    def __init__(
        self,
        rules: Sequence[RuleLike] | None = None,
        extra_rules: Sequence[RuleLike] = (),
        drop_rules: Sequence[str] = (),
        threshold: float = DEFAULT_THRESHOLD,
        margin: float = DEFAULT_MARGIN,
        temperature: float = 1.0,
    ) -> None:
        self.rules = rules
        self.extra_rules = extra_rules
        self.drop_rules = drop_rules
        self.threshold = threshold
        self.margin = margin
        self.temperature = temperature

    # -- rule set --------------------------------------------------------------
    def _engine(self) -> _Engine:
        cached: tuple[object, object, object, _Engine] | None = self.__dict__.get("_engine_cache")
        if (
            cached is not None
            and cached[0] is self.rules
            and cached[1] is self.extra_rules
            and cached[2] is self.drop_rules
        ):
            return cached[3]
        engine = _engine_for(tuple(self._resolve_rules()))
        self.__dict__["_engine_cache"] = (self.rules, self.extra_rules, self.drop_rules, engine)
        return engine

    def _resolve_rules(self) -> list[GenreRule]:
        if isinstance(self.rules, (str, bytes, Mapping)):
            raise TypeError("rules must be a sequence of rules (use read_rules() for a file)")
        base = list(load_rules()) if self.rules is None else [coerce_rule(r) for r in self.rules]
        _check_unique(base)
        rules = _merge(base, (coerce_rule(r) for r in self.extra_rules))
        if isinstance(self.drop_rules, str):
            raise TypeError("drop_rules must be a sequence of rule ids, not a str")
        for pattern in self.drop_rules:
            kept = [r for r in rules if not fnmatch.fnmatchcase(r.id, pattern)]
            if len(kept) == len(rules):
                raise ValueError(f"drop_rules: no rule matches {pattern!r}")
            rules = kept
        return rules

    def effective_rules(self) -> tuple[GenreRule, ...]:
        """The rules this classifier uses, after ``extra_rules`` and ``drop_rules``."""
        return self._engine().rules

    def _check_params(self) -> None:
        for name in ("threshold", "margin", "temperature"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not math.isfinite(value)
            ):
                raise ValueError(f"{name} must be a finite number, got {value!r}")
        if self.margin < 0:
            raise ValueError(f"margin must be >= 0, got {self.margin!r}")
        if self.temperature <= 0:
            raise ValueError(f"temperature must be > 0, got {self.temperature!r}")

    # -- core ----------------------------------------------------------------
    def explain(self, doc: Document | str) -> GenreExplanation:
        """Every rule hit, the per-genre scores and the decision (``str()`` it to read it)."""
        return self._explain(doc)[0]

    def _explain(self, doc: Document | str) -> tuple[GenreExplanation, str]:
        """:meth:`explain`, and the runner-up genre (the ranking is computed once)."""
        self._check_params()
        d = _as_document(doc)
        hits = tuple(self._engine().hits(DocView(d)))
        scores = _scores(hits)
        ranked = _ranked(scores)
        label = _decide_ranked(ranked, self.threshold, self.margin)
        proba = _probabilities(hits, scores, self.threshold, self.temperature)
        ex = GenreExplanation(
            label, scores, proba, hits, float(self.threshold), float(self.margin), d.text
        )
        return ex, ranked[1][0]

    def score_genre(self, doc: Document | str, genre: str) -> GenreScore:
        """Score ``doc`` against ``genre``'s rules only: what fired, what is missing."""
        if genre not in _RULE_GENRES:
            raise ValueError(f"unknown genre {genre!r}; expected one of {sorted(_RULE_GENRES)}")
        d = _as_document(doc)
        engine = self._engine()
        rules = engine.by_genre[genre]
        fired = engine.hits(DocView(d), only=rules)
        ids = {h.rule.id for h in fired}
        missing = [r for r in rules if r.id not in ids]
        score = sum(h.rule.weight for h in fired)
        return GenreScore(genre, score, tuple(fired), tuple(missing), d.text)

    def classify(self, doc: Document) -> list[Prediction]:
        """One document-level :class:`~fazhi.classifiers.base.Prediction` with all evidence."""
        ex, runner_up = self._explain(doc)
        data = {
            "scores": dict(ex.scores),
            "runner_up": runner_up,
            "threshold": ex.threshold,
            "margin": ex.margin,
            "rules_version": rules_version(),
        }
        # what Prediction.for_document builds (classifier, label, score, start, end,
        # level, target, probabilities, evidence, data), without the dataclass __init__:
        # the dicts are this call's own (the explanation is not returned)
        return [
            _new_prediction(
                self.name,
                ex.label,
                ex.probabilities[ex.label],
                0,
                len(ex.text),
                "document",
                0,
                dict(ex.probabilities),
                ex.evidence(),
                data,
            )
        ]

    # -- scikit-learn style ---------------------------------------------------
    def fit(self, X: object, y: object = None) -> GenreRules:
        """Check the parameters and the labels; nothing is learned. Sets ``classes_``."""
        import numpy as np

        self._check_params()
        self._engine()
        if y is not None:
            bad = sorted({str(v) for v in y if v not in GENRES})  # type: ignore[attr-defined]
            if bad:
                raise ValueError(f"unknown genre label(s) {bad}; expected ids from {list(GENRES)}")
        self.classes_ = np.array(sorted(GENRES))
        return self

    def _classes(self) -> npt.NDArray[np.str_]:
        import numpy as np

        classes = getattr(self, "classes_", None)
        return classes if classes is not None else np.array(sorted(GENRES))

    def predict(self, X: Iterable[Document | str]) -> npt.NDArray[np.str_]:
        """Genre ids for a list of texts or Documents (``unknown`` below threshold/margin)."""
        import numpy as np

        return np.array([self.explain(d).label for d in _iter_inputs(X)], dtype=str)

    def decision_function(self, X: Iterable[Document | str]) -> npt.NDArray[np.float64]:
        """Raw rule scores, one column per ``classes_`` entry; the ``unknown`` column holds ``threshold``."""
        import numpy as np

        classes = list(self._classes())
        self._check_params()
        rows = []
        for d in _iter_inputs(X):
            scores = _scores(self._engine().hits(DocView(d)))
            rows.append([float(self.threshold) if c == "unknown" else scores[c] for c in classes])
        return np.array(rows, dtype=float).reshape(len(rows), len(classes))

    def predict_proba(self, X: Iterable[Document | str]) -> npt.NDArray[np.float64]:
        """Probabilities per ``classes_`` entry.

        A softmax (with ``temperature``) over the scores of the genres for which
        at least one rule fired, plus ``unknown`` with the score ``threshold``;
        genres no rule supports get 0. The argmax is the top genre when its
        score exceeds ``threshold``; :meth:`predict` additionally requires the
        ``margin`` over the runner-up, so the two can differ on close calls.
        """
        import numpy as np

        classes = list(self._classes())
        rows = []
        for d in _iter_inputs(X):
            proba = self.explain(d).probabilities
            rows.append([proba[c] for c in classes])
        return np.array(rows, dtype=float).reshape(len(rows), len(classes))

    def __sklearn_is_fitted__(self) -> bool:
        return True  # rules need no fitting


@functools.cache
def _estimator_class() -> type[GenreRules]:
    from sklearn.base import BaseEstimator, ClassifierMixin

    class GenreClassifier(ClassifierMixin, GenreRules, BaseEstimator):  # type: ignore[misc]
        __doc__ = _GENRE_CLASSIFIER_DOC

        def __sklearn_tags__(self) -> Any:
            tags = super().__sklearn_tags__()
            tags.input_tags.two_d_array = False
            tags.input_tags.string = True
            tags.requires_fit = False
            tags.target_tags.required = False
            return tags

        def _more_tags(self) -> dict[str, Any]:  # scikit-learn < 1.6
            return {"X_types": ["string"], "requires_fit": False, "requires_y": False}

    GenreClassifier.__module__ = __name__
    GenreClassifier.__qualname__ = "GenreClassifier"
    return GenreClassifier


_GENRE_CLASSIFIER_DOC = """Rule-based genre classifier; also a scikit-learn estimator.

>>> clf = GenreClassifier()
>>> clf.predict(["关于加强法治政府建设的实施意见\\n\\n各街道办事处：\\n\\n为……，提出如下实施意见："])
array(['opinion'], dtype='<U7')

``classify(doc)`` gives one document-level Prediction with every rule that
fired as evidence; ``explain(doc)`` the full reasoning; ``score_genre(doc,
genre)`` what one genre's rules found and missed. See :class:`GenreRules` for
the parameters; ``fit`` learns nothing (it checks parameters and labels and
sets ``classes_``), so ``predict`` works on an unfitted instance too.
"""

if TYPE_CHECKING:
    GenreClassifier = GenreRules
else:

    def __getattr__(name: str) -> Any:
        if name == "GenreClassifier":
            return _estimator_class()
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _make_genre_classifier() -> Classifier:
    cls: type[GenreRules] = _estimator_class()
    return cls()


def classifier_factories() -> dict[str, Callable[[], Classifier]]:
    """Registry factories of this module: ``{"genre": <builds a GenreClassifier>}``.

    The factory imports scikit-learn only when called, so registering is cheap.
    """
    return {"genre": _make_genre_classifier}


def register_classifiers(register: Callable[[str, Callable[[], Classifier]], None]) -> None:
    """The ``register_classifiers`` hook body used by fazhi's built-in plugin."""
    for name, factory in classifier_factories().items():
        register(name, factory)
