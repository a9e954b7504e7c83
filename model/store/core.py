"""The :class:`Store`: organs, reports, cells by key, prose, explanations, history, finalising, archive."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..form import ALL_CELL_KEYS, CURRENT_FORM, FORMS, TEXT_KEYS, any_cell, edition_in_force, form_for
from ..report import SLASH, Report, Value, parse_value, prose_too_long
from . import archive as archive_mod
from . import paths as paths_mod
from .db import (
    check_and_upgrade,
    check_readable,
    create_engine,
    describe,
    is_sqlite,
    network_note,
    now,
    on_network_share,
    set_wal,
    sqlite_path,
    translated,
)
from .errors import ConflictError, FrozenError, NotFinalizableError, NotFoundError, StoreError
from .paths import ARCHIVE_DIR, DB_FILE, atomic_path, default_db_url
from .schema import archive_files as t_afiles
from .schema import cells as t_cells
from .schema import explanations as t_expl
from .schema import organs as t_organs
from .schema import reports as t_reports
from .schema import revisions as t_rev
from .schema import texts as t_texts

DRAFT = "draft"
FINAL = "final"
#: a draft deleted by the clerk: kept (its year stored as -id, so that the organ and year are free again)
#: until it is brought back from 已删除的报告
DELETED = "deleted"
STATUS_LABEL = {DRAFT: "草稿", FINAL: "已定稿", DELETED: "已删除"}
META_LABEL = {"agency": "机关名称", "title": "标题", "date": "成文日期", "template": "格式版本"}
WHAT_LABEL = {
    "cell": "单元格",
    "text": "正文",
    "meta": "基本信息",
    "explanation": "说明",
    "status": "状态",
    "create": "新建",
    "restore": "恢复",
}
#: the kinds of change that make up a report's content (restore replays these)
CONTENT = ("cell", "text", "meta", "explanation")
_UNSET: Any = object()
MAX_ABS = Decimal(10) ** 15
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
    return year


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


@dataclass(frozen=True)
class Revision:
    """One recorded change: ``what`` is cell / text / meta / explanation / status / create / restore;
    ``key`` the cell key, text section, meta field, or for an explanation ``["rule", [cells…]]`` as JSON;
    ``old`` / ``new`` the values as text (a cell as printed, ``None`` for blank); ``version`` the report's
    version after the change (all changes of one edit share it)."""

    id: int
    at: dt.datetime  # UTC
    what: str
    key: str | None
    old: str | None
    new: str | None
    version: int
    #: who made the change: user@computer (None for changes made before revision 0004)
    by: str | None = None

    def describe(self) -> str:
        """A Chinese one-line description for the history list."""
        what = WHAT_LABEL.get(self.what, self.what)
        if self.what == "cell" and self.key:
            cell = any_cell(self.key)
            name = cell.name if cell else self.key
            return f"{what} {name}：{_show(self.old)} → {_show(self.new)}"
        if self.what == "text" and self.key:
            section = CURRENT_FORM.text_sections.get(self.key)
            return f"{what}“{section.heading if section else self.key}”已修改"
        if self.what == "meta" and self.key:
            return f"{META_LABEL.get(self.key, self.key)}：{_show(self.old)} → {_show(self.new)}"
        if self.what == "explanation":
            return f"{what}：{_show(self.new) if self.new is not None else '已删除'}"
        if self.what == "status":
            return f"{what}：{STATUS_LABEL.get(self.old or '', self.old)} → {STATUS_LABEL.get(self.new or '', self.new)}"
        if self.what == "restore":
            return f"恢复到版本 {self.new}"
        return f"{what}{('：' + self.new) if self.new else ''}"


def _show(v: str | None) -> str:
    return "（空白）" if v is None or v == "" else v


# -------------------------------------------------------------------------------------------------
# values as stored


def encode(value: Any, key: str = "") -> str | None:
    """A cell value as stored (text) — ``None`` for blank; ``StoreError`` if it is no value."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise StoreError(f"单元格 {key} 的值 {value!r} 不是数字。")
    if isinstance(value, str):
        try:
            value = parse_value(value)
        except ValueError:
            raise StoreError(f"单元格 {key} 的值“{value}”不是数字，也不是“/”。") from None
        if value is None or value == SLASH:
            return value
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, int):
        value = Decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite():
        raise StoreError(f"单元格 {key} 的值 {value!r} 不是数字。")
    if abs(value) >= MAX_ABS:
        raise StoreError(f"单元格 {key} 的值 {value} 过大。")
    text = format(value, "f")
    if len(text) > 40:
        raise StoreError(f"单元格 {key} 的值 {value} 位数过多。")
    return text


def decode(text: str | None) -> Value:
    if text is None:
        return None
    return parse_value(text)


def _num(text: str | None) -> float | None:
    if text is None or text == SLASH:
        return None
    return float(Decimal(text))


def _expl_key(rule: str, cells: Iterable[str]) -> str:
    return json.dumps([rule, sorted(cells)], ensure_ascii=False)


def slots(report: Report) -> dict[tuple[str, str], str | None]:
    """A report as a flat state: (what, key) → text. Blank cells and empty prose are absent."""
    too_long = prose_too_long(report.text)
    if too_long:
        raise StoreError(too_long)
    out: dict[tuple[str, str], str | None] = {}
    for k in ALL_CELL_KEYS:
        v = encode(report.cells.get(k), k)
        if v is not None:
            out[("cell", k)] = v
    for k in TEXT_KEYS:
        if report.text.get(k):
            out[("text", k)] = report.text[k]
    out[("meta", "agency")] = report.agency or ""
    out[("meta", "title")] = report.title or None
    out[("meta", "date")] = report.date or None
    out[("meta", "template")] = report.template
    for e in report.explanations:
        out[("explanation", _expl_key(e.rule, e.cells))] = e.text
    return {k: v for k, v in out.items() if v is not None}


def _diff(old: dict, new: dict) -> list[tuple[str, str, str | None, str | None]]:
    keys = sorted(set(old) | set(new))
    return [(w, k, old.get((w, k)), new.get((w, k))) for (w, k) in keys if old.get((w, k)) != new.get((w, k))]


#: keystrokes in one section closer together than this are one revision of the history
TYPING_GAP = dt.timedelta(seconds=30)


def _aware(t: dt.datetime | None) -> dt.datetime | None:
    return t.replace(tzinfo=dt.UTC) if t is not None and t.tzinfo is None else t


def _carry_forward(report_template: str) -> list[tuple[str, str]]:
    """(last year's cell, this year's cell) for a new year: 上年结转 ← last year's 结转下年度继续办理."""
    return [(c.last, c.this) for c in form_for(report_template).carry_forward]


def who() -> str:
    """The user and computer making a change (``user@computer``), recorded with each revision."""
    try:
        import getpass

        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in this environment (getpass raises OSError/KeyError)
        user = ""
    host = archive_mod.this_host()
    return (f"{user}@{host}" if user and host else user or host or "")[:255]


def _rules():
    from .. import rules  # no fallback: finalising without the checks would be a silent hole

    return rules


# -------------------------------------------------------------------------------------------------


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
                made = check_and_upgrade(engine, url, backup=lambda conn: _pre_upgrade_copy(engine, conn))
                if is_sqlite(engine):
                    set_wal(engine)
        except BaseException:
            engine.dispose()
            raise
        store = cls(engine, url, Path(archive_root) if archive_root else default_archive_root(url), made)
        if made is not None:  # upgraded from before revision 0004: anchor the archive folders found intact
            store._anchor_existing()
        return store

    @classmethod
    def open_for_reading(cls, url: str | None = None, archive_root: Path | None = None) -> Store:
        """:meth:`open`, read-only when the SQLite file exists in a place this user cannot write to (a
        read-only folder or file): listing and showing need no write."""
        url = default_db_url(url)
        try:
            path = sqlite_path(url)
        except Exception:  # noqa: BLE001 - not a URL: open() says so
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
            return self._ensure_organ(conn, name, parent, code)

    def _ensure_organ(self, conn: Connection, name: str, parent: str | None, code: str | None) -> Organ:
        parent_id = None
        if parent and parent.strip() and parent.strip() != name:
            parent_id = self._ensure_organ(conn, parent.strip(), None, None).id
        row = conn.execute(sa.select(t_organs).where(t_organs.c.name == name)).one_or_none()
        if row is None:
            oid = conn.execute(
                sa.insert(t_organs).values(name=name, code=code, parent_id=parent_id).returning(t_organs.c.id)
            ).scalar_one()
            return Organ(oid, name, code, parent_id)
        values = {}
        if code is not None and code != row.code:
            values["code"] = code
        if parent_id is not None and parent_id != row.parent_id:
            values["parent_id"] = parent_id
        if values:
            conn.execute(sa.update(t_organs).where(t_organs.c.id == row.id).values(**values))
        return Organ(row.id, name, values.get("code", row.code), values.get("parent_id", row.parent_id))

    # --- listing ------------------------------------------------------------------------------------

    def _info_query(self):
        return sa.select(t_reports, t_organs.c.name.label("organ_name")).join(
            t_organs, t_organs.c.id == t_reports.c.organ_id
        )

    def _archive_abs(self, stored: str | None) -> str | None:
        if not stored:
            return None
        p = Path(stored)
        return str(p if p.is_absolute() else self.archive_root / p)

    def _info(self, r) -> ReportInfo:  # noqa: ANN001
        return ReportInfo(
            r.id,
            r.organ_name,
            r.year,
            r.template,
            r.status,
            _aware(r.created_at),
            _aware(r.updated_at),
            r.version,
            r.revision_no,
            _aware(r.finalized_at),
            self._archive_abs(r.archive_dir),
            r.organ_id,
            r.archive_host,
        )

    def reports(self, organ: str | None = None) -> list[ReportInfo]:
        q = (
            self._info_query()
            .where(t_reports.c.status != DELETED)
            .order_by(t_organs.c.name, t_reports.c.year)
        )
        if organ is not None:
            q = q.where(t_organs.c.name == organ)
        with self._read() as conn:
            return [self._info(r) for r in conn.execute(q)]

    def find(self, organ: str, year: int) -> ReportInfo | None:
        q = self._info_query().where(t_organs.c.name == organ, t_reports.c.year == year)
        with self._read() as conn:
            r = conn.execute(q).one_or_none()
        return self._info(r) if r else None

    def info(self, report_id: int) -> ReportInfo:
        with self._read() as conn:
            return self._info_row(conn, report_id)

    def _info_row(self, conn: Connection, report_id: int) -> ReportInfo:
        r = conn.execute(self._info_query().where(t_reports.c.id == report_id)).one_or_none()
        if r is None:
            raise NotFoundError(f"找不到编号为 {report_id} 的报告。")
        return self._info(r)

    # --- loading ------------------------------------------------------------------------------------

    def load(self, report_id: int) -> tuple[Report, ReportInfo]:
        with self._read() as conn:
            info = self._info_row(conn, report_id)
            report = self._load(conn, report_id, info)
        return report, info

    def _load(self, conn: Connection, report_id: int, info: ReportInfo | None = None) -> Report:
        info = info or self._info_row(conn, report_id)
        row = conn.execute(
            sa.select(t_reports.c.agency, t_reports.c.title, t_reports.c.date).where(
                t_reports.c.id == report_id
            )
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
            report.explanations.append(_explanation(e.rule, json.loads(e.cells), e.body))
        return report

    def previous_report(self, report_id: int) -> Report | None:
        """Last year's report of the same organ (for the checks: carry-over and stock base)."""
        with self._read() as conn:
            info = self._info_row(conn, report_id)
            prev_id = conn.execute(
                sa.select(t_reports.c.id).where(
                    t_reports.c.organ_id == info.organ_id, t_reports.c.year == info.year - 1
                )
            ).scalar_one_or_none()
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
            organ_id = self._ensure_organ(conn, organ, None, None).id
            existing = conn.execute(
                sa.select(t_reports.c.id)
                .where(t_reports.c.organ_id == organ_id, t_reports.c.year == year)
                .with_for_update()
            ).scalar_one_or_none()
            if existing is None:
                rid = self._insert(conn, organ_id, report, "导入")
            else:
                rid = existing
                row = self._lock(conn, rid)
                self._check_editable(row, None)
                if report.revision is not None and report.revision < row.version and not force:
                    raise self._stale(conn, rid, organ, year, report.revision, row.version)
                old_state = slots(self._load(conn, rid))
                changes = _diff(old_state, new_state)
                if changes:
                    self._commit_changes(conn, row, changes)
            return replace(self._info_row(conn, rid), created=existing is None)

    def _stale(
        self, conn: Connection, rid: int, organ: str, year: int, seen: int, current: int
    ) -> ConflictError:
        """The conflict of saving an edit of version ``seen`` over version ``current``: who changed what since."""
        rows = conn.execute(
            sa.select(t_rev).where(t_rev.c.report_id == rid, t_rev.c.version > seen).order_by(t_rev.c.id)
        ).all()
        changes = [Revision(r.id, _aware(r.at), r.what, r.key, r.old, r.new, r.version, r.by) for r in rows]
        lines = [
            f"{c.at.astimezone().strftime('%Y-%m-%d %H:%M')} {c.by or '（未记录）'}：{c.describe()}"
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

    def new_year(self, organ: str, year: int, copy_prose: bool = False) -> ReportInfo:
        """Start ``year`` for ``organ``: 上年结转 from last year's 结转下年度继续办理 and, on request, last
        year's prose as a draft. Last year's report stays where it is: :meth:`previous_report` gives it
        to the checks (its 现行有效件数 is the base of the stock check)."""
        organ = (organ or "").strip()
        if not organ:
            raise StoreError("机关名称不能为空。")
        year = check_year(year)
        with self._write() as conn:
            organ_id = self._ensure_organ(conn, organ, None, None).id
            if conn.execute(
                sa.select(t_reports.c.id).where(t_reports.c.organ_id == organ_id, t_reports.c.year == year)
            ).scalar_one_or_none():
                raise StoreError(f"{organ} {year} 年度的报告已经存在。")
            prev_id = conn.execute(
                sa.select(t_reports.c.id).where(
                    t_reports.c.organ_id == organ_id, t_reports.c.year == year - 1
                )
            ).scalar_one_or_none()
            report = Report(template=edition_in_force(year), agency=organ, year=year)
            source = "新建"
            if prev_id is not None:
                prev = self._load(conn, prev_id)
                report.agency = prev.agency or organ
                for last, this in _carry_forward(report.template):
                    report.cells[this] = prev.cells.get(last)
                if copy_prose:
                    report.text = dict(prev.text)
                source = f"由 {year - 1} 年度结转"
            rid = self._insert(conn, organ_id, report, source)
            return self._info_row(conn, rid)

    def _insert(self, conn: Connection, organ_id: int, report: Report, source: str) -> int:
        t = now()
        rid = conn.execute(
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
            {"report_id": rid, "key": k, "value": v, "num": _num(v)}
            for (w, k), v in state.items()
            if w == "cell"
        ]
        if rows:
            conn.execute(sa.insert(t_cells), rows)
        texts = [{"report_id": rid, "section": k, "body": v} for (w, k), v in state.items() if w == "text"]
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
            sa.insert(t_rev).values(report_id=rid, at=t, what="create", new=source, version=1, by=who())
        )
        return rid

    # --- edits --------------------------------------------------------------------------------------

    def _lock(self, conn: Connection, report_id: int):  # noqa: ANN202
        row = conn.execute(
            sa.select(t_reports.c.id, t_reports.c.version, t_reports.c.status, t_reports.c.revision_no)
            .where(t_reports.c.id == report_id)
            .with_for_update()
        ).one_or_none()
        if row is None:
            raise NotFoundError(f"找不到编号为 {report_id} 的报告。")
        return row

    @staticmethod
    def _check_editable(row, expected_version: int | None) -> None:  # noqa: ANN001
        if row.status == FINAL:
            raise FrozenError("本报告已定稿，不能修改。如确需修改，请先“取消定稿”。")
        if row.status == DELETED:
            raise FrozenError("本报告已删除。如需修改，请先在“已删除的报告”中恢复它。")
        if expected_version is not None and row.version != expected_version:
            raise ConflictError(
                f"报告已被其他窗口或其他用户修改（现为第 {row.version} 版，您看到的是第 {expected_version} 版）。"
                "为免覆盖别人的修改，本次修改没有保存，请重新载入后再改。",
                row.version,
            )

    def _edit(
        self,
        report_id: int,
        expected_version: int | None,
        build: Callable[[Connection], list],
        extra: Callable[[Any], list] | None = None,
    ) -> int:
        """Lock the report, check it may be edited, apply ``build(conn)``'s changes as one new version; the
        revisions ``extra(row)`` (if given) are recorded beside them. No change: no new version."""
        with self._write() as conn:
            row = self._lock(conn, report_id)
            self._check_editable(row, expected_version)
            changes = build(conn)
            if not changes:
                return row.version
            return self._commit_changes(conn, row, changes, extra(row) if extra else None)

    def _commit_changes(self, conn: Connection, row, changes: list, extra: list | None = None) -> int:  # noqa: ANN001
        new_version = row.version + 1
        t = now()
        for what, key, _old, new in changes:
            self._apply(conn, row.id, what, key, new)
        result = conn.execute(
            sa.update(t_reports)
            .where(t_reports.c.id == row.id, t_reports.c.version == row.version)
            .values(version=new_version, updated_at=t)
        )
        if result.rowcount != 1:
            raise ConflictError("报告已被其他窗口或其他用户修改，本次修改没有保存，请重新载入后再改。")
        if not extra and self._continue_typing(conn, row, changes, t, new_version):
            return new_version
        conn.execute(
            sa.insert(t_rev),
            [
                {
                    "report_id": row.id,
                    "at": t,
                    "what": w,
                    "key": k,
                    "old": o,
                    "new": n,
                    "version": new_version,
                    "by": who(),
                }
                for (w, k, o, n) in [*changes, *(extra or [])]
            ],
        )
        return new_version

    def _continue_typing(
        self, conn: Connection, row, changes: list, t: dt.datetime, new_version: int
    ) -> bool:  # noqa: ANN001
        """The window saves prose at every keystroke: a text change that follows the report's last revision,
        a change of the same section less than :data:`TYPING_GAP` ago, extends that revision (its ``old``
        stays the text before the typing began) instead of adding one revision per keystroke."""
        if len(changes) != 1 or changes[0][0] != "text":
            return False
        last = conn.execute(
            sa.select(t_rev.c.id, t_rev.c.what, t_rev.c.key, t_rev.c.at, t_rev.c.version)
            .where(t_rev.c.report_id == row.id)
            .order_by(t_rev.c.id.desc())
            .limit(1)
        ).first()
        if (
            last is None
            or (last.what, last.key, last.version) != ("text", changes[0][1], row.version)
            or t - last.at > TYPING_GAP
        ):
            return False
        conn.execute(
            sa.update(t_rev).where(t_rev.c.id == last.id).values(new=changes[0][3], at=t, version=new_version)
        )
        return True

    def _apply(self, conn: Connection, rid: int, what: str, key: str, new: str | None) -> None:
        if what == "cell":
            conn.execute(sa.delete(t_cells).where(t_cells.c.report_id == rid, t_cells.c.key == key))
            if new is not None:
                conn.execute(sa.insert(t_cells).values(report_id=rid, key=key, value=new, num=_num(new)))
        elif what == "text":
            conn.execute(sa.delete(t_texts).where(t_texts.c.report_id == rid, t_texts.c.section == key))
            if new:
                conn.execute(sa.insert(t_texts).values(report_id=rid, section=key, body=new))
        elif what == "meta":
            value = new if new is not None else ("" if key == "agency" else None)
            conn.execute(sa.update(t_reports).where(t_reports.c.id == rid).values({key: value}))
        elif what == "explanation":
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

    def _cell_values(self, conn: Connection, rid: int, keys: Iterable[str]) -> dict[str, str]:
        return dict(
            conn.execute(
                sa.select(t_cells.c.key, t_cells.c.value).where(
                    t_cells.c.report_id == rid, t_cells.c.key.in_(list(keys))
                )
            ).all()
        )

    def set_cell(self, report_id: int, key: str, value: Value, expected_version: int | None = None) -> int:
        """Save one cell (one transaction); returns the report's new version."""
        return self.set_cells(report_id, {key: value}, expected_version)

    def set_cells(self, report_id: int, values: dict[str, Value], expected_version: int | None = None) -> int:
        """Save several cells in one transaction (a paste); returns the report's new version."""
        for k in values:
            if k not in ALL_CELL_KEYS:
                raise StoreError(f"没有这个单元格：{k}")
        encoded = {k: encode(v, k) for k, v in values.items()}

        def build(conn: Connection) -> list:
            old = self._cell_values(conn, report_id, encoded)
            return [("cell", k, old.get(k), v) for k, v in encoded.items() if old.get(k) != v]

        return self._edit(report_id, expected_version, build)

    def set_text(self, report_id: int, section: str, text: str, expected_version: int | None = None) -> int:
        if section not in TEXT_KEYS:
            raise StoreError(f"没有这个正文部分：{section}")
        text = text or ""
        too_long = prose_too_long({section: text})
        if too_long:
            raise StoreError(too_long + "没有保存。")

        def build(conn: Connection) -> list:
            old = conn.execute(
                sa.select(t_texts.c.body).where(
                    t_texts.c.report_id == report_id, t_texts.c.section == section
                )
            ).scalar_one_or_none()
            return [] if (old or "") == text else [("text", section, old, text or None)]

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

        def build(conn: Connection) -> list:
            row = conn.execute(
                sa.select(
                    t_reports.c.agency, t_reports.c.title, t_reports.c.date, t_reports.c.template
                ).where(t_reports.c.id == report_id)
            ).one()
            out = []
            for k, v in wanted.items():
                v = v or ("" if k == "agency" else None)
                if getattr(row, k) != v:
                    out.append(("meta", k, getattr(row, k), v))
            return out

        return self._edit(report_id, expected_version, build)

    def explain(
        self, report_id: int, rule: str, cells: Iterable[str], text: str, expected_version: int | None = None
    ) -> int:
        """Attach (or, with empty ``text``, remove) the explanation of a finding."""
        key = _expl_key(rule, cells)
        text = (text or "").strip()

        def build(conn: Connection) -> list:
            old = None
            for e in conn.execute(
                sa.select(t_expl.c.cells, t_expl.c.body).where(
                    t_expl.c.report_id == report_id, t_expl.c.rule == rule
                )
            ):
                if _expl_key(rule, json.loads(e.cells)) == key:
                    old = e.body
            return [] if (old or "") == text else [("explanation", key, old, text or None)]

        return self._edit(report_id, expected_version, build)

    # --- history ------------------------------------------------------------------------------------

    def history(self, report_id: int) -> list[Revision]:
        with self._read() as conn:
            self._info_row(conn, report_id)
            rows = conn.execute(
                sa.select(t_rev).where(t_rev.c.report_id == report_id).order_by(t_rev.c.id)
            ).all()
        return [Revision(r.id, _aware(r.at), r.what, r.key, r.old, r.new, r.version, r.by) for r in rows]

    def restore(self, report_id: int, version: int, expected_version: int | None = None) -> int:
        """Bring back the content the report had at ``version``; recorded as a change (so it can be undone
        the same way). Returns the new version."""
        target = int(version)

        def build(conn: Connection) -> list:
            current = conn.execute(
                sa.select(t_reports.c.version).where(t_reports.c.id == report_id)
            ).scalar_one()
            if not 1 <= target <= current:
                raise StoreError(f"没有第 {target} 版（现为第 {current} 版）。")
            now_state = slots(self._load(conn, report_id))
            state = dict(now_state)
            later = conn.execute(
                sa.select(t_rev.c.what, t_rev.c.key, t_rev.c.old)
                .where(t_rev.c.report_id == report_id, t_rev.c.version > target, t_rev.c.what.in_(CONTENT))
                .order_by(t_rev.c.id.desc())
            ).all()
            for r in later:
                if r.old is None:
                    state.pop((r.what, r.key), None)
                else:
                    state[(r.what, r.key)] = r.old
            return _diff(now_state, state)

        return self._edit(
            report_id, expected_version, build, lambda row: [("restore", None, str(row.version), str(target))]
        )

    # --- finalising ---------------------------------------------------------------------------------

    def finalize(
        self, report_id: int, archive_root: Path | None = None, expected_version: int | None = None
    ) -> Path:
        """Check the report (``model.rules.check`` against last year's), and when it has no error freeze it
        and write its archive folder; returns that folder. Errors → :class:`NotFinalizableError`.

        ``expected_version``: the version the clerk saw (and checked); when the report has changed since,
        :class:`ConflictError` — what is finalised is then exactly what was looked at."""
        report, info = self.load(report_id)
        if info.is_final:
            raise FrozenError(f"{info.organ} {info.year} 年度的报告已经定稿。")
        if expected_version is not None and info.version != expected_version:
            raise ConflictError(
                f"报告已被其他窗口或其他用户修改（现为第 {info.version} 版，您看到的是第 {expected_version} 版），"
                "没有定稿。请重新载入、检查后再定稿。",
                info.version,
            )
        rules = _rules()
        findings = rules.check(report, self.previous_report(report_id), final=True)
        errors = [f for f in findings if getattr(f.severity, "value", f.severity) == "error"]
        if errors:
            shown = "；".join(f.message for f in errors[:5])
            more = f" 等 {len(errors)} 处" if len(errors) > 5 else ""
            raise NotFinalizableError(
                f"报告还有 {len(errors)} 处错误，不能定稿：{shown}{more}。请改正后再定稿。", errors
            )
        root = Path(archive_root) if archive_root else self.archive_root
        t = now()
        meta = {
            "organ": info.organ,
            "year": info.year,
            "revision": info.revision_no,
            "finalized_at": t.replace(tzinfo=dt.UTC).isoformat(),
        }
        report.revision = info.version + 1  # the version the report has once final (exchange-format.md)
        folder = archive_mod.write_final(
            root, info.organ, info.year, info.revision_no, report.to_json(), meta
        )
        try:
            with self._write() as conn:
                row = self._lock(conn, report_id)
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
                        archive_dir=_relative(folder, self.archive_root),
                        archive_host=archive_mod.this_host() or None,
                        archive_root=str(self.archive_root.absolute()),
                    )
                )
                conn.execute(
                    sa.insert(t_rev).values(
                        report_id=report_id,
                        at=t,
                        what="status",
                        key=str(folder),
                        old=DRAFT,
                        new=FINAL,
                        version=row.version + 1,
                        by=who(),
                    )
                )
                self._anchor(conn, report_id, folder, self.archive_root)
        except BaseException:
            archive_mod.discard(folder)
            raise
        return folder

    def reopen(self, report_id: int) -> int:
        """Open a new revision of a final report (status back to draft; its archive stays). Returns the
        new version."""
        with self._write() as conn:
            row = self._lock(conn, report_id)
            if row.status != FINAL:
                raise StoreError("只有已定稿的报告才能取消定稿。")
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
                    what="status",
                    key=None,
                    old=FINAL,
                    new=DRAFT,
                    version=row.version + 1,
                    by=who(),
                )
            )
            return row.version + 1

    def discard_draft(self, report_id: int, expected_version: int | None = None) -> int:
        """Delete a draft made by mistake, recoverably: it leaves every list and its organ and year are free
        again, its content and history stay (:meth:`deleted_reports`, :meth:`undelete`). Returns the new
        version."""
        with self._write() as conn:
            row = self._lock(conn, report_id)
            self._check_editable(row, expected_version)
            year = conn.execute(sa.select(t_reports.c.year).where(t_reports.c.id == report_id)).scalar_one()
            t = now()
            conn.execute(
                sa.update(t_reports)
                .where(t_reports.c.id == report_id)
                .values(status=DELETED, year=-report_id, version=row.version + 1, updated_at=t)
            )
            conn.execute(
                sa.insert(t_rev).values(
                    report_id=report_id,
                    at=t,
                    what="status",
                    key=str(year),
                    old=DRAFT,
                    new=DELETED,
                    version=row.version + 1,
                )
            )
            return row.version + 1

    def _deleted_year(self, conn: Connection, report_id: int) -> int:
        key = conn.execute(
            sa.select(t_rev.c.key)
            .where(t_rev.c.report_id == report_id, t_rev.c.what == "status", t_rev.c.new == DELETED)
            .order_by(t_rev.c.id.desc())
            .limit(1)
        ).scalar_one()
        return int(key)

    def deleted_reports(self) -> list[ReportInfo]:
        """The deleted drafts (newest first), each with the year it had."""
        with self._read() as conn:
            rows = conn.execute(
                self._info_query()
                .where(t_reports.c.status == DELETED)
                .order_by(t_reports.c.updated_at.desc())
            ).all()
            return [replace(self._info(r), year=self._deleted_year(conn, r.id)) for r in rows]

    def undelete(self, report_id: int) -> ReportInfo:
        """Bring a deleted draft back (refused while another report of its organ and year exists)."""
        with self._write() as conn:
            row = self._lock(conn, report_id)
            if row.status != DELETED:
                raise StoreError("这份报告没有被删除。")
            year = self._deleted_year(conn, report_id)
            info = self._info_row(conn, report_id)
            taken = conn.execute(
                sa.select(t_reports.c.id).where(
                    t_reports.c.organ_id == info.organ_id,
                    t_reports.c.year == year,
                    t_reports.c.id != report_id,
                )
            ).first()
            if taken is not None:
                raise StoreError(
                    f"{info.organ} {year}年度已经有一份报告，不能恢复这份已删除的报告。请先删除或改用现有的报告。"
                )
            t = now()
            conn.execute(
                sa.update(t_reports)
                .where(t_reports.c.id == report_id)
                .values(status=DRAFT, year=year, version=row.version + 1, updated_at=t)
            )
            conn.execute(
                sa.insert(t_rev).values(
                    report_id=report_id,
                    at=t,
                    what="status",
                    key=str(year),
                    old=DELETED,
                    new=DRAFT,
                    version=row.version + 1,
                )
            )
            return self._info_row(conn, report_id)

    def delete_report(self, report_id: int) -> None:
        """Delete a draft (a final report is kept)."""
        with self._write() as conn:
            row = self._lock(conn, report_id)
            if row.status == FINAL:
                raise FrozenError("已定稿的报告不能删除。")
            conn.execute(sa.delete(t_reports).where(t_reports.c.id == report_id))

    # --- archive ------------------------------------------------------------------------------------

    def archive_files(self, report_id: int, files: dict[str, Path]) -> Path:
        """Copy ``files`` ({name in the archive: source path}, e.g. the PDF and the signed PDF) into the
        archive folder of the final report and update its manifest. Returns the folder."""
        info = self.info(report_id)
        if not info.is_final or not info.archive_dir:
            raise StoreError(f"{info.organ} {info.year} 年度的报告尚未定稿，没有归档文件夹。")
        folder = Path(info.archive_dir)
        if not folder.is_dir():
            raise StoreError(f"归档文件夹不存在：{folder}")
        archive_mod.add_files(folder, {n: Path(p) for n, p in files.items()})
        with self._write() as conn:
            self._anchor(conn, report_id, folder, self.archive_root)
        return folder

    def _anchor_existing(self) -> None:
        """Record the hashes of the final reports' archive folders that have none yet (a database from before
        revision 0004), when the folder is here and agrees with its own manifest: from the upgrade on,
        ``archive verify`` checks them against the database. A folder that does not agree stays unanchored
        (``archive verify`` keeps saying what is wrong with it)."""
        try:
            with self._read() as conn:
                finals = conn.execute(
                    sa.select(t_reports.c.id, t_reports.c.archive_dir).where(
                        t_reports.c.status == FINAL, t_reports.c.archive_dir.is_not(None)
                    )
                ).all()
                anchored = set(conn.execute(sa.select(t_afiles.c.folder).distinct()).scalars())
            for r in finals:
                folder = Path(self._archive_abs(r.archive_dir))
                if r.archive_dir in anchored or not (folder / archive_mod.MANIFEST).is_file():
                    continue
                if archive_mod.verify_folder(folder) == []:
                    with self._write() as conn:
                        self._anchor(conn, r.id, folder, self.archive_root)
        except (StoreError, OSError):
            pass  # the upgrade stands; archive verify says what it finds

    def _anchor(self, conn: Connection, report_id: int, folder: Path, root: Path) -> None:
        """Record the SHA-256 of every file of ``folder`` (and of its manifest) in the database, replacing
        what was recorded for it: ``archive verify`` checks the folder against these."""
        key = _relative(folder, root)
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

    def archive_verify(self, archive_root: Path | None = None) -> list[str]:
        """Recompute every hash; a list of problems (Chinese), empty when all is well."""
        return self.archive_check(archive_root)[0]

    def archive_check(self, archive_root: Path | None = None) -> tuple[list[str], list[str]]:
        """(problems, notes): every hash recomputed — the problems (Chinese), and notes that are no problem
        of this computer: the final reports whose archive was written on another computer (a shared
        PostgreSQL server: each machine keeps its own archive folder) “在另一台电脑（名称）上”, and archive
        folders the database has no record of (a copied archive without its database: checked against
        their own manifest only, “未锚定”).

        Each folder is checked against the SHA-256 of its files and of its manifest recorded in the database
        at finalising, so that a file changed together with its hash in the manifest is caught."""
        roots = [Path(archive_root)] if archive_root else [self.archive_root]
        problems: list[str] = []
        elsewhere: list[str] = []
        with self._read() as conn:
            anchors: dict[str, dict[str, str]] = {}
            for r in conn.execute(sa.select(t_afiles.c.folder, t_afiles.c.name, t_afiles.c.sha256)):
                anchors.setdefault(r.folder, {})[r.name] = r.sha256
        for root in roots:
            for folder in archive_mod.manifests(root):
                anchor = anchors.get(_relative(folder, root))
                problems += archive_mod.verify_folder(folder, anchor)
                if anchor is None:
                    elsewhere.append(f"未锚定：{folder}（数据库中没有这份归档的记录，只按它自己的清单核对）")
        if archive_root is None:
            with self._read() as conn:
                finals = conn.execute(self._info_query().where(t_reports.c.status == FINAL)).all()
            checked = {f for root in roots for f in archive_mod.manifests(root)}
            here = archive_mod.this_host()
            for r in finals:
                folder = Path(self._archive_abs(r.archive_dir)) if r.archive_dir else None
                if folder is None or not (folder / archive_mod.MANIFEST).is_file():
                    host = r.archive_host
                    if host and host.casefold() != here.casefold():
                        where = (
                            Path(r.archive_root) / r.archive_dir
                            if r.archive_root and r.archive_dir
                            else folder
                        )
                        elsewhere.append(
                            f"{r.organ_name} {r.year} 年度的归档在另一台电脑（{host}）上：{where}"
                        )
                    else:
                        problems.append(f"{r.organ_name} {r.year} 年度已定稿，但归档文件夹缺失：{folder}")
                elif folder not in checked:
                    problems += archive_mod.verify_folder(
                        folder, anchors.get(r.archive_dir) if r.archive_dir else None
                    )
        return problems, elsewhere

    # --- sums ---------------------------------------------------------------------------------------

    def totals(
        self, year: int | None = None, organs: list[str] | None = None, report_ids: list[int] | None = None
    ) -> dict[str, int | Decimal]:
        """Every cell summed over the chosen reports (in SQL; "/" and blanks count nothing)."""
        q = (
            sa.select(t_cells.c.key, sa.func.sum(t_cells.c.num))
            .join(t_reports, t_reports.c.id == t_cells.c.report_id)
            .where(t_cells.c.num.is_not(None))
            .group_by(t_cells.c.key)
        )
        if year is not None:
            q = q.where(t_reports.c.year == year)
        if organs is not None:
            q = q.join(t_organs, t_organs.c.id == t_reports.c.organ_id).where(t_organs.c.name.in_(organs))
        if report_ids is not None:
            q = q.where(t_reports.c.id.in_(report_ids))
        with self._read() as conn:
            rows = conn.execute(q).all()
        out: dict[str, int | Decimal] = {}
        for k, s in rows:
            d = Decimal(str(round(float(s), 4)))
            out[k] = int(d) if d == d.to_integral_value() else d
        return out

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


def _explanation(rule: str, cells: list[str], text: str):  # noqa: ANN202
    from ..report import Explanation

    return Explanation(rule, list(cells), text)


def _relative(folder: Path, root: Path) -> str:
    """The archive folder as stored: relative to the archive root when inside it (so that a restored backup
    in another place still finds it), else absolute."""
    try:
        return Path(folder).absolute().relative_to(Path(root).absolute()).as_posix()
    except ValueError:
        return str(Path(folder).absolute())


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


def _pre_upgrade_copy(engine: Engine, conn: Connection | None = None) -> Path | str | None:
    """A copy of an older database before it is upgraded: a SQLite file is copied beside it (its name ends
    in ``.升级前备份-<time>``); on PostgreSQL every table is copied into a new schema
    ``nianbao_backup_<time>`` in the same transaction (``conn``, under the upgrade's lock), so that the copy
    and the upgrade stand or fall together. Returns the file or the schema's name."""
    if conn is not None and conn.dialect.name == "postgresql":
        return _pg_backup_schema(conn)
    path = sqlite_path(engine)
    if path is None or not path.exists():
        return None
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.升级前备份-{stamp}{path.suffix}")
    with atomic_path(target, "升级前备份数据库") as tmp:
        src = sqlite3.connect(str(path))
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    return target


#: the prefix of the schemas holding PostgreSQL's copies made before an upgrade
PG_BACKUP_PREFIX = "nianbao_backup_"


def _pg_backup_schema(conn: Connection) -> str:
    stamp = dt.datetime.now().strftime("%Y%m%d_%H%M%S")
    existing = set(sa.inspect(conn).get_schema_names())
    name, n = f"{PG_BACKUP_PREFIX}{stamp}", 1
    while name in existing:
        n += 1
        name = f"{PG_BACKUP_PREFIX}{stamp}_{n}"
    prep = conn.dialect.identifier_preparer
    schema = prep.quote_identifier(name)
    conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    for table in sa.inspect(conn).get_table_names():
        t = prep.quote_identifier(table)
        conn.execute(sa.text(f"CREATE TABLE {schema}.{t} AS TABLE {t}"))
    note = "年报：升级数据库结构前的备份（各表的完整副本）。确认升级无误后可用 DROP SCHEMA … CASCADE 删除。"
    conn.exec_driver_sql(f"COMMENT ON SCHEMA {schema} IS '{note}'")
    return name
