"""The history list says each change in words (model.store.wording.describe): the cell's name, not its key."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from conftest import FEE, sample
from PySide6.QtCore import Qt

from gui.dialogs import HistoryModel
from model.form import CURRENT_FORM
from model.store.wording import describe


def test_the_history_list_names_the_cell_changed(qapp, sqlite_store):
    info = sqlite_store.save_report(sample())
    sqlite_store.set_cell(info.id, FEE, "2.5")
    revisions = sqlite_store.history(info.id)
    name = CURRENT_FORM.cells[FEE].name
    assert name in describe(revisions[-1]) and "→ 2.5" in describe(revisions[-1])
    model = HistoryModel(revisions)
    newest = model.data(model.index(0, 1), Qt.ItemDataRole.DisplayRole)
    assert name[:20] in newest and FEE not in newest
