"""文件 → 备份…, 从备份恢复…, 核验归档… end to end in the window (gui/maintenance.py over
model/store/maintenance.py, run by gui/tasks.py off the UI thread), and the backup reminder."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

pytest.importorskip("pytestqt")

from conftest import needs_rules, sample
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from gui import maintenance
from gui.main_window import MainWindow
from gui.settings import Settings
from gui.tasks import Task, TaskDialog
from model.store import Store, sqlite_url
from model.store import maintenance as model_maintenance

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "用户数据"
    monkeypatch.setenv("NIANBAO_DATA_DIR", str(folder))
    monkeypatch.delenv("NIANBAO_DB", raising=False)
    monkeypatch.delenv("NIANBAO_ARCHIVE", raising=False)
    return folder


def make_window(qtbot, tmp_path, store) -> MainWindow:
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    w = MainWindow(store, settings)
    qtbot.addWidget(w)
    return w


def finish(qtbot, task: Task) -> None:
    qtbot.waitUntil(lambda: not task.is_running() and task.dialog.isHidden(), timeout=60000)
    qtbot.wait(20)


def filled_store(folder):
    needs_rules()
    store = Store.open(sqlite_url(folder / "年报.sqlite"), archive_root=folder / "归档")
    info = store.save_report(sample())
    store.finalize(info.id)
    return store


def test_the_three_items_are_in_the_file_menu(qtbot, tmp_path, data_dir, sqlite_store):
    w = make_window(qtbot, tmp_path, sqlite_store)
    file_menu = w.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert {"备份(&B)…", "从备份恢复(&R)…", "核验归档(&V)…"} <= set(texts)
    assert texts.index("备份(&B)…") < texts.index("选择数据库(&D)…")


def test_backup_then_restore_into_a_fresh_store(qtbot, tmp_path, data_dir, monkeypatch):
    src = filled_store(tmp_path / "甲")
    w = make_window(qtbot, tmp_path, src)
    out = tmp_path / "备份" / "年报备份"
    out.parent.mkdir()
    monkeypatch.setattr(
        "gui.maintenance.QFileDialog.getSaveFileName", lambda *a, **k: (str(out), "年报备份 (*.zip)")
    )
    seen = []
    w.act_backup.trigger()  # the menu item, as the clerk clicks it
    task = w.maintenance_task
    assert isinstance(task.dialog, TaskDialog) and task.dialog.isModal()
    task.progress.connect(lambda f, t: seen.append((f, t)))
    assert threading.current_thread() is threading.main_thread()
    finish(qtbot, task)
    zip_path = out.with_name("年报备份.zip")
    assert task.error is None and zip_path.is_file()
    assert (
        w.maintenance_box.icon() == QMessageBox.Icon.Information and str(zip_path) in w.maintenance_box.text()
    )
    assert model_maintenance.last_backup(src.url) is not None
    assert not maintenance.remind_backup(w)  # just backed up: no reminder
    w.maintenance_box.close()
    src.close()

    # a fresh, empty store elsewhere: 从备份恢复… brings the reports and the archive in
    fresh = Store.open(sqlite_url(tmp_path / "乙" / "年报.sqlite"), archive_root=tmp_path / "乙" / "归档")
    assert fresh.reports() == []
    w2 = make_window(qtbot, tmp_path, fresh)
    monkeypatch.setattr("gui.maintenance.QFileDialog.getOpenFileName", lambda *a, **k: (str(zip_path), ""))
    monkeypatch.setattr(
        "gui.maintenance.QMessageBox.question", lambda *a, **k: QMessageBox.StandardButton.Yes
    )
    w2.act_restore.trigger()
    finish(qtbot, w2.maintenance_task)
    assert w2.maintenance_task.error is None, w2.maintenance_task.error
    assert w2.store is not fresh
    (info,) = w2.store.reports()
    assert info.is_final and w2.start.store is w2.store
    problems, _ = w2.store.archive_check()
    assert problems == []
    assert "已从备份恢复" in w2.maintenance_box.text()
    assert any(p.name.startswith("年报.恢复前-") for p in (tmp_path / "乙").iterdir())  # the old one kept
    assert seen and seen[-1][0] == 1.0
    w2.store.close()


def test_a_broken_archive_is_found(qtbot, tmp_path, data_dir):
    store = filled_store(tmp_path / "甲")
    w = make_window(qtbot, tmp_path, store)
    w.act_verify_archive.trigger()
    finish(qtbot, w.maintenance_task)
    assert w.maintenance_box.icon() == QMessageBox.Icon.Information and "归档完好" in w.maintenance_box.text()
    w.maintenance_box.close()

    (info,) = store.reports()
    folder = (
        tmp_path / "甲" / "归档" / info.archive_dir
        if not os.path.isabs(info.archive_dir)
        else info.archive_dir
    )
    victim = next(p for p in sorted(os.scandir(folder), key=lambda e: e.name) if p.name != "manifest.json")
    with open(victim.path, "ab") as fh:
        fh.write(b"tampered")
    w.act_verify_archive.trigger()
    finish(qtbot, w.maintenance_task)
    box = w.maintenance_box
    assert box.icon() == QMessageBox.Icon.Warning
    assert "1 处问题" in box.text() and victim.name in box.text()
    store.close()


def test_restore_is_refused_while_a_second_connection_holds_the_database(qtbot, tmp_path, data_dir):
    needs_rules()
    store = filled_store(tmp_path / "甲")
    zip_path = tmp_path / "备份.zip"
    model_maintenance.backup_store(store, zip_path)
    store.save_report(sample(), organ="另一个机关", year=2024)  # changed after the backup
    w = make_window(qtbot, tmp_path, store)
    holder = subprocess.Popen(  # another window: a second program with the database open
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('select count(*) from reports')"
            ".fetchall(); print('open', flush=True); sys.stdin.read()",
            str(store.path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        task = maintenance.restore(w, zip_path, confirm=False)
        finish(qtbot, task)
        box = w.maintenance_box
        assert box.icon() == QMessageBox.Icon.Warning
        assert "没有恢复" in box.text() and "仍被" in box.text()
        if sys.platform.startswith("linux"):
            assert f"进程 {holder.pid}" in box.text()  # which program, by its process
            assert "本程序" not in box.text()  # the window's own connections were closed first
        assert len(w.store.reports()) == 2  # untouched, and the window works on it again
        assert w.start.store is w.store
    finally:
        holder.stdin.close()
        holder.wait(10)
    w.maintenance_box.close()
    task = maintenance.restore(w, zip_path, confirm=False)  # the other program closed: it goes through
    finish(qtbot, task)
    assert task.error is None and len(w.store.reports()) == 1
    w.store.close()


def test_a_failed_step_rolls_everything_back(qtbot, tmp_path, data_dir, monkeypatch):
    store = filled_store(tmp_path / "甲")
    zip_path = tmp_path / "备份.zip"
    model_maintenance.backup_store(store, zip_path)
    store.save_report(sample(), organ="另一个机关", year=2024)
    root = store.archive_root
    before = sorted(str(p.relative_to(root)) for p in root.rglob("*"))
    w = make_window(qtbot, tmp_path, store)

    real_open = Store.open.__func__
    calls = []

    def open_fails_once_after_the_swap(cls, url=None, archive_root=None):
        calls.append(url)
        if len(calls) == 1:
            raise model_maintenance.StoreError("模拟：重新打开失败")
        return real_open(cls, url, archive_root)

    monkeypatch.setattr(Store, "open", classmethod(open_fails_once_after_the_swap))
    task = maintenance.restore(w, zip_path, confirm=False)
    finish(qtbot, task)
    assert "模拟：重新打开失败" in w.maintenance_box.text() and "已还原" in w.maintenance_box.text()
    assert len(w.store.reports()) == 2  # the database as it was before
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*")) == before
    assert not [p for p in root.parent.iterdir() if p.name.startswith("归档.恢复前")]
    w.store.close()


def test_cancel_during_restore_puts_everything_back(qtbot, tmp_path, data_dir):
    store = filled_store(tmp_path / "甲")
    zip_path = tmp_path / "备份.zip"
    model_maintenance.backup_store(store, zip_path)
    store.save_report(sample(), organ="另一个机关", year=2024)
    make_window(qtbot, tmp_path, store)
    gate = threading.Event()

    def slow_release():
        store.close()
        gate.wait(10)

    from model.store.maintenance import restore_store

    task = Task(restore_store, zip_path, store.url, store.archive_root, release=slow_release, name="restore")
    task.start()
    task.cancel()
    gate.set()
    qtbot.waitUntil(lambda: task.error is not None or task.result is not None, timeout=30000)
    assert isinstance(task.error, model_maintenance.RestoreFailed) and "已取消" in str(task.error)
    assert len(task.error.store.reports()) == 2  # nothing restored, the old database reopened
    task.error.store.close()


def test_backup_reminder(qtbot, tmp_path, data_dir, sqlite_store):
    w = make_window(qtbot, tmp_path, sqlite_store)
    assert maintenance.remind_backup(w)  # never backed up
    assert "还没有备份过" in w.statusBar().currentMessage()
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
    model_maintenance.record_backup(sqlite_store.url, long_ago)
    assert maintenance.remind_backup(w) and "已超过 30 天" in w.backup_reminder
    w.settings.set("backup/reminder_days", 60)
    assert not maintenance.remind_backup(w)
    w.settings.set("backup/reminder_days", 0)  # never
    model_maintenance.record_backup(sqlite_store.url, long_ago - dt.timedelta(days=400))
    assert not maintenance.remind_backup(w)


def test_pg_holders_are_named(pg_url):
    import sqlalchemy as sa

    from model.store.db import create_engine

    other = sa.create_engine(pg_url, connect_args={"application_name": "WPS-spreadsheet"})
    ours = create_engine(pg_url)  # another 年报 window, on another computer perhaps
    with other.connect() as conn, ours.connect() as conn2:
        conn.execute(sa.text("select 1"))
        conn2.execute(sa.text("select 1"))
        found = model_maintenance.holders(pg_url)
        assert any("“WPS-spreadsheet”" in h for h in found)
        assert any(h.startswith("年报（电脑 ") for h in found)
        with pytest.raises(model_maintenance.DatabaseInUseError, match="WPS-spreadsheet"):
            model_maintenance.take_exclusive(pg_url)
    other.dispose()
    ours.dispose()
    model_maintenance.take_exclusive(pg_url)  # nobody else: no complaint


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc tells who has a file open")
def test_an_idle_holder_in_the_rollback_journal_is_found_too(tmp_path):
    path = tmp_path / "a.sqlite"
    con = sqlite3.connect(str(path))
    con.execute("create table t(x)")  # journal_mode=DELETE: an idle reader holds no lock
    con.commit()
    con.close()
    idle = sqlite3.connect(str(path))
    idle.execute("select * from t").fetchall()
    with pytest.raises(model_maintenance.DatabaseInUseError, match="本程序"):
        model_maintenance.take_exclusive(sqlite_url(path))
    idle.close()
    model_maintenance.take_exclusive(sqlite_url(path))


def test_wal_holder_is_detected_in_the_same_process(tmp_path):
    path = tmp_path / "a.sqlite"
    s = Store.open(sqlite_url(path))
    s.reports()  # a pooled connection stays open, as in another window
    with pytest.raises(model_maintenance.DatabaseInUseError) as caught:
        model_maintenance.take_exclusive(s.url)
    if sys.platform.startswith("linux"):
        assert "本程序" in str(caught.value)
    s.close()
    model_maintenance.take_exclusive(s.url)
    with sqlite3.connect(str(path)) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_preferences_show_and_change_the_archive_folder(qtbot, tmp_path, data_dir):
    from gui.preferences import PreferencesDialog
    from model.files import native
    from model.store import paths

    store = filled_store(tmp_path / "甲")
    w = make_window(qtbot, tmp_path, store)
    file_menu = w.menuBar().actions()[0].menu()
    assert w.act_preferences in file_menu.actions()
    d = PreferencesDialog(w)
    qtbot.addWidget(d)
    assert d.archive_edit.text() == native(store.archive_root)
    assert d.data_edit.text() == native(data_dir)
    d.reminder.setValue(0)
    new = tmp_path / "文档" / "年报归档"
    d.set_archive_folder(new)
    d.accept()
    assert d.result() == d.DialogCode.Accepted
    assert w.settings.get("backup/reminder_days") == 0
    assert store.archive_root == new and paths.remembered_archive_root() == new.absolute()
    assert not (tmp_path / "甲" / "归档").exists()
    problems, _ = store.archive_check()
    assert problems == []  # the final report's archive found in its new place

    d2 = PreferencesDialog(w)  # a folder that is not empty is refused, nothing moved
    qtbot.addWidget(d2)
    busy = tmp_path / "别的"
    busy.mkdir()
    (busy / "x.txt").write_text("x")
    d2.set_archive_folder(busy)
    d2.accept()
    assert d2.error.isVisibleTo(d2) and "不是空的" in d2.error.text()
    assert store.archive_root == new
    store.close()


def test_a_broken_backup_is_refused_and_nothing_changes(qtbot, tmp_path, data_dir):
    import zipfile

    store = filled_store(tmp_path / "甲")
    good = tmp_path / "备份.zip"
    model_maintenance.backup_store(store, good)
    broken = tmp_path / "坏的备份.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("archive/") and item.filename.endswith(".json"):
                data = data.replace(b"2024", b"2025", 1)  # one archived file changed
            dst.writestr(item, data)
    store.save_report(sample(), organ="另一个机关", year=2024)
    root = store.archive_root
    before = sorted(str(p.relative_to(root)) for p in root.rglob("*"))
    w = make_window(qtbot, tmp_path, store)
    task = maintenance.restore(w, broken, confirm=False)
    finish(qtbot, task)
    text = w.maintenance_box.text()
    assert "没有恢复" in text and "SHA-256 不符" in text and "未作任何改动" in text and "已还原" not in text
    assert len(w.store.reports()) == 2
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*")) == before
    assert not [p for p in root.parent.iterdir() if "恢复前" in p.name or p.name.startswith(".")]
    w.store.close()


@pytest.mark.parametrize("content", [None, b"hello", b"PK\x03\x04" + b"\0" * 40])
def test_a_missing_or_unreadable_backup_is_said_plainly(tmp_path, data_dir, content):
    """Nothing was touched: the message says so once, in Chinese — not “未作任何改动” and then “已还原”,
    and not Python's English “File is not a zip file”."""
    store = filled_store(tmp_path / "甲")
    url, root = store.url, store.archive_root
    zip_path = tmp_path / "备份.zip"
    if content is not None:
        zip_path.write_bytes(content)
    with pytest.raises(model_maintenance.RestoreFailed) as caught:
        model_maintenance.restore_store(zip_path, url, root, release=store.close)
    message = str(caught.value)
    assert "未作任何改动" in message and "已还原" not in message
    assert not any("a" <= c.lower() <= "z" for c in message.replace(str(zip_path), "").replace("zip", ""))
    assert len(caught.value.store.reports()) == 1
    assert not [p for p in root.parent.iterdir() if "恢复前" in p.name]
    caught.value.store.close()
