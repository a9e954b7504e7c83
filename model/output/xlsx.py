"""Tables 二、三、四 of the report as an Excel workbook (.xlsx), for a district that collects its units' tables.

One sheet a table, named by its section heading, laid out like the printed form: the title, the organ and
year, then the grid of :attr:`model.form.Table.layout` — the official merged headers and group labels, every
border, relative column widths. Counts and fees are numbers (a fee as a number with its decimals), ``/``
stays the text ``/``, a blank cell stays empty.

:func:`read_xlsx_cells` reads such a workbook back: the value of every cell key, found by the same layout.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from model.form import Section
from model.report import SLASH, Report, Value, format_value

from .layout import align_of, cell_text, measure_table
from .pdf import BLOCK_W, ExportError, write_atomic

__all__ = ["render_xlsx", "export_xlsx", "read_xlsx_cells", "GRID_TOP"]

Progress = Callable[[float, str], None]

#: the sheet row (1-based) of the grid's first row: the title and the organ/year line stand above it
GRID_TOP = 4
#: points in one unit of Excel's column width (a digit of the default font: 7 px at 96 dpi)
COLUMN_UNIT = 5.25
#: Excel forbids these in a sheet name
_SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def sheet_name(section: Section) -> str:
    return section.heading.translate(_SHEET_FORBIDDEN)[:31]


def _decimals(v: Decimal) -> int:
    """How many decimals a finite Decimal has (0 for a whole number written without them)."""
    exponent = v.as_tuple().exponent
    assert isinstance(exponent, int), v  # 'n', 'N', 'F': NaN and infinity, never a cell value
    return -exponent


def _number(v: Value) -> Value:
    """A cell value as Excel holds it: numbers as numbers."""
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() and _decimals(v) <= 0 else v
    return v


def render_xlsx(report: Report, progress: Progress | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    from .fonts import report_title

    form = report.form
    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    cell_font = Font(name="宋体", size=10.5)
    tables = [s for s in form.sections if s.table]
    for n, section in enumerate(tables):
        if progress:
            progress(0.1 + 0.8 * n / len(tables), f"写入{section.heading}")
        assert section.table is not None
        table = form.table[section.table]
        lay = table.layout
        ws = wb.create_sheet(sheet_name(section))
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToHeight = 0
        last_col = get_column_letter(lay.cols)
        ws.merge_cells(f"A1:{last_col}1")
        ws["A1"] = section.heading
        ws["A1"].font = Font(name="黑体", size=14)
        ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
        ws.row_dimensions[1].height = 28
        ws.merge_cells(f"A2:{last_col}2")
        ws["A2"] = report_title(report)
        ws["A2"].font = Font(name="仿宋_GB2312", size=11)
        ws["A2"].alignment = Alignment(horizontal="center")
        # the columns and rows of the printed table (the text block's width, the PDF's line breaks)
        grid = measure_table(table, report, BLOCK_W)
        # a number too wide for its column shows as ##### in Excel: a value column is at least as wide as
        # its widest value (a digit is one unit of Excel's column width) and two more
        digits = [0] * lay.cols
        for g in lay.cells:
            if g.key and g.colspan == 1:
                digits[g.col] = max(digits[g.col], len(format_value(report.get(g.key))))
        for i in range(lay.cols):
            width = grid.col_x[i + 1] - grid.col_x[i]
            units = max(round(width / COLUMN_UNIT + 0.7, 1), digits[i] + 2 if digits[i] else 0)
            ws.column_dimensions[get_column_letter(i + 1)].width = units
        for r, h in enumerate(grid.row_h):
            ws.row_dimensions[GRID_TOP + r].height = round(h * 1.1, 1)
        for g in lay.cells:
            r, c = GRID_TOP + g.row, 1 + g.col
            if g.rowspan > 1 or g.colspan > 1:
                ws.merge_cells(
                    start_row=r, start_column=c, end_row=r + g.rowspan - 1, end_column=c + g.colspan - 1
                )
            for rr in range(r, r + g.rowspan):
                for cc in range(c, c + g.colspan):
                    ws.cell(rr, cc).border = border
            cell = ws.cell(r, c)
            if g.key:
                v = _number(report.get(g.key))
                if v is not None:
                    cell.value = v
                    if isinstance(v, Decimal):
                        cell.number_format = "0." + "0" * max(1, _decimals(v))
            else:
                cell.value = cell_text(g, report)
            cell.font = cell_font
            horizontal = "left" if align_of(g) == "left" else "center"
            cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
        if lay.header_rows:
            ws.print_title_rows = f"{GRID_TOP}:{GRID_TOP + lay.header_rows - 1}"
            ws.freeze_panes = ws.cell(GRID_TOP + lay.header_rows, 1 + lay.label_cols)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_xlsx(report: Report, out_path: str | Path, *, progress: Progress | None = None) -> Path:
    """Write tables 二–四 as an .xlsx at ``out_path`` (a temporary name, then renamed); return the path.
    Raises :class:`model.output.pdf.ExportError` with a Chinese message."""
    out = Path(out_path)
    if progress:
        progress(0.0, "生成 Excel 工作簿")
    data = render_xlsx(report, progress)
    if progress:
        progress(0.95, "写入文件")
    write_atomic(out, data)
    if progress:
        progress(1.0, "完成")
    return out


def read_xlsx_cells(source: str | Path | bytes, template: str | None = None) -> dict[str, Value]:
    """The value of every cell key in a workbook written by :func:`render_xlsx` (found by the form's layout):
    a whole number as ``int``, a fraction as :class:`~decimal.Decimal`, ``/`` as ``"/"``, empty as ``None``."""
    from openpyxl import load_workbook

    from model.form import form_for

    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as err:  # openpyxl raises many kinds on a broken package
        raise ExportError(f"Excel 文件无法读取（{type(err).__name__}）。") from None
    form = form_for(template)
    out: dict[str, Value] = {}
    for section in form.sections:
        if not section.table:
            continue
        name = sheet_name(section)
        if name not in wb.sheetnames:
            raise ExportError(f"Excel 文件中没有工作表“{name}”。")
        ws = wb[name]
        for g in form.table[section.table].layout.cells:
            if not g.key:
                continue
            v = ws.cell(GRID_TOP + g.row, 1 + g.col).value
            if v is None or v == "":
                out[g.key] = None
            elif isinstance(v, str):
                out[g.key] = SLASH if v.strip() == SLASH else v
            elif isinstance(v, float) and v != int(v):
                out[g.key] = Decimal(repr(v))
            else:
                out[g.key] = int(v)
    return out
