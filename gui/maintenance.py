"""文件 → 备份…, 从备份恢复…, 核验归档…: thin over :mod:`model.store.maintenance`, run as :mod:`gui.tasks`
off the UI thread with progress; and the reminder when the last backup is older than the setting says.

``add_actions(window)`` puts the three items into the window's 文件 menu. Each entry point takes the file
as an optional argument (the tests give it; the clerk is asked with a file dialog). The outcome is said in
a window-modal message box opened with ``open()`` (kept in ``window.maintenance_box``) and in the status bar.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from model.files import documents_dir, native

from .tasks import Task, run_task


def add_actions(window: Any) -> list[QAction]:
    """文件 → 备份…, 从备份恢复…, 核验归档…, before 选择数据库… (or at the end of the 文件 menu)."""
    menu = window.menuBar().actions()[0].menu() if window.menuBar().actions() else None
    window.act_backup = QAction(QCoreApplication.translate("Maintenance", "备份(&B)…"), window)
    window.act_backup.setObjectName("act_backup")
    window.act_backup.setStatusTip(
        QCoreApplication.translate("Maintenance", "把数据库和归档备份为一个 .zip 文件")
    )
    window.act_backup.triggered.connect(lambda: backup(window))
    window.act_restore = QAction(QCoreApplication.translate("Maintenance", "从备份恢复(&R)…"), window)
    window.act_restore.setObjectName("act_restore")
    window.act_restore.setStatusTip(
        QCoreApplication.translate("Maintenance", "用一个 .zip 备份替换数据库和归档（先完整检查备份）")
    )
    window.act_restore.triggered.connect(lambda: restore(window))
    window.act_verify_archive = QAction(QCoreApplication.translate("Maintenance", "核验归档(&V)…"), window)
    window.act_verify_archive.setObjectName("act_verify_archive")
    window.act_verify_archive.setStatusTip(
        QCoreApplication.translate("Maintenance", "重新计算归档中每个文件的 SHA-256，找出被改动或缺失的文件")
    )
    window.act_verify_archive.triggered.connect(lambda: verify(window))
    actions = [window.act_backup, window.act_restore, window.act_verify_archive]
    if isinstance(menu, QMenu):
        before = getattr(window, "act_database", None) or getattr(window, "act_close", None)
        for a in actions:
            if before is None:  # insertAction(None, …) appends, but the stubs want an action
                menu.addAction(a)
            else:
                menu.insertAction(before, a)
        if before is None:
            menu.addSeparator()
        else:
            menu.insertSeparator(before)
    return actions


def _store_ready(window: Any) -> bool:
    store = window.store
    if not isinstance(getattr(store, "url", None), str):
        _say(
            window,
            QMessageBox.Icon.Information,
            QCoreApplication.translate("Maintenance", "数据库正在打开，请稍候再试。"),
        )
        return False
    return True


def _say(window: Any, icon: QMessageBox.Icon, text: str, detail: str = "") -> QMessageBox:
    from .app import app_name

    box = QMessageBox(icon, app_name(), text, QMessageBox.StandardButton.Ok, window)
    box.setObjectName("maintenance_box")
    if detail:
        box.setDetailedText(detail)
    window.maintenance_box = box
    box.open()
    return box


def _busy(window: Any) -> bool:
    task = getattr(window, "maintenance_task", None)
    return isinstance(task, Task) and task.is_running()


# -------------------------------------------------------------------------------------------------
# 备份…


def backup(window: Any, path: Path | str | None = None) -> Task | None:
    from model.store.maintenance import backup_store, default_backup_name

    if _busy(window) or not _store_ready(window):
        return None
    if window.store.path is None:
        _say(
            window,
            QMessageBox.Icon.Information,
            QCoreApplication.translate(
                "Maintenance", "数据库在 PostgreSQL 服务器上，备份由服务器管理员负责（pg_dump）。"
            ),
        )
        return None
    if path is None:
        start = str(documents_dir() / default_backup_name())
        name, _ = QFileDialog.getSaveFileName(
            window,
            QCoreApplication.translate("Maintenance", "备份到"),
            start,
            QCoreApplication.translate("Maintenance", "年报备份 (*.zip)"),
        )
        if not name:
            return None
        path = name
    path = Path(path)
    if path.suffix.lower() != ".zip":
        path = path.with_name(path.name + ".zip")

    def finished(out: Path) -> None:
        window.message(
            QCoreApplication.translate("Maintenance", "已备份到：%1").replace("%1", native(out)), 15000
        )
        _say(
            window,
            QMessageBox.Icon.Information,
            QCoreApplication.translate("Maintenance", "已备份到：\n%1").replace("%1", native(out)),
        )

    def failed(message: str, _err: BaseException) -> None:
        _say(
            window,
            QMessageBox.Icon.Warning,
            QCoreApplication.translate("Maintenance", "备份没有完成：%1").replace("%1", message),
        )

    task = window.maintenance_task = run_task(
        window,
        QCoreApplication.translate("Maintenance", "备份"),
        backup_store,
        window.store,
        path,
        on_finished=finished,
        on_failed=failed,
        name="backup",
    )
    return task


# -------------------------------------------------------------------------------------------------
# 从备份恢复…


def restore(window: Any, path: Path | str | None = None, confirm: bool = True) -> Task | None:
    from model.store.maintenance import RestoreFailed, restore_store

    if _busy(window) or not _store_ready(window):
        return None
    old = window.store
    if old.path is None:
        _say(
            window,
            QMessageBox.Icon.Information,
            QCoreApplication.translate(
                "Maintenance", "数据库在 PostgreSQL 服务器上，只能由服务器管理员恢复（pg_restore）。"
            ),
        )
        return None
    if path is None:
        name, _ = QFileDialog.getOpenFileName(
            window,
            QCoreApplication.translate("Maintenance", "从备份恢复"),
            str(documents_dir()),
            QCoreApplication.translate("Maintenance", "年报备份 (*.zip);;所有文件 (*)"),
        )
        if not name:
            return None
        path = name
    path = Path(path)
    if confirm:
        answer = QMessageBox.question(
            window,
            QCoreApplication.translate("Maintenance", "从备份恢复"),
            QCoreApplication.translate(
                "Maintenance",
                "用备份“%1”替换当前的数据库和归档？\n\n备份会先完整检查；现有的数据库和归档另存"
                "（文件名含“恢复前”），恢复中任何一步出错都会还原。",
            ).replace("%1", native(path)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
    url, root = old.url, old.archive_root
    window.close_report()
    if getattr(window, "doc", None) is not None:  # the clerk kept the report open
        return None
    window.settings.last_report = 0

    def use(store: Any) -> None:
        window.store = store
        start = getattr(window, "start", None)
        if start is not None:
            start.store = store
            start.refresh()
        if hasattr(window, "_update"):
            window._update()

    def finished(store: Any) -> None:
        use(store)
        window.message(
            QCoreApplication.translate("Maintenance", "已从备份恢复：%1").replace("%1", native(path)), 15000
        )
        _say(
            window,
            QMessageBox.Icon.Information,
            QCoreApplication.translate(
                "Maintenance", "已从备份恢复。原有的数据库和归档已另存在原处（文件名含“恢复前”）。"
            ),
        )

    def failed(message: str, err: BaseException) -> None:
        if isinstance(err, RestoreFailed) and err.store is not None:
            use(err.store)
        elif old is not None:  # the orchestration failed before it could close anything
            try:
                from model.store import Store

                use(Store.open(url, root))
            except Exception:  # said below
                pass
        _say(
            window,
            QMessageBox.Icon.Warning,
            QCoreApplication.translate("Maintenance", "没有恢复：%1").replace("%1", message),
        )

    task = window.maintenance_task = run_task(
        window,
        QCoreApplication.translate("Maintenance", "从备份恢复"),
        restore_store,
        path,
        url,
        root,
        release=old.close,
        on_finished=finished,
        on_failed=failed,
        name="restore",
    )
    return task


# -------------------------------------------------------------------------------------------------
# 核验归档…


def verify(window: Any) -> Task | None:
    from model.store.maintenance import verify_archive

    if _busy(window) or not _store_ready(window):
        return None

    def finished(check: Any) -> None:
        where = native(check.root)
        others = "\n".join(check.elsewhere)
        if check.problems:
            window.message(
                QCoreApplication.translate("Maintenance", "归档核验发现 %1 处问题。").replace(
                    "%1", str(len(check.problems))
                ),
                15000,
            )
            _say(
                window,
                QMessageBox.Icon.Warning,
                QCoreApplication.translate(
                    "Maintenance", "归档“%1”中有 %2 处问题：\n\n%3\n\n请从备份恢复，或重新定稿有问题的报告。"
                )
                .replace("%1", where)
                .replace("%2", str(len(check.problems)))
                .replace("%3", "\n".join(check.problems[:8]) + ("\n…" if len(check.problems) > 8 else "")),
                "\n".join(check.problems + check.elsewhere),
            )
            return
        window.message(QCoreApplication.translate("Maintenance", "归档完好：%1").replace("%1", where), 15000)
        text = QCoreApplication.translate("Maintenance", "归档完好：%1").replace("%1", where)
        if others:
            text += "\n\n" + others
        _say(window, QMessageBox.Icon.Information, text)

    def failed(message: str, _err: BaseException) -> None:
        _say(
            window,
            QMessageBox.Icon.Warning,
            QCoreApplication.translate("Maintenance", "归档未能核验：%1").replace("%1", message),
        )

    task = window.maintenance_task = run_task(
        window,
        QCoreApplication.translate("Maintenance", "核验归档"),
        verify_archive,
        window.store,
        on_finished=finished,
        on_failed=failed,
        name="verify",
    )
    return task


# -------------------------------------------------------------------------------------------------
# the reminder


def remind_backup(window: Any, days: int | None = None) -> bool:
    """Say in the status bar when the last backup of the window's database is older than ``days`` (the
    setting 备份提醒, 30 by default; 0: never). Returns whether it reminded."""
    from model.store.maintenance import backup_due, last_backup

    url = getattr(window.store, "url", None)
    if not isinstance(url, str):
        return False
    if days is None:
        days = int(window.settings.get("backup/reminder_days"))
    if not backup_due(url, days):
        return False
    last = last_backup(url)
    if last is None:
        text = QCoreApplication.translate("Maintenance", "这个数据库还没有备份过。建议现在备份：文件 → 备份…")
    else:
        text = (
            QCoreApplication.translate(
                "Maintenance", "上次备份是 %1，已超过 %2 天。建议现在备份：文件 → 备份…"
            )
            .replace("%1", last.astimezone().strftime("%Y-%m-%d"))
            .replace("%2", str(days))
        )
    window.message(text, 60000)
    window.backup_reminder = text
    return True
