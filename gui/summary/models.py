"""Qt table models over model/summary: import results, the units table, the summed cells, the comparison."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from model.form import CURRENT_FORM
from model.report import format_value
from model.summary import Comparison, ImportItem, Summary, UnitStatus

from ..listmodel import ColumnsModel

DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
BACKGROUND = Qt.ItemDataRole.BackgroundRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
ALIGN = Qt.ItemDataRole.TextAlignmentRole
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

FAILED_BG = QColor("#fde2e1")
FIXABLE_BG = QColor("#fffbe6")  # a failed row's 单位 / 年度: type or pick them here
WARN_BG = QColor("#fff3c4")
OK_FG = QColor("#1d6b2a")
BIG_BG = QColor("#ffd8a8")
COMPUTED_BG = QColor("#eef3fa")

#: the tables' short names as printed (表一 … 表五)
TABLE_NAMES = (
    QT_TRANSLATE_NOOP("SummaryTables", "表一"),
    QT_TRANSLATE_NOOP("SummaryTables", "表二"),
    QT_TRANSLATE_NOOP("SummaryTables", "表三"),
    QT_TRANSLATE_NOOP("SummaryTables", "表四"),
    QT_TRANSLATE_NOOP("SummaryTables", "表五"),
)
TABLE_NAME = {t.key: TABLE_NAMES[t.number - 1] for t in CURRENT_FORM.tables}


def table_name(key: str) -> str:
    """表一 … 表五 for a table's key, translated."""
    return QCoreApplication.translate("SummaryTables", TABLE_NAME[key]) if key in TABLE_NAME else key


class ImportResultModel(ColumnsModel):
    COLUMNS = (
        QT_TRANSLATE_NOOP("ImportResultModel", "文件"),
        QT_TRANSLATE_NOOP("ImportResultModel", "结果"),
        QT_TRANSLATE_NOOP("ImportResultModel", "单位"),
        QT_TRANSLATE_NOOP("ImportResultModel", "年度"),
        QT_TRANSLATE_NOOP("ImportResultModel", "说明"),
    )

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[ImportItem] = []

    def rows(self) -> list:
        return self.items

    def set_items(self, items: list[ImportItem]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def data(self, index: QModelIndex, role: int = DISPLAY):
        item = self.row(index)
        if item is None:
            return None
        col = index.column()
        if role == DISPLAY:
            if item.missing and col == 4:
                extra = self.tr("有 %1 项未能读出，请补填").replace("%1", str(len(item.missing)))
                return f"{item.reason}；{extra}" if item.reason else extra
            return (item.path.name, item.label, item.organ, str(item.year or ""), item.reason)[col]
        if role == TOOLTIP:
            if self.fixable(index):
                return self.tr("双击填写或选择，再点“导入改正的行”")
            return f"{item.path}\n{item.message}"
        if role == Qt.ItemDataRole.EditRole and col in (2, 3):
            return item.organ if col == 2 else (item.year or 0)
        if role == BACKGROUND and not item.ok:
            return QBrush(FIXABLE_BG if self.fixable(index) else FAILED_BG)
        if role == FOREGROUND and item.ok and col == 1:
            return QBrush(OK_FG)
        return None

    # a failed row is fixed in place: its 单位 and 年度 are typed or picked, then imported again

    def fixable(self, index: QModelIndex) -> bool:
        item = self.row(index)
        return item is not None and not item.ok and index.column() in (2, 3)

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsEditable if self.fixable(index) else flags

    def setData(self, index: QModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not self.fixable(index):
            return False
        item = self.row(index)
        if index.column() == 2:
            item.organ = str(value or "").strip()
        else:
            try:
                year = int(str(value).strip())
            except ValueError:
                return False
            if not 2008 <= year <= 2100:
                return False
            item.year = year
        self.dataChanged.emit(index.siblingAtColumn(0), index.siblingAtColumn(4))
        return True

    def fixed_rows(self) -> list[int]:
        """The failed rows whose unit and year are now filled in (ready to import again)."""
        return [r for r, i in enumerate(self.items) if not i.ok and i.organ.strip() and i.year]

    def replace(self, row: int, item: ImportItem) -> None:
        self.items[row] = item
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))


class UnitsModel(ColumnsModel):
    COLUMNS = (
        QT_TRANSLATE_NOOP("UnitsModel", "单位"),
        QT_TRANSLATE_NOOP("UnitsModel", "状态"),
        QT_TRANSLATE_NOOP("UnitsModel", "错误"),
        QT_TRANSLATE_NOOP("UnitsModel", "警告"),
        QT_TRANSLATE_NOOP("UnitsModel", "需跟进的事项"),
    )

    def __init__(self, parent=None):
        super().__init__(parent)
        self.units: list[UnitStatus] = []

    def rows(self) -> list:
        return self.units

    def set_units(self, units: list[UnitStatus]) -> None:
        self.beginResetModel()
        self.units = list(units)
        self.endResetModel()

    def data(self, index: QModelIndex, role: int = DISPLAY):
        u = self.row(index)
        if u is None:
            return None
        col = index.column()
        if role == DISPLAY:
            if col == 0:
                return u.organ
            if col == 1:
                return u.state_label
            if col == 2:
                return "" if u.state == "missing" else str(u.errors)
            if col == 3:
                return "" if u.state == "missing" else str(u.warnings)
            return u.remark
        if role == TOOLTIP and col == 4 and u.remark:
            return u.remark
        if role == ALIGN and col in (2, 3):
            return RIGHT
        if role == BACKGROUND:
            if u.state == "missing" or u.errors:
                return QBrush(FAILED_BG)
            if u.state == "draft":
                return QBrush(WARN_BG)
        return None


class SummaryCellsModel(ColumnsModel):
    """Every cell of the summary: the computed sum and the note on "/" and blank unit cells. Read-only."""

    COLUMNS = (
        QT_TRANSLATE_NOOP("SummaryCellsModel", "表"),
        QT_TRANSLATE_NOOP("SummaryCellsModel", "单元格"),
        QT_TRANSLATE_NOOP("SummaryCellsModel", "汇总值（计算）"),
        QT_TRANSLATE_NOOP("SummaryCellsModel", "各单位填报情况"),
    )

    def __init__(self, who: Callable[[str], dict[str, list[str]]] | None = None, parent=None):
        super().__init__(parent)
        self.summary: Summary | None = None
        self.cells = list(CURRENT_FORM.cells.values())
        #: key → {"slash": [...], "blank": [...]} — which units (for the tooltip), asked when needed
        self.who = who
        self._who: dict[str, str] = {}

    def rows(self) -> list:
        return self.cells if self.summary is not None else []

    def set_summary(self, summary: Summary | None) -> None:
        self.beginResetModel()
        self.summary = summary
        self._who = {}
        self.endResetModel()

    def key(self, row: int) -> str:
        return self.cells[row].key

    def row_of(self, key: str) -> int:
        return next(i for i, c in enumerate(self.cells) if c.key == key)

    def _tooltip(self, key: str) -> str:
        if key not in self._who:
            text = self.summary.note(key) if self.summary else ""
            if text and self.who is not None:
                names = self.who(key)
                parts = []
                if names.get("slash"):
                    parts.append(self.tr("填“/”：%1").replace("%1", self.tr("、").join(names["slash"][:30])))
                if names.get("blank"):
                    parts.append(self.tr("空白：%1").replace("%1", self.tr("、").join(names["blank"][:30])))
                text = "\n".join(parts) or text
            self._who[key] = text
        return self._who[key]

    def data(self, index: QModelIndex, role: int = DISPLAY):
        cell = self.row(index)
        if cell is None or self.summary is None:
            return None
        col = index.column()
        if role == DISPLAY:
            if col == 0:
                return table_name(cell.table)
            if col == 1:
                return cell.name
            if col == 2:
                return format_value(self.summary.report.cells.get(cell.key))
            return self.summary.note(cell.key)
        if role == ALIGN and col == 2:
            return RIGHT
        if role == BACKGROUND and col == 2:
            return QBrush(COMPUTED_BG)
        if role == TOOLTIP:
            if col == 2:
                return self.tr("计算值：各所属单位此格数字之和（“/”和空白不计），不能直接修改")
            if col == 3:
                return self._tooltip(cell.key) or None
        return None


class ComparisonModel(ColumnsModel):
    """One row per cell: the value of each year compared, the change and the percentage; big changes
    highlighted."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.comparison: Comparison | None = None
        self.only_changed = False
        self.lines: list = []

    @property
    def COLUMNS(self) -> tuple[str, ...]:
        years = self.comparison.years if self.comparison else []
        year = QCoreApplication.translate("ComparisonModel", "%1年")
        return (
            QT_TRANSLATE_NOOP("ComparisonModel", "单元格"),
            *[year.replace("%1", str(y)) for y in years],
            QT_TRANSLATE_NOOP("ComparisonModel", "变化"),
            QT_TRANSLATE_NOOP("ComparisonModel", "变化率"),
        )

    def rows(self) -> list:
        return self.lines

    def set_comparison(self, comparison: Comparison | None, only_changed: bool | None = None) -> None:
        self.beginResetModel()
        self.comparison = comparison
        if only_changed is not None:
            self.only_changed = only_changed
        lines = comparison.lines if comparison else []
        if self.only_changed:
            lines = [x for x in lines if x.change]
        self.lines = lines
        self.endResetModel()

    def data(self, index: QModelIndex, role: int = DISPLAY):
        line = self.row(index)
        if line is None:
            return None
        col, n = index.column(), len(line.values)
        if role == DISPLAY:
            if col == 0:
                return line.cell.name
            if col <= n:
                return format_value(line.values[col - 1])
            return line.change_text if col == n + 1 else line.pct_text
        if role == ALIGN and col > 0:
            return RIGHT
        if role == BACKGROUND and line.big and col > n:
            return QBrush(BIG_BG)
        if role == TOOLTIP and line.big:
            return self.tr("变化较大：请核对数字，或在正文中说明原因")
        return None


class SummaryGridModel(QAbstractTableModel):
    """One table of the form as printed (``Table.layout``: headings, labels, merged cells) with the summed
    values in its value cells — computed, read-only, a '/' or blank unit cell noted in the tooltip."""

    def __init__(self, table, parent=None):  # a model.form.Table
        super().__init__(parent)
        self.table = table
        self.layout = table.layout
        self.summary: Summary | None = None

    def set_summary(self, summary: Summary | None) -> None:
        self.beginResetModel()
        self.summary = summary
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self.layout.rows

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self.layout.cols

    def spans(self) -> list[tuple[int, int, int, int]]:
        """(row, col, rowspan, colspan) of every merged cell, for ``QTableView.setSpan``."""
        return [
            (c.row, c.col, c.rowspan, c.colspan) for c in self.layout.cells if c.rowspan > 1 or c.colspan > 1
        ]

    def data(self, index: QModelIndex, role: int = DISPLAY):
        if not index.isValid():
            return None
        cell = self.layout.at.get((index.row(), index.column()))
        if cell is None or (cell.row, cell.col) != (index.row(), index.column()):
            return None
        if cell.key is None:
            if role == DISPLAY:
                return cell.text
            if role == BACKGROUND and cell.role in ("head", "title"):
                return QBrush(QColor("#f0f0f0"))
            if role == ALIGN and cell.role in ("head", "title"):
                return int(Qt.AlignmentFlag.AlignCenter)
            return None
        if role == DISPLAY:
            return format_value(self.summary.report.cells.get(cell.key)) if self.summary else ""
        if role == ALIGN:
            return RIGHT
        if role == BACKGROUND:
            return QBrush(WARN_BG if self.summary and self.summary.note(cell.key) else COMPUTED_BG)
        if role == TOOLTIP:
            name = CURRENT_FORM.cell(cell.key).name
            note = self.summary.note(cell.key) if self.summary else ""
            return "\n".join([name, self.tr("计算值：各所属单位之和"), *([note] if note else [])])
        return None
