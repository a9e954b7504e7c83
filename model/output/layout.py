"""The printed grid of a table, measured: column widths, the lines of every cell, row heights, pages.

Drawn by :mod:`model.output.pdf`; everything comes from :attr:`model.form.Table.layout`.
"""

from __future__ import annotations

from dataclasses import dataclass

from model.form import GridCell, Table
from model.report import Report, format_value

from . import fonts
from .linebreak import break_lines

MM = 72 / 25.4

CELL_SIZE = 10.5  # 五号
CELL_LEADING = 13.5
PAD_X = 2.5
PAD_Y = 3.0
MIN_ROW = 20.0
#: the narrowest a value column / a label column may be before the table needs a landscape page
MIN_VALUE_COL = 14 * MM
MIN_LABEL_COL = 12 * MM


def needs_landscape(table: Table, width: float) -> bool:
    lay = table.layout
    value_cols = lay.cols - lay.label_cols
    return value_cols * MIN_VALUE_COL + lay.label_cols * MIN_LABEL_COL > width + 0.01


def cell_text(cell: GridCell, report: Report) -> str:
    if cell.key:
        return format_value(report.get(cell.key))
    return cell.text


def align_of(cell: GridCell) -> str:
    if cell.role == "label" and cell.rowspan == 1:
        return "left"
    return "center"


@dataclass
class TableGrid:
    table: Table
    col_x: list[float]  # left edge of each column, relative to the table's left; len cols + 1
    row_h: list[float]
    lines: dict[tuple[int, int], list[str]]  # (row, col) of a cell → its text lines
    header_rows: int

    @property
    def width(self) -> float:
        return self.col_x[-1]

    def units(self) -> list[tuple[int, int]]:
        """The body in pieces that must not be split across pages: (first row, last row)."""
        lay = self.table.layout
        out: list[tuple[int, int]] = []
        r = lay.header_rows
        blocks = {a: b for a, b in lay.blocks}
        while r < lay.rows:
            end = blocks.get(r, r)
            out.append((r, end))
            r = end + 1
        return out

    def height(self, first: int, last: int) -> float:
        return sum(self.row_h[first : last + 1])


def measure_table(table: Table, report: Report, width: float) -> TableGrid:
    lay = table.layout
    total = sum(lay.widths)
    col_x = [0.0]
    for w in lay.widths:
        col_x.append(col_x[-1] + width * w / total)

    def measure(s: str) -> float:
        return fonts.text_width(s, "song", CELL_SIZE)

    lines: dict[tuple[int, int], list[str]] = {}
    need: dict[tuple[int, int], float] = {}
    for c in lay.cells:
        inner = col_x[c.col + c.colspan] - col_x[c.col] - 2 * PAD_X
        text = cell_text(c, report)
        ls: list[str] = []
        for para in text.split("\n"):
            ls.extend(break_lines(para, inner, measure))
        lines[(c.row, c.col)] = ls
        need[(c.row, c.col)] = len(ls) * CELL_LEADING + 2 * PAD_Y
    row_h = [MIN_ROW] * lay.rows
    for c in lay.cells:
        if c.rowspan == 1:
            row_h[c.row] = max(row_h[c.row], need[(c.row, c.col)])
    for c in sorted(lay.cells, key=lambda c: c.rowspan):
        if c.rowspan > 1:
            have = sum(row_h[c.row : c.row + c.rowspan])
            deficit = need[(c.row, c.col)] - have
            if deficit > 0:
                for r in range(c.row, c.row + c.rowspan):
                    row_h[r] += deficit / c.rowspan
    return TableGrid(table, col_x, row_h, lines, lay.header_rows)
