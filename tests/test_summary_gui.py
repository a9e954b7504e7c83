"""The 汇总 windows, offscreen: batch import of a folder with one broken file (off the UI thread), the summary
with its units table and editable prose, the comparison view with its highlights and the charts as PNG."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage

from gui.summary.charts import KINDS, ChartWidget
from gui.summary.import_dialog import BatchImportDialog
from gui.summary.models import BIG_BG, FAILED_BG
from gui.summary.views import ALARM, CompareDialog, SummaryDialog
from model.form import FORM_2021
from model.report import Report
from model.sample import sample_report
from model.summary import chart_data, summarize

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

PARENT = "示范区人民政府"
T3 = FORM_2021.table["t3"]
NEW_NP = f"t3.{T3.rows[0].key}.{T3.columns[0].key}"
DISPLAY = Qt.ItemDataRole.DisplayRole


def unit(i: int, year: int = 2024, **cells) -> Report:
    r = sample_report()
    r.agency = f"示范区第{i}局"
    r.year = year
    r.cells.update(cells)
    return r


@pytest.fixture
def store(sqlite_store):
    return sqlite_store  # the GUI is tested on SQLite only


@pytest.fixture
def folder(tmp_path) -> Path:
    f = tmp_path / "各单位 报告"
    f.mkdir()
    for i in range(3):
        (f / f"第{i}局.nianbao.json").write_text(unit(i, **{NEW_NP: 10 + i}).to_json(), encoding="utf-8")
    (f / "第9局（损坏）.json").write_text('{"format": "gov-info-disclosure-annual-report", "cel', "utf-8")
    return f


def run_import(qtbot, store, paths, parent=PARENT) -> BatchImportDialog:
    dialog = BatchImportDialog(store)
    qtbot.addWidget(dialog)
    dialog.parent_box.setCurrentText(parent)
    dialog.set_paths(paths)
    assert dialog.start_btn.isEnabled()
    with qtbot.waitSignal(dialog.imported, timeout=20000):
        qtbot.mouseClick(dialog.start_btn, Qt.MouseButton.LeftButton)
        assert not dialog.close_btn.isEnabled()  # no closing while the worker runs
    qtbot.waitUntil(lambda: not dialog.running and dialog.close_btn.isEnabled(), timeout=5000)
    return dialog


def test_batch_import_of_a_folder_with_one_broken_file(qtbot, qtmodeltester, store, folder):
    dialog = run_import(qtbot, store, [folder])
    m = dialog.model
    qtmodeltester.check(m)
    rows = {m.data(m.index(r, 0)): r for r in range(m.rowCount())}
    assert len(rows) == 4
    bad = rows["第9局（损坏）.json"]
    assert m.data(m.index(bad, 1)) == "失败" and "损坏" in m.data(m.index(bad, 4))
    assert m.data(m.index(bad, 0), Qt.ItemDataRole.BackgroundRole).color() == FAILED_BG
    good = rows["第1局.nianbao.json"]
    assert m.data(m.index(good, 1)) == "已导入" and m.data(m.index(good, 2)) == "示范区第1局"
    assert dialog.progress.value() == dialog.progress.maximum() == 4
    assert dialog.status.text() == "已导入 3 份，替换 0 份，失败 1 份。"
    assert dialog.close_btn.isEnabled() and dialog.start_btn.isEnabled()
    assert [u for u in summarize(store, PARENT, 2024).units] == [f"示范区第{i}局" for i in range(3)]
    # again: now the drafts are replaced
    dialog.model.set_items([])
    with qtbot.waitSignal(dialog.imported, timeout=20000):
        dialog.start()
    qtbot.waitUntil(lambda: not dialog.running and dialog.close_btn.isEnabled(), timeout=5000)
    assert [i.outcome for i in dialog.items].count("replaced") == 3


def test_summary_view(qtbot, qtmodeltester, store, folder, tmp_path):
    run_import(qtbot, store, [folder])
    store.ensure_organ("示范区第7局", parent=PARENT)  # has not reported
    dialog = SummaryDialog(store, PARENT, 2024)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(
        lambda: not dialog.checking and "正在检查" not in dialog.units_label.text(), timeout=20000
    )
    assert "计算值" in dialog.banner.text() and "1 个单位尚未报送" in dialog.banner.text()
    cm = dialog.cells_model
    qtmodeltester.check(cm)
    row = cm.row_of(NEW_NP)
    assert cm.data(cm.index(row, 2)) == "33"
    assert not cm.flags(cm.index(row, 2)) & Qt.ItemFlag.ItemIsEditable
    grid = dialog.grids["t3"]
    qtmodeltester.check(grid)
    at = FORM_2021.table["t3"].layout.by_key[NEW_NP]
    assert grid.data(grid.index(at.row, at.col)) == "33"
    assert grid.data(grid.index(at.row, 0)) == FORM_2021.table["t3"].rows[0].label
    assert (0, 0, 3, 3) in grid.spans()  # the corner note over three rows and three columns
    for model in dialog.grids.values():
        qtmodeltester.check(model)
    slash_row = next(r for r in range(cm.rowCount()) if "填“/”" in (cm.data(cm.index(r, 3)) or ""))
    assert "示范区第0局" in cm.data(cm.index(slash_row, 3), Qt.ItemDataRole.ToolTipRole)
    um = dialog.units_model
    qtmodeltester.check(um)
    states = {um.data(um.index(r, 0)): um.data(um.index(r, 1)) for r in range(um.rowCount())}
    assert states == {
        "示范区第7局": "未报送",
        "示范区第0局": "草稿",
        "示范区第1局": "草稿",
        "示范区第2局": "草稿",
    }
    assert um.data(um.index(0, 0)) == "示范区第7局"  # the one to chase first
    # checked in the background: the units changed 一、本年新收 自然人 without its totals
    errors = {um.data(um.index(r, 0)): um.data(um.index(r, 2)) for r in range(um.rowCount())}
    assert errors["示范区第7局"] == "" and int(errors["示范区第0局"]) > 0
    assert um.data(um.index(1, 4)).startswith("有 ")
    assert "需要跟进 4 个" in dialog.units_label.text()
    # the parent has no report of its own yet
    assert "无从核对" in dialog.findings.item(0).text()
    # its own prose is editable and kept
    dialog.texts["overview"].setPlainText("全区各单位共收到申请若干件。")
    assert dialog.save_texts()
    assert summarize(store, PARENT, 2024).report.text["overview"] == "全区各单位共收到申请若干件。"
    # a unit changes: the summary follows on refresh
    store.set_cell(store.find("示范区第1局", 2024).id, NEW_NP, 111)
    with qtbot.waitSignal(dialog.unitsChecked, timeout=20000):
        qtbot.mouseClick(dialog.refresh_btn, Qt.MouseButton.LeftButton)
        assert "正在检查各单位的报告" in dialog.units_label.text()
    assert cm.data(cm.index(row, 2)) == "133"
    assert dialog.texts["overview"].toPlainText() == "全区各单位共收到申请若干件。"
    out = dialog.export(tmp_path / "汇总.json")
    assert Report.from_json(out.read_text(encoding="utf-8")).cells[NEW_NP] == 133
    # the parent's own report that disagrees is listed
    own = sample_report()
    own.agency = PARENT
    store.save_report(own)
    with qtbot.waitSignal(dialog.unitsChecked, timeout=20000):
        dialog.refresh()
    assert dialog.findings.count() == 1 and "自身的数字" in dialog.findings.item(0).text()


def test_comparison_view_and_charts(qtbot, qtmodeltester, store, tmp_path):
    store.save_report(unit(1, 2022))
    store.save_report(unit(1, 2023, **{NEW_NP: 4}))
    store.save_report(unit(1, 2024, **{NEW_NP: 40}))
    dialog = CompareDialog(store, "示范区第1局")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.year_box.currentData() == 2024
    m = dialog.model
    qtmodeltester.check(m)
    assert [m.headerData(i, Qt.Orientation.Horizontal) for i in range(m.columnCount())] == [
        "单元格",
        "2022年",
        "2023年",
        "2024年",
        "变化",
        "变化率",
    ]
    row = next(r for r in range(m.rowCount()) if m.data(m.index(r, 0)) == FORM_2021.cell(NEW_NP).name)
    assert [m.data(m.index(row, c)) for c in range(1, 6)] == ["20", "4", "40", "+36", "+900.0%"]
    assert m.data(m.index(row, 5), Qt.ItemDataRole.BackgroundRole).color() == BIG_BG
    assert m.data(m.index(row, 1), Qt.ItemDataRole.BackgroundRole) is None
    assert "变化较大" in dialog.banner.text()
    dialog.changed_only.setChecked(True)
    qtmodeltester.check(m)
    assert 0 < m.rowCount() < len(FORM_2021.cells)
    # 2023 against 2022 — and 2022 has no year before it
    dialog.year_box.setCurrentIndex(dialog.year_box.findData(2022))
    assert "没有2021年度的报告" in dialog.banner.text()
    # a year identical to the last: the warning is shown here too
    store.save_report(unit(1, 2025, **{NEW_NP: 40}))
    dialog.load()
    assert dialog.year_box.currentData() == 2025
    assert dialog.banner.styleSheet() == ALARM and "完全相同" in dialog.banner.text()
    # the charts, saved as PNG
    assert dialog.charts.charts["applications"].data.years == [2022, 2023, 2024, 2025]
    for kind in KINDS:
        path = dialog.charts.export(kind, tmp_path / f"图表-{kind}")
        img = QImage(str(path))
        assert path.suffix == ".png" and img.width() == 1200 and not img.isNull()
        assert len({img.pixel(x, y) for x in range(0, 1200, 25) for y in range(0, 720, 25)}) > 3


def test_compare_a_summary_over_years(qtbot, store, folder, tmp_path):
    run_import(qtbot, store, [folder])
    old = tmp_path / "2023"
    old.mkdir()
    (old / "a.json").write_text(unit(0, 2023, **{NEW_NP: 1}).to_json(), encoding="utf-8")
    run_import(qtbot, store, [old])
    dialog = CompareDialog(store)
    qtbot.addWidget(dialog)
    i = dialog.subject.findText(f"{PARENT}（所属单位汇总）")
    assert i >= 0
    dialog.subject.setCurrentIndex(i)
    assert sorted(dialog.reports) == [2023, 2024] and dialog.reports[2024].cells[NEW_NP] == 33
    m = dialog.model
    row = next(r for r in range(m.rowCount()) if m.data(m.index(r, 0)) == FORM_2021.cell(NEW_NP).name)
    assert m.data(m.index(row, 3)) == "+32"


def test_chart_without_data_and_bad_path(qtbot, tmp_path):
    chart = ChartWidget("shares")
    qtbot.addWidget(chart)
    assert not chart.to_image().isNull()
    a = sample_report()
    chart.set_data(chart_data({2024: a}, "示范"))
    assert chart.title.startswith("示范 ")
    with pytest.raises(OSError):
        chart.save_png(tmp_path / "没有这个文件夹" / "x.png")
    a.cells = {k: (0 if v is not None and v != "/" else v) for k, v in a.cells.items()}
    a.cells["t2.fees.amount"] = Decimal(0)
    chart.set_data(chart_data({2024: a}))
    assert not chart.to_image().isNull()


def test_menu_in_the_main_window(qtbot, store, tmp_path, monkeypatch):
    from gui import summary
    from gui.main_window import MainWindow
    from gui.settings import Settings

    w = MainWindow(store, Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)))
    qtbot.addWidget(w)
    menus = [a.text() for a in w.menuBar().actions()]
    assert "汇总(&U)" in menus and menus.index("汇总(&U)") == len(menus) - 2  # before 帮助
    opened = []
    monkeypatch.setattr(summary, "open_compare", lambda window: opened.append(window))
    menu = next(a.menu() for a in w.menuBar().actions() if a.text() == "汇总(&U)")
    next(a for a in menu.actions() if "比较" in a.text()).trigger()
    assert opened == [w]


# -------------------------------------------------------------------------------------------------
# the “（汇总）” record in the main window: computed cells, kept up to date, its prose editable


@pytest.fixture
def main_window(qtbot, store, tmp_path):
    from gui.main_window import MainWindow
    from gui.settings import Settings

    w = MainWindow(store, Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)))
    qtbot.addWidget(w)
    yield w
    if w.doc is not None:
        w.doc.flush()


def test_the_summary_record_in_the_main_window_is_computed(qtbot, store, folder, main_window, monkeypatch):
    from model.summary import save_summary_text, summary_organ

    run_import(qtbot, store, [folder])
    save_summary_text(store, PARENT, 2024, "overview", "全区概况。")  # the record: prose only, no cells yet
    record = store.find(summary_organ(PARENT), 2024)
    assert store.load(record.id)[0].get(NEW_NP) is None
    w = main_window
    assert w.open_report(record.id)  # as from the start page
    doc = w.doc
    assert doc.computed == PARENT and doc.report.get(NEW_NP) == 33  # re-summed on opening
    assert store.load(record.id)[0].cells[NEW_NP] == 33
    banner = w.view.computed_banner
    assert (
        banner is not None
        and not banner.isHidden()
        and "自动计算" in banner.text()
        and PARENT in banner.text()
    )
    page = w.view.pages["t3"]
    index = page.model.index_of(NEW_NP)
    assert page.model.data(index) == "33"
    assert not page.model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not page.model.setData(index, "5") and not page.view.paste("5")
    assert not page.model.clear([index])
    with qtbot.waitSignal(doc.failed) as failed:  # through the document (空白格填 0, 计算合计): refused
        assert not doc.edit_cells({NEW_NP: 5}, "x")
    assert "不能直接修改" in failed.args[0] and "不能直接修改" in w.statusBar().currentMessage()
    assert store.load(record.id)[0].cells[NEW_NP] == 33
    # its prose stays editable
    prose = w.view.pages["overview"]
    assert not prose.edit.isReadOnly()
    doc.edit_text("overview", "全区概况（修改）。")
    doc.flush()
    assert store.load(record.id)[0].text["overview"] == "全区概况（修改）。"
    # a unit's report changes: exporting (or printing) re-sums first
    unit_id = store.find("示范区第1局", 2024).id
    store.set_cell(unit_id, NEW_NP, 111)
    import importlib.util

    if importlib.util.find_spec("gui.output_dialogs") is None:
        pytest.skip("gui.output_dialogs is not part of this build")
    import gui.output_dialogs as out

    exported = []
    monkeypatch.setattr(
        out, "export_pdf_dialog", lambda parent, report, previous=None: exported.append(report)
    )
    w.act_export.trigger()
    assert exported and exported[0].get(NEW_NP) == 10 + 111 + 12
    assert w.doc.report.get(NEW_NP) == 133 and page.model.data(index) == "133"
    assert w.doc.report.text["overview"] == "全区概况（修改）。"


def test_an_ordinary_report_has_no_computed_banner(qtbot, store, folder, main_window):
    run_import(qtbot, store, [folder])
    w = main_window
    assert w.open_report(store.find("示范区第1局", 2024).id)
    assert w.doc.computed is None and w.view.computed_banner is None
    page = w.view.pages["t3"]
    assert page.model.flags(page.model.index_of(NEW_NP)) & Qt.ItemFlag.ItemIsEditable


# -------------------------------------------------------------------------------------------------
# the summary's own prose: never thrown away, never silently overwritten


def summary_dialog(qtbot, store) -> SummaryDialog:
    d = SummaryDialog(store, PARENT, 2024)
    qtbot.addWidget(d)
    qtbot.waitUntil(lambda: not d.checking, timeout=20000)
    return d


def test_refresh_saves_typed_prose_first(qtbot, store, folder):
    run_import(qtbot, store, [folder])
    d = summary_dialog(qtbot, store)
    d.texts["overview"].setPlainText("全区概况，尚未点保存。")
    assert d.unsaved()
    qtbot.mouseClick(d.refresh_btn, Qt.MouseButton.LeftButton)  # 重新汇总
    qtbot.waitUntil(lambda: not d.checking, timeout=20000)
    assert d.texts["overview"].toPlainText() == "全区概况，尚未点保存。" and not d.unsaved()
    assert summarize(store, PARENT, 2024).report.text["overview"] == "全区概况，尚未点保存。"
    # closing saves too
    d.texts["problems"].setPlainText("问题：有单位迟报。")
    d.accept()
    assert summarize(store, PARENT, 2024).report.text["problems"] == "问题：有单位迟报。"


def test_two_summary_windows_do_not_lose_an_update(qtbot, store, folder, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    run_import(qtbot, store, [folder])
    a, b = summary_dialog(qtbot, store), summary_dialog(qtbot, store)
    warnings, answers = [], []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args, **k: warnings.append(args[2]))
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **k: answers.pop(0))
    a.texts["overview"].setPlainText("A 写的概况。")
    assert a.save_texts()
    b.texts["overview"].setPlainText("B 写的概况。")
    assert not b.save_texts()
    assert len(warnings) == 1 and "已被其他窗口或其他用户修改" in warnings[0]
    assert summarize(store, PARENT, 2024).report.text["overview"] == "A 写的概况。"
    assert b.texts["overview"].toPlainText() == "B 写的概况。"  # B's text is still there to copy
    # 重新汇总 in B: asked first; "No" keeps B's text and what B shows
    answers.append(QMessageBox.StandardButton.No)
    b.refresh()
    assert not answers and b.texts["overview"].toPlainText() == "B 写的概况。"
    # closing B: asked again; "No" keeps the window open
    answers.append(QMessageBox.StandardButton.No)
    b.reject()
    assert not answers and b.texts["overview"].toPlainText() == "B 写的概况。"
    # "Yes": B's text discarded, A's loaded
    answers.append(QMessageBox.StandardButton.Yes)
    b.refresh()
    qtbot.waitUntil(lambda: not b.checking, timeout=20000)
    assert b.texts["overview"].toPlainText() == "A 写的概况。" and not b.unsaved()
    # now B edits on top of A's: saved
    b.texts["overview"].setPlainText("A 写的概况。B 补充。")
    assert b.save_texts()
    assert summarize(store, PARENT, 2024).report.text["overview"] == "A 写的概况。B 补充。"
    # a re-sync of the computed cells in between is no conflict for the prose
    a.refresh()
    qtbot.waitUntil(lambda: not a.checking, timeout=20000)
    a.sync_btn.setEnabled(True)
    monkeypatch.setattr(QMessageBox, "information", lambda *args, **k: None)
    store.set_cell(store.find("示范区第1局", 2024).id, NEW_NP, 111)
    b.sync()
    a.texts["problems"].setPlainText("A 写的问题。")
    assert a.save_texts(), warnings
    assert summarize(store, PARENT, 2024).report.text["problems"] == "A 写的问题。"
