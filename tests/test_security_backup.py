"""Hostile backups: a member name that escapes the restore target, a database that inflates without end, too many
entries — refused before anything is written, the database never half-restored (issue 10, hole 1)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_store import sample

from model.store import CorruptError, Store, StoreError, sqlite_url
from model.store import backup as backup_mod
from model.store.paths import safe_name

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def good_zip(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("good")
    with Store.open(sqlite_url(base / "src.sqlite"), archive_root=base / "归档") as s:
        s.save_report(sample())
        (base / "归档" / "某机关" / "2024").mkdir(parents=True)
        (base / "归档" / "某机关" / "2024" / "说明.txt").write_text("原有", encoding="utf-8")
        s.backup(base / "good.zip")
    return base / "good.zip"


def _with_members(good: Path, out: Path, members: dict[str, bytes], listed: bool = True) -> Path:
    """``good`` with extra ``members``, listed in backup.json with their true hashes (so only the name is wrong)."""
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        index = json.loads(zin.read(backup_mod.INDEX))
        for name, data in members.items():
            if listed:
                index["files"][name] = hashlib.sha256(data).hexdigest()
        for item in zin.infolist():
            if item.filename != backup_mod.INDEX:
                zout.writestr(item, zin.read(item.filename))
        zout.writestr(backup_mod.INDEX, json.dumps(index, ensure_ascii=False))
        for name, data in members.items():
            zout.writestr(zipfile.ZipInfo(name), data)
    return out


def _target(base: Path) -> Path:
    target = base / "dst" / "db.sqlite"
    with Store.open(sqlite_url(target), archive_root=target.parent / "归档") as s:
        s.save_report(sample(), organ="原有机关", year=2020)
    return target


def _snapshot(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _organs(db: Path) -> list[str]:
    con = sqlite3.connect(str(db))
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return sorted(r[0] for r in con.execute("SELECT name FROM organs"))
    finally:
        con.close()


def test_double_slash_member_does_not_write_to_an_absolute_path(tmp_path, good_zip):
    """``archive//abs/path/file`` collapsed to ``/abs/path/file`` and was written there, exit 0."""
    victim = tmp_path / "elsewhere" / "victim.txt"
    victim.parent.mkdir()
    victim.write_text("原文", encoding="utf-8")
    evil = _with_members(good_zip, tmp_path / "evil.zip", {"archive/" + victim.as_posix(): b"overwritten"})
    target = _target(tmp_path)
    before = _snapshot(tmp_path / "dst")
    env = dict(os.environ, PYTHONPATH=str(ROOT), NIANBAO_ARCHIVE=str(target.parent / "归档"))
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--db", sqlite_url(target), "restore", str(evil)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "不安全的路径" in proc.stderr and "Traceback" not in proc.stderr
    assert victim.read_text(encoding="utf-8") == "原文"
    assert _snapshot(tmp_path / "dst") == before


@pytest.mark.parametrize(
    "name",
    [
        "archive//x",
        "archive/../x",
        "archive/./x",
        "archive/a/../../x",
        "archive\\..\\x",
        "archive/C:/x",
        "archive/c:x",
        "archive/a/",
        "archive/",
        "archive/CON",
        "archive/a./x",
        "archive/a\x01b",
        "database/other.sqlite",
        "/archive/x",
        "archive/" + "长" * 250,
    ],
)
def test_unsafe_member_names_are_refused_and_nothing_changes(tmp_path, good_zip, name):
    evil = _with_members(good_zip, tmp_path / "evil.zip", {name: b"x"})
    target = _target(tmp_path)
    before = _snapshot(tmp_path / "dst")
    with pytest.raises(StoreError, match="不安全|不完整|重名"):
        Store.restore_backup(evil, sqlite_url(target))
    assert _snapshot(tmp_path / "dst") == before


def test_duplicate_and_case_only_names_are_refused(tmp_path, good_zip):
    for i, members in enumerate(
        [{"archive/a/b.txt": b"1", "archive/A/b.txt": b"2"}, {"archive/Readme": b"1", "archive/README": b"2"}]
    ):
        evil = _with_members(good_zip, tmp_path / f"evil{i}.zip", members)
        with pytest.raises(CorruptError, match="重名"):
            backup_mod.check_backup(evil, Path(tempfile.mkdtemp(dir=tmp_path)))
    evil = tmp_path / "dup.zip"
    shutil.copy(good_zip, evil)
    with zipfile.ZipFile(evil, "a") as z, pytest.warns(UserWarning):
        z.writestr(backup_mod.DB_ENTRY, b"second")
    with pytest.raises(CorruptError, match="重名"):
        backup_mod.check_backup(evil, Path(tempfile.mkdtemp(dir=tmp_path)))


def _bomb(good: Path, out: Path, size: int) -> Path:
    """``good`` with its database replaced by ``size`` zero bytes (a few KB compressed), hash and all."""
    h = hashlib.sha256()
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        index = json.loads(zin.read(backup_mod.INDEX))
        info = zipfile.ZipInfo(backup_mod.DB_ENTRY)
        info.compress_type = zipfile.ZIP_DEFLATED
        with zout.open(info, "w", force_zip64=True) as dst:
            left = size
            while left:
                piece = chunk[: min(left, len(chunk))]
                dst.write(piece)
                h.update(piece)
                left -= len(piece)
        index["files"][backup_mod.DB_ENTRY] = h.hexdigest()
        for item in zin.infolist():
            if item.filename not in (backup_mod.INDEX, backup_mod.DB_ENTRY):
                zout.writestr(item, zin.read(item.filename))
        zout.writestr(backup_mod.INDEX, json.dumps(index, ensure_ascii=False))
    return out


def test_a_database_that_inflates_past_the_cap_is_refused_while_extracting(tmp_path, good_zip, monkeypatch):
    monkeypatch.setattr(backup_mod, "MAX_DB_BYTES", 8 << 20)
    bomb = _bomb(good_zip, tmp_path / "bomb.zip", 20 << 20)
    assert bomb.stat().st_size < 200_000
    # the total (20 MB) is under the zip-wide cap: the database's own cap is met while extracting it
    target = _target(tmp_path)
    before = _snapshot(tmp_path / "dst")
    with pytest.raises(CorruptError, match="超过 8 MB"):
        Store.restore_backup(bomb, sqlite_url(target))
    assert _snapshot(tmp_path / "dst") == before
    assert not [p for p in (tmp_path / "dst").iterdir() if p.name.startswith(".")]


def test_a_zip_declaring_more_than_the_total_cap_is_refused_before_extracting(
    tmp_path, good_zip, monkeypatch
):
    monkeypatch.setattr(backup_mod, "MAX_TOTAL_BYTES", 4 << 20)
    bomb = _bomb(good_zip, tmp_path / "bomb.zip", 6 << 20)
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(CorruptError, match="超过 4 MB"):
        backup_mod.check_backup(bomb, work)
    assert not any(work.iterdir())


def test_too_many_entries_are_refused(tmp_path, good_zip, monkeypatch):
    monkeypatch.setattr(backup_mod, "MAX_ENTRIES", 10)
    evil = _with_members(good_zip, tmp_path / "many.zip", {f"archive/f{i}": b"x" for i in range(20)})
    with pytest.raises(CorruptError, match="条目过多"):
        backup_mod.check_backup(evil, tmp_path)


@pytest.mark.slow
def test_a_database_inflating_to_one_gib_is_refused(tmp_path, good_zip):
    """The real caps: 1 GiB of database (about 1 MB of zip) is refused before it is all written out."""
    bomb = _bomb(good_zip, tmp_path / "bomb.zip", 1 << 30)
    target = _target(tmp_path)
    before = _snapshot(tmp_path / "dst")
    with pytest.raises(CorruptError, match="超过"):
        Store.restore_backup(bomb, sqlite_url(target))
    assert _snapshot(tmp_path / "dst") == before


def test_backup_keeps_every_archive_folder_and_folder_names_have_no_leading_dot(tmp_path):
    assert not safe_name("../x").startswith(".") and safe_name("...") and not safe_name(".x").startswith(".")
    root = tmp_path / "归档"
    with Store.open(sqlite_url(tmp_path / "db.sqlite"), archive_root=root) as s:
        s.save_report(sample())
        old = root / ".._x" / "2024" / "第1版"  # what an organ named ../x got before
        old.mkdir(parents=True)
        (old / "年度报告.nianbao.json").write_text("{}", encoding="utf-8")
        (root / "某机关").mkdir()
        (root / "某机关" / ".第1版.tmp-1234").mkdir()  # being written: left out
        (root / "某机关" / ".第1版.tmp-1234" / "x").write_text("x")
        s.backup(tmp_path / "b.zip")
    with zipfile.ZipFile(tmp_path / "b.zip") as z:
        names = z.namelist()
    assert "archive/.._x/2024/第1版/年度报告.nianbao.json" in names
    assert not [n for n in names if ".tmp-" in n]


# -------------------------------------------------------------------------------------------------
# the fuzz: random member names never write outside the target, never leave the database half-restored

_PARTS = st.sampled_from(
    [
        "..",
        ".",
        "",
        "x",
        "a b",
        "C:",
        "c:\\",
        "\\",
        "..\\..",
        "a\x00b",
        "NUL",
        "x.",
        "长" * 130,
        "归档",
        "OUT",
    ]
)
_PREFIX = st.sampled_from(["archive/", "archive//", "archive/../", "archive\\", "/", "", "C:/", "database/"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.tuples(_PREFIX, st.lists(_PARTS, min_size=1, max_size=5)), min_size=1, max_size=3))
def test_fuzz_member_names_never_escape_and_never_half_restore(good_zip, names):
    with tempfile.TemporaryDirectory() as tmp:
        # deep enough that up to five ".." still land inside the watched folder
        watched = Path(tmp)
        base = watched / "a" / "b" / "c" / "d" / "e"
        outside = watched / "OUT"
        outside.mkdir()
        target = _target(base)
        members = {}
        for prefix, parts in names:
            parts = [outside.as_posix().lstrip("/") if p == "OUT" else p for p in parts]
            members[prefix + "/".join(parts)] = b"payload"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a name the good zip already has: a duplicate entry
            evil = _with_members(good_zip, base / "evil.zip", members)
        before = _snapshot(watched)
        try:
            Store.restore_backup(evil, sqlite_url(target))
        except StoreError:
            refused = True
        else:
            refused = False
        after = _snapshot(watched)
        new = {p for p in after if p not in before or after[p] != before[p]}
        dst = base / "dst"
        assert all(p.is_relative_to(dst) for p in new), sorted(new)
        assert not any(outside.iterdir())
        if refused:
            assert after == before
            assert _organs(target) == ["原有机关"]
        else:
            assert _organs(target) == [sample().agency]
            for name in members:
                dest = dst / "归档" / Path(*name.split("/")[1:])
                assert dest.read_bytes() == b"payload"
