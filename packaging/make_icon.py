"""Draw the program's icon: a red seal (印章) with 年报 in white, as ``resources/icons/nianbao.png``
(256 px) and ``nianbao.ico`` (16–256 px).

A developer tool, run once by hand (``python packaging/make_icon.py``); its output is committed, so the build
does not need it. It needs Pillow and a CJK font (Noto Serif CJK SC Bold, or any given with ``--font``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"
SEAL_RED = (196, 30, 36, 255)
WHITE = (255, 255, 255, 255)
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/msyhbd.ttc",
)
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def _font(path: str | None, size: int) -> ImageFont.FreeTypeFont:
    for candidate in [path] if path else FONT_CANDIDATES:
        if candidate and Path(candidate).exists():
            # index 0 of the Noto CJK collections is Japanese; the SC face is index 2 in NotoSerifCJK
            for index in (2, 0):
                try:
                    font = ImageFont.truetype(candidate, size, index=index)
                except OSError:
                    continue
                if "SC" in " ".join(font.getname()) or index == 0:
                    return font
    raise SystemExit("找不到中文字体；请用 --font 指定一个（例如 NotoSerifCJK-Bold.ttc）。")


def draw(size: int = 1024, font_path: str | None = None) -> Image.Image:
    """The seal at ``size`` px: a red rounded square, a thin white inner frame, 年 above 报."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    m = size * 0.04
    d.rounded_rectangle((m, m, size - m, size - m), radius=size * 0.12, fill=SEAL_RED)
    f = size * 0.11
    d.rounded_rectangle(
        (f, f, size - f, size - f), radius=size * 0.06, outline=WHITE, width=max(1, int(size * 0.03))
    )
    # two characters stacked, each squeezed vertically the way seal script fills its square
    inner = size - 2 * f
    glyph = int(inner * 0.62)
    font = _font(font_path, glyph)
    for i, ch in enumerate("年报"):
        tile = Image.new("RGBA", (glyph, glyph), (0, 0, 0, 0))
        td = ImageDraw.Draw(tile)
        box = td.textbbox((0, 0), ch, font=font)
        td.text(
            ((glyph - (box[2] - box[0])) / 2 - box[0], (glyph - (box[3] - box[1])) / 2 - box[1]),
            ch,
            font=font,
            fill=WHITE,
        )
        h = int(inner * 0.41)
        tile = tile.resize((int(glyph * 0.98), h), Image.LANCZOS)
        x = int((size - tile.width) / 2)
        y = int(f + inner * 0.07 + i * (h + inner * 0.04))
        img.alpha_composite(tile, (x, y))
    return img


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="画程序图标（红色印章，年报）")
    parser.add_argument("--font", help="中文字体文件")
    args = parser.parse_args(argv)
    big = draw(1024, args.font)
    ICONS.mkdir(parents=True, exist_ok=True)
    big.resize((256, 256), Image.LANCZOS).save(ICONS / "nianbao.png", optimize=True)
    big.save(ICONS / "nianbao.ico", sizes=ICO_SIZES)
    print(f"已写入 {ICONS / 'nianbao.png'} 和 {ICONS / 'nianbao.ico'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
