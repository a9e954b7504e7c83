"""批量导入: many units' files under a parent organ — off the UI thread, with a progress bar and a result
list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
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
    QStyledItemDelegate,
    QVBoxLayout,
)

from model.store import StoreError
from model.summary import ImportItem, collect_files, import_batch, is_summary_organ, summary_line
from model.summary.batch import import_fixed

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


class FixWorker(QThread):
    """Imports again, in a thread of its own, the failed files whose unit and year the clerk filled in."""

    done = Signal(list)  # [(row, ImportItem)]

    def __init__(
        self, store: Any, jobs: list[tuple[int, ImportItem]], items: list, parent_organ: str, parent=None
    ):
        super().__init__(parent)
        self.store, self.jobs, self.items, self.parent_organ = store, jobs, items, parent_organ

    def run(self) -> None:
        out = []
        items = list(self.items)
        for row, item in self.jobs:
            try:
                new = import_fixed(self.store, item, self.parent_organ, item.organ, int(item.year), items)
            except Exception as err:  # noqa: BLE001 - never a traceback for the clerk
                new = ImportItem(
                    item.path, "failed", item.organ, item.year, reason=f"{err.__class__.__name__}: {err}"
                )
            items[row] = new
            out.append((row, new))
        self.done.emit(out)


class OrganDelegate(QStyledItemDelegate):
    """The 单位 of a failed row: typed, or picked from the organs in the store."""

    def __init__(self, names: list[str], parent=None):
        super().__init__(parent)
        self.names = names

    def createEditor(self, parent, option, index):  # noqa: N802
        if index.column() != 2:
            return super().createEditor(parent, option, index)
        box = QComboBox(parent)
        box.setEditable(True)
        box.addItems(self.names)
        return box

    def setEditorData(self, editor, index):  # noqa: N802
        if isinstance(editor, QComboBox):
            editor.setCurrentText(index.data(Qt.ItemDataRole.EditRole) or "")
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText())
        else:
            super().setModelData(editor, model, index)


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
        # a failed row is fixed in place: double-click (or type into) its 单位 / 年度
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setItemDelegate(OrganDelegate(names, self.table))
        self.model.dataChanged.connect(lambda *_: self._update_fix())
        self.fix_hint = QLabel(
            self.tr("导入失败的文件：在“单位”“年度”两栏填写或选择（双击单元格），再点“导入改正的行”。"), self
        )
        self.fix_hint.setWordWrap(True)
        self.fix_hint.setStyleSheet("color:#5a4300;")
        self.fix_hint.hide()
        self.fix_worker: FixWorker | None = None

        self.buttons = QDialogButtonBox(self)
        self.start_btn = self.buttons.addButton(self.tr("开始导入"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_btn = self.buttons.addButton(self.tr("停止"), QDialogButtonBox.ButtonRole.ActionRole)
        self.fix_btn = self.buttons.addButton(self.tr("导入改正的行"), QDialogButtonBox.ButtonRole.ActionRole)
        self.fix_btn.clicked.connect(self.import_fixed_rows)
        self.fix_btn.setEnabled(False)
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
        lay.addWidget(self.fix_hint)
        lay.addWidget(self.buttons)

    # --- choosing -------------------------------------------------------------------------------

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择存放各单位年报的文件夹"), self._start())
        if folder:
            self._used(folder)
            self.set_paths([Path(folder)])

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, self.tr("选择各单位的年报文件"), self._start(), self.tr(FILE_FILTER)
        )
        if files:
            self._used(files[0])
            self.set_paths([Path(f) for f in files])

    def _start(self) -> str:
        from ..settings import Settings

        return Settings().start_folder()

    def _used(self, path: str) -> None:
        from ..settings import Settings

        Settings().used_folder(path)

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
        if any(not i.ok for i in items):  # room to type or pick a unit in a failed row
            self.table.setColumnWidth(2, max(self.table.columnWidth(2), 240))
            self.table.setColumnWidth(3, max(self.table.columnWidth(3), 70))
        self.status.setText(summary_line(items) + "。")
        self._update_fix()
        self.imported.emit(items)

    def _update_fix(self) -> None:
        failed = any(not i.ok for i in self.model.items)
        self.fix_hint.setVisible(failed)
        self.fix_btn.setEnabled(
            bool(self.model.fixed_rows()) and not self.running and self.fix_worker is None
        )

    def import_fixed_rows(self) -> None:
        """The failed rows with a unit and a year filled in, imported again (off the UI thread)."""
        parent_organ = self.parent_box.currentText().strip()
        rows = self.model.fixed_rows()
        if not rows or not parent_organ or self.fix_worker is not None:
            return
        jobs = [(r, self.model.items[r]) for r in rows]
        self.fix_worker = FixWorker(self.store, jobs, list(self.model.items), parent_organ, self)
        self.fix_worker.done.connect(self._fixed)
        self.fix_btn.setEnabled(False)
        self.status.setText(self.tr("正在导入改正的 %1 个文件…").replace("%1", str(len(jobs))))
        self.fix_worker.start()

    def _fixed(self, results: list) -> None:
        worker, self.fix_worker = self.fix_worker, None
        if worker is not None:
            worker.wait()
            worker.deleteLater()
        for row, item in results:
            self.model.replace(row, item)
        self.items = list(self.model.items)
        self.status.setText(summary_line(self.items) + "。")
        self._update_fix()
        self.imported.emit([item for _row, item in results if item.ok])

    def _failed(self, text: str) -> None:
        self.status.setText(text)
        QMessageBox.warning(self, self.tr("批量导入"), text)

    def _finished(self) -> None:
        self.start_btn.setEnabled(bool(self.paths))
        self.cancel_btn.setEnabled(False)
        self.close_btn.setEnabled(True)

    def reject(self) -> None:
        if self.running or self.fix_worker is not None:
            return  # the close button is disabled while importing; Esc waits too
        super().reject()

    def closeEvent(self, e) -> None:
        if self.running:
            e.ignore()
            return
        super().closeEvent(e)
