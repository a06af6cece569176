"""Rule-based extraction of quantitative indicators from Chinese report text.

Pure functions over strings; no fazhi import, no third-party dependency.

An indicator is a number with a unit, as evaluators tabulate them from 法治政府
建设 reports: ``受理行政复议申请218件``, ``出庭应诉率达70%以上``,
``化解各类矛盾纠纷2128余件``, ``发放宣传材料8万余份``, ``两千余件``,
``压减约40%``, ``3至5个``. Precision comes first, so a number is only taken
when a known unit (or ``%``) follows it, and these are skipped:

* years, dates and times (a number followed by 年/月/日/时, ``2018-09-19``);
* ordinals (``第二批``, ``第10期``) and rankings (``前10名``);
* anything inside 《…》 (law and document titles), “…”/「…」 (slogans such as
  “八五”, “六个一”) and 〔…〕/﹝…﹞/[…]/【…】 (document numbers such as
  ``〔2018〕8号``);
* single-digit Chinese numerals (``一是``, ``两个``, ``三项制度``), which are
  far more often words than counts; Chinese numerals are taken when they
  carry a magnitude (``十七``, ``两千``, ``三万``) and a bare ``百``/``千``/
  ``万`` only with a qualifier (``百余名``, ``近千人``; not ``千家万户``);
* numbers glued to Latin letters or other digits (``5G``, phone numbers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

__all__ = ["KINDS", "Indicator", "extract_indicators", "parse_chinese_number"]

# -- units ------------------------------------------------------------------

_UNIT_KINDS: dict[str, str] = {}
for _kind, _units in {
    "count": (
        "人次 场次 件次 户次 家次 批次 "
        "人 名 位 件 次 场 个 份 项 条 起 家 所 户 期 批 部 篇 册 本 套 处 座 支 类 宗 例 张 台 辆 间 栋 堂 节 轮 组 支 "
        "个部门 部门"
    ),
    "percent": "% ％",
    "percentage_point": "个百分点",
    "money": "元",
    "duration": "个工作日 工作日 个月 小时 分钟 天",
    "measure": "平方米 平方公里 公里 公顷 亩 吨",
    "ratio": "倍",
}.items():
    for _u in _units.split():
        _UNIT_KINDS[_u] = _kind

#: The indicator kinds, in a stable order (the classifier's labels).
KINDS: tuple[str, ...] = (
    "count",
    "percent",
    "percentage_point",
    "money",
    "duration",
    "measure",
    "ratio",
)

_UNIT_RE = "|".join(re.escape(u) for u in sorted(_UNIT_KINDS, key=len, reverse=True))

# -- numbers ----------------------------------------------------------------

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_CHARS = "".join([*_CN_DIGITS, *_CN_SMALL, *_CN_BIG])

_AR = r"\d{1,3}(?:,\d{3})+(?![\d,])|\d+(?:\.\d+)?"
_CN = f"[{_CN_CHARS}]+"
_NUM = f"(?:{_AR}|{_CN})"
_SEP = r"至|到|-|—|～|~"

_MENTION = re.compile(
    rf"(?P<pre>超过|将近|多达|约|近|超|逾)?"
    rf"(?:"
    rf"百分之(?P<pnum>{_NUM})(?:(?P<psep>{_SEP})(?:百分之)?(?P<pnum2>{_NUM}))?"
    rf"|"
    rf"(?P<num>{_NUM})(?P<mag>万|亿)?(?:[%％](?=(?:{_SEP})))?"
    rf"(?:(?P<sep>{_SEP})(?P<num2>{_NUM})(?P<mag2>万|亿)?)?"
    rf"(?P<post>余|多)?(?P<unit>{_UNIT_RE})"
    rf")"
    rf"(?P<after>以上|以下|左右|之多)?"
)

# spans whose numbers are never indicators: titles, quoted slogans, document numbers
_MASK = re.compile(
    r"《[^《》]*》|“[^“”]{0,60}”|「[^「」]{0,60}」|〔[^〔〕]*〕|﹝[^﹝﹞]*﹞|\[[^\[\]]*\]|【[^【】]*】"
)

# a number right after one of these is an ordinal, a rank or a vague amount
_BAD_BEFORE = set("第前数几上成每×*") | set(_CN_CHARS)
_CLAUSE_END = frozenset("，,；;。：:！!？?\n")  # the clause reported with an indicator
_PHRASE_END = _CLAUSE_END | {"、"}  # the phrase "what" is taken from

_QUALIFIER_BOUND = {
    "余": "lower",
    "多": "lower",
    "以上": "lower",
    "超": "lower",
    "超过": "lower",
    "逾": "lower",
    "多达": "lower",
    "之多": "lower",
    "近": "approx",
    "将近": "approx",
    "约": "approx",
    "左右": "approx",
    "以下": "upper",
}

_LEAD = re.compile(
    r"^(?:[一二三四五六七八九十]+是|\d{4}年度?(?:以来)?|去年|今年以来|今年|全年|年内|本年度|累计|共计|共"
    r"|先后|目前|截至目前|同时|此外|另外|全区|全市|全县|全省|的)+"
)
_JOINERS_LEAD = re.compile(r"^(?:以及|和|及|与|、)")
_JOINERS_TRAIL = re.compile(r"(?:以及|和|及|与|、)$")
_TRAIL = re.compile(
    r"(?:保持在|保持|达到|达|为|是|至|超过|总计|合计|共计|共|累计|分别为|分别|的)+$"
)


def parse_chinese_number(text: str) -> int | None:
    """The value of a Chinese numeral (``两千`` → 2000, ``十七`` → 17, ``三万五千`` → 35000).

    Returns ``None`` for strings that are not a well-formed numeral (such as
    ``二五``).
    """
    total = section = number = 0
    last_digit = False
    for i, ch in enumerate(text):
        if ch in _CN_DIGITS:
            if last_digit and text[i - 1] not in "零〇":
                return None
            number = _CN_DIGITS[ch]
            last_digit = True
            continue
        last_digit = False
        if ch in _CN_SMALL:
            section += (
                number or (1 if i == 0 or text[i - 1] not in _CN_DIGITS else 0)
            ) * _CN_SMALL[ch]
            number = 0
        elif ch == "万":
            base = section + number or (1 if total == 0 else 0)
            total += base * _CN_BIG[ch]
            section = number = 0
        elif ch == "亿":
            total = (total + section + number or 1) * _CN_BIG[ch]
            section = number = 0
        else:
            return None
    return total + section + number


def _to_number(text: str, mag: str | None) -> int | float | None:
    if text[0].isdigit():
        value = Decimal(text.replace(",", ""))
    else:
        parsed = parse_chinese_number(text)
        if parsed is None:
            return None
        value = Decimal(parsed)
    if mag:
        value *= _CN_BIG[mag]
    return int(value) if value == value.to_integral_value() else float(value)


def _cn_ok(text: str, qualified: bool) -> bool:
    """Chinese numerals: need a magnitude; a bare 百/千/万/亿 needs a qualifier."""
    if text[0].isdigit():
        return True
    if not any(c in text for c in "十百千万亿"):
        return False
    return not (len(text) == 1 and text in "百千万亿" and not qualified)


@dataclass(frozen=True, slots=True)
class Indicator:
    """One quantitative indicator found in a text.

    ``start``/``end`` delimit the mention (number, unit and qualifiers) in the
    text passed to :func:`extract_indicators` plus its ``offset``. ``value``
    is normalised (``8万`` → 80000, ``两千`` → 2000); ``value_max`` is the
    upper end of a range (``3至5个``) or ``None``. ``unit`` is the unit as
    written without magnitude (``件``, ``%``, ``元``), ``kind`` one of
    :data:`KINDS`. ``qualifier`` is the hedge as written (``余``, ``以上``,
    ``近``, ``约``, ``多``, ``超``…) and ``bound`` its meaning: ``"lower"``
    (at least / more than), ``"approx"`` or ``"upper"``. ``what`` is what was
    counted, from the surrounding clause (``受理行政复议申请``), and
    ``clause`` the clause itself.
    """

    start: int
    end: int
    text: str
    value: int | float
    unit: str
    kind: str
    what: str
    clause: str
    value_max: int | float | None = None
    qualifier: str | None = None
    bound: str | None = None
    rule: str = "arabic"

    def to_dict(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "value": self.value,
            "value_max": self.value_max,
            "unit": self.unit,
            "kind": self.kind,
            "qualifier": self.qualifier,
            "bound": self.bound,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "clause": self.clause,
            "rule": self.rule,
        }


def _masked(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _MASK.finditer(text)]


def _clause(text: str, start: int, end: int, boundary: frozenset[str]) -> tuple[int, int]:
    i = start
    while i > 0 and text[i - 1] not in boundary:
        i -= 1
    j = end
    while j < len(text) and text[j] not in boundary:
        j += 1
    return i, j


def _what(before: str, after: str) -> str:
    before = _TRAIL.sub("", _LEAD.sub("", _JOINERS_LEAD.sub("", before.strip())))
    after = _JOINERS_TRAIL.sub("", after.strip())
    if len(after) > 30:
        after = after[:30] + "…"
    return (before + after).strip()


def extract_indicators(text: str, offset: int = 0) -> list[Indicator]:
    """Every indicator in ``text``, in order; spans are shifted by ``offset``.

    >>> [(i.value, i.unit, i.qualifier) for i in extract_indicators("化解各类矛盾纠纷2128余件,群众满意率保持98%以上")]
    [(2128, '件', '余'), (98, '%', '以上')]
    """
    masks = _masked(text)
    out: list[Indicator] = []
    for m in _MENTION.finditer(text):
        start, end = m.span()
        num_start = m.start("pnum") if m.group("pnum") else m.start("num")
        if any(a <= start < b for a, b in masks):
            continue
        before = text[num_start - 1] if num_start > 0 else ""
        if before and (
            before in _BAD_BEFORE or (before.isascii() and (before.isalnum() or before in ".-/:"))
        ):
            continue
        after_char = text[end] if end < len(text) else ""
        if after_char.isascii() and after_char.isalnum():
            continue
        pre, post, after = m.group("pre"), m.group("post"), m.group("after")
        qualified = bool(pre or post or after)
        if m.group("pnum"):
            first, first_mag = m.group("pnum"), None
            second, second_mag = m.group("pnum2"), None
            unit, kind, rule = "%", "percent", "percent-words"
        else:
            first, first_mag = m.group("num"), m.group("mag")
            second, second_mag = m.group("num2"), m.group("mag2")
            unit = m.group("unit")
            kind = _UNIT_KINDS[unit]
            if unit == "％":
                unit = "%"
            rule = "arabic" if first[0].isdigit() else "chinese"
            if not _cn_ok(first, qualified) or (second and not _cn_ok(second, True)):
                continue
        value = _to_number(first, first_mag)
        if value is None:
            continue
        value_max = None
        if second:
            value_max = _to_number(second, second_mag or first_mag)
            if value_max is None or value_max < value:
                continue
            rule += "-range"
        qualifier_parts = [q for q in (pre, post, after) if q]
        qualifier = "".join(qualifier_parts) if qualifier_parts else None
        bound = None
        if qualifier_parts:
            bounds = {_QUALIFIER_BOUND[q] for q in qualifier_parts}
            bound = bounds.pop() if len(bounds) == 1 else "approx"
        c_start, c_end = _clause(text, start, end, _CLAUSE_END)
        out.append(
            Indicator(
                start=start + offset,
                end=end + offset,
                text=text[start:end],
                value=value,
                value_max=value_max,
                unit=unit,
                kind=kind,
                what="",
                clause=text[c_start:c_end].strip(),
                qualifier=qualifier,
                bound=bound,
                rule=rule,
            )
        )
    # what was counted: the phrase around each mention, not reaching into its neighbours
    for i, ind in enumerate(out):
        start, end = ind.start - offset, ind.end - offset
        p_start, p_end = _clause(text, start, end, _PHRASE_END)
        prev_end = out[i - 1].end - offset if i else 0
        next_start = out[i + 1].start - offset if i + 1 < len(out) else len(text)
        what = _what(text[max(p_start, prev_end) : start], text[end : min(p_end, next_start)])
        if (
            not what
            and i
            and out[i - 1].unit == ind.unit
            and text[prev_end:start] in ("、", "和", "及")
        ):
            what = out[i - 1].what  # 压减约40%、68%、63%: the list shares one subject
        out[i] = replace(ind, what=what)
    return out
