"""The printed grid of a table, measured: column widths, the lines of every cell, row heights, pages.

Drawn by :mod:`model.output.pdf`; everything comes from :attr:`model.form.Table.layout`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from model.form import GridCell, Table
from model.report import Report, format_value

from . import fonts
from .linebreak import break_lines, units

MM = 72 / 25.4

CELL_SIZE = 10.5  # 五号
CELL_LEADING = 13.5
PAD_X = 2.5
PAD_Y = 3.0
MIN_ROW = 20.0
#: a number never wraps: when it is wider than its cell at 五号 it is set smaller, down to this (六号 7.5 pt)
MIN_VALUE_SIZE = 6.5
#: a value cell's side padding when the number is set smaller
VALUE_PAD_X = 1.0


def cell_text(cell: GridCell, report: Report) -> str:
    if cell.key:
        return format_value(report.get(cell.key))
    return cell.text


def align_of(cell: GridCell) -> str:
    if cell.role == "label" and cell.rowspan == 1:
        return "left"
    return "center"


def balanced_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """As few lines as :func:`break_lines` makes, but of even length: 结果/维持, not 结果维/持.

    The narrowest width that still gives the same number of lines (禁则 kept: the breaking is the same)."""
    lines = break_lines(text, width, measure)
    if len(lines) < 2:
        return lines
    lo, hi = max(measure(u) for u in units(text)), width
    best = lines
    for _ in range(12):
        if hi - lo < 0.5:
            break
        mid = (lo + hi) / 2
        trial = break_lines(text, mid, measure)
        if len(trial) <= len(lines) and all(measure(x) <= mid + 1e-6 for x in trial):
            best, hi = trial, mid
        else:
            lo = mid
    return best


@dataclass
class TableGrid:
    table: Table
    col_x: list[float]  # left edge of each column, relative to the table's left; len cols + 1
    row_h: list[float]
    lines: dict[tuple[int, int], list[str]]  # (row, col) of a cell → its text lines
    header_rows: int
    #: the point size of a value set smaller than 五号 so that it stays on one line
    sizes: dict[tuple[int, int], float] = field(default_factory=dict)

    def size(self, row: int, col: int) -> float:
        return self.sizes.get((row, col), CELL_SIZE)

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
    sizes: dict[tuple[int, int], float] = {}
    for c in lay.cells:
        inner = col_x[c.col + c.colspan] - col_x[c.col] - 2 * PAD_X
        text = cell_text(c, report)
        if c.key:  # a number: one line, set smaller when it is too wide (9 999 999 in table 3)
            wide = measure(text)
            if wide > inner + 1e-6:
                room = col_x[c.col + c.colspan] - col_x[c.col] - 2 * VALUE_PAD_X
                sizes[(c.row, c.col)] = max(MIN_VALUE_SIZE, min(CELL_SIZE, CELL_SIZE * room / wide))
            lines[(c.row, c.col)] = [text]
            need[(c.row, c.col)] = CELL_LEADING + 2 * PAD_Y
            continue
        ls: list[str] = []
        for para in text.split("\n"):
            if align_of(c) == "center" and not c.key:
                ls.extend(balanced_lines(para, inner, measure))
            else:
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
    return TableGrid(table, col_x, row_h, lines, lay.header_rows, sizes)


def label_need(grid: TableGrid, row: int, col: int) -> float:
    """The height a cell's text needs (its lines and the padding above and below)."""
    return len(grid.lines[(row, col)]) * CELL_LEADING + 2 * PAD_Y


def paginate(
    grid: TableGrid, first_room: float, page_room: float, first_fresh: bool
) -> list[list[tuple[int, int]]]:
    """The body's units page by page: ``first_room`` is left below the header on the page the table starts
    on, ``page_room`` below the repeated header on a new page. No row is split; a label spanning rows is
    never cut so that a page holds a part of it too short for its text (三、本年度办理结果 of table 3): the
    page breaks earlier. The first list is empty when the table cannot start on this page at all (the
    caller starts it on a new page). Only where no page break satisfies this (a page too short for a label)
    does a page take what fits."""
    us = grid.units()
    hr = grid.header_rows
    spans = [
        (c.row, c.row + c.rowspan - 1, label_need(grid, c.row, c.col))
        for c in grid.table.layout.cells
        if c.rowspan > 1 and c.row + c.rowspan - 1 >= hr and any(grid.lines[(c.row, c.col)])
    ]

    def fit(i: int, room: float) -> int:
        """The last unit from ``i`` on that fits ``room`` (``i - 1`` when none does)."""
        h, k = 0.0, i - 1
        while k + 1 < len(us) and h + grid.height(*us[k + 1]) <= room + 0.01:
            k += 1
            h += grid.height(*us[k])
        return k

    def breaks_well(i: int, j: int) -> bool:
        """Whether the page holding units i..j may end after unit j."""
        if j == len(us) - 1:
            return True
        start, end = us[i][0], us[j][1]
        nxt = fit(j + 1, page_room)
        next_end = us[max(nxt, j + 1)][1]
        for s0, s1, need in spans:
            if s0 <= end < s1:
                if grid.height(max(s0, start), end) < need - 0.01:
                    return False
                if grid.height(end + 1, min(s1, next_end)) < need - 0.01:
                    return False
        return True

    pages: list[list[tuple[int, int]]] = []
    i, room, fresh = 0, first_room, first_fresh
    while i < len(us):
        k = fit(i, room)
        chosen = next((j for j in range(k, i - 1, -1) if breaks_well(i, j)), None)
        if chosen is None:
            if not fresh:
                pages.append([])
                room, fresh = page_room, True
                continue
            chosen = max(k, i)  # no good break on a whole page: take what fits (at least one unit)
        pages.append(us[i : chosen + 1])
        i, room, fresh = chosen + 1, page_room, True
    return pages
