"""The store and the yearly archive (no Qt).

SQLAlchemy 2 (Core) over SQLite — WAL journal, foreign keys on, ``synchronous=FULL``, each edit one short
``BEGIN IMMEDIATE`` transaction — or PostgreSQL (``postgresql+pg8000://…``) with the same code. The schema is
managed by Alembic migrations shipped in ``model/store/migrations`` and run from code (no alembic.ini): opening
an older database upgrades it after a copy beside it (``Store.upgrade_backup``); a newer one is refused
(:class:`NewerDatabaseError`) and left untouched. When frozen with PyInstaller, bundle the folder
``model/store/migrations`` *with its .py files* as data (e.g. ``collect_data_files("model.store",
include_py_files=True)``): Alembic loads the revision scripts from files.

Cells are stored generically by their key from :mod:`model.form` (a new edition of the form needs no new
table); every change is recorded (:meth:`Store.history`) and any earlier state can be brought back
(:meth:`Store.restore`). Versions give optimistic locking: pass ``expected_version`` (the ``version`` of the
:class:`ReportInfo` you loaded, or the last value an edit returned) and a stale write raises
:class:`ConflictError`.

API (the window codes against this)::

    store = Store.open(url=None, archive_root=None)   # None → default_db_url(); archive: env NIANBAO_ARCHIVE →
                                                      # the folder chosen in 设置 (paths.remember_archive_root)
                                                      # → the default database's: 文档/年报归档 on Windows
                                                      # → beside another SQLite file in "归档"
    store.network_note                                # Chinese note when the SQLite file is on a network share
                                                      # (then journal_mode=DELETE, not WAL)
    default_db_url(url=None) -> str                   # url (--db) → env NIANBAO_DB → remembered_db_url()
                                                      # → the SQLite file in app_data_dir()
    remember_db_url(url | None)                       # the window's choice (JSON in app_data_dir); None forgets
    store.close()                                     # also a context manager
    store.organs() -> list[Organ]                     # Organ(id, name, code, parent_id)
    store.ensure_organ(name, parent=None, code=None) -> Organ
    store.reports(organ=None) -> list[ReportInfo]     # ReportInfo(id, organ, year, template, status, created_at,
                                                      #   updated_at, version, revision_no, finalized_at,
                                                      #   archive_dir, organ_id); .is_final, .status_label
    store.find(organ, year) -> ReportInfo | None
    store.info(report_id) -> ReportInfo
    store.load(report_id) -> (Report, ReportInfo)
    store.save_report(report, organ=None, year=None) -> ReportInfo   # import; replaces a draft; FrozenError if final
    store.new_year(organ, year, copy_prose=False) -> ReportInfo      # 上年结转 ← last year's 结转下年度继续办理
    store.set_cell(report_id, key, value, expected_version=None) -> int    # new version
    store.set_cells(report_id, {key: value}, expected_version=None) -> int # one transaction (a paste)
    store.set_text(report_id, section, text, expected_version=None) -> int
    store.set_meta(report_id, agency=…, title=…, date=…, expected_version=None, template=…) -> int
    store.explain(report_id, rule, cells, text, expected_version=None) -> int   # empty text removes
    store.history(report_id) -> list[Revision]        # Revision(id, at, what: ChangeKind, key, old, new, version);
                                                      # wording.describe(revision): the line in 修改历史
    store.restore(report_id, version, expected_version=None) -> int   # state at that version, recorded as a change
    store.previous_report(report_id) -> Report | None # last year's report of the same organ (for rules.check)
    store.finalize(report_id, archive_root=None) -> Path   # archive folder <root>/<organ>/<year>/第N版;
                                                      # NotFinalizableError (.findings) when it has errors
    store.reopen(report_id) -> int                    # a new revision of a final report (back to draft)
    store.delete_report(report_id)                    # drafts only
    store.archive_files(report_id, {name: path}) -> Path  # PDF, signed PDF … into the archive; manifest updated
    store.archive_verify(archive_root=None) -> list[str]  # problems in Chinese; empty = all good
    store.archive_check(archive_root=None) -> (problems, elsewhere)  # elsewhere: finals archived on another
                                                      # computer (ReportInfo.archive_host), not here
    store.units_of(parent) / store.parents() / store.unit_sums(parent, year) / store.unit_cells(…)
                                                      # the 汇总's queries (model.store.sums), summed in SQL
    store.backup(zip_path) -> Path;  Store.restore_backup(zip_path, url=None, archive_root=None)

A cell value is as in :mod:`model.report` (``None`` blank, ``"/"``, ``int``, ``Decimal``; a typed string is
parsed). A revision's ``what`` is a :class:`ChangeKind` (cell / text / meta / explanation / status / create /
restore; a ``str`` enum, stored as its value); ``old`` and ``new`` are text (``None`` = blank). An edit is a
list of :class:`Change` (kind, key, old, new).

Every error is a :class:`StoreError` with a Chinese message: :class:`ConflictError` (stale write),
:class:`FrozenError` (final report), :class:`NotFinalizableError`, :class:`NotFoundError`,
:class:`DiskFullError`, :class:`CorruptError` (no database of ours / damaged), :class:`NewerDatabaseError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import (
    BusyError,
    ConflictError,
    CorruptError,
    DiskFullError,
    FrozenError,
    NewerDatabaseError,
    NotFinalizableError,
    NotFoundError,
    StoreError,
)
from .paths import app_data_dir, default_db_url, remember_db_url, remembered_db_url, sqlite_url

if TYPE_CHECKING:
    from .changes import Change, ChangeKind, Revision
    from .core import Store, default_archive_root
    from .reports import Organ, ReportInfo

#: names from ``core`` — imported on first use, so that ``import model.store`` (the command line, the window's
#: first paint) does not pay for SQLAlchemy
_CORE = {"Change", "ChangeKind", "Organ", "ReportInfo", "Revision", "Store", "default_archive_root"}


def __getattr__(name: str) -> Any:
    if name in _CORE:
        from . import core

        return getattr(core, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BusyError",
    "Change",
    "ChangeKind",
    "ConflictError",
    "CorruptError",
    "DiskFullError",
    "FrozenError",
    "NewerDatabaseError",
    "NotFinalizableError",
    "NotFoundError",
    "Organ",
    "ReportInfo",
    "Revision",
    "Store",
    "StoreError",
    "app_data_dir",
    "default_archive_root",
    "default_db_url",
    "remember_db_url",
    "remembered_db_url",
    "sqlite_url",
]
