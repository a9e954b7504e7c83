"""Regenerate the shipped fonts and their metrics (a developer tool, not used at run time).

apt-get install fonts-lxgw-wenkai fonts-noto-cjk && pip install fonttools reportlab
python resources/fonts/make_fonts.py [--fang ../shared/fonts/ZhuqueFangsong-Regular.ttf]

What each face keeps (the bundle's size budget; see README.md):
- 朱雀仿宋 (Zhuque Fangsong, OFL): GB 2312, ASCII and CJK punctuation, hinting removed — the body text (仿宋);
- LXGW WenKai (霞鹜文楷, OFL): GB 2312, ASCII and CJK punctuation — the （一） headings (楷体);
- Noto Serif CJK SC Bold (思源宋体 粗, OFL): GB 2312, ASCII and CJK punctuation, its CFF outlines converted to
  TrueType quadratic outlines (reportlab embeds only TrueType) — the title (a heavy 宋 in place of 小标宋);
- WenQuanYi Micro Hei and AR PL UMing are kept as they are (made by earlier versions of this script from
  Debian's fonts-wqy-microhei and fonts-arphic-uming; regenerated only when those packages are installed).

Then each shipped face's metrics (what reportlab would otherwise parse from the whole file at every run:
cmap, advance widths, glyph offsets) are written to ``metrics/`` (:mod:`model.output.fonts`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SHARED_FANG = ROOT.parent / "shared" / "fonts" / "ZhuqueFangsong-Regular.ttf"
WENKAI = Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf")
NOTO_SERIF_BOLD = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc")
MICROHEI = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
UMING = Path("/usr/share/fonts/truetype/arphic/uming.ttc")

FANG_OUT = "zhuque-fangsong-gb2312.ttf"
KAI_OUT = "lxgw-wenkai-gb2312.ttf"
KAI_NAME = ("Nianbao Kai", "NianbaoKai-Regular")
TITLE_OUT = "noto-serif-sc-bold-gb2312.ttf"
HEI_OUT = "wqy-microhei.ttf"
SERIF_OUT = "uming-cn.ttf"


def gb2312() -> set[int]:
    out = set(range(0x20, 0x7F))
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return out


def punctuation(cmap: dict[int, str]) -> set[int]:
    return {c for c in cmap if 0x2000 <= c <= 0x206F or 0x3000 <= c <= 0x303F or 0xFF00 <= c <= 0xFFEF}


def _options() -> subset.Options:
    opts = subset.Options()
    opts.hinting = False
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.glyph_names = False
    return opts


def _subset(font: TTFont, wanted) -> set[int]:
    cmap = font.getBestCmap()
    chars = set(cmap) if wanted is None else wanted(cmap) & set(cmap)
    sub = subset.Subsetter(_options())
    sub.populate(unicodes=chars)
    sub.subset(font)
    return chars


def _save(font: TTFont, name: str, chars: set[int]) -> None:
    font.save(HERE / name)
    print(name, len(chars), "characters", (HERE / name).stat().st_size // 1024, "KB")


def rename(font: TTFont, family: str, postscript: str) -> None:
    """New family, full, unique and PostScript names (every platform and language): an OFL font with Reserved
    Font Names may not keep them in a modified (here: subset) version. Copyright and licence stay."""
    table = font["name"]
    style = table.getDebugName(2) or "Regular"
    new = {
        1: family,
        3: f"{postscript};Nianbao subset",
        4: f"{family} {style}".strip(),
        6: postscript,
        16: family,
        17: style,
    }
    for rec in list(table.names):
        if rec.nameID in new:
            table.removeNames(nameID=rec.nameID)
    for name_id, text in new.items():
        if name_id in (16, 17):
            continue
        table.setName(text, name_id, 3, 1, 0x409)
        table.setName(text, name_id, 1, 0, 0)


def make(
    src: Path, name: str, wanted=None, number: int = 0, new_name: tuple[str, str] | None = None
) -> set[int]:
    """Face ``number`` of ``src`` without hinting, reduced to ``wanted(cmap)`` (all when None)."""
    font = TTFont(src, fontNumber=number)
    chars = _subset(font, wanted)
    if new_name:
        rename(font, *new_name)
    _save(font, name, chars)
    return chars


def cff_to_truetype(font: TTFont) -> None:
    """Replace the font's CFF outlines by TrueType ones (cubic curves approximated by quadratic ones within
    1 unit), in place."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 3.0  # no glyph names: smaller, and reportlab does not need them
    font.sfntVersion = "\x00\x01\x00\x00"
    font.recalcBBoxes = True


def make_title(src: Path, name: str) -> set[int]:
    """The Simplified Chinese face of the Noto Serif CJK Bold collection, subset and converted to TrueType."""
    coll = TTCollection(src)
    index = next(i for i, f in enumerate(coll.fonts) if f["name"].getDebugName(1) == "Noto Serif CJK SC")
    font = TTFont(src, fontNumber=index)
    chars = _subset(font, lambda cmap: gb2312() | punctuation(cmap))
    cff_to_truetype(font)
    _save(font, name, chars)
    return chars


def write_metrics() -> None:
    sys.path.insert(0, str(ROOT))
    from model.output import fonts

    for path in sorted(HERE.glob("*.ttf")):
        out = fonts.write_bundled_metrics(path)
        print(out.relative_to(HERE), out.stat().st_size // 1024, "KB")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fang", type=Path, default=SHARED_FANG, help="ZhuqueFangsong-Regular.ttf")
    ap.add_argument(
        "--metrics-only", action="store_true", help="only rewrite metrics/ from the shipped faces"
    )
    args = ap.parse_args(argv)
    if not args.metrics_only:
        basic = lambda cmap: gb2312() | punctuation(cmap)  # noqa: E731
        make(args.fang, FANG_OUT, basic)
        make(WENKAI, KAI_OUT, basic, new_name=KAI_NAME)  # RFN “霞鹜”, “LXGW”
        make_title(NOTO_SERIF_BOLD, TITLE_OUT)
        if MICROHEI.is_file() and UMING.is_file():
            hei = make(MICROHEI, HEI_OUT)
            make(UMING, SERIF_OUT, lambda cmap: gb2312() | punctuation(cmap) | (set(cmap) - hei))
        else:
            print(f"{HEI_OUT}, {SERIF_OUT}: kept (fonts-wqy-microhei / fonts-arphic-uming not installed)")
    write_metrics()


if __name__ == "__main__":
    main()
