"""A mutant of the grid's paste that survived the rest of the suite (issue 15): the paste's column offset."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from gui.form_table import FormTableModel
from model.form import FORM_2021


def test_a_paste_starts_at_the_cell_pasted_into_not_at_the_rows_first_column(doc):
    model = FormTableModel(FORM_2021.table["t3"], doc)
    before = doc.report.get("t3.new.natural_person")
    assert model.paste(model.index_of("t3.new.research"), "5\t6\n7\t8\n")
    assert [doc.report.get(k) for k in ("t3.new.research", "t3.new.social_welfare")] == [5, 6]
    assert [doc.report.get(f"t3.carried_in.{c}") for c in ("research", "social_welfare")] == [7, 8]
    assert doc.report.get("t3.new.natural_person") == before  # the columns left of the paste are untouched
