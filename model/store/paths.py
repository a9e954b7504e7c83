"""Where the store lives by default (in :func:`model.files.app_data_dir`), and writing files safely
(temporary name, then rename)."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .. import files
from ..files import app_data_dir as app_data_dir  # re-exported: model.store.app_data_dir
from .errors import DiskFullError, StoreError

DB_FILE = "nianbao.sqlite"
ARCHIVE_DIR = "归档"
#: the database chosen in the window (文件 → 选择数据库…), in the user data folder
CHOICE_FILE = "database.json"


def default_db_url(url: str | None = None) -> str:
    """The database to open, in this order: ``url`` (the global ``--db URL`` option), the environment
    variable ``NIANBAO_DB``, the choice saved in the window (:func:`remembered_db_url`), else the SQLite
    file in the user data folder. The user data folder of an earlier version is moved first (once), so
    that its saved choice counts."""
    if url:
        return url
    env = os.environ.get("NIANBAO_DB")
    if env:
        return env
    if not _MIGRATED and not os.environ.get("NIANBAO_NO_MIGRATION"):
        _MIGRATED.append(migrate_legacy_data())  # once per process: the folder of earlier versions
    remembered = remembered_db_url()
    if remembered:
        return remembered
    return sqlite_url(app_data_dir() / DB_FILE)


#: what :func:`migrate_legacy_data` moved in this process (one entry once it has run)
_MIGRATED: list[list[str]] = []


def _choice_path() -> Path:
    return app_data_dir() / CHOICE_FILE


def remembered_db_url() -> str | None:
    """The database chosen in the window and saved by :func:`remember_db_url` (None when there is none, or
    the file is unreadable — then the default applies)."""
    try:
        data = json.loads(_choice_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    url = data.get("url") if isinstance(data, dict) else None
    return url.strip() if isinstance(url, str) and url.strip() else None


def remember_db_url(url: str | None) -> None:
    """Save ``url`` as the database to open from now on (``None`` or "" forgets it: back to the default).
    Written to a temporary file and renamed; readable by the user only on POSIX (a server URL may hold a
    password)."""
    path = _choice_path()
    if not url:
        try:
            files.remove(path)
        except OSError as err:
            raise os_error(err, path, "恢复默认数据库") from None
        return
    data = {"format": "nianbao-database-choice", "url": url}
    with atomic_path(path, "保存数据库选择") as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        if os.name == "posix":
            os.chmod(tmp, 0o600)


def sqlite_url(path: Path) -> str:
    return "sqlite:///" + str(Path(path).absolute()).replace("\\", "/")


#: the longest folder name made from an organ's name (a longer one is shortened with a hash, so that
#: every path the archive makes stays under :data:`model.files.MAX_PATH_LEN`)
ORGAN_NAME_LEN = 40

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def safe_name(name: str) -> str:
    """A folder name for ``name`` that Windows accepts."""
    s = _UNSAFE.sub("_", name).strip().rstrip(". ").lstrip(".")  # no leading dot: no hidden folder
    if not s or s.upper().split(".")[0] in {
        "CON",
        "PRN",
        "AUX",
        "NUL",
        *(f"COM{i}" for i in range(1, 10)),
        *(f"LPT{i}" for i in range(1, 10)),
    }:
        s = f"_{s}"
    return files.short_name(s, ORGAN_NAME_LEN)


def os_error(err: OSError, path: Path | str, doing: str) -> StoreError:
    """A Chinese :class:`StoreError` for an ``OSError`` met while ``doing`` something with ``path``."""
    if isinstance(err, files.FileBusyError) or files.is_busy(err):
        held = getattr(err, "filename", None) or path
        return StoreError(f"{doing}失败：{files.busy_message(held)}")
    if err.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return DiskFullError(f"磁盘空间已满，{doing}失败（{path}）。已保存的内容未受影响，请腾出空间后重试。")
    if isinstance(err, PermissionError) or err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreError(f"没有写入权限，{doing}失败（{path}）。请检查文件夹是否只读，或换一个位置。")
    return StoreError(f"{doing}失败（{path}）：{err.strerror or err}")


@contextlib.contextmanager
def atomic_path(target: Path, doing: str = "写入文件") -> Iterator[Path]:
    """:func:`model.files.atomic_path` (a temporary path beside ``target`` that replaces it on success), with
    the folder created and an ``OSError`` turned into a Chinese :class:`StoreError`."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with files.atomic_path(target) as tmp:
            yield tmp
    except OSError as err:
        raise os_error(err, target, doing) from None


def write_bytes_atomic(target: Path, data: bytes, doing: str = "写入文件") -> None:
    with atomic_path(target, doing) as tmp, open(tmp, "wb") as fh:
        fh.write(data)


def probe_writable(folder: Path) -> None:
    """Raise a Chinese :class:`StoreError` unless a file can really be created in ``folder``."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".nianbao-probe-", dir=folder)
        os.close(fd)
        files.remove(name)
    except OSError as err:
        raise os_error(err, folder, "打开数据库所在的文件夹") from None


# -------------------------------------------------------------------------------------------------
# the archive folder: 文档\年报归档 on Windows, shown and changeable in the window's settings

#: the archive folder chosen in the window's settings, in the user data folder
ARCHIVE_CHOICE_FILE = "archive.json"


def default_archive_dir() -> Path:
    """Where the archive of the default database lives: on Windows the clerk's Documents folder
    (``文档\\年报归档``), where the clerk finds it and the organisation's backup of Documents takes it;
    elsewhere beside the database in the user data folder."""
    if sys.platform == "win32":
        return files.documents_dir() / files.ARCHIVE_DIR_NAME
    return app_data_dir() / ARCHIVE_DIR


def remembered_archive_root() -> Path | None:
    try:
        data = json.loads((app_data_dir() / ARCHIVE_CHOICE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    folder = data.get("folder") if isinstance(data, dict) else None
    return Path(folder) if isinstance(folder, str) and folder.strip() else None


def remember_archive_root(folder: Path | None) -> None:
    """Save ``folder`` as the archive folder from now on (None: back to :func:`default_archive_dir`)."""
    path = app_data_dir() / ARCHIVE_CHOICE_FILE
    if folder is None:
        try:
            files.remove(path)
        except OSError as err:
            raise os_error(err, path, "恢复默认归档位置") from None
        return
    data = {"format": "nianbao-archive-choice", "folder": str(Path(folder).absolute())}
    with atomic_path(path, "保存归档位置") as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def move_archive(old: Path, new: Path) -> bool:
    """Move the archive from ``old`` to ``new`` (which must be absent or empty); False when there was
    nothing to move. A Chinese :class:`StoreError` when it cannot be moved (then nothing was)."""
    old, new = Path(old), Path(new)
    if not old.is_dir() or old.absolute() == new.absolute():
        return False
    if new.exists() and (not new.is_dir() or any(new.iterdir())):
        raise StoreError(f"新的归档文件夹“{files.native(new)}”不是空的，请选择一个空文件夹。")
    try:
        new.parent.mkdir(parents=True, exist_ok=True)
        if new.exists():
            files.retry(os.rmdir, new, new)
        files.move(old, new)
    except OSError as err:
        raise os_error(err, old, "移动归档文件夹") from None
    return True


# -------------------------------------------------------------------------------------------------
# moved once: the user data folder of earlier versions (roaming, Nianbao\Nianbao) to today's place

MOVED_NOTE = "年报数据已迁移.txt"


def migrate_legacy_data() -> list[str]:
    """Move the user data folder of earlier versions (on Windows the *roaming* ``Nianbao\\Nianbao``) to
    :func:`model.files.app_data_dir`, and its archive to :func:`default_archive_dir` — once: the old folder then
    gets a note saying where everything went. What the new place has already is left where it is (the old
    database too, then). Nothing is moved while another program has the old database open (it is tried
    again at the next start).
    Returns what was moved, in Chinese (empty when nothing was)."""
    import logging
    import sqlite3

    log = logging.getLogger("nianbao.paths")
    new = app_data_dir()
    done: list[str] = []
    for old in files.legacy_data_dirs():
        try:
            if old.absolute() == new.absolute() or not old.is_dir() or (old / MOVED_NOTE).exists():
                continue
            db = old / DB_FILE
            folded = False
            if db.exists() and not (new / DB_FILE).exists():  # the WAL folded in and switched off: one
                # file to move, and nobody else using it (else tried again at the next start)
                con = sqlite3.connect(str(db), timeout=0)
                try:
                    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    con.execute("PRAGMA journal_mode=DELETE")
                finally:
                    con.close()
                folded = True
            new.mkdir(parents=True, exist_ok=True)
            archive_target = default_archive_dir()
            for child in sorted(old.iterdir()):
                target = archive_target if child.name == ARCHIVE_DIR else new / child.name
                if target.exists():  # already there (moved by an earlier, interrupted start): left as it is
                    continue
                if child.name in (f"{DB_FILE}-wal", f"{DB_FILE}-shm"):
                    if folded:
                        files.remove(child)  # empty after the checkpoint
                    continue  # else the old database stays, with its journal
                target.parent.mkdir(parents=True, exist_ok=True)
                files.move(child, target)
                done.append(f"{files.native(child)} → {files.native(target)}")
            (old / MOVED_NOTE).write_text(
                f"年报的数据已移到：{files.native(new)}\r\n归档：{files.native(archive_target)}\r\n",
                encoding="utf-8",
            )
        except (OSError, sqlite3.Error) as err:
            log.warning("旧的数据文件夹未能迁移：%s（%s）", old, err)
    for line in done:
        log.info("已迁移：%s", line)
    return done
