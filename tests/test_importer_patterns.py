"""Patterns the importer missed on real reports, each in synthetic text (no real report is committed)."""

from __future__ import annotations

import pytest

from model.form import FORM_2021
from model.importer import import_text

T3_COLS = [c.key for c in FORM_2021.table["t3"].columns]

HEAD = "某某县人民政府办公室2023年政府信息公开工作年度报告\n一、总体情况\n2023年，我办认真落实条例。\n"
TAIL = "五、存在的主要问题及改进情况\n仍有不足。\n六、其他需要报告的事项\n本年度未收取信息处理费。\n"
T4 = (
    "四、政府信息公开行政复议、行政诉讼情况\n"
    "| 行政复议 | 行政诉讼 |\n"
    "| 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
)


def _t2(rows: str) -> str:
    return "二、主动公开政府信息情况\n" + rows


# --------------------------------------------------------------------------------------------------
# table 2


def test_the_short_label_of_normative_documents():
    text = (
        HEAD
        + _t2(
            "| 第二十条第（一）项 | | | |\n"
            "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
            "| 规章 | 0 | 0 | 0 |\n"
            "| 规范性文件 | 4 | 1 | 37 |\n"
        )
        + T4
        + TAIL
    )
    r = import_text(text).report
    assert [r.cells[f"t2.normative_docs.{c}"] for c in ("issued", "repealed", "in_force")] == [4, 1, 37]
    assert r.cells["t2.rules.issued"] == 0


MARKDOWN_T2 = """| 第二十条第（一）项 | | |
|---|---|---|
| 信息内容 | 本年制发件数 | 现行有效件数 |
| 规章 | 0 | 5 |
| 行政规范性文件 | 3 | 40 |
| 第二十条第（五）项 | | |
| 信息内容 | 本年处理决定数量 | |
| 行政许可 | 312 |
"""


def test_markdown_table_2_reads_only_the_columns_its_header_names():
    """The page dropped a column: its header names two of the three, the rows hold two values each."""
    result = import_text(HEAD + _t2(MARKDOWN_T2) + T4 + TAIL)
    c = result.report.cells
    assert [c[f"t2.normative_docs.{k}"] for k in ("issued", "repealed", "in_force")] == [3, None, 40]
    assert [c[f"t2.rules.{k}"] for k in ("issued", "repealed", "in_force")] == [0, None, 5]
    assert c["t2.licensing.decisions"] == 312  # a header of three columns, the third empty: one value
    assert {"t2.rules.repealed", "t2.normative_docs.repealed"} <= set(result.unread)
    assert "表二 行政规范性文件：本年废止件数" in result.unread_lines()


def test_markdown_table_2_with_three_headings_and_two_values_is_not_guessed():
    text = (
        HEAD
        + _t2(
            "| 第二十条第（一）项 | | | |\n"
            "|---|---|---|---|\n"
            "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
            "| 规章 | 0 | 5 |\n"
            "| 行政规范性文件 | 3 | 40 |\n"
        )
        + T4
        + TAIL
    )
    c = import_text(text).report.cells
    assert all(
        c[f"t2.{r}.{k}"] is None
        for r in ("rules", "normative_docs")
        for k in ("issued", "repealed", "in_force")
    )


# --------------------------------------------------------------------------------------------------
# table 3: a wrapped label, a stray line before its values

T3_HEAD = (
    "三、收到和处理政府信息公开申请情况\n"
    "                                  申请人情况\n"
    "                            自然人   法人或其他组织   总计\n"
    "                                  商业企业 科研机构 社会公益组织 法律服务机构 其他\n"
    "一、本年新收政府信息公开申请数量            21    0    0    0    0    0    21\n"
    "二、上年结转政府信息公开申请数量             0    0    0    0    0    0     0\n"
    "  （一）予以公开                         5    0    0    0    0    0     5\n"
)


@pytest.mark.parametrize("stray", ["1", "①", "*", "注1"])
def test_a_wrapped_label_whose_values_come_after_a_stray_line(stray):
    text = (
        HEAD
        + T3_HEAD
        + "  （二）部分公开（区分处理的，只计这一情形，不\n"
        + "  计其他情形）\n"
        + f"   {stray}\n"
        + "                                       4    0    0    0    0    0     4\n"
        + "  （三）不予公开   1.属于国家秘密          1    0    0    0    0    0     1\n"
        + T4
        + TAIL
    )
    c = import_text(text).report.cells
    assert [c[f"t3.partial.{k}"] for k in T3_COLS] == [4, 0, 0, 0, 0, 0, 4]
    assert c["t3.granted.total"] == 5 and c["t3.refused.state_secret.total"] == 1


def test_a_lone_value_line_that_is_a_value_is_not_dropped():
    """One value a line (pdftotext without -layout): a line holding one value is a cell, not a stray."""
    values = "\n".join(["4", "0", "0", "0", "0", "0", "4"])
    text = (
        HEAD
        + T3_HEAD
        + "  （二）部分公开（区分处理的，只计这一情形，不计其他情形）\n"
        + values
        + "\n"
        + T4
        + TAIL
    )
    c = import_text(text).report.cells
    assert [c[f"t3.partial.{k}"] for k in T3_COLS] == [4, 0, 0, 0, 0, 0, 4]


# --------------------------------------------------------------------------------------------------
# sections 五 and 六 found however they are headed


@pytest.mark.parametrize(
    ("five", "six"),
    [
        ("（五）存在的主要问题及改进情况", "（六）其他需要报告的事项"),
        ("第五部分 存在的主要问题及改进情况", "第六部分 其他需要报告的事项"),
        ("五、存在问题及改进措施", "六、其他事项"),
        ("五、存在的问题和整改情况", "六、其他需要报告的事项"),
        ("| 五、存在的主要问题及改进情况 | |", "| 六、其他需要报告的事项 |"),
        ("**五、存在的主要问题及改进情况**", "六.其他需报告的事项"),
    ],
)
def test_sections_five_and_six_headed_otherwise(five, six):
    text = HEAD + T4 + f"{five}\n仍有不足，下一步改进。\n{six}\n本年度未收取信息处理费。\n"
    result = import_text(text)
    assert result.report.text["problems"] == "仍有不足，下一步改进。"
    assert result.report.text["other"] == "本年度未收取信息处理费。"
    assert not any(n.startswith(("五、", "六、")) for n in result.missing)


def test_sub_points_and_table_rows_numbered_like_sections_are_no_headings():
    text = (
        "一、总体情况\n（五）监督保障。开展培训3次。\n（六）其他工作。\n"
        + T3_HEAD
        + "  （六）其他处理   3.其他            0    0    0    0    0    0     0\n"
        + T4
        + TAIL
    )
    r = import_text(text).report
    assert "（五）监督保障" in r.text["overview"] and "（六）其他工作" in r.text["overview"]
    assert r.text["problems"] == "仍有不足。" and r.text["other"] == "本年度未收取信息处理费。"


# --------------------------------------------------------------------------------------------------
# table 4 one value a line, a column heading floating between its last two values


def test_table_4_with_a_heading_floating_among_its_values():
    values = ["1", "1", "0", "0", "2", "1", "0", "0", "0", "1", "2", "0", "1", "0"]
    text = (
        HEAD
        + "四、政府信息公开行政复议、行政诉讼情况\n行政复议\n行政诉讼\n未经复议直接起诉\n复议后起诉\n"
        + "结果\n维持\n结果\n纠正\n其他\n结果\n尚未\n总 计 结果 结果 其他 尚未\n审结\n总 计\n"
        + "\n".join(values)
        + "\n总计\n3\n"
        + TAIL
    )
    c = import_text(text).report.cells
    assert [c[f"t4.review.{k}"] for k in ("upheld", "corrected", "other", "pending", "total")] == [
        1,
        1,
        0,
        0,
        2,
    ]
    assert c["t4.litigation_after_review.total"] == 3


def test_table_4_split_by_a_group_name_is_not_joined():
    text = (
        HEAD
        + "四、政府信息公开行政复议、行政诉讼情况\n行政复议\n结果维持\n"
        + "\n".join(["1"] * 14)
        + "\n复议后起诉\n3\n"
        + TAIL
    )
    c = import_text(text).report.cells
    assert all(c[k] is None for k in c if k.startswith("t4."))


# --------------------------------------------------------------------------------------------------
# edges that leave a row's values ambiguous: nothing read


def test_a_row_without_label_and_total_is_not_shifted_into_its_first_column():
    """ "|  | 41 | … | 41 |  |": the blank before the values is the label's cell (or the values' first?) —
    with the total blank the row's relation cannot tell, so nothing is read."""
    text = (
        HEAD
        + "三、收到和处理政府信息公开申请情况\n"
        + "| （本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况 |\n"
        + "| 自然人 | 法人或其他组织 | 总计 |\n"
        + "| 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |\n"
        + "|  | 41 | 42 | 43 | 44 | 40 | 41 |  |\n"
        + "| 二、上年结转政府信息公开申请数量 | 2 | 3 | 4 | 0 | 1 | 2 | 12 |\n"
        + T4
        + TAIL
    )
    c = import_text(text).report.cells
    assert all(c[f"t3.new.{k}"] is None for k in T3_COLS)
    assert c["t3.carried_in.total"] == 12


def test_the_single_other_handling_row_after_the_last_row_of_five_is_not_that_rows():
    """pdftotext without -layout: （五）5.'s label, then the 2019 edition's single （六）其他处理, then values —
    they may be either's, so neither gets them."""
    values = "\n".join(["1", "2", "3", "4", "0", "1", "11"])
    text = (
        HEAD
        + T3_HEAD
        + "5.要求行政机关确认或\n重新出具已获取信息\n（六）其他处理\n"
        + values
        + "\n（七）总计\n"
        + "\n".join(["38", "37", "36", "40", "39", "38", "228"])
        + "\n"
        + T4
        + TAIL
    )
    c = import_text(text).report.cells
    assert all(c[f"t3.not_processed.confirmation.{k}"] is None for k in T3_COLS)
    assert c["t3.total.total"] == 228


def test_a_value_between_its_blocks_heading_and_its_label():
    """pdftotext without -layout prints a one-row block of table 2 as heading, value, label."""
    text = (
        HEAD
        + _t2(
            "第二十条第（六）项\n信息内容\n本年处理决定数量\n行政处罚\n41\n行政强制\n195\n"
            "第二十条第（八）项\n信息内容\n本年收费金额（单位：万元）\n7730.28\n行政事业性收费\n"
        )
        + T4
        + TAIL
    )
    c = import_text(text).report.cells
    assert str(c["t2.fees.amount"]) == "7730.28" and c["t2.coercion.decisions"] == 195


def test_a_value_under_the_heading_of_a_block_of_two_rows_is_not_given_to_the_label_after_it():
    """Under 第二十条第（六）项 two rows: the label after a value may be the second row's, the first's lost."""
    text = HEAD + _t2("第二十条第（六）项\n信息内容\n本年处理决定数量\n41\n行政强制\n195\n") + T4 + TAIL
    c = import_text(text).report.cells
    assert c["t2.penalty.decisions"] is None and c["t2.coercion.decisions"] in (None, 195)
