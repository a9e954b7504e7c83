"""HTML pages and Word .docx files → the plain text the text importer reads.

Tables become one line per row with ``|`` between cells; a cell covered by a merge above it (rowspan,
a vertically merged Word cell) is left out, a horizontally merged cell is written once.  That is the
shape the text importer already reads from copied web pages.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from ..report import ReportError

_BLOCK = {
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "section",
    "article",
    "tr",
    "table",
    "blockquote",
    "pre",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "header",
    "footer",
    "center",
    "hr",
    "title",
    "td",
    "th",
    "tbody",
    "thead",
}
_SKIP = {"script", "style", "head", "noscript", "template", "iframe", "object", "svg"}


def _cell_text(el: Any) -> str:
    parts: list[str] = []

    def walk(e: Any) -> None:
        if not isinstance(e.tag, str) or e.tag.lower() in _SKIP:
            if e.tail:
                parts.append(e.tail)
            return
        if e.text:
            parts.append(e.text)
        for child in e:
            walk(child)
        if e.tail and e is not el:
            parts.append(e.tail)

    walk(el)
    text = "".join(parts).replace("|", "｜")
    return re.sub(r"\s+", " ", text).strip()


def _html_table(table: Any) -> list[str]:
    lines: list[str] = []
    rows = [r for r in table.iter("tr") if _owner_table(r) is table]
    for tr in rows:
        cells = [c for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]
        if not cells:
            continue
        lines.append("| " + " | ".join(_cell_text(c) for c in cells) + " |")
    return lines


def _owner_table(el: Any) -> Any:
    p = el.getparent()
    while p is not None and (not isinstance(p.tag, str) or p.tag.lower() != "table"):
        p = p.getparent()
    return p


def html_to_text(source: str) -> str:
    import lxml.etree
    import lxml.html

    source = re.sub(r"^\s*<\?xml[^>]*\?>", "", source)
    if not source.strip():
        raise ReportError("网页文件是空的。")
    try:
        root = lxml.html.document_fromstring(source)
    except (lxml.etree.ParserError, ValueError) as err:
        raise ReportError(f"网页文件无法读取（{err}）。") from None
    lines: list[str] = []
    cur: list[str] = []

    def flush() -> None:
        text = re.sub(r"[ \t\r\f\v]+", " ", "".join(cur)).strip()
        if text:
            lines.extend(x.strip() for x in text.split("\n") if x.strip())
        cur.clear()

    def walk(e: Any) -> None:
        tag = e.tag.lower() if isinstance(e.tag, str) else ""
        if not tag or tag in _SKIP:
            if e.tail:
                cur.append(e.tail)
            return
        if tag == "table" and not any(True for _ in e.iterdescendants("table")):
            flush()
            lines.extend(_html_table(e))
            if e.tail:
                cur.append(e.tail)
            return
        block = tag in _BLOCK
        if block:
            flush()
        if e.text:
            cur.append(e.text)
        for child in e:
            walk(child)
        if block:
            flush()
        if e.tail:
            cur.append(e.tail)

    body = root.find("body")
    walk(body if body is not None else root)
    flush()
    return "\n".join(lines)


def docx_to_text(data: bytes) -> str:
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError:  # pragma: no cover - a dependency of the program
        raise ReportError("无法读取 Word 文件：缺少 python-docx。") from None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ReportError("Word 文件已损坏或不是 .docx 格式（旧的 .doc 文件请先用 Word 另存为 .docx）。")
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        lines: list[str] = []
        for child in body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                text = Paragraph(child, document).text.strip()
                if text:
                    lines.extend(x for x in text.split("\n") if x.strip())
            elif tag == "tbl":
                lines.extend(_docx_table(Table(child, document)))
    except ReportError:
        raise
    except Exception as err:  # python-docx raises many kinds on a broken package
        raise ReportError(f"Word 文件已损坏，无法读取（{type(err).__name__}）。") from None
    return "\n".join(lines)


def _docx_table(table: Any) -> list[str]:
    lines: list[str] = []
    above: dict[int, object] = {}  # the elements are kept, so that their ids stay theirs
    for row in table.rows:
        seen: dict[int, object] = {}
        texts: list[str] = []
        prev = None
        for cell in row.cells:
            tc = id(cell._tc)
            if cell._tc is prev:
                continue  # a horizontally merged cell, repeated by python-docx
            prev = cell._tc
            if tc in above:
                continue  # covered by a vertical merge from a row above
            seen[tc] = cell._tc
            text = "".join(p.text for p in cell.paragraphs).replace("|", "｜")
            texts.append(re.sub(r"\s+", " ", text).strip())
        above.update(seen)
        if texts:
            lines.append("| " + " | ".join(texts) + " |")
    return lines
