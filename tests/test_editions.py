"""Editions are data: a new edition of the form is its definition in ``model/form.py`` and nothing else.

A test edition adds a row to table 3's （六）其他处理 — the cells, the grid, the sums, the checks, the exchange
file and the printed copies follow from the definition alone."""

from __future__ import annotations

import pytest

from model import form as form_mod
from model.form import (
    CURRENT_EDITION,
    CURRENT_FORM,
    G_OTHER_HANDLING,
    T2_BLOCKS_2021,
    T3_GROUPS_2021,
    T3_ROWS_2021,
    Row,
    RowRole,
    build_form,
    edition_in_force,
    form_for,
)
from model.output.html import render_html
from model.output.text import render_text
from model.report import Report
from model.rules import check

NEW_ROW = Row(
    "other_handling.withdrawn",
    "4.申请人主动撤回申请",
    "（六）4.申请人主动撤回申请",
    group=G_OTHER_HANDLING.key,
    label_col=2,
)


def _test_edition():
    rows = list(T3_ROWS_2021)
    at = max(i for i, r in enumerate(rows) if r.group == G_OTHER_HANDLING.key) + 1
    rows.insert(at, NEW_ROW)
    return build_form("2099", "测试格式（2099）", 2099, T2_BLOCKS_2021, tuple(rows), T3_GROUPS_2021)


@pytest.fixture
def edition(monkeypatch):
    f = _test_edition()
    monkeypatch.setitem(form_mod.FORMS, f.edition, f)
    return f


def test_the_current_edition_is_the_newest_and_in_force_now():
    assert CURRENT_EDITION == "2021" and CURRENT_FORM is form_for(None)
    assert edition_in_force(2020) == "2019" and edition_in_force(2024) == "2021"
    assert form_for("2019").table["t3"].name == "表三"
    t3 = CURRENT_FORM.table["t3"]
    assert t3.row_for(RowRole.TOTAL).label == "（七）总计" and t3.total_column == "total"
    assert CURRENT_FORM.cell_key("t3", "new", "total") == "t3.new.total"
    with pytest.raises(KeyError):
        CURRENT_FORM.cell_key("t3", "new", "nobody")


def test_a_row_added_to_an_edition_gets_cells_grid_and_sums(edition):
    t3 = edition.table["t3"]
    keys = [t3.cell_key(NEW_ROW.key, c.key) for c in t3.columns]
    assert set(keys) <= set(edition.cell_keys) and len(t3.cells) == 26 * 7
    # the grid: its label under （六）, whose group label now spans four rows
    group = next(c for c in t3.layout.cells if c.text == G_OTHER_HANDLING.label)
    label = next(c for c in t3.layout.cells if c.text == NEW_ROW.label)
    assert group.rowspan == 4 and group.row < label.row < group.row + 4
    # the sums: its row total, and （七）总计 adds it up
    outcome = next(
        r for r in edition.relations if r.rule == "t3.outcome_sum" and r.total == ("t3.total.total",)
    )
    assert keys[-1] in outcome.parts
    assert any(r.rule == "t3.row_total" and r.total == (keys[-1],) for r in edition.relations)


def test_a_report_in_the_added_edition_is_checked_exchanged_and_printed(edition):
    r = Report(template=edition.edition, agency="某镇人民政府", year=2099)
    for k in edition.cell_keys:
        r.cells[k] = 0
    for key in ("new", "total"):
        r.cells[f"t3.{key}.natural_person"] = r.cells[f"t3.{key}.total"] = 2
    r.cells["t3.other_handling.withdrawn.natural_person"] = 2
    r.cells["t3.other_handling.withdrawn.total"] = 2
    assert not [f for f in check(r) if f.severity.value == "error"]
    r.cells["t3.other_handling.withdrawn.natural_person"] = r.cells["t3.other_handling.withdrawn.total"] = 3
    rules = {f.rule for f in check(r)}
    assert "t3.outcome_sum" in rules  # （七）总计 no longer adds up: the new row counts
    back = Report.from_json(r.to_json())
    assert back.template == "2099" and back.cells["t3.other_handling.withdrawn.total"] == 3
    assert NEW_ROW.label in render_text(r) and NEW_ROW.label in render_html(r)
