"""The 2019 trial edition in full: a report written in it, rendered by our own code, reads back cell for cell
from its PDF, HTML, Word and text copies; its own checks."""

from __future__ import annotations

from decimal import Decimal

import docx
import pytest

from model.fill import fill_totals
from model.form import FORM_2019, CellKind
from model.importer import import_file, import_text
from model.importer.markup import html_to_text
from model.output.html import render_html
from model.output.pdf import export_pdf
from model.output.text import render_text
from model.report import Report, accept_input, parse_value
from model.rules import check
from model.sample import sample_report

T2 = FORM_2019.table["t2"]


def report_2019() -> Report:
    r = Report(
        template="2019",
        agency="某某县人民政府办公室",
        year=2020,
        title="某某县人民政府办公室2020年政府信息公开工作年度报告",
        date="2021-01-25",
    )
    r.text = dict(sample_report().text)
    n = 0
    for c in FORM_2019.table["t3"].cells:
        if c.column != "total" and c.row not in ("total", "carried_over"):
            n += 1
            r.cells[c.key] = 40 + n % 5 if c.row == "new" else n % 5
    for i, c in enumerate(FORM_2019.table["t4"].cells):
        r.cells[c.key] = i % 3 if c.column != "total" else None
    values = {
        "made": 12,
        "published": 10,
        "public_total": 140,
        "prior_items": 35,
        "decisions": 310,
        "items": 6,
    }
    for c in T2.cells:
        r.cells[c.key] = values.get(c.column, 0)
    r.cells["t2.licensing.change"] = -4
    r.cells["t2.fees.change"] = 2
    r.cells["t2.procurement.amount"] = Decimal("125.5")
    r.cells["t2.rules.made"] = "/"
    r.cells.update(fill_totals(r))
    for col in FORM_2019.table["t3"].columns:
        k = col.key
        r.cells[f"t3.carried_over.{k}"] = (
            r.cells[f"t3.new.{k}"] + r.cells[f"t3.carried_in.{k}"] - r.cells[f"t3.total.{k}"]
        )
    return r


def _same(a: Report, b: Report) -> None:
    assert b.template == "2019"
    assert {k: b.cells.get(k) for k in FORM_2019.cell_keys} == {k: a.cells[k] for k in FORM_2019.cell_keys}
    assert b.text == a.text
    assert (b.agency, b.year, b.date) == (a.agency, a.year, a.date)


def test_the_synthetic_report_is_a_sound_one():
    r = report_2019()
    assert not [f for f in check(r) if f.severity.value == "error"]
    assert all(r.cells[k] is not None for k in FORM_2019.cell_keys)


def test_round_trip_through_text():
    r = report_2019()
    result = import_text(render_text(r))
    _same(r, result.report)
    assert result.missing == []


def test_round_trip_through_html():
    r = report_2019()
    _same(r, import_text(html_to_text(render_html(r))).report)


def test_round_trip_through_pdf(tmp_path):
    r = report_2019()
    _same(r, import_file(export_pdf(r, tmp_path / "2020年年报.pdf")).report)


def _word(report: Report, path):
    """A Word copy as a clerk makes one: the headings and prose as paragraphs, each table as a Word table
    of the printed grid with its merged cells."""
    from model.report import format_value

    d = docx.Document()
    tables = {s.heading: report.form.table[s.table] for s in report.form.sections if s.table}
    for line in render_text(report).split("\n"):
        if line.startswith("|"):
            continue  # the text copy's table rows: the Word copy has a real table instead
        d.add_paragraph(line)
        if line in tables:
            layout = tables[line].layout
            t = d.add_table(rows=layout.rows, cols=layout.cols)
            for cell in layout.cells:
                target = t.cell(cell.row, cell.col)
                if cell.rowspan > 1 or cell.colspan > 1:
                    target = target.merge(t.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
                target.text = format_value(report.cells.get(cell.key)) if cell.key else cell.text
    d.save(path)
    return path


def test_round_trip_through_word(tmp_path):
    """Our own Word export of the 2019 edition, and a Word copy made by hand from the printed grid."""
    from model.importer import import_bytes
    from model.output.docx import render_docx

    r = report_2019()
    _same(r, import_bytes(render_docx(r), "2020年年报.docx").report)
    _same(r, import_file(_word(r, tmp_path / "手工2020年年报.docx")).report)


def test_its_change_cells_take_words_and_signs():
    kind = FORM_2019.cell("t2.licensing.change").kind
    assert kind is CellKind.CHANGE
    assert parse_value("减4") == -4 and parse_value("增加3") == 3 and parse_value("-2") == -2
    assert accept_input("减4", kind, True) == -4
    with pytest.raises(ValueError):
        accept_input("-4", CellKind.COUNT, False)


def test_its_own_checks():
    r = report_2019()
    r.cells["t2.normative_docs.published"] = 150  # more newly published than published at all
    r.cells["t2.penalty.change"] = -40  # 35 items less 40
    rules = {f.rule: f for f in check(r)}
    assert "t2.published_within_total" in rules and "t2.items_not_negative" in rules
    assert "t2.penalty.prior_items" in rules["t2.items_not_negative"].cells
    # across years: this year's 上一年项目数量 is last year's plus its 本年增/减
    last = report_2019()
    last.year = 2019
    this = report_2019()
    this.cells["t2.licensing.prior_items"] = 35  # last year 35 and 减4: should be 31
    items = [f for f in check(this, last) if f.rule == "year.items"]
    assert [f.cells for f in items if "licensing" in f.cells[0]] == [("t2.licensing.prior_items",)]
    assert next(f for f in items if "licensing" in f.cells[0]).expected == 31


def test_a_new_report_for_a_year_of_the_trial_edition_is_written_in_it(tmp_path):
    from model.store import Store, sqlite_url

    store = Store.open(sqlite_url(tmp_path / "年报.db"))
    try:
        old = store.load(store.new_year("某某镇人民政府", 2020).id)[0]
        new = store.load(store.new_year("某某镇人民政府", 2021).id)[0]
    finally:
        store.close()
    assert old.template == "2019" and "t2.procurement.items" in old.cells
    assert new.template == "2021" and "t2.procurement.items" not in new.cells


def _vary(report: Report, rng) -> Report:
    r = report.copy()
    for k in T2.cell_keys:
        if isinstance(r.cells[k], int) and rng.random() < 0.5:
            r.cells[k] = rng.randint(0, 500) * (rng.choice((-1, 1)) if k.endswith(".change") else 1)
    return r


def _variant_cases():
    import test_importer_variants as variants

    return [(k, s) for k in variants.KINDS for s in range(3)]


@pytest.mark.parametrize(("kind", "seed"), _variant_cases(), ids=[f"{k}-{s}" for k, s in _variant_cases()])
def test_a_2019_report_however_mangled_reads_no_cell_wrong(kind, seed):
    """Every mangling the 2021 reports are put through, on a 2019 report: what is read is right."""
    import random
    import shutil
    import zlib

    import test_importer_variants as variants

    from model.importer import import_bytes

    if kind in variants.PDF_KINDS and shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    rng = random.Random(seed * 1000 + zlib.crc32(kind.encode()))
    r = _vary(report_2019(), rng)
    made = variants.KINDS[kind](r, rng)
    got = (import_bytes(*made) if isinstance(made, tuple) else import_text(made)).report
    wrong = [
        k
        for k in FORM_2019.cell_keys
        if got.cells.get(k) is not None and str(got.cells[k]) != str(r.cells[k])
    ]
    assert wrong == []
    assert got.template == "2019"


def test_its_excel_copy_holds_every_cell():
    from model.output.xlsx import read_xlsx_cells, render_xlsx

    r = report_2019()
    cells = read_xlsx_cells(render_xlsx(r), "2019")
    assert {k: cells.get(k) for k in FORM_2019.cell_keys} == {k: r.cells[k] for k in FORM_2019.cell_keys}
