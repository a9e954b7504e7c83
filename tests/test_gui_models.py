"""The Qt models without a window: qtmodeltester on each, the grid's shape from Table.layout, the
settings wrapper, the application's translations and high-DPI policy."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings, Qt

from gui.dialogs import HistoryModel
from gui.findings_panel import FindingsModel
from gui.form_table import FormTableModel, GridRole, KeyRole
from gui.settings import Settings
from gui.start_page import ReportListModel
from model.form import FORM_2021

ORGAN = "宝鸡市渭滨区人民政府办公室"


@pytest.fixture
def store(sqlite_store):
    return sqlite_store  # the GUI is tested on SQLite only


@pytest.mark.parametrize("table", [t.key for t in FORM_2021.tables])
def test_form_table_model(qtmodeltester, doc, table):
    model = FormTableModel(FORM_2021.table[table], doc)
    qtmodeltester.check(model, force_py=True)
    layout = FORM_2021.table[table].layout
    assert (model.rowCount(), model.columnCount()) == (layout.rows, layout.cols)
    # every value cell of the form, at its printed place, and nothing else editable
    keys = set()
    for r in range(model.rowCount()):
        for c in range(model.columnCount()):
            index = model.index(r, c)
            key = model.data(index, KeyRole)
            if key:
                keys.add(key)
                assert model.flags(index) & Qt.ItemFlag.ItemIsEditable
            else:
                assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert keys == set(FORM_2021.table[table].cell_keys)
    # labels come from the layout, spans too
    for cell in layout.cells:
        if cell.text:
            assert model.data(model.index(cell.row, cell.col)) == cell.text
            assert model.data(model.index(cell.row, cell.col), GridRole) == cell.role
    assert {(c.row, c.col, c.rowspan, c.colspan) for c in model.spans()} == {
        (c.row, c.col, c.rowspan, c.colspan) for c in layout.cells if c.rowspan > 1 or c.colspan > 1
    }
    # after an edit and a re-check the model still holds together
    first = FORM_2021.table[table].cell_keys[0]
    assert model.setData(model.index_of(first), "0")
    qtmodeltester.check(model, force_py=True)


def test_table3_group_labels_span_their_rows(doc):
    model = FormTableModel(FORM_2021.table["t3"], doc)
    spans = {c.text: c.rowspan for c in model.spans() if c.role == "label"}
    group = FORM_2021.table["t3"].groups
    sizes = {g.label: sum(1 for r in FORM_2021.table["t3"].rows if r.group == g.key) for g in group}
    assert sizes and all(sizes.values())
    for label, n in sizes.items():
        assert label in spans, label
        assert spans[label] >= n, label


def test_paste_and_copy_at_model_level(doc):
    model = FormTableModel(FORM_2021.table["t2"], doc)
    refused = []
    model.refused.connect(refused.append)
    # a column of values goes down the value rows, over the block titles
    assert model.paste(model.index_of("t2.licensing.decisions"), "5\n6\n7\n0.5\n")
    assert [
        doc.report.get(k) for k in ("t2.licensing.decisions", "t2.penalty.decisions", "t2.coercion.decisions")
    ] == [
        5,
        6,
        7,
    ]
    assert str(doc.report.get("t2.fees.amount")) == "0.5"
    assert doc.undo_stack.count() == 1
    assert not model.paste(model.index_of("t2.fees.amount"), "1\n2\n")  # beyond the table
    assert refused and "超出" in refused[-1]
    indexes = [model.index_of(k) for k in ("t2.penalty.decisions", "t2.coercion.decisions")]
    assert model.copy_text(indexes) == "6\n7\n"
    assert model.clear(indexes)
    assert doc.report.get("t2.penalty.decisions") is None
    doc.undo_stack.undo()
    assert doc.report.get("t2.penalty.decisions") == 6


def test_findings_model(qtmodeltester, doc):
    model = FindingsModel(doc)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == len(doc.findings) > 0
    doc.edit_cells({"t3.new.natural_person": 3, "t3.new.total": 0}, "x")
    assert model.rowCount() == len(doc.findings)
    assert model.data(model.index(0, 0)) == "错误"
    assert "一、本年新收 总计" in model.data(model.index(0, 2))
    qtmodeltester.check(model, force_py=True)


def test_history_and_report_list_models(qtmodeltester, doc, store):
    doc.edit_cells({"t4.review.upheld": 1}, "x")
    doc.edit_text("overview", "本年……")
    doc.flush()
    history = HistoryModel(doc.history())
    qtmodeltester.check(history, force_py=True)
    assert history.rowCount() >= 3
    assert "结果维持" in history.data(history.index(1, 1)) or "结果维持" in history.data(history.index(0, 1))
    reports = ReportListModel()
    reports.set_reports(store.reports())
    qtmodeltester.check(reports, force_py=True)
    assert reports.data(reports.index(0, 0)) == ORGAN
    assert reports.data(reports.index(0, 1)) == "2024年度"


def test_text_edits_merge_into_one_undo_step(doc):
    doc.edit_text("problems", "一")
    doc.edit_text("problems", "一是")
    doc.edit_text("overview", "甲")
    assert doc.undo_stack.count() == 2
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.report.text["problems"] == ""
    doc.flush()
    report, _ = doc.store.load(doc.report_id)
    assert report.text["problems"] == ""


def test_settings_typed_and_tolerant(tmp_path):
    path = str(tmp_path / "s.ini")
    s = Settings(QSettings(path, QSettings.Format.IniFormat))
    assert s.last_report == 0
    s.last_report = 7
    s.set_column_widths("t3", [10, 20])
    s.sync()
    s2 = Settings(QSettings(path, QSettings.Format.IniFormat))
    assert s2.last_report == 7
    assert s2.column_widths("t3") == [10, 20]
    assert s2.get("version") == 1
    s2.qsettings.setValue("last_report", "not a number")
    assert s2.last_report == 0  # a bad stored value gives the default
    with pytest.raises(KeyError):
        s2.set("no/such", 1)


def test_app_translations_and_arguments(qapp):
    from PySide6.QtCore import QCoreApplication

    from gui.app import install_translations, parse_args

    assert install_translations(qapp), "qtbase_zh_CN.qm not found"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    assert parse_args(["--db", "sqlite:///x.db"]).db == "sqlite:///x.db"
    assert parse_args([]).db is None


_DPI_PROGRAM = """
import sys
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

# another default than PassThrough before make_app: what make_app sets must show
QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.Round)
from gui.app import make_app

app = make_app([])
print(QGuiApplication.highDpiScaleFactorRoundingPolicy().name, app.primaryScreen().devicePixelRatio())
"""


@pytest.mark.parametrize(
    ("policy", "factor", "expected"),
    [
        (None, "1.25", "PassThrough 1.25"),  # 125 %: passed through, not rounded to 1
        (None, "1.5", "PassThrough 1.5"),
        ("Round", "1.25", "Round 1.0"),  # the environment overrides
        ("Floor", "1.5", "Floor 1.0"),
    ],
)
def test_high_dpi_rounding_policy(policy, factor, expected):
    """make_app sets PassThrough before the QApplication exists (a fresh process each: the policy can only
    be set before it); QT_SCALE_FACTOR_ROUNDING_POLICY, when set, wins."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_SCALE_FACTOR")}
    env.update(QT_QPA_PLATFORM="offscreen", QT_SCREEN_SCALE_FACTORS=factor)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH", "")) if p)
    if policy:
        env["QT_SCALE_FACTOR_ROUNDING_POLICY"] = policy
    done = subprocess.run(
        [sys.executable, "-c", _DPI_PROGRAM], env=env, capture_output=True, text=True, timeout=60, cwd=root
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[-2] == expected
