"""The figures the charts show, per year — derived from the form, drawn by the window (no Qt here)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..form import CURRENT_FORM, RowRole
from ..report import Report, numeric

__all__ = ["ChartData", "Series", "chart_data", "outcome_categories"]


@dataclass
class Series:
    label: str
    values: list[float]


@dataclass
class ChartData:
    name: str
    years: list[int]
    #: 一、本年新收 总计, per year
    applications: list[float]
    #: （一）…（六） per year (the sub-rows of a group summed)
    outcomes: list[Series]
    #: 行政复议, 行政诉讼（未经复议直接起诉）, 行政诉讼（复议后起诉）: their 总计 per year
    appeals: list[Series]
    notes: list[str] = field(default_factory=list)

    def shares(self, year: int | None = None) -> list[tuple[str, float]]:
        """The share of each outcome in ``year`` (default the latest), as (label, fraction)."""
        if not self.years:
            return []
        i = self.years.index(year) if year is not None else len(self.years) - 1
        values = [(s.label, s.values[i]) for s in self.outcomes]
        total = sum(v for _, v in values)
        return [(label, v / total if total else 0.0) for label, v in values]


def outcome_categories() -> list[tuple[str, list[str]]]:
    """(label, table-3 rows) of each outcome: （一）予以公开, （二）部分公开, （三）不予公开 … （六）其他处理."""
    t3 = CURRENT_FORM.table["t3"]
    out: dict[str, tuple[str, list[str]]] = {}
    groups = {g.key: g for g in t3.groups}
    total_row = t3.row_for(RowRole.TOTAL).key
    for r in t3.rows:
        if not r.group or r.key == total_row:
            continue
        if r.group in groups and groups[r.group].label_col > 0:  # a sub-row of （三）…（六）
            label = groups[r.group].label
            out.setdefault(r.group, (label, []))[1].append(r.key)
        else:
            out[r.key] = (r.short, [r.key])
    return list(out.values())


def _total_column() -> str:
    return CURRENT_FORM.table["t3"].total_column


def _num(report: Report, key: str) -> float:
    v = numeric(report.cells.get(key))
    return float(v) if v is not None else 0.0


def _group_total(report: Report, group: str) -> float:
    t4 = CURRENT_FORM.table["t4"]
    keys = [c.key for c in t4.row_cells(group)]
    total = t4.cell_key(group, t4.total_column)
    v = numeric(report.cells.get(total))
    if v is not None:
        return float(v)
    return sum(_num(report, k) for k in keys if k != total)


def chart_data(reports: dict[int, Report], name: str = "") -> ChartData:
    years = sorted(reports)
    col = _total_column()
    t3 = CURRENT_FORM.table["t3"]
    first_row = t3.row_for(RowRole.NEW).key
    applications = [_num(reports[y], t3.cell_key(first_row, col)) for y in years]
    outcomes = [
        Series(label, [sum(_num(reports[y], t3.cell_key(r, col)) for r in rows) for y in years])
        for label, rows in outcome_categories()
    ]
    t4 = CURRENT_FORM.table["t4"]
    appeals = [Series(g.short, [_group_total(reports[y], g.key) for y in years]) for g in t4.rows]
    return ChartData(name, years, applications, outcomes, appeals)
