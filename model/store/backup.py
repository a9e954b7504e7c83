"""Backup and restore: one ``.zip`` with a consistent copy of the SQLite database (made with SQLite's online
backup API, safe while the program or another process writes) and the archive folder.

Layout of the zip::

    backup.json              {"format": "nianbao-backup", "format_version": 1, "created": …, "schema": …,
                              "files": {name in the zip: sha256}}
    database/nianbao.sqlite
    archive/<organ>/<year>/第N版/…

A restore checks the whole zip (every entry's SHA-256, the database's ``PRAGMA integrity_check``, its
schema version) before it replaces anything; the replaced database and archive are kept beside the new
ones (``*.恢复前-<time>``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sqlite3
import uuid
import zipfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .. import files
from ..files import sha256_file
from .db import head_revision, known_revisions, sqlite_path
from .errors import CorruptError, NewerDatabaseError, StoreError
from .paths import atomic_path, os_error, probe_writable

if TYPE_CHECKING:
    from .core import Store

FORMAT = "nianbao-backup"
INDEX = "backup.json"
DB_ENTRY = "database/nianbao.sqlite"
ARCHIVE_PREFIX = "archive/"


def sqlite_copy(src: Path, dst: Path) -> None:
    """A consistent copy of a live SQLite database (online backup API, one step)."""
    s = sqlite3.connect(str(src), timeout=30)
    d = sqlite3.connect(str(dst))
    try:
        s.backup(d)
        d.execute("PRAGMA journal_mode=DELETE")
    finally:
        d.close()
        s.close()


def make_backup(store: Store, zip_path: Path) -> Path:
    db = store.path
    if db is None:
        raise StoreError(
            "备份为 .zip 只适用于本机的 SQLite 数据库；PostgreSQL 服务器上的数据请由管理员用 pg_dump 备份。"
        )
    zip_path = Path(zip_path)
    with files.temp_dir(prefix="nianbao-backup-") as tmpdir:
        copy = Path(tmpdir) / "nianbao.sqlite"
        try:
            sqlite_copy(db, copy)
        except sqlite3.Error as err:
            raise StoreError(f"备份数据库失败：{err}") from None
        except OSError as err:
            raise os_error(err, copy, "备份数据库") from None
        schema = _schema_of(copy)
        entries: list[tuple[str, Path]] = [(DB_ENTRY, copy)]
        root = store.archive_root
        if root.is_dir():
            for p in sorted(root.rglob("*")):
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts):
                    entries.append((ARCHIVE_PREFIX + p.relative_to(root).as_posix(), p))
        index = {
            "format": FORMAT,
            "format_version": 1,
            "created": dt.datetime.now(dt.UTC).isoformat(),
            "schema": schema,
            "files": {name: sha256_file(p) for name, p in entries},
        }
        with atomic_path(zip_path, "写入备份文件") as tmp:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                zf.writestr(INDEX, json.dumps(index, ensure_ascii=False, indent=2))
                for name, p in entries:
                    zf.write(p, name)
    return zip_path


def _schema_of(db: Path) -> str | None:
    con = sqlite3.connect(str(db))
    try:
        version: str | None = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        return version
    except sqlite3.Error:
        return None
    finally:
        con.close()


def _safe_member(name: str) -> bool:
    p = PurePosixPath(name)
    return not p.is_absolute() and ".." not in p.parts and "\\" not in name and ":" not in name


def check_backup(zip_path: Path, workdir: Path) -> tuple[Path, list[tuple[str, Path]]]:
    """Check the whole zip and extract it into ``workdir``; returns (database copy, archive entries)."""
    if not zip_path.is_file():
        raise StoreError(f"找不到备份文件：{zip_path}")
    try:
        zf = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError):
        raise CorruptError(
            f"“{zip_path}”不是有效的备份文件（不是 .zip 文件，或已损坏）。未作任何改动。"
        ) from None
    with zf:
        try:
            index = json.loads(zf.read(INDEX).decode("utf-8"))
        except (KeyError, ValueError, zipfile.BadZipFile, OSError) as err:
            raise CorruptError(
                f"“{zip_path}”不是年报备份文件（缺少或无法读取 {INDEX}：{err}）。未作任何改动。"
            ) from None
        if (
            not isinstance(index, dict)
            or index.get("format") != FORMAT
            or not isinstance(index.get("files"), dict)
        ):
            raise CorruptError(f"“{zip_path}”不是年报备份文件。未作任何改动。")
        if index.get("format_version", 1) > 1:
            raise NewerDatabaseError("备份文件由较新版本的程序制作，请升级程序后再恢复。未作任何改动。")
        files: dict[str, str] = index["files"]
        names = set(zf.namelist()) - {INDEX}
        if DB_ENTRY not in files:
            raise CorruptError("备份文件中没有数据库。未作任何改动。")
        if names != set(files):
            missing = sorted(set(files) - names)
            extra = sorted(names - set(files))
            raise CorruptError(
                f"备份文件不完整或被改动（缺少：{missing[:3]}，多出：{extra[:3]}）。未作任何改动。"
            )
        out: list[tuple[str, Path]] = []
        for i, name in enumerate(sorted(files)):
            if not _safe_member(name):
                raise CorruptError(f"备份文件中有不安全的路径：{name}。未作任何改动。")
            target = workdir / f"{i:06d}"
            h = hashlib.sha256()
            try:
                with zf.open(name) as src, open(target, "wb") as dst:
                    for chunk in iter(lambda: src.read(1 << 20), b""):
                        h.update(chunk)
                        dst.write(chunk)
            except (zipfile.BadZipFile, OSError, EOFError) as err:
                if isinstance(err, OSError) and not isinstance(err, zipfile.BadZipFile) and err.errno:
                    raise os_error(err, workdir, "检查备份文件") from None
                raise CorruptError(f"备份文件已损坏（{name}：{err}）。未作任何改动。") from None
            if h.hexdigest() != files[name]:
                raise CorruptError(f"备份文件已损坏（{name} 的 SHA-256 不符）。未作任何改动。")
            out.append((name, target))
    db = next(p for n, p in out if n == DB_ENTRY)
    try:
        con = sqlite3.connect(str(db))
        try:
            ok = con.execute("PRAGMA integrity_check").fetchone()[0]
            rev = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error as err:
        raise CorruptError(f"备份中的数据库已损坏（{err}）。未作任何改动。") from None
    if ok != "ok":
        raise CorruptError(f"备份中的数据库未通过完整性检查（{ok}）。未作任何改动。")
    if rev not in known_revisions():
        raise NewerDatabaseError(
            f"备份中的数据库由较新版本的程序创建（版本 {rev}，本程序只认识到 {head_revision()}）。未作任何改动。"
        )
    return db, [(n[len(ARCHIVE_PREFIX) :], p) for n, p in out if n.startswith(ARCHIVE_PREFIX)]


def restore_backup(zip_path: Path, url: str, archive_root: Path | None = None) -> None:
    from .core import default_archive_root

    target = sqlite_path(url)
    if target is None:
        raise StoreError(
            "只能恢复到本机的 SQLite 数据库；PostgreSQL 服务器上的数据请由管理员用 pg_restore 恢复。"
        )
    root = Path(archive_root) if archive_root else default_archive_root(url)
    probe_writable(target.parent)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    staging = target.parent / f".nianbao-restore-{uuid.uuid4().hex[:8]}"
    try:
        staging.mkdir()
        db_copy, archive_entries = check_backup(Path(zip_path), staging)
        # the new archive, built aside
        new_root = root.parent / f".{root.name}.restore-{uuid.uuid4().hex[:8]}"
        new_root.mkdir(parents=True)
        try:
            for rel, p in archive_entries:
                dest = new_root / Path(*PurePosixPath(rel).parts)
                dest.parent.mkdir(parents=True, exist_ok=True)
                files.move(p, dest)
            new_db = target.with_name(f".{target.name}.restore-{uuid.uuid4().hex[:8]}")
            files.move(db_copy, new_db)
            with open(new_db, "rb+") as fh:
                os.fsync(fh.fileno())
        except BaseException:
            files.remove_tree_quietly(new_root)
            raise
        # everything checked and in place: now replace, keeping what was there
        try:
            if target.exists():
                keep = target.with_name(f"{target.stem}.恢复前-{stamp}{target.suffix}")
                sqlite_copy(target, keep)
                con = sqlite3.connect(str(target), timeout=30)
                try:
                    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                finally:
                    con.close()
            for side in ("-wal", "-shm", "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    files.remove(str(target) + side, missing_ok=False)
            files.replace(new_db, target)
        except BaseException:
            with contextlib.suppress(OSError):
                files.remove(new_db)
            files.remove_tree_quietly(new_root)
            raise
        if root.exists():
            files.rename(root, root.with_name(f"{root.name}.恢复前-{stamp}"))
        files.rename(new_root, root)
    except sqlite3.Error as err:
        raise StoreError(f"恢复失败：{err}") from None
    except OSError as err:
        raise os_error(err, target, "恢复备份") from None
    finally:
        files.remove_tree_quietly(staging)
