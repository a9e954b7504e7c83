"""Finalising in the store: the report checked (``model.rules.check`` against last year's), frozen, and its
archive folder written; a final report reopened as a new revision; files added to a final report's archive
folder and every archive checked. :class:`Store`'s ``finalize``, ``reopen``, ``archive_files`` and
``archive_check`` are these; :mod:`model.finalize` adds the PDF to the archive folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import archive as archive_mod
from . import reports
from .db import now
from .edits import lock, status_revision
from .errors import ConflictError, FrozenError, NotFinalizableError, StoreError
from .reports import DRAFT, FINAL
from .schema import archive_files as t_afiles
from .schema import reports as t_reports

if TYPE_CHECKING:
    from .core import Store


def _rules() -> ModuleType:
    from .. import rules  # no fallback: finalising without the checks would be a silent hole

    return rules


def relative(folder: Path, root: Path) -> str:
    """The archive folder as stored: relative to the archive root when inside it (so that a restored backup
    in another place still finds it), else absolute."""
    try:
        return Path(folder).absolute().relative_to(Path(root).absolute()).as_posix()
    except ValueError:
        return str(Path(folder).absolute())


def finalize(
    store: Store, report_id: int, archive_root: Path | None = None, expected_version: int | None = None
) -> Path:
    """Check the report, and when it has no error freeze it and write its archive folder; returns that
    folder. Errors → :class:`NotFinalizableError`.

    ``expected_version``: the version the clerk saw (and checked); when the report has changed since,
    :class:`ConflictError` — what is finalised is then exactly what was looked at."""
    report, info = store.load(report_id)
    if info.is_final:
        raise FrozenError(f"{info.organ} {info.year} 年度的报告已经定稿。")
    if expected_version is not None and info.version != expected_version:
        raise ConflictError(
            f"报告已被其他窗口或其他用户修改（现为第 {info.version} 版，您看到的是第 {expected_version} 版），"
            "没有定稿。请重新载入、检查后再定稿。",
            info.version,
        )
    rules = _rules()
    findings = rules.check(report, store.previous_report(report_id), final=True)
    errors = [f for f in findings if getattr(f.severity, "value", f.severity) == "error"]
    if errors:
        shown = "；".join(f.message for f in errors[:5])
        more = f" 等 {len(errors)} 处" if len(errors) > 5 else ""
        raise NotFinalizableError(
            f"报告还有 {len(errors)} 处错误，不能定稿：{shown}{more}。请改正后再定稿。", errors
        )
    root = Path(archive_root) if archive_root else store.archive_root
    t = now()
    meta = {
        "organ": info.organ,
        "year": info.year,
        "revision": info.revision_no,
        "finalized_at": t.replace(tzinfo=dt.UTC).isoformat(),
    }
    report.revision = info.version + 1  # the version the report has once final (exchange-format.md)
    folder = archive_mod.write_final(root, info.organ, info.year, info.revision_no, report.to_json(), meta)
    try:
        with store._write() as conn:
            row = lock(conn, report_id)
            if row.status == FINAL:
                raise FrozenError(f"{info.organ} {info.year} 年度的报告已经定稿。")
            if row.version != info.version:
                raise ConflictError("定稿期间报告被修改了，请重新检查后再定稿。", row.version)
            conn.execute(
                sa.update(t_reports)
                .where(t_reports.c.id == report_id)
                .values(
                    status=FINAL,
                    version=row.version + 1,
                    updated_at=t,
                    finalized_at=t,
                    archive_dir=relative(folder, store.archive_root),
                    archive_host=archive_mod.this_host() or None,
                    archive_root=str(store.archive_root.absolute()),
                )
            )
            status_revision(conn, report_id, t, str(folder), DRAFT, FINAL, row.version + 1)
            anchor(conn, report_id, folder, store.archive_root)
    except BaseException:
        archive_mod.discard(folder)
        raise
    return folder


def reopen(store: Store, report_id: int) -> int:
    """Open a new revision of a final report (status back to draft; its archive stays). Returns the new
    version."""
    with store._write() as conn:
        row = lock(conn, report_id)
        if row.status != FINAL:
            raise StoreError("只有已定稿的报告才需要打开新修订版。")
        t = now()
        conn.execute(
            sa.update(t_reports)
            .where(t_reports.c.id == report_id)
            .values(status=DRAFT, version=row.version + 1, revision_no=row.revision_no + 1, updated_at=t)
        )
        status_revision(conn, report_id, t, None, FINAL, DRAFT, row.version + 1)
        new_version: int = row.version + 1
        return new_version


# -------------------------------------------------------------------------------------------------
# the archive of final reports


def archive_files(store: Store, report_id: int, files: dict[str, Path]) -> Path:
    """Copy ``files`` ({name in the archive: source path}, e.g. the PDF and the signed PDF) into the archive
    folder of the final report and update its manifest. Returns the folder."""
    info = store.info(report_id)
    if not info.is_final or not info.archive_dir:
        raise StoreError(f"{info.organ} {info.year} 年度的报告尚未定稿，没有归档文件夹。")
    folder = Path(info.archive_dir)
    if not folder.is_dir():
        raise StoreError(f"归档文件夹不存在：{folder}")
    archive_mod.add_files(folder, {n: Path(p) for n, p in files.items()})
    with store._write() as conn:
        anchor(conn, report_id, folder, store.archive_root)
    return folder


def anchor(conn: Connection, report_id: int, folder: Path, root: Path) -> None:
    """Record the SHA-256 of every file of ``folder`` (and of its manifest) in the database, replacing what
    was recorded for it: ``archive verify`` checks the folder against these."""
    key = relative(folder, root)
    try:
        files = archive_mod.folder_files(folder)
    except OSError as err:
        raise StoreError(f"归档文件无法读取（{folder}）：{err.strerror or err}") from None
    conn.execute(sa.delete(t_afiles).where(t_afiles.c.report_id == report_id, t_afiles.c.folder == key))
    conn.execute(
        sa.insert(t_afiles),
        [
            {"report_id": report_id, "folder": key, "name": n, "sha256": h, "size": size}
            for n, (h, size) in files.items()
        ],
    )


def anchor_existing(store: Store) -> None:
    """Record the hashes of the final reports' archive folders that have none yet (a database from before
    revision 0004), when the folder is here and agrees with its own manifest: from the upgrade on,
    ``archive verify`` checks them against the database. A folder that does not agree stays unanchored
    (``archive verify`` keeps saying what is wrong with it)."""
    try:
        with store._read() as conn:
            finals = conn.execute(
                sa.select(t_reports.c.id, t_reports.c.archive_dir).where(
                    t_reports.c.status == FINAL, t_reports.c.archive_dir.is_not(None)
                )
            ).all()
            anchored = set(conn.execute(sa.select(t_afiles.c.folder).distinct()).scalars())
        for r in finals:
            folder = Path(str(reports.archive_abs(r.archive_dir, store.archive_root)))
            if r.archive_dir in anchored or not (folder / archive_mod.MANIFEST).is_file():
                continue
            if archive_mod.verify_folder(folder) == []:
                with store._write() as conn:
                    anchor(conn, r.id, folder, store.archive_root)
    except (StoreError, OSError):
        pass  # the upgrade stands; archive verify says what it finds


def archive_check(store: Store, archive_root: Path | None = None) -> tuple[list[str], list[str]]:
    """(problems, notes): every hash recomputed — the problems (Chinese), and notes that are no problem of this
    computer: the final reports whose archive was written on another computer (a shared PostgreSQL server:
    each machine keeps its own archive folder) “在另一台电脑（名称）上”, and archive folders the database has
    no record of (a copied archive without its database: checked against their own manifest only, “未锚定”).

    Each folder is checked against the SHA-256 of its files and of its manifest recorded in the database at
    finalising, so that a file changed together with its hash in the manifest is caught."""
    roots = [Path(archive_root)] if archive_root else [store.archive_root]
    problems: list[str] = []
    elsewhere: list[str] = []
    with store._read() as conn:
        anchors: dict[str, dict[str, str]] = {}
        for a in conn.execute(sa.select(t_afiles.c.folder, t_afiles.c.name, t_afiles.c.sha256)):
            anchors.setdefault(a.folder, {})[a.name] = a.sha256
    for root in roots:
        for kept in archive_mod.manifests(root):
            found = anchors.get(relative(kept, root))
            problems += archive_mod.verify_folder(kept, found)
            if found is None:
                elsewhere.append(f"未锚定：{kept}（数据库中没有这份归档的记录，只按它自己的清单核对）")
    if archive_root is None:
        with store._read() as conn:
            finals = conn.execute(reports.info_query().where(t_reports.c.status == FINAL)).all()
        checked = {f for root in roots for f in archive_mod.manifests(root)}
        here = archive_mod.this_host()
        for r in finals:
            folder = (
                Path(str(reports.archive_abs(r.archive_dir, store.archive_root))) if r.archive_dir else None
            )
            if folder is None or not (folder / archive_mod.MANIFEST).is_file():
                host = r.archive_host
                if host and host.casefold() != here.casefold():
                    where = (
                        Path(r.archive_root) / r.archive_dir if r.archive_root and r.archive_dir else folder
                    )
                    elsewhere.append(f"{r.organ_name} {r.year} 年度的归档在另一台电脑（{host}）上：{where}")
                else:
                    problems.append(f"{r.organ_name} {r.year} 年度已定稿，但归档文件夹缺失：{folder}")
            elif folder not in checked:
                problems += archive_mod.verify_folder(
                    folder, anchors.get(r.archive_dir) if r.archive_dir else None
                )
    return problems, elsewhere
