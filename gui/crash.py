"""When the program fails: Qt's own messages go to the log (``qInstallMessageHandler``), and an uncaught
error (any thread) is logged by :func:`model.logs.install_hooks` and said to the clerk in a Chinese message
box with 复制错误信息 and 打开日志文件夹. Every edit is saved at once, so the report is safe.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import (
    QCoreApplication,
    QMessageLogContext,
    QObject,
    Qt,
    QtMsgType,
    QUrl,
    Signal,
    Slot,
    qInstallMessageHandler,
)
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from model import logs

qt_log = logging.getLogger("nianbao.qt")

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def qt_message_handler(mode: QtMsgType, context: QMessageLogContext | None, message: str) -> None:
    where = ""
    if context is not None and getattr(context, "file", None):
        where = f" ({context.file}:{context.line})"
    qt_log.log(_LEVELS.get(mode, logging.WARNING), "%s%s", message, where)


class CrashReporter(QObject):
    """Lives on the UI thread; :meth:`report` may be called from any thread."""

    _show = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.box: QMessageBox | None = None
        self.shown = 0
        self._show.connect(self._on_show, Qt.ConnectionType.QueuedConnection)

    def report(self, text: str) -> None:
        self._show.emit(text)

    @Slot(str)
    def _on_show(self, text: str) -> None:
        self.shown += 1
        if self.box is not None and self.box.isVisible():
            self.box.setDetailedText(self.box.detailedText() + "\n\n" + text)
            return
        self.box = crash_box(text)
        self.box.open()


def crash_box(text: str) -> QMessageBox:
    """The message box for an unexpected error ``text`` (a traceback)."""
    from .app import app_name

    parent = QApplication.activeWindow()
    box = QMessageBox(parent)
    box.setObjectName("crash_box")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(app_name())
    box.setText(
        QCoreApplication.translate(
            "CrashBox",
            "程序遇到了意外的错误。已做的修改都已保存，报告不会丢失。\n\n"
            "错误的详细信息已写入日志文件。请把它告诉技术支持：点“复制错误信息”后粘贴到邮件或聊天中，"
            "或点“打开日志文件夹”把日志文件发过去。",
        )
    )
    box.setDetailedText(text)
    copy = box.addButton(
        QCoreApplication.translate("CrashBox", "复制错误信息"), QMessageBox.ButtonRole.ActionRole
    )
    copy.setObjectName("copy_error")
    folder = box.addButton(
        QCoreApplication.translate("CrashBox", "打开日志文件夹"), QMessageBox.ButtonRole.ActionRole
    )
    folder.setObjectName("open_log_folder")
    box.addButton(QMessageBox.StandardButton.Close)
    # the action buttons must not close the box: disconnect the default, do the action
    copy.clicked.disconnect()
    folder.clicked.disconnect()
    copy.clicked.connect(lambda: copy_error(box.detailedText()))
    folder.clicked.connect(open_log_folder)
    return box


def copy_error(text: str) -> None:
    path = logs.log_file()
    QGuiApplication.clipboard().setText(
        QCoreApplication.translate("CrashBox", "%1\n日志文件：%2")
        .replace("%1", text)
        .replace("%2", str(path))
    )


def open_log_folder() -> bool:
    folder = logs.log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def install(app: QApplication) -> CrashReporter:
    """The log, the hooks and Qt's message handler, for the window's process."""
    logs.setup_logging()
    reporter = CrashReporter(app)
    logs.install_hooks(reporter.report)
    qInstallMessageHandler(qt_message_handler)
    app._nianbao_crash = reporter  # type: ignore[attr-defined]
    return reporter
