"""Rule-based section roles: which parts of a document are preamble, measures,
problems, plans, safeguards or closing.

The roles are those of ``taxonomy.md`` (:data:`ROLES`). Rules are data
(``fazhi/data/role_rules.json``); each :class:`RoleRule` has an ``id``, the
``role`` it gives, a ``scope``, a regular expression, a ``weight`` (its
confidence, in ``(0, 1]``), an ``override`` flag and a description. Scopes:

``heading``
    the heading title of a section (without its number);
``lead``
    the first sentence of a section's first paragraph, used only when the
    heading of a top-level section says nothing;
``paragraph``
    a paragraph that starts the closing block (附件, (此件公开发布), 抄送, a
    bare 成文日期), used by :func:`paragraph_roles`.

How a section gets its role:

* a top-level section takes the role of the strongest heading rule that
  matches (the earliest match on a tie: "存在的问题和下一步打算" is
  ``problems``), else of a ``lead`` rule, else the default role
  (``measures``: the body of the document);
* a sub-section inherits its parent's role, unless its own heading matches
  a rule marked ``override`` (存在的问题, 下一步打算, 附件 …): so
  "(三)有待加强" under 存在的问题 stays ``problems``, and "履行第一责任人
  责任" under 保障措施 stays ``safeguards``;
* sections that start after the closing block has begun are ``closing``.

A paragraph's role is its innermost section's role; text before the first
heading is ``preamble``; paragraphs from the first closing paragraph on (附件,
(此件公开发布), 抄送, a bare 成文日期; never the first paragraph) are
``closing``, and so are sections that start after it. See :func:`paragraph_roles`.
"""

from __future__ import annotations

import bisect
import fnmatch
import functools
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from fazhi.classifiers.base import (
    Classifier,
    Evidence,
    Prediction,
    _new_evidence,
    _new_prediction,
)
from fazhi.document import Document, Section

__all__ = [
    "ROLES",
    "ROLE_NAMES",
    "RoleRule",
    "SectionRoleClassifier",
    "classifier_factories",
    "load_role_rules",
    "paragraph_roles",
    "read_role_rules",
    "register_classifiers",
]

log = logging.getLogger(__name__)

#: Section-role ids, in the order of ``taxonomy.md``.
ROLES: tuple[str, ...] = ("preamble", "measures", "problems", "plans", "safeguards", "closing")
#: Chinese display names of the roles.
ROLE_NAMES: Mapping[str, str] = {
    "preamble": "导语/总体要求",
    "measures": "举措与成效/主要任务",
    "problems": "问题与不足",
    "plans": "下一步打算",
    "safeguards": "保障措施",
    "closing": "落款/附件",
}
_SCOPES = ("heading", "lead", "paragraph")
_FIELDS = frozenset({"id", "role", "scope", "pattern", "weight", "override", "description"})
#: paragraphs longer than this never start the closing block
_CLOSING_MAX = 300
_DEFAULT_SCORE = 0.5
_INHERIT_FACTOR = 0.95


@dataclass(frozen=True)
class RoleRule:
    """One section-role rule (see the module docs); ``pattern`` is compiled with :data:`re.MULTILINE`."""

    id: str
    role: str
    scope: str
    pattern: str
    weight: float
    override: bool = False
    description: str = ""
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        where = f"role rule {self.id!r}"
        if not isinstance(self.id, str) or not self.id:
            raise ValueError(f"a role rule needs a non-empty str id, got {self.id!r}")
        if self.role not in ROLES:
            raise ValueError(f"{where}: role must be one of {list(ROLES)}, got {self.role!r}")
        if self.scope not in _SCOPES:
            raise ValueError(f"{where}: scope must be one of {list(_SCOPES)}, got {self.scope!r}")
        if (
            isinstance(self.weight, bool)
            or not isinstance(self.weight, (int, float))
            or not 0 < self.weight <= 1
        ):
            raise ValueError(f"{where}: weight must be a number in (0, 1], got {self.weight!r}")
        object.__setattr__(self, "weight", float(self.weight))
        try:
            object.__setattr__(self, "regex", re.compile(self.pattern, re.MULTILINE))
        except (re.error, TypeError) as exc:
            raise ValueError(f"{where}: invalid pattern {self.pattern!r}: {exc}") from None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RoleRule:
        unknown = set(data) - _FIELDS
        if unknown:
            raise ValueError(f"role rule {data.get('id')!r}: unknown field(s) {sorted(unknown)}")
        missing = {"id", "role", "scope", "pattern", "weight"} - set(data)
        if missing:
            raise ValueError(f"role rule {data.get('id')!r}: missing field(s) {sorted(missing)}")
        return cls(
            id=data["id"],
            role=data["role"],
            scope=data["scope"],
            pattern=data["pattern"],
            weight=data["weight"],
            override=bool(data.get("override", False)),
            description=data.get("description", ""),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "role": self.role,
            "scope": self.scope,
            "pattern": self.pattern,
            "weight": self.weight,
        }
        if self.override:
            out["override"] = True
        out["description"] = self.description
        return out

    def __reduce__(self) -> tuple[Any, ...]:
        return (RoleRule.from_dict, (self.to_dict(),))


RoleRuleLike = RoleRule | Mapping[str, Any]


def _coerce(rule: RoleRuleLike) -> RoleRule:
    if isinstance(rule, RoleRule):
        return rule
    if isinstance(rule, Mapping):
        return RoleRule.from_dict(rule)
    raise TypeError(f"a role rule must be a RoleRule or a dict, not {type(rule).__name__}")


def read_role_rules(source: str | Path | Mapping[str, Any]) -> tuple[RoleRule, ...]:
    """Rules from a JSON file (or its parsed content): ``{"version": ..., "rules": [...]}``."""
    data: Any = (
        source if isinstance(source, Mapping) else json.loads(Path(source).read_text("utf-8"))
    )
    if not isinstance(data, Mapping) or not isinstance(data.get("rules"), list):
        raise ValueError("a role rules file is a JSON object with a 'rules' list")
    rules = tuple(RoleRule.from_dict(r) for r in data["rules"])
    seen: set[str] = set()
    for r in rules:
        if r.id in seen:
            raise ValueError(f"duplicate role rule id {r.id!r}")
        seen.add(r.id)
    return rules


@functools.lru_cache(maxsize=1)
def _packaged() -> tuple[str, str, tuple[RoleRule, ...]]:
    data = json.loads((resources.files("fazhi") / "data" / "role_rules.json").read_text("utf-8"))
    default = data.get("default_role", "measures")
    if default not in ROLES:
        raise ValueError(f"role_rules.json: default_role {default!r} is not a role")
    return str(data.get("version", "")), default, read_role_rules(data)


def load_role_rules(path: str | Path | None = None) -> tuple[RoleRule, ...]:
    """The packaged role rules, or those of the JSON file ``path``."""
    return read_role_rules(path) if path is not None else _packaged()[2]


# -- matching ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Match:
    rule: RoleRule
    start: int  # in doc.text
    end: int


class _Rules:
    def __init__(self, rules: Sequence[RoleRule]) -> None:
        self.rules = tuple(rules)
        self.heading = [r for r in self.rules if r.scope == "heading"]
        self.lead = [r for r in self.rules if r.scope == "lead"]
        self.lead_anchored = _lead_anchored(tuple(self.lead))
        self.paragraph = tuple(r for r in self.rules if r.scope == "paragraph")
        self.paragraph_starts = _paragraph_starts(self.paragraph)
        self.heading_trigger = _heading_trigger(tuple(self.heading))


def _best(candidates: Iterable[_Match]) -> _Match | None:
    best: _Match | None = None
    for m in candidates:
        if best is None or (m.rule.weight, -m.start) > (best.rule.weight, -best.start):
            best = m
    return best


def _heading_trigger(rules: tuple[RoleRule, ...]) -> re.Pattern[str] | None:
    """A regex for the literals every match of a heading rule starts with (None: unknown).

    Most documents' headings match no rule at all; one search for these
    literals says so, instead of one scan per rule."""
    from fazhi.classifiers.genre import _start_literals, _trie_regex

    words: set[str] = set()
    for rule in rules:
        lits = _start_literals(rule.pattern)
        if not lits:
            return None
        words |= lits
    return re.compile(_trie_regex(sorted(words))) if words else None


def _heading_matches(
    doc: Document,
    sections: Sequence[Section],
    rules: Sequence[RoleRule],
    trigger: re.Pattern[str] | None = None,
) -> list[list[_Match]]:
    """For each section, the heading rules that match its title (one joined scan per rule).

    ``trigger`` (see :func:`_heading_trigger`) finding nothing means no rule matches."""
    titles = [s.heading.title for s in sections]
    joined = "\n".join(titles)
    if trigger is not None and trigger.search(joined) is None:
        return [[] for _ in sections]
    starts: list[int] = []
    pos = 0
    for t in titles:
        starts.append(pos)
        pos += len(t) + 1
    out: list[list[_Match]] = [[] for _ in sections]
    for rule in rules:
        for m in rule.regex.finditer(joined):
            if m.end() == m.start():
                continue
            i = bisect.bisect_right(starts, m.start()) - 1
            if m.end() > starts[i] + len(titles[i]):
                continue  # crossed into the next heading
            h = sections[i].heading
            off = h.text.find(titles[i]) if titles[i] else -1
            base = h.start + off if off >= 0 else h.start
            s = base + m.start() - starts[i]
            e = base + m.end() - starts[i]
            if doc.text[s:e] != m.group():
                s, e = h.start, h.end  # the parser normalised the title: point at the whole heading
            out[i].append(_Match(rule, s, e))
    return out


_SENTENCE_END = re.compile("[。！？!?]")


def _first_sentence(section: Section) -> tuple[int, int, str] | None:
    if not section.paragraphs:
        return None
    p = section.paragraphs[0]
    text = p.text
    m = _SENTENCE_END.search(text)
    stop = len(text) if m is None else m.end()
    return p.start, p.start + stop, text[:stop]


@functools.lru_cache(maxsize=32)
def _lead_anchored(rules: tuple[RoleRule, ...]) -> tuple[bool, ...]:
    """For each lead rule, whether it can only match at the start of a line (``^…``)."""
    from fazhi.classifiers.genre import _line_anchored

    return tuple(_line_anchored(r.pattern) for r in rules)


def _lead_match(
    section: Section, rules: Sequence[RoleRule], anchored: Sequence[bool]
) -> _Match | None:
    """The best ``lead`` rule match in the first sentence of the section's first paragraph.

    ``anchored[i]``: rule i only matches at a line start; in a one-line sentence
    ``match`` then finds what ``search`` finds, without trying every position."""
    lead = _first_sentence(section)
    if lead is None:
        return None
    start, _, sentence = lead
    one_line = "\n" not in sentence
    best: _Match | None = None
    for r, at_start in zip(rules, anchored, strict=True):
        m = r.regex.match(sentence) if at_start and one_line else r.regex.search(sentence)
        if (
            m is not None
            and m.end() > m.start()
            and (best is None or (r.weight, -(start + m.start())) > (best.rule.weight, -best.start))
        ):
            best = _Match(r, start + m.start(), start + m.end())
    return best


@functools.lru_cache(maxsize=32)
def _paragraph_starts(rules: tuple[RoleRule, ...]) -> tuple[str, ...] | None:
    """Literals every closing-paragraph match starts with (None: unknown, try every paragraph)."""
    from fazhi.classifiers.genre import _start_literals

    out: set[str] = set()
    for rule in rules:
        lits = _start_literals(rule.pattern)
        if not lits:
            return None
        out |= lits
    return tuple(sorted(out))


def _closing_start(doc: Document, rules: _Rules) -> tuple[int, _Match] | None:
    """Index of the paragraph where the closing block starts, and the rule that says so.

    Any paragraph but the first can start it: in a 公文 a paragraph that opens
    with 附件, (此件公开发布), 抄送 or a bare date ends the main text."""
    starts = rules.paragraph_starts
    for p in doc.paragraphs[1:]:
        text = p.text
        if len(text) > _CLOSING_MAX or (starts is not None and not text.startswith(starts)):
            continue
        for rule in rules.paragraph:
            m = rule.regex.match(p.text)
            if m is not None and m.end() > m.start():
                return p.index, _Match(rule, p.start + m.start(), p.start + m.end())
    return None


class SectionRoleClassifier:
    """Section roles from headings and cue phrases (see the module docs).

    ``rules`` replaces the packaged rule set; ``extra_rules`` adds rules (an
    existing id is overridden); ``drop_rules`` removes ids (``fnmatch``
    patterns allowed); ``default_role`` is the role of a top-level section
    that no rule speaks for.
    """

    name = "role"
    level = "section"
    labels: tuple[str, ...] = ROLES

    def __init__(
        self,
        rules: Sequence[RoleRuleLike] | None = None,
        extra_rules: Sequence[RoleRuleLike] = (),
        drop_rules: Sequence[str] = (),
        default_role: str | None = None,
    ) -> None:
        self.rules = rules
        self.extra_rules = extra_rules
        self.drop_rules = drop_rules
        self.default_role = default_role

    def _compiled(self) -> _Rules:
        cached: tuple[object, object, object, _Rules] | None = self.__dict__.get("_rules_cache")
        if (
            cached is not None
            and cached[0] is self.rules
            and cached[1] is self.extra_rules
            and cached[2] is self.drop_rules
        ):
            return cached[3]
        base = list(load_role_rules()) if self.rules is None else [_coerce(r) for r in self.rules]
        merged = {r.id: r for r in base}
        for r in self.extra_rules:
            rr = _coerce(r)
            merged[rr.id] = rr
        rules = list(merged.values())
        if isinstance(self.drop_rules, str):
            raise TypeError("drop_rules must be a sequence of rule ids, not a str")
        for pattern in self.drop_rules:
            kept = [r for r in rules if not fnmatch.fnmatchcase(r.id, pattern)]
            if len(kept) == len(rules):
                raise ValueError(f"drop_rules: no role rule matches {pattern!r}")
            rules = kept
        compiled = _Rules(rules)
        self.__dict__["_rules_cache"] = (self.rules, self.extra_rules, self.drop_rules, compiled)
        return compiled

    def effective_rules(self) -> tuple[RoleRule, ...]:
        """The rules in use after ``extra_rules`` and ``drop_rules``."""
        return self._compiled().rules

    def _default(self) -> str:
        default = self.default_role if self.default_role is not None else _packaged()[1]
        if default not in ROLES:
            raise ValueError(f"default_role must be one of {list(ROLES)}, got {default!r}")
        return default

    def classify(self, doc: Document) -> list[Prediction]:
        """One section-level Prediction per section, in ``doc.walk_sections()`` order."""
        rules = self._compiled()
        default = self._default()
        sections = list(doc.walk_sections())
        if not sections:
            return []
        text = doc.text
        index_of = {s.path: i for i, s in enumerate(sections)}
        matches = _heading_matches(doc, sections, rules.heading, rules.heading_trigger)
        closing = _closing_start(doc, rules)
        closing_at = doc.paragraphs[closing[0]].start if closing is not None else None
        closing_ev: tuple[Evidence, ...] = ()
        if closing is not None:
            m = closing[1]
            closing_ev = (
                _new_evidence(
                    m.start,
                    m.end,
                    text[m.start : m.end],
                    m.rule.id,
                    m.rule.weight,
                    "the closing block starts here",
                ),
            )
        default_note = f"no role cue: default role {default}"
        lead_rules, lead_anchored = rules.lead, rules.lead_anchored
        labels: list[str] = []
        scores: list[float] = []
        evidence: list[tuple[Evidence, ...]] = []
        # what Prediction.for_section gives (classifier, label, score, start, end,
        # level, target, probabilities, evidence, data) and Evidence(start, end, text,
        # rule, weight, note), built without the dataclass __init__: there is one of
        # each per section
        out: list[Prediction] = []
        name = self.name
        others = len(ROLES) - 1
        # the probabilities of a (label, score): every role but the label shares what
        # the label leaves (one per key, copied for each prediction)
        probas: dict[tuple[str, float], dict[str, float]] = {}
        for i, section in enumerate(sections):
            h = section.heading
            own = matches[i]
            path = section.path
            parent = index_of.get(path[:-1]) if len(path) > 1 else None
            if closing_at is not None and h.start >= closing_at and closing is not None:
                label, score = "closing", closing[1].rule.weight
                ev = closing_ev
            elif parent is None:
                best = _best(own) if own else _lead_match(section, lead_rules, lead_anchored)
                if best is not None:
                    label, score = best.rule.role, best.rule.weight
                    ev = (_evidence(doc, best),)
                else:
                    label, score = default, _DEFAULT_SCORE
                    ev = (_new_evidence(h.start, h.end, h.text, None, None, default_note),)
            else:
                best = _best([m for m in own if m.rule.override]) if own else None
                if best is not None:
                    label, score = best.rule.role, best.rule.weight
                    ev = (_evidence(doc, best),)
                else:
                    label, score = labels[parent], round(scores[parent] * _INHERIT_FACTOR, 6)
                    ev = ()
                    if evidence[parent]:
                        e = evidence[parent][0]
                        note = f"inherited from the parent section {sections[parent].heading.text!r}; {e.note}"
                        ev = (_new_evidence(e.start, e.end, e.text, e.rule, e.weight, note),)
            labels.append(label)
            scores.append(score)
            evidence.append(ev)
            proba = probas.get((label, score))
            if proba is None:
                proba = dict.fromkeys(ROLES, (1.0 - score) / others)
                proba[label] = score
                probas[label, score] = proba
            out.append(
                _new_prediction(
                    name,
                    label,
                    score,
                    section.start,
                    section.end,
                    "section",
                    i,
                    dict(proba),
                    ev,
                    {},
                )
            )
        return out

    def paragraph_roles(
        self, doc: Document, predictions: Sequence[Prediction] | None = None
    ) -> list[str]:
        """The role of every paragraph of ``doc`` (see :func:`paragraph_roles`)."""
        if predictions is None:
            predictions = self.classify(doc)
        return _paragraph_roles(doc, predictions, self._compiled())


def _evidence(doc: Document, m: _Match) -> Evidence:
    note = f"{m.rule.role}: {m.rule.description}"
    return _new_evidence(m.start, m.end, doc.text[m.start : m.end], m.rule.id, m.rule.weight, note)


def _paragraph_roles(doc: Document, predictions: Sequence[Prediction], rules: _Rules) -> list[str]:
    by_target = {p.target: p.label for p in predictions if p.level == "section"}
    index_of = {s.path: i for i, s in enumerate(doc.walk_sections())}
    closing = _closing_start(doc, rules)
    first_closing = closing[0] if closing is not None else len(doc.paragraphs)
    out: list[str] = []
    for p in doc.paragraphs:
        if p.index >= first_closing:
            out.append("closing")
        elif not p.section_path:
            out.append("preamble")
        else:
            out.append(by_target.get(index_of.get(p.section_path, -1), "measures"))
    return out


def paragraph_roles(doc: Document, predictions: Sequence[Prediction] | None = None) -> list[str]:
    """The role of every paragraph of ``doc``, in ``doc.paragraphs`` order.

    ``predictions`` are the section predictions of a :class:`SectionRoleClassifier`
    (computed with the default one when omitted). A paragraph takes its
    innermost section's role; text before the first heading is ``preamble``;
    from the first closing paragraph (附件, (此件公开发布), 抄送, a bare date;
    never the first paragraph) on, everything is ``closing``.
    """
    clf = SectionRoleClassifier()
    if predictions is None:
        predictions = clf.classify(doc)
    return _paragraph_roles(doc, predictions, clf._compiled())


def classifier_factories() -> dict[str, Callable[[], Classifier]]:
    """Registry factories of this module: ``{"role": SectionRoleClassifier}``."""
    return {"role": SectionRoleClassifier}


def register_classifiers(register: Callable[[str, Callable[[], Classifier]], None]) -> None:
    """The ``register_classifiers`` hook body used by fazhi's built-in plugin."""
    for name, factory in classifier_factories().items():
        register(name, factory)
