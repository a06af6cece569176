"""Metadata: 索引号/发布机构/文号 blocks, 来源/发布日期 lines, date lines, bylines and 落款.

Labels may be written with spaces inside ("索  引  号", "文        号") and
followed by ":", "：", spaces or directly by the value. Several fields often
share a line. Values are kept as written; dates are parsed into
:class:`datetime.date` by :func:`parse_date`.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

__all__ = [
    "DATE_LINE",
    "FieldMatch",
    "is_author_line",
    "is_byline",
    "is_issuer_line",
    "match_meta_line",
    "parse_date",
]

_SP = "[ \\t\\u00a0\\u3000]*"

# label as written (without inner spaces) -> normalised key; the order sets priority on
# overlapping labels (longer first).
_LABELS: tuple[tuple[str, str], ...] = (
    ("信息来源", "source"),
    ("稿件来源", "source"),
    ("文章来源", "source"),
    ("来源", "source"),
    ("索引号", "index_no"),
    ("发布机构", "issuer"),
    ("发文机关", "issuer"),
    ("发文单位", "issuer"),
    ("成文日期", "date"),
    ("发文日期", "issue_date"),
    ("印发日期", "issue_date"),
    ("发布日期", "published"),
    ("发布时间", "published"),
    ("发表时间", "published"),
    ("发表日期", "published"),
    ("更新时间", "published"),
    ("时间", "published"),
    ("日期", "published"),
    ("发文字号", "doc_number"),
    ("文号", "doc_number"),
    ("作者", "author"),
    ("撰稿", "author"),
    ("组配分类", "extra:组配分类"),
    ("主题分类", "extra:主题分类"),
    ("公文种类", "extra:公文种类"),
    ("体裁分类", "extra:体裁分类"),
    ("有效性", "extra:有效性"),
    ("生效日期", "extra:生效日期"),
    ("废止日期", "extra:废止日期"),
    ("名称", "extra:名称"),
    ("标题", "extra:标题"),
)


def _label_regex(label: str) -> str:
    return _SP.join(re.escape(ch) for ch in label)


_LABEL_RE = re.compile(
    "(?P<label>"
    + "|".join(_label_regex(label) for label, _ in _LABELS)
    + ")"
    + _SP
    + "(?:[:：]"
    + _SP
    + ")?"
)
_KEY_OF = {label: key for label, key in _LABELS}

# Labels that do not need a colon to count (they head cells of a metadata table);
# the rest ("时间", "来源" …) must be followed by a colon, or they are body words.
_TABLE_LABELS = {
    "索引号",
    "发布机构",
    "发文机关",
    "成文日期",
    "发文日期",
    "发布日期",
    "文号",
    "发文字号",
    "组配分类",
    "主题分类",
    "公文种类",
}


@dataclass(frozen=True, slots=True)
class FieldMatch:
    """A metadata field found in a line: offsets are relative to the line."""

    key: str
    label: str
    value: str
    start: int
    end: int
    value_start: int


def match_meta_line(line: str) -> list[FieldMatch] | None:
    """Parse a metadata line into fields, or return None when it is not one.

    A metadata line starts with a known label; every label found is one field
    whose value runs to the next label (or the end of the line).
    """
    first = _LABEL_RE.match(line)
    if first is None:
        return None
    label0 = re.sub(_SP, "", first.group("label"))
    has_colon = first.group(0).rstrip(" \t\u00a0\u3000").endswith((":", "："))
    if not has_colon and label0 not in _TABLE_LABELS:
        return None
    if len(line) > 160:
        return None
    matches = list(_LABEL_RE.finditer(line))
    # keep labels that start the line or are preceded by a space/field boundary
    starts = [
        m for m in matches if m.start() == 0 or line[m.start() - 1] in " \t\u00a0\u3000:：|丨"
    ]
    fields: list[FieldMatch] = []
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(line)
        raw_value = line[m.end() : end]
        value = raw_value.strip(" \t\u00a0\u3000|丨")
        label = re.sub(_SP, "", m.group("label"))
        span_end = m.end() + len(raw_value.rstrip(" \t\u00a0\u3000|丨"))
        fields.append(FieldMatch(_KEY_OF[label], label, value, m.start(), span_end, m.end()))
    return fields


_DATE_PATTERNS = (
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
    re.compile(
        r"(?P<y>[一二三四五六七八九〇零○]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})日"
    ),
)
_CN_DIGIT = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def _cn_year(text: str) -> int:
    return int("".join(str(_CN_DIGIT[c]) for c in text))


def _cn_small(text: str) -> int:
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGIT[text[1]]
    if text.endswith("十"):
        return _CN_DIGIT[text[0]] * 10
    if "十" in text:
        a, b = text.split("十")
        return _CN_DIGIT[a] * 10 + _CN_DIGIT[b]
    return _CN_DIGIT[text]


def parse_date(text: str) -> _dt.date | None:
    """The first date in ``text`` (2018-09-19, 2018年8月7日, 二〇一八年八月七日), or None."""
    for i, pattern in enumerate(_DATE_PATTERNS):
        m = pattern.search(text)
        if m is None:
            continue
        try:
            if i == 2:
                y, mo, d = _cn_year(m["y"]), _cn_small(m["m"]), _cn_small(m["d"])
            else:
                y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
            return _dt.date(y, mo, d)
        except (ValueError, KeyError):
            continue
    return None


#: A line holding only a date, possibly in brackets: "(2022年10月21日)", "2018年8月7日".
DATE_LINE = re.compile(
    r"[(（]?\s*(?:(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|[一二三四五六七八九〇零○]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日"
    r"|(?:19|20)\d{2}-\d{1,2}-\d{1,2})\s*[)）]?"
)

_BYLINE = re.compile(r"(?:记者|通讯员|特约记者|实习生|撰稿人|作者)")
_BYLINE_TAIL = re.compile(r"(?:讯|报道|电)\s*[(（]?\s*记者")


def is_byline(line: str) -> bool:
    """A news byline: "青岛财经网讯记者  刘瑞东  通讯员  陈心悦", "本报讯(记者 张三)"."""
    if len(line) > 60 or "。" in line:
        return False
    return bool(_BYLINE.search(line) or _BYLINE_TAIL.search(line))


_AFFILIATION = re.compile(
    r"(?:党校|行政学院|大学|学院|研究院|研究所|研究中心|司法局|法院|检察院|政府|委员会|办公室|厅|局)"
    r"(?:[\u4e00-\u9fff]{0,8}(?:局长|厅长|主任|书记|院长|教授|副教授|讲师|研究员|处长|部长|市长|县长|区长))?"
    r"[ \t\u00a0\u3000]+(?:[\u4e00-\u9fff*＊]{1,4}|[*＊]{2,3})"
)


def is_author_line(line: str) -> bool:
    """An author line under a title: "吉林省委党校  魏芙蓉", "北京市司法局局长 崔杨"."""
    if len(line) > 40 or any(p in line for p in "。，,；;：:"):
        return False
    m = _AFFILIATION.search(line)
    return m is not None and m.end() == len(line)


_ISSUER_END = re.compile(
    r"(?:人民政府|政府|委员会|委|办公室|办公厅|办|局|厅|部|院|中心|公司|人大常委会|司法局|党组)$"
)


def is_issuer_line(line: str) -> bool:
    """A 落款 organisation line: "济南市长清区人民政府" (short, no punctuation, org suffix)."""
    if not 2 <= len(line) <= 40:
        return False
    if any(p in line for p in '。，,；;：:、！？!?“”"()（）'):
        return False
    return _ISSUER_END.search(line) is not None
