"""The queries of the 汇总 (:mod:`model.summary`): organs and their units, and the units' cells summed in
SQL. :class:`~model.store.Store` answers them (``store.units_of`` …); each runs in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .errors import StoreError
from .schema import cells as t_cells
from .schema import organs as t_organs
from .schema import reports as t_reports

#: the organ code marking the record that holds a summary's own prose (never counted as a unit)
SUMMARY_CODE = "汇总"


@dataclass(frozen=True)
class CellSum:
    """One cell over the units' reports: the sum of the numbers (as the database gives it back: float on
    SQLite, maybe Decimal on PostgreSQL; None when no number), how many wrote a number, and how many "/"."""

    key: str
    total: Any
    numbers: int
    slashes: int


@dataclass(frozen=True)
class UnitSums:
    cells: list[CellSum]
    #: the units that have a report for the year, by name, sorted
    reporting: list[str]


def _organ_id(conn: Connection, name: str) -> int | None:
    found: int | None = conn.execute(
        sa.select(t_organs.c.id).where(t_organs.c.name == name)
    ).scalar_one_or_none()
    return found


def _not_summary() -> sa.ColumnElement[bool]:
    return sa.or_(t_organs.c.code.is_(None), t_organs.c.code != SUMMARY_CODE)


def units_of(conn: Connection, parent: str) -> list[str]:
    """The organs directly under ``parent`` (by name), sorted."""
    pid = _organ_id(conn, parent)
    if pid is None:
        return []
    q = sa.select(t_organs.c.name).where(t_organs.c.parent_id == pid).where(_not_summary())
    return list(conn.execute(q.order_by(t_organs.c.name)).scalars())


def parents(conn: Connection) -> list[str]:
    """Organs that have units under them."""
    child = t_organs.alias("child")
    q = (
        sa.select(t_organs.c.name)
        .where(sa.exists().where(child.c.parent_id == t_organs.c.id))
        .order_by(t_organs.c.name)
    )
    return list(conn.execute(q).scalars())


def _unit_reports(parent_id: int, year: int) -> sa.Select[Any]:
    """A sub-query: the ids of the units' reports for the year."""
    return (
        sa.select(t_reports.c.id)
        .join(t_organs, t_organs.c.id == t_reports.c.organ_id)
        .where(t_organs.c.parent_id == parent_id, t_reports.c.year == year)
        .where(_not_summary())
    )


def unit_sums(conn: Connection, parent: str, year: int) -> UnitSums:
    """Every cell summed over the reports of ``parent``'s units for ``year``; :class:`StoreError` when there is
    no such organ."""
    pid = _organ_id(conn, parent)
    if pid is None:
        raise StoreError(f"数据库中没有机关“{parent}”。")
    ids = _unit_reports(pid, year)
    rows = conn.execute(
        sa.select(
            t_cells.c.key,
            sa.func.sum(t_cells.c.num),
            sa.func.count(t_cells.c.num),
            sa.func.count(),  # a stored cell holds a number or "/": count() - count(num) are the "/"
        )
        .where(t_cells.c.report_id.in_(ids))
        .group_by(t_cells.c.key)
    ).all()
    reporting = list(conn.execute(ids.with_only_columns(t_organs.c.name).order_by(t_organs.c.name)).scalars())
    cells = [
        CellSum(key, total, int(count or 0), int(stored or 0) - int(count or 0))
        for key, total, count, stored in rows
    ]
    return UnitSums(cells, reporting)


def unit_cells(conn: Connection, parent: str, year: int, key: str) -> list[tuple[str, str | None]]:
    """(unit, the cell ``key`` as stored — None for blank) for every unit's report of ``year``, by unit."""
    pid = _organ_id(conn, parent)
    if pid is None:
        return []
    rows = conn.execute(
        sa.select(t_organs.c.name, t_cells.c.value)
        .select_from(t_reports)
        .join(t_organs, t_organs.c.id == t_reports.c.organ_id)
        .outerjoin(t_cells, sa.and_(t_cells.c.report_id == t_reports.c.id, t_cells.c.key == key))
        .where(t_reports.c.id.in_(_unit_reports(pid, year)))
        .order_by(t_organs.c.name)
    ).all()
    return [(n, v) for n, v in rows]


def organ_of(conn: Connection, report_id: int) -> tuple[str, str | None] | None:
    """(name, code) of the organ of report ``report_id`` (None when there is no such report)."""
    row = conn.execute(
        sa.select(t_organs.c.name, t_organs.c.code)
        .join(t_reports, t_reports.c.organ_id == t_organs.c.id)
        .where(t_reports.c.id == report_id)
    ).one_or_none()
    return (row.name, row.code) if row is not None else None
