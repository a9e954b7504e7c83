"""Small dialogs: a new year's report, the history of a report."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, QModelIndex, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QVBoxLayout,
)

from model.form import FORM_2021
from model.store.wording import describe

from .backend import local_time
from .listmodel import ColumnsModel, list_view


def default_new(store: Any) -> tuple[str, int]:
    """Organ and year pre-filled for a new report: the organ last worked on, the year after its last."""
    reports = list(store.reports())
    this_year = _dt.date.today().year
    if not reports:
        return "", this_year - 1
    last = max(reports, key=lambda i: i.updated_at)
    years = [i.year for i in reports if i.organ == last.organ and i.year]
    return last.organ, (max(years) + 1) if years else this_year - 1


class NewReportDialog(QDialog):
    def __init__(self, organs: list[str], organ: str, year: int, parent=None, *, title: str | None = None):
        super().__init__(parent)
        self.setWindowTitle(title or self.tr("新建年度报告"))
        self.organ = QComboBox(self)
        self.organ.setEditable(True)
        self.organ.addItems(organs)
        self.organ.setCurrentText(organ)
        self.organ.setMinimumWidth(320)
        self.year = QSpinBox(self)
        self.year.setRange(2008, 2100)
        self.year.setValue(year)
        self.copy_prose = QCheckBox(
            self.tr("沿用上一年度报告的文字作底稿（其中的年份和数字须改为本年度的，程序会逐一标出）"), self
        )
        form = QFormLayout()
        form.addRow(self.tr("机关名称："), self.organ)
        form.addRow(self.tr("报告年度："), self.year)
        form.addRow("", self.copy_prose)
        self.message = QLabel(self)
        self.message.setStyleSheet("color: #a30000")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.message)
        lay.addWidget(buttons)

    def values(self) -> tuple[str, int, bool]:
        return self.organ.currentText().strip(), self.year.value(), self.copy_prose.isChecked()

    def _accept(self) -> None:
        if not self.organ.currentText().strip():
            self.message.setText(self.tr("请填写机关名称。"))
            return
        self.accept()


class Step:
    """One user action in the history: every revision of one version (a paste of 154 cells, a fill, one
    cell typed, a stretch of typing, a restore) is one row."""

    def __init__(self, revisions: list[Any]):
        self.revisions = revisions
        last = revisions[-1]
        self.version, self.at, self.id = last.version, last.at, last.id

    def lines(self) -> list[str]:
        return [describe(r) for r in self.revisions]

    def describe(self) -> str:
        revs = self.revisions
        restore = next((r for r in revs if r.what == "restore"), None)
        if restore is not None:
            return QCoreApplication.translate("HistoryModel", "恢复到版本%1").replace("%1", str(restore.new))
        if len(revs) == 1:
            return self.lines()[0]
        cells = [r for r in revs if r.what == "cell"]
        if len(cells) == len(revs):
            names = []
            for r in cells[:3]:
                cell = FORM_2021.cells.get(r.key or "")
                names.append(cell.name if cell else (r.key or ""))
            more = QCoreApplication.translate("HistoryModel", "等") if len(cells) > 3 else ""
            return (
                QCoreApplication.translate("HistoryModel", "修改%1格：%2")
                .replace("%1", str(len(cells)))
                .replace("%2", "、".join(names) + more)
            )
        return "；".join(self.lines()[:3]) + ("…" if len(revs) > 3 else "")


def group_steps(revisions: list[Any]) -> list[Step]:
    """The revisions grouped by version (one row per user action), in the order they were made."""
    steps: dict[int, list[Any]] = {}
    for r in sorted(revisions, key=lambda r: (r.version, r.id)):
        steps.setdefault(r.version, []).append(r)
    return [Step(revs) for revs in steps.values()]


class HistoryModel(ColumnsModel):
    """The history of a report, newest first, one row per user action: when, what changed, the version
    after it."""

    COLUMNS = (
        QT_TRANSLATE_NOOP("HistoryModel", "时间"),
        QT_TRANSLATE_NOOP("HistoryModel", "修改"),
        QT_TRANSLATE_NOOP("HistoryModel", "版本"),
    )

    def __init__(self, revisions: list[Any], parent=None):
        super().__init__(parent)
        self.revisions = list(reversed(group_steps(revisions)))

    def rows(self) -> list:
        return self.revisions

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        r = self.row(index)
        if r is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            col = index.column()
            if col == 0:
                return local_time(r.at, "%Y-%m-%d %H:%M:%S")
            if col == 1:
                if role == Qt.ItemDataRole.ToolTipRole:
                    lines = r.lines()
                    return "\n".join(lines[:40]) + ("\n…" if len(lines) > 40 else "")
                text = r.describe()
                return text if len(text) <= 80 else text[:79] + "…"
            if col == 2:
                return str(r.version)
        return None


class HistoryDialog(QDialog):
    """The revisions of a report, newest first; 恢复到此版本 brings the report back to a revision."""

    def __init__(self, doc, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.setWindowTitle(self.tr("修改历史"))
        self.resize(820, 480)
        self.model = HistoryModel(doc.history(), self)
        self.view = list_view(self.model, self)
        # 时间 and 版本 as wide as they need, 修改 takes the rest (elided): 版本 is never scrolled away
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.restore_button = buttons.addButton(
            self.tr("恢复到此版本"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.restore)
        buttons.rejected.connect(self.reject)
        self.view.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self.restore_button.setEnabled(cur.isValid() and not doc.read_only)
        )
        lay = QVBoxLayout(self)
        lay.addWidget(
            QLabel(
                self.tr(
                    "每一次修改都已保存。选中一个版本，可以把报告恢复到那时的样子（恢复也记入历史，随时可以再恢复回来）。"
                ),
                self,
            )
        )
        lay.addWidget(self.view)
        lay.addWidget(buttons)

    def selected_version(self) -> int | None:
        return getattr(self.model.row(self.view.currentIndex()), "version", None)

    def restore(self) -> None:
        version = self.selected_version()
        if version is not None and self.doc.restore(version):
            self.accept()


class DeletedReportsModel(ColumnsModel):
    COLUMNS = (
        QT_TRANSLATE_NOOP("DeletedReportsModel", "机关"),
        QT_TRANSLATE_NOOP("DeletedReportsModel", "年度"),
        QT_TRANSLATE_NOOP("DeletedReportsModel", "删除时间"),
    )

    def __init__(self, infos: list[Any], parent=None):
        super().__init__(parent)
        self.infos = infos

    def rows(self) -> list:
        return self.infos

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        i = self.row(index)
        if i is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (i.organ, self.tr("%1年度").replace("%1", str(i.year)), local_time(i.updated_at))[
            index.column()
        ]


class DeletedReportsDialog(QDialog):
    """The drafts deleted by mistake; 恢复 brings one back (with its whole history)."""

    def __init__(self, store: Any, parent=None):
        super().__init__(parent)
        self.store = store
        self.restored: int | None = None
        self.setWindowTitle(self.tr("已删除的报告"))
        self.resize(640, 360)
        self.model = DeletedReportsModel(store.deleted_reports(), self)
        self.view = list_view(self.model, self)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.view.setWordWrap(False)
        self.message = QLabel(
            self.tr("选中一份报告，点“恢复”，它就回到报告列表中，内容和修改历史都在。"), self
        )
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.restore_button = buttons.addButton(self.tr("恢复"), QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.restore)
        buttons.rejected.connect(self.reject)
        self.view.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self.restore_button.setEnabled(cur.isValid())
        )
        lay = QVBoxLayout(self)
        lay.addWidget(self.message)
        lay.addWidget(self.view)
        lay.addWidget(buttons)

    def restore(self) -> None:
        from .backend import StoreError

        info = self.model.row(self.view.currentIndex())
        if info is None:
            return
        try:
            self.store.undelete(info.id)
        except StoreError as err:
            self.message.setText(str(err))
            self.message.setStyleSheet("color:#a30000;")
            return
        self.restored = info.id
        self.accept()


class DateDialog(QDialog):
    """The report's 成文日期 (the date under the organ's name at the end)."""

    def __init__(self, iso: str | None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("成文日期"))
        self.edit = QDateEdit(self)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat(self.tr("yyyy年M月d日"))
        date = QDate.fromString(iso or "", "yyyy-MM-dd")
        self.edit.setDate(date if date.isValid() else QDate.currentDate())
        form = QFormLayout()
        form.addRow(self.tr("成文日期："), self.edit)
        note = QLabel(self.tr("印在落款处机关名称之下；定稿和签章前必须填写。"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(buttons)

    def iso(self) -> str:
        return self.edit.date().toString("yyyy-MM-dd")


def ask_date(parent, iso: str | None) -> str | None:
    """The date the clerk chose (ISO), or None when cancelled."""
    dlg = DateDialog(iso, parent)
    return dlg.iso() if dlg.exec() == QDialog.DialogCode.Accepted else None
