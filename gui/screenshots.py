"""Screenshots of the window for the README: ``xvfb-run python -m gui.screenshots docs``.

A throwaway store gets the published fixture report (with its real defects), the window opens it, and
each tab (plus the start page) is saved as ``screenshot-<n>-<name>.png``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "000_e8e20449add4641b.txt"
NAMES = {
    "overview": "overview",
    "t2": "table2",
    "t3": "table3",
    "t4": "table4",
    "problems": "problems",
    "other": "other",
}


def save(widget: QWidget, path: Path) -> None:
    """A small PNG: the grab reduced to 256 colours (enough for a window)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    image = (
        widget.grab()
        .toImage()
        .convertToFormat(
            QImage.Format.Format_Indexed8,
            Qt.ImageConversionFlag.ThresholdDither | Qt.ImageConversionFlag.AvoidDither,
        )
    )
    image.save(str(path), "PNG", 9)  # type: ignore[call-overload,unused-ignore]  # the stubs want bytes for the format


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0] if argv else ROOT / "docs")
    out.mkdir(parents=True, exist_ok=True)
    from model.importer import import_file
    from model.store import Store, sqlite_url

    from .app import make_app
    from .main_window import MainWindow
    from .settings import Settings

    app = make_app([])
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(sqlite_url(Path(tmp) / "年报.db"))
        settings = Settings(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        report = import_file(FIXTURE).report
        store.save_report(
            report, organ=report.agency or "宝鸡市渭滨区人民政府办公室", year=report.year or 2024
        )
        window = MainWindow(store, settings)
        window.resize(1280, 820)
        window.show()
        app.processEvents()
        window.start.refresh()
        save(window, out / "screenshot-0-start.png")
        window.open_report(store.reports()[0].id)
        view = window.view
        assert view is not None and window.doc is not None  # a report is open
        for i in range(view.tabs.count()):
            key = next(k for k, p in view.pages.items() if p is view.tabs.widget(i))
            view.tabs.setCurrentIndex(i)
            if key == "t3":
                f = next((f for f in window.doc.findings if f.rule == "t3.outcome_sum"), None)
                if f is not None:
                    view.show_finding(f)
            if key == "overview":
                f = next((f for f in window.doc.findings if f.text is not None), None)
                if f is not None:
                    view.show_finding(f)
            app.processEvents()
            save(window, out / f"screenshot-{i + 1}-{NAMES.get(key, key)}.png")
        window.close()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
