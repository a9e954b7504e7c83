"""After an import: what the source did not prove — the sections not found and the cells left blank.

The clerk types these in from the original instead of trusting blanks.  Shown window-modal but not
blocking (``open()``), so that the imported report is already open behind it.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)


class ImportSummaryDialog(QDialog):
    def __init__(
        self, name: str, sections: list[str], cells: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("导入结果：%1").replace("%1", name))
        intro = QLabel(
            self.tr("以下内容未能从文件中确定，已留空（不做猜测）。请对照原文逐项补填，不要把空白当作 0。"),
            self,
        )
        intro.setWordWrap(True)
        self.items = QListWidget(self)
        for heading in sections:
            self._add(self.tr("未找到“%1”部分").replace("%1", heading))
        for line in cells:
            self._add(self.tr("留空：%1").replace("%1", line))
        self.items.setMinimumSize(560, 280)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        buttons.accepted.connect(self.accept)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.items)
        lay.addWidget(buttons)

    def _add(self, text: str) -> None:
        QListWidgetItem(text, self.items)

    def lines(self) -> list[str]:
        return [self.items.item(i).text() for i in range(self.items.count())]
