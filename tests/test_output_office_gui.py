"""文件 → 导出 Word… / 导出 Excel…: the dialogs write on the worker thread with progress; the window's menu
exports the open report."""

from __future__ import annotations

import os
import threading
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings

from gui import output_dialogs as od
from gui.main_window import MainWindow
from gui.settings import Settings
from model.importer import import_file
from model.output.xlsx import read_xlsx_cells
from model.sample import sample_report
from model.store import Store, sqlite_url

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    ini = tmp_path / "settings.ini"
    monkeypatch.setattr(od, "_settings", lambda: QSettings(str(ini), QSettings.Format.IniFormat))
    monkeypatch.setenv("NIANBAO_DATA_DIR", str(tmp_path / "data"))
    return ini


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_office_dialog_writes_off_the_ui_thread(qtbot, tmp_path, kind, monkeypatch):
    report = sample_report()
    dlg = od.OfficeExportDialog(report, kind, None, default_dir=tmp_path)
    qtbot.addWidget(dlg)
    assert dlg.path_edit.text().endswith(f".{kind}") and str(tmp_path) in dlg.path_edit.text()
    threads: list[bool] = []
    if kind == "docx":
        import model.output.docx as module

        real = module.export_docx
        name = "export_docx"
    else:
        import model.output.xlsx as module

        real = module.export_xlsx
        name = "export_xlsx"

    def spy(*args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    out = tmp_path / "导出"  # no suffix: the dialog adds it
    dlg.path_edit.setText(str(out))
    seen: list[int] = []
    dlg.progress.valueChanged.connect(seen.append)
    with qtbot.waitSignal(dlg.finished_ok, timeout=60000) as blocker:
        dlg.export_button.click()
        assert dlg.running and not dlg.export_button.isEnabled()
    path, draft = blocker.args[0]
    assert threads == [False]  # written on a worker thread
    assert path == tmp_path / f"导出.{kind}" and path.is_file() and not draft
    assert dlg.progress.value() == 100 and len(set(seen)) > 2
    assert "已导出" in dlg.message.text() and dlg.export_button.isEnabled()
    if kind == "docx":
        assert import_file(path).report.cells == report.cells
    else:
        assert read_xlsx_cells(path) == report.cells


def test_office_dialog_reports_a_missing_folder(qtbot, tmp_path):
    dlg = od.OfficeExportDialog(sample_report(), "docx", None, default_dir=tmp_path)
    qtbot.addWidget(dlg)
    dlg.path_edit.setText(str(tmp_path / "没有的文件夹" / "a.docx"))
    with qtbot.waitSignal(dlg.finished_error, timeout=30000):
        dlg.export_button.click()
    assert "不存在" in dlg.message.text()


def test_file_menu_exports_the_open_report(qtbot, tmp_path, monkeypatch):
    store = Store.open(sqlite_url(tmp_path / "年报.db"))
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    w = MainWindow(store, settings)
    qtbot.addWidget(w)
    try:
        calls = []
        for name in ("export_docx_dialog", "export_xlsx_dialog"):
            monkeypatch.setattr(
                od, name, lambda parent, report, previous=None, name=name: calls.append((name, report))
            )
        file_menu = w.menuBar().actions()[0].menu()
        texts = [a.text() for a in file_menu.actions()]
        assert "导出 Word(&W)…" in texts and "导出 Excel(&X)…" in texts
        w.act_export_docx.trigger()
        assert calls == []  # no report open: a message, no dialog
        info = store.save_report(sample_report())
        assert w.open_report(info.id)
        w.act_export_docx.trigger()
        w.act_export_xlsx.trigger()
        assert [c[0] for c in calls] == ["export_docx_dialog", "export_xlsx_dialog"]
        assert all(c[1] is w.doc.report for c in calls)
    finally:
        w.close_report() if w.doc is not None else None
        store.close()


def test_default_names(qtbot, tmp_path):
    r = sample_report()
    dlg = od.OfficeExportDialog(r, "xlsx", default_dir=tmp_path)
    qtbot.addWidget(dlg)
    assert Path(dlg.path_edit.text()).name == f"{r.title}（表二、表三、表四）.xlsx"
    assert dlg.windowTitle() == "导出 Excel"
