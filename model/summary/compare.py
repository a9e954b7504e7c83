"""This year against earlier years: per cell the change and the percentage, big changes flagged, and the
rule engine's "identical to last year" warning — for one organ or a summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..findings import Finding
from ..form import CURRENT_FORM, Cell
from ..report import Report, Value, format_value, numeric
from ..store import Store

__all__ = ["BIG_MIN", "BIG_PCT", "Comparison", "Line", "compare", "organ_years"]

#: a change is big when it is at least this many percent of last year's figure …
BIG_PCT = 50
#: … and at least this much in absolute terms (so 1 → 2 is not flagged); from 0, this much is big
BIG_MIN = 5


@dataclass
class Line:
    cell: Cell
    #: the value of each compared year, oldest first (same order as :attr:`Comparison.years`)
    values: list[Value]
    change: int | Decimal | None = None
    #: change in percent of last year's figure (None when last year was 0, blank or "/")
    pct: float | None = None
    big: bool = False

    @property
    def key(self) -> str:
        return self.cell.key

    @property
    def change_text(self) -> str:
        if self.change is None:
            return ""
        return f"+{format_value(self.change)}" if self.change > 0 else format_value(self.change)

    @property
    def pct_text(self) -> str:
        if self.pct is None:
            return "新增" if self.change else ""
        return f"{self.pct:+.1f}%"


@dataclass
class Comparison:
    name: str
    years: list[int]
    lines: list[Line]
    #: findings of the comparison with last year that are about the whole report (year.identical)
    findings: list[Finding] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.years[-1]

    @property
    def identical(self) -> bool:
        return any(f.rule == "year.identical" for f in self.findings)

    @property
    def big(self) -> list[Line]:
        return [line for line in self.lines if line.big]


def _big(change: int | Decimal, last: int | Decimal) -> bool:
    size = change if change >= 0 else -change  # abs() of int | Decimal is no number to mypy
    base = last if last >= 0 else -last
    if size < BIG_MIN:
        return False
    return last == 0 or size * 100 >= BIG_PCT * base


def compare(reports: dict[int, Report], year: int | None = None, name: str = "", span: int = 3) -> Comparison:
    """Compare ``year`` (default the latest) with the ``span - 1`` years before it that are in ``reports``."""
    if not reports:
        raise ValueError("没有可以比较的报告。")
    year = year if year is not None else max(reports)
    years = sorted(y for y in reports if y <= year)[-span:]
    if year not in reports:
        raise ValueError(f"没有 {year} 年度的报告。")
    current = reports[year]
    last = reports.get(year - 1)
    lines = []
    for cell in CURRENT_FORM.cells.values():
        values = [reports[y].cells.get(cell.key) for y in years]
        line = Line(cell, values)
        if last is not None:
            a, b = numeric(last.cells.get(cell.key)), numeric(current.cells.get(cell.key))
            if a is not None and b is not None:
                line.change = b - a
                line.pct = float(line.change) * 100 / float(a) if a else None
                line.big = _big(line.change, a)
        lines.append(line)
    findings: list[Finding] = []
    if last is not None:
        from ..rules import cross_year_findings

        findings = [f for f in cross_year_findings(current, last, current.form) if f.rule == "year.identical"]
    return Comparison(name or current.agency, years, lines, findings)


def organ_years(store: Store, organ: str) -> dict[int, Report]:
    """Every stored report of ``organ``, by year."""
    out = {}
    for info in store.reports(organ):
        out[info.year] = store.load(info.id)[0]
    return out
