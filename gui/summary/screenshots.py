"""Screenshots of the 汇总 windows: ``python -m gui.summary.screenshots docs`` (offscreen works).

A throwaway store gets a district with five units over three years (the sample report, varied), and the
comparison view, the charts, the summary view and the import dialog are saved as ``summary-*.png``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from model.report import Report
    from model.store import Store

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PARENT = "示范区人民政府"
UNITS = ("示范区教育局", "示范区民政局", "示范区自然资源局", "示范区城关街道办事处", "示范区河口镇人民政府")


def _report(organ: str, year: int, k: int) -> Report:
    from model.fill import fill_totals
    from model.form import CURRENT_FORM
    from model.sample import sample_report

    r = sample_report()
    r.agency, r.year = organ, year
    t3 = CURRENT_FORM.table["t3"]
    grow = {2022: 0.5, 2023: 1.0, 2024: 2.2}[year]
    for cell in t3.cells:
        v = r.cells.get(cell.key)
        if isinstance(v, int) and cell.column != "total" and cell.row not in ("total",):
            r.cells[cell.key] = int(round(v * grow * (1 + 0.3 * k)))
    for c in t3.columns:
        r.cells[f"t3.carried_in.{c.key}"] = 0 if year == 2022 else r.cells[f"t3.carried_in.{c.key}"]
    for key, value in fill_totals(r).items():
        r.cells[key] = value
    return r


def make_store(folder: Path) -> Store:
    from model.store import Store, sqlite_url

    store = Store.open(sqlite_url(folder / "年报.db"), archive_root=folder / "归档")
    for year in (2022, 2023, 2024):
        for k, organ in enumerate(UNITS):
            store.save_report(_report(organ, year, k))
    for organ in UNITS:
        store.ensure_organ(organ, parent=PARENT)
    store.ensure_organ("示范区卫生健康局", parent=PARENT)  # has not reported
    return store


def save(widget: QWidget, path: Path) -> None:
    widget.grab().toImage().save(str(path), "PNG", 9)  # type: ignore[call-overload,unused-ignore]  # the stubs want bytes for the format


def main(argv: list[str]) -> int:
    from gui.app import make_app
    from gui.summary.charts import chart_family
    from gui.summary.import_dialog import BatchImportDialog
    from gui.summary.views import CompareDialog, SummaryDialog

    out = Path(argv[0] if argv else "docs")
    out.mkdir(parents=True, exist_ok=True)
    app = make_app([])
    family = chart_family()
    if family:
        from PySide6.QtGui import QFont

        app.setFont(QFont(family, 10))
    with tempfile.TemporaryDirectory() as tmp:
        store = make_store(Path(tmp))
        try:
            summary = SummaryDialog(store, PARENT, 2024)
            summary.resize(1000, 640)
            summary.show()
            summary.numbers.setCurrentIndex(1)
            app.processEvents()
            save(summary, out / "summary-table3.png")
            summary.tabs.setCurrentIndex(2)
            summary.workers[-1].wait() if summary.workers else None
            app.processEvents()
            save(summary, out / "summary-units.png")
            compare = CompareDialog(store)
            compare.subject.setCurrentIndex(compare.subject.findText(f"{PARENT}（所属单位汇总）"))
            compare.resize(1100, 680)
            compare.show()
            app.processEvents()
            save(compare, out / "summary-compare.png")
            compare.tabs.setCurrentIndex(1)
            compare.resize(1200, 820)
            app.processEvents()
            save(compare, out / "summary-charts.png")
            compare.charts.charts["outcomes"].save_png(out / "summary-chart-outcomes.png")
            dialog = BatchImportDialog(store, PARENT)
            dialog.show()
            app.processEvents()
            save(dialog, out / "summary-import.png")
        finally:
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
