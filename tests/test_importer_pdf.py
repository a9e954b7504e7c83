"""PDFs read directly: the bundled PDFium's glyphs with their positions, no pdftotext."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from model.importer import import_bytes, import_file
from model.importer.pdf import pdf_to_text
from model.output.pdf import export_pdf
from model.report import ReportError
from model.sample import sample_report

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "fixtures" / "published"
SEAL = Path(__file__).parent / "fixtures" / "seal.png"
NAMES = (
    "015_huaian-hongze-district-gov_2023",
    "016_huaian-hongze-district-gov_2024",
    "021_huaian-city-gov_2024",
)


def _same(a, b) -> bool:
    if a is None or b is None or isinstance(a, str) or isinstance(b, str):
        return a == b
    return Decimal(str(a)) == Decimal(str(b))


def test_our_own_pdf_reads_back_cell_for_cell(tmp_path):
    r = sample_report()
    r.cells["t2.fees.amount"] = Decimal("12.3456")
    r.cells["t2.rules.issued"] = "/"
    out = export_pdf(r, tmp_path / "示范县年报.pdf")
    back = import_file(out)
    assert back.report.cells == r.cells
    assert back.report.text == r.text
    assert (back.report.agency, back.report.year, back.report.title, back.report.date) == (
        r.agency,
        r.year,
        r.title,
        r.date,
    )
    assert back.missing == []


@pytest.mark.parametrize("name", NAMES)
def test_the_published_pdfs_read_every_cell_they_hold(name):
    path = SHARED / f"{name}.pdf"
    if not path.exists():
        pytest.skip(f"{path} is absent: 015/016/021 are read only from ../shared/fixtures/published")
    expected = json.loads(path.with_name(f"{name}.expected.json").read_text(encoding="utf-8"))
    report = import_file(path).report
    wrong = [
        k
        for k, v in expected["cells"].items()
        if report.cells.get(k) is not None and not _same(report.cells[k], v)
    ]
    unread = [k for k in expected["cells"] if report.cells.get(k) is None]
    assert wrong == [] and unread == []
    assert report.year == expected["year"] and report.template == "2021"


def test_lines_and_columns_come_from_the_glyphs(tmp_path):
    """Values of one row stand on one line, each under its column, whatever the PDF's drawing order."""
    path = tmp_path / "t.pdf"
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.setFont("Helvetica", 10)
    # drawn right to left and bottom row first: the reading order comes from the positions only
    for y, values in ((700, ("7", "8", "15")), (720, ("1", "2", "3"))):
        for x, v in zip((400, 300, 200), reversed(values), strict=True):
            c.drawString(x, y, v)
    c.drawString(100, 720, "ab")
    c.drawString(100, 700, "cd")
    c.save()
    lines = [x for x in pdf_to_text(path.read_bytes()).splitlines() if x.strip()]
    assert [x.split() for x in lines] == [["ab", "1", "2", "3"], ["cd", "7", "8", "15"]]
    assert abs(lines[0].index("3") - lines[1].index("15")) <= 1  # drawn at one x: one column
    assert "  " in lines[0].strip()  # cells stand apart by at least two spaces


def test_a_scanned_pdf_is_refused_saying_it_is_an_image(tmp_path):
    path = tmp_path / "扫描件.pdf"
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.drawImage(str(SEAL), 100, 400, 300, 300)
    c.showPage()
    c.drawImage(str(SEAL), 100, 400, 300, 300)
    c.save()
    with pytest.raises(ReportError) as err:
        import_file(path)
    assert "图像" in str(err.value) and "扫描" in str(err.value)


def test_a_broken_pdf_is_refused_with_a_message():
    with pytest.raises(ReportError) as err:
        import_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF", "坏文件.pdf")
    assert "PDF" in str(err.value) and "PDFium" not in str(err.value)


def test_a_pdf_with_an_open_password_is_refused_in_chinese(tmp_path):
    import pikepdf

    plain = export_pdf(sample_report(), tmp_path / "a.pdf")
    locked = tmp_path / "加密.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="o", user="u"))
    with pytest.raises(ReportError) as err:
        import_file(locked)
    assert "密码" in str(err.value)


def test_a_draft_watermark_across_the_page_is_not_read(tmp_path):
    """A report with errors prints 草稿 across its pages: those big glyphs join no line of the report."""
    r = sample_report()
    r.cells["t3.total.total"] = 999  # an error: the PDF is a draft
    back = import_file(export_pdf(r, tmp_path / "草稿.pdf")).report
    assert back.cells == r.cells and back.text == r.text
