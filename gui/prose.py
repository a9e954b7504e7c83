"""A prose section's tab: a comfortable editor for long Chinese text, a character count, the prose
findings underlined in place (message on hover) and, for section 一, its customary sub-points."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QFont, QKeySequence, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from model.findings import Finding, Severity
from model.form import Section

UNDERLINE = {
    Severity.ERROR: QColor("#d00000"),
    Severity.WARNING: QColor("#d08800"),
    Severity.HINT: QColor("#3070c0"),
}
#: the background of the span of the finding chosen in the findings panel
SHOWN = QColor("#ffe08a")


def qt_position(text: str, index: int) -> int:
    """A Python index into ``text`` (what the prose spans of the findings count) as a Qt cursor position,
    which counts UTF-16 code units: a character beyond the BMP (𠮷, many rare characters of names) is two.
    Clamped to the text."""
    index = max(0, min(index, len(text)))
    return index + sum(1 for ch in text[:index] if ord(ch) > 0xFFFF)


def py_index(text: str, position: int) -> int:
    """A Qt cursor position (UTF-16 code units) as a Python index into ``text``: the inverse of
    :func:`qt_position` (a position inside a surrogate pair gives the character's own index)."""
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > position:
            return i
    return len(text)


def char_count(text: str) -> int:
    """Characters as a clerk counts them: everything but white space."""
    return sum(1 for ch in text if not ch.isspace())


class ProseEdit(QPlainTextEdit):
    """The editor: its own undo is off — Ctrl+Z / Ctrl+Y go to the report's undo stack."""

    def __init__(self, doc, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.setUndoRedoEnabled(False)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 10.0) * 1.25)
        self.setFont(font)
        self.document().setDocumentMargin(12)
        self.spans: list[tuple[int, int, Finding]] = []

    def event(self, e) -> bool:
        if e.type() == QEvent.Type.ShortcutOverride and (
            e.matches(QKeySequence.StandardKey.Undo) or e.matches(QKeySequence.StandardKey.Redo)
        ):
            e.ignore()  # let the window's 撤销 / 重做 take it
            return True
        return super().event(e)

    def keyPressEvent(self, e) -> None:
        if e.matches(QKeySequence.StandardKey.Undo):
            self.doc.undo_stack.undo()
        elif e.matches(QKeySequence.StandardKey.Redo):
            self.doc.undo_stack.redo()
        else:
            super().keyPressEvent(e)

    def viewportEvent(self, e) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            pos = py_index(self.toPlainText(), self.cursorForPosition(e.pos()).position())
            messages = [f"{f.severity.label}：{f.message}" for s, t, f in self.spans if s <= pos < t]
            if messages:
                QToolTip.showText(e.globalPos(), "\n".join(messages), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(e)


class ProsePage(QWidget):
    def __init__(self, doc, section: Section, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.section = section
        self.key = section.text_key
        self.edit = ProseEdit(doc, self)
        self.edit.setObjectName(f"prose_{self.key}")
        self.count = QLabel(self)
        self.skeleton = None
        bar = QHBoxLayout()
        heading = QLabel(f"<b>{section.heading}</b>", self)
        bar.addWidget(heading)
        bar.addStretch(1)
        if section.subpoints:
            self.skeleton = QPushButton(self.tr("插入五个方面的提纲"), self)
            self.skeleton.setToolTip(self.tr("在文末插入本部分惯用的小标题：") + "、".join(section.subpoints))
            self.skeleton.clicked.connect(self.insert_skeleton)
            bar.addWidget(self.skeleton)
            self.edit.setPlaceholderText("\n".join(f"{p}。……" for p in section.subpoints))
        bar.addWidget(self.count)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(bar)
        lay.addWidget(self.edit, 1)
        self._loading = False
        #: the span a finding chosen in the panel shows (highlighted until the text changes)
        self.shown_span: tuple[int, int] | None = None
        #: the text under each underline when it was drawn (a changed one is stale)
        self._flagged: list[str | None] = []
        self.load()
        self.edit.textChanged.connect(self._typed)
        doc.textChanged.connect(self._doc_text)
        doc.reloaded.connect(self.load)
        doc.findingsChanged.connect(self.show_findings)
        doc.infoChanged.connect(self._read_only)
        self._read_only()
        self.show_findings()

    def text(self) -> str:
        return self.edit.toPlainText()

    def load(self) -> None:
        text = self.doc.report.text.get(self.key, "")
        if text == self.edit.toPlainText():
            self._update_count()
            return
        self._loading = True
        self.shown_span = None
        pos = py_index(self.edit.toPlainText(), self.edit.textCursor().position())
        self.edit.setPlainText(text)
        cursor = self.edit.textCursor()
        cursor.setPosition(qt_position(text, pos))
        self.edit.setTextCursor(cursor)
        self._loading = False
        self._update_count()

    def _read_only(self) -> None:
        self.edit.setReadOnly(self.doc.read_only)
        if self.skeleton is not None:
            self.skeleton.setEnabled(not self.doc.read_only)

    def _typed(self) -> None:
        self.shown_span = None
        self._drop_stale_underlines()
        self._update_count()
        if not self._loading:
            self.doc.edit_text(self.key, self.edit.toPlainText())

    def _doc_text(self, section: str) -> None:
        if section == self.key:
            self.load()

    def _update_count(self) -> None:
        self.count.setText(self.tr("字数：%1").replace("%1", str(char_count(self.edit.toPlainText()))))

    def insert_skeleton(self) -> None:
        text = self.edit.toPlainText()
        missing = [p for p in self.section.subpoints if p not in text]
        if not missing:
            return
        addition = "\n".join(missing)
        new = f"{text.rstrip()}\n{addition}" if text.strip() else addition
        self.doc.edit_text(self.key, new, self.tr("插入五个方面的提纲"))

    def _drop_stale_underlines(self) -> None:
        """An underline whose text was just changed or deleted goes at once (the check that follows, a
        moment later, puts back what is still wrong)."""
        kept = [
            sel
            for sel, flagged in zip(self.edit.extraSelections(), self._flagged, strict=False)
            if flagged is not None and sel.cursor.selectedText() == flagged
        ]
        if len(kept) != len(self.edit.extraSelections()):
            self._flagged = [sel.cursor.selectedText() for sel in kept]
            self.edit.setExtraSelections(kept)

    def show_findings(self) -> None:
        spans = []
        selections = []
        text = self.edit.toPlainText()
        for f in self.doc.findings:
            if f.text is None or f.text.section != self.key:
                continue
            spans.append((f.text.start, f.text.end, f))
            sel = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(UNDERLINE[f.severity])
            fmt.setProperty(QTextFormat.Property.FullWidthSelection, False)
            sel.format = fmt
            cursor = QTextCursor(self.edit.document())
            cursor.setPosition(qt_position(text, min(f.text.start, f.text.end)))
            cursor.setPosition(qt_position(text, f.text.end), QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            selections.append(sel)
        if self.shown_span is not None:
            start, end = self.shown_span
            if 0 <= start < end <= len(text):
                sel = QTextEdit.ExtraSelection()
                fmt = QTextCharFormat()
                fmt.setBackground(SHOWN)
                sel.format = fmt
                cursor = QTextCursor(self.edit.document())
                cursor.setPosition(qt_position(text, start))
                cursor.setPosition(qt_position(text, end), QTextCursor.MoveMode.KeepAnchor)
                sel.cursor = cursor
                selections.append(sel)
        self.edit.spans = spans
        self.edit.setExtraSelections(selections)
        self._flagged = [sel.cursor.selectedText() for sel in selections]

    def select_span(self, start: int, end: int) -> None:
        """Show a finding's span: highlighted and scrolled into view, the cursor before it — with no
        selection and without taking the keyboard (what is typed next never replaces the report's text)."""
        text = self.edit.toPlainText()
        self.shown_span = (start, end)
        cursor = self.edit.textCursor()
        cursor.setPosition(qt_position(text, start))
        self.edit.setTextCursor(cursor)
        self.edit.centerCursor()
        self.show_findings()

    def shown_text(self) -> str:
        """The text of the span shown by :meth:`select_span` ("" when none)."""
        if self.shown_span is None:
            return ""
        return self.edit.toPlainText()[self.shown_span[0] : self.shown_span[1]]
