"""The start page: the organs and years in the store, the recent reports, 新建 and 导入."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .backend import local_time, organ_names, status_label
from .listmodel import ColumnsModel, list_view


class ReportListModel(ColumnsModel):
    COLUMNS = (
        QT_TRANSLATE_NOOP("ReportListModel", "机关"),
        QT_TRANSLATE_NOOP("ReportListModel", "年度"),
        QT_TRANSLATE_NOOP("ReportListModel", "状态"),
        QT_TRANSLATE_NOOP("ReportListModel", "最后修改"),
    )

    def __init__(self, parent=None):
        super().__init__(parent)
        self.infos: list[Any] = []

    def set_reports(self, infos: list[Any]) -> None:
        self.beginResetModel()
        self.infos = sorted(infos, key=lambda i: i.updated_at, reverse=True)
        self.endResetModel()

    def rows(self) -> list:
        return self.infos

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        i = self.row(index)
        if i is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        col = index.column()
        if col == 0:
            return i.organ
        if col == 1:
            return self.tr("%1年度").replace("%1", str(i.year)) if i.year else ""
        if col == 2:
            return status_label(i)
        if col == 3:
            return local_time(i.updated_at)
        return None


class StartPage(QWidget):
    openRequested = Signal(int)
    newRequested = Signal()
    importRequested = Signal()
    deleteRequested = Signal(int)

    def __init__(self, store: Any, parent=None):
        super().__init__(parent)
        self.store = store
        self.organs = QListWidget(self)
        self.organs.currentTextChanged.connect(self._organ_changed)
        self.model = ReportListModel(self)
        self.view = list_view(self.model, self)
        # 机关 as wide as the names, the others beside it; the last column takes what is left
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.view.activated.connect(self._open)
        self.view.doubleClicked.connect(self._open)
        self.new_button = QPushButton(self.tr("新建年度报告…"), self)
        self.import_button = QPushButton(self.tr("导入已发布的年报…"), self)
        self.open_button = QPushButton(self.tr("打开"), self)
        self.new_button.clicked.connect(self.newRequested)
        self.import_button.clicked.connect(self.importRequested)
        self.open_button.clicked.connect(lambda: self._open(self.view.currentIndex()))
        self.delete_button = QPushButton(self.tr("删除草稿…"), self)
        self.delete_button.setToolTip(self.tr("删除误建的草稿（已定稿的报告不能删除）"))
        self.delete_button.clicked.connect(self._delete)
        self.deleted_button = QPushButton(self.tr("已删除的报告…"), self)
        self.deleted_button.clicked.connect(self.show_deleted)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        title = QLabel(self.tr("<h2>政府信息公开工作年度报告</h2>"), self)
        hint = QLabel(
            self.tr("双击一份报告打开它。也可以把已发布的年报（文本、网页或 Word 文件）拖到此窗口导入。"),
            self,
        )
        hint.setWordWrap(True)
        # while the database opens (start-up): said, with a busy bar, instead of greyed buttons alone
        self.opening = QLabel(self.tr("正在打开数据库，请稍候…（新建、导入在打开后即可使用）"), self)
        self.opening.setObjectName("opening_database")
        self.opening.setStyleSheet("color:#5a4300;")
        self.opening_bar = QProgressBar(self)
        self.opening_bar.setRange(0, 0)
        self.opening_bar.setMaximumHeight(10)
        self.opening_bar.setTextVisible(False)
        self.opening.hide()
        self.opening_bar.hide()
        self.list_title = QLabel(self)
        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("机关"), self))
        left.addWidget(self.organs)
        right = QVBoxLayout()
        right.addWidget(self.list_title)
        right.addWidget(self.view)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        buttons.addWidget(self.deleted_button)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.open_button)
        right.addLayout(buttons)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(right, 3)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 16, 24, 16)
        lay.addWidget(title)
        lay.addWidget(hint)
        lay.addWidget(self.opening)
        lay.addWidget(self.opening_bar)
        lay.addLayout(body, 1)
        self.refresh()

    def set_opening(self, opening: bool) -> None:
        """The database is being opened (start-up): say so; 新建 and 导入 wait for it."""
        self.opening.setVisible(opening)
        self.opening_bar.setVisible(opening)
        tip = self.tr("数据库正在打开，请稍候") if opening else ""
        for button in (self.new_button, self.import_button):
            button.setToolTip(tip)

    ALL = QT_TRANSLATE_NOOP("StartPage", "全部机关")

    def refresh(self) -> None:
        current = self.organs.currentItem().text() if self.organs.currentItem() else self.tr(self.ALL)
        self.organs.blockSignals(True)
        self.organs.clear()
        self.organs.addItem(self.tr(self.ALL))
        self.organs.addItems(organ_names(self.store))
        items = self.organs.findItems(current, Qt.MatchFlag.MatchExactly)
        self.organs.setCurrentItem(items[0] if items else self.organs.item(0))
        self.organs.blockSignals(False)
        self._organ_changed(self.organs.currentItem().text())

    def _organ_changed(self, organ: str) -> None:
        everything = organ == self.tr(self.ALL) or not organ
        self.model.set_reports(list(self.store.reports(None if everything else organ)))
        self.list_title.setText(self.tr("最近的报告") if everything else organ + self.tr(" 的各年度报告"))
        if self.model.rowCount():
            self.view.selectRow(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        info = self.model.row(self.view.currentIndex())
        self.open_button.setEnabled(info is not None)
        self.delete_button.setEnabled(info is not None and not getattr(info, "is_final", False))
        try:
            any_deleted = bool(self.store.deleted_reports())
        except Exception:  # noqa: BLE001 - the store still opening (or one without deleted reports)
            any_deleted = False
        self.deleted_button.setVisible(any_deleted)

    def _delete(self) -> None:
        info = self.model.row(self.view.currentIndex())
        if info is not None:
            self.deleteRequested.emit(info.id)

    def show_deleted(self) -> None:
        from .dialogs import DeletedReportsDialog

        dialog = DeletedReportsDialog(self.store, self)
        dialog.exec()
        if dialog.restored is not None:
            self.refresh()
            self.openRequested.emit(dialog.restored)

    def _open(self, index: QModelIndex) -> None:
        info = self.model.row(index)
        if info is not None:
            self.openRequested.emit(info.id)
