"""Every Chinese string the window shows goes through Qt's translation: a scan of gui/'s syntax trees for
string literals with Chinese characters that are not an argument of ``tr()``, ``translate()`` or
``QT_TRANSLATE_NOOP()`` / ``QT_TR_NOOP()`` (docstrings aside). An f-string with Chinese in it is caught
too: a translation needs the whole sentence with %1 placeholders, not pieces around values."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUI = ROOT / "gui"

CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
#: calls whose literal arguments pyside6-lupdate finds, with their context: ``self.tr(…)`` (the class),
#: ``QCoreApplication.translate(context, …)`` and the no-op markers. Not a bare ``tr(…)`` (``tr = self.tr``:
#: lupdate files it under no context, so its translation is never found) nor a wrapper such as ``_tr(…)``
#: (not found at all).
METHODS = {"tr", "translate"}
MARKERS = {"QT_TRANSLATE_NOOP", "QT_TR_NOOP", "QT_TRANSLATE_NOOP3"}

#: whole files that are not the window's text
ALLOWED_FILES = {
    # console lines of the installation self-test: it must speak even when the translations it checks for
    # are missing, and IT support reads it, not the clerk
    "gui/selftest.py",
    # scripts making the README's pictures: the sample data (organ names, file names) are not UI text
    "gui/screenshots.py",
    "gui/summary/screenshots.py",
    "gui/screenshots_clerk.py",
}
#: single literals that must stay as they are: (file, literal) -> why
ALLOWED = {
    ("gui/form_table.py", "汉"): "the character a column's width is measured in, never shown",
    ("gui/app.py", "大小"): "a translation itself: Qt's own 体积 (file size) said the way a clerk says it",
}


def _marks(func: ast.expr) -> bool:
    if isinstance(func, ast.Attribute):
        return func.attr in METHODS
    return isinstance(func, ast.Name) and func.id in MARKERS


def untranslated(path: Path) -> list[tuple[int, str]]:
    """(line, literal) of each Chinese string literal in ``path`` outside the translation markers."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    exempt: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                exempt.add(id(body[0].value))  # a docstring
        if isinstance(node, ast.Call) and _marks(node.func):
            exempt.update(id(a) for a in node.args if isinstance(a, ast.Constant))
    return sorted(
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and CHINESE.search(node.value)
        and id(node) not in exempt
    )


def gui_files() -> list[Path]:
    return sorted(GUI.rglob("*.py"))


def test_the_scan_finds_what_it_should(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""模块说明"""\n'
        "from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication\n"
        'A = QT_TRANSLATE_NOOP("ctx", "甲")\n'
        "def f(self, n):\n"
        '    """函数说明"""\n'
        '    self.tr("乙")\n'
        '    QCoreApplication.translate("ctx", "丙")\n'
        '    self.tr(f"{n}丁")\n'
        '    return "戊", "ascii"\n'
        "def g(self):\n"
        "    tr = self.tr\n"
        '    return tr("己"), _tr("庚")\n',
        encoding="utf-8",
    )
    assert untranslated(sample) == [(8, "丁"), (9, "戊"), (12, "己"), (12, "庚")]


def test_every_chinese_literal_in_gui_is_translated():
    found = []
    for path in gui_files():
        rel = path.relative_to(ROOT).as_posix()
        if rel in ALLOWED_FILES:
            continue
        found += [
            f"{rel}:{line}: {text!r}" for line, text in untranslated(path) if (rel, text) not in ALLOWED
        ]
    assert not found, "Chinese text outside tr()/translate()/QT_TRANSLATE_NOOP():\n" + "\n".join(found)


def test_the_allow_list_is_still_needed():
    for rel in ALLOWED_FILES:
        assert (ROOT / rel).is_file(), f"{rel} is gone: take it off ALLOWED_FILES"
    for (rel, text), _why in ALLOWED.items():
        assert text in [t for _, t in untranslated(ROOT / rel)], f"{rel}: {text!r} is translated now"


def test_headings_and_status_are_looked_up_in_their_context(qapp):
    from PySide6.QtCore import QCoreApplication, Qt, QTranslator

    from gui.backend import status_label
    from gui.dialogs import HistoryModel
    from gui.start_page import ReportListModel

    class Marking(QTranslator):
        """Translates every string of the contexts under test to «context|source»."""

        def translate(self, context, source, disambiguation=None, n=-1):
            return f"{context}|{source}" if context in ("HistoryModel", "ReportListModel", "backend") else ""

        def isEmpty(self) -> bool:
            return False

    marking = Marking()
    QCoreApplication.installTranslator(marking)
    try:
        heading = Qt.ItemDataRole.DisplayRole
        assert HistoryModel([]).headerData(0, Qt.Orientation.Horizontal, heading) == "HistoryModel|时间"
        assert (
            ReportListModel().headerData(3, Qt.Orientation.Horizontal, heading) == "ReportListModel|最后修改"
        )

        class Final:
            is_final = True

        assert status_label(Final()) == "backend|已定稿"
    finally:
        QCoreApplication.removeTranslator(marking)
    assert HistoryModel([]).headerData(0, Qt.Orientation.Horizontal, heading) == "时间"
