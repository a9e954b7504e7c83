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

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise")

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


# -------------------------------------------------------------------------------------------------
# 4. one history row and one version per user action; the 版本 column visible


def test_one_history_row_and_one_version_per_action(qtbot, window):
    from gui.dialogs import HistoryDialog

    open_new(window)
    doc = window.doc
    page = window.view.show_tab("t3")
    model, view = page.model, page.view
    rows = model.value_rows() if hasattr(model, "value_rows") else None
    assert rows is not None
    block = "\r\n".join("\t".join("1" for _ in row) for row in rows) + "\r\n"
    n_cells = sum(len(row) for row in rows)
    assert n_cells >= 150  # table 3: 22 rows × 7 columns

    def history_rows() -> int:
        dialog = HistoryDialog(doc, window)
        qtbot.addWidget(dialog)
        return dialog.model.rowCount()

    start_rows, start_version = history_rows(), doc.version
    view.setCurrentIndex(model.index_of(rows[0][0].key))
    assert view.paste(block)
    assert doc.version == start_version + 1
    assert history_rows() == start_rows + 1
    window.act_undo.trigger()
    assert doc.version == start_version + 2
    assert history_rows() == start_rows + 2
    window.act_zero.trigger()  # a fill
    assert doc.version == start_version + 3
    assert history_rows() == start_rows + 3
    assert model.setData(model.index_of("t3.new.natural_person"), "5")  # one cell typed
    assert doc.version == start_version + 4
    dialog = HistoryDialog(doc, window)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == start_rows + 4
    paste_row = dialog.model.revisions[3]
    assert paste_row.version == start_version + 1 and len(paste_row.revisions) == n_cells
    assert dialog.model.data(dialog.model.index(3, 1)).startswith(f"修改{n_cells}格")
    # the 版本 column is on screen without scrolling
    dialog.show()
    qtbot.waitExposed(dialog)
    header = dialog.view.horizontalHeader()
    assert header.sectionViewportPosition(2) + header.sectionSize(2) <= dialog.view.viewport().width()
    assert dialog.view.horizontalScrollBar().maximum() == 0


# -------------------------------------------------------------------------------------------------
# 16. 汇总报告's year: the latest year in the store, or last year — never 1990


def test_summary_year_defaults_to_the_store_or_last_year(qtbot, tmp_path):
    import datetime as dt

    from gui.summary.views import SummaryDialog

    store = Store.open(sqlite_url(tmp_path / "空.db"))
    dialog = SummaryDialog(store)
    qtbot.addWidget(dialog)
    assert dialog.year_box.value() == dt.date.today().year - 1
    store.new_year(ORGAN, 2023)  # a report, but of no 汇总 unit
    dialog = SummaryDialog(store)
    qtbot.addWidget(dialog)
    assert dialog.year_box.value() == 2023
    store.close()


# -------------------------------------------------------------------------------------------------
# 17. a draft made by mistake: deleted after a confirmation, brought back from 已删除的报告


def test_delete_a_draft_with_confirmation_and_bring_it_back(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from gui.dialogs import DeletedReportsDialog

    open_new(window)
    doc = window.doc
    rid = doc.report_id
    assert doc.edit_cells({"t3.new.natural_person": 3}, "填写")
    answers = [QMessageBox.StandardButton.No]
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda parent, title, text, *a, **k: asked.append(text) or answers[-1]
    )
    assert window.act_discard.isEnabled()
    window.act_discard.trigger()
    assert asked and "删除" in asked[0] and "恢复" in asked[0]
    assert window.doc is doc and window.store.find(ORGAN, 2024) is not None  # “否”: nothing happened
    answers.append(QMessageBox.StandardButton.Yes)
    window.act_discard.trigger()
    assert window.doc is None and window.stack.currentWidget() is window.start
    assert window.start.model.rowCount() == 0 and window.store.find(ORGAN, 2024) is None
    assert window.start.deleted_button.isVisibleTo(window.start)
    # 已删除的报告… → 恢复
    shown = []

    def run(dialog):
        shown.append(dialog)
        dialog.view.selectRow(0)
        assert dialog.restore_button.isEnabled()
        dialog.restore()
        return 1

    monkeypatch.setattr(DeletedReportsDialog, "exec", run)
    window.start.deleted_button.click()
    assert shown and window.doc is not None and window.doc.report_id == rid
    assert window.doc.report.get("t3.new.natural_person") == 3
    assert window.start.model.rowCount() == 1


# -------------------------------------------------------------------------------------------------
# 14. the same report changed in another window or process: a banner with 重新载入, the typed value kept


def test_a_change_elsewhere_shows_a_banner_and_the_typed_value_is_kept(qtbot, window, db, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    boxes = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: boxes.append(a[2]))
    open_new(window)
    doc = window.doc
    banner = window.view.elsewhere
    assert not banner.isVisible()
    other = Store.open(db)  # another process (or computer) on the same database
    other.set_cells(doc.report_id, {"t3.new.commercial": 2})
    qtbot.waitUntil(banner.isVisible, timeout=10000)  # noticed without any edit here
    assert "别的窗口" in banner.text.text() and banner.reload_button.isVisible()
    # the clerk types a value before reloading: refused, but not lost
    page = window.view.show_tab("t3")
    assert not page.model.setData(page.model.index_of("t3.new.natural_person"), "5")
    assert "自然人＝5" in banner.text.text() and banner.keep_button.isVisible()
    banner.keep_button.click()
    assert not banner.isVisible()
    assert doc.report.get("t3.new.commercial") == 2  # what was saved elsewhere
    assert doc.report.get("t3.new.natural_person") == 5  # and what was typed here
    report, _ = other.load(doc.report_id)
    assert report.get("t3.new.natural_person") == 5 and report.get("t3.new.commercial") == 2
    assert page.model.data(page.model.index_of("t3.new.natural_person")) == "5"
    # 重新载入 alone: the other side's change shown, nothing of this window's kept
    other.set_text(doc.report_id, "other", "别处写的")
    assert doc.check_elsewhere() and banner.isVisible() and not banner.keep_button.isVisible()
    banner.reload_button.click()
    assert window.view.pages["other"].text() == "别处写的" and not banner.isVisible()
    other.close()


# -------------------------------------------------------------------------------------------------
# 15. a 1366×768 screen: the default window fits, headings break between words, table 3's heading rows stay


def test_the_default_window_fits_a_small_screen(qtbot, settings, db):
    from PySide6.QtCore import QRect

    from gui.main_window import fit_to_screen

    size = fit_to_screen(1200, 820, QRect(0, 0, 1366, 728))  # 1366×768 less the task bar
    assert size.width() <= 1366 - 16 and size.height() <= 728 - 48
    store = Store.open(db)
    w = MainWindow(store, settings)
    qtbot.addWidget(w)
    available = w.screen().availableGeometry()
    assert w.width() <= available.width() and w.height() + 40 <= available.height()
    store.close()


def test_headings_are_whole_words_and_table_3_keeps_its_heading_rows(qtbot, window):
    window.resize(1366 - 16, 768 - 88)
    open_new(window)
    for key, page in window.view.grids().items():
        view = page.view
        fm = view.fontMetrics()
        for c in page.model.layout.cells:
            if c.role == "head" and c.colspan == 1 and c.text and len(c.text) <= 8:
                assert fm.horizontalAdvance(c.text) + 8 <= view.columnWidth(c.col), (key, c.text)
    page = window.view.show_tab("t3")
    view = page.view
    qtbot.waitUntil(lambda: view.verticalScrollBar().maximum() > 0, timeout=3000)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    frozen = view.frozen
    assert frozen is not None and frozen.isVisible()
    assert frozen.height() == view.frozen_height() > 0 and frozen.y() <= view.frameWidth()
    head = next(c for c in page.model.layout.cells if c.text == "自然人")
    rect = frozen.visualRect(page.model.index(head.row, head.col))
    assert frozen.viewport().rect().contains(rect.center())  # 自然人 still on screen
    # the rows under it are scrolled: the real grid's own heading is out of sight
    assert view.visualRect(page.model.index(head.row, head.col)).bottom() < 0
    # a cell moved to from the keyboard is never left under the frozen rows
    first = page.model.value_rows()[0][0]
    view.setCurrentIndex(page.model.index(first.row, first.col))
    view.scrollTo(page.model.index(first.row, first.col))
    assert view.visualRect(page.model.index(first.row, first.col)).top() >= view.frozen_height() - 1


# -------------------------------------------------------------------------------------------------
# 18. the manual in Chinese inside the program: F1, and each finding's own page


def test_f1_opens_the_manual_and_each_finding_links_its_page(qtbot, window):
    from PySide6.QtGui import QKeySequence

    from gui.manual import manual_dir

    assert window.act_manual.shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)
    window.act_manual.trigger()
    manual = window._manual
    assert manual.isVisible() and manual.page() == "index.html"
    assert "第一份报告" in manual.browser.toPlainText()
    manual.close()
    open_new(window)
    doc = window.doc
    doc.edit_text("overview", "本年度，镇政务公开事项由个压缩至10个。")
    doc.flush()
    panel = window.view.findings
    for f in panel.model.findings:
        assert (manual_dir() / f"rule-{f.rule}.html").is_file(), f.rule
    row = next(i for i, f in enumerate(panel.model.findings) if f.rule == "prose.placeholder")
    click_finding(qtbot, panel, row)
    panel.help_button.click()
    assert manual.isVisible() and manual.page() == "rule-prose.placeholder.html"
    assert "正文中没有填的数字" in manual.browser.toPlainText()


def test_every_rule_of_the_checks_has_a_manual_page():
    import re
    from pathlib import Path

    from gui.manual import manual_dir
    from model.form import FORM_2021

    root = Path(__file__).resolve().parents[1] / "model"
    source = "".join(p.read_text("utf-8") for p in root.glob("*.py"))
    rules = set(re.findall(r'"((?:cell|year|plausibility|prose|meta|t[1-5])\.[a-z_]+)"', source))
    relation_like = {
        "row_total",
        "outcome_sum",
        "balance",
        "group_total",
        "items_not_negative",
        "published_within_total",
    }
    rules = {r for r in rules if not r.startswith("t") or r.split(".")[1] in relation_like}
    rules |= {f"cell.{k}" for k in ("slash", "not_a_number", "negative", "fraction", "decimals")}
    rules |= {r.rule for r in FORM_2021.relations}
    missing = sorted(r for r in rules if not (manual_dir() / f"rule-{r}.html").is_file())
    assert not missing
    for page in ("index", "first-report", "checks", "signing", "backup", "summary", "cli"):
        assert (manual_dir() / f"{page}.html").is_file()


# -------------------------------------------------------------------------------------------------
# 10, 11, 19: elided status, one term for reopening, the start page's columns and the window title


def test_status_title_start_page_and_wording(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    # the title says 年报 once: Qt adds the program's name after it
    assert "年报" not in window.windowTitle()
    window.store.new_year(ORGAN, 2024)
    window.start.refresh()
    view = window.start.view
    assert view.columnWidth(0) < view.viewport().width() / 2  # 机关 no longer takes the whole width
    assert window.start.model.data(window.start.model.index(0, 1)) == "2024年度"
    open_new(window, 2025)
    assert "年报" not in window.windowTitle() and "2025年度报告" in window.windowTitle()
    # a long message is elided before the counter, the whole text in the tooltip
    long = "保存失败：" + "报告已在别处被修改，" * 30 + "请重新载入。"
    window.message(long)
    shown = window.statusBar().currentMessage()
    assert shown != long and shown.endswith("…") and window.statusBar().toolTip() == long
    assert window.statusBar().fontMetrics().horizontalAdvance(shown) < window.statusBar().width() - (
        window.counter.sizeHint().width()
    )
    # reopening a final report has one name: 取消定稿
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda p, t, text, *a, **k: asked.append(text) or 0)
    window.doc.edit_cells(
        __import__("model.fill", fromlist=["zero_blanks"]).zero_blanks(window.doc.report), "0"
    )
    assert window.doc.set_date("2025-01-20")  # a final report needs its 成文日期 (else a dialog asks for it)
    window.act_finalize.trigger()
    assert "取消定稿" in asked[-1] and "不能再修改" not in asked[-1]


# -------------------------------------------------------------------------------------------------
# 9. Qt's own dialogs in Chinese; file dialogs start in 文档 or the folder used last


def test_file_dialogs_start_in_documents_then_the_last_folder(qtbot, window, tmp_path, monkeypatch):
    from pathlib import Path

    from PySide6.QtCore import QCoreApplication, QStandardPaths
    from PySide6.QtWidgets import QFileDialog

    from gui.app import install_translations

    install_translations(QApplication.instance())
    assert QCoreApplication.translate("QFileDialog", "Look in:") != "Look in:"
    assert QCoreApplication.translate("QFileSystemModel", "Size") == "大小"
    assert (
        QCoreApplication.translate("StartPage", "全部机关") == "全部机关"
    )  # the program's own text untouched
    starts = []
    chosen = tmp_path / "下载的年报" / "年报.txt"
    chosen.parent.mkdir()
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda parent, title, start, *a, **k: starts.append(start) or ("", "")
    )
    window.import_dialog()
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    assert starts[-1] in (docs, str(Path.home()))
    assert Path(starts[-1]).resolve() != Path(__file__).resolve().parents[1]  # never the program's folder
    window.settings.used_folder(chosen)
    window.import_dialog()
    assert starts[-1] == str(chosen.parent)


# -------------------------------------------------------------------------------------------------
# 8. an underline whose text is changed or deleted goes at once


def test_a_stale_underline_goes_with_the_keystroke(qtbot, window):
    open_new(window)
    doc = window.doc
    page = window.view.show_tab("overview")
    page.edit.setFocus()
    page.edit.insertPlainText("本年度事项由个压缩至10个。")
    doc.flush()
    assert [s.cursor.selectedText() for s in page.edit.extraSelections()] == ["由个"]
    text = page.edit.toPlainText()
    cursor = page.edit.textCursor()
    cursor.setPosition(text.index("由个") + 2)
    page.edit.setTextCursor(cursor)
    qtbot.keyClick(page.edit, Qt.Key.Key_Backspace)  # 个 deleted: the wavy line under 由 must not stay
    assert [s.cursor.selectedText() for s in page.edit.extraSelections()] == []
    doc.flush()  # the check puts back what is still wrong
    assert all(s.cursor.selectedText() for s in page.edit.extraSelections())


# -------------------------------------------------------------------------------------------------
# 6. invalid input is said beside the cell; the 应为N hint as large as the figures


def test_invalid_input_is_said_beside_the_cell(qtbot, window):
    from gui.form_table import expected_pixmap

    open_new(window)
    page = window.view.show_tab("t3")
    model, view = page.model, page.view
    index = model.index_of("t3.new.natural_person")
    for bad in ("abc", "-1", "3.5"):
        assert not model.setData(index, bad)
        assert view.hint.isVisible() and f"“{bad}”" in view.hint.text()
        rect = view.visualRect(index)
        assert abs(view.hint.geometry().center().y() - rect.center().y()) <= rect.height()
        assert view.hint.geometry().left() >= rect.right() or view.hint.geometry().right() <= rect.left()
    assert model.setData(index, "3")
    assert not view.hint.isVisible()
    # 应为N: as tall as the grid's own text
    pixmap = expected_pixmap("3")
    assert pixmap.height() / pixmap.devicePixelRatio() >= view.fontMetrics().height() - 1


# -------------------------------------------------------------------------------------------------
# 5. the wrong cell tinted; the others of its relation only outlined lightly


def test_only_the_wrong_cell_is_tinted(qtbot, window):
    from gui.form_table import COLOR_ERROR, COLOR_INVOLVED_LINE

    open_new(window)
    doc = window.doc
    page = window.view.show_tab("t3")
    model, view = page.model, page.view
    from model.fill import zero_blanks

    doc.edit_cells(zero_blanks(doc.report), "0")  # no blank cells (their own amber tint)
    doc.edit_cells({"t3.new.natural_person": 3, "t3.new.total": 3, "t3.granted.natural_person": 3}, "填写")
    wrong = "t3.total.natural_person"
    assert doc.edit_cells({wrong: 5}, "填写")
    tinted = [
        c.key
        for c in model.layout.cells
        if c.key and model.data(model.index_of(c.key), Qt.ItemDataRole.BackgroundRole) is not None
        and model.data(model.index_of(c.key), Qt.ItemDataRole.BackgroundRole).color() == COLOR_ERROR
    ]  # fmt: skip
    assert wrong in tinted
    involved = model.involved()
    assert involved and all(model.data(i, Qt.ItemDataRole.BackgroundRole) is None for i in involved)
    # the outline is drawn (a few times: painting must be stable)
    for _ in range(3):
        image = view.viewport().grab().toImage()
    part = next(
        i
        for i in involved
        if view.visualRect(i).isValid() and view.viewport().rect().contains(view.visualRect(i))
    )
    rect = view.visualRect(part)
    colour = image.pixelColor(rect.center().x(), rect.top() + 1)
    assert (
        abs(colour.red() - COLOR_INVOLVED_LINE.red()) < 40
        and colour.green() < 200
        or any(
            image.pixelColor(x, rect.top() + 1) == COLOR_INVOLVED_LINE
            for x in range(rect.left(), rect.right())
        )
    )
