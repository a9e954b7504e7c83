"""Edits and the history: a report locked, checked editable, its :class:`~model.store.changes.Change` s applied
as one new version and recorded as revisions — each within the caller's transaction (``conn``)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .changes import CONTENT, Change, ChangeKind, Revision, State, as_number, diff, who
from .db import now
from .errors import ConflictError, FrozenError, NotFoundError, StoreError
from .reports import DELETED, DRAFT, FINAL, AnyRow, aware
from .schema import cells as t_cells
from .schema import explanations as t_expl
from .schema import reports as t_reports
from .schema import revisions as t_rev
from .schema import texts as t_texts

#: keystrokes in one section closer together than this are one revision of the history
TYPING_GAP = dt.timedelta(seconds=30)


def lock(conn: Connection, report_id: int) -> AnyRow:
    """The report's (id, version, status, revision_no), its row locked for this transaction."""
    row = conn.execute(
        sa.select(t_reports.c.id, t_reports.c.version, t_reports.c.status, t_reports.c.revision_no)
        .where(t_reports.c.id == report_id)
        .with_for_update()
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"找不到编号为 {report_id} 的报告。")
    return row


def check_editable(row: AnyRow, expected_version: int | None) -> None:
    if row.status == FINAL:
        raise FrozenError("本报告已定稿，不能修改。如确需修改，请先“打开新修订版”。")
    if row.status == DELETED:
        raise FrozenError("本报告已删除。如需修改，请先在“已删除的报告”中恢复它。")
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(
            f"报告已被其他窗口或其他用户修改（现为第 {row.version} 版，您看到的是第 {expected_version} 版）。"
            "为免覆盖别人的修改，本次修改没有保存，请重新载入后再改。",
            row.version,
        )


def commit(conn: Connection, row: AnyRow, changes: list[Change], extra: list[Change] | None = None) -> int:
    """Apply ``changes`` to the locked report ``row`` as one new version, recorded with the revisions
    ``extra`` beside them; returns the new version."""
    new_version: int = row.version + 1
    t = now()
    for change in changes:
        apply(conn, row.id, change)
    result = conn.execute(
        sa.update(t_reports)
        .where(t_reports.c.id == row.id, t_reports.c.version == row.version)
        .values(version=new_version, updated_at=t)
    )
    if result.rowcount != 1:
        raise ConflictError("报告已被其他窗口或其他用户修改，本次修改没有保存，请重新载入后再改。")
    if not extra and continue_typing(conn, row, changes, t, new_version):
        return new_version
    conn.execute(
        sa.insert(t_rev),
        [
            {
                "report_id": row.id,
                "at": t,
                "what": c.kind.value,
                "key": c.key,
                "old": c.old,
                "new": c.new,
                "version": new_version,
                "by": who(),
            }
            for c in [*changes, *(extra or [])]
        ],
    )
    return new_version


def continue_typing(
    conn: Connection, row: AnyRow, changes: list[Change], t: dt.datetime, new_version: int
) -> bool:
    """The window saves prose at every keystroke: a text change that follows the report's last revision,
    a change of the same section less than :data:`TYPING_GAP` ago, extends that revision (its ``old``
    stays the text before the typing began) instead of adding one revision per keystroke."""
    if len(changes) != 1 or changes[0].kind != ChangeKind.TEXT:
        return False
    last = conn.execute(
        sa.select(t_rev.c.id, t_rev.c.what, t_rev.c.key, t_rev.c.at, t_rev.c.version)
        .where(t_rev.c.report_id == row.id)
        .order_by(t_rev.c.id.desc())
        .limit(1)
    ).first()
    if (
        last is None
        or (last.what, last.key, last.version) != (ChangeKind.TEXT, changes[0].key, row.version)
        or t - last.at > TYPING_GAP
    ):
        return False
    conn.execute(
        sa.update(t_rev).where(t_rev.c.id == last.id).values(new=changes[0].new, at=t, version=new_version)
    )
    return True


def apply(conn: Connection, rid: int, change: Change) -> None:
    """Write one content change (cell, text, meta, explanation) into the report's tables."""
    kind, key, new = change.kind, change.key, change.new
    if kind == ChangeKind.CELL:
        conn.execute(sa.delete(t_cells).where(t_cells.c.report_id == rid, t_cells.c.key == key))
        if new is not None:
            conn.execute(sa.insert(t_cells).values(report_id=rid, key=key, value=new, num=as_number(new)))
    elif kind == ChangeKind.TEXT:
        conn.execute(sa.delete(t_texts).where(t_texts.c.report_id == rid, t_texts.c.section == key))
        if new:
            conn.execute(sa.insert(t_texts).values(report_id=rid, section=key, body=new))
    elif kind == ChangeKind.META:
        assert key is not None
        value = new if new is not None else ("" if key == "agency" else None)
        conn.execute(sa.update(t_reports).where(t_reports.c.id == rid).values({key: value}))
    elif kind == ChangeKind.EXPLANATION:
        assert key is not None
        rule, cells = json.loads(key)
        for e in conn.execute(
            sa.select(t_expl.c.id, t_expl.c.cells).where(t_expl.c.report_id == rid, t_expl.c.rule == rule)
        ).all():
            if sorted(json.loads(e.cells)) == cells:
                conn.execute(sa.delete(t_expl).where(t_expl.c.id == e.id))
        if new:
            conn.execute(
                sa.insert(t_expl).values(
                    report_id=rid, rule=rule, cells=json.dumps(cells, ensure_ascii=False), body=new
                )
            )


def cell_values(conn: Connection, rid: int, keys: Iterable[str]) -> dict[str, str]:
    return {
        k: v
        for k, v in conn.execute(
            sa.select(t_cells.c.key, t_cells.c.value).where(
                t_cells.c.report_id == rid, t_cells.c.key.in_(list(keys))
            )
        ).all()
    }


# -------------------------------------------------------------------------------------------------
# the history


def revision_of(r: AnyRow) -> Revision:
    at = aware(r.at)
    assert at is not None
    return Revision(r.id, at, ChangeKind(r.what), r.key, r.old, r.new, r.version, r.by)


def revisions(conn: Connection, report_id: int) -> list[Revision]:
    rows = conn.execute(sa.select(t_rev).where(t_rev.c.report_id == report_id).order_by(t_rev.c.id)).all()
    return [revision_of(r) for r in rows]


def back_to(conn: Connection, report_id: int, target: int, now_state: State) -> list[Change]:
    """The changes that bring the report (now ``now_state``) back to its content at version ``target``."""
    current = conn.execute(sa.select(t_reports.c.version).where(t_reports.c.id == report_id)).scalar_one()
    if not 1 <= target <= current:
        raise StoreError(f"没有第 {target} 版（现为第 {current} 版）。")
    state = dict(now_state)
    later = conn.execute(
        sa.select(t_rev.c.what, t_rev.c.key, t_rev.c.old)
        .where(
            t_rev.c.report_id == report_id,
            t_rev.c.version > target,
            t_rev.c.what.in_([k.value for k in CONTENT]),
        )
        .order_by(t_rev.c.id.desc())
    ).all()
    for r in later:
        if r.old is None:
            state.pop((ChangeKind(r.what), r.key), None)
        else:
            state[(ChangeKind(r.what), r.key)] = r.old
    return diff(now_state, state)


def stale(conn: Connection, rid: int, organ: str, year: int, seen: int, current: int) -> ConflictError:
    """The conflict of saving an edit of version ``seen`` over version ``current``: who changed what since."""
    from .wording import describe

    rows = conn.execute(
        sa.select(t_rev).where(t_rev.c.report_id == rid, t_rev.c.version > seen).order_by(t_rev.c.id)
    ).all()
    changes = [revision_of(r) for r in rows]
    lines = [
        f"{c.at.astimezone().strftime('%Y-%m-%d %H:%M')} {c.by or '（未记录）'}：{describe(c)}"
        for c in changes[:20]
    ]
    if len(changes) > 20:
        lines.append(f"…… 共 {len(changes)} 处修改")
    return ConflictError(
        f"{organ} {year} 年度的报告在此文件写出（第 {seen} 版）之后已被修改（现为第 {current} 版），"
        "为免覆盖别人的修改，没有保存。其间的修改：\n" + "\n".join(lines or ["（无记录）"]),
        current,
        changes,
    )


# -------------------------------------------------------------------------------------------------
# drafts deleted recoverably


def discard(conn: Connection, report_id: int, expected_version: int | None) -> int:
    """Mark a draft deleted: it leaves every list and its organ and year are free again (its year is stored
    as -id); its content and history stay. Returns the new version."""
    row = lock(conn, report_id)
    check_editable(row, expected_version)
    year = conn.execute(sa.select(t_reports.c.year).where(t_reports.c.id == report_id)).scalar_one()
    t = now()
    conn.execute(
        sa.update(t_reports)
        .where(t_reports.c.id == report_id)
        .values(status=DELETED, year=-report_id, version=row.version + 1, updated_at=t)
    )
    status_revision(conn, report_id, t, str(year), DRAFT, DELETED, row.version + 1)
    version: int = row.version + 1
    return version


def deleted_year(conn: Connection, report_id: int) -> int:
    """The year a deleted draft had."""
    key = conn.execute(
        sa.select(t_rev.c.key)
        .where(
            t_rev.c.report_id == report_id, t_rev.c.what == ChangeKind.STATUS.value, t_rev.c.new == DELETED
        )
        .order_by(t_rev.c.id.desc())
        .limit(1)
    ).scalar_one()
    return int(key)


def undelete(conn: Connection, report_id: int, organ_id: int | None, organ: str) -> None:
    """Bring a deleted draft back (refused while another report of its organ and year exists)."""
    row = lock(conn, report_id)
    if row.status != DELETED:
        raise StoreError("这份报告没有被删除。")
    year = deleted_year(conn, report_id)
    taken = conn.execute(
        sa.select(t_reports.c.id).where(
            t_reports.c.organ_id == organ_id, t_reports.c.year == year, t_reports.c.id != report_id
        )
    ).first()
    if taken is not None:
        raise StoreError(
            f"{organ} {year}年度已经有一份报告，不能恢复这份已删除的报告。请先删除或改用现有的报告。"
        )
    t = now()
    conn.execute(
        sa.update(t_reports)
        .where(t_reports.c.id == report_id)
        .values(status=DRAFT, year=year, version=row.version + 1, updated_at=t)
    )
    status_revision(conn, report_id, t, str(year), DELETED, DRAFT, row.version + 1)


def status_revision(
    conn: Connection, report_id: int, at: dt.datetime, key: str | None, old: str, new: str, version: int
) -> None:
    """The revision that records a change of a report's status (finalised, reopened, deleted, brought back)."""
    conn.execute(
        sa.insert(t_rev).values(
            report_id=report_id,
            at=at,
            what=ChangeKind.STATUS.value,
            key=key,
            old=old,
            new=new,
            version=version,
            by=who(),
        )
    )
