"""The importer: published reports (plain text, HTML, Word .docx, PDF) and exchange JSON → a report.

>>> result = import_file(path)   # or import_text(text)
>>> result.report, result.missing

Unreadable input raises :class:`model.report.ReportError` with a Chinese message.

Limits (so that every verb ends within seconds on any input): only regular files are read (never a pipe or
a device); a text, HTML or JSON file is at most :data:`MAX_FILE_BYTES`, a Word file :data:`MAX_DOCX_BYTES`
with at most :data:`MAX_DOCX_UNPACKED` unpacked and no part compressed more than :data:`MAX_DOCX_RATIO` : 1
(a zip bomb); the text read from any of them is at most :data:`MAX_TEXT_CHARS` characters; JSON is at most
:data:`MAX_JSON_DEPTH` deep.

Cost: every phase of the importer makes a bounded number of passes over the text (splitting into lines,
folding, regular expressions without nested quantifiers over whole lines), so its time is linear in the
input: about 7 µs per character in the worst case measured (one line of 1 MB of mixed digits and Chinese,
where each pass sees the whole text), so the cap of :data:`MAX_TEXT_CHARS` characters bounds it at a few
seconds; a real report (20 000–60 000 characters) takes well under a second.
"""

from __future__ import annotations

from pathlib import Path

from ..files import InputTooLarge, NotRegularFile, read_input
from ..report import Report, ReportError, prose_too_long
from .decode import decode
from .markup import docx_to_text, html_to_text
from .text import ImportResult, read_text

__all__ = ["ImportResult", "import_file", "import_text", "import_bytes"]

#: a published report as text, HTML or exchange JSON: real ones are well under 1 MB
MAX_FILE_BYTES = 8 * 1024 * 1024
#: a Word file (images included)
MAX_DOCX_BYTES = 32 * 1024 * 1024
MAX_DOCX_UNPACKED = 128 * 1024 * 1024
MAX_DOCX_RATIO = 200
#: the text the importer reads (a real report: 20 000–60 000 characters)
MAX_TEXT_CHARS = 200_000
#: an exchange file is 3 deep; anything much deeper is no report
MAX_JSON_DEPTH = 32


def import_text(text: str) -> ImportResult:
    """A published report as plain text."""
    if len(text) > MAX_TEXT_CHARS:
        raise ReportError(
            f"文件中的文字太多（{len(text)} 个字符，最多 {MAX_TEXT_CHARS} 个），不像一份年度报告。请检查是否选错了文件。"
        )
    try:
        result = read_text(text)
    except ReportError:
        raise
    except RecursionError:
        raise ReportError("文本结构过于复杂，无法导入。") from None
    too_long = prose_too_long(result.report.text)
    if too_long:
        raise ReportError(too_long + "请检查是否选错了文件，或文件中的标题是否完整。")
    return result


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
        _check_docx(data)
        return import_text(docx_to_text(data))
    if len(data) > MAX_FILE_BYTES:
        raise ReportError(
            f"文件太大（{len(data) >> 20} MB），文本、网页或 JSON 文件最大 {MAX_FILE_BYTES >> 20} MB。"
        )
    if suffix == ".json" or head.startswith(b"{"):
        text = decode(data)
        _check_json_depth(text)
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


def _check_docx(data: bytes) -> None:
    """A Word file's zip: refused when it unpacks to more than :data:`MAX_DOCX_UNPACKED` or a part is
    compressed more than :data:`MAX_DOCX_RATIO` : 1 (a zip bomb). The sizes are the zip's own; ``zipfile``
    never gives more than a part's recorded size, so they bound what is unpacked."""
    import io
    import zipfile

    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # docx_to_text says it is damaged
    if len(infos) > 10_000 or sum(i.file_size for i in infos) > MAX_DOCX_UNPACKED:
        raise ReportError(
            f"Word 文件解压后过大（超过 {MAX_DOCX_UNPACKED >> 20} MB），不像一份年度报告（可能是恶意构造的文件）。"
        )
    for i in infos:
        if i.file_size > (1 << 20) and i.file_size > MAX_DOCX_RATIO * max(i.compress_size, 1):
            raise ReportError(
                f"Word 文件中的“{i.filename}”压缩比异常（{i.file_size // max(i.compress_size, 1)} : 1），"
                "可能是恶意构造的文件，未导入。"
            )


def _check_json_depth(text: str) -> None:
    """Refuse JSON nested deeper than :data:`MAX_JSON_DEPTH` before parsing it (one pass, in C: the
    brackets outside strings are counted on the text with the strings blanked out)."""
    import re

    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return
    bare = re.sub(r'"(?:[^"\\]|\\.)*"', "", text)
    depth = 0
    for m in re.finditer(r"[\[\]{}]+", bare):
        for ch in m.group():
            depth += 1 if ch in "[{" else -1
            if depth > MAX_JSON_DEPTH:
                raise ReportError(f"JSON 文件嵌套过深（超过 {MAX_JSON_DEPTH} 层），不是年报交换文件。")


def import_file(path: str | Path) -> ImportResult:
    """A file: exchange JSON (.json), plain text, HTML (.html/.htm), Word (.docx) or PDF (.pdf). Regular
    files only, at most :data:`MAX_FILE_BYTES` (:data:`MAX_DOCX_BYTES` for Word, PDF and unknown names)."""
    p = Path(path)
    plain = p.suffix.lower() in (".txt", ".json", ".html", ".htm", ".xhtml", ".shtml", ".mht", ".text")
    cap = MAX_FILE_BYTES if plain else MAX_DOCX_BYTES  # (a file without a telling name may be Word)
    try:
        data = read_input(p, cap, "年报文件")
    except (InputTooLarge, NotRegularFile) as err:
        raise ReportError(str(err)) from None
    except FileNotFoundError:
        raise ReportError(f"找不到文件：{p}") from None
    except IsADirectoryError:
        raise ReportError(f"这是一个文件夹，不是文件：{p}") from None
    except PermissionError:
        raise ReportError(f"没有读取此文件的权限：{p}") from None
    except OSError as err:
        raise ReportError(f"无法读取文件 {p}（{err.strerror or err}）。") from None
    return import_bytes(data, p.name)
