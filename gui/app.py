"""Start the window: ``run(argv)`` (called by ``model.cli.main`` when there is no sub-command)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

APP_NAME = "年报"


def set_high_dpi_policy() -> None:
    """PassThrough rounding (125 % and 150 % displays stay sharp) unless the environment says otherwise."""
    if os.environ.get("QT_SCALE_FACTOR_ROUNDING_POLICY"):
        return  # Qt reads it itself
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)


def translations_dirs() -> list[Path]:
    dirs = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    try:
        import PySide6

        dirs.append(Path(PySide6.__file__).resolve().parent / "Qt" / "translations")
        dirs.append(Path(PySide6.__file__).resolve().parent / "translations")
    except (ImportError, TypeError):  # pragma: no cover
        pass
    if getattr(sys, "frozen", False):  # PyInstaller
        base = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
        dirs += [base / "PySide6" / "Qt" / "translations", base / "translations"]
    return dirs


def install_translations(app: QApplication) -> list[QTranslator]:
    """Qt's own zh_CN translations, so that standard dialogs and buttons are Chinese."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    installed = []
    for name in ("qtbase_zh_CN",):
        for d in translations_dirs():
            t = QTranslator(app)
            if t.load(name, str(d)):
                app.installTranslator(t)
                installed.append(t)
                break
    return installed


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        set_high_dpi_policy()
        app = QApplication([sys.argv[0] if sys.argv else "nianbao", *(argv or [])])
    app.setOrganizationName("nianbao")
    app.setApplicationName("nianbao")
    app.setApplicationDisplayName(APP_NAME)
    if not getattr(app, "_nianbao_translators", None):
        app._nianbao_translators = install_translations(app)  # type: ignore[attr-defined]
    return app


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="main.py", add_help=False)
    parser.add_argument("--db", metavar="URL")
    args, _unknown = parser.parse_known_args(argv)
    return args


def run(argv: list[str] | None = None) -> int:
    args = parse_args(list(argv or []))
    app = make_app([])
    from .backend import StoreError, open_store
    from .main_window import MainWindow

    try:
        store = open_store(args.db)
    except (StoreError, OSError, ValueError) as err:
        QMessageBox.critical(None, APP_NAME, f"无法打开数据库：{err}")
        return 2
    window = MainWindow(store)
    window.show()
    window.reopen_last()
    status = app.exec()
    close = getattr(store, "close", None)
    if close:
        close()
    return int(status)
