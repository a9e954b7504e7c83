"""The “<parent>（汇总）” record opened in the main window like any report: its cells are computed from the
units' reports — re-summed when it is opened, exported or printed, read-only in the grids, with a banner
saying so — while its prose stays editable.

The main window calls :func:`resync` (``ReportDocument``: when opening and before export / print) and
:func:`computed_banner` (``ReportView``); the grids ask ``doc.computed``. The model side is
:func:`model.summary.resync_record` (imported on first use: the window's first paint does not pay for
SQLAlchemy)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QBoxLayout, QLabel, QWidget

BANNER = "background:#e8f0fb; color:#1d3f6e; padding:6px; border:1px solid #9db8dd;"


def computed_parent(store: Any, report_id: int) -> str | None:
    """The parent whose 汇总 ``report_id`` is, or None (any other report, or a store that cannot say)."""
    if getattr(store, "opening", False) is True:  # the store is still opening (gui/app.py): no SQLAlchemy yet
        return None
    try:
        from model.summary import summary_parent

        return summary_parent(store, report_id)
    except Exception:  # a stand-in store, or no database yet: an ordinary report
        return None


def resync(store: Any, report_id: int) -> tuple[str | None, bool]:
    """(parent, changed): when ``report_id`` is a 汇总 record, its cells re-summed from the units' current
    reports (a final one is left as it is). A failure leaves the stored cells as they were."""
    parent = computed_parent(store, report_id)
    if parent is None:
        return None, False
    from model.store import StoreError
    from model.summary import resync_record

    try:
        return parent, resync_record(store, report_id)
    except StoreError:
        return parent, False


def banner_text(parent: str) -> str:
    return QCoreApplication.translate(
        "SummaryRecord",
        "本报告是“%1”所属各单位报告的汇总：表格中的数字由各单位的报告自动计算（计算值，打开、导出和打印时"
        "按各单位的当前报告重新汇总），不能直接修改；正文可以修改。",
    ).replace("%1", parent)


def computed_banner(view: QWidget) -> QLabel | None:
    """A banner above the tabs of ``view`` (a ``ReportView``) when its report is a 汇总 record (hidden while
    the record is final: the final banner says enough); None for any other report."""
    doc = view.doc  # type: ignore[attr-defined]
    parent = getattr(doc, "computed", None)
    if not parent:
        return None
    label = QLabel(banner_text(parent), view)
    label.setObjectName("computed_banner")
    label.setWordWrap(True)
    label.setStyleSheet(BANNER)
    layout = view.layout()
    if isinstance(layout, QBoxLayout):
        layout.insertWidget(1, label)

    def update() -> None:
        label.setVisible(not doc.read_only)

    doc.infoChanged.connect(update)
    update()
    return label
