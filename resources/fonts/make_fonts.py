"""Regenerate the shipped fonts from Debian's packages (a developer tool, not used at run time).

apt-get install fonts-arphic-uming fonts-arphic-ukai fonts-wqy-microhei && pip install fonttools
python resources/fonts/make_fonts.py

What each face keeps (the bundle's size budget, issue 6; see README.md):
- WenQuanYi Micro Hei: everything (34 600 characters in 3.8 MB: GBK in full and much of CJK Ext. A) —
  the 黑体 of the headings and the face every other role falls back to;
- AR PL UKai: GB 2312 (the 楷体 of the sub-headings);
- AR PL UMing: GB 2312 (the 宋体/仿宋 of the prose, the tables and the title) and every character that no
  other shipped face has (≈3 700, CJK Ext. A and others), so that nothing that printed with the full face
  stops printing; a character beyond GB 2312 that Micro Hei has (喆, 堃 …) prints in Micro Hei.
"""

from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
MICROHEI = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "wqy-microhei.ttf")
UKAI = ("/usr/share/fonts/truetype/arphic/ukai.ttc", "ukai-cn-gb2312.ttf")
UMING = ("/usr/share/fonts/truetype/arphic/uming.ttc", "uming-cn.ttf")


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


def make(src: str, name: str, wanted=None) -> set[int]:
    """Face 0 of ``src`` without hinting, reduced to ``wanted(cmap)`` (all when None); returns its characters."""
    font = TTFont(src, fontNumber=0)
    cmap = font.getBestCmap()
    chars = set(cmap) if wanted is None else wanted(cmap) & set(cmap)
    opts = subset.Options()
    opts.hinting = False
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=chars)
    sub.subset(font)
    font.save(HERE / name)
    print(name, len(chars), "characters", (HERE / name).stat().st_size // 1024, "KB")
    return chars


def main() -> None:
    hei = make(*MICROHEI)
    kai = make(*UKAI, wanted=lambda cmap: gb2312() | punctuation(cmap))
    make(*UMING, wanted=lambda cmap: gb2312() | punctuation(cmap) | (set(cmap) - hei - kai))


if __name__ == "__main__":
    main()
