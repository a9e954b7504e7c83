"""The prose tabs and the clipboard actions in the real window, offscreen: every keystroke is in the store
at once (a second connection finds it without a flush or a close), the skeleton of sub-points is an undo
step of its own, spans stay right after a character beyond the BMP, and 粘贴 / 复制 go to the text field
that has the focus."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QInputMethodEvent
from PySide6.QtWidgets import QApplication

from gui.main_window import MainWindow
from gui.prose import py_index, qt_position
from model.store import Store, sqlite_url

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

ORGAN = "宝鸡市渭滨区人民政府办公室"
RARE = "𠮷"  # U+20BB7, beyond the BMP: two UTF-16 code units


@pytest.fixture
def db(tmp_path):
    return sqlite_url(tmp_path / "年报.db")


@pytest.fixture
def window(qtbot, db, settings):
    store = Store.open(db)
    w = MainWindow(store, settings)
    qtbot.addWidget(w)
    w.resize(1280, 860)
    w.show()
    qtbot.waitExposed(w)
    info = store.new_year(ORGAN, 2024)
    assert w.open_report(info.id)
    yield w
    store.close()


def type_chinese(widget, text: str) -> None:
    """Type like a Chinese input method: each character committed by its own input-method event (QTest's
    key clicks know only Latin-1)."""
    for ch in text:
        event = QInputMethodEvent()
        event.setCommitString(ch)
        QApplication.sendEvent(widget, event)


def stored_text(db: str, report_id: int, section: str) -> str:
    """What a second connection reads from the SQLite file (as after a crash: nothing flushed or closed)."""
    other = Store.open(db)
    try:
        report, _ = other.load(report_id)
        return report.text.get(section, "")
    finally:
        other.close()


def test_each_keystroke_is_in_the_store_at_once(qtbot, window, db):
    doc = window.doc
    page = window.view.show_tab("problems")
    page.edit.setFocus()
    type_chinese(page.edit, "一是公开")
    # no flush, no close, no timer left to run: a crash now would lose nothing
    assert stored_text(db, doc.report_id, "problems") == "一是公开"
    qtbot.keyClick(page.edit, Qt.Key.Key_Backspace)
    assert stored_text(db, doc.report_id, "problems") == "一是公"
    window.act_undo.trigger()  # the typing is one step: undo is saved at once too
    assert page.text() == ""
    assert stored_text(db, doc.report_id, "problems") == ""
    window.act_redo.trigger()
    assert stored_text(db, doc.report_id, "problems") == "一是公"


def test_skeleton_is_its_own_undo_step(qtbot, window):
    doc = window.doc
    page = window.view.show_tab("overview")
    page.edit.setFocus()
    type_chinese(page.edit, "概述")
    qtbot.mouseClick(page.skeleton, Qt.MouseButton.LeftButton)  # within 2 s of the typing
    with_skeleton = page.text()
    subpoints = doc.form.text_sections["overview"].subpoints
    assert with_skeleton.startswith("概述\n") and all(p in with_skeleton for p in subpoints)
    cursor = page.edit.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    page.edit.setTextCursor(cursor)
    type_chinese(page.edit, "较好")  # within 2 s of the skeleton
    assert page.text() == with_skeleton + "较好"
    assert doc.undo_stack.count() == 3  # typing · skeleton · typing
    assert doc.undo_stack.text(1) == "插入五个方面的提纲"
    window.act_undo.trigger()  # one Ctrl+Z: only the typing after the skeleton
    assert page.text() == with_skeleton
    window.act_undo.trigger()  # the next: the skeleton alone
    assert page.text() == "概述"
    assert doc.report.text["overview"] == "概述"
    window.act_redo.trigger()
    assert page.text() == with_skeleton


def test_helpers_count_utf16_units():
    text = f"甲{RARE}乙{RARE}{RARE}丙"
    assert [qt_position(text, i) for i in range(len(text) + 1)] == [0, 1, 3, 4, 6, 8, 9]
    assert [py_index(text, qt_position(text, i)) for i in range(len(text) + 1)] == list(range(len(text) + 1))
    assert py_index(text, 2) == 1  # inside the surrogate pair: the character itself
    assert qt_position(text, 99) == 9 and qt_position(text, -1) == 0


def test_spans_after_a_character_beyond_the_bmp(qtbot, window):
    doc = window.doc
    page = window.view.show_tab("overview")
    page.edit.setFocus()
    text = f"{RARE}{RARE}{RARE}镇政务公开事项由个压缩至10个。"
    page.edit.setPlainText(text)
    doc.flush()
    found = [f for f in doc.findings if f.rule == "prose.placeholder" and f.text.section == "overview"]
    assert len(found) == 1
    f = found[0]
    assert text[f.text.start : f.text.end] == "由个"  # the rule counts Python characters
    # the underline covers exactly 由个
    [selection] = [s for s in page.edit.extraSelections() if s.cursor.selectedText() == "由个"]
    assert selection.cursor.selectionStart() == qt_position(text, f.text.start)
    # a click in the findings panel selects exactly 由个
    panel = window.view.findings
    row = next(i for i, g in enumerate(panel.model.findings) if g.identity == f.identity)
    window.view.show_tab("t3")
    panel.view.clicked.emit(panel.model.index(row, 2))
    assert window.view.tabs.currentWidget() is page
    assert page.shown_text() == "由个"
    # the hover finds the finding from the Qt position of a character inside the span
    qt_pos = page.edit.textCursor().position() + 1
    inside = py_index(page.text(), qt_pos)
    assert [g for s, t, g in page.edit.spans if s <= inside < t] == [f]
    # a reload keeps the cursor on the same character
    cursor = page.edit.textCursor()
    cursor.setPosition(qt_position(text, 4))
    page.edit.setTextCursor(cursor)
    doc.edit_text("overview", RARE + text)
    assert py_index(page.text(), page.edit.textCursor().position()) == 4


def test_clipboard_actions_go_to_the_focused_text_field(qtbot, window):
    doc = window.doc
    page = window.view.show_tab("t3")
    model, view = page.model, page.view
    view.setCurrentIndex(model.index_of("t3.new.natural_person"))
    panel = window.view.findings
    panel.explanation.setEnabled(True)
    panel.explanation.setFocus()
    assert window.focusWidget() is panel.explanation
    QGuiApplication.clipboard().setText("本年有文件到期")
    window.act_paste.trigger()
    assert panel.explanation.text() == "本年有文件到期"
    assert doc.report.get("t3.new.natural_person") is None and doc.undo_stack.count() == 0
    panel.explanation.setSelection(0, 2)
    window.act_copy.trigger()
    assert QGuiApplication.clipboard().text() == "本年"
    # the grid gets them when it has the focus
    view.setFocus()
    QGuiApplication.clipboard().setText("7")
    window.act_paste.trigger()
    assert doc.report.get("t3.new.natural_person") == 7
    window.act_copy.trigger()
    assert QGuiApplication.clipboard().text().strip() == "7"
    # a prose editor with the focus (its tab shown) takes the paste too
    prose = window.view.show_tab("other")
    prose.edit.setFocus()
    QGuiApplication.clipboard().setText("本年未收取信息处理费。")
    window.act_paste.trigger()
    assert doc.report.text["other"] == "本年未收取信息处理费。"


def test_a_conflict_while_typing_is_said_once_in_a_box(qtbot, window, db, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    boxes = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: boxes.append(a[2]))
    other = Store.open(db)  # another window changes the report meanwhile
    other.set_text(window.doc.report_id, "other", "别处写的")
    other.close()
    page = window.view.show_tab("problems")
    page.edit.setFocus()
    type_chinese(page.edit, "一是二是")
    assert len(boxes) == 1 and "别处" in boxes[0]
    assert "别处" in window.statusBar().currentMessage()
    assert stored_text(db, window.doc.report_id, "problems") == ""  # nothing overwritten
