"""Importer regressions found on real published reports (synthetic lines that capture each pattern)."""

from __future__ import annotations

from model.importer import import_text

BODY = "\n一、总体情况\n本年度工作平稳。\n五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n无。\n"


def meta(head: str):
    r = import_text(head + BODY).report
    return r.year, r.agency, r.title


def test_title_quoted_in_a_sentence_wins_over_an_earlier_mention():
    head = (
        "按照上级关于做好2023年政府信息公开工作年度报告编制发布等工作的要求，"
        "现编制形成了《某某:甲乙镇人民政府2023年政府信息公开工作年度报告》。"
    )
    assert meta(head) == (2023, "甲乙镇人民政府", "甲乙镇人民政府2023年政府信息公开工作年度报告")


def test_a_verb_before_the_organ_is_not_part_of_its_name():
    year, agency, _ = meta("现将丙丁局2021年度政府信息公开工作报告如下：")
    assert (year, agency) == (2021, "丙丁局")


def test_a_sentence_naming_no_organ_gives_no_agency_and_no_title():
    year, agency, title = meta("请各单位做好2023年政府信息公开工作年度报告编制工作。")
    assert (year, agency, title) == (2023, "", None)


def test_title_with_the_year_first():
    head = "2019年某市人民政府办公厅政府信息公开工作年度报告"
    assert meta(head) == (2019, "某市人民政府办公厅", head)


def test_year_from_the_overview_naming_this_years_work():
    text = (
        "一、总体情况\n现从六个方面汇报我镇2023年政府信息公开工作。\n"
        + BODY.split("五、", 1)[0]
        + "五、"
        + BODY.split("五、", 1)[1]
    )
    assert import_text(text).report.year == 2023


def test_last_years_report_named_in_the_overview_is_not_the_year():
    text = "一、总体情况\n按时发布2022年政府信息公开工作年度报告。\n五、存在的主要问题及改进情况\n无。\n"
    assert import_text(text).report.year is None
