"""Prose checks: numbers in the prose against the tables, and numbers left unfilled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.findings import Severity
from model.form import FORM_2021, T3_ORG_COLUMNS
from model.prose import (
    RULE_MISMATCH,
    RULE_PLACEHOLDER,
    RULE_UNCERTAIN,
    check_prose,
    extract_claims,
    find_placeholders,
    parse_number,
)
from model.report import Report

HERE = Path(__file__).resolve().parent
FIXTURE_000 = HERE / "fixtures" / "000_e8e20449add4641b.txt"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
PUBLISHED = SHARED / "fixtures" / "published"


def t3(row: str, col: str = "total") -> str:
    """A table-3 cell key, checked against the form."""
    key = f"t3.{row}.{col}"
    assert key in FORM_2021.cells, key
    return key


def t4(group: str, col: str = "total") -> str:
    key = f"t4.{group}.{col}"
    assert key in FORM_2021.cells, key
    return key


def report(overview: str = "", cells: dict | None = None, **text: str) -> Report:
    """A report whose cells are all 0 except ``cells``."""
    values = dict.fromkeys(FORM_2021.cell_keys, 0)
    values.update(cells or {})
    return Report(text={"overview": overview, **text}, cells=values)


def mismatches(r: Report) -> list:
    return [f for f in check_prose(r) if f.rule == RULE_MISMATCH]


def section(text: str, start: str, end: str) -> str:
    a = text.index(start) + len(start)
    return text[a : text.index(end, a)]


# --------------------------------------------------------------------------------------------------
# the acceptance case


def fixture_000() -> Report:
    """The fixture's prose with its table 3 as published (typed in by hand: the importer is tested elsewhere)."""
    text = FIXTURE_000.read_text(encoding="utf-8")
    cells = {
        t3("new", "natural_person"): 3,
        t3("new", "commercial"): 1,
        t3("new"): 4,
        t3("granted", "natural_person"): 2,
        t3("granted", "commercial"): 1,
        t3("granted"): 3,
        t3("unable.not_held", "natural_person"): 1,
        t3("unable.not_held"): 1,
    }
    return report(
        section(text, "一、总体情况", "二、主动公开政府信息情况"),
        cells,
        problems=section(text, "五、存在的主要问题及改进情况", "六、其他需要报告的事项"),
        other=text[text.index("六、其他需要报告的事项") + len("六、其他需要报告的事项") :],
    )


def test_fixture_000_gives_exactly_the_two_prose_warnings():
    r = fixture_000()
    findings = check_prose(r)
    assert [(f.rule, f.severity) for f in findings] == [
        (RULE_MISMATCH, Severity.WARNING),
        (RULE_PLACEHOLDER, Severity.WARNING),
    ]
    mismatch, placeholder = findings
    text = r.text["overview"]

    assert mismatch.cells == (t3("new", "natural_person"),)
    assert (mismatch.expected, mismatch.actual) == (3, 4)
    assert mismatch.explainable
    assert mismatch.text.section == "overview"
    assert text[mismatch.text.start : mismatch.text.end] == "4件"
    assert text[mismatch.text.start - 2 : mismatch.text.end] == "申请4件"
    assert mismatch.message == (
        "第一部分写“新收到自然人提交的信息公开申请4件”，但表三“一、本年新收 自然人”为 3，请核对并改正其中之一"
    )

    assert placeholder.cells == ()
    assert not placeholder.explainable
    assert text[placeholder.text.start : placeholder.text.end] == "由个"
    assert "由个压缩至10个" in placeholder.message
    assert placeholder.to_json()["text"] == {
        "section": "overview",
        "start": placeholder.text.start,
        "end": placeholder.text.end,
    }


def test_fixture_000_agrees_once_the_prose_is_corrected():
    r = fixture_000()
    r.text["overview"] = r.text["overview"].replace("自然人提交的信息公开申请4件", "信息公开申请4件")
    r.text["overview"] = r.text["overview"].replace("由个压缩", "由20个压缩")
    assert check_prose(r) == []


# --------------------------------------------------------------------------------------------------
# real reports: no false contradiction


def published(name: str) -> Path:
    path = PUBLISHED / name
    if not path.exists():
        pytest.skip(f"../shared/fixtures/published/{name} 不在（共享目录缺失），跳过")
    return path


def expected_cells(stem: str) -> dict:
    data = json.loads(published(f"{stem}.expected.json").read_text(encoding="utf-8"))
    assert data["complete"]
    return data["cells"]


@pytest.mark.parametrize(
    "stem",
    [
        "015_huaian-hongze-district-gov_2023",
        "016_huaian-hongze-district-gov_2024",
        "021_huaian-city-gov_2024",
    ],
)
@pytest.mark.parametrize("variant", ["", "_plain"])
def test_published_reports_give_no_false_contradiction(stem, variant):
    text = published(f"{stem}{variant}.txt").read_text(encoding="utf-8")
    cells = expected_cells(stem)
    r = Report(
        text={
            "overview": section(text, "一、总体情况", "二、主动公开政府信息情况"),
            "problems": section(text, "五、存在的主要问题及改进情况", "六、其他需要报告的事项"),
            "other": text[text.index("六、其他需要报告的事项") :],
        },
        cells=dict(cells),
    )
    findings = check_prose(r)
    assert [f for f in findings if f.severity is not Severity.HINT] == []
    if stem.startswith("016"):
        # 区政府办代表区政府受理…17件 against 95 in table 3: another scope, only a hint
        (hint,) = findings
        assert hint.rule == RULE_UNCERTAIN
        assert (hint.expected, hint.actual) == (95, 17)
        assert "代表" in hint.message
    else:
        assert findings == []


def test_021_prose_numbers_are_all_read_and_agree():
    text = published("021_huaian-city-gov_2024_plain.txt").read_text(encoding="utf-8")
    overview = section(text, "一、总体情况", "二、主动公开政府信息情况")
    values = [c.value for c in extract_claims(overview)]
    # 受理3119, 答复3050, 上年结转34, 顺延到下年度103, 行政复议 351/72/64/178/37, 行政诉讼 46/25/5/9/7
    assert values == [3119, 3050, 34, 103, 351, 72, 64, 178, 37, 46, 25, 5, 9, 7]
    cells = expected_cells("021_huaian-city-gov_2024")
    # break one lawsuit cell: 行政诉讼46件 is then neither group nor their sum
    cells[t4("litigation_direct")] = 27
    r = Report(text={"overview": overview}, cells=cells)
    (f,) = mismatches(r)
    assert f.actual == 46 and f.expected == 47
    assert set(f.cells) == {t4("litigation_direct"), t4("litigation_after_review")}


def test_017_received_may_include_the_carried_in():
    path = HERE / "fixtures" / "published" / "017_shuyang-county-gov_2025.txt"
    text = path.read_text(encoding="utf-8")
    cells = json.loads(
        (HERE / "fixtures" / "published" / "017_shuyang-county-gov_2025.expected.json").read_text("utf-8")
    )["cells"]
    r = Report(
        text={"overview": section(text, "一、总体情况", "二、主动公开政府信息情况")}, cells=dict(cells)
    )
    claims = extract_claims(r.text["overview"])
    assert [c.value for c in claims] == [749, 741, 8, 718, 31]  # not 74 (相关案件)
    assert check_prose(r) == []
    cells[t3("carried_over")] = 30
    cells[t3("carried_over", "natural_person")] = 30
    r = Report(text=dict(r.text), cells=dict(cells))
    (f,) = mismatches(r)
    assert (f.expected, f.actual) == (30, 31)
    assert "结转下一年31件" in f.message


# --------------------------------------------------------------------------------------------------
# each quantity, holding and broken

CASES = [
    # (prose, the cell(s) compared, a value that agrees, a value that contradicts)
    ("今年新收到自然人提交的信息公开申请4件。", [t3("new", "natural_person")], 4, 3),
    ("全年收到政府信息公开申请4件。", [t3("new")], 4, 3),
    ("在办理的申请中，予以公开3件。", [t3("granted")], 3, 2),
    ("在办理的申请中，予以公开及部分公开258件。", [t3("granted"), t3("partial")], 258, 250),
    ("在办理的申请中，部分公开5件。", [t3("partial")], 5, 4),
    ("在办理的申请中，不予公开2件。", [t3("refused.state_secret"), t3("refused.inquiry")], 2, 1),
    ("在办理的申请中，因本机关不掌握无法提供7件。", [t3("unable.not_held"), t3("unable.unclear")], 7, 6),
    ("在办理的申请中，不予处理1件。", [t3("not_processed.petition"), t3("not_processed.duplicate")], 1, 2),
    ("在办理的申请中，共办理28件。", [t3("total")], 28, 27),
    ("在办理的申请中，结转下年度继续办理2件。", [t3("carried_over")], 2, 1),
    ("在办理的申请中，另有上年结转申请3件。", [t3("carried_in")], 3, 1),
    ("发生政府信息公开行政复议0起。", [t4("review")], 0, 1),
    ("因政府信息公开被申请行政复议0件。", [t4("review")], 0, 2),
    ("政府信息公开行政诉讼3件。", [t4("litigation_direct"), t4("litigation_after_review")], 3, 1),
    ("全年收到信息公开申请三件。", [t3("new")], 3, 2),
    ("全年收到信息公开申请十二件。", [t3("new")], 12, 13),
]


def _fill(keys: list[str], value: int) -> dict:
    """``value`` in the first of ``keys`` (the others 0) — the sum is ``value``."""
    return {keys[0]: value}


@pytest.mark.parametrize(("prose", "keys", "good", "bad"), CASES)
def test_each_quantity_agrees_and_contradicts(prose, keys, good, bad):
    assert mismatches(report(prose, _fill(keys, good))) == []
    found = mismatches(report(prose, _fill(keys, bad)))
    assert len(found) == 1, found
    (f,) = found
    assert f.severity is Severity.WARNING and f.explainable
    assert f.expected == bad and f.actual == good
    assert set(keys) <= set(f.cells)
    assert all(k in FORM_2021.cells for k in f.cells)
    assert str(bad) in f.message and "请核对并改正其中之一" in f.message
    text = prose
    assert text[f.text.start : f.text.end].rstrip("件起") in (str(good), "三", "十二")


def test_received_may_mean_new_or_new_plus_carried_in():
    prose = "全年共受理政府信息公开申请749件，其中自然人申请741件，法人或其他组织申请8件。"
    cells = {
        t3("new", "natural_person"): 705,
        t3("new", "commercial"): 6,
        t3("new", "legal_service"): 2,
        t3("new"): 713,
        t3("carried_in", "natural_person"): 36,
        t3("carried_in"): 36,
    }
    assert mismatches(report(prose, cells)) == []
    cells[t3("new", "legal_service")] = 3
    (f,) = mismatches(report(prose, cells))
    assert f.actual == 8
    assert set(f.cells) == {t3("new", c) for c in T3_ORG_COLUMNS} | {
        t3("carried_in", c) for c in T3_ORG_COLUMNS
    }
    assert "法人或其他组织" in f.message


def test_qizhong_clauses_inherit_the_sentence_and_explicit_qualifiers_pick_the_column():
    prose = "行政复议10件，其中结果维持6件，结果纠正1件，其他结果2件，尚未审结1件。"
    cells = {t4("review", "upheld"): 6, t4("review", "corrected"): 1, t4("review", "other"): 2}
    cells |= {t4("review", "pending"): 1, t4("review"): 10}
    assert mismatches(report(prose, cells)) == []
    cells[t4("review", "upheld")] = 5
    (f,) = mismatches(report(prose, cells))
    assert f.cells == (t4("review", "upheld"),) and f.actual == 6


def test_an_inherited_applicant_may_also_mean_all_applicants():
    prose = "新收到自然人提交的申请4件，其中3件予以公开。"
    cells = {t3("new", "natural_person"): 4, t3("granted", "natural_person"): 2, t3("granted"): 3}
    assert mismatches(report(prose, cells)) == []  # 3 = all applicants
    cells[t3("granted")] = 2
    (f,) = mismatches(report(prose, cells))
    assert set(f.cells) == {t3("granted", "natural_person"), t3("granted")}


def test_lawsuits_may_be_either_group_or_both():
    prose = "政府信息公开行政诉讼46件，其中结果维持25件。"
    cells = {t4("litigation_direct"): 26, t4("litigation_after_review"): 20}
    cells |= {t4("litigation_direct", "upheld"): 13, t4("litigation_after_review", "upheld"): 12}
    assert mismatches(report(prose, cells)) == []
    assert mismatches(report("未经复议直接起诉的行政诉讼20件。", cells))[0].expected == 26
    assert mismatches(report("行政诉讼30件。", cells))[0].expected == 46
    assert mismatches(report("复议后起诉的行政诉讼20件。", cells)) == []


# --------------------------------------------------------------------------------------------------
# what is not compared


@pytest.mark.parametrize(
    "prose",
    [
        "全年累计公开发布行业领域政府信息2510余条，制发政策解读12件，办理网民留言175条。",
        "全年公开以区政府、区政府办名义下发的文件23件。",
        "依法做好相关行政复议、行政诉讼案件的应诉工作，全县共办理相关案件 74 件。",
        "全年收到政府信息公开申请近10件。",
        "全年收到政府信息公开申请约10件。",
        "全年收到政府信息公开申请10余件。",
        "全年收到政府信息公开申请10件左右。",
        "全年收到政府信息公开申请超过10件。",
        "全年收到政府信息公开申请，共10件。",  # the keyword is in another clause
        "全年共办理10件实事。",  # not about applications
        "全县全年受理申请，其中3件。",  # 其中 without a qualifier or keyword
        "和申请人一起研究，行政复议一起协调。",  # 一起 = together
    ],
)
def test_numbers_about_other_things_are_not_compared(prose):
    assert check_prose(report(prose, {t3("new"): 99, t3("total"): 99, t4("review"): 99})) == []


def test_blank_and_slash_cells_are_not_compared():
    prose = "全年收到政府信息公开申请4件，予以公开3件。"
    r = report(prose, {t3("new"): None, t3("granted"): "/"})
    assert check_prose(r) == []
    # a blank among the cells of a reading: that reading cannot be judged, nor the claim
    r = report("上年结转申请与新收申请共受理4件。", {t3("new"): 1, t3("carried_in"): None})
    assert check_prose(r) == []


def test_uncertain_scope_gives_a_hint_not_a_warning():
    r = report("区政府办代表区政府受理政府信息公开申请17件。", {t3("new"): 95})
    (f,) = check_prose(r)
    assert f.rule == RULE_UNCERTAIN and f.severity is Severity.HINT
    r = report("全市各部门共收到政府信息公开申请17件。", {t3("new"): 95})
    assert [f.rule for f in check_prose(r)] == [RULE_UNCERTAIN]
    # the organ's own review work, not said to be about 信息公开
    r = report("全年办理行政复议案件120件。", {t4("review"): 2})
    assert [f.rule for f in check_prose(r)] == [RULE_UNCERTAIN]


def test_every_section_is_read_and_named():
    r = report("", {t3("new"): 3}, problems="今年收到政府信息公开申请4件。", other="共收到申请XX件。")
    findings = check_prose(r)
    assert [(f.rule, f.text.section) for f in findings] == [
        (RULE_MISMATCH, "problems"),
        (RULE_PLACEHOLDER, "other"),
    ]
    assert findings[0].message.startswith("第五部分")
    assert findings[1].message.startswith("第六部分")


def test_spans_survive_line_breaks_inside_words():
    prose = "2024 年，全市共受理政府信息公开申请 3119 件，答\n复 3050 件。"
    r = report(prose, {t3("new"): 3119, t3("total"): 3000})
    (f,) = mismatches(r)
    assert prose[f.text.start : f.text.end] == "3050 件"
    assert "答复3050件" in f.message


# --------------------------------------------------------------------------------------------------
# placeholders


@pytest.mark.parametrize(
    ("prose", "found"),
    [
        ("政府系统政务新媒体由个压缩至10个。", "由个"),
        ("全年共件。", "共件"),
        ("累计次开展培训。", "累计次"),
        ("全年公开信息XX条。", "XX"),
        ("全年公开信息xx条。", "xx"),
        ("全年公开信息××条。", "××"),
        ("收到申请X件。", "X"),
        ("收到申请【】件。", "【】"),
        ("收到申请（ ）件。", "（ ）"),
        ("收到申请（）件。", "（）"),
        ("收到申请___件。", "___"),
        ("收到申请□件。", "□"),
        ("政务新媒体由 个压缩至10个。", "由 个"),  # the space kept where the number was
        ("政务新媒体由\u3000个压缩至10个。", "由\u3000个"),
        ("全年共 件。", "共 件"),
    ],
)
def test_placeholders_are_found(prose, found):
    (p,) = find_placeholders(prose)
    assert prose[p.start : p.end] == found
    (f,) = check_prose(report(prose))
    assert f.rule == RULE_PLACEHOLDER and f.severity is Severity.WARNING
    assert f.cells == () and not f.explainable
    assert f.text.section == "overview" and prose[f.text.start : f.text.end] == found


@pytest.mark.parametrize(
    "prose",
    [
        "申请由个人提出。",
        "实行计件工资。",
        "统计个数。",
        "审计项目。",
        "由项目单位负责。",
        "由家属代为申请。",
        "由所在单位答复。",
        "由起草单位解读。",
        "共享平台。",
        "房间尺寸3×4米，邮箱hzzwgk@126.com，网址www.xx-gov.cn。",
        "由20个压缩至10个。",
        "预计个别单位年底完成。",
        "预计个月内完成。",
    ],
)
def test_ordinary_words_are_no_placeholders(prose):
    assert find_placeholders(prose) == ()


# --------------------------------------------------------------------------------------------------
# pieces


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", 12),
        ("１２", 12),
        ("1,234", 1234),
        ("三", 3),
        ("十二", 12),
        ("二十", 20),
        ("两", 2),
        ("一百零五", 105),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


def test_parse_number_refuses_what_is_no_number():
    assert parse_number("一二") is None
    assert parse_number("十十") is None


def test_findings_are_json():
    r = fixture_000()
    out = [f.to_json() for f in check_prose(r)]
    json.dumps(out, ensure_ascii=False)
    assert out[0]["cells"] == [t3("new", "natural_person")]


# --------------------------------------------------------------------------------------------------
# with the importer


def test_imported_fixture_gives_the_two_prose_warnings():
    importer = pytest.importorskip("model.importer", reason="model.importer 尚未提供")
    r = importer.import_file(FIXTURE_000).report
    findings = check_prose(r)
    assert [f.rule for f in findings] == [RULE_MISMATCH, RULE_PLACEHOLDER]
    assert findings[0].cells == (t3("new", "natural_person"),)
    assert (findings[0].expected, findings[0].actual) == (3, 4)


@pytest.mark.parametrize(
    "name",
    [
        "015_huaian-hongze-district-gov_2023_plain.txt",
        "016_huaian-hongze-district-gov_2024_plain.txt",
        "021_huaian-city-gov_2024_plain.txt",
    ],
)
def test_imported_published_reports_give_no_prose_warning(name):
    importer = pytest.importorskip("model.importer", reason="model.importer 尚未提供")
    r = importer.import_file(published(name)).report
    assert [f for f in check_prose(r) if f.severity is not Severity.HINT] == []


# --------------------------------------------------------------------------------------------------
# more phrasings seen in reports


@pytest.mark.parametrize(
    ("prose", "value", "cell"),
    [
        ("全年共受理依申请公开12件。", 12, t3("new")),
        ("全年政府信息公开申请数量为12件。", 12, t3("new")),
        ("共办理依申请公开事项12件。", 12, t3("total")),
        ("全年受理申请12件，已办结10件。", 10, t3("total")),
        ("共收到申请12件，其中，自然人申请10件。", 10, t3("new", "natural_person")),
        ("涉及政府信息公开的行政复议0件、行政诉讼1件。", 1, t4("litigation_direct")),
        ("全年累计答复 5 件次，均依法受理申请。", 5, t3("total")),
    ],
)
def test_more_phrasings_are_read(prose, value, cell):
    (claim,) = [c for c in extract_claims(prose) if c.value == value]
    cells = {cell: value}
    assert mismatches(report(prose, {**cells, t3("new"): cells.get(t3("new"), 12)})) == []
    bad = mismatches(report(prose, {cell: value + 1, t3("new"): 12 if cell != t3("new") else value + 1}))
    assert [f.actual for f in bad] == [value]
    assert prose[claim.start : claim.end].startswith(str(value))


@pytest.mark.parametrize(
    "prose",
    [
        "共收到政府信息公开申请52件，其中网上申请40件，信函申请12件。",
        "其中申请人撤回申请2件。",
        "全年受理申请52件，正在办理2件，尚未答复1件。",
        "办理行政复议答复2件，与申请人沟通。",
        "全年受理申请52件，比上年增加10件。",
        "行政复议、行政诉讼各0件。",
    ],
)
def test_sub_counts_by_other_criteria_are_not_compared(prose):
    cells = {t3("new"): 52, t3("total"): 52, t4("review"): 3, t4("litigation_direct"): 3}
    assert check_prose(report(prose, cells)) == []


# --------------------------------------------------------------------------------------------------
# properties

_SENTENCE = (
    "{year}年，共收到政府信息公开申请{new}件，其中自然人申请{new_np}件，法人或其他组织申请{new_org}件；"
    "予以公开{granted}件，部分公开{partial}件，不予公开{refused}件，无法提供{unable}件，"
    "不予处理{not_processed}件；结转下年度继续办理{carried_over}件。"
    "因政府信息公开被申请行政复议{review}件，其中结果维持{review_upheld}件；被提起行政诉讼{litigation}件。"
)


@st.composite
def tables_and_prose(draw):
    n = st.integers(0, 60)
    v = {
        k: draw(n) for k in ("new_np", "new_org", "granted", "partial", "refused", "unable", "not_processed")
    }
    v |= {"carried_over": draw(n), "review_upheld": draw(n), "review_other": draw(n), "lit_a": draw(n)}
    v |= {"lit_b": draw(n), "year": draw(st.integers(2019, 2030))}
    v["new"] = v["new_np"] + v["new_org"]
    v["review"] = v["review_upheld"] + v["review_other"]
    v["litigation"] = v["lit_a"] + v["lit_b"]
    cells = {
        t3("new", "natural_person"): v["new_np"],
        t3("new", "other_org"): v["new_org"],
        t3("new"): v["new"],
        t3("granted"): v["granted"],
        t3("partial"): v["partial"],
        t3("refused.third_party"): v["refused"],
        t3("unable.not_held"): v["unable"],
        t3("not_processed.duplicate"): v["not_processed"],
        t3("carried_over"): v["carried_over"],
        t4("review", "upheld"): v["review_upheld"],
        t4("review", "other"): v["review_other"],
        t4("review"): v["review"],
        t4("litigation_direct"): v["lit_a"],
        t4("litigation_after_review"): v["lit_b"],
    }
    keys = [k for k in v if k not in ("year", "review_other", "lit_a", "lit_b")]
    return v, cells, draw(st.sampled_from(keys))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables_and_prose())
def test_prose_rendered_from_the_tables_agrees_and_one_changed_number_is_found(case):
    v, cells, changed = case
    prose = _SENTENCE.format(**v)
    assert check_prose(report(prose, cells)) == []
    wrong = dict(v, **{changed: v[changed] + 1000})
    prose = _SENTENCE.format(**wrong)
    found = check_prose(report(prose, cells))
    assert [(f.rule, f.actual) for f in found] == [(RULE_MISMATCH, v[changed] + 1000)]
    f = found[0]
    assert prose[f.text.start : f.text.end] == f"{v[changed] + 1000}件"


_ALPHABET = st.sampled_from(
    list(
        "0123456789一二三十件起个条，。；,（）()\n 其中自然人法人或其他组织申请受理收到予以部分不公开无法提供处理结转下年度上行政复议诉讼结果维持由共达计XX×【】□_"
    )
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_ALPHABET, max_size=120).map("".join), st.integers(0, 5))
def test_any_text_is_checked_without_error(text, value):
    r = report(text, dict.fromkeys(FORM_2021.cell_keys, value), problems=text[::-1])
    for f in check_prose(r):
        assert f.text is not None
        source = r.text[f.text.section]
        assert 0 <= f.text.start < f.text.end <= len(source)
        assert all(k in FORM_2021.cells for k in f.cells)
        assert f.message
