"""Regenerate the shipped fonts from Debian's packages (a developer tool, not used at run time).

apt-get install fonts-arphic-uming fonts-arphic-ukai fonts-wqy-microhei && pip install fonttools
python resources/fonts/make_fonts.py
"""

from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
SOURCES = (
    ("/usr/share/fonts/truetype/arphic/uming.ttc", "uming-cn.ttf", False),
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", "ukai-cn-gb2312.ttf", True),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "wqy-microhei.ttf", False),
)


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


def main() -> None:
    for src, name, reduce in SOURCES:
        font = TTFont(src, fontNumber=0)
        cmap = font.getBestCmap()
        wanted = (gb2312() & set(cmap)) | punctuation(cmap) if reduce else set(cmap)
        opts = subset.Options()
        opts.hinting = False
        opts.layout_features = ["*"]
        opts.name_IDs = ["*"]
        opts.notdef_outline = True
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=wanted)
        sub.subset(font)
        font.save(HERE / name)
        print(name, (HERE / name).stat().st_size // 1024, "KB")


if __name__ == "__main__":
    main()
