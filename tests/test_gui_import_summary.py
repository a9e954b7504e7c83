"""After an import the window lists what the source did not prove: sections not found, cells left blank."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from gui.import_summary import ImportSummaryDialog
from gui.main_window import MainWindow
from gui.settings import Settings
from model.store import Store, sqlite_url

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

TEXT = """某某镇人民政府2023年政府信息公开工作年度报告
一、总体情况
2023年，我镇认真落实条例。
二、主动公开政府信息情况
| 第二十条第（一）项 | | |
|---|---|---|
| 信息内容 | 本年制发件数 | 现行有效件数 |
| 规章 | 0 | 0 |
| 行政规范性文件 | 3 | 40 |
四、政府信息公开行政复议、行政诉讼情况
| 行政复议 | 行政诉讼 |
| 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
五、存在的主要问题及改进情况
仍有不足。
"""


@pytest.fixture
def window(qtbot, tmp_path):
    store = Store.open(sqlite_url(tmp_path / "年报.db"))
    w = MainWindow(store, Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    if w.doc is not None:
        w.doc.flush()
    store.close()


def test_import_lists_the_blank_cells_and_the_sections_not_found(qtbot, window, tmp_path):
    src = tmp_path / "某某镇2023年报.txt"
    src.write_text(TEXT, encoding="utf-8")
    assert window.import_path(src) is not None
    dialog = window.import_summary
    assert isinstance(dialog, ImportSummaryDialog) and dialog.isVisible()
    lines = dialog.lines()
    assert "未找到“六、其他需要报告的事项”部分" in lines
    assert "未找到“三、收到和处理政府信息公开申请情况”部分" in lines
    assert "留空：表二 行政规范性文件：本年废止件数" in lines
    assert "留空：表二 行政许可：整行" in lines
    assert "留空：表三（收到和处理政府信息公开申请情况）：整个表格" in lines
    assert not any("表四" in x for x in lines)  # table 4 read in full
    # the report is open behind it, the cells the source proved filled in
    assert window.doc.report.get("t2.normative_docs.in_force") == 40
    assert window.doc.report.get("t2.normative_docs.repealed") is None
    dialog.accept()


def test_a_complete_import_shows_no_list(qtbot, window):
    from pathlib import Path

    fixture = Path(__file__).parent / "fixtures" / "000_e8e20449add4641b.txt"
    window.import_summary = None
    from gui import dialogs

    def fake_exec(self):
        self.organ.setCurrentText("某某区人民政府办公室")
        self.year.setValue(2024)
        return True

    saved, dialogs.NewReportDialog.exec = dialogs.NewReportDialog.exec, fake_exec
    try:
        assert window.import_path(fixture) is not None
    finally:
        dialogs.NewReportDialog.exec = saved
    assert window.import_summary is None


def test_a_2019_report_in_the_window_has_its_own_table_2(qtbot, window, tmp_path):
    """The 2019 edition's grid comes from its form: five blocks, 本年增/减 takes 减4 and a minus sign."""
    from model.report import Report

    info = window.store.save_report(Report(template="2019", agency="某某镇人民政府", year=2020))
    assert window.open_report(info.id)
    model = window.view.show_tab("t2").model
    titles = [c.text for c in model.table.layout.cells if c.role == "title"]
    assert titles[-1] == "第二十条第（九）项"
    assert model.setData(model.index_of("t2.licensing.change"), "减4")
    assert window.doc.report.get("t2.licensing.change") == -4
    assert model.setData(model.index_of("t2.fees.change"), "-2")
    assert not model.setData(model.index_of("t2.fees.prior_items"), "-2")  # a count is never negative
    assert model.setData(model.index_of("t2.procurement.amount"), "12.5")
    window.doc.flush()
    again = window.store.load(info.id)[0]
    assert again.cells["t2.licensing.change"] == -4 and again.cells["t2.fees.change"] == -2
