"""The main window: the start page, or one report with a tab per section and the findings panel."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from model.fill import fill_totals, zero_blanks
from model.findings import Finding
from model.report import Report, ReportError

from .backend import ConflictError, StoreError, organ_names, status_label
from .dialogs import HistoryDialog, NewReportDialog, default_new
from .document import ReportDocument
from .findings_panel import FindingsPanel
from .form_table import FormTableModel, FormTableView
from .prose import ProsePage
from .settings import Settings
from .start_page import StartPage
from .summary import add_menu as add_summary_menu
from .summary.record import computed_banner

IMPORT_FILTER = QT_TRANSLATE_NOOP(
    "MainWindow", "已发布的年报 (*.txt *.htm *.html *.docx *.pdf *.json);;所有文件 (*)"
)


class TablePage(QWidget):
    def __init__(self, doc: ReportDocument, section, parent=None):
        super().__init__(parent)
        table = doc.form.table[section.table]
        self.model = FormTableModel(table, doc, self)
        self.view = FormTableView(self.model, self)
        self.view.setObjectName(f"grid_{table.key}")
        heading = QLabel(f"<b>{section.heading}</b>", self)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(heading)
        lay.addWidget(self.view, 1)


class ReportView(QWidget):
    """One report: a banner when it is final, a tab per section, the findings below."""

    def __init__(self, doc: ReportDocument, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.banner = QLabel(self)
        self.banner.setObjectName("banner")
        self.banner.setStyleSheet("background:#fff3c4; color:#5a4300; padding:6px; border:1px solid #e0c060;")
        self.banner.setText(self.tr("本报告已定稿，只能查看。如需修改，请在“报告”菜单中选择“取消定稿”。"))
        self.tabs = QTabWidget(self)
        self.pages: dict[str, QWidget] = {}
        for section in doc.form.sections:
            page = TablePage(doc, section, self) if section.table else ProsePage(doc, section, self)
            self.pages[section.table or section.text_key] = page
            self.tabs.addTab(page, f"{section.numeral}、{section.title}")
            self.tabs.setTabToolTip(self.tabs.count() - 1, section.heading)
        self.findings = FindingsPanel(doc, self)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.findings)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.banner)
        lay.addWidget(self.splitter, 1)
        self.findings.activated.connect(self.show_finding)
        doc.infoChanged.connect(self._update_banner)
        self._update_banner()
        self.computed_banner = computed_banner(self)  # a 汇总 record: cells computed (gui/summary/record.py)

    def _update_banner(self) -> None:
        self.banner.setVisible(self.doc.read_only)

    def grids(self) -> dict[str, TablePage]:
        return {k: p for k, p in self.pages.items() if isinstance(p, TablePage)}

    def current_grid(self) -> FormTableView | None:
        page = self.tabs.currentWidget()
        return page.view if isinstance(page, TablePage) else None

    def show_tab(self, key: str) -> QWidget:
        page = self.pages[key]
        self.tabs.setCurrentWidget(page)
        return page

    def edit_date(self) -> None:
        from .dialogs import ask_date

        if self.doc.read_only:
            return
        iso = ask_date(self, self.doc.report.date)
        if iso:
            self.doc.set_date(iso)

    def show_finding(self, f: Finding) -> None:
        if f.rule == "meta.date":  # no 成文日期: where it is set
            self.edit_date()
            return
        if f.text is not None and f.text.section in self.pages:
            page = self.show_tab(f.text.section)
            page.select_span(f.text.start, f.text.end)  # type: ignore[attr-defined]
            return
        cells = [k for k in f.cells if k in self.doc.form.cells]
        if not cells:
            return
        primary = [k for k in self.doc.primary_cells(f) if k in self.doc.form.cells] or cells
        table = self.doc.form.cell(primary[0]).table
        page = self.show_tab(table)
        page.view.select_keys([k for k in cells if self.doc.form.cell(k).table == table])  # type: ignore[attr-defined]
        page.view.setCurrentIndex(page.model.index_of(primary[0]))  # type: ignore[attr-defined]
        page.view.select_keys([k for k in cells if self.doc.form.cell(k).table == table])  # type: ignore[attr-defined]
        page.view.setFocus()  # type: ignore[attr-defined]


class MainWindow(QMainWindow):
    def __init__(self, store: Any, settings: Settings | None = None, parent=None):
        super().__init__(parent)
        self.store = store
        self.settings = settings or Settings()
        self.doc: ReportDocument | None = None
        self.view: ReportView | None = None
        self._last_pdf: Path | None = None
        self._conflict_said: ReportDocument | None = None  # the report whose conflict was shown in a box
        self.stack = QStackedWidget(self)
        self.start = StartPage(store, self)
        self.start.openRequested.connect(self.open_report)
        self.start.newRequested.connect(self.new_report)
        self.start.importRequested.connect(self.import_dialog)
        self.stack.addWidget(self.start)
        self.setCentralWidget(self.stack)
        self.counter = QLabel(self)
        self.statusBar().addPermanentWidget(self.counter)
        self.setAcceptDrops(True)
        self._build_actions()
        self._build_menus()
        self.resize(1200, 820)
        geometry = self.settings.get("window/geometry")
        if geometry is not None and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        self._update()

    # ---------------------------------------------------------------------------------------------
    # actions and menus

    def _action(self, text: str, slot, shortcut=None, tip: str | None = None) -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, list):
                a.setShortcuts(shortcut)
            else:
                a.setShortcut(QKeySequence(shortcut))
        if tip:
            a.setStatusTip(tip)
            a.setToolTip(tip)
        a.triggered.connect(slot)
        return a

    def _build_actions(self) -> None:
        S = QKeySequence.StandardKey
        self.act_new = self._action(self.tr("新建年度报告(&N)…"), self.new_report, S.New)
        self.act_import = self._action(self.tr("导入已发布的年报(&I)…"), self.import_dialog, S.Open)
        self.act_start = self._action(self.tr("起始页(&S)"), self.show_start)
        self.act_close = self._action(self.tr("关闭报告(&C)"), self.close_report, "Ctrl+W")
        self.act_quit = self._action(self.tr("退出(&X)"), self.close, "Ctrl+Q")
        self.act_undo = self._action(self.tr("撤销(&U)"), self._undo, S.Undo)
        self.act_redo = self._action(
            self.tr("重做(&R)"), self._redo, [QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")]
        )
        self.act_cut = self._action(self.tr("剪切(&T)"), lambda: self._grid_call("cut"), S.Cut)
        self.act_copy = self._action(self.tr("复制(&C)"), lambda: self._grid_call("copy"), S.Copy)
        self.act_paste = self._action(self.tr("粘贴(&P)"), lambda: self._grid_call("paste"), S.Paste)
        self.act_delete = self._action(
            self.tr("清除所选单元格(&D)"), lambda: self._grid_call("clear_selection")
        )
        self.act_zero = self._action(
            self.tr("空白格填 0(&0)"),
            self.fill_zero,
            None,
            self.tr("把各表中所有空白的单元格填为 0（标“/”的格不变）"),
        )
        self.act_totals = self._action(
            self.tr("按分项计算合计(&J)"),
            self.fill_totals,
            "F9",
            self.tr("按表格的勾稽关系，由各分项算出每个合计格"),
        )
        self.act_date = self._action(
            self.tr("成文日期(&A)…"),
            lambda: self.view.edit_date() if self.view else None,
            None,
            self.tr("落款处的成文日期；定稿和签章前必须填写"),
        )
        self.act_check = self._action(self.tr("重新检查(&K)"), self._recheck, "F5")
        self.act_history = self._action(self.tr("修改历史(&H)…"), self.show_history, "Ctrl+H")
        self.act_finalize = self._action(self.tr("定稿(&F)…"), self.finalize)
        self.act_reopen = self._action(self.tr("取消定稿(&O)…"), self.reopen)
        self.act_export = self._output_action(self.tr("导出PDF(&E)…"), "export_pdf_dialog", "Ctrl+E")
        self.act_export_docx = self._output_action(self.tr("导出 Word(&W)…"), "export_docx_dialog")
        self.act_export_xlsx = self._output_action(self.tr("导出 Excel(&X)…"), "export_xlsx_dialog")
        self.act_print = self._output_action(self.tr("打印(&P)…"), "print_dialog", S.Print)
        self.act_sign = self._output_action(self.tr("签章(&S)…"), "sign_dialog")
        self.act_verify = self._output_action(self.tr("验证签章(&V)…"), "verify_dialog")
        self.act_cert = self._output_action(self.tr("创建签章证书(&C)…"), "create_certificate_dialog")
        self.act_about = self._action(self.tr("关于年报(&A)"), self.about)
        self.report_actions = [
            self.act_close,
            self.act_undo,
            self.act_redo,
            self.act_cut,
            self.act_copy,
            self.act_paste,
            self.act_delete,
            self.act_zero,
            self.act_totals,
            self.act_date,
            self.act_check,
            self.act_history,
            self.act_finalize,
            self.act_reopen,
        ]

    def _output_action(self, text: str, name: str, shortcut=None) -> QAction:
        a = self._action(text, lambda: self.output(name), shortcut)
        a.setData(name)
        return a

    def _build_menus(self) -> None:
        bar = self.menuBar()
        m = bar.addMenu(self.tr("文件(&F)"))
        m.setToolTipsVisible(True)
        for a in (
            self.act_new,
            self.act_import,
            self.act_start,
            None,
            self.act_export,
            self.act_export_docx,
            self.act_export_xlsx,
            self.act_print,
            None,
            self.act_close,
            self.act_quit,
        ):
            m.addSeparator() if a is None else m.addAction(a)
        self.act_database = self._action(self.tr("选择数据库(&D)…"), lambda: importlib.import_module("gui.database_dialog").choose_database(self))  # fmt: skip
        m.insertAction(self.act_close, self.act_database)  # 文件 → 选择数据库… (gui/database_dialog.py)
        importlib.import_module("gui.maintenance").add_actions(self)  # 备份…, 从备份恢复…, 核验归档…
        importlib.import_module("gui.preferences").add_action(self)  # 文件 → 设置…
        m = bar.addMenu(self.tr("编辑(&E)"))
        m.setToolTipsVisible(True)
        for a in (
            self.act_undo,
            self.act_redo,
            None,
            self.act_cut,
            self.act_copy,
            self.act_paste,
            self.act_delete,
            None,
            self.act_zero,
            self.act_totals,
            None,
            self.act_date,
        ):
            m.addSeparator() if a is None else m.addAction(a)
        m = bar.addMenu(self.tr("报告(&R)"))
        for a in (self.act_check, self.act_history, None, self.act_finalize, self.act_reopen):
            m.addSeparator() if a is None else m.addAction(a)
        m = bar.addMenu(self.tr("签章(&S)"))
        m.setToolTipsVisible(True)
        for a in (self.act_sign, self.act_verify, None, self.act_cert):
            m.addSeparator() if a is None else m.addAction(a)
        self.summary_menu = add_summary_menu(self)  # 汇总: batch import, summary, comparison (gui/summary)
        m = bar.addMenu(self.tr("帮助(&H)"))
        m.addAction(self.act_about)

    # ---------------------------------------------------------------------------------------------
    # state shown: title, counter, enabled actions

    def _update(self) -> None:
        doc = self.doc
        for a in self.report_actions:
            a.setEnabled(doc is not None)
        if doc is None:
            self.setWindowTitle(self.tr("年报 — 政府信息公开工作年度报告"))
            self.counter.setText("")
            return
        editable = not doc.read_only
        for a in (
            self.act_cut,
            self.act_paste,
            self.act_delete,
            self.act_zero,
            self.act_totals,
            self.act_date,
            self.act_finalize,
        ):
            a.setEnabled(editable)
        self.act_reopen.setEnabled(not editable)
        self.act_undo.setEnabled(editable and doc.undo_stack.canUndo())
        self.act_redo.setEnabled(editable and doc.undo_stack.canRedo())
        self.act_undo.setText(
            self.tr("撤销(&U)") + (f"：{doc.undo_stack.undoText()}" if doc.undo_stack.canUndo() else "")
        )
        self.act_redo.setText(
            self.tr("重做(&R)") + (f"：{doc.undo_stack.redoText()}" if doc.undo_stack.canRedo() else "")
        )
        info = doc.info
        year = getattr(info, "year", None)
        title = self.tr("%1 %2年度报告 [%3] — 年报") if year else self.tr("%1 报告 [%3] — 年报")
        title = title.replace("%3", status_label(info)).replace("%2", str(year))
        self.setWindowTitle(title.replace("%1", info.organ))
        self._update_counter()

    def _update_counter(self) -> None:
        if self.doc is None:
            return
        errors, warnings = self.doc.counts()
        self.counter.setText(
            self.tr("错误 %1 · 警告 %2").replace("%1", str(errors)).replace("%2", str(warnings))
        )
        self.counter.setStyleSheet("color:#a30000; font-weight:bold" if errors else "")

    def message(self, text: str, timeout: int = 8000) -> None:
        self.statusBar().showMessage(text, timeout)

    # ---------------------------------------------------------------------------------------------
    # opening and closing reports

    def open_report(self, report_id: int) -> bool:
        self.close_report()
        try:
            doc = ReportDocument(self.store, report_id, self)
        except (StoreError, ReportError) as err:
            QMessageBox.warning(self, self.tr("无法打开报告"), str(err))
            return False
        self.doc = doc
        self.view = ReportView(doc, self)
        self.stack.addWidget(self.view)
        self.stack.setCurrentWidget(self.view)
        doc.findingsChanged.connect(self._update_counter)
        doc.infoChanged.connect(self._update)
        doc.failed.connect(self._failed)
        doc.undo_stack.indexChanged.connect(self._update)
        for page in self.view.grids().values():
            page.model.refused.connect(self.message)
            page.view.apply_widths(self.settings.column_widths(page.model.table.key))
        splitter = self.settings.get("window/splitter")
        if splitter is not None and not splitter.isEmpty():
            self.view.splitter.restoreState(splitter)
        self.settings.last_report = report_id
        self._update()
        if doc.read_only:
            self.message(self.tr("本报告已定稿，只能查看。"))
        return True

    def _failed(self, text: str) -> None:
        self.message(text, 15000)
        # a conflict: said once in a box (typing goes on failing the same way until the report is reopened)
        doc = self.doc
        if doc is not None and isinstance(doc.last_error, ConflictError) and self._conflict_said is not doc:
            self._conflict_said = doc
            QMessageBox.warning(self, self.tr("保存失败"), text)

    def _save_view_state(self) -> None:
        if self.view is None:
            return
        self.settings.set("window/splitter", self.view.splitter.saveState())
        for page in self.view.grids().values():
            widths = [] if page.view.auto_widths else page.view.widths()
            self.settings.set_column_widths(page.model.table.key, widths)

    def close_report(self) -> None:
        if self.doc is None:
            return
        self.doc.flush()
        self._save_view_state()
        self.stack.removeWidget(self.view)
        self.view.deleteLater()
        self.doc.deleteLater()
        self.view = None
        self.doc = None
        self.start.refresh()
        self.stack.setCurrentWidget(self.start)
        self._update()

    def show_start(self) -> None:
        self.close_report()
        self.settings.last_report = 0

    def reopen_last(self) -> bool:
        last = self.settings.last_report
        if not last:
            return False
        try:
            self.store.load(last)
        except Exception:  # a report deleted since: stay on the start page
            self.settings.last_report = 0
            return False
        return self.open_report(last)

    def new_report(self) -> None:
        organ, year = default_new(self.store)
        dialog = NewReportDialog(organ_names(self.store), organ, year, self)
        if not dialog.exec():
            return
        organ, year, copy_prose = dialog.values()
        existing = self.store.find(organ, year)
        if existing is not None:
            self.message(self.tr("该年度的报告已存在，已打开。"))
            self.open_report(existing.id)
            return
        try:
            info = self.store.new_year(organ, year, copy_prose=copy_prose)
        except StoreError as err:
            QMessageBox.warning(self, self.tr("无法新建报告"), str(err))
            return
        self.open_report(info.id)

    def import_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("导入已发布的年报"), "", self.tr(IMPORT_FILTER))
        if path:
            self.import_path(Path(path))

    def import_path(self, path: Path) -> int | None:
        try:
            result = read_import(path)
            report, missing = result.report, list(result.missing)
        except (ReportError, ValueError, OSError) as err:
            QMessageBox.warning(self, self.tr("无法导入"), f"{path.name}：{err}")
            return None
        organ, year = report.agency, report.year
        if not organ or not year:
            d_organ, d_year = default_new(self.store)
            dialog = NewReportDialog(
                organ_names(self.store),
                organ or d_organ,
                year or d_year,
                self,
                title=self.tr("导入的报告属于哪个机关、哪一年度？"),
            )
            dialog.copy_prose.hide()
            if not dialog.exec():
                return None
            organ, year, _ = dialog.values()
        existing = self.store.find(organ, year)
        if existing is not None:
            answer = QMessageBox.question(
                self,
                self.tr("导入"),
                self.tr(
                    "%1 %2 年度的报告已经存在。用导入的内容替换它吗？（替换前的内容可在“修改历史”中恢复）"
                )
                .replace("%1", organ)
                .replace("%2", str(year)),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None
        try:
            try:
                info = self.store.save_report(report, organ=organ, year=year)
            except ConflictError as err:
                if not err.changes:
                    raise
                # an edit of an older version: say who changed what since; the clerk may replace anyway
                answer = QMessageBox.question(
                    self,
                    self.tr("报告已被修改"),
                    self.tr(
                        "%1\n\n仍要用导入的文件替换吗？（上述修改将被覆盖，可在“修改历史”中恢复）"
                    ).replace("%1", str(err)),
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                    QMessageBox.StandardButton.No,
                )
                if answer != QMessageBox.StandardButton.Yes:
                    return None
                info = self.store.save_report(report, organ=organ, year=year, force=True)
        except StoreError as err:
            QMessageBox.warning(self, self.tr("无法导入"), str(err))
            return None
        self.open_report(info.id)
        lines = result.unread_lines() if hasattr(result, "unread_lines") else []
        sections = list(getattr(result, "sections_missing", []) or [])
        if lines or sections:
            from .import_summary import ImportSummaryDialog

            self.import_summary = ImportSummaryDialog(path.name, sections, lines, self)
            self.import_summary.open()
        if missing:
            self.message(
                self.tr("已导入。有 %1 项未能从文件中读出，请补填。").replace("%1", str(len(missing))), 15000
            )
        else:
            self.message(self.tr("已导入 %1。").replace("%1", path.name))
        return info.id

    # drag and drop a published report onto the window
    def dragEnterEvent(self, e) -> None:
        if e.mimeData().hasUrls() and any(u.isLocalFile() for u in e.mimeData().urls()):
            e.acceptProposedAction()

    def dropEvent(self, e) -> None:
        files = [Path(u.toLocalFile()) for u in e.mimeData().urls() if u.isLocalFile()]
        if files:
            e.acceptProposedAction()
            self.import_path(files[0])

    # ---------------------------------------------------------------------------------------------
    # edit actions

    def _undo(self) -> None:
        if self.doc is not None and not self.doc.read_only:
            self.doc.undo_stack.undo()

    def _redo(self) -> None:
        if self.doc is not None and not self.doc.read_only:
            self.doc.undo_stack.redo()

    def _grid_call(self, name: str) -> None:
        """剪切 / 复制 / 粘贴 go to the text field that has the focus (a prose editor, the 说明 field, a cell
        being edited); else to the grid of the current tab. 清除所选单元格 is the grid's."""
        focus = self.focusWidget()
        if isinstance(focus, QComboBox) and focus.isEditable():
            focus = focus.lineEdit()
        if name in ("cut", "copy", "paste") and isinstance(focus, (QLineEdit, QTextEdit, QPlainTextEdit)):
            getattr(focus, name)()
            return
        grid = self.view.current_grid() if self.view else None
        if grid is None:
            return
        if name == "cut":
            grid.copy()
            grid.clear_selection()
        else:
            getattr(grid, name)()

    def fill_zero(self) -> None:
        if self.doc is None:
            return
        changes = zero_blanks(self.doc.report)
        if not changes:
            self.message(self.tr("没有空白的单元格。"))
            return
        self.doc.edit_cells(changes, self.tr("空白格填 0（%1 格）").replace("%1", str(len(changes))))
        self.message(self.tr("已把 %1 个空白格填为 0。").replace("%1", str(len(changes))))

    def fill_totals(self) -> None:
        if self.doc is None:
            return
        changes = fill_totals(self.doc.report)
        if not changes:
            self.message(self.tr("各合计格都已与分项一致。"))
            return
        self.doc.edit_cells(changes, self.tr("计算合计（%1 格）").replace("%1", str(len(changes))))
        self.message(self.tr("已计算 %1 个合计格。").replace("%1", str(len(changes))))

    def _recheck(self) -> None:
        if self.doc is not None:
            self.doc.flush()
            self.doc.recheck()

    def show_history(self) -> None:
        if self.doc is not None:
            HistoryDialog(self.doc, self).exec()

    def finalize(self) -> None:
        if self.doc is None:
            return
        errors, _ = self.doc.counts()
        if errors:
            QMessageBox.warning(
                self,
                self.tr("不能定稿"),
                self.tr("报告还有 %1 处错误，改正后才能定稿。").replace("%1", str(errors)),
            )
            return
        if not self._date_for_finalising():
            return
        answer = QMessageBox.question(
            self, self.tr("定稿"), self.tr("定稿后报告只能查看，不能再修改。确定定稿吗？")
        )
        if answer == QMessageBox.StandardButton.Yes and self.doc.finalize():
            self.message(self.tr("报告已定稿。"))
            self._archive_pdf()

    def _date_for_finalising(self) -> bool:
        """The 成文日期 a final report must have (a hint while writing): when it is missing, say so and ask
        for it; whether the report has one now."""
        if (self.doc.report.date or "").strip():
            return True
        QMessageBox.warning(
            self,
            self.tr("不能定稿"),
            self.tr("报告没有成文日期，不能定稿。请在接下来的对话框中填写落款处的成文日期。"),
        )
        if self.view is not None:
            self.view.edit_date()
        return bool((self.doc.report.date or "").strip())

    def _archive_pdf(self) -> None:
        """The final report's PDF into its archive folder (the store wrote the exchange JSON already)."""
        module = importlib.import_module("gui.output_dialogs")
        path = module.archive_pdf_dialog(self, self.doc.store, self.doc.report_id)
        if path:
            self.message(self.tr("报告已定稿，PDF 已存入归档：%1").replace("%1", str(path)))

    def reopen(self) -> None:
        if self.doc is None:
            return
        answer = QMessageBox.question(
            self, self.tr("取消定稿"), self.tr("取消定稿后可以再修改报告。确定吗？")
        )
        if answer == QMessageBox.StandardButton.Yes and self.doc.reopen():
            self.message(self.tr("已取消定稿，可以修改。"))

    def output(self, name: str) -> None:
        module = importlib.import_module("gui.output_dialogs")  # part of every build: no quiet fallback
        func = getattr(module, name)
        if name == "create_certificate_dialog":
            func(self, organ=self.doc.info.organ if self.doc is not None else "")
            return
        if name in ("export_pdf_dialog", "print_dialog") and self.doc is not None:
            # the open report: export it (the dialog asks where), then print exactly that PDF
            self.doc.flush()
            self.doc.resync()  # a 汇总 record: its cells re-summed from the units' current reports first
            path = module.export_pdf_dialog(self, self.doc.report, self.doc.previous)
            if path:
                self._last_pdf = Path(path)
                if name == "print_dialog":
                    func(self, path)
            return
        if name in ("export_docx_dialog", "export_xlsx_dialog") and self.doc is not None:
            self.doc.flush()
            self.doc.resync()
            func(self, self.doc.report, self.doc.previous)
            return
        if name in ("export_pdf_dialog", "export_docx_dialog", "export_xlsx_dialog"):
            self.message(self.tr("请先打开一份报告。"))
            return
        start = str(self._last_pdf) if self._last_pdf else ""
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择 PDF 文件"), start, self.tr("PDF 文件 (*.pdf)")
        )
        if path:
            result = func(self, Path(path))
            if name == "sign_dialog" and result:
                self._last_pdf = Path(result)
                self._archive_signed(Path(result))

    def _archive_signed(self, signed: Path) -> None:
        """Offer to keep a signed PDF in the archive of the open report when that report is final."""
        if self.doc is None or not self.doc.info.is_final:
            return
        info = self.doc.info
        answer = QMessageBox.question(
            self,
            self.tr("归档签章版"),
            self.tr("把签章后的 PDF 存入 %1 %2 年度报告的归档吗？")
            .replace("%1", info.organ)
            .replace("%2", str(info.year)),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        from model.finalize import archive_signed

        try:
            path = archive_signed(self.doc.store, self.doc.report_id, signed)
        except StoreError as err:
            QMessageBox.warning(self, self.tr("归档签章版"), str(err))
            return
        self.message(self.tr("签章版已存入归档：%1").replace("%1", str(path)))

    def about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("关于年报"),
            self.tr("年报：政府信息公开工作年度报告的编写、核对、签章、打印与归档。"),
        )

    # ---------------------------------------------------------------------------------------------

    def closeEvent(self, e) -> None:
        if self.doc is not None:
            self.doc.flush()
            self._save_view_state()
        self.settings.set("window/geometry", self.saveGeometry())
        self.settings.sync()
        super().closeEvent(e)


def read_import(path: Path) -> Any:
    """The importer's result for a published file or an exchange JSON file (``.report``, ``.missing``,
    and what it left blank: ``.unread_lines()``, ``.sections_missing``)."""
    from model.importer import import_file

    return import_file(path)


def read_report(path: Path) -> tuple[Report, list]:
    """A report from a published file (the importer) or an exchange JSON file."""
    from model.importer import import_file  # part of every build: no quiet fallback

    result = import_file(path)
    return result.report, list(result.missing)
