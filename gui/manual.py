"""The manual, in Chinese, inside the program (F1): HTML pages in ``resources/manual`` shown in a
QTextBrowser — no web. Each check (rule id) has its own page, opened from the findings panel."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget


def manual_dir() -> Path:
    if getattr(sys, "frozen", False):  # PyInstaller: resources/ is bundled beside the program
        base = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
        return base / "resources" / "manual"
    return Path(__file__).resolve().parents[1] / "resources" / "manual"


def rule_page(rule: str) -> str:
    """The page of a check (``rule-<id>.html``), or the list of checks when it has none."""
    name = f"rule-{rule}.html"
    return name if (manual_dir() / name).is_file() else "checks.html"


class ManualDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("使用手册"))
        self.browser = QTextBrowser(self)
        self.browser.setSearchPaths([str(manual_dir())])
        self.browser.setOpenExternalLinks(False)
        back = QPushButton(self.tr("后退"), self)
        back.clicked.connect(self.browser.backward)
        self.browser.backwardAvailable.connect(back.setEnabled)
        back.setEnabled(False)
        home = QPushButton(self.tr("目录"), self)
        home.clicked.connect(lambda: self.show_page("index.html"))
        close = QPushButton(self.tr("关闭"), self)
        close.clicked.connect(self.close)
        row = QHBoxLayout()
        row.addWidget(back)
        row.addWidget(home)
        row.addStretch(1)
        row.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.browser, 1)
        self.resize(760, 620)

    def show_page(self, name: str) -> None:
        self.browser.setSource(QUrl.fromLocalFile(str(manual_dir() / name)))

    def page(self) -> str:
        return Path(self.browser.source().toLocalFile()).name


def open_manual(parent: QWidget | None, name: str = "index.html") -> ManualDialog:
    """The manual window (one per parent, brought forward) at page ``name``."""
    dialog = getattr(parent, "_manual", None) if parent is not None else None
    if dialog is None:
        dialog = ManualDialog(parent)
        if parent is not None:
            parent._manual = dialog  # type: ignore[attr-defined]
    dialog.show_page(name)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
