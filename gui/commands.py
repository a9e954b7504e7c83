"""Undo commands that change the domain model (after Orange canvas' ``document/commands.py``).

Each command writes through :class:`~gui.document.ReportDocument`, which saves to the store at once;
the views follow the document's signals. A command whose first write fails makes itself obsolete, so
the stack never holds a step that did not happen.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from model.report import Value

if TYPE_CHECKING:
    from .document import ReportDocument

ID_TEXT = 1001


#: typing in one section within this many seconds is one undo step
TEXT_MERGE_SECONDS = 2.0


class SetCellsCommand(QUndoCommand):
    def __init__(self, doc: ReportDocument, changes: dict[str, tuple[Value, Value]], text: str):
        super().__init__(text)
        self.doc = doc
        self.changes = changes

    def redo(self) -> None:
        ok = self.doc.write_cells({k: new for k, (_, new) in self.changes.items()})
        if not ok:
            self.setObsolete(True)

    def undo(self) -> None:
        self.doc.write_cells({k: old for k, (old, _) in self.changes.items()})


class SetTextCommand(QUndoCommand):
    """A change of one prose section. Typing merges into one step (``TEXT_MERGE_SECONDS``); a change made
    by an action (``typing=False``: the skeleton of sub-points) is a step of its own — it neither merges
    into the typing before it nor takes in the typing after it."""

    def __init__(
        self,
        doc: ReportDocument,
        section: str,
        old: str,
        new: str,
        text: str | None = None,
        *,
        typing: bool = True,
    ):
        heading = doc.form.text_sections[section].heading if section in doc.form.text_sections else section
        super().__init__(text or QCoreApplication.translate("commands", "编辑 %1").replace("%1", heading))
        self.doc = doc
        self.section = section
        self.old = old
        self.new = new
        self.typing = typing
        self.at = time.monotonic()

    def id(self) -> int:
        return ID_TEXT if self.typing else -1  # -1: QUndoStack never merges it

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetTextCommand) or other.section != self.section or not other.typing:
            return False
        if other.at - self.at > TEXT_MERGE_SECONDS:
            return False
        self.new = other.new
        self.at = other.at
        return True

    def redo(self) -> None:
        self.doc.write_text(self.section, self.new)

    def undo(self) -> None:
        self.doc.write_text(self.section, self.old)


class ExplainCommand(QUndoCommand):
    def __init__(self, doc: ReportDocument, rule: str, cells: tuple[str, ...], old: str, new: str):
        super().__init__(
            QCoreApplication.translate("commands", "附加说明")
            if new.strip()
            else QCoreApplication.translate("commands", "删除说明")
        )
        self.doc = doc
        self.rule = rule
        self.cells = tuple(cells)
        self.old = old
        self.new = new

    def redo(self) -> None:
        if not self.doc.write_explanation(self.rule, self.cells, self.new):
            self.setObsolete(True)

    def undo(self) -> None:
        self.doc.write_explanation(self.rule, self.cells, self.old)
