"""文件 → 选择数据库… (gui/database_dialog.py), offscreen: open an existing file, create a new one, enter a
PostgreSQL URL; the window switches to the chosen database and it is remembered for the next start."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

pytest.importorskip("pytestqt")

from conftest import sample
from PySide6.QtCore import QSettings

from gui.database_dialog import DatabaseDialog, choose_database
from gui.main_window import MainWindow
from gui.settings import Settings
from model.store import Store, default_db_url, remembered_db_url, sqlite_url
from model.store import paths as paths_mod

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def home(tmp_path, monkeypatch):
    """The user data folder in tmp; no NIANBAO_DB."""
    folder = tmp_path / "用户数据"
    monkeypatch.setattr(paths_mod, "app_data_dir", lambda: folder)
    monkeypatch.setattr("gui.database_dialog.app_data_dir", lambda: folder)
    monkeypatch.delenv("NIANBAO_DB", raising=False)
    monkeypatch.delenv("NIANBAO_ARCHIVE", raising=False)
    return folder


@pytest.fixture
def window(qtbot, tmp_path, home):
    store = Store.open(sqlite_url(tmp_path / "原来的.sqlite"))
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    w = MainWindow(store, settings)
    qtbot.addWidget(w)
    yield w
    w.store.close()
    store.close()


def dialog_for(qtbot, url: str = "") -> DatabaseDialog:
    d = DatabaseDialog(url, None, opener=Store.open)
    qtbot.addWidget(d)
    return d


def test_a_new_database_file(qtbot, tmp_path, home):
    d = dialog_for(qtbot)
    assert d.choice() == "default"
    d.new_edit.setText(str(tmp_path / "科室年报"))
    d.buttons["new"].setChecked(True)
    d.accept()
    assert d.result() == QDialog_Accepted()
    path = tmp_path / "科室年报.sqlite"
    assert d.url() == sqlite_url(path) and path.is_file()
    assert d.store.reports() == []
    d.store.close()


def QDialog_Accepted():
    from PySide6.QtWidgets import QDialog

    return QDialog.DialogCode.Accepted


@pytest.mark.parametrize(
    ("choice", "field", "text", "message"),
    [
        ("existing", "existing_edit", "没有这个文件.sqlite", "文件不存在"),
        ("existing", "existing_edit", "", "请选择数据库文件"),
        ("server", "server_edit", "", "请填写 PostgreSQL 服务器的地址"),
        ("server", "server_edit", "mysql://x@y/z", "应以 postgresql"),
        ("server", "server_edit", "postgresql+psycopg://nobody:x@127.0.0.1:1/none", "无法连接|数据库"),
        ("new", "new_edit", "不存在的文件夹/a.sqlite", "文件夹不存在"),
    ],
)
def test_a_choice_that_cannot_be_opened_keeps_the_dialog_open(
    qtbot, tmp_path, home, choice, field, text, message
):
    import re

    d = dialog_for(qtbot)
    getattr(d, field).setText(str(tmp_path / text) if text and choice != "server" else text)
    d.buttons[choice].setChecked(True)
    d.accept()
    assert d.result() != QDialog_Accepted() and d.url() is None and d.store is None
    assert not d.error.isHidden() and re.search(message, d.error.text()), d.error.text()


def test_an_existing_file_is_not_overwritten_by_new(qtbot, tmp_path, home):
    path = tmp_path / "已有.sqlite"
    with Store.open(sqlite_url(path)) as s:
        s.save_report(sample())
    d = dialog_for(qtbot)
    d.new_edit.setText(str(path))
    d.buttons["new"].setChecked(True)
    d.accept()
    assert "已经存在" in d.error.text() and d.url() is None
    d.existing_edit.setText(str(path))
    d.buttons["existing"].setChecked(True)
    d.accept()
    assert d.url() == sqlite_url(path) and len(d.store.reports()) == 1
    d.store.close()


def test_typing_in_a_field_selects_its_choice(qtbot, home):
    d = dialog_for(qtbot, "postgresql+psycopg://u:p@h/db")
    assert d.choice() == "server" and d.server_edit.text() == "postgresql+psycopg://u:p@h/db"
    from PySide6.QtCore import Qt

    qtbot.keyClicks(d.existing_edit, "a")
    assert d.choice() == "existing"
    qtbot.keyClick(d.new_edit, Qt.Key.Key_B)
    assert d.choice() == "new"


def test_the_window_switches_to_the_chosen_database_and_remembers_it(
    qtbot, window, tmp_path, home, monkeypatch
):
    other = tmp_path / "另一个.sqlite"
    with Store.open(sqlite_url(other)) as s:
        s.save_report(sample())
    window.store.save_report(sample(), organ="原来的机关")
    window.open_report(window.store.find("原来的机关", 2024).id)
    old = window.store
    actions = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "选择数据库(&D)…" in actions and actions.index("选择数据库(&D)…") < actions.index("关闭报告(&C)")

    def run(self):  # the clerk picks the other file and presses OK
        self.existing_edit.setText(str(other))
        self.buttons["existing"].setChecked(True)
        self.accept()
        return self.result()

    monkeypatch.setattr(DatabaseDialog, "exec", run)
    window.act_database.trigger()
    assert window.store is not old and window.store.path == other
    assert window.doc is None and window.start.store is window.store
    assert window.settings.last_report == 0
    assert remembered_db_url() == sqlite_url(other) and default_db_url() == sqlite_url(other)
    assert default_db_url("sqlite:///命令行.sqlite") == "sqlite:///命令行.sqlite"  # --db still first
    assert [i.organ for i in window.store.reports()] == [sample().agency]
    assert "另一个.sqlite" in window.statusBar().currentMessage()
    # back to the default: remembered as no choice
    window.store.close()

    def default(self):
        self.buttons["default"].setChecked(True)
        self.accept()
        return self.result()

    monkeypatch.setattr(DatabaseDialog, "exec", default)
    assert choose_database(window)
    assert remembered_db_url() is None and window.store.path == home / "nianbao.sqlite"


def test_cancel_keeps_the_database(qtbot, window, monkeypatch):
    old = window.store
    monkeypatch.setattr(DatabaseDialog, "exec", lambda self: 0)
    assert not choose_database(window)
    assert window.store is old and remembered_db_url() is None


@pytest.mark.postgres
def test_a_postgresql_server(qtbot, home, pg_url):
    d = dialog_for(qtbot)
    d.server_edit.setText(pg_url)
    d.buttons["server"].setChecked(True)
    d.accept()
    assert d.url() == pg_url and d.store.reports() == []
    d.store.close()


# -------------------------------------------------------------------------------------------------
# the window's history restore and finalising pass the version the clerk saw


def test_restore_and_finalize_in_the_window_refuse_a_stale_version(qtbot, window, monkeypatch):
    from conftest import A_KEY, needs_rules
    from PySide6.QtWidgets import QMessageBox

    needs_rules()
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    info = window.store.save_report(sample())
    assert window.open_report(info.id)
    doc = window.doc
    first = doc.version
    window.store.set_meta(info.id, title="另一个窗口改的标题")  # behind the window's back
    with qtbot.waitSignal(doc.failed) as failed:
        assert not doc.restore(first)
    assert "别处" in failed.args[0]
    assert window.store.load(info.id)[0].title == "另一个窗口改的标题"  # not silently undone
    with qtbot.waitSignal(doc.failed) as failed:
        assert not doc.finalize()
    assert "别处" in failed.args[0] and "没有定稿" in failed.args[0]
    assert not window.store.info(info.id).is_final
    doc.reload()  # the clerk reloads and looks again: now it goes through
    assert doc.finalize() and window.store.info(info.id).is_final
    assert doc.report.get(A_KEY) == sample().get(A_KEY)
    assert shown and all("别处" in m for m in shown)  # the window said so, not just the status bar
