"""A report as the plain text of a published web page.

Headings, prose and the tables — each table row on one line with ``|`` between its cells, drawn from the
form's printed grid (:attr:`model.form.Table.layout`), so the labels are the official ones and group
labels stand glued to the first row of their group, as copied web pages show them.
"""

from __future__ import annotations

from ..form import Table
from ..report import Report, format_value


def _table_lines(table: Table, report: Report) -> list[str]:
    layout = table.layout
    lines: list[str] = []
    for r in range(layout.rows):
        cells = sorted((c for c in layout.cells if c.row == r), key=lambda c: c.col)
        if not cells:
            continue
        texts = [format_value(report.cells.get(c.key)) if c.key else c.text for c in cells]
        lines.append("| " + " | ".join(texts) + " |")
    return lines


def render_text(report: Report) -> str:
    form = report.form
    out: list[str] = []
    title = report.title
    if not title and (report.agency or report.year):
        year = f"{report.year}年" if report.year else ""
        title = f"{report.agency}{year}政府信息公开工作年度报告"
    if title:
        out += [title, ""]
    for section in form.sections:
        out.append(section.heading)
        if section.text_key:
            text = report.text.get(section.text_key, "").strip()
            if text:
                out.append(text)
        elif section.table:
            out += _table_lines(form.table[section.table], report)
        out.append("")
    if report.agency:
        out.append(report.agency)
    if report.date:
        y, m, d = (int(x) for x in report.date.split("-"))
        out.append(f"{y}年{m}月{d}日")
    return "\n".join(out).rstrip() + "\n"
