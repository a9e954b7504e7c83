"""PDF pages as images (pypdfium2), for the print preview and for printing exactly the PDF's pages.

PySide6-Essentials has no QtPdf (it is in the much larger Addons wheel), so pages are rasterised with PDFium.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["page_count", "page_sizes", "render_page"]


def _open(path: str | Path) -> Any:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        raise OSError(f"无法打开 PDF“{Path(path).name}”：{err}") from None
    doc.init_forms()  # draw the signature fields' appearances (the seal)
    return doc


def page_count(path: str | Path) -> int:
    doc = _open(path)
    try:
        return len(doc)
    finally:
        doc.close()


def page_sizes(path: str | Path) -> list[tuple[float, float]]:
    """Each page's (width, height) in points."""
    doc = _open(path)
    try:
        return [doc[i].get_size() for i in range(len(doc))]
    finally:
        doc.close()


def render_page(path: str | Path, index: int, dpi: float = 150, *, rotate: int = 0) -> Any:
    """One page as a Pillow RGB image at ``dpi`` (``rotate``: 0, 90, 180 or 270 degrees clockwise)."""
    doc = _open(path)
    try:
        page = doc[index]
        bitmap = page.render(scale=dpi / 72.0, rotation=rotate, may_draw_forms=True)
        return bitmap.to_pil().convert("RGB")
    finally:
        doc.close()
