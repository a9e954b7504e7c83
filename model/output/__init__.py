"""The printed report: PDF (GB/T 9704 layout), PDF/A-2b, signature and verification, HTML export.

Nothing heavy is imported here: reportlab, pikepdf and pyHanko load when a function needs them.

- :func:`model.output.pdf.export_pdf` — the report as a PDF/A-2b file (草稿 while the report has errors)
- :func:`model.output.fonts.unprintable_characters` — characters of a report no face can print
- :func:`model.output.sign.sign_pdf`, :func:`~model.output.sign.verify_pdf`,
  :func:`~model.output.sign.create_organ_certificate`
- :func:`model.output.html.render_html` — the report as a web page for the organ's site
"""

from __future__ import annotations

import importlib
from typing import Any

_API = {
    "export_pdf": "pdf",
    "ExportError": "pdf",
    "unprintable_characters": "fonts",
    "sign_pdf": "sign",
    "verify_pdf": "sign",
    "create_organ_certificate": "sign",
    "SignatureStatus": "sign",
    "SigningError": "sign",
    "VerifyError": "sign",
    "render_html": "html",
    "check_pdfa": "pdfa",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name in _API:
        module = importlib.import_module(f"{__name__}.{_API[name]}")
        return getattr(module, name)
    raise AttributeError(name)
