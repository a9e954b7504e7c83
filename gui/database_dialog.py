"""文件 → 选择数据库…: open an existing SQLite file, create a new one, or enter a PostgreSQL server's URL; the
window then works on that database, and it is the one opened from now on (saved by
:func:`model.store.remember_db_url`; the global ``--db URL`` option and ``NIANBAO_DB`` still come first).

``choose_database(window)`` runs the dialog and switches the window; :class:`DatabaseDialog` is the dialog.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from model.store import StoreError, default_db_url, remember_db_url, remembered_db_url, sqlite_url
from model.store.db import engine_url, is_postgresql_url
from model.store.paths import DB_FILE, app_data_dir

EXISTING, NEW, SERVER, DEFAULT = "existing", "new", "server", "default"
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")


def _describe(url: str) -> str:
    """A SQLite file as its path, a server's URL without its password."""
    from model.store.db import describe

    path = _sqlite_path(url)
    return str(path) if path is not None else describe(url)


def _sqlite_path(url: str) -> Path | None:
    from model.store.db import sqlite_path

    try:
        return sqlite_path(url)
    except Exception:  # an unparsable URL is no SQLite file
        return None


class DatabaseDialog(QDialog):
    """Choose the database: ``url()`` after ``exec()`` is the chosen one (None to keep the current one)."""

    def __init__(self, current_url: str = "", parent: QWidget | None = None, opener=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("选择数据库"))
        self.current_url = current_url
        #: opens a store for a URL (raises StoreError); the chosen store is handed on in ``store``
        self.opener = opener
        self.store: Any = None
        self._url: str | None = None

        current = QLabel(
            self.tr("当前数据库：%1").replace("%1", _describe(current_url) if current_url else "—")
        )
        current.setObjectName("current_db")
        current.setWordWrap(True)

        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        grid = QGridLayout()
        self.existing_edit = QLineEdit(self)
        self.existing_edit.setObjectName("existing_path")
        self.new_edit = QLineEdit(self)
        self.new_edit.setObjectName("new_path")
        self.server_edit = QLineEdit(self)
        self.server_edit.setObjectName("server_url")
        self.server_edit.setPlaceholderText(self.tr("postgresql://用户名:密码@服务器:5432/数据库名"))
        browse_existing = QPushButton(self.tr("浏览…"), self)
        browse_existing.clicked.connect(self._browse_existing)
        browse_new = QPushButton(self.tr("浏览…"), self)
        browse_new.clicked.connect(self._browse_new)
        rows = (
            (EXISTING, self.tr("打开已有的数据库文件"), self.existing_edit, browse_existing),
            (NEW, self.tr("新建数据库文件"), self.new_edit, browse_new),
            (SERVER, self.tr("PostgreSQL 服务器（多台电脑共用）"), self.server_edit, None),
            (DEFAULT, self.tr("默认位置（用户数据文件夹中的数据库文件）"), None, None),
        )
        for row, (key, text, edit, button) in enumerate(rows):
            radio = QRadioButton(text, self)
            radio.setObjectName(f"choice_{key}")
            self.group.addButton(radio)
            self.buttons[key] = radio
            grid.addWidget(radio, row, 0)
            if edit is not None:
                grid.addWidget(edit, row, 1)
                edit.textEdited.connect(lambda _text, r=radio: r.setChecked(True))
            if button is not None:
                grid.addWidget(button, row, 2)
        grid.setColumnStretch(1, 1)
        default_path = app_data_dir() / DB_FILE
        self.default_label = QLabel(str(default_path), self)
        self.default_label.setWordWrap(True)
        grid.addWidget(self.default_label, len(rows), 1, 1, 2)

        self.note = QLabel(self)
        self.note.setObjectName("db_note")
        self.note.setWordWrap(True)
        notes = []
        if os.environ.get("NIANBAO_DB"):
            notes.append(
                self.tr("注意：环境变量 NIANBAO_DB 已设置，下次启动时仍以它为准；这里的选择只在本次生效。")
            )
        notes.append(self.tr("选择后窗口改用该数据库，以后启动时也打开它（命令行的 --db 选项优先）。"))
        self.note.setText("\n".join(notes))

        self.error = QLabel(self)
        self.error.setObjectName("db_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#a30000")
        self.error.hide()

        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        self.button_box = box

        lay = QVBoxLayout(self)
        lay.addWidget(current)
        lay.addLayout(grid)
        lay.addWidget(self.note)
        lay.addWidget(self.error)
        lay.addWidget(box)
        self._preset(current_url)
        self.resize(640, self.sizeHint().height())

    def _preset(self, url: str) -> None:
        path = _sqlite_path(url) if url else None
        if url and path is None:
            self.server_edit.setText(url)
            self.buttons[SERVER].setChecked(True)
        elif path is not None and path != app_data_dir() / DB_FILE:
            self.existing_edit.setText(str(path))
            self.buttons[EXISTING].setChecked(True)
        else:
            self.buttons[DEFAULT].setChecked(True)

    def _browse_existing(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("打开数据库文件"),
            self.existing_edit.text(),
            self.tr("年报数据库 (*.sqlite *.sqlite3 *.db);;所有文件 (*)"),
        )
        if name:
            self.existing_edit.setText(name)
            self.buttons[EXISTING].setChecked(True)

    def _browse_new(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("新建数据库文件"),
            self.new_edit.text() or self.tr("年报.sqlite"),
            self.tr("年报数据库 (*.sqlite)"),
        )
        if name:
            self.new_edit.setText(name)
            self.buttons[NEW].setChecked(True)

    def choice(self) -> str:
        for key, radio in self.buttons.items():
            if radio.isChecked():
                return key
        return DEFAULT

    def chosen_url(self) -> str:
        """The URL the dialog's fields name; :class:`StoreError` with a Chinese message when they name none."""
        choice = self.choice()
        if choice == DEFAULT:
            return sqlite_url(app_data_dir() / DB_FILE)
        if choice == SERVER:
            url = self.server_edit.text().strip()
            if not url:
                raise StoreError(self.tr("请填写 PostgreSQL 服务器的地址。"))
            if not is_postgresql_url(url):
                raise StoreError(
                    self.tr("服务器地址应以 postgresql:// 开头，例如 %1。").replace(
                        "%1", "postgresql://nianbao:password@192.168.1.10:5432/nianbao"
                    )
                )
            return engine_url(url)
        edit = self.existing_edit if choice == EXISTING else self.new_edit
        text = edit.text().strip()
        if not text:
            raise StoreError(self.tr("请选择数据库文件。"))
        path = Path(text).expanduser()
        if choice == EXISTING:
            if not path.is_file():
                raise StoreError(self.tr("文件不存在：%1").replace("%1", str(path)))
        else:
            if path.suffix.lower() not in SQLITE_SUFFIXES:
                path = path.with_name(path.name + ".sqlite")
            if path.exists():
                raise StoreError(
                    self.tr("文件已经存在：%1。要使用它，请选择“打开已有的数据库文件”。").replace(
                        "%1", str(path)
                    )
                )
            if not path.parent.is_dir():
                raise StoreError(self.tr("文件夹不存在：%1").replace("%1", str(path.parent)))
        return sqlite_url(path.absolute())

    def accept(self) -> None:
        """Open the chosen database (a new file is created, an older one upgraded); stay open with the
        message when it cannot be opened."""
        try:
            url = self.chosen_url()
            if self.opener is not None:
                self.store = self.opener(url)
        except StoreError as err:
            self.error.setText(str(err))
            self.error.show()
            return
        self._url = url
        super().accept()

    def url(self) -> str | None:
        return self._url


def _open(url: str) -> Any:
    from model.store import Store

    return Store.open(url)


def choose_database(window: Any, dialog: DatabaseDialog | None = None) -> bool:
    """Run the dialog over ``window`` (a :class:`gui.main_window.MainWindow`); on a choice, close the open
    report, switch the window (and its start page) to the new database, close the old one and remember the
    choice. Returns whether the database changed."""
    current = getattr(window.store, "url", "")
    current = current if isinstance(current, str) else ""  # the store may still be opening
    dialog = dialog or DatabaseDialog(current, window, opener=_open)
    if dialog.opener is None:
        dialog.opener = _open
    if not dialog.exec() or dialog.store is None:
        return False
    new, old = dialog.store, window.store
    url = dialog.url() or ""
    window.close_report()
    window.store = new
    start = getattr(window, "start", None)
    if start is not None:
        start.store = new
        start.refresh()
    window.settings.last_report = 0
    if old is not None and old is not new and hasattr(old, "close"):
        old.close()
    app = QCoreApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(new.close)
    try:
        # the default is remembered as "no choice", so that a later move of the user data folder follows
        remember_db_url(None if url == sqlite_url(app_data_dir() / DB_FILE) else url)
    except StoreError as err:
        QMessageBox.warning(
            window,
            QCoreApplication.translate("DatabaseDialog", "选择数据库"),
            QCoreApplication.translate("DatabaseDialog", "数据库已切换，但选择未能保存：%1").replace(
                "%1", str(err)
            ),
        )
    if hasattr(window, "_update"):
        window._update()
    window.message(
        QCoreApplication.translate("DatabaseDialog", "已改用数据库：%1").replace("%1", _describe(url))
    )
    if note := getattr(new, "network_note", None):  # a SQLite file on a network share: said at once
        QMessageBox.information(window, QCoreApplication.translate("DatabaseDialog", "选择数据库"), note)
    if upgraded := getattr(new, "upgrade_backup", None):
        window.message(
            QCoreApplication.translate("DatabaseDialog", "数据库已升级到新版本；升级前的备份：%1").replace(
                "%1", str(upgraded)
            ),
            15000,
        )
    return True


__all__ = ["DatabaseDialog", "choose_database", "default_db_url", "remembered_db_url"]
