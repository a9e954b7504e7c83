"""The report as one self-contained web page for the organ's website.

The same headings, prose and tables as the PDF; tables are real ``<table>`` elements with ``rowspan`` and
``colspan`` drawn from :attr:`model.form.Table.layout`. No scripts, no external resources; a small style sheet
keeps it readable on a phone (wide tables scroll sideways inside their own box).
"""

from __future__ import annotations

from html import escape
from typing import Any

from model.form import Table
from model.report import Report

from .layout import cell_text
from .pdf import _paragraphs, _prose_roles, chinese_date

__all__ = ["render_html"]

STYLE = """
body{margin:0;background:#fff;color:#222;font-family:"FangSong","仿宋","STFangsong","Songti SC","SimSun",serif;
line-height:1.8;-webkit-text-size-adjust:100%}
article{max-width:48em;margin:0 auto;padding:1em}
h1{font-size:1.5em;text-align:center;font-weight:bold;margin:1em 0}
h2{font-size:1.15em;font-family:"SimHei","黑体","Heiti SC",sans-serif;margin:1.2em 0 .5em}
p{text-indent:2em;margin:.3em 0;font-size:1.05em}
.sub{font-family:"KaiTi","楷体","STKaiti",serif;font-weight:bold}
.table-wrap{overflow-x:auto;margin:.5em 0 1em}
table{border-collapse:collapse;min-width:100%;font-size:.85em;line-height:1.4}
th,td{border:1px solid #555;padding:.3em .4em;vertical-align:middle}
th{font-weight:normal;background:#f4f4f4}
th.label{text-align:left;background:#fff}
th.group{text-align:center;background:#fff}
td{text-align:center;min-width:2.5em}
.signature{text-align:right;text-indent:0;margin-right:2em}
@media (max-width:600px){article{padding:.6em}table{font-size:.75em}}
""".strip()


def _table_html(table: Table, report: Report) -> str:
    lay = table.layout
    by_row: dict[int, list[Any]] = {}
    for c in lay.cells:
        by_row.setdefault(c.row, []).append(c)
    out = [f'<div class="table-wrap"><table data-table="{table.key}">']
    if lay.header_rows:
        out.append("<thead>")
    for r in range(lay.rows):
        if lay.header_rows and r == lay.header_rows:
            out.append("</thead><tbody>")
        elif not lay.header_rows and r == 0:
            out.append("<tbody>")
        cells = []
        for c in sorted(by_row.get(r, []), key=lambda c: c.col):
            attrs = ""
            if c.rowspan > 1:
                attrs += f' rowspan="{c.rowspan}"'
            if c.colspan > 1:
                attrs += f' colspan="{c.colspan}"'
            text = escape(cell_text(c, report))
            if c.role == "value":
                cells.append(f'<td{attrs} data-key="{escape(c.key or "")}">{text}</td>')
            elif c.role == "label":
                cls = "group" if c.rowspan > 1 else "label"
                cells.append(f'<th{attrs} class="{cls}" scope="row">{text}</th>')
            else:
                cells.append(f'<th{attrs} scope="col">{text}</th>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table></div>")
    return "\n".join(out)


def _paragraph_html(para: str) -> str:
    roles = _prose_roles(para)
    n = roles.count("kai")
    if n:
        return f'<p><span class="sub">{escape(para[:n])}</span>{escape(para[n:])}</p>'
    return f"<p>{escape(para)}</p>"


def render_html(report: Report) -> str:
    """The report as an HTML5 page (a string)."""
    from .fonts import report_title

    form = report.form
    title = report_title(report)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<article>",
        f"<h1>{escape(title)}</h1>",
    ]
    for section in form.sections:
        parts.append("<section>")
        parts.append(f"<h2>{escape(section.heading)}</h2>")
        if section.table:
            parts.append(_table_html(form.table[section.table], report))
        else:
            for para in _paragraphs(report.text.get(section.text_key or "", "")):
                parts.append(_paragraph_html(para))
        parts.append("</section>")
    if report.agency:
        parts.append(f'<p class="signature">{escape(report.agency)}</p>')
    if report.date:
        parts.append(f'<p class="signature">{escape(chinese_date(report.date))}</p>')
    parts += ["</article>", "</body>", "</html>", ""]
    return "\n".join(parts)
