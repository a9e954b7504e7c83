"""The PDF: text read back, fonts embedded, layout rules, draft watermark, PDF/A, line breaking."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.form import FORM_2021
from model.output import fonts
from model.output.linebreak import NO_END, NO_START, break_lines
from model.output.pdf import BLOCK_H, ExportError, export_pdf, render_pdf_bytes
from model.output.pdfa import check_pdfa
from model.sample import sample_report

ROOT = Path(__file__).resolve().parents[1]
PAGE_NO = re.compile(r"^— \d+ —$")
needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed"
)

RARE = "联系人：王喆、李堃，电话0517-83605210。"


def rich_report():
    r = sample_report()
    # long prose with punctuation everywhere, so that many line ends meet a closing mark
    r.text["overview"] += "\n" + "。".join(
        f"第{i}项工作“按期完成”（含附件《方案》），群众满意度达到{90 + i % 10}%；{RARE}" for i in range(12)
    )
    r.text["other"] += "\n" + RARE
    return r


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "年报 2024.pdf"
    export_pdf(rich_report(), out, draft=False)
    return out


def pdftext(path: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout


def squeeze(text: str) -> str:
    lines = [ln for ln in text.splitlines() if not PAGE_NO.match(ln.strip())]
    return re.sub(r"\s+", "", "".join(lines))


@needs_poppler
def test_every_label_and_paragraph_is_extractable(exported):
    text = squeeze(pdftext(exported, "-raw"))
    report = rich_report()
    for table in FORM_2021.tables:
        for cell in table.layout.cells:
            if cell.text:
                assert re.sub(r"\s+", "", cell.text) in text, cell.text
    for key in ("overview", "problems", "other"):
        for para in report.text[key].split("\n"):
            assert re.sub(r"\s+", "", para) in text, para[:30]
    assert "喆" in text and "堃" in text
    for section in FORM_2021.sections:
        assert section.heading in text
    assert report.title in text
    assert "2025年1月20日" in text and report.agency in text
    # the values of table 3 are there too
    assert str(report.cells["t3.total.total"]) in text


@needs_poppler
def test_no_line_breaks_chinese_rules(exported):
    lines = [ln.strip() for ln in pdftext(exported, "-raw").splitlines() if ln.strip()]
    checked = 0
    for ln in lines:
        if PAGE_NO.match(ln):
            continue
        assert ln[0] not in NO_START or len(ln) == 1, ln
        if len(ln) > 1:
            assert ln[-1] not in NO_END, ln
        checked += 1
    assert checked > 100


@needs_poppler
def test_every_font_embedded_truetype(exported):
    out = subprocess.run(
        ["pdffonts", str(exported)], capture_output=True, text=True, encoding="utf-8", check=True
    ).stdout
    rows = out.splitlines()[2:]
    assert rows, out
    for row in rows:
        cols = row.split()
        assert "TrueType" in row, row
        assert "yes" == cols[-5], row  # emb
        assert "yes" == cols[-3], row  # uni: ToUnicode present, text extractable
    assert "Helvetica" not in out and "Times" not in out


def test_no_base14_font_anywhere(exported):
    assert b"/Helvetica" not in exported.read_bytes()
    data, _ = render_pdf_bytes(rich_report(), draft=False)
    assert b"Helvetica" not in data and b"Times-Roman" not in data


def test_pdfa_identification_and_check(exported):
    import pikepdf

    assert check_pdfa(exported) == []
    with pikepdf.open(exported) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
        assert pdf.Root.OutputIntents[0].S == pikepdf.Name.GTS_PDFA1
        assert str(pdf.docinfo["/NianbaoStatus"]) == "定稿"
    # a plain reportlab PDF is not PDF/A
    data, _ = render_pdf_bytes(sample_report(), draft=False)
    assert check_pdfa(data)


def test_pages_a4_portrait_and_table4_within_the_text_block(exported):
    import pikepdf

    with pikepdf.open(exported) as pdf:
        sizes = [(round(float(p.mediabox[2])), round(float(p.mediabox[3]))) for p in pdf.pages]
    assert sizes and all(s == (595, 842) for s in sizes)  # never a landscape page (issue 12)
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(exported), "-"], capture_output=True, text=True, encoding="utf-8"
        ).stdout
        assert "复议后起诉" in text and "四、政府信息公开行政复议、行政诉讼情况" in text


@needs_poppler
def test_page_numbers_alternate_sides(exported):
    import pikepdf

    with pikepdf.open(exported) as pdf:
        n = len(pdf.pages)
    assert n >= 4
    for page in (1, 2):
        out = subprocess.run(
            ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(exported), "-"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=True,
        ).stdout
        m = re.search(rf'<word xMin="([\d.]+)"[^>]*>{page}</word>', out)
        assert m, f"page number {page} not found"
        x = float(m.group(1))
        assert (x > 400) if page % 2 else (x < 200)


def test_table_rows_never_split_and_headers_repeat(monkeypatch):
    """Every segment of table 3 fits on a page, starts with the header rows, and each body row is drawn once."""
    from model.output import pdf as pdfmod

    segments: list[list[tuple[int, float]]] = []
    real = pdfmod._Writer._draw_segment

    def spy(self, grid, report, x0, segment):
        if grid.table.key == "t3":
            segments.append(list(segment))
        return real(self, grid, report, x0, segment)

    monkeypatch.setattr(pdfmod._Writer, "_draw_segment", spy)
    r = rich_report()
    render_pdf_bytes(r, draft=False)
    assert len(segments) >= 2  # table 3 does not fit on one page
    t3 = FORM_2021.table["t3"]
    hr = t3.layout.header_rows
    body_seen: list[int] = []
    from model.output.layout import measure_table

    grid = measure_table(t3, r, pdfmod.BLOCK_W)
    for seg in segments:
        rows = [row for row, _ in seg]
        assert rows[:hr] == list(range(hr))
        body_seen += rows[hr:]
        top, bottom = seg[0][1], seg[-1][1] - grid.row_h[seg[-1][0]]
        assert top - bottom <= BLOCK_H + 0.01
    assert body_seen == list(range(hr, t3.layout.rows))


@needs_poppler
def test_draft_watermark_on_every_page(tmp_path):
    r = sample_report()
    r.cells["t3.new.total"] = 999  # a broken total: an error
    out = tmp_path / "draft.pdf"
    export_pdf(r, out)  # the rule engine decides
    import pikepdf

    with pikepdf.open(out) as pdf:
        n = len(pdf.pages)
        assert str(pdf.docinfo["/NianbaoStatus"]) == "草稿"
    for page in range(1, n + 1):
        # the watermark is set diagonally: pdftotext lists its words with -bbox
        words = subprocess.run(
            ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(out), "-"],
            capture_output=True,
            text=True,
            encoding="utf-8",
        ).stdout
        assert re.search(r">草稿?</word>", words) and "稿" in words, page


def test_consistent_report_is_not_a_draft(tmp_path):
    out = export_pdf(sample_report(), tmp_path / "ok.pdf")
    import pikepdf

    with pikepdf.open(out) as pdf:
        assert str(pdf.docinfo["/NianbaoStatus"]) == "定稿"


def test_progress_and_atomic_write(tmp_path):
    seen: list[float] = []
    out = tmp_path / "a.pdf"
    out.write_bytes(b"old")
    export_pdf(sample_report(), out, draft=False, progress=lambda f, m: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    assert out.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]
    with pytest.raises(ExportError):
        export_pdf(sample_report(), tmp_path / "无此文件夹" / "a.pdf", draft=False)


def test_unprintable_characters_are_named():
    r = sample_report()
    assert fonts.unprintable_characters(r) == {}
    r.text["problems"] += "𠀀"  # CJK Extension B: in none of the faces
    r.agency = "喆堃局"
    missing = fonts.unprintable_characters(r)
    assert list(missing) == ["𠀀"]
    assert missing["𠀀"] == ["五、存在的主要问题及改进情况"]


def test_fonts_registered_once():
    a = fonts.faces()
    b = fonts.faces()
    assert a is b
    for role in fonts.ROLES:
        assert all(f.path.suffix.lower() in (".ttf", ".ttc") for f in a[role])
        assert any(fonts.covered("喆", name) for name in fonts.font_chain(role))
    assert fonts.split_runs("喆", "kai")[0][0] != fonts.font_chain("kai")[0]  # the GB 2312 楷体 falls back


def test_import_is_light():
    code = (
        "import sys, model.output, model.output.pdf, model.output.sign, model.output.html, "
        "cli.output, model.output.fonts, model.output.pdfa\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in "
        "('reportlab', 'pyhanko', 'pikepdf', 'cryptography', 'PySide6', 'PIL')]\n"
        "print(heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------------------------------------------
# line breaking


def measure(s: str) -> float:
    return sum(1.0 if ord(ch) > 0x2E80 else 0.5 for ch in s)


def test_break_moves_closing_punctuation():
    lines = break_lines("一二三四五，六七", 5, measure)
    assert lines == ["一二三四", "五，六七"]
    lines = break_lines("一二三（四五六", 4, measure)
    assert lines == ["一二三", "（四五六"]
    lines = break_lines("一二三四”。五六", 4, measure)
    assert all(ln[0] not in NO_START for ln in lines)
    assert "".join(lines) == "一二三四”。五六"


def test_break_keeps_numbers_whole():
    lines = break_lines("申请数量为12345件", 6, measure)
    assert any("12345" in ln for ln in lines)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="政府信息公开，。、；：！？）》”“（《ab12 ", min_size=1, max_size=120),
    st.integers(3, 30),
)
def test_break_lines_properties(text, width):
    lines = break_lines(text, width, measure)
    assert "".join(lines) == text
    for i, ln in enumerate(lines):
        if i > 0 and ln:
            assert ln[0] not in NO_START or len(lines[i - 1]) == 0
        if i < len(lines) - 1 and len(ln) > 1:
            assert ln[-1] not in NO_END
        # a line is wider than the measure only by closing punctuation hanging at its end
        assert measure(ln.rstrip("".join(NO_START))) <= width + 1e-9 or len(ln.rstrip("".join(NO_START))) <= 1


def test_2019_edition_and_empty_report_export(tmp_path):
    from model.form import FORM_2019
    from model.report import Report

    r = Report(template="2019", agency="某镇人民政府", year=2020)
    out = export_pdf(r, tmp_path / "2019.pdf")
    assert check_pdfa(out) == []
    if shutil.which("pdftotext"):
        text = squeeze(pdftext(out, "-raw"))
        for cell in FORM_2019.table["t3"].layout.cells:
            if cell.text:
                assert re.sub(r"\s+", "", cell.text) in text
        for cell in FORM_2019.table["t2"].layout.cells:  # the 2019 edition's own table 2
            if cell.text:
                assert re.sub(r"\s+", "", cell.text) in text
        assert "本年制发件数" not in text
    assert export_pdf(Report(), tmp_path / "empty.pdf").is_file()
