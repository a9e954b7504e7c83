"""Issue 13, “the clerk's first hour”, in the real window offscreen: the findings panel never hands the
keyboard to the report text, one history row per action, delete a draft, a second window's changes,
the window at 1366×768, the 汇总 year."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from gui.main_window import MainWindow  # noqa: E402
from gui.settings import Settings  # noqa: E402
from model.store import Store, sqlite_url  # noqa: E402

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

ORGAN = "宝鸡市渭滨区人民政府办公室"


@pytest.fixture
def db(tmp_path):
    return sqlite_url(tmp_path / "年报.db")


@pytest.fixture
def settings(tmp_path):
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def window(qtbot, db, settings):
    store = Store.open(db)
    w = MainWindow(store, settings)
    qtbot.addWidget(w)
    w.resize(1280, 860)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=2000)
    yield w
    if w.doc is not None:
        w.doc.flush()
    store.close()


def open_new(window: MainWindow, year: int = 2024) -> None:
    info = window.store.new_year(ORGAN, year)
    assert window.open_report(info.id)


def click_finding(qtbot, panel, row: int) -> None:
    rect = panel.view.visualRect(panel.model.index(row, 2))
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


# -------------------------------------------------------------------------------------------------
# 1. the findings panel never hands the keyboard to the report text


def test_a_prose_finding_is_shown_without_taking_the_keyboard(qtbot, window):
    open_new(window)
    doc = window.doc
    overview = window.view.pages["overview"]
    text = "本年度，镇政务公开事项由个压缩至10个。"
    doc.edit_text("overview", text)
    doc.flush()
    panel = window.view.findings
    row = next(i for i, f in enumerate(panel.model.findings) if f.rule == "prose.placeholder")
    assert not panel.model.findings[row].explainable
    window.view.show_tab("t3")
    click_finding(qtbot, panel, row)
    # the span is shown in its tab, highlighted, nothing selected, the editor without the keyboard
    assert window.view.tabs.currentWidget() is overview
    assert overview.shown_text() == "由个"
    assert not overview.edit.textCursor().hasSelection()
    assert not overview.edit.hasFocus()
    assert any(s.cursor.selectedText() == "由个" and s.format.background().color().name() == "#ffe08a"
               for s in overview.edit.extraSelections())  # fmt: skip
    # the 说明 field says why it is closed
    assert not panel.explanation.isEnabled()
    assert panel.reason.isVisible() and "正文中改正" in panel.reason.text()
    # what the clerk types now goes nowhere near the report text
    focus = QApplication.focusWidget()
    assert focus is not overview.edit
    qtbot.keyClicks(focus, "12")
    doc.flush()
    assert doc.report.text["overview"] == text
    assert any(f.rule == "prose.placeholder" for f in doc.findings)


def test_an_explainable_finding_puts_the_keyboard_in_the_explanation(qtbot, window):
    open_new(window)
    doc = window.doc
    doc.edit_cells({"t3.new.natural_person": 3, "t3.new.total": 3}, "填写")
    doc.edit_text("overview", "本年度共收到自然人申请4件。")
    doc.flush()
    panel = window.view.findings
    row = next(i for i, f in enumerate(panel.model.findings) if f.explainable)
    click_finding(qtbot, panel, row)
    assert panel.explanation.isEnabled() and panel.explanation.hasFocus()
    assert not panel.reason.isVisible()
    before = dict(doc.report.text)
    qtbot.keyClicks(panel.explanation, "abc")
    assert panel.explanation.text() == "abc"
    assert doc.report.text == before
