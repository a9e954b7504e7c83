"""Bytes of a text file → str: UTF-8 with or without BOM, UTF-16 with BOM, or GB18030/GBK as Windows saves it."""

from __future__ import annotations

import codecs

from ..report import ReportError


def looks_binary(data: bytes) -> bool:
    head = data[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > max(8, len(head) // 50)


def decode(data: bytes) -> str:
    if not data.strip():
        raise ReportError("文件是空的，没有可以导入的内容。")
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError:
            raise ReportError("文件标明为 UTF-8 编码，但其中有无法解码的内容。") from None
    for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[2:].decode(enc)
            except UnicodeDecodeError:
                raise ReportError("文件标明为 UTF-16 编码，但其中有无法解码的内容。") from None
    if looks_binary(data):
        raise ReportError("这不是文本文件（含有二进制内容），无法作为年报导入。")
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ReportError("无法识别文件的文字编码（应为 UTF-8 或 GBK/GB18030）。")
