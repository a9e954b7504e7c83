"""The web page: structure from the form's layout, no scripts, and the importer reads it back."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from model.form import FORM_2021
from model.output.html import render_html
from model.sample import sample_report


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parsed(html: str) -> _Collect:
    p = _Collect()
    p.feed(html)
    return p


def test_structure_and_no_scripts():
    r = sample_report()
    r.agency = "某局<script>alert(1)</script>"
    html = render_html(r)
    tags = parsed(html).tags
    names = [t for t, _ in tags]
    assert "script" not in names and "<script>" not in html
    assert "&lt;script&gt;" in html
    assert names.count("table") == 3 and names.count("h2") == 6
    assert any(t == "meta" and a.get("name") == "viewport" for t, a in tags)
    assert not any(k.startswith("on") for _, a in tags for k in a)
    assert not re.search(r"(src|href)=", html)  # self-contained


def test_spans_come_from_the_layout():
    tags = parsed(render_html(sample_report())).tags
    cells = [a for t, a in tags if t in ("td", "th")]
    expected = sum(len(t.layout.cells) for t in FORM_2021.tables)
    assert len(cells) == expected
    spans = sorted((int(a.get("rowspan", 1)), int(a.get("colspan", 1))) for a in cells if len(a) > 1)
    layout_spans = sorted(
        (c.rowspan, c.colspan)
        for t in FORM_2021.tables
        for c in t.layout.cells
        if c.rowspan > 1 or c.colspan > 1
    )
    assert [s for s in spans if s != (1, 1)] == layout_spans
    keys = {a["data-key"] for a in cells if "data-key" in a}
    assert keys == set(FORM_2021.cell_keys)


def test_values_and_prose_in_page():
    r = sample_report()
    html = render_html(r)
    assert f'data-key="t3.total.total">{r.cells["t3.total.total"]}<' in html
    assert "0.35" in html  # the fee in 万元
    assert "（一）主动公开。" in html and 'class="sub"' in html
    assert "2025年1月20日" in html


def test_importer_reads_the_page_back_to_the_same_cells():
    importer = pytest.importorskip("model.importer", reason="the importer is not part of this build")
    r = sample_report()
    r.cells["t2.rules.issued"] = "/"
    back = importer.import_bytes(render_html(r).encode("utf-8"), "report.html").report
    assert {k: back.cells.get(k) for k in r.cells} == r.cells
    assert back.agency == r.agency and back.year == r.year
    for key, text in r.text.items():
        assert back.text[key] == text
