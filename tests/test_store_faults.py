"""Faults, for real: a writer killed with SIGKILL mid-edit, corrupt and foreign files, read-only folders, a full
disk, a backup taken while another process writes, damaged backups."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from conftest import A_KEY, FEE, needs_rules, sample
from sqlalchemy import event

from model.form import FORM_2021
from model.store import CorruptError, DiskFullError, Store, StoreError, sqlite_url
from model.store import archive as archive_mod
from model.store import backup as backup_mod

ROOT = Path(__file__).resolve().parents[1]
KEYS = [k for k in FORM_2021.cell_keys if k != FEE][:50]
EDITS = 1000

WRITER = r"""
import sys
from model.store import Store, sqlite_url
db, root, rid, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
keys = sys.argv[5].split(",")
fee = sys.argv[6]
s = Store.open(sqlite_url(db), archive_root=root)
print("ready", flush=True)
for i in range(int(sys.argv[7])):
    if mode == "pair":
        s.set_cells(rid, {keys[0]: i, keys[1]: i})
    elif i % 10 == 9:
        s.set_text(rid, "overview", f"第{i}次修改")
    else:
        s.set_cells(rid, {keys[i % len(keys)]: i, fee: i})
    print(i, flush=True)
"""


def _writer(db: Path, root: Path, rid: int, mode: str, edits: int = EDITS) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), str(root), str(rid), mode, ",".join(KEYS), FEE, str(edits)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=str(ROOT),
    )


def _expected(committed: int) -> tuple[dict, str]:
    """The cells and overview after the first ``committed`` scripted edits."""
    cells: dict[str, int] = {}
    text = None
    for i in range(committed):
        if i % 10 == 9:
            text = f"第{i}次修改"
        else:
            cells[KEYS[i % len(KEYS)]] = i
            cells[FEE] = i
    return cells, text


def _integrity(db: Path) -> str:
    con = sqlite3.connect(str(db))
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def _lane(lane: int, runs: int, tmp: Path, seed: int, results: list, errors: list) -> None:
    rng = random.Random(seed + lane)
    db, root = tmp / f"lane{lane}.sqlite", tmp / f"归档{lane}"
    try:
        with Store.open(sqlite_url(db), archive_root=root) as s:
            rids = []
            for run in range(runs):
                r = sample()
                for k in KEYS:
                    r.cells[k] = None
                r.cells[FEE] = None
                r.text["overview"] = ""
                rids.append(s.save_report(r, organ=f"机关{run}").id)
        finals = {}
        for run, rid in enumerate(rids):
            proc = _writer(db, root, rid, "script")
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
            # kill when the writer has got to a random edit (after a random extra moment: the pipe lags behind
            # the writer, so the kill lands at an arbitrary point of its work), or at a random time — whichever
            # comes first, so that a slow machine keeps the test short
            target = rng.randrange(EDITS)
            timer = threading.Timer(rng.uniform(0.05, 1.0), proc.kill)
            timer.start()
            printed: list[int] = []
            for line in proc.stdout:
                printed.append(int(line))
                if printed[-1] >= target:
                    time.sleep(rng.uniform(0, 0.003))
                    break
            timer.cancel()
            proc.kill()  # SIGKILL on POSIX
            proc.wait()
            printed += [int(x) for x in proc.stdout.read().split()]
            proc.stdout.close()
            proc.stderr.close()
            with Store.open(sqlite_url(db), archive_root=root) as s:
                report, info = s.load(rid)
                committed = info.version - 1
                last = printed[-1] + 1 if printed else 0
                assert last <= committed <= last + 1, (lane, run, last, committed)
                cells, text = _expected(committed)
                for k in [*KEYS, FEE]:
                    assert report.cells[k] == cells.get(k), (lane, run, k)
                assert (report.text["overview"] or None) == text
                edits = [h for h in s.history(rid) if h.what != "create"]
                assert len(edits) == sum(1 if i % 10 == 9 else 2 for i in range(committed))
                assert sorted({h.version for h in edits}) == list(range(2, committed + 2))
                finals[rid] = report.to_exchange()
            assert _integrity(db) == "ok"
            results.append((lane, run, committed))
        with Store.open(sqlite_url(db), archive_root=root) as s:  # earlier runs untouched by later kills
            for rid, state in finals.items():
                assert s.load(rid)[0].to_exchange() == state
    except BaseException as err:
        errors.append(err)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL test uses POSIX process semantics")
def test_writer_killed_at_random_moments_loses_no_committed_edit(tmp_path):
    seed = int(os.environ.get("NIANBAO_FAULT_SEED", random.randrange(1 << 30)))
    lanes, runs = 2, 25  # 50 kills in all, two writers at a time
    results: list = []
    errors: list = []
    threads = [
        threading.Thread(target=_lane, args=(i, runs, tmp_path, seed, results, errors)) for i in range(lanes)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise AssertionError(f"seed {seed}") from errors[0]
    assert len(results) == lanes * runs
    committed = [c for *_, c in results]
    # the kills really landed mid-script
    assert sum(0 < c < EDITS for c in committed) >= len(committed) // 2, committed


# -------------------------------------------------------------------------------------------------
# corrupt and foreign files


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "content",
    [
        bytes(random.Random(7).randrange(256) for _ in range(8192)),
        "这是一个文本文件，不是数据库。\n".encode() * 100,
        b"SQLite format 3\x00" + b"\xff" * 4000,
    ],
    ids=["random", "text", "bad-header"],
)
def test_non_database_file_is_refused_untouched(tmp_path, content):
    path = tmp_path / "年报.sqlite"
    path.write_bytes(content)
    with pytest.raises(CorruptError, match="损坏|不是本程序"):
        Store.open(sqlite_url(path))
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["年报.sqlite"]


def test_damaged_database_gives_a_clear_message(tmp_path):
    path = tmp_path / "db.sqlite"
    with Store.open(sqlite_url(path)) as s:
        for i in range(30):
            s.save_report(sample(), organ=f"机关{i}")
    data = bytearray(path.read_bytes())
    page = 4096
    for p in range(2, len(data) // page):  # scribble over every page but the first two
        data[p * page + 8 : p * page + 200] = b"\xa5" * 192
    path.write_bytes(bytes(data))
    for side in ("-wal", "-shm"):
        Path(str(path) + side).unlink(missing_ok=True)
    with pytest.raises(CorruptError, match="数据库文件已损坏，或不是本程序的数据库.*文件未被改动"):
        s = Store.open(sqlite_url(path))
        try:
            for info in s.reports():
                s.load(info.id)
        finally:
            s.close()


# -------------------------------------------------------------------------------------------------
# read-only folders


@contextlib.contextmanager
def read_only(folder: Path):
    """Make ``folder`` really read-only (chmod; as root, the immutable attribute), or skip."""
    if sys.platform == "win32":
        pytest.skip("a read-only folder cannot be made on Windows by chmod")
    if os.geteuid() == 0:
        if (
            not shutil.which("chattr")
            or subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode
        ):
            pytest.skip("running as root and chattr +i is not available: no way to make a folder read-only")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        mode = folder.stat().st_mode
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(mode)


def _probe(folder: Path) -> bool:
    try:
        (folder / "probe").write_text("x", encoding="utf-8")
    except OSError:
        return True
    (folder / "probe").unlink()
    return False


def test_read_only_folder_new_database(tmp_path):
    folder = tmp_path / "只读"
    folder.mkdir()
    with read_only(folder):
        assert _probe(folder)
        with pytest.raises(StoreError, match="没有写入权限"):
            Store.open(sqlite_url(folder / "nianbao.sqlite"))
        assert list(folder.iterdir()) == []


def test_read_only_folder_existing_database(tmp_path):
    folder = tmp_path / "只读"
    path = folder / "nianbao.sqlite"
    with Store.open(sqlite_url(path)) as s:
        s.save_report(sample())
    before = _digest(path)
    listing = sorted(p.name for p in folder.iterdir())
    with read_only(folder):
        with pytest.raises(StoreError, match="没有写入权限"):
            Store.open(sqlite_url(path))
    assert _digest(path) == before and sorted(p.name for p in folder.iterdir()) == listing
    with Store.open(sqlite_url(path)) as s:
        assert s.load(s.reports()[0].id)[0].to_exchange() == sample().to_exchange()


def test_read_only_archive_and_backup_folder(tmp_path):
    needs_rules()
    root = tmp_path / "归档"
    root.mkdir()
    out = tmp_path / "备份"
    out.mkdir()
    with Store.open(sqlite_url(tmp_path / "db.sqlite"), archive_root=root) as s:
        info = s.save_report(sample())
        with read_only(root):
            with pytest.raises(StoreError, match="没有写入权限"):
                s.finalize(info.id)
        assert s.info(info.id).status == "draft" and list(root.iterdir()) == []
        with read_only(out):
            with pytest.raises(StoreError, match="没有写入权限"):
                s.backup(out / "b.zip")
        assert list(out.iterdir()) == []
        s.finalize(info.id)
        assert s.archive_verify() == []


# -------------------------------------------------------------------------------------------------
# a full disk


def _limit_pages(store: Store, extra_pages: int) -> None:
    with store.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()

    @event.listens_for(store.engine, "connect")
    def _limit(dbapi_conn, _rec):
        dbapi_conn.execute(f"PRAGMA max_page_count={pages + extra_pages}")

    store.engine.dispose()


def test_full_disk_refuses_the_edit_and_keeps_what_was_stored(tmp_path):
    path = tmp_path / "db.sqlite"
    s = Store.open(sqlite_url(path))
    info = s.save_report(sample())
    s.set_cell(info.id, A_KEY, 5)
    before, before_info = s.load(info.id)
    _limit_pages(s, 2)
    with pytest.raises(DiskFullError, match="磁盘空间已满"):
        s.set_text(info.id, "overview", "很长的正文。" * 8_000)  # under the prose cap, over the disk
    big = sample()
    big.text["other"] = "附件。" * 16_000
    with pytest.raises(DiskFullError):  # an import is one transaction: no half report, no stray organ
        s.save_report(big, organ="新机关")
    assert [o.name for o in s.organs()] == [sample().agency] and len(s.reports()) == 1
    after, after_info = s.load(info.id)
    assert after.to_exchange() == before.to_exchange() and after_info.version == before_info.version
    s.close()
    assert _integrity(path) == "ok"
    with Store.open(sqlite_url(path)) as s2:  # room again: the store works on
        assert s2.set_text(info.id, "overview", "新的正文") == before_info.version + 1


def _enospc(*_a, **_k):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_full_disk_while_archiving(tmp_path, monkeypatch):
    needs_rules()
    root = tmp_path / "归档"
    with Store.open(sqlite_url(tmp_path / "db.sqlite"), archive_root=root) as s:
        info = s.save_report(sample())
        with monkeypatch.context() as m:
            m.setattr(archive_mod.os, "fsync", _enospc)
            with pytest.raises(DiskFullError, match="磁盘空间已满"):
                s.finalize(info.id)
        assert s.info(info.id).status == "draft"
        assert not any(p.is_file() for p in root.rglob("*")) if root.exists() else True
        folder = s.finalize(info.id)
        manifest = (folder / "manifest.json").read_bytes()
        pdf = tmp_path / "a.pdf"
        pdf.write_bytes(b"%PDF" + b"x" * 100_000)

        def half_copy(src, dst):
            Path(dst).write_bytes(Path(src).read_bytes()[:1000])
            _enospc()

        with monkeypatch.context() as m:
            m.setattr(archive_mod.shutil, "copyfile", half_copy)
            with pytest.raises(DiskFullError):
                s.archive_files(info.id, {"年度报告.pdf": pdf})
        assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", "年度报告.nianbao.json"]
        assert (folder / "manifest.json").read_bytes() == manifest
        assert s.archive_verify() == []


def test_full_disk_while_writing_a_backup(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    with Store.open(sqlite_url(tmp_path / "db.sqlite"), archive_root=tmp_path / "归档") as s:
        s.save_report(sample())
        real_write = zipfile.ZipFile.write

        def failing_write(self, *a, **k):
            real_write(self, *a, **k)
            _enospc()

        monkeypatch.setattr(zipfile.ZipFile, "write", failing_write)
        with pytest.raises(DiskFullError, match="磁盘空间已满"):
            s.backup(out / "备份.zip")
    assert list(out.iterdir()) == []


# -------------------------------------------------------------------------------------------------
# backup and restore


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="uses a POSIX subprocess writer")
def test_backup_taken_while_another_process_writes_is_consistent(tmp_path):
    needs_rules()
    db, root = tmp_path / "db.sqlite", tmp_path / "归档"
    with Store.open(sqlite_url(db), archive_root=root) as s:
        s.finalize(s.save_report(sample(), organ="已定稿机关").id)
        rid = s.save_report(sample()).id
        proc = _writer(db, root, rid, "pair", edits=100_000)
        try:
            assert proc.stdout.readline().strip() == "ready"
            for _ in range(100):  # let it get going
                proc.stdout.readline()
            zips = []
            for n in range(3):
                zips.append(s.backup(tmp_path / f"backup{n}.zip"))
                for _ in range(50):
                    proc.stdout.readline()
        finally:
            proc.kill()
            proc.wait()
            proc.stdout.close()
            proc.stderr.close()
    seen = []
    for n, z in enumerate(zips):
        target = tmp_path / f"restored{n}" / "db.sqlite"
        Store.restore_backup(z, sqlite_url(target))
        assert _integrity(target) == "ok"
        with Store.open(sqlite_url(target)) as r:
            report, info = r.load(rid)
            a, b = report.cells[KEYS[0]], report.cells[KEYS[1]]
            assert a == b  # both cells of one edit, or neither
            assert info.version == a + 2  # create = 1, edit i → version i + 2
            assert [h.version for h in r.history(rid)] == [1] + [
                v for v in range(2, info.version + 1) for _ in (0, 1)
            ]
            assert r.archive_verify() == []
            seen.append(a)
    assert seen == sorted(seen) and seen[0] >= 99


def _store_with_archive(tmp_path: Path) -> tuple[Path, Path]:
    needs_rules()
    db, root = tmp_path / "src" / "db.sqlite", tmp_path / "src" / "归档"
    with Store.open(sqlite_url(db), archive_root=root) as s:
        info = s.save_report(sample())
        folder = s.finalize(info.id)
        pdf = tmp_path / "a.pdf"
        pdf.write_bytes(b"%PDF-1.7 test")
        s.archive_files(info.id, {"年度报告.pdf": pdf})
        s.backup(tmp_path / "good.zip")
        assert folder.is_dir()
    return db, root


def test_restore_replaces_and_keeps_what_was_there(tmp_path):
    _store_with_archive(tmp_path)
    target = tmp_path / "dst" / "db.sqlite"
    with Store.open(sqlite_url(target)) as s:
        s.save_report(sample(), organ="原有机关", year=2020)
    Store.restore_backup(tmp_path / "good.zip", sqlite_url(target))
    with Store.open(sqlite_url(target)) as s:
        assert [(i.organ, i.status) for i in s.reports()] == [(sample().agency, "final")]
        assert s.archive_verify() == []
        assert Path(s.reports()[0].archive_dir).is_relative_to(target.parent / "归档")
    kept = [p for p in target.parent.iterdir() if "恢复前" in p.name and p.suffix == ".sqlite"]
    assert len(kept) == 1
    with Store.open(sqlite_url(kept[0])) as old:
        assert [i.organ for i in old.reports()] == ["原有机关"]
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")]


def _rewrite(src: Path, dst: Path, change) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = change(item.filename, zin.read(item.filename))
            if data is not None:
                zout.writestr(item.filename, data)


@pytest.mark.parametrize(
    "damage", ["tampered-archive", "tampered-db", "missing-entry", "traversal", "truncated", "not-zip"]
)
def test_restore_checks_the_whole_zip_before_replacing_anything(tmp_path, damage):
    _store_with_archive(tmp_path)
    good = tmp_path / "good.zip"
    bad = tmp_path / "bad.zip"
    if damage == "tampered-archive":
        _rewrite(good, bad, lambda n, d: d.replace(b"test", b"TEST") if n.endswith(".pdf") else d)
    elif damage == "tampered-db":
        _rewrite(good, bad, lambda n, d: d[:-100] + b"\0" * 100 if n.endswith(".sqlite") else d)
    elif damage == "missing-entry":
        _rewrite(good, bad, lambda n, d: None if n.endswith(".pdf") else d)
    elif damage == "traversal":

        def evil(n, d):
            if n == backup_mod.INDEX:
                index = json.loads(d)
                index["files"]["archive/../../evil.txt"] = hashlib.sha256(b"evil").hexdigest()
                return json.dumps(index)
            return d

        _rewrite(good, bad, evil)
        with zipfile.ZipFile(bad, "a") as z:
            z.writestr("archive/../../evil.txt", b"evil")
    elif damage == "truncated":
        bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    else:
        bad.write_text("not a zip", encoding="utf-8")
    target = tmp_path / "dst" / "db.sqlite"
    with Store.open(sqlite_url(target), archive_root=target.parent / "归档") as s:
        info = s.save_report(sample(), organ="原有机关")
        s.finalize(info.id)
    s.close()
    before = {p: p.read_bytes() for p in (tmp_path / "dst").rglob("*") if p.is_file()}
    with pytest.raises(StoreError, match="损坏|不是|不完整|不安全"):
        Store.restore_backup(bad, sqlite_url(target))
    after = {p: p.read_bytes() for p in (tmp_path / "dst").rglob("*") if p.is_file()}
    assert after == before
    assert not (tmp_path / "evil.txt").exists()


@pytest.mark.slow
def test_processes_opening_one_new_database_at_once(tmp_path):
    """The first opening creates the schema; several processes doing it at once must not trip over each other."""
    db = tmp_path / "新库.sqlite"
    code = (
        "import sys\nfrom model.store import Store, sqlite_url\n"
        "with Store.open(sqlite_url(sys.argv[1])) as s:\n    s.ensure_organ(sys.argv[2])\nprint('ok')"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(db), f"机关{i}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
        )
        for i in range(3)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert all(out.strip() == "ok" for out, _ in results), [err for _, err in results]
    with Store.open(sqlite_url(db)) as s:
        assert sorted(o.name for o in s.organs()) == [f"机关{i}" for i in range(3)]
    assert _integrity(db) == "ok"
