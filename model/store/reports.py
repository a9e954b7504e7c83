"""Organs and reports in the database: the records (:class:`Organ`, :class:`ReportInfo`) and the queries that
read and write a whole report, each within the caller's transaction (``conn``)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..form import ALL_CELL_KEYS, TEXT_KEYS, form_for
from ..report import Explanation, Report
from .changes import ChangeKind, as_number, decode, slots, who
from .db import now
from .errors import NotFoundError, StoreError
from .schema import cells as t_cells
from .schema import explanations as t_expl
from .schema import organs as t_organs
from .schema import reports as t_reports
from .schema import revisions as t_rev
from .schema import texts as t_texts

if TYPE_CHECKING:
    from sqlalchemy.engine import Row

#: a row of any columns, as SQLAlchemy gives it back
AnyRow: TypeAlias = "Row[*tuple[Any, ...]]"

DRAFT = "draft"
FINAL = "final"
#: a draft deleted by the clerk: kept (its year stored as -id, so that the organ and year are free again)
#: until it is brought back from 已删除的报告
DELETED = "deleted"
STATUS_LABEL = {DRAFT: "草稿", FINAL: "已定稿", DELETED: "已删除"}
#: the years a report may be stored for
YEAR_MIN, YEAR_MAX = 2000, 2100


def check_year(year: Any) -> int:
    """``year`` as an int, or a :class:`StoreError` with a Chinese message when it is no plausible year."""
    if isinstance(year, bool) or not isinstance(year, int):
        try:
            year = int(str(year).strip())
        except ValueError:
            raise StoreError(f"年度“{year}”不是数字。") from None
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise StoreError(f"年度 {year} 不对：应在 {YEAR_MIN} 至 {YEAR_MAX} 年之间。")
    return int(year)


@dataclass(frozen=True)
class Organ:
    id: int
    name: str
    code: str | None
    parent_id: int | None


@dataclass(frozen=True)
class ReportInfo:
    id: int
    organ: str
    year: int
    template: str
    status: str  # "draft" or "final"
    created_at: dt.datetime  # UTC
    updated_at: dt.datetime  # UTC
    version: int
    #: 1 for the first final revision; +1 each time a final report is reopened
    revision_no: int = 1
    finalized_at: dt.datetime | None = None
    #: the archive folder of the last finalising (None before)
    archive_dir: str | None = None
    organ_id: int | None = None
    #: the computer the archive folder was written on (None before finalising, or from before revision 0003)
    archive_host: str | None = None
    #: set by :meth:`Store.save_report`: True when the save created the report, False when it replaced one
    #: (another process may have created it a moment before: the caller says which happened)
    created: bool = field(default=False, compare=False)

    @property
    def is_final(self) -> bool:
        return self.status == FINAL

    @property
    def status_label(self) -> str:
        return STATUS_LABEL.get(self.status, self.status)


def aware(t: dt.datetime | None) -> dt.datetime | None:
    """A time read back from the database, in UTC (SQLite gives it back naive)."""
    return t.replace(tzinfo=dt.UTC) if t is not None and t.tzinfo is None else t


def archive_abs(stored: str | None, archive_root: Path) -> str | None:
    """The archive folder as stored (relative to the archive root, or absolute) → an absolute path."""
    if not stored:
        return None
    p = Path(stored)
    return str(p if p.is_absolute() else archive_root / p)


def info_query() -> sa.Select[Any]:
    return sa.select(t_reports, t_organs.c.name.label("organ_name")).join(
        t_organs, t_organs.c.id == t_reports.c.organ_id
    )


def info_of(r: AnyRow, archive_root: Path) -> ReportInfo:
    """A row of :func:`info_query` as a :class:`ReportInfo`."""
    created, updated = aware(r.created_at), aware(r.updated_at)
    assert created is not None and updated is not None
    return ReportInfo(
        r.id,
        r.organ_name,
        r.year,
        r.template,
        r.status,
        created,
        updated,
        r.version,
        r.revision_no,
        aware(r.finalized_at),
        archive_abs(r.archive_dir, archive_root),
        r.organ_id,
        r.archive_host,
    )


def info_row(conn: Connection, report_id: int, archive_root: Path) -> ReportInfo:
    r = conn.execute(info_query().where(t_reports.c.id == report_id)).one_or_none()
    if r is None:
        raise NotFoundError(f"找不到编号为 {report_id} 的报告。")
    return info_of(r, archive_root)


def ensure_organ(conn: Connection, name: str, parent: str | None, code: str | None) -> Organ:
    parent_id = None
    if parent and parent.strip() and parent.strip() != name:
        parent_id = ensure_organ(conn, parent.strip(), None, None).id
    row = conn.execute(sa.select(t_organs).where(t_organs.c.name == name)).one_or_none()
    if row is None:
        oid = conn.execute(
            sa.insert(t_organs).values(name=name, code=code, parent_id=parent_id).returning(t_organs.c.id)
        ).scalar_one()
        return Organ(oid, name, code, parent_id)
    values: dict[str, Any] = {}
    if code is not None and code != row.code:
        values["code"] = code
    if parent_id is not None and parent_id != row.parent_id:
        values["parent_id"] = parent_id
    if values:
        conn.execute(sa.update(t_organs).where(t_organs.c.id == row.id).values(**values))
    return Organ(row.id, name, values.get("code", row.code), values.get("parent_id", row.parent_id))


def load(conn: Connection, report_id: int, info: ReportInfo) -> Report:
    """The whole report ``report_id`` (whose record is ``info``)."""
    row = conn.execute(
        sa.select(t_reports.c.agency, t_reports.c.title, t_reports.c.date).where(t_reports.c.id == report_id)
    ).one()
    cells = {
        k: decode(v)
        for k, v in conn.execute(
            sa.select(t_cells.c.key, t_cells.c.value).where(t_cells.c.report_id == report_id)
        )
    }
    text = {
        s: b
        for s, b in conn.execute(
            sa.select(t_texts.c.section, t_texts.c.body).where(t_texts.c.report_id == report_id)
        )
    }
    report = Report(
        template=info.template,
        agency=row.agency,
        year=info.year,
        title=row.title,
        date=row.date,
        text={k: text.get(k, "") for k in TEXT_KEYS},
        cells={k: v for k, v in cells.items() if k in ALL_CELL_KEYS},
    )
    for e in conn.execute(sa.select(t_expl).where(t_expl.c.report_id == report_id).order_by(t_expl.c.id)):
        report.explanations.append(Explanation(e.rule, list(json.loads(e.cells)), e.body))
    return report


def report_of(conn: Connection, organ_id: int | None, year: int) -> int | None:
    """The id of ``organ_id``'s report for ``year`` (None when there is none)."""
    found: int | None = conn.execute(
        sa.select(t_reports.c.id).where(t_reports.c.organ_id == organ_id, t_reports.c.year == year)
    ).scalar_one_or_none()
    return found


def carry_forward(report_template: str) -> list[tuple[str, str]]:
    """(last year's cell, this year's cell) for a new year: 上年结转 ← last year's 结转下年度继续办理."""
    return [(c.last, c.this) for c in form_for(report_template).carry_forward]


def insert(conn: Connection, organ_id: int, report: Report, source: str) -> int:
    """A new report (version 1), its creation recorded with ``source`` (导入, 新建 …); returns its id."""
    t = now()
    rid: int = conn.execute(
        sa.insert(t_reports)
        .values(
            organ_id=organ_id,
            year=report.year,
            template=report.template,
            status=DRAFT,
            agency=report.agency or "",
            title=report.title or None,
            date=report.date or None,
            created_at=t,
            updated_at=t,
            version=1,
            revision_no=1,
        )
        .returning(t_reports.c.id)
    ).scalar_one()
    state = slots(report)
    rows = [
        {"report_id": rid, "key": k, "value": v, "num": as_number(v)}
        for (w, k), v in state.items()
        if w == ChangeKind.CELL
    ]
    if rows:
        conn.execute(sa.insert(t_cells), rows)
    texts = [
        {"report_id": rid, "section": k, "body": v} for (w, k), v in state.items() if w == ChangeKind.TEXT
    ]
    if texts:
        conn.execute(sa.insert(t_texts), texts)
    for e in report.explanations:
        conn.execute(
            sa.insert(t_expl).values(
                report_id=rid,
                rule=e.rule,
                cells=json.dumps(list(e.cells), ensure_ascii=False),
                body=e.text,
            )
        )
    conn.execute(
        sa.insert(t_rev).values(
            report_id=rid, at=t, what=ChangeKind.CREATE.value, new=source, version=1, by=who()
        )
    )
    return rid
