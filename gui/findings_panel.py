"""The findings panel: every finding with its severity; a click jumps to it; a warning that allows it
can be given a written explanation (说明) right there."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from model.findings import Finding, Severity

from .listmodel import ColumnsModel, list_view

SEVERITY_COLOR = {
    Severity.ERROR: QColor("#b00000"),
    Severity.WARNING: QColor("#9a6400"),
    Severity.HINT: QColor("#2f5f9f"),
}


def where(doc, f: Finding) -> str:
    """Where a finding is, as the clerk reads it: 表三 （七）总计 自然人 / 一、总体情况."""
    form = doc.form
    if f.text is not None and f.text.section in form.text_sections:
        return form.text_sections[f.text.section].heading
    keys = doc.primary_cells(f) or f.cells
    if keys and keys[0] in form.cells:
        cell = form.cell(keys[0])
        section = form.section_of_table(cell.table)
        name = QCoreApplication.translate("where", "表%1 %2").replace("%1", section.numeral)
        name = name.replace("%2", cell.name)
        if len(keys) > 1:
            name += QCoreApplication.translate("where", " 等 %1 格").replace("%1", str(len(keys)))
        return name
    return ""


class FindingsModel(ColumnsModel):
    COLUMNS = (
        QT_TRANSLATE_NOOP("FindingsModel", "级别"),
        QT_TRANSLATE_NOOP("FindingsModel", "位置"),
        QT_TRANSLATE_NOOP("FindingsModel", "内容"),
        QT_TRANSLATE_NOOP("FindingsModel", "说明"),
    )

    def __init__(self, doc, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.findings: list[Finding] = list(doc.findings)
        doc.findingsChanged.connect(self.refresh)

    def refresh(self) -> None:
        self.beginResetModel()
        self.findings = list(self.doc.findings)
        self.endResetModel()

    def rows(self) -> list:
        return self.findings

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        f = self.row(index)
        if f is None:
            return None
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == 0:
                return f.severity.label
            if col == 1:
                return where(self.doc, f)
            if col == 2:
                return f.message
            if col == 3:
                return f.explanation or (
                    "" if not f.explainable or role == Qt.ItemDataRole.DisplayRole else self.tr("可附加说明")
                )
        if role == Qt.ItemDataRole.ForegroundRole and col == 0:
            return QBrush(SEVERITY_COLOR[f.severity])
        return None


class FindingsPanel(QWidget):
    #: a finding was clicked: jump to it
    activated = Signal(object)

    def __init__(self, doc, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.model = FindingsModel(doc, self)
        self.view = list_view(self.model, self)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        self.view.setColumnWidth(1, 220)
        self.view.setColumnWidth(3, 160)
        self.view.clicked.connect(self._clicked)
        self.view.activated.connect(self._clicked)
        self.view.selectionModel().currentRowChanged.connect(self._current)
        self.explanation = QLineEdit(self)
        self.explanation.setPlaceholderText(self.tr("为所选警告填写说明（例如：本年有文件到期自然失效）"))
        self.fix_button = QPushButton(self.tr("一键改正"), self)
        self.fix_button.setToolTip(self.tr("按所选提示改正文字（可撤销）"))
        self.fix_button.clicked.connect(self.fix)
        self.explain_button = QPushButton(self.tr("附加说明"), self)
        self.explain_button.clicked.connect(self.attach)
        self.explanation.returnPressed.connect(self.attach)
        self.title = QLabel(self.tr("检查结果"), self)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("说明："), self))
        row.addWidget(self.explanation, 1)
        row.addWidget(self.explain_button)
        row.addWidget(self.fix_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.title)
        lay.addWidget(self.view, 1)
        lay.addLayout(row)
        self._selected: Finding | None = None
        doc.findingsChanged.connect(self._refreshed)
        self._refreshed()

    def _refreshed(self) -> None:
        # keep the selection on the same finding after a re-check
        if self._selected is not None:
            for i, f in enumerate(self.model.findings):
                if f.identity == self._selected.identity:
                    self.view.selectRow(i)
                    break
            else:
                self._selected = None
        self._update_editor()

    def _current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._selected = self.model.row(current)
        self._update_editor()

    def _update_editor(self) -> None:
        f = self._selected
        can = f is not None and f.explainable and not self.doc.read_only
        self.explanation.setEnabled(can)
        self.explain_button.setEnabled(can)
        if not self.explanation.hasFocus():
            self.explanation.setText((f.explanation or "") if f is not None else "")
        # a finding that carries its correction (half-width punctuation): 一键改正
        self.fix_button.setEnabled(f is not None and bool(f.extra.get("fix")) and not self.doc.read_only)

    def _clicked(self, index: QModelIndex) -> None:
        f = self.model.row(index)
        if f is not None:
            self._selected = f
            self.activated.emit(f)

    def select(self, row: int) -> None:
        self.view.selectRow(row)
        self._selected = self.model.row(self.model.index(row, 0))
        self._update_editor()

    def attach(self) -> None:
        f = self._selected
        if f is None or not f.explainable or self.doc.read_only:
            return
        self.doc.explain(f, self.explanation.text())

    def fix(self) -> None:
        """Make the correction the selected finding offers (one undoable edit)."""
        f = self._selected
        if f is not None and f.extra.get("fix"):
            self.doc.apply_fix(f)
