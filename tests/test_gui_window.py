"""The real window, offscreen: type the fixture report into the grids, see the errors, fix them,
paste, undo/redo, reopen from a real SQLite file, refused input, history, a final report."""

from __future__ import annotations

import os
import re
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit

from gui.form_table import COLOR_ERROR, ExpectedRole
from gui.main_window import MainWindow
from model.findings import Severity
from model.form import FORM_2021
from model.report import parse_value
from model.store import Store, sqlite_url

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

FIXTURE = Path(__file__).parent / "fixtures" / "000_e8e20449add4641b.txt"
ORGAN = "宝鸡市渭滨区人民政府办公室"


def fixture_report() -> tuple[dict[str, list[str]], dict[str, str]]:
    """The fixture's numbers per table (in the form's cell order) and its prose per section."""
    text = FIXTURE.read_text(encoding="utf-8")
    sections = FORM_2021.sections
    starts = [text.index(s.heading) for s in sections] + [len(text)]
    numbers, prose = {}, {}
    for i, s in enumerate(sections):
        body = text[starts[i] + len(s.heading) : starts[i + 1]].strip("\n")
        if s.table:
            numbers[s.table] = re.findall(r"^\s*(\d+(?:\.\d+)?)\s*\|", body, re.M)
        else:
            prose[s.text_key] = body
    return numbers, prose


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
    yield w
    if w.doc is not None:
        w.doc.flush()
    store.close()


def new_report(window: MainWindow, year: int = 2024) -> None:
    info = window.store.new_year(ORGAN, year)
    assert window.open_report(info.id)


def set_date(window: MainWindow, monkeypatch, iso: str = "2025-01-20") -> None:
    """编辑 → 成文日期…, the date picked (a report needs it to be finalised)."""
    monkeypatch.setattr("gui.dialogs.ask_date", lambda parent, current: iso)
    window.act_date.trigger()
    assert window.doc.report.date == iso


def grid(window: MainWindow, table: str):
    page = window.view.show_tab(table)
    page.view.setFocus()
    return page.model, page.view


def type_cell(qtbot, view, text: str, key=Qt.Key.Key_Tab) -> None:
    """Type over the current cell like a clerk: the first key opens the editor, the rest go into it."""
    qtbot.keyClick(view, text[0])
    editor = next(e for e in view.viewport().findChildren(QLineEdit) if e.isVisible())
    if text[1:]:
        qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, key)
    QApplication.processEvents()  # the editor commits Enter through a queued call


def key_of(view) -> str:
    return view.form_model().key_at(view.currentIndex())


@pytest.mark.slow
def test_type_the_fixture_see_errors_and_fix_them(qtbot, window):
    new_report(window)
    doc = window.doc
    numbers, prose = fixture_report()
    for table, values in numbers.items():
        model, view = grid(window, table)
        keys = FORM_2021.table[table].cell_keys
        assert len(values) == len(keys)
        view.setCurrentIndex(model.index_of(keys[0]))
        for key, value in zip(keys, values, strict=True):
            assert key_of(view) == key  # Tab walks the value cells row by row
            type_cell(qtbot, view, value)
            assert doc.report.get(key) == parse_value(value)
    # the published report's (七)总计 row is all zeros: red cells, findings, the counter
    errors, _ = doc.counts()
    assert errors == 6
    assert window.counter.text().startswith("错误 6")
    model, view = grid(window, "t3")
    red = [
        k
        for k in FORM_2021.table["t3"].cell_keys
        if model.data(model.index_of(k), Qt.ItemDataRole.BackgroundRole)
    ]
    red = [
        k for k in red if model.data(model.index_of(k), Qt.ItemDataRole.BackgroundRole).color() == COLOR_ERROR
    ]
    # the totals that disagree — and 结转下年度, the other side of the balance — are red
    columns = ("natural_person", "commercial", "total")
    assert set(red) == {f"t3.{row}.{c}" for row in ("total", "carried_over") for c in columns}
    red = [f"t3.total.{c}" for c in columns]
    assert (
        model.data(model.index_of("t3.total.total"), ExpectedRole) == "4"
    )  # the grid shows what it should be
    assert "应为 4" in model.data(model.index_of("t3.total.total"), Qt.ItemDataRole.ToolTipRole)
    panel = window.view.findings
    # one row per wrong cell: （七）总计 wrong for its sum and for the balance is one row with both reasons
    rows = {(doc.primary_cells(f) or (id(f),))[0] for f in doc.findings}
    assert panel.model.rowCount() == len(rows) < len(doc.findings)
    assert "各项办理结果之和" in panel.model.data(panel.model.index(0, 2))
    assert "；" in panel.model.data(panel.model.index(0, 2))
    assert panel.model.data(panel.model.index(0, 0)) == Severity.ERROR.label
    # click a finding: jump to its tab and select its cells
    window.view.show_tab("t2")
    panel.view.clicked.emit(panel.model.index(0, 2))
    assert window.view.tabs.currentWidget() is window.view.pages["t3"]
    assert key_of(view) == "t3.total.natural_person"
    # fix the totals by typing what the grid says they should be
    for key in red:
        view.setCurrentIndex(model.index_of(key))
        type_cell(qtbot, view, model.data(model.index_of(key), ExpectedRole), Qt.Key.Key_Return)
    assert doc.counts() == (0, 0)
    assert window.counter.text() == "错误 0 · 警告 0"

    # the prose: paste it in, see its findings underlined, fix them
    for section, body in prose.items():
        page = window.view.show_tab(section)
        page.edit.setFocus()
        page.edit.insertPlainText(body)
        assert doc.report.text[section] == body
    doc.flush()
    # (the half-width punctuation in the fixture's prose is a hint of its own: underlined, not counted)
    prose_findings = [f for f in doc.findings if f.text is not None and f.rule != "prose.ascii_punctuation"]
    assert {f.rule for f in prose_findings} >= {"prose.table_mismatch", "prose.placeholder"}
    overview = window.view.pages["overview"]
    underlined = [f for f in doc.findings if f.text is not None and f.text.section == "overview"]
    assert len(overview.edit.extraSelections()) == len(underlined) == len(prose_findings) + 1
    assert window.counter.text() == f"错误 0 · 警告 {len(prose_findings)}"
    # jump to the placeholder 由个 and type the missing number
    row = next(i for i, f in enumerate(panel.model.findings) if f.rule == "prose.placeholder")
    panel.view.clicked.emit(panel.model.index(row, 2))
    assert overview.shown_text() == "由个"
    cursor = overview.edit.textCursor()
    cursor.setPosition(cursor.position() + 1)
    overview.edit.setTextCursor(cursor)
    qtbot.keyClicks(overview.edit, "16")
    doc.flush()
    assert "由16个压缩至10个" in doc.report.text["overview"]
    # the prose says 4 applications from natural persons where the table has 3: explain it in the panel
    row = next(i for i, f in enumerate(panel.model.findings) if f.rule == "prose.table_mismatch")
    panel.view.setCurrentIndex(panel.model.index(row, 2))
    assert panel.explain_button.isEnabled()
    panel.explanation.setText("另有1件由法人提交，合计4件")
    qtbot.mouseClick(panel.explain_button, Qt.MouseButton.LeftButton)
    assert doc.counts() == (0, 0)
    assert window.counter.text() == "错误 0 · 警告 0"


def test_paste_block_undo_redo_and_reopen(qtbot, window, db, settings):
    new_report(window)
    doc = window.doc
    model, view = grid(window, "t3")
    view.setCurrentIndex(model.index_of("t3.new.natural_person"))
    QGuiApplication.clipboard().setText("3\t1\t0\t0\t0\t0\t4\r\n0\t0\t0\t0\t0\t0\t0\r\n")
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert doc.report.get("t3.new.total") == 4
    assert doc.report.get("t3.carried_in.other_org") == 0
    assert doc.undo_stack.count() == 1  # a paste is one step
    window.act_undo.trigger()
    assert doc.report.get("t3.new.total") is None
    assert model.data(model.index_of("t3.new.natural_person")) == ""
    window.act_redo.trigger()
    assert model.data(model.index_of("t3.new.total")) == "4"
    # copy the block out the same way
    view.select_keys(
        [
            "t3.new.natural_person",
            "t3.new.commercial",
            "t3.carried_in.natural_person",
            "t3.carried_in.commercial",
        ]
    )
    assert view.copy() == "3\t1\n0\t0\n"
    assert QGuiApplication.clipboard().text() == "3\t1\n0\t0\n"
    # Delete clears the selection (one step), undo brings it back
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert doc.report.get("t3.new.commercial") is None
    window.act_undo.trigger()
    assert doc.report.get("t3.new.commercial") == 1
    # blanks → 0 and totals from their parts, each one step
    window.act_zero.trigger()
    assert doc.report.get("t4.review.upheld") == 0
    assert doc.report.get("t2.rules.issued") == 0
    model.setData(model.index_of("t3.granted.natural_person"), "3")
    model.setData(model.index_of("t3.granted.commercial"), "1")
    window.act_totals.trigger()
    assert doc.report.get("t3.total.total") == 4
    assert doc.report.get("t3.granted.total") == 4
    assert doc.counts()[0] == 0
    # prose edits are saved too
    page = window.view.show_tab("other")
    page.edit.setFocus()
    page.edit.insertPlainText("本年未收取信息处理费。")
    report_id = doc.report_id
    expected_cells = dict(doc.report.cells)
    window.close()  # writes what is pending
    window.store.close()

    store = Store.open(db)
    w2 = MainWindow(store, settings)
    qtbot.addWidget(w2)
    assert w2.reopen_last()  # a later start reopens the last report
    assert w2.doc.report_id == report_id
    assert w2.doc.report.cells == expected_cells
    assert w2.doc.report.text["other"] == "本年未收取信息处理费。"
    assert w2.view.pages["t3"].model.data(model.index_of("t3.new.total")) == "4"
    assert ORGAN in w2.windowTitle() and "2024" in w2.windowTitle() and "草稿" in w2.windowTitle()
    store.close()


def test_refused_input_leaves_the_cell_unchanged(qtbot, window):
    new_report(window)
    doc = window.doc
    model, view = grid(window, "t3")
    view.setCurrentIndex(model.index_of("t3.new.natural_person"))
    type_cell(qtbot, view, "5")
    view.setCurrentIndex(model.index_of("t3.new.natural_person"))
    for bad in ("abc", "/", "-1", "1.5"):  # no "/" in table 3; counts are whole and non-negative
        type_cell(qtbot, view, bad, Qt.Key.Key_Return)
        assert doc.report.get("t3.new.natural_person") == 5
        assert window.statusBar().currentMessage().startswith("一、本年新收 自然人：")
        view.setCurrentIndex(model.index_of("t3.new.natural_person"))
    assert doc.undo_stack.count() == 1
    # a paste with one bad value pastes nothing
    assert not view.paste("1\t2\tx")
    assert doc.report.get("t3.new.commercial") is None
    assert "未粘贴" in window.statusBar().currentMessage()
    # table 2 takes "/" and the fee takes four decimals, not five
    model2, view2 = grid(window, "t2")
    assert model2.setData(model2.index_of("t2.rules.issued"), "/")
    assert doc.report.get("t2.rules.issued") == "/"
    assert model2.setData(model2.index_of("t2.fees.amount"), "1.2345")
    assert not model2.setData(model2.index_of("t2.fees.amount"), "1.23456")
    assert str(doc.report.get("t2.fees.amount")) == "1.2345"


def test_enter_moves_down_tab_moves_right(qtbot, window):
    new_report(window)
    model, view = grid(window, "t2")
    view.setCurrentIndex(model.index_of("t2.rules.repealed"))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert key_of(view) == "t2.normative_docs.repealed"
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert key_of(view) == "t2.licensing.decisions"  # over the block's title and heading rows
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert key_of(view) == "t2.penalty.decisions"
    qtbot.keyClick(view, Qt.Key.Key_Backtab)
    assert key_of(view) == "t2.licensing.decisions"
    type_cell(qtbot, view, "12", Qt.Key.Key_Return)
    assert window.doc.report.get("t2.licensing.decisions") == 12
    assert key_of(view) == "t2.penalty.decisions"


def test_history_restores_a_revision(qtbot, window, monkeypatch):
    from gui.dialogs import HistoryDialog

    new_report(window)
    doc = window.doc
    model, _ = grid(window, "t4")
    assert model.setData(model.index_of("t4.review.upheld"), "2")
    version = doc.version
    assert model.setData(model.index_of("t4.review.upheld"), "7")
    dialog = HistoryDialog(doc, window)
    qtbot.addWidget(dialog)
    row = next(i for i, r in enumerate(dialog.model.revisions) if r.version == version)
    dialog.view.setCurrentIndex(dialog.model.index(row, 1))
    assert dialog.restore_button.isEnabled()
    dialog.restore()
    assert doc.report.get("t4.review.upheld") == 2
    assert model.data(model.index_of("t4.review.upheld")) == "2"


def test_final_report_is_read_only_with_a_banner(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    new_report(window)
    window.act_zero.trigger()
    set_date(window, monkeypatch)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.act_finalize.trigger()
    doc = window.doc
    assert doc.read_only
    assert window.view.banner.isVisible()
    assert "已定稿" in window.windowTitle()
    model, view = grid(window, "t3")
    index = model.index_of("t3.new.natural_person")
    assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(index, "3")
    assert not view.paste("3")
    assert window.view.pages["overview"].edit.isReadOnly()
    assert not window.act_zero.isEnabled()
    window.act_reopen.trigger()
    assert not doc.read_only and not window.view.banner.isVisible()
    assert model.setData(index, "3")


def test_finalising_in_the_window_archives_the_pdf_and_the_signed_copy(qtbot, window, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    from model.finalize import pdf_name

    new_report(window)
    window.act_zero.trigger()
    set_date(window, monkeypatch)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.act_finalize.trigger()  # the archive dialog runs the export on the pool and closes itself
    folder = window.doc.info.archive_dir
    assert folder and window.doc.info.is_final
    pdf = Path(folder) / pdf_name(ORGAN, 2024)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert window.store.archive_verify() == []
    signed = tmp_path / "签章版.pdf"
    signed.write_bytes(pdf.read_bytes())
    window._archive_signed(signed)  # what the 签章 action does after signing
    assert (Path(folder) / pdf_name(ORGAN, 2024, signed=True)).is_file()
    assert window.store.archive_verify() == []


def test_start_page_new_report_prefilled(qtbot, window, monkeypatch):
    from gui.dialogs import NewReportDialog

    new_report(window, 2023)
    window.show_start()
    assert window.stack.currentWidget() is window.start
    assert window.start.model.rowCount() == 1
    seen = {}

    def fake_exec(self):
        seen["organ"], seen["year"], _ = self.values()
        return True

    monkeypatch.setattr(NewReportDialog, "exec", fake_exec)
    window.act_new.trigger()
    assert seen == {"organ": ORGAN, "year": 2024}
    assert window.doc.info.year == 2024
    assert window.doc.previous is not None  # last year's report is there for the checks across years
    window.show_start()
    assert window.start.model.rowCount() == 2
    assert [window.start.organs.item(i).text() for i in range(window.start.organs.count())][1:] == [ORGAN]


def test_import_by_drop(qtbot, window, tmp_path):
    from PySide6.QtCore import QMimeData, QPoint, QUrl
    from PySide6.QtGui import QDropEvent

    src = tmp_path / "渭滨区2024年报.txt"
    src.write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(src))])
    from PySide6.QtWidgets import QMessageBox

    asked = []
    orig = window.import_path

    def import_path(path):
        asked.append(path)
        return orig(path)

    window.import_path = import_path
    from gui import dialogs

    def fake_exec(self):
        self.organ.setCurrentText(ORGAN)
        self.year.setValue(2024)
        return True

    dialogs.NewReportDialog.exec, saved = fake_exec, dialogs.NewReportDialog.exec
    try:
        QMessageBox.warning, saved_warning = (lambda *a, **k: pytest.fail(str(a))), QMessageBox.warning
        event = QDropEvent(
            QPoint(10, 10),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        window.dropEvent(event)
    finally:
        dialogs.NewReportDialog.exec = saved
        QMessageBox.warning = saved_warning
    assert asked == [src]
    assert window.doc is not None
    assert window.doc.report.get("t3.new.total") == 4
    assert window.doc.counts()[0] == 6


def test_output_actions_call_the_output_dialogs(window, monkeypatch, tmp_path):
    import importlib.util

    if importlib.util.find_spec("gui.output_dialogs") is None:
        assert not window.act_export.isEnabled() and window.act_export.toolTip()
        pytest.skip("gui.output_dialogs is not part of this build")
    import gui.output_dialogs as out

    calls = []
    pdf = tmp_path / "报告.pdf"
    monkeypatch.setattr(
        out,
        "export_pdf_dialog",
        lambda parent, report, previous=None: calls.append(("export", report)) or pdf,
    )
    monkeypatch.setattr(
        out, "print_report", lambda parent, report, previous=None: calls.append(("print", report)) or True
    )
    monkeypatch.setattr(
        out, "create_certificate_dialog", lambda parent, organ="": calls.append(("cert", organ))
    )
    new_report(window)
    assert window.act_export.isEnabled() and window.act_sign.isEnabled()
    window.act_print.trigger()  # the print preview at once: no 导出 PDF dialog first
    assert calls == [("print", window.doc.report)]
    window.act_export.trigger()
    assert calls[-1] == ("export", window.doc.report)
    window.act_cert.trigger()
    assert calls[-1] == ("cert", ORGAN)


def test_settings_remember_splitter_and_columns(qtbot, window, settings):
    new_report(window)
    page = window.view.pages["t3"]
    page.view.setColumnWidth(2, 333)
    window.close_report()
    assert settings.column_widths("t3")[2] == 333
    new_report(window, 2025)
    assert window.view.pages["t3"].view.columnWidth(2) == 333
    assert not QApplication.instance().translate("QDialogButtonBox", "Cancel") == ""


def test_no_date_is_a_finding_that_opens_the_date_and_blocks_finalising(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    new_report(window)
    window.act_zero.trigger()
    doc = window.doc
    found = [f for f in doc.findings if f.rule == "meta.date"]
    assert len(found) == 1 and found[0].severity is Severity.HINT
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: messages.append(text))
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: messages.append(text))
    monkeypatch.setattr("gui.dialogs.ask_date", lambda parent, current: None)  # asked for: the clerk cancels
    window.act_finalize.trigger()
    assert not doc.read_only  # refused: no 成文日期
    asked: list[str | None] = []
    monkeypatch.setattr("gui.dialogs.ask_date", lambda parent, current: asked.append(current) or "2025-01-20")
    window.view.show_finding(found[0])  # activating the finding asks for the date
    assert asked == [None] and doc.report.date == "2025-01-20"
    assert window.store.load(doc.report_id)[0].date == "2025-01-20"
    assert not [f for f in doc.findings if f.rule == "meta.date"]
    window.act_finalize.trigger()
    assert doc.read_only


def test_finalising_without_a_date_says_so_and_asks_for_it(qtbot, window, monkeypatch):
    """定稿 on a report without 成文日期: not “确定定稿吗？” and then “保存失败：…” in the status bar, but a
    box naming the 成文日期 and the date dialog; with the date given, finalising goes on."""
    from PySide6.QtWidgets import QMessageBox

    new_report(window)
    window.act_zero.trigger()
    doc = window.doc
    questions: list[str] = []
    warnings: list[str] = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda p, t, text, *a, **k: questions.append(text) or QMessageBox.StandardButton.Yes,
    )
    monkeypatch.setattr(QMessageBox, "warning", lambda p, t, text, *a, **k: warnings.append(text))
    monkeypatch.setattr("gui.dialogs.ask_date", lambda parent, current: None)  # the clerk cancels
    window.act_finalize.trigger()
    assert not doc.read_only and questions == []
    assert len(warnings) == 1 and "成文日期" in warnings[0] and "。。" not in warnings[0]
    assert "保存失败" not in window.statusBar().currentMessage()
    monkeypatch.setattr("gui.dialogs.ask_date", lambda parent, current: "2025-01-20")
    window.act_finalize.trigger()
    assert doc.report.date == "2025-01-20" and len(questions) == 1 and doc.read_only
