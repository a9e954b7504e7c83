"""Backup, restore and archive verification as the window runs them: with progress, a record of the last
backup (for the monthly reminder), and a restore that is all or nothing.

:func:`restore_store` is the orchestration around :func:`model.store.backup.restore_backup` (which checks
the zip and swaps the database in): it first takes the database exclusively — naming the other window or
program that still has it open —, keeps a copy of the database and moves the archive aside, and if any
step fails (or the clerk cancels) puts both back before it reopens the store.

``progress(fraction, text)`` (0 to 1, as in :mod:`model.output.pdf`) is called between steps; it may raise (a cancel) to stop the work — before
the point of no return that undoes everything, as any other failure does.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import files
from .db import APPLICATION_PREFIX, describe, sqlite_path
from .errors import StoreError
from .paths import app_data_dir, atomic_path, os_error

if TYPE_CHECKING:
    from .core import Store

Progress = Callable[[float, str], None]

#: when each database was last backed up ({database without password: ISO time}), in the user data folder
BACKUPS_FILE = "backups.json"
#: the default of the reminder: a backup older than this many days is due
DEFAULT_REMINDER_DAYS = 30


#: the fraction said for a step whose length cannot be told (the dialog shows a busy bar)
BUSY = -1.0


def _say(progress: Progress | None, fraction: float, text: str) -> None:
    if progress is not None:
        progress(fraction, text)


def _said_done(progress: Progress | None, text: str) -> None:
    """The last word, once the work is done and kept: a cancel that comes now is too late to matter."""
    try:
        _say(progress, 1.0, text)
    except Exception as err:
        if not getattr(err, "cancelled", False):
            raise


class DatabaseInUseError(StoreError):
    """The database is open in another window or program; ``holders`` says which (may be empty when the
    system cannot tell)."""

    def __init__(self, message: str, holders: list[str]):
        super().__init__(message)
        self.holders = holders


class RestoreFailed(StoreError):
    """The restore did not happen and everything was put back; ``store`` is the database reopened as it
    was (None when even that failed — then the message says so)."""

    def __init__(self, message: str, store: Store | None = None):
        super().__init__(message)
        self.store = store


# -------------------------------------------------------------------------------------------------
# the last backup


def _backups_file() -> Path:
    return app_data_dir() / BACKUPS_FILE


def _read_backups() -> dict[str, Any]:
    try:
        data = json.loads(_backups_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def last_backup(url: str) -> dt.datetime | None:
    """When the database ``url`` was last backed up from this computer (aware UTC), or None."""
    raw = _read_backups().get(describe(url))
    try:
        at = dt.datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at


def record_backup(url: str, when: dt.datetime | None = None) -> None:
    """Note that ``url`` was backed up ``when`` (now); a failure to note it is not worth a message."""
    data = _read_backups()
    data[describe(url)] = (when or dt.datetime.now(dt.UTC)).isoformat()
    try:
        with atomic_path(_backups_file(), "记录备份时间") as tmp:
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    except StoreError:
        import logging

        logging.getLogger("nianbao.backup").warning("备份时间未能记录：%s", _backups_file())


def backup_due(url: str, days: int = DEFAULT_REMINDER_DAYS, now: dt.datetime | None = None) -> bool:
    """Whether a reminder is due: a SQLite database never backed up, or last backed up more than ``days``
    ago (``days`` ≤ 0: never reminded). A server's database is backed up by its administrator."""
    if days <= 0 or sqlite_path(url) is None:
        return False
    last = last_backup(url)
    now = now or dt.datetime.now(dt.UTC)
    return last is None or now - last > dt.timedelta(days=days)


def default_backup_name(now: dt.datetime | None = None) -> str:
    return f"年报备份-{(now or dt.datetime.now()).strftime('%Y%m%d-%H%M')}.zip"


# -------------------------------------------------------------------------------------------------
# backup and verification


def backup_store(store: Store, zip_path: Path, progress: Progress | None = None) -> Path:
    """Back the store up into ``zip_path`` (:meth:`Store.backup`) and record the time."""
    zip_path = files.fit_path(Path(zip_path))
    _say(progress, BUSY, "正在复制数据库和归档…")
    out = store.backup(zip_path)
    record_backup(store.url)
    _said_done(progress, "备份完成。")
    return out


@dataclass
class ArchiveCheck:
    root: Path
    problems: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)


def verify_archive(store: Store, progress: Progress | None = None) -> ArchiveCheck:
    """Every file of the archive hashed again (:meth:`Store.archive_check`)."""
    _say(progress, BUSY, "正在逐个核对归档文件的 SHA-256…")
    problems, elsewhere = store.archive_check()
    _said_done(progress, "核验完成。")
    return ArchiveCheck(Path(store.archive_root), problems, elsewhere)


# -------------------------------------------------------------------------------------------------
# who holds the database


def holders(url: str) -> list[str]:
    """Who else has the database open, in Chinese, as far as the system can tell: for SQLite the
    processes holding the file (Windows' Restart Manager, Linux's /proc), for PostgreSQL the other
    sessions in ``pg_stat_activity``."""
    path = sqlite_path(url)
    if path is None:
        return _pg_holders(url)
    names = [path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")]
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return _restart_manager_holders([p for p in names if p.exists()])
    return _proc_holders(names)


def _proc_holders(paths: list[Path]) -> list[str]:
    """Processes with one of ``paths`` open (Linux: /proc/PID/fd)."""
    wanted = {str(p.absolute()) for p in paths}
    out: list[str] = []
    proc = Path("/proc")
    if not proc.is_dir():
        return out
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fds = list((entry / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target in wanted:
                out.append(_describe_process(int(entry.name)))
                break
    return out


def _describe_process(pid: int) -> str:
    if pid == os.getpid():
        return f"本程序（进程 {pid}）的另一个连接"
    try:
        name = Path(f"/proc/{pid}/comm").read_text(encoding="utf-8", errors="replace").strip()
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        name, cmd = "", ""
    if "main.py" in cmd or "nianbao" in cmd.lower():
        return f"另一个年报窗口或命令（进程 {pid}）"
    return f"程序“{name or '?'}”（进程 {pid}）"


def _restart_manager_holders(paths: list[Path]) -> list[str]:  # pragma: no cover - Windows only
    """The programs holding ``paths``, from Windows' Restart Manager (``RmGetList``)."""
    import ctypes
    from ctypes import wintypes

    class UniqueProcess(ctypes.Structure):
        _fields_ = [("dwProcessId", wintypes.DWORD), ("ProcessStartTime", wintypes.FILETIME)]

    class ProcessInfo(ctypes.Structure):
        _fields_ = [
            ("Process", UniqueProcess),
            ("strAppName", wintypes.WCHAR * 256),
            ("strServiceShortName", wintypes.WCHAR * 64),
            ("ApplicationType", ctypes.c_int),
            ("AppStatus", wintypes.ULONG),
            ("TSSessionId", wintypes.DWORD),
            ("bRestartable", wintypes.BOOL),
        ]

    if not paths:
        return []
    try:
        rm = ctypes.WinDLL("rstrtmgr")  # type: ignore[attr-defined,unused-ignore]  # Windows only
        session = wintypes.DWORD()
        key = ctypes.create_unicode_buffer(33)
        if rm.RmStartSession(ctypes.byref(session), 0, key):
            return []
        try:
            arr = (wintypes.LPCWSTR * len(paths))(*[str(p) for p in paths])
            if rm.RmRegisterResources(session, len(paths), arr, 0, None, 0, None):
                return []
            needed, count, reasons = wintypes.UINT(0), wintypes.UINT(0), wintypes.DWORD()
            rm.RmGetList(session, ctypes.byref(needed), ctypes.byref(count), None, ctypes.byref(reasons))
            if not needed.value:
                return []
            infos = (ProcessInfo * needed.value)()
            count = wintypes.UINT(needed.value)
            if rm.RmGetList(session, ctypes.byref(needed), ctypes.byref(count), infos, ctypes.byref(reasons)):
                return []
            out = []
            for info in infos[: count.value]:
                pid = info.Process.dwProcessId
                if pid == os.getpid():
                    out.append(f"本程序（进程 {pid}）的另一个连接")
                else:
                    out.append(f"程序“{info.strAppName or '?'}”（进程 {pid}）")
            return out
        finally:
            rm.RmEndSession(session)
    except (OSError, AttributeError):
        return []


def _pg_holders(url: str) -> list[str]:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT pid, usename, application_name, client_addr, backend_start FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).all()
    except sa.exc.SQLAlchemyError as err:
        raise StoreError(f"无法查询数据库服务器上的连接：{err}") from None
    finally:
        engine.dispose()
    out = []
    for pid, user, app, addr, start in rows:
        since = start.astimezone().strftime("%Y-%m-%d %H:%M") if start else "?"
        if app and app.startswith(APPLICATION_PREFIX):
            who = f"年报（电脑 {app[len(APPLICATION_PREFIX) :] or '?'}）"
        else:
            who = f"“{app}”" if app else "一个程序"
        out.append(f"{who}（用户 {user or '?'}，来自 {addr or '本机'}，{since} 起，进程 {pid}）")
    return out


def _in_use_message(url: str, found: list[str]) -> str:
    path = sqlite_path(url)
    where = files.native(path) if path else describe(url)
    if found:
        who = "；".join(found)
        return f"数据库“{where}”仍被以下窗口或程序打开：{who}。请先关闭它们，再恢复备份。未作任何改动。"
    return (
        f"数据库“{where}”仍被另一个年报窗口或其他程序打开（系统无法说明是哪一个）。"
        "请关闭其他年报窗口和可能打开它的程序，再恢复备份。未作任何改动。"
    )


def take_exclusive(url: str) -> None:
    """Make sure nobody else has the database open, else :class:`DatabaseInUseError` naming who has.

    SQLite: the WAL journal is folded in and switched off (only possible for the one connection to the
    file) and an exclusive lock taken for a moment; the file then needs no ``-wal``/``-shm`` beside it.
    Then the system is asked who has the file open (an idle connection in the rollback journal holds no
    lock).
    PostgreSQL: no other session in ``pg_stat_activity``."""
    path = sqlite_path(url)
    if path is None:
        found = _pg_holders(url)
        if found:
            raise DatabaseInUseError(_in_use_message(url, found), found)
        return
    if not path.exists():
        return
    try:
        con = sqlite3.connect(str(path), timeout=0.5, isolation_level=None)
    except sqlite3.Error as err:
        raise StoreError(f"无法打开数据库“{files.native(path)}”：{err}") from None
    try:
        mode = str(con.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        if mode == "wal":
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            con.execute("PRAGMA journal_mode=DELETE")
        con.execute("BEGIN EXCLUSIVE")
        con.execute("ROLLBACK")
    except sqlite3.OperationalError as err:
        con.close()  # before asking who holds the file: this probe is not one of them
        if "locked" not in str(err) and "busy" not in str(err):
            raise StoreError(f"无法独占数据库“{files.native(path)}”：{err}") from None
        found = holders(url)
        raise DatabaseInUseError(_in_use_message(url, found), found) from None
    finally:
        con.close()
    # the rollback journal keeps no lock while a connection idles: ask the system who has the file open
    found = holders(url)
    if found:
        raise DatabaseInUseError(_in_use_message(url, found), found)


# -------------------------------------------------------------------------------------------------
# restore


def restore_store(
    zip_path: Path,
    url: str,
    archive_root: Path | None = None,
    *,
    release: Callable[[], None] | None = None,
    progress: Progress | None = None,
) -> Store:
    """Replace the database ``url`` and its archive with the backup ``zip_path``; returns the reopened
    :class:`~model.store.Store`.

    1. ``release()`` lets the caller close its own store (the window's connections);
    2. the database is taken exclusively (:func:`take_exclusive`) — refused, untouched, while another
       window or program has it open;
    3. a copy of the database is kept and the archive moved aside (``归档.恢复前-<time>``, which stays);
    4. :func:`~model.store.backup.restore_backup` checks the whole zip and swaps the database in;
    5. the store is reopened (an older backup is upgraded).

    When any step fails — or ``progress`` raises (a cancel) — the database and the archive are put back
    and :class:`RestoreFailed` is raised with the old store reopened in ``.store``."""
    from .backup import restore_backup, sqlite_copy
    from .core import Store, default_archive_root

    zip_path = Path(zip_path)
    root = Path(archive_root) if archive_root else default_archive_root(url)
    target = sqlite_path(url)

    def reopen_old(message: str) -> RestoreFailed:
        try:
            return RestoreFailed(message, Store.open(url, root))
        except StoreError as err:
            return RestoreFailed(f"{message}\n另外，数据库未能重新打开：{err}", None)

    _say(progress, 0.02, "正在关闭本窗口的数据库连接…")
    if release is not None:
        release()
    try:
        if not zip_path.is_file():  # before anything is moved aside
            raise StoreError(f"找不到备份文件：{files.native(zip_path)}。未作任何改动。")
        _say(progress, 0.05, "正在确认没有其他窗口或程序打开数据库…")
        take_exclusive(url)
        if target is None:
            restore_backup(zip_path, url, root)  # says that a server is restored by its administrator
    except BaseException as err:
        failure = reopen_old(str(err) if isinstance(err, StoreError) else _plain(err, Path(str(url))))
        if isinstance(err, Exception):
            raise failure from None
        raise failure from err

    assert target is not None
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = root.with_name(f"{root.name}.恢复前-{stamp}")
    had_db = target.exists()
    had_archive = root.exists()
    moved_archive = False
    with files.temp_dir(prefix="nianbao-restore-", dir=target.parent) as keep:
        kept_db = keep / "nianbao.sqlite"
        try:
            if had_db:
                _say(progress, 0.10, "正在保存当前数据库的副本（出错时用来还原）…")
                sqlite_copy(target, kept_db)
            if had_archive:
                _say(progress, 0.15, "正在把当前的归档移到一旁…")
                files.rename(root, aside)
                moved_archive = True
            _say(progress, BUSY, "正在检查备份文件并恢复数据库和归档…")
            restore_backup(zip_path, url, root)
            _say(progress, 0.85, "正在重新打开数据库…")
            store = Store.open(url, root)  # the last step: nothing may fail after it
        except BaseException as err:
            problems = _roll_back(target, kept_db if had_db else None, root, aside if moved_archive else None)
            message = str(err) if isinstance(err, StoreError) else _plain(err, target)
            if problems:
                message += "\n还原时出了问题：" + "；".join(problems)
            elif "未作任何改动" not in message:  # a backup refused by its check: put back, so unchanged
                message += "\n数据库和归档已还原为恢复前的样子。"
            failure = reopen_old(message)
            if not isinstance(err, Exception):  # a cancel or an interrupt: said as it is
                raise failure from err
            raise failure from None
    _said_done(progress, "恢复完成。")
    return store


def _plain(err: BaseException, target: Path) -> str:
    if getattr(err, "cancelled", False) or isinstance(err, KeyboardInterrupt):
        return "恢复已取消。"
    if isinstance(err, OSError):
        return str(os_error(err, target, "恢复备份"))
    if isinstance(err, sqlite3.Error):
        return f"恢复失败：{err}"
    if isinstance(err, Exception):
        return f"恢复失败（{err.__class__.__name__}：{err}）"
    return "恢复已取消。"


def _roll_back(target: Path, kept_db: Path | None, root: Path, aside: Path | None) -> list[str]:
    """Put the database and the archive back as they were; the problems met (Chinese), empty when none."""
    problems: list[str] = []
    try:
        for side in ("-wal", "-shm", "-journal"):
            files.remove(f"{target}{side}")
        if kept_db is not None and kept_db.exists():
            files.replace(kept_db, target)
    except OSError as err:
        problems.append(str(os_error(err, target, "还原数据库")))
    try:
        if aside is not None:
            if root.exists():
                files.remove_tree(root)  # the half-restored archive
            files.rename(aside, root)
    except OSError as err:
        problems.append(str(os_error(err, root, "还原归档")) + f"（原归档在“{files.native(aside or root)}”）")
    return problems
