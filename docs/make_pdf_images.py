"""The README's images of the printed report: our PDF of published reports 016 and 021 page by page above the
published PDF's pages (pdftoppm), a table page and the signed last page.

python docs/make_pdf_images.py      # needs ../shared/fixtures/published, poppler-utils (pdftoppm), Pillow
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
PUBLISHED = ROOT.parent / "shared" / "fixtures" / "published"
sys.path.insert(0, str(ROOT))

FONT = ImageFont.truetype(str(ROOT / "resources" / "fonts" / "wqy-microhei.ttf"), 26)


def pages(
    pdf: Path, dpi: int, work: Path, first: int | None = None, last: int | None = None
) -> list[Image.Image]:
    prefix = work / pdf.stem
    cmd = ["pdftoppm", "-r", str(dpi), "-png"]
    if first:
        cmd += ["-f", str(first), "-l", str(last or first)]
    subprocess.run([*cmd, str(pdf), str(prefix)], check=True)
    return [Image.open(p).convert("RGB") for p in sorted(work.glob(f"{pdf.stem}-*.png"))]


def row(images: list[Image.Image], label: str, width: int) -> Image.Image:
    h = max(i.height for i in images)
    out = Image.new("RGB", (width, h + 44), "white")
    ImageDraw.Draw(out).text((8, 6), label, fill="black", font=FONT)
    x = 0
    for im in images:
        out.paste(im, (x, 44))
        ImageDraw.Draw(out).rectangle([x, 44, x + im.width - 1, 44 + im.height - 1], outline=(160, 160, 160))
        x += im.width + 8
    return out


def compare(name: str, ours: Path, theirs: Path, work: Path, dpi: int = 40) -> Path:
    a, b = pages(ours, dpi, work / "a"), pages(theirs, dpi, work / "b")
    width = max(sum(i.width + 8 for i in a), sum(i.width + 8 for i in b))
    top = row(a, f"年报导出的 PDF（{len(a)} 页，A4 纵向）", width)
    bottom = row(b, f"已发布的原件（{len(b)} 页）", width)
    out = Image.new("RGB", (width, top.height + bottom.height + 10), "white")
    out.paste(top, (0, 0))
    out.paste(bottom, (0, top.height + 10))
    path = DOCS / f"pdf-vs-published-{name}.png"
    out.save(path, optimize=True)
    return path


def main() -> None:
    from model.importer import import_file
    from model.output.pdf import export_pdf
    from model.output.sign import create_organ_certificate, sign_pdf

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for sub in ("a", "b", "c"):
            (work / sub).mkdir()
        for name, stem in (
            ("016", "016_huaian-hongze-district-gov_2024"),
            ("021", "021_huaian-city-gov_2024"),
        ):
            report = import_file(PUBLISHED / f"{stem}.txt").report
            for sub in ("a", "b"):
                for p in (work / sub).glob("*.png"):
                    p.unlink()
            ours = export_pdf(report, work / f"{name}.pdf", draft=False)
            print(compare(name, ours, PUBLISHED / f"{stem}.pdf", work))
        # a table page and the signed last page of 021, larger
        report = import_file(PUBLISHED / "021_huaian-city-gov_2024.txt").report
        report.date = "2025-02-25"
        pdf = export_pdf(report, work / "021d.pdf", draft=False)
        key, _cer = create_organ_certificate(work / "k.p12", report.agency, "pass-word")
        signed = sign_pdf(pdf, work / "021s.pdf", key, "pass-word", ROOT / "tests" / "fixtures" / "seal.png")
        for index, file in ((5, "pdf-page5-table4.png"), (6, "pdf-page6-seal.png")):
            img = pages(signed, 80, work / "c", index, index)[-1]
            img.save(DOCS / file, optimize=True)
            for p in (work / "c").glob("*.png"):
                p.unlink()
            print(DOCS / file)


if __name__ == "__main__":
    main()
