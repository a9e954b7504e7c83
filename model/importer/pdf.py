"""A published PDF → text laid out by the glyphs' coordinates, with the bundled PDFium (pypdfium2).

No pdftotext is needed.  Every glyph of the text layer comes with its box; glyphs are gathered into lines by
their vertical middles, and a line's glyphs into cells where the gap between two glyphs is wider than a
character: cells stand apart by at least two spaces, and each starts at the character column its left edge
is at (the page's width in half-em steps), so values of a table line up under their columns as in
``pdftotext -layout`` — the importer's table reader then places them by those columns.  Pages are separated
by form feeds.  A PDF without a text layer (a scan) is refused: there is nothing to read but an image.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..report import ReportError

#: a gap between two glyphs wider than this many glyph heights separates two cells
CELL_GAP = 1.2
#: a gap wider than this many glyph heights (but no cell gap) between two Latin letters is a space
WORD_GAP = 0.3
#: two glyphs whose vertical middles differ by less than this many glyph heights stand on one line
LINE_SLACK = 0.45
#: glyphs this many times taller than the page's usual glyph are a watermark (草稿 across the page)
WATERMARK = 2.5
#: fewer glyphs than this a page: no text layer worth reading (a scan, perhaps with a stray page number)
MIN_GLYPHS = 5


@dataclass(frozen=True)
class Glyph:
    char: str
    left: float
    bottom: float
    right: float
    top: float

    @property
    def middle(self) -> float:
        return (self.bottom + self.top) / 2

    @property
    def height(self) -> float:
        return self.top - self.bottom


def _glyphs(page: Any) -> list[Glyph]:  # a pypdfium2 page
    textpage = page.get_textpage()
    try:
        out = []
        for i in range(textpage.count_chars()):
            ch = textpage.get_text_range(i, 1)
            if not ch or ch.isspace() or ch in "\ufffe\uffff\x02":
                continue
            left, bottom, right, top = textpage.get_charbox(i)
            if right <= left or top <= bottom:
                continue
            out.append(Glyph(ch, left, bottom, right, top))
        return out
    finally:
        textpage.close()


def _lines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs gathered into lines (top of the page first), each line left to right."""
    lines: list[list[Glyph]] = []
    middles: list[float] = []
    heights: list[float] = []
    for g in sorted(glyphs, key=lambda g: -g.middle):
        if lines and abs(middles[-1] - g.middle) <= LINE_SLACK * max(heights[-1], g.height):
            lines[-1].append(g)
            n = len(lines[-1])
            middles[-1] += (g.middle - middles[-1]) / n
            heights[-1] = max(heights[-1], g.height)
        else:
            lines.append([g])
            middles.append(g.middle)
            heights.append(g.height)
    return [sorted(line, key=lambda g: g.left) for line in lines]


def _unit(glyphs: list[Glyph]) -> float:
    """The width of one character column: half the usual glyph height (a half-width character)."""
    heights = sorted(g.height for g in glyphs)
    return max(heights[len(heights) // 2] / 2, 1.0)


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _line_text(line: list[Glyph], unit: float, margin: float) -> str:
    out = ""
    prev: Glyph | None = None
    # the line's type size: its glyphs' usual height (a colon's or a 一's box is far lower than its size)
    size = sorted(g.height for g in line)[len(line) // 2]
    for g in line:
        if prev is not None:
            gap = g.left - prev.right
            if gap > CELL_GAP * size:
                column = round((g.left - margin) / unit)
                out += " " * max(2, column - len(out))
            elif gap > WORD_GAP * size and _latin(prev.char) and _latin(g.char):
                out += " "  # Chinese has no spaces between words; digits of one number stand apart
        else:
            out += " " * round((g.left - margin) / unit)
        out += g.char
        prev = g
    return out.rstrip()


#: the most pages a PDF to import may have (limits the work: see :mod:`model.importer`)
MAX_PDF_PAGES = 100


def pdf_to_text(data: bytes) -> str:
    """The text of a PDF laid out by its glyphs' positions; ``ReportError`` for a scan or a broken file."""
    import pypdfium2 as pdfium  # the bundled PDFium: only when a PDF is imported

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        if "password" in str(err).lower():
            raise ReportError("这个 PDF 文件设有打开密码，无法导入。请使用未加密的文件。") from None
        raise ReportError("PDF 文件已损坏或不完整，无法读取。请重新下载或另存后再导入。") from None
    from . import MAX_TEXT_CHARS

    pages: list[str] = []
    glyph_count = 0
    try:
        if len(pdf) > MAX_PDF_PAGES:  # a report has 10–30 pages; each page costs tens of milliseconds
            raise ReportError(f"PDF 文件有 {len(pdf)} 页，不像一份年度报告（最多 {MAX_PDF_PAGES} 页）。")
        for i in range(len(pdf)):
            page = pdf[i]
            try:
                glyphs = _glyphs(page)
            finally:
                page.close()
            glyph_count += len(glyphs)
            if glyph_count > MAX_TEXT_CHARS:  # the importer's text cap: no need to read on
                raise ReportError(f"PDF 文件中的文字太多（超过 {MAX_TEXT_CHARS} 个字符），不像一份年度报告。")
            if glyphs:
                usual = sorted(g.height for g in glyphs)[len(glyphs) // 2]
                glyphs = [g for g in glyphs if g.height <= WATERMARK * usual]
            if not glyphs:
                pages.append("")
                continue
            unit = _unit(glyphs)
            # columns counted from the page's left margin: a paragraph's first line keeps its indent
            margin = min(g.left for g in glyphs)
            pages.append("\n".join(_line_text(line, unit, margin) for line in _lines(glyphs)))
    finally:
        pdf.close()
    if glyph_count < MIN_GLYPHS:
        raise ReportError(
            "这个 PDF 文件没有文字层，其中的内容是图像（例如扫描件），无法读取其中的文字和数字。"
            "请改用原始的 Word、网页或带文字的 PDF 文件导入，或直接在本程序中填写。"
        )
    return "\n\f".join(pages) + "\n"
