"""Finalising a report: freeze it in the store, and put its printed form into the yearly archive.

The store freezes the report and writes the archive folder with the final exchange JSON
(:meth:`model.store.Store.finalize`); here the PDF of the final report is exported into that folder, and a
signed PDF is added when the clerk signs one. The window and the command line both go through these
functions, so that a final report always has its PDF in the archive.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import files
from .store.errors import StoreError

if TYPE_CHECKING:
    from .store import Store

#: the longest organ name written into a file name (longer ones are shortened with a hash)
ORGAN_IN_FILE_NAME = 40

Progress = Callable[[float, str], None]


@dataclass
class Finalized:
    folder: Path
    pdf: Path | None
    #: why the PDF could not be archived (the report is final all the same), in Chinese
    problem: str | None = None


def pdf_name(organ: str, year: int | None, signed: bool = False) -> str:
    stem = f"{files.short_name(organ, ORGAN_IN_FILE_NAME)}{year or ''}年政府信息公开工作年度报告"
    return f"{stem}（已签章）.pdf" if signed else f"{stem}.pdf"


def archive_pdf(store: Store, report_id: int, progress: Progress | None = None) -> Path:
    """Export the PDF of the final report ``report_id`` into its archive folder; returns the archived file."""
    from .output.pdf import ExportError, export_pdf

    report, info = store.load(report_id)
    previous = store.previous_report(report_id)
    with files.temp_dir(prefix="nianbao-archive-") as tmp:
        out = Path(tmp) / pdf_name(info.organ, info.year)
        try:
            export_pdf(report, out, previous=previous, progress=progress)
        except ExportError as err:
            raise StoreError(f"PDF 无法生成：{err}") from None
        folder = store.archive_files(report_id, {out.name: out})
    return folder / out.name


def archive_signed(store: Store, report_id: int, signed_pdf: Path) -> Path:
    """Add a signed PDF of the final report ``report_id`` to its archive folder; returns the archived file."""
    info = store.info(report_id)
    name = pdf_name(info.organ, info.year, signed=True)
    folder = store.archive_files(report_id, {name: Path(signed_pdf)})
    return folder / name


def finalize(store: Store, report_id: int, progress: Progress | None = None) -> Finalized:
    """Freeze the report (refused with :class:`~model.store.NotFinalizableError` while it has errors) and
    archive its PDF. A PDF that cannot be made does not undo the freezing: ``problem`` says why, and
    :func:`archive_pdf` can be run again."""
    folder = store.finalize(report_id)
    try:
        pdf = archive_pdf(store, report_id, progress)
    except StoreError as err:
        return Finalized(folder, None, f"报告已定稿，但 PDF 未能归档：{err}")
    return Finalized(folder, pdf)
