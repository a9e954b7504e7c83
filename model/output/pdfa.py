"""PDF/A-2b: XMP metadata matching the document information, an sRGB output intent — and a check.

pikepdf is imported on first use.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["make_pdfa", "check_pdfa", "srgb_profile"]

OUTPUT_CONDITION = "sRGB IEC61966-2.1"


@functools.cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile (made by Pillow's LittleCMS, so nothing has to be shipped)."""
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return profile.tobytes()


def make_pdfa(data: bytes, *, extra_info: dict[str, str] | None = None) -> bytes:
    """``data`` (a PDF) as PDF/A-2b: output intent, XMP metadata, language; ``extra_info`` added to the
    document information."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/Trapped" in pdf.docinfo:
            del pdf.docinfo["/Trapped"]
        icc = pikepdf.Stream(pdf, srgb_profile())
        icc["/N"] = 3
        intent = pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent,
            S=pikepdf.Name.GTS_PDFA1,
            OutputConditionIdentifier=OUTPUT_CONDITION,
            Info=OUTPUT_CONDITION,
            RegistryName="http://www.color.org",
            DestOutputProfile=icc,
        )
        pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(intent)])
        pdf.Root.Lang = pikepdf.String("zh-CN")
        pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=False)
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta.load_from_docinfo(pdf.docinfo)
            meta["pdfaid:part"] = "2"
            meta["pdfaid:conformance"] = "B"
        for k, v in (extra_info or {}).items():  # private keys: no XMP equivalent needed
            pdf.docinfo[k] = v
        out = io.BytesIO()
        pdf.save(out, fix_metadata_version=False, deterministic_id=False, min_version="1.7")
    return out.getvalue()


def check_pdfa(path_or_bytes: str | Path | bytes) -> list[str]:
    """What keeps the file from being PDF/A-2b, as Chinese messages (empty: none found).

    Checks what this program's own files could get wrong: the PDF/A identification in XMP, the output
    intent, encryption, every font embedded, no JavaScript or launch actions, annotations printable with an
    appearance, no transfer functions.
    """
    import pikepdf

    problems: list[str] = []
    try:
        src = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
        pdf = pikepdf.open(src)
    except (pikepdf.PdfError, OSError) as err:
        return [f"无法读取 PDF：{err}"]
    with pdf:
        if pdf.is_encrypted:
            problems.append("文件已加密（PDF/A 不允许加密）")
        meta = pdf.open_metadata()
        if str(meta.get("pdfaid:part", "")) != "2" or str(meta.get("pdfaid:conformance", "")).upper() != "B":
            problems.append("XMP 元数据中没有 PDF/A-2b 标识")
        intents = pdf.Root.get("/OutputIntents")
        if not intents or not any(
            i.get("/S") == pikepdf.Name.GTS_PDFA1 and "/DestOutputProfile" in i for i in intents
        ):
            problems.append("缺少 sRGB 输出意图（OutputIntent）")
        names = pdf.Root.get("/Names")
        if names is not None and "/JavaScript" in names:
            problems.append("文件含有 JavaScript")
        seen: set[tuple[int, int]] = set()
        for pno, page in enumerate(pdf.pages, 1):
            for font in _fonts_of(page.obj, seen):
                if not _embedded(font):
                    problems.append(f"第 {pno} 页的字体 {font.get('/BaseFont')} 未嵌入")
            for annot in page.obj.get("/Annots") or []:
                appearance: Any = annot.get("/AP") or {}
                normal = appearance.get("/N")
                if isinstance(normal, pikepdf.Stream):
                    for font in _fonts_of(normal, seen):
                        if not _embedded(font):
                            problems.append(f"第 {pno} 页签章外观中的字体 {font.get('/BaseFont')} 未嵌入")
                subtype = annot.get("/Subtype")
                if subtype in (pikepdf.Name.Popup, pikepdf.Name.Link):
                    continue
                rect = [float(v) for v in annot.get("/Rect", [0, 0, 0, 0])]
                visible = rect[2] - rect[0] > 0 and rect[3] - rect[1] > 0
                if visible and "/AP" not in annot:
                    problems.append(f"第 {pno} 页的注释没有外观流")
                if not int(annot.get("/F", 0)) & 4:
                    problems.append(f"第 {pno} 页的注释未设为可打印")
    return problems


def _fonts_of(obj: Any, seen: set[tuple[int, int]]) -> Iterator[Any]:
    """Every font dictionary reachable from a page's (or form's) resources."""
    import pikepdf

    res = obj.get("/Resources")
    if res is None:
        return
    for font in (res.get("/Font") or {}).values():
        key = font.objgen
        if key != (0, 0) and key in seen:
            continue
        seen.add(key)
        yield font
        if font.get("/Subtype") == pikepdf.Name.Type3:
            yield from ()
    for xobj in (res.get("/XObject") or {}).values():
        key = xobj.objgen
        if key != (0, 0) and key in seen:
            continue
        seen.add(key)
        if xobj.get("/Subtype") == pikepdf.Name.Form:
            yield from _fonts_of(xobj, seen)


def _embedded(font: Any) -> bool:
    import pikepdf

    if font.get("/Subtype") == pikepdf.Name.Type3:
        return True
    desc_font = font
    if font.get("/Subtype") == pikepdf.Name.Type0:
        desc_font = font.DescendantFonts[0]
    desc = desc_font.get("/FontDescriptor")
    if desc is None:
        return False
    return any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
