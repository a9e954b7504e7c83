"""The importer: published reports (plain text, HTML, Word .docx, PDF) and exchange JSON → a report.

>>> result = import_file(path)   # or import_text(text)
>>> result.report, result.missing

Unreadable input raises :class:`model.report.ReportError` with a Chinese message.
"""

from __future__ import annotations

from pathlib import Path

from ..report import Report, ReportError
from .decode import decode
from .markup import docx_to_text, html_to_text
from .text import ImportResult, read_text

__all__ = ["ImportResult", "import_file", "import_text", "import_bytes"]


def import_text(text: str) -> ImportResult:
    """A published report as plain text."""
    try:
        return read_text(text)
    except ReportError:
        raise
    except RecursionError:
        raise ReportError("文本结构过于复杂，无法导入。") from None


def import_bytes(data: bytes, name: str = "") -> ImportResult:
    """The content of a file; ``name`` (its file name) tells the kind where the content does not."""
    try:
        return _import_bytes(data, name)
    except RecursionError:
        raise ReportError("文件结构嵌套过深，无法导入。") from None


def _import_bytes(data: bytes, name: str) -> ImportResult:
    suffix = Path(name).suffix.lower()
    if not data.strip():
        raise ReportError("文件是空的，没有可以导入的内容。")
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if suffix == ".doc" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReportError("不支持旧的 Word .doc 格式，请在 Word 中另存为 .docx 后再导入。")
    if suffix == ".pdf" or data.lstrip()[:1024].startswith(b"%PDF"):
        from .pdf import pdf_to_text

        return import_text(pdf_to_text(data))
    if suffix == ".docx" or data.startswith(b"PK\x03\x04"):
        return import_text(docx_to_text(data))
    if suffix == ".json" or head.startswith(b"{"):
        text = decode(data)
        try:
            report = Report.from_json(text)
        except ReportError:
            if suffix == ".json":
                raise
        else:
            return ImportResult(report, [])
        return import_text(text)
    text = decode(data)
    if suffix in (".html", ".htm", ".xhtml", ".shtml", ".mht") or head.startswith(
        (b"<!doctype html", b"<html", b"<?xml")
    ):
        return import_text(html_to_text(text))
    return import_text(text)


def import_file(path: str | Path) -> ImportResult:
    """A file: exchange JSON (.json), plain text, HTML (.html/.htm), Word (.docx) or PDF (.pdf)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise ReportError(f"找不到文件：{p}") from None
    except IsADirectoryError:
        raise ReportError(f"这是一个文件夹，不是文件：{p}") from None
    except PermissionError:
        raise ReportError(f"没有读取此文件的权限：{p}") from None
    except OSError as err:
        raise ReportError(f"无法读取文件 {p}（{err.strerror or err}）。") from None
    return import_bytes(data, p.name)
