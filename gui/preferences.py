"""文件 → 设置…: where the data lives (the user data folder, the archive folder — changeable, the archive
moved along —, the log folder) and the backup reminder. Paths are shown with the system's separators."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from model.files import app_data_dir, native


class PreferencesDialog(QDialog):
    def __init__(self, window: Any, parent: QWidget | None = None):
        super().__init__(parent or window)
        self.window_ = window
        self.setWindowTitle(self.tr("设置"))
        store = window.store
        self.current_root = Path(getattr(store, "archive_root", "") or "")
        self.new_root: Path | None = None

        self.data_edit = self._path_field(app_data_dir())
        self.data_edit.setObjectName("data_folder")
        self.archive_edit = self._path_field(self.current_root)
        self.archive_edit.setObjectName("archive_folder")
        from model import logs

        self.log_edit = self._path_field(logs.log_dir())
        self.log_edit.setObjectName("log_folder")

        change = QPushButton(self.tr("更改…"), self)
        change.setObjectName("change_archive")
        change.clicked.connect(self._choose_archive)
        change.setEnabled(isinstance(getattr(store, "url", None), str))

        self.reminder = QSpinBox(self)
        self.reminder.setObjectName("reminder_days")
        self.reminder.setRange(0, 365)
        self.reminder.setSuffix(self.tr(" 天"))
        self.reminder.setSpecialValueText(self.tr("不提醒"))
        self.reminder.setValue(int(window.settings.get("backup/reminder_days")))

        form = QFormLayout()
        form.addRow(self.tr("数据文件夹："), self._row(self.data_edit, self._open_button(app_data_dir())))
        form.addRow(self.tr("归档文件夹："), self._row(self.archive_edit, change))
        form.addRow(self.tr("日志文件夹："), self._row(self.log_edit, self._open_button(logs.log_dir())))
        form.addRow(self.tr("备份提醒："), self.reminder)
        hint = QLabel(
            self.tr(
                "数据库和日志保存在本机的数据文件夹中；定稿报告的归档默认在“文档\\年报归档”。"
                "更改归档文件夹时，现有的归档会一起移过去。距上次备份超过所设天数时，启动时会提醒备份。"
            ),
            self,
        )
        hint.setWordWrap(True)
        self.error = QLabel(self)
        self.error.setObjectName("preferences_error")
        self.error.setStyleSheet("color:#a30000")
        self.error.setWordWrap(True)
        self.error.hide()
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(hint)
        lay.addWidget(self.error)
        lay.addWidget(box)
        self.resize(640, self.sizeHint().height())

    def _path_field(self, path: Path) -> QLineEdit:
        edit = QLineEdit(native(path), self)
        edit.setReadOnly(True)
        edit.setCursorPosition(0)
        return edit

    def _row(self, edit: QLineEdit, button: QPushButton) -> QWidget:
        w = QWidget(self)
        lay = QHBoxLayout(w)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(edit, 1)
        lay.addWidget(button)
        return w

    def _open_button(self, folder: Path) -> QPushButton:
        b = QPushButton(self.tr("打开"), self)

        def open_folder() -> None:
            folder.mkdir(parents=True, exist_ok=True)
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

        b.clicked.connect(open_folder)
        return b

    def _choose_archive(self) -> None:
        name = QFileDialog.getExistingDirectory(
            self, self.tr("选择归档文件夹"), str(self.current_root.parent)
        )
        if name:
            self.set_archive_folder(Path(name))

    def set_archive_folder(self, folder: Path) -> None:
        self.new_root = Path(folder)
        self.archive_edit.setText(native(folder))

    def accept(self) -> None:
        """Move the archive when its folder changed (stay open with the message when it cannot be)."""
        from model.store.errors import StoreError
        from model.store.paths import move_archive, remember_archive_root

        self.window_.settings.set("backup/reminder_days", self.reminder.value())
        if self.new_root is not None and self.new_root.absolute() != self.current_root.absolute():
            try:
                move_archive(self.current_root, self.new_root)
                remember_archive_root(self.new_root)
            except StoreError as err:
                self.error.setText(str(err))
                self.error.show()
                return
            self.window_.store.archive_root = self.new_root
            self.window_.message(self.tr("归档文件夹已改为：%1").replace("%1", native(self.new_root)), 15000)
        super().accept()


def add_action(window: Any) -> QAction:
    """文件 → 设置…, before 退出."""
    act = QAction(QCoreApplication.translate("PreferencesDialog", "设置(&G)…"), window)
    act.setObjectName("act_preferences")
    act.triggered.connect(lambda: PreferencesDialog(window).open())
    window.act_preferences = act
    menu = window.menuBar().actions()[0].menu()
    if isinstance(menu, QMenu):
        before = getattr(window, "act_quit", None)
        if before is None:  # insertAction(None, …) appends, but the stubs want an action
            menu.addAction(act)
        else:
            menu.insertAction(before, act)
    return act
