"""The report as a Word document (.docx) in the layout of GB/T 9704-2012, for the clerk's leaders.

The same page as the PDF (:mod:`model.output.pdf`: A4, its margins, 22 lines of 28 characters, the same
sizes); the faces are *named* as a Chinese office's Word and WPS know them — 仿宋_GB2312 for the body, 黑体
for 一、 headings, 楷体_GB2312 for （一） sub-headings, 方正小标宋简体 for the title, 宋体 for the tables —
with the East Asian font attribute (``w:eastAsia``) set, so that Word uses the system's faces and nothing
is embedded. Tables 二–四 are built from :attr:`model.form.Table.layout` (the official merges, every border,
header rows repeated on a new page, no row split). Page numbers ``— 1 —``: odd pages right, even pages left.

The importer (:mod:`model.importer`) reads the file back cell for cell.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from model.report import Report

from .layout import CELL_LEADING, CELL_SIZE, MIN_ROW, MM, PAD_X, align_of, cell_text
from .pdf import (
    A4,
    BLOCK_H,
    BLOCK_W,
    BODY,
    GRID,
    LEFT,
    PAGE_NO,
    PITCH,
    TITLE,
    TOP,
    _paragraphs,
    _prose_roles,
    chinese_date,
    write_atomic,
)

__all__ = ["WORD_FACES", "render_docx", "export_docx"]

Progress = Callable[[float, str], None]

#: the face of each role (see :mod:`model.output.fonts`) as Word and WPS name it on a Chinese Windows
WORD_FACES = {
    "fang": "仿宋_GB2312",
    "hei": "黑体",
    "kai": "楷体_GB2312",
    "title": "方正小标宋简体",
    "song": "宋体",
}
#: GB/T 9704 7.5: the page number's dash stands 7 mm below the text block
PAGE_NO_GAP = 7 * MM
#: the advance of a digit in em: 宋体 0.5, the sans faces that stand in for it elsewhere up to 0.64
DIGIT_WIDTH = 0.64
#: the smallest size a value in a table is set at to stay on one line (七号 is 5.25 pt)
MIN_VALUE_SIZE = 6.0
#: the side margins of a cell whose number is set smaller to fit
VALUE_PAD = 0.5
#: the end of every report's title, where a title that starts with the year is broken
TITLE_TAIL = "政府信息公开工作年度报告"
#: what every page of a report with errors says (as the PDF's watermark)
DRAFT = "草稿"
#: the organ and the date: the date ends this many characters from the right edge of the text block
SIGNATURE_RIGHT = 4
#: the width of the text block at which the title is broken after the organ's name, in characters of its size
_TITLE_CHARS = BLOCK_W / TITLE


def _twips(pt: float) -> int:
    return round(pt * 20)


def _chars(text: str) -> float:
    """Width in characters of the body size: a hanzi 1, a digit or letter half."""
    return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in text)


# -------------------------------------------------------------------------------------------------
# low-level XML helpers (python-docx covers most; East Asian fonts, grids, borders and fields it does not)


def _el(tag: str, **attrs: str) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    e = OxmlElement(tag)
    for k, v in attrs.items():
        e.set(qn(f"w:{k}"), str(v))
    return e


#: the order WordprocessingML requires of the children of these elements (Word refuses a file out of order)
_ORDER = {
    "pPr": (
        "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs "
        "suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
        "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection "
        "textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
    ),
    "rPr": (
        "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof snapToGrid "
        "vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl "
        "cs em lang eastAsianLayout specVanish oMath"
    ),
    "trPr": "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader tblCellSpacing jc hidden",
    "tcPr": (
        "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark "
        "headers cellIns cellDel cellMerge tcPrChange"
    ),
    "tblPr": (
        "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc tblCellSpacing "
        "tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription"
    ),
}


def _place(parent: Any, element: Any) -> None:
    """Put ``element`` into ``parent`` where the schema's order wants it (replacing one of its kind)."""

    def local(e: Any) -> str:
        return e.tag.rsplit("}", 1)[-1] if isinstance(e.tag, str) else ""

    order = _ORDER[local(parent)].split()
    name = local(element)
    for old in [c for c in parent if local(c) == name]:
        parent.remove(old)
    rank = order.index(name)
    for i, child in enumerate(parent):
        if local(child) in order and order.index(local(child)) > rank:
            parent.insert(i, element)
            return
    parent.append(element)


def _set_fonts(rpr: Any, face: str) -> None:
    """``w:rFonts`` naming ``face`` for every script, the East Asian one included."""
    from docx.oxml.ns import qn

    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = _el("w:rFonts")
        _place(rpr, fonts)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), face)
    fonts.set(qn("w:hint"), "eastAsia")


def _run(paragraph: Any, text: str, role: str, size: float, spacing: float = 0.0) -> Any:
    """A run of ``text`` in the face of ``role``; ``spacing``: points added after each character."""
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    rpr = run._r.get_or_add_rPr()
    _set_fonts(rpr, WORD_FACES[role])
    if spacing:
        _place(rpr, _el("w:spacing", val=str(round(spacing * 20))))
    return run


def _ppr_append(paragraph: Any, element: Any) -> None:
    _place(paragraph._p.get_or_add_pPr(), element)


def _indent(paragraph: Any, *, first_chars: int = 0, right_chars: float = 0, size: float = BODY) -> None:
    """Indents in characters (``w:firstLineChars``, ``w:rightChars``) and their equivalents in twips."""
    attrs: dict[str, str] = {}
    if first_chars:
        attrs["firstLineChars"] = str(first_chars * 100)
        attrs["firstLine"] = str(_twips(first_chars * size))
    if right_chars:
        attrs["rightChars"] = str(round(right_chars * 100))
        attrs["right"] = str(_twips(right_chars * size))
    if attrs:
        _ppr_append(paragraph, _el("w:ind", **attrs))


def _spacing(paragraph: Any, line: float, *, grid: bool = True) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(line)
    if not grid:
        _ppr_append(paragraph, _el("w:snapToGrid", val="0"))


# -------------------------------------------------------------------------------------------------
# the document


def _page(document: Any, draft: bool = False) -> None:
    """A4, the margins of the PDF, the grid of 22 lines × 28 characters, page numbers in the footers; while
    the report has errors (``draft``) every page's header says 草稿."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    section = document.sections[0]
    section.page_width, section.page_height = Pt(A4[0]), Pt(A4[1])
    section.top_margin = Pt(TOP)
    section.left_margin = Pt(LEFT)
    section.right_margin = Pt(A4[0] - LEFT - BLOCK_W)
    section.bottom_margin = Pt(A4[1] - TOP - BLOCK_H)
    section.header_distance = Pt(TOP / 2)
    # the footer's bottom edge: the number's line (its size × 1.2) begins PAGE_NO_GAP below the text block
    section.footer_distance = Pt(A4[1] - TOP - BLOCK_H - PAGE_NO_GAP - PAGE_NO * 1.2)
    sect = section._sectPr
    for old in sect.findall(qn("w:docGrid")):
        sect.remove(old)
    # a grid of lines only: a grid of characters makes LibreOffice give a glyph wider than the pitch two cells;
    # the 28 characters a line come from the body's condensed spacing (_prose)
    sect.append(_el("w:docGrid", type="lines", linePitch=str(_twips(PITCH))))
    document.settings.odd_and_even_pages_header_footer = True
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        _page_number(p, align)
    if draft:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import RGBColor

        for header in (section.header, section.even_page_header):
            header.is_linked_to_previous = False
            p = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _spacing(p, BODY * 1.5, grid=False)
            run = _run(p, DRAFT, "hei", BODY)
            run.font.color.rgb = RGBColor(0x99, 0x99, 0x99)


def _page_number(paragraph: Any, align: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if align == "right" else WD_ALIGN_PARAGRAPH.LEFT
    _spacing(paragraph, PAGE_NO * 1.2, grid=False)
    # one character of the number's size in from the edge of the text block, as in the PDF
    key = "right" if align == "right" else "left"
    _ppr_append(paragraph, _el("w:ind", **{f"{key}Chars": "100", key: str(_twips(PAGE_NO))}))
    _run(paragraph, "— ", "song", PAGE_NO)
    for part in ("begin", "instr", "separate", "1", "end"):
        run = _run(paragraph, "", "song", PAGE_NO)
        if part == "instr":
            t = _el("w:instrText")
            t.text = " PAGE "
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            run._r.append(t)
        elif part == "1":
            run.text = "1"
        else:
            run._r.append(_el("w:fldChar", fldCharType=part))
    _run(paragraph, " —", "song", PAGE_NO)


def _styles(document: Any) -> None:
    """The defaults and Normal: 仿宋_GB2312 三号 (16 pt), justified, on the grid, no space between paragraphs;
    Chinese as the East Asian language. (The grid's character pitch is counted from the default size.)"""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    _set_fonts(rpr, WORD_FACES["fang"])
    for tag in ("w:sz", "w:szCs"):
        el = rpr.find(qn(tag))
        if el is not None:
            el.set(qn("w:val"), str(round(BODY * 2)))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = _el("w:lang")
        _place(rpr, lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for old in ppr.findall(qn("w:spacing")):
        ppr.remove(old)
    ppr.append(_el("w:spacing", before="0", after="0", line=str(_twips(PITCH)), lineRule="exact"))
    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY)
    _set_fonts(normal.element.get_or_add_rPr(), WORD_FACES["fang"])
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def _title(document: Any, title: str, agency: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    lines = [title]
    if _chars(title) > _TITLE_CHARS:  # too long for a line: break between words, never inside one
        if agency and title.startswith(agency) and len(title) > len(agency):
            lines = [agency, title[len(agency) :]]  # after the organ's name
        elif title.endswith(TITLE_TAIL) and len(title) > len(TITLE_TAIL):
            lines = [title[: -len(TITLE_TAIL)], TITLE_TAIL]  # "2024年某某局" / "政府信息公开工作年度报告"
    p = document.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(p, TITLE * 1.6, grid=False)
    p.paragraph_format.keep_with_next = True
    for i, line in enumerate(lines):
        run = _run(p, line, "title", TITLE)
        if i < len(lines) - 1:
            run.add_break()
    _blank(document)


def _blank(document: Any, keep_with_next: bool = False) -> None:
    p = document.add_paragraph()
    _spacing(p, PITCH)
    p.paragraph_format.keep_with_next = keep_with_next


def _prose(document: Any, text: str, role: str = "fang", keep_with_next: bool = False) -> None:
    roles = _prose_roles(text) if role == "fang" else [role] * len(text)
    p = document.add_paragraph()
    _spacing(p, PITCH)
    _indent(p, first_chars=2)
    p.paragraph_format.keep_with_next = keep_with_next
    p.paragraph_format.widow_control = True
    if role == "hei":  # a heading 一、…: in Word's navigation pane
        _ppr_append(p, _el("w:outlineLvl", val="0"))
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or roles[i] != roles[start]:
            _run(p, text[start:i], roles[start], BODY, GRID - BODY)  # 28 characters a line
            start = i


def _borders(table: Any) -> None:
    """Every line of the table: single, ½ pt, black (the PDF's 0.6 pt rounded to Word's eighths)."""
    tbl_pr = table._tbl.tblPr
    borders = _el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_el(f"w:{side}", val="single", sz="4", space="0", color="000000"))
    _place(tbl_pr, borders)
    margins = _el("w:tblCellMar")
    for side in ("left", "right"):
        margins.append(_el(f"w:{side}", w=str(_twips(PAD_X)), type="dxa"))
    _place(tbl_pr, margins)
    _place(tbl_pr, _el("w:tblLayout", type="fixed"))


def _table(document: Any, table: Any, report: Report) -> None:
    """One of tables 二–四: the grid of :attr:`Table.layout`, merged as the official form merges it."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    lay = table.layout
    t = document.add_table(rows=lay.rows, cols=lay.cols)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    _borders(t)
    total = sum(lay.widths)
    widths = [BLOCK_W * w / total for w in lay.widths]
    grid = t._tbl.tblGrid
    for col, w in zip(
        grid.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}gridCol"),
        widths,
        strict=True,
    ):
        col.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w", str(_twips(w)))
    # every cell, once, before the merges (python-docx's Table.cell walks the whole table at each call);
    # regions do not overlap, so a region's corners are still in place when it is merged
    cells = [list(row.cells) for row in t.rows]
    for r, row in enumerate(t.rows):
        tr_pr = row._tr.get_or_add_trPr()
        _place(tr_pr, _el("w:cantSplit"))
        if r < lay.header_rows:
            _place(tr_pr, _el("w:tblHeader"))
        _place(tr_pr, _el("w:trHeight", val=str(_twips(MIN_ROW)), hRule="atLeast"))
        for c, cell in enumerate(cells[r]):
            cell.width = Pt(widths[c])
    # a block of table 2 (its rows but the last) and the header rows are kept with the row that follows
    # (Word keeps the rows together; LibreOffice moves the whole table to the next page instead)
    keep = {r for first, last in lay.blocks for r in range(first, last)} | set(range(lay.header_rows))
    for g in lay.cells:
        cell = cells[g.row][g.col]
        if g.rowspan > 1 or g.colspan > 1:
            cell = cell.merge(cells[g.row + g.rowspan - 1][g.col + g.colspan - 1])
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT if align_of(g) == "left" else WD_ALIGN_PARAGRAPH.CENTER
        _spacing(p, CELL_LEADING, grid=False)
        p.paragraph_format.keep_with_next = g.row + g.rowspan - 1 in keep
        text = cell_text(g, report)
        size = CELL_SIZE
        if g.key:  # a value never wraps ("12345/6"): a number too wide for its cell is set smaller
            width = sum(widths[g.col : g.col + g.colspan])
            need = len(text) * CELL_SIZE * DIGIT_WIDTH
            if need > width - 2 * PAD_X:
                # the cell's side margins narrowed to half a point, the size what then fits
                tc_pr = cell._tc.get_or_add_tcPr()
                margins = _el("w:tcMar")
                for side in ("left", "right"):
                    margins.append(_el(f"w:{side}", w=str(_twips(VALUE_PAD)), type="dxa"))
                _place(tc_pr, margins)
                inner = width - 2 * VALUE_PAD
                size = max(MIN_VALUE_SIZE, math.floor(CELL_SIZE * inner / need * 2) / 2)
        for i, line in enumerate(text.split("\n")):
            run = _run(p, line, "song", size)
            if i < len(text.split("\n")) - 1:
                run.add_break()


def _signature(document: Any, agency: str, date: str) -> None:
    """The organ and the date at the end: the date ends four characters from the right, the organ's name
    centred over it (never closer than two characters to the edge), as in the PDF."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    lines = [s for s in (agency, date) if s]
    if not lines:
        return
    # GB/T 9704: the organ and the date never stand alone on the last page: the text's last lines go along
    last = document.paragraphs[-1]
    last.paragraph_format.keep_with_next = True
    _blank(document, keep_with_next=True)
    _blank(document, keep_with_next=True)
    anchor = _chars(date) if date else _chars(agency)
    for i, s in enumerate(lines):
        p = document.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _spacing(p, PITCH)
        right = SIGNATURE_RIGHT - (_chars(s) - anchor) / 2
        _indent(p, right_chars=max(2.0, right))
        p.paragraph_format.keep_with_next = i < len(lines) - 1
        _run(p, s, "fang", BODY)


def render_docx(report: Report, progress: Progress | None = None, *, draft: bool = False) -> bytes:
    """The report as the bytes of a .docx file; ``draft``: the report has errors (every page says 草稿)."""
    import docx

    from .fonts import report_title

    form = report.form
    document = docx.Document()
    _styles(document)
    _page(document, draft)
    title = report_title(report)
    props = document.core_properties
    props.title = title
    props.author = report.agency or ""
    props.subject = "政府信息公开工作年度报告"
    props.language = "zh-CN"
    # python-docx's template starts with one empty paragraph-less body: nothing to remove
    _title(document, title, report.agency or "")
    n = len(form.sections)
    for i, section in enumerate(form.sections):
        if progress:
            progress(0.1 + 0.8 * i / n, f"排版{section.heading}")
        _prose(document, section.heading, role="hei", keep_with_next=True)
        if section.table:
            _table(document, form.table[section.table], report)
            continue
        for para in _paragraphs(report.text.get(section.text_key or "", "")):
            _prose(document, para)
    _signature(document, report.agency or "", chinese_date(report.date))
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def export_docx(
    report: Report, out_path: str | Path, *, progress: Progress | None = None, draft: bool = False
) -> Path:
    """Write the report as a .docx at ``out_path`` (a temporary name, then renamed); return the path.
    Raises :class:`model.output.pdf.ExportError` with a Chinese message."""
    out = Path(out_path)
    if progress:
        progress(0.0, "生成 Word 文档")
    data = render_docx(report, progress, draft=draft)
    if progress:
        progress(0.95, "写入文件")
    write_atomic(out, data)
    if progress:
        progress(1.0, "完成")
    return out
