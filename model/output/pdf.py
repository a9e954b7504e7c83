"""The report as a PDF in the layout of GB/T 9704-2012 《党政机关公文格式》.

A4; top margin 37 mm, binding margin 28 mm, text block 156 × 225 mm; title 22 pt; headings 一、… 黑体 16 pt;
sub-headings （一） 楷体 16 pt; prose 仿宋 16 pt, 22 lines of 28 characters; tables 2–4 drawn from
:attr:`model.form.Table.layout` (merged cells, group labels spanning their rows, header rows repeated on a
new page, no row split across pages, no page holding a part of a spanning label too short for its text; every
table in portrait within the text block — table 4's 15 columns 10.4 mm each, 结果/维持 on two lines — and a
number never wrapped, set smaller when wider than its cell); page numbers ``— 1 —`` 宋体 14 pt, the dash 7 mm
below the text block, odd pages right,
even pages left; the organ's name and the date at the end, where the seal goes, never alone on the last page
(the text's last lines go with them). While the report has errors every page says 草稿.

The file is written to a temporary name, made PDF/A-2b (:mod:`model.output.pdfa`) and renamed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from model.files import atomic_write_bytes
from model.report import Report

from . import fonts
from .layout import (
    CELL_LEADING,
    MM,
    PAD_X,
    PAD_Y,
    TableGrid,
    align_of,
    measure_table,
    paginate,
)
from .linebreak import break_lines, title_lines

__all__ = [
    "export_pdf",
    "render_pdf_bytes",
    "report_has_errors",
    "ExportError",
    "SEAL_KEY",
    "STATUS_KEY",
    "DATE_KEY",
]

Progress = Callable[[float, str], None]

A4 = (210 * MM, 297 * MM)
BLOCK_W, BLOCK_H = 156 * MM, 225 * MM
TOP, LEFT = 37 * MM, 28 * MM
BODY = 16.0
PITCH = BLOCK_H / 22  # line pitch: 22 lines on the block
GRID = BLOCK_W / 28  # character pitch: 28 characters a line
TITLE = 22.0
PAGE_NO = 14.0
#: from the bottom of the text block down to the page number's dashes
PAGE_NO_DROP = 7 * MM
SEAL = 42 * MM

#: document-information keys this module writes (kept through PDF/A and signing)
SEAL_KEY = "/NianbaoSeal"  # "page x1 y1 x2 y2" of the box where the seal goes
STATUS_KEY = "/NianbaoStatus"  # "草稿" (the report has errors) or "定稿"
DATE_KEY = "/NianbaoDate"  # the 成文日期 (ISO), empty when the report has none: such a PDF is not signed

_SUBHEAD = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")


class ExportError(Exception):
    """Export failed; ``str(err)`` is a Chinese message."""


def report_has_errors(report: Report, previous: Report | None = None) -> bool:
    """Whether the rule engine finds an error (the PDF is then a draft)."""
    from model.findings import Severity
    from model.rules import check  # no fallback: a PDF of a report with errors is always marked draft

    return any(f.severity is Severity.ERROR for f in check(report, previous))


def chinese_date(iso: str | None) -> str:
    if not iso:
        return ""
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", iso.strip())
    if not m:
        return iso.strip()
    return f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日"


@dataclass
class _Geometry:
    """The page: A4 portrait, every page (the tables fit the text block)."""

    size: tuple[float, float] = A4
    left: float = LEFT
    width: float = BLOCK_W
    #: y of the top and the bottom of the text block
    top: float = A4[1] - TOP
    bottom: float = A4[1] - TOP - BLOCK_H


@dataclass
class _Writer:
    canvas: object
    draft: bool
    progress: Progress | None = None
    page: int = 0
    geo: _Geometry = field(default_factory=_Geometry)
    y: float = 0.0
    seal: tuple[int, float, float, float, float] | None = None
    #: every part of a cell spanning rows as drawn: (table, page, text, box height, height its text needs, role)
    label_boxes: list[tuple[str, int, str, float, float, str]] = field(default_factory=list)
    title_lines: list[str] = field(default_factory=list)
    _open: bool = False

    # -- pages ------------------------------------------------------------------------------------

    def new_page(self) -> None:
        c = self.canvas
        if self._open:
            self._finish_page()
        c.setPageSize(self.geo.size)
        self.page += 1
        self._open = True
        self.y = self.geo.top
        if self.draft:
            self._watermark()

    def _finish_page(self) -> None:
        c = self.canvas
        text = f"— {self.page} —"
        font = fonts.font_chain("song")[0]
        c.setFillColorRGB(0, 0, 0)
        w = fonts.text_width(text, "song", PAGE_NO)
        # GB/T 9704 7.5: the dashes 7 mm below the text block (the middle of the dash's stroke)
        ink = fonts.glyph_ink("—", fonts.split_runs("—", "song")[0][0])
        mid = (ink[0] + ink[1]) / 2000 * PAGE_NO if ink else PAGE_NO * 0.3
        base = self.geo.bottom - PAGE_NO_DROP - mid
        if self.page % 2:
            x = self.geo.left + self.geo.width - PAGE_NO - w
        else:
            x = self.geo.left + PAGE_NO
        self._draw_runs(text, "song", font, x, base, PAGE_NO)
        c.showPage()
        self._open = False

    def finish(self) -> None:
        if self._open:
            self._finish_page()

    def _watermark(self) -> None:
        c = self.canvas
        w, h = self.geo.size
        c.saveState()
        c.setFillColorRGB(0.85, 0.85, 0.85)
        c.translate(w / 2, h / 2)
        c.rotate(35)
        size = 150
        tw = fonts.text_width("草稿", "hei", size)
        self._draw_runs("草稿", "hei", None, -tw / 2, -size * 0.35, size)
        c.restoreState()

    def room(self) -> float:
        return self.y - self.geo.bottom

    def ensure(self, height: float) -> None:
        if self.room() < height - 0.01:
            self.new_page()

    # -- text -------------------------------------------------------------------------------------

    def _draw_runs(
        self,
        text: str,
        role: str,
        _font,
        x: float,
        y: float,
        size: float,
        char_space: float = 0.0,
        roles=None,
    ) -> None:
        """Draw ``text`` at baseline ``y``; ``roles`` (one per character) overrides ``role``."""
        c = self.canvas
        t = c.beginText(x, y)
        t.setCharSpace(char_space)
        pieces: list[tuple[str, str]] = []
        if roles is None:
            pieces = [(role, text)]
        else:
            start = 0
            for i in range(1, len(text) + 1):
                if i == len(text) or roles[i] != roles[start]:
                    pieces.append((roles[start], text[start:i]))
                    start = i
        for r, part in pieces:
            for font, run in fonts.split_runs(part, r):
                t.setFont(font, size)
                t.textOut(run)
        c.drawText(t)

    def _width(self, text: str, roles: list[str], size: float) -> float:
        total = 0.0
        start = 0
        for i in range(1, len(text) + 1):
            if i == len(text) or roles[i] != roles[start]:
                total += fonts.text_width(text[start:i], roles[start], size)
                start = i
        return total

    def paragraph(
        self,
        text: str,
        roles: list[str] | None = None,
        role: str = "fang",
        indent: int = 2,
        keep_with: float = 0.0,
    ) -> None:
        """Prose: first line indented ``indent`` characters, full lines justified, 22 lines a page."""
        roles = roles or [role] * len(text)
        base_cs = GRID - BODY
        width = self.geo.width
        first = indent * GRID
        lines = self._lines(text, indent, role)
        pos = 0
        for i, line in enumerate(lines):
            need = PITCH + (keep_with if i == len(lines) - 1 else 0)
            if keep_with and i == len(lines) - 2:
                need = 2 * PITCH + keep_with  # what is kept with the end takes two lines along, not one
            self.ensure(need)
            x = self.geo.left + (first if i == 0 else 0)
            avail = width - (first if i == 0 else 0)
            line_roles = roles[pos : pos + len(line)]
            cs = base_cs
            if i < len(lines) - 1 and len(line) > 1:
                natural = self._width(line, line_roles, BODY)
                just = (avail - natural) / (len(line) - 1)
                if just < base_cs + BODY * 0.5:
                    cs = just
            baseline = self.y - PITCH / 2 - BODY * 0.35
            self._draw_runs(line, role, None, x, baseline, BODY, cs, line_roles)
            self.y -= PITCH
            pos += len(line)

    def _lines(self, text: str, indent: int = 2, role: str = "fang") -> list[str]:
        """The lines of a paragraph of prose: the first indented ``indent`` characters."""
        base_cs = GRID - BODY
        width = self.geo.width

        def measure(s: str) -> float:
            return fonts.text_width(s, role, BODY) + len(s) * base_cs

        first = indent * GRID
        lines = break_lines(text, width - first, measure)
        if len(lines) > 1:  # re-break the rest at full width
            rest = text[len(lines[0]) :]
            lines = [lines[0], *break_lines(rest, width, measure)]
        return lines

    def blank(self, lines: float = 1) -> None:
        self.y -= PITCH * lines

    def title(self, text: str, agency: str) -> None:
        width = self.geo.width
        lines = title_lines(text, agency, width, lambda s: fonts.text_width(s, "title", TITLE))
        self.title_lines = lines
        pitch = TITLE * 1.6
        for line in lines:
            w = fonts.text_width(line, "title", TITLE)
            x = self.geo.left + (width - w) / 2
            baseline = self.y - pitch / 2 - TITLE * 0.35
            self._draw_runs(line, "title", None, x, baseline, TITLE)
            self.y -= pitch
        self.blank(1)

    def heading(self, text: str, keep_with: float) -> None:
        self.paragraph(text, role="hei", keep_with=keep_with)

    # -- tables -----------------------------------------------------------------------------------

    def table(self, grid: TableGrid, report: Report, heading: str) -> None:
        """The heading and the table; where it breaks across pages: :func:`model.output.layout.paginate`."""
        hr = grid.header_rows
        head_h = grid.height(0, hr - 1) if hr else 0.0
        heading_h = PITCH * len(self._lines(heading, 2, "hei"))
        page_room = (self.geo.top - self.geo.bottom) - head_h

        def plan() -> list[list[tuple[int, int]]]:
            at_top = self.y >= self.geo.top - 0.01
            return paginate(grid, self.room() - heading_h - head_h, page_room, at_top)

        pages = plan()
        if pages and not pages[0]:
            self.new_page()
            pages = plan()
        self.heading(heading, keep_with=0.0)
        x0 = self.geo.left + (self.geo.width - grid.width) / 2
        for n, units in enumerate(pages or [[]]):
            if n:
                self.new_page()
            segment: list[tuple[int, float]] = []  # (row, y top) on this page
            for r in list(range(hr)) + [r for first, last in units for r in range(first, last + 1)]:
                segment.append((r, self.y))
                self.y -= grid.row_h[r]
            self._draw_segment(grid, report, x0, segment)
        self.blank(0.5)

    def _draw_segment(
        self, grid: TableGrid, report: Report, x0: float, segment: list[tuple[int, float]]
    ) -> None:
        from .layout import cell_text  # noqa: F401  (text already measured)

        c = self.canvas
        tops = dict(segment)
        rows = set(tops)
        c.setLineWidth(0.6)
        c.setStrokeColorRGB(0, 0, 0)
        c.setFillColorRGB(0, 0, 0)
        for cell in grid.table.layout.cells:
            covered = [r for r in range(cell.row, cell.row + cell.rowspan) if r in rows]
            if not covered:
                continue
            y_top = tops[covered[0]]
            y_bot = tops[covered[-1]] - grid.row_h[covered[-1]]
            x1 = x0 + grid.col_x[cell.col]
            x2 = x0 + grid.col_x[cell.col + cell.colspan]
            c.rect(x1, y_bot, x2 - x1, y_top - y_bot, stroke=1, fill=0)
            lines = grid.lines[(cell.row, cell.col)]
            if not any(lines):
                continue
            text_h = len(lines) * CELL_LEADING
            if cell.rowspan > 1:
                self.label_boxes.append(
                    (grid.table.key, self.page, "".join(lines), y_top - y_bot, text_h + 2 * PAD_Y, cell.role)
                )
            c.saveState()
            p = c.beginPath()
            p.rect(x1, y_bot, x2 - x1, y_top - y_bot)
            c.clipPath(p, stroke=0, fill=0)
            y = (y_top + y_bot) / 2 + text_h / 2
            align = align_of(cell)
            size = grid.size(cell.row, cell.col)
            for line in lines:
                baseline = y - CELL_LEADING / 2 - size * 0.35
                w = fonts.text_width(line, "song", size)
                if align == "left":
                    x = x1 + PAD_X
                else:
                    x = (x1 + x2 - w) / 2
                self._draw_runs(line, "song", None, x, baseline, size)
                y -= CELL_LEADING
            c.restoreState()

    # -- the end ----------------------------------------------------------------------------------

    def signature_block(self, agency: str, date: str) -> None:
        """The organ and the date, right; the box where the seal goes pressed onto both."""
        lines = [s for s in (agency, date) if s]
        if not lines:
            return
        self.ensure(signature_height(agency, date))
        self.blank(2)
        right = self.geo.left + self.geo.width
        date_w = fonts.text_width(date, "fang", BODY) if date else 0.0
        if date:
            cx = right - 4 * GRID - date_w / 2
        else:
            cx = right - 4 * GRID - fonts.text_width(agency, "fang", BODY) / 2
        first_base = None
        for s in lines:
            w = fonts.text_width(s, "fang", BODY)
            x = cx - w / 2
            if x + w > right - 2 * GRID:
                x = right - 2 * GRID - w
            baseline = self.y - PITCH / 2 - BODY * 0.35
            first_base = baseline if first_base is None else first_base
            self._draw_runs(s, "fang", None, x, baseline, BODY)
            self.y -= PITCH
        cy = first_base + BODY * 0.9  # the name and the date a little below the seal's centre
        size = SEAL
        self.seal = (self.page - 1, cx - size / 2, cy - size / 2, cx + size / 2, cy + size / 2)


def signature_height(agency: str, date: str) -> float:
    """The height of the end: two blank lines, the organ and the date (0 when there is neither)."""
    n = len([s for s in (agency, date) if s])
    return PITCH * (2 + n) if n else 0.0


def _paragraphs(text: str) -> list[str]:
    out = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        s = raw.strip().strip("\u3000").strip()
        if s:
            out.append(s)
    return out


def _prose_roles(para: str) -> list[str]:
    """仿宋, with a leading （一）… sub-heading in 楷体 (the whole paragraph when it is only a heading)."""
    roles = ["fang"] * len(para)
    m = _SUBHEAD.match(para)
    if not m:
        return roles
    end = para.find("。")
    if end == -1 or end == len(para) - 1:
        if len(para) <= 40:
            return ["kai"] * len(para)
        return roles
    if end <= 40:
        return ["kai"] * (end + 1) + ["fang"] * (len(para) - end - 1)
    return ["kai"] * m.end() + ["fang"] * (len(para) - m.end())


def render_pdf_bytes(report: Report, *, draft: bool, progress: Progress | None = None) -> tuple[bytes, dict]:
    """The report drawn by reportlab (not yet PDF/A) and what the next steps need to know."""
    from reportlab.pdfgen.canvas import Canvas

    chains = fonts.faces()
    form = report.form
    buf = io.BytesIO()
    title = fonts.report_title(report)
    c = Canvas(
        buf,
        pagesize=A4,
        initialFontName=chains["song"][0].name,
        initialFontSize=PAGE_NO,
        pageCompression=1,
        invariant=0,
        lang="zh-CN",
    )
    c.setTitle(title)
    c.setAuthor(report.agency or "")
    c.setSubject("政府信息公开工作年度报告")
    c.setCreator("年报")
    w = _Writer(c, draft, progress)
    w.new_page()
    w.title(title, report.agency or "")
    n = len(form.sections)
    date = chinese_date(report.date)
    # GB/T 9704: the organ and the date never stand alone on the last page; the text's last lines go with them
    end_h = signature_height(report.agency or "", date)
    for i, section in enumerate(form.sections):
        last = i == n - 1
        if progress:
            progress(0.1 + 0.6 * i / n, f"排版{section.heading}")
        if section.table:
            table = form.table[section.table]
            grid = measure_table(
                table, report, w.geo.width
            )  # portrait, within the text block: never landscape
            w.table(grid, report, section.heading)
            continue
        paras = _paragraphs(report.text.get(section.text_key or "", ""))
        keep = PITCH if paras else 0.0
        if last and len(paras) <= 1:  # the heading goes along with the text's end too
            keep = (PITCH * min(2, len(w._lines(paras[0]))) if paras else 0.0) + end_h
        w.heading(section.heading, keep_with=keep)
        for j, p in enumerate(paras):
            w.paragraph(p, _prose_roles(p), keep_with=end_h if last and j == len(paras) - 1 else 0.0)
    w.signature_block(report.agency or "", date)
    w.finish()
    c.save()
    info = {
        "pages": w.page,
        "seal": w.seal,
        "title": title,
        "title_lines": w.title_lines,
        "label_boxes": w.label_boxes,
    }
    return buf.getvalue(), info


def export_pdf(
    report: Report,
    out_path: str | Path,
    *,
    previous: Report | None = None,
    progress: Progress | None = None,
    draft: bool | None = None,
) -> Path:
    """Write the report as a PDF/A-2b file at ``out_path`` (temporary name, then renamed); return the path.

    ``draft``: ``None`` asks the rule engine (草稿 while the report has errors). ``progress(fraction, message)``
    is called along the way. Raises :class:`ExportError` with a Chinese message.
    """
    from . import pdfa

    out = Path(out_path)
    if progress:
        progress(0.0, "检查报告")
    if draft is None:
        draft = report_has_errors(report, previous)
    if progress:
        progress(0.05, "载入字体")
    try:
        fonts.faces()
    except (FileNotFoundError, RuntimeError) as err:
        raise ExportError(str(err)) from None
    data, info = render_pdf_bytes(report, draft=draft, progress=progress)
    if progress:
        progress(0.75, "转换为 PDF/A-2b")
    extra = {STATUS_KEY: "草稿" if draft else "定稿", DATE_KEY: (report.date or "").strip()}
    if info["seal"]:
        extra[SEAL_KEY] = " ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in info["seal"])
    data = pdfa.make_pdfa(data, extra_info=extra)
    if progress:
        progress(0.9, "写入文件")
    write_atomic(out, data)
    if progress:
        progress(1.0, "完成")
    return out


def write_atomic(out: Path, data: bytes) -> None:
    """Write to a temporary file beside ``out`` and rename it over ``out`` (:mod:`model.files`)."""
    out = Path(out)
    if not out.parent.is_dir():
        raise ExportError(f"文件夹“{out.parent}”不存在。")
    try:
        atomic_write_bytes(out, data)
    except OSError as err:
        raise ExportError(f"无法写入“{out}”：{_write_problem(err)}") from None


def _write_problem(err: OSError) -> str:
    """Why a file could not be written, in Chinese (the system's ``strerror`` is English)."""
    import errno

    if isinstance(err, IsADirectoryError):
        return "同名的是一个文件夹，请换一个文件名。"
    if err.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return "磁盘空间已满，请腾出空间后重试。"
    if isinstance(err, PermissionError) and err.strerror and not err.strerror.isascii():
        return err.strerror  # model.files.FileBusyError: the file to close, named
    if isinstance(err, PermissionError) or err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "没有写入权限（文件或文件夹只读，或正被其他程序占用）。请换一个位置，或关闭该文件后重试。"
    return f"系统报告错误（{err.errno or err.__class__.__name__}）。请换一个位置后重试。"
