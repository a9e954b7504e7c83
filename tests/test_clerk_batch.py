"""批量导入's failed rows are fixed in place (issue 13, item 3): a published report that does not name its
organ (the seed fixture) fails; the clerk picks or types the unit and the year in its row and imports it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QComboBox  # noqa: E402

from gui.summary.import_dialog import BatchImportDialog  # noqa: E402
from model.sample import sample_report  # noqa: E402
from model.store import Store, sqlite_url  # noqa: E402
from model.summary import summarize  # noqa: E402

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

PARENT = "示范区人民政府"
SEED = Path(__file__).parent / "fixtures" / "000_e8e20449add4641b.txt"


@pytest.fixture
def store(tmp_path):
    s = Store.open(sqlite_url(tmp_path / "年报.db"), archive_root=tmp_path / "归档")
    s.ensure_organ(PARENT)
    s.ensure_organ("示范区第5局", parent=PARENT)
    yield s
    s.close()


@pytest.fixture
def folder(tmp_path) -> Path:
    f = tmp_path / "各单位"
    f.mkdir()
    shutil.copy(SEED, f / "渭滨区年报.txt")  # names no organ
    r = sample_report()
    r.agency, r.year = "示范区第1局", 2024
    (f / "第1局.json").write_text(r.to_json(), "utf-8")
    return f


def test_a_file_that_names_no_organ_is_fixed_in_its_row(qtbot, store, folder):
    dialog = BatchImportDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.parent_box.setCurrentText(PARENT)
    dialog.set_paths([folder])
    with qtbot.waitSignal(dialog.imported, timeout=30000):
        dialog.start_btn.click()
    qtbot.waitUntil(lambda: not dialog.running, timeout=5000)
    m = dialog.model
    row = next(r for r in range(m.rowCount()) if m.data(m.index(r, 0)) == "渭滨区年报.txt")
    assert m.data(m.index(row, 1)) == "失败"
    assert dialog.fix_hint.isVisible() and not dialog.fix_btn.isEnabled()
    # the 单位 cell of the failed row: an editor offering the store's organs
    organ_index, year_index = m.index(row, 2), m.index(row, 3)
    assert m.flags(organ_index) & Qt.ItemFlag.ItemIsEditable
    assert not m.flags(m.index(0 if row else 1, 2)) & Qt.ItemFlag.ItemIsEditable  # a good row is kept
    dialog.table.setCurrentIndex(organ_index)
    dialog.table.edit(organ_index)
    editor = dialog.table.indexWidget(organ_index) or dialog.table.findChild(QComboBox)
    assert isinstance(editor, QComboBox) and editor.findText("示范区第5局") >= 0
    editor.setCurrentText("示范区第5局")
    dialog.table.commitData(editor)
    dialog.table.closeEditor(editor, dialog.table.itemDelegate().EndEditHint.NoHint)
    assert m.data(organ_index) == "示范区第5局"
    assert not m.setData(year_index, "去年")  # not a year: refused
    assert m.setData(year_index, "2024")
    assert dialog.fix_btn.isEnabled()
    with qtbot.waitSignal(dialog.imported, timeout=30000):
        dialog.fix_btn.click()
    assert m.data(m.index(row, 1)) == "已导入"
    info = store.find("示范区第5局", 2024)
    assert info is not None
    report, _ = store.load(info.id)
    assert report.get("t3.new.natural_person") is not None
    assert "示范区第5局" in summarize(store, PARENT, 2024).units
    assert dialog.status.text() == "已导入 2 份，替换 0 份，失败 0 份。"
    assert not dialog.fix_hint.isVisible()
