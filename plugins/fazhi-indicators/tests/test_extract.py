"""Unit tests of the extraction rules."""

from __future__ import annotations

import pytest

from fazhi_indicators.extract import extract_indicators, parse_chinese_number


def one(text: str):
    found = extract_indicators(text)
    assert len(found) == 1, [i.text for i in found]
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier", "what"),
    [
        ("全年受理行政复议申请218件", 218, "件", None, "受理行政复议申请"),
        ("行政机关负责人出庭应诉率达70%以上", 70, "%", "以上", "行政机关负责人出庭应诉率"),
        ("组织263名人员进行行政执法资格认证", 263, "名", None, "组织人员进行行政执法资格认证"),
        ("化解各类矛盾纠纷2128余件", 2128, "件", "余", "化解各类矛盾纠纷"),
        ("群众满意率保持98%以上", 98, "%", "以上", "群众满意率"),
        ("审批时限压减约40%", 40, "%", "约", "审批时限压减"),
        ("办理案件两千余件", 2000, "件", "余", "办理案件"),
        ("发放宣传材料8万余份", 80000, "份", "余", "发放宣传材料"),
        ("设立专项资金7.23亿元", 723000000, "元", None, "设立专项资金"),
        ("为近200家企业兑现奖励", 200, "家", "近", "企业兑现奖励"),
        ("整合10多处政务服务场所", 10, "处", "多", "整合政务服务场所"),
        ("培训执法人员百余名", 100, "名", "余", "培训执法人员"),
        ("超过300人参加", 300, "人", "超过", "参加"),
        ("办理时限压缩至3个工作日", 3, "个工作日", None, "办理时限压缩"),
        ("法律顾问聘请率达到百分之百", 100, "%", None, "法律顾问聘请率"),
        ("同比下降2.5个百分点", 2.5, "个百分点", None, "同比下降"),
        ("推出十七项改革举措", 17, "项", None, "推出改革举措"),
    ],
)
def test_examples(text, value, unit, qualifier, what) -> None:
    ind = one(text)
    assert (ind.value, ind.unit, ind.qualifier, ind.what) == (value, unit, qualifier, what)
    assert text[ind.start : ind.end] == ind.text


def test_bounds() -> None:
    assert one("2128余件").bound == "lower"
    assert one("98%以上").bound == "lower"
    assert one("约40%").bound == "approx"
    assert one("近千人").bound == "approx"
    assert one("10人以下").bound == "upper"
    assert one("218件").bound is None


def test_kinds() -> None:
    assert one("218件").kind == "count"
    assert one("98%").kind == "percent"
    assert one("2000万元").kind == "money"
    assert one("3个工作日").kind == "duration"
    assert one("2.5个百分点").kind == "percentage_point"


def test_ranges() -> None:
    ind = one("每年建设3至5个示范点")
    assert (ind.value, ind.value_max, ind.unit, ind.rule) == (3, 5, "个", "arabic-range")
    ind = one("增长3%-5%")
    assert (ind.value, ind.value_max, ind.unit) == (3, 5, "%")
    ind = one("新增二十到三十家")
    assert (ind.value, ind.value_max) == (20, 30)


def test_lists_share_their_subject() -> None:
    found = extract_indicators("申请材料、办理环节分别压减约40%、68%")
    assert [(i.value, i.qualifier, i.what) for i in found] == [
        (40, "约", "办理环节分别压减"),
        (68, None, "办理环节分别压减"),
    ]


def test_offset_and_clause() -> None:
    [ind] = extract_indicators("一是强化督查,全年办结重点工作、重点事项655件。", offset=100)
    assert (ind.start, ind.end) == (100 + 20, 100 + 24)
    assert ind.clause == "全年办结重点工作、重点事项655件"


@pytest.mark.parametrize(
    "text",
    [
        "2024年,济阳区坚持以习近平新时代中国特色社会主义思想为指导",  # year
        "印发《济南市人民政府关于印发十七条措施的通知》",  # inside a title
        "济长政发〔2018〕8号",  # document number
        "鲁法办发﹝2020﹞19号",
        "列入第二批试点,刊发于2024年第10期",  # ordinals
        "发布日期:2018-09-19 09:51",  # dates and times
        "完善12345市民服务热线办理机制",  # hotline number
        "一是强化制度保障,采用“六个一”工作思路,落实三项制度",  # single Chinese digits
        "两个商量专题片在电视台播出",  # single Chinese digits: precision over recall
        "走进千家万户,千方百计化解矛盾",  # idioms
        "位居全省前10名",  # ranking
        "建成5G基站",  # glued to Latin letters
        "数百人参加,上千人次观看",  # vague amounts
        "全面贯彻党的二十大和二十届二中、三中全会精神",
        "“八五”普法",
    ],
)
def test_not_indicators(text: str) -> None:
    assert extract_indicators(text) == [], [i.text for i in extract_indicators(text)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("十", 10),
        ("十七", 17),
        ("两千", 2000),
        ("一百零五", 105),
        ("三万五千", 35000),
        ("十万", 100000),
        ("一亿二千万", 120000000),
        ("万", 10000),
        ("二五", None),
    ],
)
def test_chinese_numbers(text: str, value: int | None) -> None:
    assert parse_chinese_number(text) == value
