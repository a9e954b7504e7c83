"""The 汇总 menu of the main window: batch import of units' reports, the 汇总 report, comparison and charts.

``add_menu(window)`` adds the menu; everything else lives in this package (models, dialogs, charts)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from .import_dialog import BatchImportDialog
    from .views import CompareDialog, SummaryDialog


def _refresh_start(window: Any) -> None:
    start = getattr(window, "start", None)
    if start is not None and hasattr(start, "refresh"):
        start.refresh()


def _current_organ(window: Any) -> str:
    doc = getattr(window, "doc", None)
    return getattr(getattr(doc, "info", None), "organ", "") or ""


def open_import(window: Any) -> BatchImportDialog:
    from .import_dialog import BatchImportDialog

    dialog = BatchImportDialog(window.store, parent=window)
    dialog.imported.connect(lambda _items: _refresh_start(window))
    dialog.exec()
    return dialog


def open_summary(window: Any) -> SummaryDialog:
    from .views import SummaryDialog

    dialog = SummaryDialog(window.store, parent=window)
    dialog.exec()
    _refresh_start(window)
    return dialog


def open_compare(window: Any) -> CompareDialog:
    from .views import CompareDialog

    dialog = CompareDialog(window.store, _current_organ(window), parent=window)
    dialog.exec()
    return dialog


def add_menu(window: Any) -> QMenu:
    """Add the “汇总” menu to ``window``'s menu bar (before 帮助 when there is one)."""
    menu = QMenu(QCoreApplication.translate("SummaryMenu", "汇总(&U)"), window)
    menu.setObjectName("menu_summary")
    menu.addAction(
        QCoreApplication.translate("SummaryMenu", "批量导入所属单位的年报(&B)…"), lambda: open_import(window)
    )
    menu.addAction(QCoreApplication.translate("SummaryMenu", "汇总报告(&S)…"), lambda: open_summary(window))
    menu.addSeparator()
    menu.addAction(
        QCoreApplication.translate("SummaryMenu", "历年比较与图表(&C)…"), lambda: open_compare(window)
    )
    bar = window.menuBar()
    actions = bar.actions()
    # the menu goes before 帮助, the last menu (its text as the window translated it)
    help_text = QCoreApplication.translate("MainWindow", "帮助(&H)")
    help_action = actions[-1] if actions and actions[-1].text() == help_text else None
    if help_action is not None:
        bar.insertMenu(help_action, menu)
    else:
        bar.addMenu(menu)
    return menu
