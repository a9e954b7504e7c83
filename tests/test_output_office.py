"""The report for Word (.docx) and tables 二–四 for Excel (.xlsx): written, read back with python-docx and
openpyxl, re-imported — every cell equal; the page, faces, merges and borders of the official form;
LibreOffice converts the .docx without complaint."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

from cli.main import main
from model.fill import fill_totals
from model.form import FORM_2019, FORM_2021
from model.importer import import_file
from model.output.docx import WORD_FACES, export_docx, render_docx
from model.output.pdf import A4, BLOCK_H, BLOCK_W, LEFT, TOP
from model.output.xlsx import GRID_TOP, export_xlsx, read_xlsx_cells, sheet_name
from model.report import Report
from model.sample import sample_report
from model.store import Store, sqlite_url

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "published"
EMU_PER_PT = 12700


def generated_report(seed: int = 7) -> Report:
    """A consistent report with values up to six digits, a fee with decimals, some "/" in table 2."""
    rng = random.Random(seed)
    r = sample_report()
    form = FORM_2021
    totals = {k for rel in form.relations for k in rel.total}
    for key, cell in form.cells.items():
        if key in totals or cell.table == "t2":
            continue
        r.cells[key] = rng.choice([0, rng.randint(1, 999), rng.randint(100000, 999999)])
    r.cells["t3.carried_over.natural_person"] = 0
    r.cells["t2.normative_docs.issued"] = 123456
    r.cells["t2.licensing.decisions"] = 987654
    r.cells["t2.fees.amount"] = Decimal("12.3456")
    r.cells["t2.penalty.decisions"] = None  # left blank
    r.cells.update(fill_totals(r))
    return r


def _reports():
    yield "sample", sample_report()
    yield "generated", generated_report()
    yield "017", import_file(FIXTURES / "published" / "017_shuyang-county-gov_2025.txt").report
    path = SHARED / "021_huaian-city-gov_2024.txt"
    if path.exists():
        yield "021", import_file(path).report


REPORTS = dict(_reports())


@pytest.fixture(params=list(REPORTS))
def report(request) -> Report:
    return REPORTS[request.param]


def _same(a, b) -> bool:
    return a == b and type(a) is type(b)


# -------------------------------------------------------------------------------------------------
# Word


def test_docx_is_read_back_cell_for_cell(report, tmp_path):
    out = export_docx(report, tmp_path / "年报.docx")
    back = import_file(out).report
    assert back.template == report.template
    diff = {k: (v, back.cells.get(k)) for k, v in report.cells.items() if not _same(v, back.cells.get(k))}
    assert diff == {}
    assert (back.agency, back.year, back.date) == (report.agency, report.year, report.date)
    assert back.title == (report.title or back.title)
    for key, text in report.text.items():
        assert back.text[key] == text, key


def test_docx_page_and_faces():
    document = docx.Document(_bytes_io(render_docx(sample_report())))
    s = document.sections[0]
    assert s.page_width == round(A4[0] * EMU_PER_PT) or abs(s.page_width - A4[0] * EMU_PER_PT) < EMU_PER_PT
    for got, want in (
        (s.top_margin, TOP),
        (s.left_margin, LEFT),
        (s.right_margin, A4[0] - LEFT - BLOCK_W),
        (s.bottom_margin, A4[1] - TOP - BLOCK_H),
        (s.page_height, A4[1]),
    ):
        assert abs(got - want * EMU_PER_PT) < EMU_PER_PT  # within a point (Word keeps twips)
    assert document.settings.odd_and_even_pages_header_footer
    odd = s.footer.paragraphs[0]
    even = s.even_page_footer.paragraphs[0]
    assert "PAGE" in odd._p.xml and "PAGE" in even._p.xml
    assert odd.alignment != even.alignment

    def faces(paragraph) -> list[tuple[str, str]]:
        out = []
        for run in paragraph.runs:
            fonts = run._r.rPr.find(qn("w:rFonts"))
            assert fonts is not None and fonts.get(qn("w:eastAsia")), run.text
            out.append((run.text, fonts.get(qn("w:eastAsia"))))
        return out

    paras = document.paragraphs
    assert {f for _, f in faces(paras[0])} == {WORD_FACES["title"]} == {"方正小标宋简体"}
    heading = next(p for p in paras if p.text == "一、总体情况")
    assert {f for _, f in faces(heading)} == {"黑体"}
    assert heading._p.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == "0"
    sub = next(p for p in paras if p.text.startswith("（一）主动公开。"))
    runs = faces(sub)
    assert runs[0] == ("（一）主动公开。", "楷体_GB2312") and runs[1][1] == "仿宋_GB2312"
    normal = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "仿宋_GB2312"
    # every run in the tables in 宋体, with the East Asian attribute
    for table in document.tables:
        for run in table._tbl.iter(qn("w:r")):
            assert run.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
    # the end: the organ's name and the date
    assert [p.text for p in paras[-2:]] == ["示范县人民政府办公室", "2025年1月20日"]


def _bytes_io(data: bytes):
    import io

    return io.BytesIO(data)


def test_docx_tables_have_the_official_merges_and_borders():
    document = docx.Document(_bytes_io(render_docx(sample_report())))
    tables = [t for s in FORM_2021.sections if s.table for t in [FORM_2021.table[s.table]]]
    assert len(document.tables) == len(tables)
    for table, t in zip(tables, document.tables, strict=True):
        lay = table.layout
        tbl = t._tbl
        borders = tbl.tblPr.find(qn("w:tblBorders"))
        assert {b.tag.split("}")[1] for b in borders} >= {
            "top",
            "left",
            "bottom",
            "right",
            "insideH",
            "insideV",
        }
        assert all(b.get(qn("w:val")) == "single" for b in borders)
        rows = tbl.findall(qn("w:tr"))
        assert len(rows) == lay.rows
        for r, tr in enumerate(rows):
            header = tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None
            assert header == (r < lay.header_rows)
        # each grid cell: its gridSpan and its vertical merge as the layout says
        for g in lay.cells:
            tr = rows[g.row]
            col, tc_at = 0, None
            for tc in tr.findall(qn("w:tc")):
                if col == g.col:
                    tc_at = tc
                    break
                col += tc.grid_span
            assert tc_at is not None, (table.key, g)
            assert tc_at.grid_span == g.colspan, (table.key, g)
            v = tc_at.tcPr.find(qn("w:vMerge")) if tc_at.tcPr is not None else None
            if g.rowspan > 1:
                assert v is not None and v.get(qn("w:val")) == "restart", (table.key, g)
            else:
                assert v is None, (table.key, g)
        texts = {c.text for row in t.rows for c in row.cells}
        assert {g.text for g in lay.cells if not g.key} <= texts


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_converts_the_docx(tmp_path):
    report = generated_report()
    for key in FORM_2021.table["t3"].cell_keys:
        if key.startswith("t3.new."):
            report.cells[key] = 0
    report.cells["t3.new.natural_person"] = 9999999  # the most a cell is promised to hold on one line
    report.cells.update(fill_totals(report))
    src = export_docx(report, tmp_path / "年报.docx")
    profile = (tmp_path / "lo-profile").as_uri()
    proc = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(src),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=240,
    )
    pdf = tmp_path / "年报.pdf"
    assert proc.returncode == 0 and pdf.exists(), proc.stderr
    assert "error" not in proc.stderr.lower()
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, encoding="utf-8"
        ).stdout
        assert "政府信息公开工作年度报告" in text and "987654" in text
        assert re.search(r"—\s*1\s*—", text) and re.search(r"—\s*2\s*—", text)
        # every value of the tables on one line, up to 9,999,999 (a value cut in two is not in the text)
        numbers = set(re.findall(r"\d+", text))
        big = {str(v) for k, v in report.cells.items() if isinstance(v, int) and 100000 <= v <= 9999999}
        assert "9999999" in big and big <= numbers
        # the organ and the date do not stand alone on the last page
        last_page = text.rstrip("\f").split("\f")[-1]
        assert "2025" in last_page and "公开" in last_page.split("示范县人民政府办公室")[0]


def test_docx_values_are_set_smaller_rather_than_wrapped():
    r = generated_report()
    r.cells["t3.new.natural_person"] = 9999999
    document = docx.Document(_bytes_io(render_docx(r)))
    t3 = document.tables[1]
    sizes = {}
    for row in t3.rows:
        for cell in row.cells:
            text = cell.text
            if text.isdigit():
                sizes[text] = cell.paragraphs[0].runs[0].font.size.pt
    assert 6 <= sizes["9999999"] < 10.5 and sizes["0"] == 10.5
    assert all(size < 10.5 for text, size in sizes.items() if len(text) >= 6)


# -------------------------------------------------------------------------------------------------
# Excel


def test_xlsx_cells_are_numbers_and_read_back(report, tmp_path):
    out = export_xlsx(report, tmp_path / "年报表格.xlsx")
    back = read_xlsx_cells(out, report.template)
    keys = [k for t in report.form.tables for k in t.cell_keys]
    assert sorted(back) == sorted(keys)
    assert {k: (report.cells[k], back[k]) for k in keys if not _same(report.cells[k], back[k])} == {}
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [sheet_name(s) for s in report.form.sections if s.table]
    for t in report.form.tables:
        ws = wb[sheet_name(report.form.section_of_table(t.key))]
        for g in t.layout.cells:
            if g.key and isinstance(report.cells[g.key], (int, Decimal)):
                assert ws.cell(GRID_TOP + g.row, 1 + g.col).data_type == "n", g.key


def test_xlsx_sheets_are_laid_out_like_the_form(tmp_path):
    out = export_xlsx(generated_report(), tmp_path / "表.xlsx")
    wb = openpyxl.load_workbook(out)
    for t in FORM_2021.tables:
        ws = wb[sheet_name(FORM_2021.section_of_table(t.key))]
        merged = {str(m) for m in ws.merged_cells.ranges}
        want = set()
        for g in t.layout.cells:
            if g.rowspan > 1 or g.colspan > 1:
                a = ws.cell(GRID_TOP + g.row, 1 + g.col).coordinate
                b = ws.cell(GRID_TOP + g.row + g.rowspan - 1, g.col + g.colspan).coordinate
                want.add(f"{a}:{b}")
            else:
                assert ws.cell(GRID_TOP + g.row, 1 + g.col).coordinate not in {
                    m.split(":")[0] for m in merged
                }
            cell = ws.cell(GRID_TOP + g.row, 1 + g.col)
            assert cell.border.left.style == "thin" and cell.border.bottom.style == "thin"
            if not g.key:
                assert cell.value == g.text
        assert want <= merged and len(merged - want) == 2  # and the two lines above the table
    fee = wb[sheet_name(FORM_2021.section_of_table("t2"))].cell(
        GRID_TOP + FORM_2021.table["t2"].layout.by_key["t2.fees.amount"].row,
        1 + FORM_2021.table["t2"].layout.by_key["t2.fees.amount"].col,
    )
    assert fee.value == pytest.approx(12.3456) and fee.number_format == "0.0000"
    # a column is wide enough for its widest number (Excel shows ##### otherwise)
    ws = wb[sheet_name(FORM_2021.section_of_table("t3"))]
    col = FORM_2021.table["t3"].layout.by_key["t3.new.natural_person"].col
    widest = max(len(str(ws.cell(r, 1 + col).value or "")) for r in range(GRID_TOP, ws.max_row + 1))
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(1 + col)].width >= widest + 2


# -------------------------------------------------------------------------------------------------
# the command line


def test_cli_docx_and_xlsx_without_pdf(tmp_path, capsys):
    src = tmp_path / "r.nianbao.json"
    src.write_text(sample_report().to_json(), encoding="utf-8")
    word, excel = tmp_path / "年报.docx", tmp_path / "年报.xlsx"
    assert main(["export", str(src), "--docx", str(word)]) == 0
    assert word.exists() and not excel.exists() and not list(tmp_path.glob("*.pdf"))
    assert main(["export", str(src), "--xlsx", str(excel)]) == 0
    assert read_xlsx_cells(excel) == {k: v for k, v in sample_report().cells.items()}
    out = capsys.readouterr().out
    assert "Word" in out and "Excel" in out
    assert main(["export", str(src)]) == 2
    assert "-o" in capsys.readouterr().err
    assert main(["export", str(src), "--docx", str(word), "--seal", "seal.png"]) == 2
    assert "-o" in capsys.readouterr().err
    assert main(["export", str(src), "--docx", str(tmp_path / "没有" / "x.docx")]) == 2
    assert "不存在" in capsys.readouterr().err


def test_cli_pdf_and_docx_from_the_store(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NIANBAO_ARCHIVE", str(tmp_path / "归档"))
    monkeypatch.delenv("NIANBAO_DB", raising=False)
    db = sqlite_url(tmp_path / "库" / "nianbao.sqlite")
    report = generated_report()
    store = Store.open(db)
    try:
        store.save_report(report)
    finally:
        store.close()
    pdf, word, excel = tmp_path / "a.pdf", tmp_path / "a.docx", tmp_path / "a.xlsx"
    argv = ["--db", db, "export", "--organ", report.agency, "--year", str(report.year)]
    assert main([*argv, "-o", str(pdf), "--docx", str(word), "--xlsx", str(excel)]) == 0, capsys.readouterr()
    assert pdf.exists() and word.exists() and excel.exists()
    assert import_file(word).report.cells == report.cells
    assert read_xlsx_cells(excel) == report.cells


def test_no_temporary_file_left_behind(tmp_path):
    export_docx(sample_report(), tmp_path / "a.docx")
    export_xlsx(sample_report(), tmp_path / "a.xlsx")
    assert sorted(os.listdir(tmp_path)) == ["a.docx", "a.xlsx"]


def test_the_2019_edition_round_trips(tmp_path):
    """A report of the 2019 trial form: its own table 二 (5 blocks, 本年增/减 signed); Word and Excel carry it."""
    r = sample_report()
    r.template = "2019"
    r.year = 2019
    r.title = None
    for key in FORM_2021.table["t2"].cell_keys:
        r.cells[key] = None
    for key in FORM_2019.table["t2"].cell_keys:
        r.cells[key] = 3
    r.cells["t2.licensing.change"] = -4
    for key in [k for k in FORM_2021.table["t3"].cell_keys if k.startswith("t3.other_handling.no_")]:
        r.cells[key] = None
    r.cells.update(fill_totals(r))
    back = import_file(export_docx(r, tmp_path / "2019.docx")).report
    assert back.template == "2019"
    assert {k: v for k, v in back.cells.items() if v != r.cells[k]} == {}
    out = export_xlsx(r, tmp_path / "2019.xlsx")
    assert openpyxl.load_workbook(out).sheetnames == [sheet_name(s) for s in r.form.sections if s.table]
    assert len(openpyxl.load_workbook(out).sheetnames) == 3
    assert read_xlsx_cells(out, "2019") == {k: r.cells[k] for t in r.form.tables for k in t.cell_keys}


def _schema_orders() -> dict[str, list[str]]:
    """The children's order of pPr, rPr, tblPr, tcPr, trPr, sectPr, settings as python-docx spells it from the
    WordprocessingML schema (its ``_tag_seq``, read from its source): an order our writer does not share."""
    import ast
    import inspect

    import docx.oxml.section
    import docx.oxml.settings
    import docx.oxml.table
    import docx.oxml.text.font
    import docx.oxml.text.parfmt

    names = {"CT_PPr": "pPr", "CT_RPr": "rPr", "CT_TblPr": "tblPr", "CT_TcPr": "tcPr", "CT_TrPr": "trPr"}
    names |= {"CT_SectPr": "sectPr", "CT_Settings": "settings"}
    out: dict[str, list[str]] = {}
    for module in (
        docx.oxml.text.parfmt,
        docx.oxml.text.font,
        docx.oxml.table,
        docx.oxml.section,
        docx.oxml.settings,
    ):
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if isinstance(node, ast.ClassDef) and node.name in names:
                for stmt in node.body:
                    if isinstance(stmt, ast.Assign) and getattr(stmt.targets[0], "id", "") == "_tag_seq":
                        out[names[node.name]] = [t.split(":")[1] for t in ast.literal_eval(stmt.value)]
    assert set(out) == set(names.values())
    return out


def test_docx_elements_are_in_schema_order(tmp_path):
    """Word refuses a file whose property elements are out of the schema's order (LibreOffice does not)."""
    import zipfile

    from lxml import etree

    orders = _schema_orders()
    path = export_docx(generated_report(), tmp_path / "a.docx")
    checked = 0
    with zipfile.ZipFile(path) as z:
        for part in z.namelist():
            if not part.startswith("word/") or not part.endswith(".xml"):
                continue
            root = etree.fromstring(z.read(part))
            for el in root.iter():
                name = etree.QName(el).localname if isinstance(el.tag, str) else ""
                if name not in orders or etree.QName(el).namespace != root.nsmap.get("w"):
                    continue
                order = orders[name]
                # (python-docx leaves out the header/footer references, which come first in a sectPr)
                first = {"headerReference": -1, "footerReference": -1}
                w = etree.QName(el).namespace
                kids = [
                    etree.QName(c).localname
                    for c in el
                    if isinstance(c.tag, str) and etree.QName(c).namespace == w
                ]
                ranks = [first[k] if k in first else order.index(k) for k in kids]
                assert ranks == sorted(ranks), (part, name, kids)
                checked += 1
    assert checked > 500


def test_a_report_with_errors_is_a_draft_on_every_page(tmp_path, capsys):
    r = sample_report()
    r.cells["t3.new.total"] = 777  # a wrong total
    src = tmp_path / "r.nianbao.json"
    src.write_text(r.to_json(), encoding="utf-8")
    out = tmp_path / "草稿.docx"
    assert main(["export", str(src), "--docx", str(out)]) == 0
    assert "草稿" in capsys.readouterr().out
    s = docx.Document(str(out)).sections[0]
    assert (
        [p.text for p in s.header.paragraphs] == ["草稿"] == [p.text for p in s.even_page_header.paragraphs]
    )
    assert import_file(out).report.cells == r.cells  # the mark is not part of the report
    clean = docx.Document(_bytes_io(render_docx(sample_report()))).sections[0]
    assert not any(p.text for p in clean.header.paragraphs)


@pytest.mark.parametrize(
    ("title", "agency", "lines"),
    [
        (
            "沭阳县人民政府2025年政府信息公开工作年度报告",
            "沭阳县人民政府",
            ["沭阳县人民政府", "2025年政府信息公开工作年度报告"],
        ),
        (
            "2024年淮安市洪泽区人民政府政府信息公开工作年度报告",
            "",
            ["2024年淮安市洪泽区人民政府", "政府信息公开工作年度报告"],
        ),
        ("某局2024年政府信息公开工作年度报告", "某局", ["某局2024年政府信息公开工作年度报告"]),
    ],
)
def test_the_title_breaks_between_words(title, agency, lines):
    r = sample_report()
    r.title, r.agency = title, agency
    first = docx.Document(_bytes_io(render_docx(r))).paragraphs[0]
    assert first.text.split("\n") == lines
