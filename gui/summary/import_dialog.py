"""批量导入: many units' files under a parent organ — off the UI thread, with a progress bar and a result
list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QThread, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from model.store import StoreError
from model.summary import ImportItem, collect_files, import_batch, is_summary_organ, summary_line

from ..listmodel import list_view
from .models import ImportResultModel

FILE_FILTER = QT_TRANSLATE_NOOP(
    "BatchImportDialog", "年报文件 (*.json *.txt *.htm *.html *.docx);;所有文件 (*)"
)


class ImportWorker(QThread):
    """Runs :func:`model.summary.import_batch` in a thread of its own."""

    progressed = Signal(int, int, str)
    done = Signal(list)
    failed = Signal(str)

    def __init__(self, store: Any, paths: list[Path], parent_organ: str, year: int | None, parent=None):
        super().__init__(parent)
        self.store, self.paths, self.parent_organ, self.year = store, paths, parent_organ, year
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    def run(self) -> None:
        def progress(done: int, total: int, path: Path | None) -> None:
            self.progressed.emit(done, total, path.name if path else "")

        try:
            items = import_batch(
                self.store, self.paths, self.parent_organ, self.year, progress, lambda: self._cancel
            )
        except StoreError as err:
            self.failed.emit(str(err))
            return
        except Exception as err:  # never a traceback for the clerk
            self.failed.emit(self.tr("导入中断：%1").replace("%1", f"{err.__class__.__name__}: {err}"))
            return
        self.done.emit(items)


class BatchImportDialog(QDialog):
    """Choose a parent organ and a folder or files; import; see what became of each file."""

    imported = Signal(list)

    def __init__(self, store: Any, parent_organ: str = "", parent=None):
        super().__init__(parent)
        self.store = store
        self.paths: list[Path] = []
        self.items: list[ImportItem] = []
        self.worker: ImportWorker | None = None
        self.setWindowTitle(self.tr("批量导入所属单位的年报"))
        self.resize(820, 560)

        self.parent_box = QComboBox(self)
        self.parent_box.setEditable(True)
        self.parent_box.setObjectName("parent_organ")
        names = [o.name for o in store.organs() if not is_summary_organ(o)]
        self.parent_box.addItems(names)
        self.parent_box.setCurrentText(parent_organ or (names[0] if names else ""))
        self.year_box = QSpinBox(self)
        self.year_box.setRange(0, 2100)
        self.year_box.setSpecialValueText(self.tr("按文件"))
        self.year_box.setValue(0)
        self.year_box.setToolTip(self.tr("文件中没有写明年度时使用的年度"))
        self.chosen = QLabel(self.tr("尚未选择文件"), self)
        folder_btn = QPushButton(self.tr("选择文件夹…"), self)
        files_btn = QPushButton(self.tr("选择文件…"), self)
        folder_btn.clicked.connect(self.choose_folder)
        files_btn.clicked.connect(self.choose_files)
        pick = QHBoxLayout()
        pick.addWidget(folder_btn)
        pick.addWidget(files_btn)
        pick.addWidget(self.chosen, 1)

        form = QFormLayout()
        form.addRow(self.tr("上级机关（汇总单位）："), self.parent_box)
        form.addRow(self.tr("年度："), self.year_box)
        form.addRow(self.tr("文件："), pick)

        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("")
        self.status = QLabel("", self)
        self.model = ImportResultModel(self)
        self.table = list_view(self.model, self, single_selection=False)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)

        self.buttons = QDialogButtonBox(self)
        self.start_btn = self.buttons.addButton(self.tr("开始导入"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_btn = self.buttons.addButton(self.tr("停止"), QDialogButtonBox.ButtonRole.ActionRole)
        self.close_btn = self.buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        self.start_btn.clicked.connect(self.start)
        self.cancel_btn.clicked.connect(self.cancel)
        self.close_btn.clicked.connect(self.reject)
        self.start_btn.setEnabled(False)
        self.cancel_btn.setEnabled(False)

        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.progress)
        lay.addWidget(self.status)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.buttons)

    # --- choosing -------------------------------------------------------------------------------

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择存放各单位年报的文件夹"))
        if folder:
            self.set_paths([Path(folder)])

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, self.tr("选择各单位的年报文件"), "", self.tr(FILE_FILTER)
        )
        if files:
            self.set_paths([Path(f) for f in files])

    def set_paths(self, paths: list[Path]) -> None:
        self.paths = list(paths)
        n = len(collect_files(self.paths))
        where = (
            self.paths[0] if len(self.paths) == 1 else self.tr("%1 项").replace("%1", str(len(self.paths)))
        )
        self.chosen.setText(self.tr("%1：找到 %2 个文件").replace("%1", str(where)).replace("%2", str(n)))
        self.start_btn.setEnabled(n > 0)

    # --- running --------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.isRunning()

    def start(self) -> None:
        parent_organ = self.parent_box.currentText().strip()
        if not parent_organ:
            QMessageBox.warning(self, self.tr("批量导入"), self.tr("请填写上级机关（汇总单位）的名称。"))
            return
        if not self.paths or self.running:
            return
        self.model.set_items([])
        self.progress.setRange(0, max(1, len(collect_files(self.paths))))
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("%v / %m"))
        year = self.year_box.value() or None
        self.worker = ImportWorker(self.store, self.paths, parent_organ, year, self)
        self.worker.progressed.connect(self._progress)
        self.worker.done.connect(self._done)
        self.worker.failed.connect(self._failed)
        self.worker.finished.connect(self._finished)
        self.start_btn.setEnabled(False)
        self.cancel_btn.setEnabled(True)
        self.close_btn.setEnabled(False)
        self.worker.start()

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.status.setText(self.tr("正在停止（当前文件导入完毕后停止）…"))

    def _progress(self, done: int, total: int, name: str) -> None:
        self.progress.setMaximum(max(1, total))
        self.progress.setValue(done)
        if name:
            self.status.setText(self.tr("正在导入 %1…").replace("%1", name))

    def _done(self, items: list) -> None:
        self.items = items
        self.model.set_items(items)
        self.table.resizeColumnsToContents()
        self.status.setText(summary_line(items) + "。")
        self.imported.emit(items)

    def _failed(self, text: str) -> None:
        self.status.setText(text)
        QMessageBox.warning(self, self.tr("批量导入"), text)

    def _finished(self) -> None:
        self.start_btn.setEnabled(bool(self.paths))
        self.cancel_btn.setEnabled(False)
        self.close_btn.setEnabled(True)

    def reject(self) -> None:
        if self.running:
            return  # the close button is disabled while importing; Esc waits too
        super().reject()

    def closeEvent(self, e) -> None:
        if self.running:
            e.ignore()
            return
        super().closeEvent(e)
