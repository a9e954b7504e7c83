"""The independent PDF/A checks (tests/pdfcheck.py) see what they are there to see: a width in /Widths that the
embedded font program does not have, and a font that is not embedded."""

from __future__ import annotations

import io

import pikepdf

from model.output.pdf import render_pdf_bytes
from model.sample import sample_report
from tests.pdfcheck import font_widths_problems


def _pdf() -> pikepdf.Pdf:
    data, _ = render_pdf_bytes(sample_report(), draft=False)
    return pikepdf.Pdf.open(io.BytesIO(data))


def _truetype_font(pdf: pikepdf.Pdf):
    for page in pdf.pages:
        for font in page.Resources.Font.values():
            if "/FontFile2" in font.get("/FontDescriptor", {}):
                return font
    raise AssertionError("no embedded TrueType font in our PDF")


def test_our_pdf_has_right_widths():
    assert font_widths_problems(_pdf()) == []


def test_a_width_the_program_does_not_have_is_found():
    pdf = _pdf()
    font = _truetype_font(pdf)
    font.Widths[0] = float(font.Widths[0]) + 50
    found = font_widths_problems(pdf)
    assert len(found) == 1 and "/Widths" in found[0]


def test_a_font_that_is_not_embedded_is_found():
    pdf = _pdf()
    del _truetype_font(pdf).FontDescriptor["/FontFile2"]
    assert any("is not embedded" in p for p in font_widths_problems(pdf))
