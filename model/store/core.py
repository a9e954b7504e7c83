"""The :class:`Store`: one database and the archive folder beside it — the facade the window, the command line
and the 汇总 code against. It opens the database and runs each call in one transaction; the work is done by

- :mod:`.reports` — organs and whole reports (listing, loading, inserting);
- :mod:`.changes` — a report as a flat state, the typed :class:`Change` and :class:`ChangeKind`, values as stored;
- :mod:`.edits` — edits applied as one new version each, and the history (:class:`Revision`);
- :mod:`.finalizing` — finalising and reopening; :mod:`.archive` — the archive folders;
- :mod:`.sums` — the 汇总's queries; :mod:`.upgrade` — the copy made before a schema upgrade.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..form import ALL_CELL_KEYS, FORMS, TEXT_KEYS, edition_in_force
from ..report import Report, Value, prose_too_long
from . import edits, finalizing, reports, sums
from . import paths as paths_mod
from .changes import Change, ChangeKind, Revision, diff, encode, explanation_key, slots
from .db import (
    check_and_upgrade,
    check_readable,
    create_engine,
    describe,
    is_sqlite,
    network_note,
    on_network_share,
    set_wal,
    sqlite_path,
    translated,
)
from .errors import FrozenError, StoreError
from .paths import ARCHIVE_DIR, DB_FILE, default_db_url
from .reports import DELETED, FINAL, AnyRow, Organ, ReportInfo, check_year
from .schema import explanations as t_expl
from .schema import organs as t_organs
from .schema import reports as t_reports
from .schema import texts as t_texts
from .upgrade import pre_upgrade_copy

__all__ = [
    "Change",
    "ChangeKind",
    "Organ",
    "ReportInfo",
    "Revision",
    "Store",
    "check_year",
    "default_archive_root",
]

_UNSET: Any = object()


class Store:
    """One database (SQLite file or PostgreSQL server) and the archive folder beside it."""

    def __init__(
        self, engine: Engine, url: str, archive_root: Path, upgrade_backup: Path | str | None = None
    ):
        self.engine = engine
        self.url = url
        self.archive_root = Path(archive_root)
        #: the copy made before upgrading an older database (None when no upgrade was needed): the copied
        #: SQLite file (a Path), or on PostgreSQL the name of the schema holding the copied tables
        self.upgrade_backup = upgrade_backup
        self._where = describe(url)
        #: said to the clerk when the SQLite file lies on a network share (None otherwise)
        self.network_note: str | None = (
            network_note(self.path) if self.path is not None and on_network_share(engine) else None
        )

    # --- opening ------------------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str | None = None, archive_root: Path | None = None, read_only: bool = False) -> Store:
        """The store at ``url``. ``read_only`` (SQLite): opened without writing anything (no WAL switch, no
        upgrade, no side file in a read-only folder); every write then fails with a clear message."""
        url = default_db_url(url)
        engine = create_engine(url, read_only=read_only)
        if read_only:
            try:
                with translated(describe(url)):
                    check_readable(engine, url)
            except BaseException:
                engine.dispose()
                raise
            return cls(engine, url, Path(archive_root) if archive_root else default_archive_root(url))
        try:
            with translated(describe(url)):
                path = sqlite_path(engine)
                if path is not None and (not path.exists() or path.stat().st_size == 0):
                    set_wal(engine)  # a new file: WAL from the start (other processes may open it at once)
                made = check_and_upgrade(engine, url, backup=lambda conn: pre_upgrade_copy(engine, conn))
                if is_sqlite(engine):
                    set_wal(engine)
        except BaseException:
            engine.dispose()
            raise
        store = cls(engine, url, Path(archive_root) if archive_root else default_archive_root(url), made)
        if made is not None:  # upgraded from before revision 0004: anchor the archive folders found intact
            finalizing.anchor_existing(store)
        return store

    @classmethod
    def open_for_reading(cls, url: str | None = None, archive_root: Path | None = None) -> Store:
        """:meth:`open`, read-only when the SQLite file exists in a place this user cannot write to (a
        read-only folder or file): listing and showing need no write."""
        url = default_db_url(url)
        try:
            path = sqlite_path(url)
        except Exception:
            path = None
        ro = (
            path is not None
            and path.is_file()
            and not (os.access(path.parent, os.W_OK) and os.access(path, os.W_OK))
        )
        return cls.open(url, archive_root, read_only=ro)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def path(self) -> Path | None:
        """The SQLite file (None for a server)."""
        return sqlite_path(self.engine)

    # --- transactions -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _read(self) -> Iterator[Connection]:
        with translated(self._where), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        with translated(self._where), self.engine.connect() as conn:
            conn.execution_options(write=True)
            with conn.begin():
                yield conn

    # --- organs -------------------------------------------------------------------------------------

    def organs(self) -> list[Organ]:
        with self._read() as conn:
            rows = conn.execute(sa.select(t_organs).order_by(t_organs.c.name)).all()
        return [Organ(r.id, r.name, r.code, r.parent_id) for r in rows]

    def ensure_organ(self, name: str, parent: str | None = None, code: str | None = None) -> Organ:
        name = (name or "").strip()
        if not name:
            raise StoreError("机关名称不能为空。")
        with self._write() as conn:
            return reports.ensure_organ(conn, name, parent, code)

    # --- listing ------------------------------------------------------------------------------------

    def _info(self, r: AnyRow) -> ReportInfo:
        return reports.info_of(r, self.archive_root)

    def reports(self, organ: str | None = None) -> list[ReportInfo]:
        q = (
            reports.info_query()
            .where(t_reports.c.status != DELETED)
            .order_by(t_organs.c.name, t_reports.c.year)
        )
        if organ is not None:
            q = q.where(t_organs.c.name == organ)
        with self._read() as conn:
            return [self._info(r) for r in conn.execute(q)]

    def find(self, organ: str, year: int) -> ReportInfo | None:
        q = reports.info_query().where(t_organs.c.name == organ, t_reports.c.year == year)
        with self._read() as conn:
            r = conn.execute(q).one_or_none()
        return self._info(r) if r else None

    def info(self, report_id: int) -> ReportInfo:
        with self._read() as conn:
            return self._info_row(conn, report_id)

    def _info_row(self, conn: Connection, report_id: int) -> ReportInfo:
        return reports.info_row(conn, report_id, self.archive_root)

    # --- loading ------------------------------------------------------------------------------------

    def load(self, report_id: int) -> tuple[Report, ReportInfo]:
        with self._read() as conn:
            info = self._info_row(conn, report_id)
            report = self._load(conn, report_id, info)
        return report, info

    def _load(self, conn: Connection, report_id: int, info: ReportInfo | None = None) -> Report:
        return reports.load(conn, report_id, info or self._info_row(conn, report_id))

    def previous_report(self, report_id: int) -> Report | None:
        """Last year's report of the same organ (for the checks: carry-over and stock base)."""
        with self._read() as conn:
            info = self._info_row(conn, report_id)
            prev_id = reports.report_of(conn, info.organ_id, info.year - 1)
            return self._load(conn, prev_id) if prev_id is not None else None

    # --- importing and new years --------------------------------------------------------------------

    def save_report(
        self, report: Report, organ: str | None = None, year: int | None = None, force: bool = False
    ) -> ReportInfo:
        """Store ``report`` (an import): a new report, or replacing a draft (every change recorded).
        A final report is refused with :class:`FrozenError`.

        A report that carries a ``revision`` (written out by ``store show`` or the archive) is an edit of that
        version: when the stored report has moved on since, :class:`ConflictError` says who changed what
        since — unless ``force``, which replaces it anyway (every change still recorded)."""
        organ = (organ or report.agency or "").strip()
        if not organ:
            raise StoreError("报告中没有机关名称，请指定机关（--organ）。")
        year = year if year is not None else report.year
        if year is None:
            raise StoreError("报告中没有年度，请指定年度（--year）。")
        year = check_year(year)
        report = report.copy()
        report.year = year
        new_state = slots(report)  # validates every value before anything is written
        with self._write() as conn:
            organ_id = reports.ensure_organ(conn, organ, None, None).id
            existing = conn.execute(
                sa.select(t_reports.c.id)
                .where(t_reports.c.organ_id == organ_id, t_reports.c.year == year)
                .with_for_update()
            ).scalar_one_or_none()
            if existing is None:
                rid = reports.insert(conn, organ_id, report, "导入")
            else:
                rid = existing
                row = edits.lock(conn, rid)
                edits.check_editable(row, None)
                if report.revision is not None and report.revision < row.version and not force:
                    raise edits.stale(conn, rid, organ, year, report.revision, row.version)
                old_state = slots(self._load(conn, rid))
                changes = diff(old_state, new_state)
                if changes:
                    edits.commit(conn, row, changes)
            return replace(self._info_row(conn, rid), created=existing is None)

    def new_year(self, organ: str, year: int, copy_prose: bool = False) -> ReportInfo:
        """Start ``year`` for ``organ``: 上年结转 from last year's 结转下年度继续办理 and, on request, last
        year's prose as a draft. Last year's report stays where it is: :meth:`previous_report` gives it
        to the checks (its 现行有效件数 is the base of the stock check)."""
        organ = (organ or "").strip()
        if not organ:
            raise StoreError("机关名称不能为空。")
        year = check_year(year)
        with self._write() as conn:
            organ_id = reports.ensure_organ(conn, organ, None, None).id
            if reports.report_of(conn, organ_id, year):
                raise StoreError(f"{organ} {year} 年度的报告已经存在。")
            prev_id = reports.report_of(conn, organ_id, year - 1)
            report = Report(template=edition_in_force(year), agency=organ, year=year)
            source = "新建"
            if prev_id is not None:
                prev = self._load(conn, prev_id)
                report.agency = prev.agency or organ
                for last, this in reports.carry_forward(report.template):
                    report.cells[this] = prev.cells.get(last)
                if copy_prose:
                    report.text = dict(prev.text)
                source = f"由 {year - 1} 年度结转"
            rid = reports.insert(conn, organ_id, report, source)
            return self._info_row(conn, rid)

    # --- edits --------------------------------------------------------------------------------------

    def _edit(
        self,
        report_id: int,
        expected_version: int | None,
        build: Callable[[Connection], list[Change]],
        extra: Callable[[AnyRow], list[Change]] | None = None,
    ) -> int:
        """Lock the report, check it may be edited, apply ``build(conn)``'s changes as one new version; the
        revisions ``extra(row)`` (if given) are recorded beside them. No change: no new version."""
        with self._write() as conn:
            row = edits.lock(conn, report_id)
            edits.check_editable(row, expected_version)
            changes = build(conn)
            if not changes:
                version: int = row.version
                return version
            return edits.commit(conn, row, changes, extra(row) if extra else None)

    def set_cell(self, report_id: int, key: str, value: Value, expected_version: int | None = None) -> int:
        """Save one cell (one transaction); returns the report's new version."""
        return self.set_cells(report_id, {key: value}, expected_version)

    def set_cells(self, report_id: int, values: dict[str, Value], expected_version: int | None = None) -> int:
        """Save several cells in one transaction (a paste); returns the report's new version."""
        for k in values:
            if k not in ALL_CELL_KEYS:
                raise StoreError(f"没有这个单元格：{k}")
        encoded = {k: encode(v, k) for k, v in values.items()}

        def build(conn: Connection) -> list[Change]:
            old = edits.cell_values(conn, report_id, encoded)
            return [Change(ChangeKind.CELL, k, old.get(k), v) for k, v in encoded.items() if old.get(k) != v]

        return self._edit(report_id, expected_version, build)

    def set_text(self, report_id: int, section: str, text: str, expected_version: int | None = None) -> int:
        if section not in TEXT_KEYS:
            raise StoreError(f"没有这个正文部分：{section}")
        text = text or ""
        too_long = prose_too_long({section: text})
        if too_long:
            raise StoreError(too_long + "没有保存。")

        def build(conn: Connection) -> list[Change]:
            old = conn.execute(
                sa.select(t_texts.c.body).where(
                    t_texts.c.report_id == report_id, t_texts.c.section == section
                )
            ).scalar_one_or_none()
            return [] if (old or "") == text else [Change(ChangeKind.TEXT, section, old, text or None)]

        return self._edit(report_id, expected_version, build)

    def set_meta(
        self,
        report_id: int,
        agency: str | None = _UNSET,
        title: str | None = _UNSET,
        date: str | None = _UNSET,
        expected_version: int | None = None,
        template: str | None = _UNSET,
    ) -> int:
        """Change the report's agency (as printed), title, date (ISO) or template edition."""
        wanted = {
            k: v
            for k, v in {"agency": agency, "title": title, "date": date, "template": template}.items()
            if v is not _UNSET
        }
        if "template" in wanted and wanted["template"] not in FORMS:
            known = " 或 ".join(FORMS)
            raise StoreError(f"不认识的报告格式版本“{wanted['template']}”（应为 {known}）。")
        if "date" in wanted and wanted["date"]:
            try:
                dt.date.fromisoformat(wanted["date"])
            except ValueError:
                raise StoreError(f"日期“{wanted['date']}”应写作 YYYY-MM-DD。") from None

        def build(conn: Connection) -> list[Change]:
            row = conn.execute(
                sa.select(
                    t_reports.c.agency, t_reports.c.title, t_reports.c.date, t_reports.c.template
                ).where(t_reports.c.id == report_id)
            ).one()
            out = []
            for k, v in wanted.items():
                v = v or ("" if k == "agency" else None)
                if getattr(row, k) != v:
                    out.append(Change(ChangeKind.META, k, getattr(row, k), v))
            return out

        return self._edit(report_id, expected_version, build)

    def explain(
        self, report_id: int, rule: str, cells: Iterable[str], text: str, expected_version: int | None = None
    ) -> int:
        """Attach (or, with empty ``text``, remove) the explanation of a finding."""
        key = explanation_key(rule, cells)
        text = (text or "").strip()

        def build(conn: Connection) -> list[Change]:
            old = None
            for e in conn.execute(
                sa.select(t_expl.c.cells, t_expl.c.body).where(
                    t_expl.c.report_id == report_id, t_expl.c.rule == rule
                )
            ):
                if explanation_key(rule, json.loads(e.cells)) == key:
                    old = e.body
            return [] if (old or "") == text else [Change(ChangeKind.EXPLANATION, key, old, text or None)]

        return self._edit(report_id, expected_version, build)

    # --- history ------------------------------------------------------------------------------------

    def history(self, report_id: int) -> list[Revision]:
        with self._read() as conn:
            self._info_row(conn, report_id)
            return edits.revisions(conn, report_id)

    def restore(self, report_id: int, version: int, expected_version: int | None = None) -> int:
        """Bring back the content the report had at ``version``; recorded as a change (so it can be undone
        the same way). Returns the new version."""
        target = int(version)

        def build(conn: Connection) -> list[Change]:
            return edits.back_to(conn, report_id, target, slots(self._load(conn, report_id)))

        return self._edit(
            report_id,
            expected_version,
            build,
            lambda row: [Change(ChangeKind.RESTORE, None, str(row.version), str(target))],
        )

    # --- finalising ---------------------------------------------------------------------------------

    def finalize(
        self, report_id: int, archive_root: Path | None = None, expected_version: int | None = None
    ) -> Path:
        """Check the report and, without errors, freeze it and write its archive folder
        (:func:`.finalizing.finalize`); returns the folder."""
        return finalizing.finalize(self, report_id, archive_root, expected_version)

    def reopen(self, report_id: int) -> int:
        """Open a new revision of a final report (back to draft; its archive stays); the new version."""
        return finalizing.reopen(self, report_id)

    def discard_draft(self, report_id: int, expected_version: int | None = None) -> int:
        """Delete a draft made by mistake, recoverably: it leaves every list and its organ and year are free
        again, its content and history stay (:meth:`deleted_reports`, :meth:`undelete`). Returns the new
        version."""
        with self._write() as conn:
            return edits.discard(conn, report_id, expected_version)

    def deleted_reports(self) -> list[ReportInfo]:
        """The deleted drafts (newest first), each with the year it had."""
        with self._read() as conn:
            rows = conn.execute(
                reports.info_query()
                .where(t_reports.c.status == DELETED)
                .order_by(t_reports.c.updated_at.desc())
            ).all()
            return [replace(self._info(r), year=edits.deleted_year(conn, r.id)) for r in rows]

    def undelete(self, report_id: int) -> ReportInfo:
        """Bring a deleted draft back (refused while another report of its organ and year exists)."""
        with self._write() as conn:
            info = self._info_row(conn, report_id)
            edits.undelete(conn, report_id, info.organ_id, info.organ)
            return self._info_row(conn, report_id)

    def delete_report(self, report_id: int) -> None:
        """Delete a draft (a final report is kept)."""
        with self._write() as conn:
            row = edits.lock(conn, report_id)
            if row.status == FINAL:
                raise FrozenError("已定稿的报告不能删除。")
            conn.execute(sa.delete(t_reports).where(t_reports.c.id == report_id))

    # --- archive ------------------------------------------------------------------------------------

    def archive_files(self, report_id: int, files: dict[str, Path]) -> Path:
        """Copy ``files`` ({name in the archive: source path}, e.g. the PDF and the signed PDF) into the
        archive folder of the final report and update its manifest. Returns the folder."""
        return finalizing.archive_files(self, report_id, files)

    def archive_verify(self, archive_root: Path | None = None) -> list[str]:
        """Recompute every hash; a list of problems (Chinese), empty when all is well."""
        return self.archive_check(archive_root)[0]

    def archive_check(self, archive_root: Path | None = None) -> tuple[list[str], list[str]]:
        """(problems, elsewhere): every hash recomputed (:func:`.finalizing.archive_check`)."""
        return finalizing.archive_check(self, archive_root)

    # --- the 汇总's queries -------------------------------------------------------------------------

    def units_of(self, parent: str) -> list[str]:
        """The organs directly under ``parent`` (by name), sorted."""
        with self._read() as conn:
            return sums.units_of(conn, parent)

    def parents(self) -> list[str]:
        """Organs that have units under them."""
        with self._read() as conn:
            return sums.parents(conn)

    def unit_sums(self, parent: str, year: int) -> sums.UnitSums:
        """Every cell summed (in SQL) over the reports of ``parent``'s units for ``year``, and who reported."""
        with self._read() as conn:
            return sums.unit_sums(conn, parent, year)

    def unit_cells(self, parent: str, year: int, key: str) -> list[tuple[str, str | None]]:
        """(unit, cell ``key`` as stored) for each unit's report of ``year``."""
        with self._read() as conn:
            return sums.unit_cells(conn, parent, year, key)

    def organ_of(self, report_id: int) -> tuple[str, str | None] | None:
        """(name, code) of the organ of report ``report_id``."""
        with self._read() as conn:
            return sums.organ_of(conn, report_id)

    # --- backup -------------------------------------------------------------------------------------

    def backup(self, zip_path: Path) -> Path:
        """One .zip: a consistent copy of the database (SQLite online backup API) and the archive."""
        from .backup import make_backup

        return make_backup(self, Path(zip_path))

    @staticmethod
    def restore_backup(zip_path: Path, url: str | None = None, archive_root: Path | None = None) -> None:
        """Replace the database (and archive) with a backup; the whole zip is checked first."""
        from .backup import restore_backup

        restore_backup(Path(zip_path), url or default_db_url(), archive_root)


def default_archive_root(url: str) -> Path:
    env = os.environ.get("NIANBAO_ARCHIVE")
    if env:
        return Path(env)
    chosen = paths_mod.remembered_archive_root()
    if chosen is not None:
        return chosen
    path = sqlite_path(url)
    if path is None or Path(path).absolute() == (paths_mod.app_data_dir() / DB_FILE).absolute():
        return paths_mod.default_archive_dir()  # the default database's archive: 文档\年报归档 on Windows
    return path.parent / ARCHIVE_DIR
