"""The banner shown when the open report was changed in another window, process or computer: 重新载入, and
the edit this window could not save offered again (重新载入并保留我的修改)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from model.report import format_value


class ElsewhereBanner(QWidget):
    def __init__(self, doc, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.setObjectName("elsewhere")
        self.setStyleSheet("#elsewhere { background:#fde2e1; border:1px solid #d08080; }")
        self.setAutoFillBackground(True)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setStyleSheet("color:#7a0000;")
        self.reload_button = QPushButton(self.tr("重新载入"), self)
        self.reload_button.setToolTip(self.tr("载入别处保存的内容（本窗口未能保存的修改将放弃）"))
        self.keep_button = QPushButton(self.tr("重新载入并保留我的修改"), self)
        self.keep_button.setToolTip(self.tr("载入别处保存的内容，再把本窗口未能保存的修改填回去"))
        self.reload_button.clicked.connect(doc.reload)
        self.keep_button.clicked.connect(doc.reload_keeping)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 4)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.keep_button)
        lay.addWidget(self.reload_button)
        doc.changedElsewhere.connect(self.update_state)
        doc.failed.connect(lambda _text: self.update_state())
        doc.reloaded.connect(self.update_state)
        self.update_state()

    def refused_text(self) -> str:
        refused = self.doc.refused
        if refused is None:
            return ""
        if refused[0] == "text":
            heading = (
                self.doc.form.text_sections[refused[1]].heading
                if refused[1] in self.doc.form.text_sections
                else refused[1]
            )
            return self.tr("您在“%1”中写的文字").replace("%1", heading)
        parts = []
        for key, value in list(refused[1].items())[:3]:
            cell = self.doc.form.cells.get(key)
            shown = format_value(value) if value is not None else self.tr("空白")
            parts.append(self.tr("%1＝%2").replace("%1", cell.name if cell else key).replace("%2", shown))
        more = self.tr("等 %1 格").replace("%1", str(len(refused[1]))) if len(refused[1]) > 3 else ""
        return self.tr("您填写的%1").replace("%1", "、".join(parts) + more)

    def update_state(self) -> None:
        stale = self.doc.stale
        self.setVisible(stale)
        if not stale:
            return
        text = self.tr("这份报告已在别的窗口或别的电脑上被修改，本窗口显示的不是最新内容。")
        refused = self.refused_text()
        if refused:
            text += self.tr("%1没有保存：点“重新载入并保留我的修改”把它填回去。").replace("%1", refused)
        else:
            text += self.tr("请点“重新载入”。")
        self.text.setText(text)
        self.keep_button.setVisible(bool(refused))
