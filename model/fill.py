"""Fill a report's tables mechanically: blanks with 0, totals from their parts.

Pure functions over :class:`~model.report.Report`; they return the changes (``{key: new value}``) and leave
the report alone, so that the caller (the window's undo stack, a script) applies them as one step.
The totals come from the form's relations — nothing here spells a cell key.
"""

from __future__ import annotations

from decimal import Decimal

from .form import Form, Relation
from .report import Report, Value, numeric


def _tables(form: Form, table: str | None) -> set[str]:
    return {t.key for t in form.tables if table is None or t.key == table}


def zero_blanks(report: Report, table: str | None = None) -> dict[str, Value]:
    """Every blank cell (of ``table``, or of all tables) → 0. Cells marked ``/`` stay as they are."""
    form = report.form
    keys = _tables(form, table)
    return {c.key: 0 for t in form.tables if t.key in keys for c in t.cells if report.get(c.key) is None}


def _summable(rel: Relation) -> bool:
    return len(rel.total) == 1


def fill_totals(report: Report, table: str | None = None) -> dict[str, Value]:
    """Every total cell whose relation has one total side → the sum of its parts.

    Parts that are themselves totals are computed first (repeated until nothing changes). A total whose
    parts are all blank or ``/`` is left as it is; blank and ``/`` parts otherwise count as 0.
    """
    form = report.form
    keys = _tables(form, table)
    relations = [r for r in form.relations if _summable(r) and form.cell(r.total[0]).table in keys]
    values: dict[str, Value] = dict(report.cells)
    changes: dict[str, Value] = {}
    for _ in range(len(relations) + 1):
        changed = False
        for rel in relations:
            nums = [numeric(values.get(k)) for k in rel.parts]
            if all(n is None for n in nums):
                continue
            total: int | Decimal = sum((n for n in nums if n is not None), 0)
            if isinstance(total, Decimal) and total == total.to_integral_value():
                total = int(total)
            key = rel.total[0]
            if values.get(key) != total or type(values.get(key)) is not type(total):
                values[key] = total
                changes[key] = total
                changed = True
        if not changed:
            break
    return {k: v for k, v in changes.items() if report.get(k) != v or report.get(k) is None}
