"""One Qt table model for any table of the form, and the view that draws it like the printed form.

The grid — header rows, merged cells, group labels spanning their rows — comes from ``Table.layout``
(the same description the PDF uses): this module spells no label and no cell key. The model shows a
report held by a :class:`~gui.document.ReportDocument` and sends every edit back to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from model.findings import Severity
from model.form import GridCell, Table
from model.report import accept_input, format_value

if TYPE_CHECKING:
    from .document import ReportDocument

#: a model index as Qt's overrides take it
Index = QModelIndex | QPersistentModelIndex

KeyRole = Qt.ItemDataRole.UserRole + 1
ExpectedRole = Qt.ItemDataRole.UserRole + 2
GridRole = Qt.ItemDataRole.UserRole + 3  # "title" / "head" / "label" / "value"

COLOR_HEAD = QColor("#eef1f5")
COLOR_TITLE = QColor("#e2e7ee")
COLOR_ERROR = QColor("#f9caca")
COLOR_WARNING = QColor("#fde9b8")
COLOR_INVOLVED = QColor("#fdf1f1")  # (no longer a fill: see COLOR_INVOLVED_LINE)
COLOR_INVOLVED_LINE = QColor("#e09a9a")  # the dashed outline of the other cells of a wrong relation
COLOR_BLANK = QColor("#fff7e0")  # a blank cell (the table-wide "fill in 0" warning)
COLOR_ERROR_TEXT = QColor("#a30000")


_PIXMAPS: dict[str, QPixmap] = {}


def expected_pixmap(text: str) -> QPixmap:
    """A red "应为N" drawn at the left of a wrong total (the value stays right-aligned)."""
    label = QCoreApplication.translate("FormTableModel", "应为%1").replace("%1", text)
    pixmap = _PIXMAPS.get(label)
    if pixmap is None:
        font = QFont(QGuiApplication.font())
        font.setPointSizeF(max(9.0, font.pointSizeF()))  # as large as the figures: read at a glance
        fm = QFontMetrics(font)
        ratio = QGuiApplication.primaryScreen().devicePixelRatio() if QGuiApplication.primaryScreen() else 1.0
        size = QSize(fm.horizontalAdvance(label) + 2, fm.height())
        pixmap = QPixmap(size * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setFont(font)
        painter.setPen(COLOR_ERROR_TEXT)
        painter.drawText(QRect(0, 0, size.width(), size.height()), int(Qt.AlignmentFlag.AlignVCenter), label)
        painter.end()
        _PIXMAPS[label] = pixmap
    return pixmap


class FormTableModel(QAbstractTableModel):
    """The printed grid of ``table``: one model row per grid row, one column per grid column."""

    #: a refused input, as a Chinese message for the status bar
    refused = Signal(str)
    #: the same, with the cell it was typed into (shown beside the cell)
    refusedAt = Signal(QModelIndex, str)

    def __init__(self, table: Table, doc: ReportDocument, parent: QObject | None = None):
        super().__init__(parent)
        self.table = table
        self.layout = table.layout
        self.doc = doc
        self._anchor: dict[tuple[int, int], GridCell] = {(c.row, c.col): c for c in self.layout.cells}
        self._cells = {c.key: c for c in table.cells}
        doc.cellsChanged.connect(self._cells_changed)
        doc.findingsChanged.connect(self._all_changed)
        doc.reloaded.connect(self._all_changed)
        doc.infoChanged.connect(self._all_changed)

    # ---------------------------------------------------------------------------------------------
    # shape

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self.layout.rows

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self.layout.cols

    def grid_cell(self, index: Index) -> GridCell | None:
        """The grid cell anchored at ``index`` (``None`` for a position covered by a span)."""
        if not index.isValid():
            return None
        return self._anchor.get((index.row(), index.column()))

    def key_at(self, index: Index) -> str | None:
        c = self.grid_cell(index)
        return c.key if c else None

    def index_of(self, key: str) -> QModelIndex:
        c = self.layout.by_key.get(key)
        return self.index(c.row, c.col) if c else QModelIndex()

    def spans(self) -> list[GridCell]:
        return [c for c in self.layout.cells if c.rowspan > 1 or c.colspan > 1]

    # ---------------------------------------------------------------------------------------------
    # data

    @property
    def locked(self) -> bool:
        """No edits: the report is final, or its cells are computed (a 汇总 record, ``doc.computed``)."""
        return bool(self.doc.read_only or getattr(self.doc, "computed", None))

    def flags(self, index: Index) -> Qt.ItemFlag:
        c = self.grid_cell(index)
        if c is None or not c.key:
            return Qt.ItemFlag.ItemIsEnabled if c is not None else Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self.locked:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        c = self.grid_cell(index)
        if c is None:
            return None
        if role == GridRole:
            return c.role
        if not c.key:
            return self._label_data(c, role)
        key = c.key
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return format_value(self.doc.report.get(key))
        if role == KeyRole:
            return key
        if role == ExpectedRole:
            expected = self.doc.expected_for(key)
            return None if expected is None else format_value(expected)
        if role == Qt.ItemDataRole.DecorationRole:
            expected = self.doc.expected_for(key)
            return None if expected is None else expected_pixmap(format_value(expected))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            f = self.doc.primary.get(key)
            if f is not None and f.severity is Severity.ERROR:
                return QBrush(COLOR_ERROR)
            if f is not None and f.severity is Severity.WARNING and not f.explanation:
                return QBrush(COLOR_BLANK if key in f.blank else COLOR_WARNING)
            # the other cells of a wrong relation are not tinted: the view outlines them lightly
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            f = self.doc.primary.get(key)
            if f is not None and f.severity is Severity.ERROR:
                return QBrush(COLOR_ERROR_TEXT)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [self._cells[key].name]
            lines += [f"{f.severity.label}：{f.message}" for f in self.doc.by_cell.get(key, ())]
            expected = self.doc.expected_for(key)
            if expected is not None:
                lines.append(self.tr("应为：") + format_value(expected))
            return "\n".join(lines)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self._cells[key].name} {format_value(self.doc.report.get(key))}"
        return None

    def involved(self) -> list[QModelIndex]:
        """The cells of a wrong relation that are not themselves the wrong one (outlined, not tinted)."""
        out = []
        for c in self.layout.cells:
            if not c.key:
                continue
            f = self.doc.primary.get(c.key)
            if f is not None and f.severity is Severity.ERROR:
                continue
            if any(x.severity is Severity.ERROR for x in self.doc.by_cell.get(c.key, ())):
                out.append(self.index(c.row, c.col))
        return out

    def _label_data(self, c: GridCell, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return c.text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if c.role == "label":
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(COLOR_TITLE if c.role == "title" else COLOR_HEAD)
        if role == Qt.ItemDataRole.FontRole and c.role in ("title", "head"):
            font = QFont()
            font.setBold(c.role == "title")
            return font
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        key = self.key_at(index)
        if role != Qt.ItemDataRole.EditRole or not key or self.locked:
            return False
        cell = self._cells[key]
        try:
            v = accept_input(str(value if value is not None else ""), cell.kind, cell.slash_allowed)
        except ValueError as err:
            self.refused.emit(f"{cell.name}：{err}")
            self.refusedAt.emit(
                index, self.tr("“%1”不能填入：%2").replace("%1", str(value)).replace("%2", str(err))
            )
            return False
        return self.doc.edit_cells({key: v}, self.tr("填写 %1").replace("%1", cell.name))

    # ---------------------------------------------------------------------------------------------
    # block operations

    def value_rows(self) -> list[list[GridCell]]:
        """The value cells of the grid, row by row, left to right."""
        rows: dict[int, list[GridCell]] = {}
        for c in self.layout.cells:
            if c.key:
                rows.setdefault(c.row, []).append(c)
        return [sorted(rows[r], key=lambda c: c.col) for r in sorted(rows)]

    def paste(self, at: QModelIndex, text: str) -> bool:
        """Paste a tab-separated block with its top-left at ``at``: successive value rows from ``at``'s
        row down, successive value cells from ``at``'s column right. All or nothing; one undo step."""
        start = self.grid_cell(at)
        if start is None or not start.key or self.locked:
            return False
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        while lines and not lines[-1].strip():
            lines.pop()
        block = [line.split("\t") for line in lines]
        rows = [r for r in self.value_rows() if r[0].row >= start.row]
        values = {}
        for i, items in enumerate(block):
            if i >= len(rows):
                if any(x.strip() for x in items):
                    self.refused.emit(self.tr("粘贴的内容超出表格的范围，未粘贴。"))
                    return False
                continue
            cells = [c for c in rows[i] if c.col + c.colspan > start.col]
            for j, item in enumerate(items):
                if j >= len(cells):
                    if item.strip():
                        self.refused.emit(self.tr("粘贴的内容超出表格的范围，未粘贴。"))
                        return False
                    continue
                key = cells[j].key
                assert key is not None  # a value cell
                cell = self._cells[key]
                try:
                    values[cell.key] = accept_input(item, cell.kind, cell.slash_allowed)
                except ValueError as err:
                    self.refused.emit(self.tr("未粘贴：") + f"{cell.name}：{err}")
                    return False
        if not values:
            return False
        return self.doc.edit_cells(values, self.tr("粘贴 %1 格").replace("%1", str(len(values))))

    def copy_text(self, indexes: list[QModelIndex]) -> str:
        """The value cells among ``indexes`` as a tab-separated block (rows of the grid)."""
        cells = [c for c in (self.grid_cell(i) for i in indexes) if c is not None and c.key]
        if not cells:
            return ""
        rows: dict[int, list[GridCell]] = {}
        for c in cells:
            rows.setdefault(c.row, []).append(c)
        out = []
        for r in sorted(rows):
            out.append(
                "\t".join(
                    format_value(self.doc.report.get(c.key or ""))
                    for c in sorted(rows[r], key=lambda c: c.col)
                )
            )
        return "\n".join(out) + "\n"

    def clear(self, indexes: list[QModelIndex]) -> bool:
        keys = [k for k in (self.key_at(i) for i in indexes) if k and self.doc.report.get(k) is not None]
        if not keys or self.locked:
            return False
        return self.doc.edit_cells(dict.fromkeys(keys), self.tr("清除 %1 格").replace("%1", str(len(keys))))

    # ---------------------------------------------------------------------------------------------

    def _cells_changed(self, keys: list[str]) -> None:
        for key in keys:
            c = self.layout.by_key.get(key)
            if c is not None:
                i = self.index(c.row, c.col)
                self.dataChanged.emit(i, i)

    def _all_changed(self) -> None:
        if self.layout.rows and self.layout.cols:
            self.dataChanged.emit(self.index(0, 0), self.index(self.layout.rows - 1, self.layout.cols - 1))


class CellDelegate(QStyledItemDelegate):
    """Selects the whole text when editing starts (typing overwrites).

    It must not override ``paint`` or ``initStyleOption``: with PySide6 6.12 on Python 3.11 a Python
    delegate calling the base ``paint`` takes a reference from None at every cell painted, until the
    process aborts. What a wrong total should be is drawn as the cell's decoration instead."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.setFrame(False)
        return editor

    # NB: ``index.model().data(index, role)``, never ``index.data(role)``: with PySide6 6.12 on Python 3.11,
    # QModelIndex.data() returning None takes a reference from None each time (and the process aborts).

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QLineEdit)
        editor.setText(index.model().data(index, Qt.ItemDataRole.EditRole) or "")
        editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        assert isinstance(editor, QLineEdit)
        if editor.text() != (model.data(index, Qt.ItemDataRole.EditRole) or ""):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


class FormTableView(QTableView):
    """A grid like the printed form; spreadsheet keys: Enter down, Tab right, Delete clears,
    Ctrl+C / Ctrl+V tab-separated blocks."""

    def __init__(self, model: FormTableModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.setModel(model)
        self.setItemDelegate(CellDelegate(self))
        self.horizontalHeader().hide()
        self.verticalHeader().hide()
        self.setWordWrap(True)
        self.setTabKeyNavigation(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Highlight, QColor("#cfe3fb"))
        palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#000000"))
        self.setPalette(palette)
        for c in model.spans():
            self.setSpan(c.row, c.col, c.rowspan, c.colspan)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setMinimumSectionSize(4)
        #: widths follow the window until the clerk drags a column (or saved widths are applied)
        self.auto_widths = True
        self._setting_widths = False
        self.apply_widths()
        self.horizontalHeader().sectionResized.connect(self._column_resized)
        self.frozen = self._frozen_header()
        # a refused input is said beside its cell (not only in the status bar)
        self.hint = QLabel(self.viewport())
        self.hint.setObjectName("input_hint")
        self.hint.setStyleSheet(
            "background:#fff4f4; color:#a30000; border:1px solid #d08080; border-radius:3px; padding:3px 6px;"
        )
        self.hint.hide()
        self._hint_timer = QTimer(self)
        self._hint_timer.setSingleShot(True)
        self._hint_timer.setInterval(8000)
        self._hint_timer.timeout.connect(self.hint.hide)
        model.refusedAt.connect(self.show_hint)
        model.doc.cellsChanged.connect(lambda _keys: self.hint.hide())
        rows = model.value_rows()
        if rows:
            self.setCurrentIndex(model.index(rows[0][0].row, rows[0][0].col))

    def form_model(self) -> FormTableModel:
        return self.model()  # type: ignore[return-value]

    def paintEvent(self, e) -> None:  # noqa: N802
        """The cells, then a light dashed outline round the other cells of a wrong relation (the wrong cell
        itself is tinted by the model)."""
        super().paintEvent(e)
        involved = self.form_model().involved()
        if not involved:
            return
        painter = QPainter(self.viewport())
        pen = QPen(COLOR_INVOLVED_LINE)
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        for index in involved:
            rect = self.visualRect(index)
            if rect.intersects(e.rect()):
                painter.drawRect(rect.adjusted(1, 1, -2, -2))
        painter.end()

    def show_hint(self, index: QModelIndex, text: str) -> None:
        """A refused input said right beside its cell, for a few seconds."""
        rect = self.visualRect(index)
        self.hint.setText(text)
        self.hint.adjustSize()
        x = rect.right() + 4
        if x + self.hint.width() > self.viewport().width():
            x = max(0, rect.left() - self.hint.width() - 4)
        self.hint.move(x, max(0, rect.top() + (rect.height() - self.hint.height()) // 2))
        self.hint.show()
        self.hint.raise_()
        self._hint_timer.start()

    # ---------------------------------------------------------------------------------------------
    # the heading rows stay on screen while the rows below scroll (after Qt's “frozen column” example)

    def _frozen_header(self) -> QTableView | None:
        model = self.form_model()
        if not model.layout.header_rows:
            return None
        frozen = QTableView(self)
        frozen.setObjectName("frozen_header")
        frozen.setModel(model)
        frozen.setItemDelegate(CellDelegate(frozen))
        frozen.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        frozen.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        frozen.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        frozen.horizontalHeader().hide()
        frozen.verticalHeader().hide()
        frozen.setWordWrap(True)
        frozen.setFrameShape(QTableView.Shape.NoFrame)
        frozen.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        frozen.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        frozen.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        frozen.setPalette(self.palette())
        frozen.verticalHeader().setMinimumSectionSize(4)
        for c in model.spans():
            if c.row < model.layout.header_rows:
                frozen.setSpan(c.row, c.col, c.rowspan, c.colspan)
        self.horizontalScrollBar().valueChanged.connect(frozen.horizontalScrollBar().setValue)
        self.viewport().stackUnder(frozen)
        frozen.show()
        return frozen

    def frozen_height(self) -> int:
        n = self.form_model().layout.header_rows
        return sum(self.rowHeight(r) for r in range(n))

    def _sync_frozen(self) -> None:
        frozen = getattr(self, "frozen", None)
        if frozen is None:
            return
        for c in range(self.form_model().columnCount()):
            frozen.setColumnWidth(c, self.columnWidth(c))
        for r in range(self.form_model().rowCount()):
            frozen.setRowHeight(r, self.rowHeight(r))
        frame = self.frameWidth()
        frozen.setGeometry(frame, frame, self.viewport().width(), self.frozen_height())
        frozen.horizontalScrollBar().setValue(self.horizontalScrollBar().value())

    def scrollTo(self, index: QModelIndex, hint=QAbstractItemView.ScrollHint.EnsureVisible) -> None:  # noqa: N802
        super().scrollTo(index, hint)
        # a cell under the frozen heading rows: scroll it out from under them
        if getattr(self, "frozen", None) is not None and index.row() >= self.form_model().layout.header_rows:
            top = self.visualRect(index).top()
            covered = self.frozen_height() - top
            if covered > 0:
                bar = self.verticalScrollBar()
                bar.setValue(bar.value() - covered)

    # ---------------------------------------------------------------------------------------------
    # widths: relative widths from the layout, in characters of the current font

    def default_widths(self) -> list[int]:
        """The layout's relative widths, scaled to the visible width (within readable bounds)."""
        char = self.fontMetrics().horizontalAdvance("汉")
        rel = self.form_model().layout.widths
        available = self.viewport().width() - 2 if self.isVisible() else 0
        base = min(max(available / sum(rel), char * 4.5), char * 9)
        floors = self.word_widths()
        widths = [max(char * 3, floors[i], int(w * base)) for i, w in enumerate(rel)]
        # the room the whole words took, taken back from the widest columns while they stay readable
        excess = sum(widths) - available
        if available and excess > 0:
            for i in sorted(range(len(widths)), key=lambda i: -widths[i]):
                give = min(excess, widths[i] - max(floors[i], char * 3, int(rel[i] * char * 4.5)))
                if give > 0:
                    widths[i] -= give
                    excess -= give
        return widths

    #: a heading of at most this many characters is a word (or two) that must not be broken inside
    WORD_CHARS = 8

    def word_widths(self) -> list[int]:
        """Per column, the width a one-column heading of the form needs to be shown on one line (社会公益组织,
        not 社会公益组/织) — headings longer than :attr:`WORD_CHARS` wrap as sentences do."""
        fm = self.fontMetrics()
        layout = self.form_model().layout
        floors = [0] * layout.cols
        for c in layout.cells:
            if c.role in ("head", "title") and c.colspan == 1 and c.text and len(c.text) <= self.WORD_CHARS:
                floors[c.col] = max(floors[c.col], fm.horizontalAdvance(c.text) + 12)
        return floors

    def apply_widths(self, widths: list[int] | None = None) -> None:
        if widths and len(widths) == self.form_model().columnCount():
            self.auto_widths = False
        else:
            widths = self.default_widths()
        self._setting_widths = True
        for i, w in enumerate(widths):
            self.setColumnWidth(i, w)
        self._setting_widths = False
        self.fit_rows()

    def _column_resized(self, *_args: object) -> None:
        if not self._setting_widths:
            self.auto_widths = False
            self.fit_rows()
        else:
            self._sync_frozen()

    def resizeEvent(self, e: QResizeEvent) -> None:
        super().resizeEvent(e)
        if self.auto_widths:
            self.apply_widths()
        self._sync_frozen()

    def fit_rows(self) -> None:
        """Row heights that show every label whole (wrapped within its columns)."""
        layout = self.form_model().layout
        fm = self.fontMetrics()
        heights = [fm.height() + 8] * layout.rows

        def need(c: GridCell) -> int:
            width = sum(self.columnWidth(k) for k in range(c.col, c.col + c.colspan)) - 10
            rect = fm.boundingRect(QRect(0, 0, max(width, 12), 100000), int(Qt.TextFlag.TextWordWrap), c.text)
            return rect.height() + 8

        for c in layout.cells:
            if c.text and c.rowspan == 1:
                heights[c.row] = max(heights[c.row], need(c))
        for c in layout.cells:
            if c.text and c.rowspan > 1:
                missing = need(c) - sum(heights[c.row : c.row + c.rowspan])
                if missing > 0:
                    for r in range(c.row, c.row + c.rowspan):
                        heights[r] += missing // c.rowspan + 1
        for r, h in enumerate(heights):
            self.setRowHeight(r, h)
        self._sync_frozen()

    def widths(self) -> list[int]:
        return [self.columnWidth(i) for i in range(self.form_model().columnCount())]

    # ---------------------------------------------------------------------------------------------
    # navigation between value cells

    def _value_cells(self) -> list[list[GridCell]]:
        return self.form_model().value_rows()

    def move(self, direction: str) -> None:  # type: ignore[override]  # not QWidget.move(x, y): the cursor
        model = self.form_model()
        cur = model.grid_cell(self.currentIndex())
        rows = self._value_cells()
        if not rows:
            return
        if cur is None or not cur.key:
            target = rows[0][0]
        else:
            ri = next(i for i, r in enumerate(rows) if r[0].row == cur.row)
            ci = next(i for i, c in enumerate(rows[ri]) if c.key == cur.key)
            if direction in ("down", "up"):
                ri2 = ri + (1 if direction == "down" else -1)
                if not 0 <= ri2 < len(rows):
                    return
                row = rows[ri2]
                target = min(row, key=lambda c: (abs(c.col - cur.col), c.col))
            else:
                step = 1 if direction == "right" else -1
                ci2 = ci + step
                if 0 <= ci2 < len(rows[ri]):
                    target = rows[ri][ci2]
                elif 0 <= ri + step < len(rows):
                    target = rows[ri + step][0 if step > 0 else -1]
                else:
                    return
        index = model.index(target.row, target.col)
        self.setCurrentIndex(index)
        self.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.scrollTo(index)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        if hint == QAbstractItemDelegate.EndEditHint.EditNextItem:
            self.move("right")
        elif hint == QAbstractItemDelegate.EndEditHint.EditPreviousItem:
            self.move("left")
        elif hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            self.move("down")

    def event(self, e: QEvent) -> bool:
        if (
            e.type() == QEvent.Type.KeyPress
            and isinstance(e, QKeyEvent)
            and e.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
        ):
            self.keyPressEvent(e)
            return True
        return super().event(e)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        key = e.key()
        shift = bool(e.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.state() != QAbstractItemView.State.EditingState:
                # (while editing, the editor's Enter reaches here too: the delegate commits and moves)
                self.move("up" if shift else "down")
        elif key == Qt.Key.Key_Tab:
            self.move("right")
        elif key == Qt.Key.Key_Backtab:
            self.move("left")
        elif (
            key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
            and not e.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            self.clear_selection()
        elif e.matches(QKeySequence.StandardKey.Copy):
            self.copy()
        elif e.matches(QKeySequence.StandardKey.Paste):
            self.paste()
        elif e.matches(QKeySequence.StandardKey.Cut):
            self.copy()
            self.clear_selection()
        else:
            super().keyPressEvent(e)
            return
        e.accept()

    # ---------------------------------------------------------------------------------------------
    # clipboard and block edits

    def selected(self) -> list[QModelIndex]:
        indexes = self.selectionModel().selectedIndexes()
        return indexes or ([self.currentIndex()] if self.currentIndex().isValid() else [])

    def copy(self) -> str:
        text = self.form_model().copy_text(self.selected())
        if text:
            QGuiApplication.clipboard().setText(text)
        return text

    def paste(self, text: str | None = None) -> bool:
        text = QGuiApplication.clipboard().text() if text is None else text
        if not text:
            return False
        indexes = self.selected()
        at = min(indexes, key=lambda i: (i.row(), i.column())) if indexes else self.currentIndex()
        return self.form_model().paste(at, text)

    def clear_selection(self) -> bool:
        return self.form_model().clear(self.selected())

    def select_keys(self, keys: list[str] | tuple[str, ...]) -> None:
        model = self.form_model()
        sel = self.selectionModel()
        sel.clearSelection()
        first = None
        for key in keys:
            index = model.index_of(key)
            if index.isValid():
                sel.select(index, QItemSelectionModel.SelectionFlag.Select)
                first = first or index
        if first is not None:
            sel.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.scrollTo(first, QAbstractItemView.ScrollHint.PositionAtCenter)
