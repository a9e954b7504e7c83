"""Independent PDF/A-2b checks of the PDFs the tests make (not the program's own :func:`check_pdfa`).

- every embedded TrueType font program's advance widths against the PDF's ``/Widths`` (simple fonts) or
  ``/W`` (CID fonts), within 1 unit (ISO 19005-2 6.2.11.5);
- every font embedded (page content, form XObjects, annotation appearances);
- the document information and the XMP metadata agree (Producer, Title, Author, Subject, Creator,
  CreationDate, ModDate) and XMP says PDF/A-2B;
- an sRGB OutputIntent with an ICC profile of 3 components.

``problems(path)`` returns the problems found as English strings (empty: none); ``assert_pdfa(path)`` fails
the test with them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pikepdf
from fontTools.ttLib import TTFont

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}

__all__ = ["problems", "assert_pdfa", "font_widths_problems", "metadata_problems"]


def _fonts(obj, seen: set, where: str):
    res = obj.get("/Resources")
    if res is None:
        return
    for name, font in (res.get("/Font") or {}).items():
        if font.objgen != (0, 0) and font.objgen in seen:
            continue
        seen.add(font.objgen)
        yield where, str(name), font
    for xobj in (res.get("/XObject") or {}).values():
        if xobj.objgen != (0, 0) and xobj.objgen in seen:
            continue
        seen.add(xobj.objgen)
        if xobj.get("/Subtype") == pikepdf.Name.Form:
            yield from _fonts(xobj, seen, where)


def all_fonts(pdf: pikepdf.Pdf):
    seen: set = set()
    for pno, page in enumerate(pdf.pages, 1):
        yield from _fonts(page.obj, seen, f"page {pno}")
        for annot in page.obj.get("/Annots") or []:
            ap = (annot.get("/AP") or {}).get("/N")
            if isinstance(ap, pikepdf.Stream):
                yield from _fonts(ap, seen, f"page {pno} annotation")


def _program(desc) -> bytes | None:
    for key in ("/FontFile2", "/FontFile3", "/FontFile"):
        if key in desc:
            return desc[key].read_bytes()
    return None


def _advances(tt: TTFont) -> tuple[dict[str, int], float]:
    upem = tt["head"].unitsPerEm
    return {g: aw for g, (aw, _lsb) in tt["hmtx"].metrics.items()}, 1000.0 / upem


def _truetype(where: str, font, desc) -> tuple[TTFont | None, list[str]]:
    """The embedded TrueType program of ``font`` (described by ``desc``), or the problem: not embedded; None
    without a problem for another kind of embedded program."""
    data = _program(desc) if desc is not None else None
    if data is None:
        return None, [f"{where}: font {font.get('/BaseFont')} is not embedded"]
    if "/FontFile2" not in desc:
        return None, []
    return TTFont(io.BytesIO(data)), []


def _simple_font_problems(where: str, font) -> list[str]:
    tt, problems = _truetype(where, font, font.get("/FontDescriptor"))
    if tt is None:
        return problems
    adv, k = _advances(tt)
    order = tt.getGlyphOrder()
    # a symbolic TrueType font: codes through the (3,0) or (1,0) cmap, else code = glyph id
    cmap = None
    for table in tt["cmap"].tables:
        if (table.platformID, table.platEncID) in ((3, 0), (1, 0)):
            cmap = table.cmap
            break
    first = int(font.get("/FirstChar", 0))
    widths = [float(w) for w in font.get("/Widths", [])]
    out = []
    for i, w in enumerate(widths):
        code = first + i
        glyph = None
        if cmap is not None:
            glyph = cmap.get(code) or cmap.get(0xF000 + code)
        elif code < len(order):
            glyph = order[code]
        if glyph is None:
            glyph = order[0]
        actual = adv[glyph] * k
        if abs(actual - w) > 1.0:
            out.append(
                f"{where}: {font.get('/BaseFont')} code {code}: /Widths {w:g} but the program has {actual:g}"
            )
    return out


def _cid_font_problems(where: str, font) -> list[str]:
    desc_font = font.DescendantFonts[0]
    tt, problems = _truetype(where, font, desc_font.get("/FontDescriptor"))
    if tt is None:
        return problems
    adv, k = _advances(tt)
    order = tt.getGlyphOrder()
    c2g = desc_font.get("/CIDToGIDMap")
    gid_of = (lambda cid: cid) if not isinstance(c2g, pikepdf.Stream) else None
    if gid_of is None:
        raw = c2g.read_bytes()
        gid_of = lambda cid: int.from_bytes(raw[2 * cid : 2 * cid + 2], "big")  # noqa: E731
    dw = float(desc_font.get("/DW", 1000))
    widths: dict[int, float] = {}
    w = list(desc_font.get("/W", []))
    i = 0
    while i < len(w):
        start = int(w[i])
        if isinstance(w[i + 1], pikepdf.Array):
            for j, v in enumerate(w[i + 1]):
                widths[start + j] = float(v)
            i += 2
        else:
            for cid in range(start, int(w[i + 1]) + 1):
                widths[cid] = float(w[i + 2])
            i += 3
    out = []
    for cid, width in widths.items():
        gid = gid_of(cid)
        if gid >= len(order):
            continue
        actual = adv[order[gid]] * k
        if abs(actual - width) > 1.0:
            out.append(
                f"{where}: {font.get('/BaseFont')} CID {cid}: /W {width:g} but the program has {actual:g}"
            )
    del dw
    return out


def font_widths_problems(pdf: pikepdf.Pdf) -> list[str]:
    out: list[str] = []
    for where, _name, font in all_fonts(pdf):
        sub = font.get("/Subtype")
        if sub == pikepdf.Name.Type3:
            continue
        if sub == pikepdf.Name.Type0:
            out.extend(_cid_font_problems(where, font))
        else:
            out.extend(_simple_font_problems(where, font))
    return out


def _pdf_date(s: str) -> dt.datetime | None:
    m = re.match(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+\-])?(\d{2})?'?(\d{2})?", s)
    if not m:
        return None
    y, mo, d, h, mi, sec = (
        int(g) if g else dflt for g, dflt in zip(m.groups()[:6], (0, 1, 1, 0, 0, 0), strict=True)
    )
    tz = dt.UTC
    if m.group(7) in ("+", "-"):
        off = dt.timedelta(hours=int(m.group(8) or 0), minutes=int(m.group(9) or 0))
        tz = dt.timezone(off if m.group(7) == "+" else -off)
    return dt.datetime(y, mo, d, h, mi, sec, tzinfo=tz)


def _xmp_date(s: str) -> dt.datetime | None:
    try:
        d = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=dt.UTC)


def metadata_problems(pdf: pikepdf.Pdf) -> list[str]:
    out: list[str] = []
    if "/Metadata" not in pdf.Root:
        return ["no XMP metadata stream"]
    xml = pdf.Root.Metadata.read_bytes().decode("utf-8", "replace")

    root = ET.fromstring(xml.encode("utf-8").split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])

    def xmp(tag: str) -> str | None:
        prefix, local = tag.split(":")
        name = f"{{{NS[prefix]}}}{local}"
        for desc in root.iter(f"{{{NS['rdf']}}}Description"):
            if name in desc.attrib:
                return desc.attrib[name].strip()
            el = desc.find(name)
            if el is not None:
                li = el.find(f".//{{{NS['rdf']}}}li")
                return ((li.text if li is not None else el.text) or "").strip()
        return None

    if xmp("pdfaid:part") != "2" or (xmp("pdfaid:conformance") or "").upper() != "B":
        out.append("XMP does not identify PDF/A-2B")
    info = pdf.trailer.get("/Info")
    info = {str(k): str(v) for k, v in info.items()} if info is not None else {}
    pairs = {
        "/Producer": "pdf:Producer",
        "/Title": "dc:title",
        "/Author": "dc:creator",
        "/Subject": "dc:description",
        "/Creator": "xmp:CreatorTool",
        "/Keywords": "pdf:Keywords",
    }
    for key, tag in pairs.items():
        if key in info and info[key]:
            x = xmp(tag)
            if x != info[key]:
                out.append(f"Info {key} {info[key]!r} but XMP {tag} {x!r}")
    for key, tag in (("/CreationDate", "xmp:CreateDate"), ("/ModDate", "xmp:ModifyDate")):
        if key in info:
            a, b = _pdf_date(info[key]), _xmp_date(xmp(tag) or "")
            if a is None or b is None or abs((a - b).total_seconds()) > 1:
                out.append(f"Info {key} {info[key]!r} but XMP {tag} {xmp(tag)!r}")
    return out


def output_intent_problems(pdf: pikepdf.Pdf) -> list[str]:
    intents = pdf.Root.get("/OutputIntents") or []
    for i in intents:
        if i.get("/S") == pikepdf.Name.GTS_PDFA1 and "/DestOutputProfile" in i:
            prof = i.DestOutputProfile
            if int(prof.get("/N", 0)) == 3 and prof.read_bytes()[36:40] == b"acsp":
                return []
            return ["the OutputIntent's ICC profile is not a 3-component profile"]
    return ["no GTS_PDFA1 OutputIntent with an ICC profile"]


def problems(path: str | Path | bytes) -> list[str]:
    src = io.BytesIO(path) if isinstance(path, bytes) else path
    with pikepdf.open(src) as pdf:
        return [*font_widths_problems(pdf), *metadata_problems(pdf), *output_intent_problems(pdf)]


def assert_pdfa(path: str | Path | bytes) -> None:
    found = problems(path)
    assert not found, (
        "not PDF/A-2b:\n" + "\n".join(found[:20]) + (f"\n… {len(found)} in all" if len(found) > 20 else "")
    )
