"""The form definition is complete, consistent, and matches the exchange spec."""

from __future__ import annotations

import pytest

from model.form import ALL_CELL_KEYS, FORM_2019, FORM_2021, CellKind, form_for


def test_cell_key_counts_match_the_exchange_spec():
    t = FORM_2021.table
    assert len(t["t2"].cells) == 10
    assert len(t["t3"].cells) == 25 * 7 == 175
    assert len(t["t4"].cells) == 15
    assert len(FORM_2021.cell_keys) == 200
    # the 2019 edition's table 2 adds keys of its own (added, never renamed: the 2021 ones keep theirs)
    assert ALL_CELL_KEYS[:200] == FORM_2021.cell_keys
    assert len(ALL_CELL_KEYS) == len(set(ALL_CELL_KEYS)) == 200 + 19


def test_2019_tables_3_and_4_map_onto_2021_keys_its_single_other_handling_row_too():
    t3, t4 = FORM_2019.table["t3"], FORM_2019.table["t4"]
    assert set(t3.cell_keys) | set(t4.cell_keys) <= set(FORM_2021.cell_keys)
    rows = [r.key for r in t3.rows]
    assert "other_handling.other" in rows and "other_handling.no_fee" not in rows
    assert len(rows) == 23


def test_2019_table_2_in_full():
    t2 = FORM_2019.table["t2"]
    titles = [c.text for c in t2.layout.cells if c.role == "title"]
    assert titles == [f"第二十条第（{n}）项" for n in ("一", "五", "六", "八", "九")]
    assert [r.label for r in t2.rows] == [
        "规章",
        "规范性文件",
        "行政许可",
        "其他对外管理服务事项",
        "行政处罚",
        "行政强制",
        "行政事业性收费",
        "政府集中采购",
    ]
    assert len(t2.cells) == 6 + 6 + 6 + 2 + 2 == 22
    # 处理决定数量 of 行政许可 is the 2021 edition's key; the others are the 2019 edition's own
    new = set(t2.cell_keys) - set(FORM_2021.cell_keys)
    assert len(new) == 19 and "t2.licensing.decisions" not in new
    assert FORM_2019.cell("t2.licensing.change").kind is CellKind.CHANGE
    assert FORM_2019.cell("t2.procurement.amount").kind is CellKind.AMOUNT
    assert FORM_2019.cell("t2.rules.made").name == "规章 本年新制作数量"
    # the grid: every value cell under its heading, the block titles across the table
    assert {c.key for c in t2.layout.cells if c.key} == set(t2.cell_keys)
    assert all(c.colspan == t2.layout.cols for c in t2.layout.cells if c.role == "title")


def test_exact_labels_of_the_spec():
    t3 = FORM_2021.table["t3"]
    labels = [r.label for r in t3.rows]
    assert labels[0] == "一、本年新收政府信息公开申请数量"
    assert "3.危及“三安全一稳定”" in labels
    assert labels[-2:] == ["（七）总计", "四、结转下年度继续办理"]
    assert [c.label for c in t3.columns] == [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ]
    assert [s.heading for s in FORM_2021.sections][3] == "四、政府信息公开行政复议、行政诉讼情况"


def test_fee_is_an_amount_and_slash_only_in_table_2():
    assert FORM_2021.cell("t2.fees.amount").kind is CellKind.AMOUNT
    assert FORM_2021.cell("t2.rules.issued").slash_allowed
    assert not FORM_2021.cell("t3.new.total").slash_allowed


@pytest.mark.parametrize("form", [FORM_2021, FORM_2019], ids=["2021", "2019"])
def test_layout_covers_every_grid_position_once_and_places_every_cell(form):
    for table in form.tables:
        lay = table.layout
        covered: dict = {}
        for c in lay.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    assert (r, k) not in covered, f"{table.key}: {(r, k)} covered twice"
                    covered[(r, k)] = c
        assert len(covered) == lay.rows * lay.cols
        assert set(lay.by_key) == set(table.cell_keys)
        assert len(lay.widths) == lay.cols


def test_table3_header_spans_as_printed():
    lay = FORM_2021.table["t3"].layout
    corner = lay.at[(0, 0)]
    assert corner.text.startswith("（本列数据的勾稽关系为") and (corner.rowspan, corner.colspan) == (3, 3)
    assert lay.at[(0, 3)].text == "申请人情况" and lay.at[(0, 3)].colspan == 7
    assert lay.at[(1, 4)].text == "法人或其他组织" and lay.at[(1, 4)].colspan == 5
    results = next(c for c in lay.cells if c.text == "三、本年度办理结果")
    assert results.rowspan == 22  # （一）（二） + 8 + 3 + 5 + 3 + （七）


def test_relations_cover_the_spec():
    rules = [r.rule for r in FORM_2021.relations]
    assert rules.count("t3.row_total") == 25
    assert rules.count("t3.outcome_sum") == 7
    assert rules.count("t3.balance") == 7
    assert rules.count("t4.group_total") == 3
    outcome = next(r for r in FORM_2021.relations if r.rule == "t3.outcome_sum")
    assert len(outcome.parts) == 2 + 8 + 3 + 5 + 3
    outcome19 = next(r for r in FORM_2019.relations if r.rule == "t3.outcome_sum")
    assert len(outcome19.parts) == 2 + 8 + 3 + 5 + 1


def test_form_for_defaults_to_2021():
    assert form_for(None) is FORM_2021 and form_for("2019") is FORM_2019
