"""Each rule, holding and broken."""

from __future__ import annotations

from decimal import Decimal

import pytest

from model.findings import Severity
from model.form import FORM_2019, FORM_2021
from model.report import Report
from model.rules import check, counts, has_errors
from model.sample import sample_report


def table_findings(report, previous=None, prefix=("t3.", "t4.", "cell.", "year.")):
    return [f for f in check(report, previous) if f.rule.startswith(prefix)]


def by_rule(findings, rule):
    return [f for f in findings if f.rule == rule]


def last_year() -> Report:
    """The sample as last year's report of the same organ (its figures: the same as this year's)."""
    r = sample_report()
    r.year -= 1
    return r


@pytest.fixture
def good() -> Report:
    return sample_report()


def test_the_sample_report_is_consistent(good):
    assert table_findings(good) == []


@pytest.mark.parametrize("key", ["t3.granted.commercial", "t3.refused.third_party.legal_service"])
def test_row_total_broken(good, key):
    row = key.split(".", 1)[1].rsplit(".", 1)[0]
    good.cells[key] += 1
    f = by_rule(check(good), "t3.row_total")
    assert len(f) == 1
    assert f[0].severity is Severity.ERROR
    assert f[0].cells[0] == f"t3.{row}.total" and key in f[0].cells and len(f[0].cells) == 7
    assert f[0].actual == f[0].expected - 1


def test_outcome_sum_message_names_the_cell_and_both_values(good):
    good.cells["t3.total.natural_person"] = 0
    good.cells["t3.total.total"] = 0  # keep the row total of （七） consistent
    good.cells["t3.total.commercial"] = 0
    f = by_rule(check(good), "t3.outcome_sum")
    np = next(x for x in f if x.cells[0] == "t3.total.natural_person")
    assert np.expected == 18 and np.actual == 0
    assert np.message.startswith("（七）总计 自然人 应为 18（各项办理结果之和），实为 0")
    assert len(np.cells) == 1 + 21  # the total and all its parts


def test_balance_per_column(good):
    good.cells["t3.new.research"] = 1
    good.cells["t3.new.total"] += 1
    f = by_rule(check(good), "t3.balance")
    assert [x.cells[0] for x in f] == ["t3.total.research", "t3.total.total"]
    assert f[0].expected == 1 and f[0].actual == 0
    assert set(f[0].cells) == {
        "t3.total.research",
        "t3.carried_over.research",
        "t3.new.research",
        "t3.carried_in.research",
    }


def test_table4_group_total(good):
    good.cells["t4.litigation_after_review.pending"] = 2
    f = by_rule(check(good), "t4.group_total")
    assert len(f) == 1 and f[0].cells[0] == "t4.litigation_after_review.total"
    assert (f[0].expected, f[0].actual) == (2, 0)


def test_blank_parts_are_counted_as_zero_and_named(good):
    good.cells["t4.review.other"] = None
    good.cells["t4.review.total"] = 5
    f = by_rule(check(good), "t4.group_total")
    assert f[0].blank == ("t4.review.other",)
    assert "空白" in f[0].message


def test_all_blank_relation_is_only_a_blank_warning():
    r = Report()
    found = check(r)
    assert not has_errors(found)
    assert {f.rule for f in found} == {"cell.blank", "meta.date"}  # no 成文日期: a hint until finalising
    assert sum(len(f.cells) for f in found) == 200


def test_blank_cells_warning_lists_them(good):
    good.cells["t2.licensing.decisions"] = None
    f = by_rule(check(good), "cell.blank")
    assert len(f) == 1 and f[0].cells == ("t2.licensing.decisions",) and f[0].severity is Severity.WARNING


@pytest.mark.parametrize(
    "key, value, rule",
    [
        ("t3.new.natural_person", -1, "cell.negative"),
        ("t3.new.natural_person", Decimal("2.5"), "cell.fraction"),
        ("t2.fees.amount", Decimal("0.12345"), "cell.decimals"),
        ("t3.new.natural_person", "/", "cell.slash"),
        ("t2.fees.amount", -1, "cell.negative"),
    ],
)
def test_what_a_cell_may_hold(good, key, value, rule):
    good.cells[key] = value
    f = by_rule(check(good), rule)
    assert len(f) == 1 and f[0].cells == (key,) and f[0].severity is Severity.ERROR


def test_fee_with_four_decimals_and_slash_in_table_2_are_fine(good):
    good.cells["t2.fees.amount"] = Decimal("0.0001")
    good.cells["t2.licensing.decisions"] = "/"
    assert table_findings(good) == []


def test_carry_over_from_last_year(good):
    last = last_year()
    last.cells["t3.carried_over.natural_person"] = last.cells["t3.carried_over.total"] = 2
    assert by_rule(check(good, last), "year.carry_over") == []  # this year's 上年结转 is 2
    last.cells["t3.carried_over.natural_person"] = 3
    f = by_rule(check(good, last), "year.carry_over")
    assert len(f) == 1 and f[0].cells == ("t3.carried_in.natural_person",)
    assert (f[0].expected, f[0].actual) == (3, 2) and f[0].severity is Severity.WARNING
    assert "2023年" in f[0].message


def test_previous_report_of_another_year_or_organ_is_not_compared(good):
    wrong_year = sample_report()  # 2024, like this one
    wrong_year.cells["t3.carried_over.natural_person"] = 99
    f = check(good, wrong_year)
    assert [x.rule for x in f if x.rule.startswith("year.")] == ["year.previous_mismatch"]
    assert by_rule(f, "year.previous_mismatch")[0].expected == 2023
    other_organ = sample_report()
    other_organ.year, other_organ.agency = 2023, "另一个机关"
    assert [x.rule for x in check(good, other_organ) if x.rule.startswith("year.")] == [
        "year.previous_mismatch"
    ]


def test_stock_of_documents_in_force(good):
    last = last_year()
    last.cells["t2.normative_docs.in_force"] = 21  # 21 + 5 − 1 = 25: holds
    assert by_rule(check(good, last), "year.stock") == []
    last.cells["t2.normative_docs.in_force"] = 30
    f = by_rule(check(good, last), "year.stock")
    assert len(f) == 1 and f[0].expected == 34 and f[0].actual == 25 and f[0].explainable


def test_identical_to_last_year(good):
    f = by_rule(check(good, last_year()), "year.identical")
    assert len(f) == 1 and f[0].severity is Severity.WARNING and "完全相同" in f[0].message
    rewritten = last_year()
    rewritten.text["problems"] = (
        "本年度工作存在的问题与改进措施另行详述：一是队伍建设，二是平台整合，三是培训。" * 3
    )
    assert by_rule(check(good, rewritten), "year.identical") == []
    other_tables = last_year()
    other_tables.cells["t2.licensing.decisions"] = 1
    assert by_rule(check(good, other_tables), "year.identical") == []


def test_republished_with_only_the_years_changed(good):
    last = last_year()
    last.text = {k: v.replace("2024", "2023") for k, v in last.text.items()}
    f = by_rule(check(good, last), "year.identical")
    assert len(f) == 1 and "几乎相同" in f[0].message
    last.text["overview"] = last.text["overview"].replace("1236条", "1100条")  # a word or two changed
    assert len(by_rule(check(good, last), "year.identical")) == 1


def test_all_zero_tables_every_year_are_no_warning_when_the_prose_is_new():
    this, last = Report(), Report()
    for r in (this, last):
        r.cells.update(dict.fromkeys(FORM_2021.cell_keys, 0))
    this.text["overview"] = "2024年，本镇未收到政府信息公开申请，主动公开工作按目录推进，全年发布信息86条。"
    last.text["overview"] = "2023年，本镇以门户网站为主渠道，完善公开目录，组织培训两次，发布信息52条。"
    assert by_rule(check(this, last), "year.identical") == []


def test_explanation_is_attached_to_its_finding(good):
    last = last_year()
    last.cells["t2.normative_docs.in_force"] = 30
    f = by_rule(check(good, last), "year.stock")[0]
    good.explain(f.rule, f.cells, "3件文件到期自动失效。")
    again = by_rule(check(good, last), "year.stock")[0]
    assert again.explanation == "3件文件到期自动失效。"
    assert again.to_json()["explanation"] == "3件文件到期自动失效。"
    # kept with the report through the exchange JSON
    assert Report.from_json(good.to_json()).explanation_for(f.rule, f.cells).text == "3件文件到期自动失效。"


def test_township_reporting_rules_gets_a_hint(good):
    good.agency = "太平镇人民政府"
    good.cells.update({"t2.rules.issued": 1, "t2.rules.repealed": 0, "t2.rules.in_force": 1})
    f = by_rule(check(good), "plausibility.rules")
    assert len(f) == 1 and f[0].severity is Severity.HINT
    good.agency = "某省人民政府"
    assert by_rule(check(good), "plausibility.rules") == []


def test_fee_statement_hint(good):
    assert by_rule(check(good), "plausibility.fee_statement") == []
    good.text["other"] = "无。"
    assert len(by_rule(check(good), "plausibility.fee_statement")) == 1


def test_2019_report_uses_its_own_relations():
    r = Report(template="2019")
    for k in FORM_2019.cell_keys:
        r.cells[k] = 0
    r.cells["t3.other_handling.other.natural_person"] = 1
    r.cells["t3.other_handling.other.total"] = 1
    found = table_findings(r)
    assert {f.rule for f in found} == {"t3.outcome_sum"}  # （七）总计 misses the （六） row
    assert all("t2." not in k for f in found for k in f.cells)
    assert set(FORM_2021.cell_keys) - set(FORM_2019.cell_keys)  # t2 cells are not blank-warned for 2019
    assert not by_rule(check(r), "cell.blank")


def test_errors_come_first_and_counts(good):
    good.cells["t4.review.total"] = 99
    good.cells["t2.fees.amount"] = None
    found = check(good)
    assert found[0].severity is Severity.ERROR
    c = counts(found)
    assert c[Severity.ERROR] == 1 and c[Severity.WARNING] >= 1
