"""model.fill: blanks → 0 and totals from their parts (no Qt)."""

from decimal import Decimal

from model.fill import fill_totals, zero_blanks
from model.form import FORM_2021
from model.report import Report

T3 = FORM_2021.table["t3"]
T4 = FORM_2021.table["t4"]


def _key(row: str, col: str) -> str:
    cell = next(c for c in T3.cells if c.row == row and c.column == col)
    return cell.key


def test_zero_blanks_fills_only_blanks_and_keeps_slash():
    r = Report()
    first, second = FORM_2021.table["t2"].cells[:2]
    r.cells[first.key] = "/"
    r.cells[second.key] = 5
    changes = zero_blanks(r)
    assert first.key not in changes and second.key not in changes
    assert len(changes) == len(FORM_2021.cell_keys) - 2
    assert set(changes.values()) == {0}
    assert r.get(T3.cells[0].key) is None  # the report itself is untouched


def test_zero_blanks_one_table():
    changes = zero_blanks(Report(), "t4")
    assert set(changes) == set(T4.cell_keys)


def test_fill_totals_table3_rows_then_columns():
    r = Report()
    r.cells[_key("new", "natural_person")] = 3
    r.cells[_key("new", "commercial")] = 1
    r.cells[_key("granted", "natural_person")] = 2
    r.cells[_key("granted", "commercial")] = 1
    r.cells[_key("unable.not_held", "natural_person")] = 1
    r.cells[_key("total", "natural_person")] = 0  # wrong: is overwritten
    changes = fill_totals(r)
    assert changes[_key("new", "total")] == 4
    assert changes[_key("granted", "total")] == 3
    assert changes[_key("total", "natural_person")] == 3
    assert changes[_key("total", "commercial")] == 1
    # the grand total agrees both ways (row of totals and column of totals)
    assert changes[_key("total", "total")] == 4
    # rows with no numbers at all stay blank
    assert _key("carried_in", "total") not in changes
    assert _key("carried_over", "total") not in changes


def test_fill_totals_consistent_with_relations():
    r = Report()
    for i, c in enumerate(T3.cells):
        if c.column != "total" and c.row != "total":
            r.cells[c.key] = i % 3
    for c in T4.cells:
        if c.column != "total":
            r.cells[c.key] = 2
    r.cells.update(fill_totals(r))
    for rel in FORM_2021.relations:
        if len(rel.total) == 1:
            assert r.get(rel.total[0]) == sum(r.get(k) or 0 for k in rel.parts), rel
    assert fill_totals(r) == {}  # idempotent


def test_fill_totals_slash_and_decimal_parts():
    r = Report()
    group = T4.cells[:5]
    r.cells[group[0].key] = "/"
    r.cells[group[1].key] = 2
    assert fill_totals(r, "t4") == {group[4].key: 2}
    r.cells[group[1].key] = Decimal("2.0")
    assert fill_totals(r, "t4") == {group[4].key: 2}
    assert fill_totals(r, "t2") == {}
