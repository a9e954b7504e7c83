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

from . import archive as archive_mod
from . import reports
from .changes import ChangeKind
from .db import now
from .edits import lock
from .errors import ConflictError, FrozenError, NotFinalizableError, StoreError
from .reports import DRAFT, FINAL
from .schema import reports as t_reports
from .schema import revisions as t_rev

if TYPE_CHECKING:
    from .core import Store


def _rules() -> ModuleType:
    try:
        from .. import rules
    except ImportError as err:
        raise StoreError(f"检查模块不可用，无法定稿（{err}）。") from None
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
            conn.execute(
                sa.insert(t_rev).values(
                    report_id=report_id,
                    at=t,
                    what=ChangeKind.STATUS.value,
                    key=str(folder),
                    old=DRAFT,
                    new=FINAL,
                    version=row.version + 1,
                )
            )
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
        conn.execute(
            sa.insert(t_rev).values(
                report_id=report_id,
                at=t,
                what=ChangeKind.STATUS.value,
                key=None,
                old=FINAL,
                new=DRAFT,
                version=row.version + 1,
            )
        )
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
    return folder


def archive_check(store: Store, archive_root: Path | None = None) -> tuple[list[str], list[str]]:
    """(problems, elsewhere): every hash recomputed — the problems (Chinese), and the final reports whose
    archive was written on another computer (a shared PostgreSQL server: each machine keeps its own archive
    folder) and is not here: “在另一台电脑（名称）上”, which is no problem of this one."""
    roots = [Path(archive_root)] if archive_root else [store.archive_root]
    problems: list[str] = []
    elsewhere: list[str] = []
    for root in roots:
        problems += archive_mod.verify(root)
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
                problems += archive_mod.verify_folder(folder)
    return problems, elsewhere
