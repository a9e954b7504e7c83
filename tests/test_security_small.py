"""The smaller holes of issue 10 (hole 7): a database in a read-only folder can be listed and shown; ``--db`` in a
folder that does not exist is refused without ``--create``; a database missing tables or columns is refused
before anything touches it; "disk I/O error" on a full disk is said as 磁盘已满; a database held by another
program is a conflict (exit 3). (Folder names without leading dots and backups of every folder: see
test_security_backup.py; ``format_version: 1.0``: test_security_fields.py.)"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from conftest import run_cli as run
from test_store import sample
from test_store_faults import read_only

from model.store import BusyError, CorruptError, DiskFullError, Store, sqlite_url
from model.store import db as db_mod


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}


def test_a_database_in_a_read_only_folder_can_be_listed_and_shown(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "只读"
    folder.mkdir()
    monkeypatch.setenv("NIANBAO_ARCHIVE", str(tmp_path / "归档"))
    db = sqlite_url(folder / "nianbao.sqlite")
    with Store.open(db) as s:
        s.save_report(sample())
    before = _digest(folder)
    with read_only(folder):
        code, out, err = run(capsys, "--db", db, "store", "list")
        assert code == 0 and sample().agency in out, err
        code, out, err = run(capsys, "--db", db, "store", "show", sample().agency, "2024")
        assert code == 0 and '"revision": 1' in out, err
        code, out, err = run(capsys, "--db", db, "archive", "verify")
        assert code == 0, err
        code, out, err = run(
            capsys,
            "--db",
            db,
            "store",
            "save",
            str(Path(__file__).parent / "fixtures" / "store_sample_2024.nianbao.json"),
        )
        assert code == 2 and ("只读" in err or "写入权限" in err) and "Traceback" not in err
        assert _digest(folder) == before


def test_db_in_a_folder_that_does_not_exist_is_refused_without_create(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NIANBAO_ARCHIVE", str(tmp_path / "归档"))
    db = sqlite_url(tmp_path / "打错的文件夹" / "nianbao.sqlite")
    code, _, err = run(capsys, "--db", db, "store", "list")
    assert code == 2 and "不存在" in err and "--create" in err
    assert not (tmp_path / "打错的文件夹").exists()
    code, out, err = run(capsys, "--db", db, "--create", "store", "list")
    assert code == 0 and (tmp_path / "打错的文件夹" / "nianbao.sqlite").is_file(), err


def _journal_mode(path: Path) -> int:
    return path.read_bytes()[18]  # 1: rollback journal, 2: WAL


@pytest.mark.parametrize("damage", ["table", "column", "older-without-table"])
def test_a_database_missing_tables_or_columns_is_refused_untouched(tmp_path, damage):
    path = tmp_path / "缺表.sqlite"
    with Store.open(sqlite_url(path)) as s:
        s.save_report(sample())
    con = sqlite3.connect(str(path))
    con.execute("PRAGMA journal_mode=DELETE")
    if damage == "table":
        con.execute("DROP TABLE archive_files")
    elif damage == "column":
        con.execute("ALTER TABLE revisions DROP COLUMN by")
    else:
        con.execute("DROP TABLE texts")
        con.execute("UPDATE alembic_version SET version_num = '0003'")
    con.commit()
    con.close()
    before = path.read_bytes()
    listing = sorted(p.name for p in tmp_path.iterdir())
    assert _journal_mode(path) == 1
    with pytest.raises(CorruptError, match="不完整.*没有改动"):
        Store.open(sqlite_url(path))
    assert path.read_bytes() == before  # not switched to WAL, not upgraded
    assert sorted(p.name for p in tmp_path.iterdir()) == listing  # no copy made beside it


def test_disk_io_error_on_a_full_disk_is_said_as_full(tmp_path, monkeypatch):
    import collections
    import shutil

    url = sqlite_url(tmp_path / "db.sqlite")
    usage = collections.namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage(10**9, 10**9, 4096))
    err = db_mod.translate(sqlite3.OperationalError("disk I/O error"), db_mod.describe(url))
    assert isinstance(err, DiskFullError) and "磁盘空间已满" in str(err)
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage(10**9, 0, 10**9))
    err = db_mod.translate(sqlite3.OperationalError("disk I/O error"), db_mod.describe(url))
    assert not isinstance(err, DiskFullError)


def test_a_database_held_by_another_program_is_exit_3(tmp_path, capsys, monkeypatch):
    err = db_mod.translate(sqlite3.OperationalError("database is locked"), "x")
    assert isinstance(err, BusyError) and "占用" in str(err)
    monkeypatch.setenv("NIANBAO_ARCHIVE", str(tmp_path / "归档"))

    def busy(*a, **k):
        raise BusyError("数据库正被其他程序占用，请稍后重试。")

    monkeypatch.setattr(Store, "save_report", busy)
    code, _, err = run(
        capsys,
        "--db",
        sqlite_url(tmp_path / "db.sqlite"),
        "store",
        "save",
        str(Path(__file__).parent / "fixtures" / "store_sample_2024.nianbao.json"),
    )
    assert code == 3 and "占用" in err
