"""A read-only table model over a list of rows with fixed named columns — the base of the program's list
views (findings, reports, history, the 汇总 tables) — and the view that shows one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget


class ColumnsModel(QAbstractTableModel):
    """A flat table: one row per item of :meth:`rows`, one column per heading in ``COLUMNS``.

    Subclasses set ``COLUMNS`` (a tuple, or a property when the headings change), return their items from
    :meth:`rows` and implement ``data``; :meth:`row` gives the item of an index (``None`` when invalid).
    The headings are marked ``QT_TRANSLATE_NOOP("<the class that sets COLUMNS>", "…")`` and translated in
    :meth:`headerData` with that class's name as the context (:meth:`columns_context`).
    """

    COLUMNS: tuple[str, ...] = ()

    def rows(self) -> Sequence[Any]:
        raise NotImplementedError

    @classmethod
    def columns_context(cls) -> str:
        """The translation context of the headings: the name of the class that sets ``COLUMNS``."""
        return next((k.__name__ for k in cls.__mro__ if "COLUMNS" in vars(k)), cls.__name__)

    def row(self, index: QModelIndex) -> Any:
        rows = self.rows()
        if not index.isValid() or not 0 <= index.row() < len(rows):
            return None
        return rows[index.row()]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows())

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self.COLUMNS):
                return QCoreApplication.translate(self.columns_context(), self.COLUMNS[section])
        return None


def list_view(model: QAbstractItemModel, parent: QWidget, *, single_selection: bool = True) -> QTableView:
    """A read-only table view of ``model`` for choosing rows: whole rows selected (one at a time unless
    ``single_selection`` is false), no editing, no row numbers."""
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single_selection:
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    return view
