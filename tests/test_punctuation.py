"""Half-width punctuation in Chinese prose (“2024年,我办”): a hint with a one-click fix, applied as an
undoable edit in the window; never changed silently (not on import, not on export)."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from model.findings import Severity
from model.importer import import_file, import_text
from model.punctuation import RULE, apply_fix, find_ascii_punctuation, punctuation_findings
from model.rules import check
from model.sample import sample_report

FIXTURES = Path(__file__).parent / "fixtures"


def test_marks_next_to_chinese_are_found_and_nothing_else():
    text = "2024年,我办共公开1,236条; 时间9:00, 见http://a.b/c?x=1! (一)主动公开(以下简称《条例》). 1.属于"
    found = [(old, new) for _, _, old, new in find_ascii_punctuation(text)]
    assert found == [
        (",", "，"),
        ("; ", "；"),
        (", ", "，"),
        ("(", "（"),
        (")", "）"),
        ("(", "（"),
        (")", "）"),
    ]


def test_one_hint_a_section_with_the_fix():
    r = sample_report()
    r.text["overview"] = "2024年,我办认真贯彻《条例》(以下简称条例)要求;全年公开信息12条。"
    r.text["other"] = "无。"
    findings = [f for f in check(r) if f.rule == RULE]
    assert len(findings) == 1
    f = findings[0]
    assert f.severity is Severity.HINT and f.text.section == "overview" and not f.explainable
    assert r.text["overview"][f.text.start : f.text.end] == ","
    assert "4 处" in f.message and "一键改正" in f.message and "2024年,我办" in f.message
    section, fixed = apply_fix(r, f)
    assert section == "overview"
    assert fixed == "2024年，我办认真贯彻《条例》（以下简称条例）要求；全年公开信息12条。"
    assert r.text["overview"].startswith("2024年,")  # the report itself is not changed by the check
    r.text["overview"] = fixed
    assert punctuation_findings(r) == []


def test_a_fix_for_text_that_changed_since_is_refused():
    r = sample_report()
    r.text["problems"] = "一是解读形式单一,二是答复不够规范。"
    (f,) = punctuation_findings(r)
    r.text["problems"] = "一是解读形式单一;二是答复不够规范。"
    assert apply_fix(r, f) is None


def test_import_keeps_the_source_punctuation():
    report = import_file(FIXTURES / "published" / "005_taiping-town_2022.txt").report
    assert "2022年,太平镇" in report.text["overview"]  # never changed silently
    hints = [f for f in check(report) if f.rule == RULE]
    assert [h.text.section for h in hints] == ["overview"]
    _, fixed = apply_fix(report, hints[0])
    assert "2022年，太平镇" in fixed and find_ascii_punctuation(fixed) == []


def test_clean_reports_have_no_hint():
    assert punctuation_findings(sample_report()) == []
    text = "一、总体情况\n2024年，我办公开信息12条。\n五、存在的主要问题及改进情况\n无。\n"
    assert punctuation_findings(import_text(text).report) == []


# -------------------------------------------------------------------------------------------------
# the window: the findings panel's 一键改正


def test_findings_panel_fixes_in_one_undoable_step(qtbot, tmp_path):
    pytest.importorskip("pytestqt")
    from PySide6.QtCore import QSettings, Qt

    from gui.main_window import MainWindow
    from gui.settings import Settings
    from model.store import Store, sqlite_url

    store = Store.open(sqlite_url(tmp_path / "年报.db"))
    w = MainWindow(store, Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)))
    qtbot.addWidget(w)
    try:
        r = sample_report()
        before = "2024年,我办认真贯彻《条例》(以下简称条例)要求。"
        r.text["overview"] = before
        info = store.save_report(r)
        assert w.open_report(info.id)
        doc, panel = w.doc, w.view.findings
        assert not panel.fix_button.isEnabled()
        row = next(i for i, f in enumerate(panel.model.findings) if f.rule == RULE)
        panel.view.setCurrentIndex(panel.model.index(row, 2))
        assert panel.fix_button.isEnabled()
        steps = doc.undo_stack.count()
        qtbot.mouseClick(panel.fix_button, Qt.MouseButton.LeftButton)
        after = "2024年，我办认真贯彻《条例》（以下简称条例）要求。"
        assert doc.report.text["overview"] == after
        assert w.view.pages["overview"].edit.toPlainText() == after
        assert store.load(info.id)[0].text["overview"] == after  # saved at once
        assert doc.undo_stack.count() == steps + 1
        assert not any(f.rule == RULE for f in doc.findings)
        w.act_undo.trigger()
        assert doc.report.text["overview"] == before
        assert store.load(info.id)[0].text["overview"] == before
        doc.flush()
        assert any(f.rule == RULE for f in doc.findings)
    finally:
        if w.doc is not None:
            w.close_report()
        store.close()


def test_full_stops_and_straight_quotes():
    text = '我县努力让政务信息"看得懂、用得上".全年公开1.5万条.\n1.属于国家秘密 见"Word"文件'
    fixed = "".join(piece for piece in _apply(text, find_ascii_punctuation(text)))
    assert fixed == "我县努力让政务信息“看得懂、用得上”。全年公开1.5万条。\n1.属于国家秘密 见“Word”文件"
    assert find_ascii_punctuation('版本号 "v1.2" 见 a.b') == []


def _apply(text, edits):
    pos = 0
    for start, end, old, new in edits:
        assert text[start:end] == old
        yield text[pos:start]
        yield new
        pos = end
    yield text[pos:]


def test_a_chinese_numeral_heading_with_a_full_stop_becomes_a_dun_comma():
    """“一.总体情况” is a heading number: its fix is “一、总体情况”, not “一。总体情况”."""
    text = "一.总体情况\n  二十.其他\n我们推进第一.今年"
    edits = find_ascii_punctuation(text)
    assert [(old, new) for _s, _e, old, new in edits] == [(".", "、"), (".", "、"), (".", "。")]


def test_the_hint_names_the_replacements_it_makes_without_a_double_full_stop():
    r = sample_report()
    r.text["overview"] = "2024年,我办受理申请.\n一.总体情况"
    (f,) = [f for f in punctuation_findings(r)]
    assert "。。" not in f.message
    assert "“，。、”" in f.message  # what 一键改正 writes, in the order of the marks found
