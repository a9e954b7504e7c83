"""Properties of the importer (hypothesis): render → import gives the same cells; bad input only ReportError."""

from __future__ import annotations

import os
import random
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.form import FORM_2021
from model.importer import import_bytes, import_text
from model.output.text import render_text
from model.report import Report, ReportError

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared" / "fixtures" / "published"
TEXTS = [
    FIXTURES / "000_e8e20449add4641b.txt",
    FIXTURES / "published" / "009_xuwen-county-justice-bureau_unknown.txt",
    FIXTURES / "published" / "017_shuyang-county-gov_2025.txt",
    SHARED / "021_huaian-city-gov_2024.txt",
    SHARED / "021_huaian-city-gov_2024_plain.txt",
]
SAMPLES = [p.read_text(encoding="utf-8") for p in TEXTS if p.exists()]
FULL = [import_text(t).report.cells for t in SAMPLES]

PROPS = settings(
    max_examples=int(os.environ.get("IMPORTER_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

counts = st.integers(min_value=0, max_value=10**6)
maybe_count = st.one_of(st.none(), counts)
fee = st.one_of(
    st.none(),
    st.just("/"),
    st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False),
)
# prose: no numerals that would make a heading, always a finished sentence
sentence = st.text(
    alphabet="我局认真落实条例政务公开工作取得成效信息平台建设监督保障0123456789，、（）",
    min_size=1,
    max_size=40,
)
prose = st.lists(sentence.map(lambda s: s + "。"), max_size=3).map("\n".join)


def _rows(table):
    out: dict[str, list[str]] = {}
    for c in table.cells:
        out.setdefault(c.row, []).append(c.key)
    return out


T2, T3, T4 = (FORM_2021.table[k] for k in ("t2", "t3", "t4"))


@st.composite
def row_values(draw, n: int, sums: bool):
    kind = draw(st.sampled_from(["full", "blank", "partial"]))
    if kind == "blank":
        return [None] * n
    if kind == "full":
        parts = draw(st.lists(counts.filter(lambda x: x < 10**5), min_size=n - 1, max_size=n - 1))
        total = sum(parts) if (sums and draw(st.booleans())) else draw(counts)
        return [*parts, total]
    return draw(st.lists(maybe_count, min_size=n, max_size=n))


@st.composite
def reports(draw) -> Report:
    r = Report(
        agency=draw(st.sampled_from(["", "某某县人民政府", "某某市司法局", "某某街道办事处"])),
        year=draw(st.one_of(st.none(), st.integers(2021, 2030))),
        date=draw(st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2030, 12, 31)).map(date.isoformat))),
    )
    for key in ("overview", "problems", "other"):
        r.text[key] = draw(prose)
    for k in T2.cell_keys:
        r.cells[k] = draw(fee) if k == "t2.fees.amount" else draw(st.one_of(st.none(), st.just("/"), counts))
    for table, width in ((T3, 7), (T4, 5)):
        for keys in _rows(table).values():
            for k, v in zip(keys, draw(row_values(width, True)), strict=True):
                r.cells[k] = v
    return r


def _expected(report: Report) -> dict:
    """The cells as printed: blanks read as 0 only where the printed total proves them 0."""
    out = dict(report.cells)
    for table in (T3, T4):
        for keys in _rows(table).values():
            vals = [out[k] for k in keys]
            *parts, total = vals
            known = [v for v in parts if v is not None]
            if total is not None and None in parts and sum(known) == total:
                for k in keys[:-1]:
                    if out[k] is None:
                        out[k] = 0
    return out


@pytest.mark.slow
@PROPS
@given(reports())
def test_render_then_import_gives_the_same_cells(report):
    text = render_text(report)
    result = import_text(text)
    got = result.report
    assert got.cells == _expected(report)
    assert got.year == report.year
    assert got.agency == report.agency
    assert got.date == report.date
    assert got.text == report.text
    assert got.template == "2021"


@pytest.mark.slow
@PROPS
@given(reports())
def test_render_then_import_as_one_cell_per_line(report):
    # the same page as copied cell by cell (one per line, "|" after each)
    text = render_text(report)
    lines = []
    for line in text.split("\n"):
        if line.startswith("| "):
            lines += [c.strip() + " |" for c in line.strip("| ").split(" | ")]
        else:
            lines.append(line)
    got = import_text("\n".join(lines)).report.cells
    expected = _expected(report)
    # blank cells cannot be told from padding here: what is read must be right, full rows are read
    for k, v in got.items():
        if v is not None:
            assert v == expected[k], k
    for keys in _rows(T3).values():
        if all(isinstance(report.cells[k], int) for k in keys):
            assert [got[k] for k in keys] == [report.cells[k] for k in keys]
    # table 4 is one printed row: read when none of its 15 cells is blank
    if all(isinstance(report.cells[k], int) for k in T4.cell_keys):
        assert [got[k] for k in T4.cell_keys] == [report.cells[k] for k in T4.cell_keys]


def _safe(call):
    try:
        return call()
    except ReportError as err:
        assert str(err)  # a message for the clerk
        return None


@pytest.mark.slow
@PROPS
@given(st.text(max_size=400))
def test_random_text_raises_only_report_error(text):
    _safe(lambda: import_text(text))


@PROPS
@given(st.binary(max_size=600), st.sampled_from(["a.txt", "a.html", "a.docx", "a.json", "a", "a.htm"]))
def test_random_bytes_raise_only_report_error(data, name):
    _safe(lambda: import_bytes(data, name))


@PROPS
@given(st.data())
def test_truncated_reports_never_invent_a_cell(data):
    i = data.draw(st.integers(0, len(SAMPLES) - 1))
    text = SAMPLES[i]
    cut = data.draw(st.integers(0, len(text)))
    result = _safe(lambda: import_text(text[:cut]))
    if result is None:
        return
    for k, v in result.report.cells.items():
        if v is not None:
            assert v == FULL[i][k], (k, cut)


@pytest.mark.slow
@PROPS
@given(st.data())
def test_mixed_up_reports_raise_only_report_error(data):
    rnd = random.Random(data.draw(st.integers(0, 2**32)))
    lines = rnd.choice(SAMPLES).split("\n")
    op = data.draw(st.sampled_from(["shuffle", "drop", "duplicate", "swap", "bytes"]))
    if op == "shuffle":
        rnd.shuffle(lines)
    elif op == "drop":
        lines = [x for x in lines if rnd.random() > 0.3]
    elif op == "duplicate":
        lines = [x for x in lines for _ in range(rnd.randint(1, 2))]
    elif op == "swap":
        for _ in range(10):
            a, b = rnd.randrange(len(lines)), rnd.randrange(len(lines))
            lines[a], lines[b] = lines[b], lines[a]
    text = "\n".join(lines)
    if op == "bytes":
        raw = bytearray(text.encode("gbk", errors="replace"))
        for _ in range(20):
            raw[rnd.randrange(len(raw))] = rnd.randrange(256)
        _safe(lambda: import_bytes(bytes(raw), "x.txt"))
    else:
        _safe(lambda: import_text(text))


def test_decimal_fee_round_trip():
    r = Report(year=2024)
    r.cells["t2.fees.amount"] = Decimal("0.0001")
    assert import_text(render_text(r)).report.cells["t2.fees.amount"] == Decimal("0.0001")
