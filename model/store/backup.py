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
import re
import shutil
import sqlite3
import uuid
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from .. import files
from ..files import sha256_file
from .db import head_revision, known_revisions, sqlite_path
from .errors import CorruptError, DiskFullError, NewerDatabaseError, StoreError
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
                if p.is_file() and not any(_is_temporary(part) for part in p.relative_to(root).parts):
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


def _is_temporary(name: str) -> bool:
    """A file or folder the program is writing (``.name.XXXX.tmp``, ``.第1版.tmp-XXXX``): not backed up. Every
    other file is, whatever its name (an organ named ``../x`` had the folder ``.._x`` before names lost
    their leading dots)."""
    return name.startswith(".") and (name.endswith(".tmp") or ".tmp-" in name)


def _schema_of(db: Path) -> str | None:
    con = sqlite3.connect(str(db))
    try:
        version: str | None = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        return version
    except sqlite3.Error:
        return None
    finally:
        con.close()


#: caps on what a restore takes from a zip (checked while extracting, not from the zip's own headers)
MAX_ENTRIES = 20_000
MAX_DB_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
MAX_INDEX_BYTES = 8 * 1024 * 1024
MAX_NAME_CHARS = 400
MAX_PART_CHARS = 200
_BAD_CHARS = re.compile(r'[\\:<>"|?*\x00-\x1f\x7f]')
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


def member_parts(name: str) -> tuple[str, ...] | None:
    """The folders and file name of an archive entry below the archive root, or ``None`` when ``name`` is no
    safe entry: anything but ``archive/a/b/…`` with plain parts (no empty part — ``//`` —, no ``.`` or
    ``..``, no backslash, drive letter, colon, NUL or control character, nothing Windows refuses)."""
    if not isinstance(name, str) or len(name) > MAX_NAME_CHARS or _BAD_CHARS.search(name):
        return None
    parts = name.split("/")
    if len(parts) < 2 or parts[0] + "/" != ARCHIVE_PREFIX:
        return None
    rest = tuple(parts[1:])
    for part in rest:
        if (
            not part
            or part in (".", "..")
            or len(part) > MAX_PART_CHARS
            or part != part.rstrip(". ")
            or part.upper().split(".")[0] in _RESERVED
        ):
            return None
    return rest


def _safe_member(name: str) -> bool:
    return name in (DB_ENTRY, INDEX) or member_parts(name) is not None


def destination(root: Path, parts: tuple[str, ...]) -> Path:
    """Where an archive entry goes under ``root``; :class:`CorruptError` unless it provably lies inside."""
    base = Path(root).resolve()
    dest = base.joinpath(*parts).resolve()
    if dest == base or not dest.is_relative_to(base) or dest.relative_to(base).parts != parts:
        raise CorruptError(f"备份文件中有不安全的路径：{ARCHIVE_PREFIX}{'/'.join(parts)}。未作任何改动。")
    return dest


def _read_capped(zf: zipfile.ZipFile, name: str, cap: int) -> bytes:
    with zf.open(name) as src:
        data = src.read(cap + 1)
    if len(data) > cap:
        raise CorruptError(f"备份文件中的 {name} 过大。未作任何改动。")
    return data


def check_backup(zip_path: Path, workdir: Path) -> tuple[Path, list[tuple[str, Path]]]:
    """Check the whole zip and extract it into ``workdir``; returns (database copy, archive entries).

    Every entry's name is checked before anything is extracted (see :func:`member_parts`); entries go to
    numbered files in ``workdir``, never to a path taken from the zip. The number of entries, the database's
    size and the total are capped, counted while extracting (a zip's headers may lie)."""
    if not zip_path.is_file():
        if zip_path.exists():  # a folder, a pipe, a device: never opened (a pipe would block)
            raise StoreError(f"“{zip_path}”不是普通文件，不是备份文件。")
        raise StoreError(f"找不到备份文件：{zip_path}")
    try:
        zf = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise CorruptError(
            f"“{zip_path}”不是有效的备份文件（不是 .zip 文件，或已损坏）。未作任何改动。"
        ) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES + 1:
            raise CorruptError(
                f"备份文件中的条目过多（{len(infos)} 个，最多 {MAX_ENTRIES} 个）。未作任何改动。"
            )
        try:
            index = json.loads(_read_capped(zf, INDEX, MAX_INDEX_BYTES).decode("utf-8"))
        except (KeyError, ValueError, RecursionError, zipfile.BadZipFile, OSError, EOFError) as err:
            raise CorruptError(
                f"“{zip_path}”不是年报备份文件（缺少或无法读取 {INDEX}：{err}）。未作任何改动。"
            ) from None
        if (
            not isinstance(index, dict)
            or index.get("format") != FORMAT
            or not isinstance(index.get("files"), dict)
            or not all(isinstance(v, str) for v in index["files"].values())
        ):
            raise CorruptError(f"“{zip_path}”不是年报备份文件。未作任何改动。")
        version = index.get("format_version", 1)
        if not isinstance(version, int) or isinstance(version, bool):
            raise CorruptError(f"“{zip_path}”不是年报备份文件（format_version 不对）。未作任何改动。")
        if version > 1:
            raise NewerDatabaseError("备份文件由较新版本的程序制作，请升级程序后再恢复。未作任何改动。")
        files: dict[str, str] = index["files"]
        listed = [i.filename for i in infos]
        if len(listed) != len(set(listed)):
            raise CorruptError("备份文件中有重名的条目。未作任何改动。")
        for name in [*listed, *files]:
            if not _safe_member(name):
                raise CorruptError(f"备份文件中有不安全的路径：{name!r}。未作任何改动。")
        folded = [n.casefold() for n in listed]
        if len(folded) != len(set(folded)):  # one file on Windows
            raise CorruptError("备份文件中有只差大小写的重名条目。未作任何改动。")
        names = set(listed) - {INDEX}
        if DB_ENTRY not in files:
            raise CorruptError("备份文件中没有数据库。未作任何改动。")
        if names != set(files):
            missing = sorted(set(files) - names)
            extra = sorted(names - set(files))
            raise CorruptError(
                f"备份文件不完整或被改动（缺少：{missing[:3]}，多出：{extra[:3]}）。未作任何改动。"
            )
        declared = sum(i.file_size for i in infos if i.filename != INDEX)
        if declared > MAX_TOTAL_BYTES:
            raise CorruptError(_too_big(MAX_TOTAL_BYTES))
        with contextlib.suppress(OSError):
            if declared > shutil.disk_usage(workdir).free:
                raise DiskFullError(
                    f"磁盘空间不足，无法恢复（备份解开后约 {declared // (1 << 20) + 1} MB）。未作任何改动。"
                )
        out: list[tuple[str, Path]] = []
        total = 0
        for i, name in enumerate(sorted(files)):
            target = workdir / f"{i:06d}"
            cap = MAX_DB_BYTES if name == DB_ENTRY else MAX_TOTAL_BYTES
            h = hashlib.sha256()
            size = 0
            try:
                with zf.open(name) as src, open(target, "wb") as dst:
                    for chunk in iter(lambda: src.read(1 << 20), b""):
                        size += len(chunk)
                        total += len(chunk)
                        if size > cap or total > MAX_TOTAL_BYTES:
                            raise CorruptError(
                                _too_big(MAX_DB_BYTES if size > cap else MAX_TOTAL_BYTES, name)
                            )
                        h.update(chunk)
                        dst.write(chunk)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as err:
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


def _too_big(cap: int, name: str = "") -> str:
    what = f"其中的 {name} " if name else ""
    return f"备份文件{what}解开后超过 {cap // (1 << 20)} MB，不像年报的备份（可能是恶意构造的文件）。未作任何改动。"


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
            # every destination proven to lie under the new archive before anything is moved there
            placed = [(destination(new_root, tuple(rel.split("/"))), p) for rel, p in archive_entries]
            for dest, p in placed:
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
