"""Prose checks: regressions found on real published reports (synthetic sentences with each pattern)."""

from __future__ import annotations

from model.form import FORM_2021
from model.prose import RULE_MISMATCH, check_prose
from model.report import Report


def t3(row: str, col: str = "total") -> str:
    return f"t3.{row}.{col}"


def mismatches(overview: str, cells: dict) -> list:
    values = dict.fromkeys(FORM_2021.cell_keys, 0)
    values.update(cells)
    r = Report(text={"overview": overview}, cells=values)
    return [f for f in check_prose(r) if f.rule == RULE_MISMATCH]


# "予以公开答复12件": the result named with its reply is the result, not all replies (（七）总计)
REPLIES = "共答复申请20件。其中，予以公开答复12件，不予公开答复3件，无法提供答复5件。"
CELLS = {
    t3("new"): 20,
    t3("granted"): 12,
    t3("refused.state_secret"): 3,
    t3("unable.not_held"): 5,
    t3("total"): 20,
}


def test_a_result_named_with_its_reply_agrees_with_its_row():
    assert mismatches(REPLIES, CELLS) == []


def test_a_result_named_with_its_reply_that_differs_is_found():
    found = mismatches(REPLIES, {**CELLS, t3("granted"): 11, t3("unable.not_held"): 6})
    assert [(f.actual, f.expected) for f in found] == [(12, 11), (5, 6)]
    assert "予以公开答复12件" in found[0].message


def placeholders(overview: str) -> list:
    values = dict.fromkeys(FORM_2021.cell_keys, 0)
    r = Report(text={"overview": overview}, cells=values)
    return [f for f in check_prose(r) if f.rule == "prose.placeholder"]


def test_a_number_left_out_with_its_space_kept_is_a_placeholder():
    assert len(placeholders("全年共收到政府信息公开申请 件，办结\u3000件。")) == 2


def test_words_beginning_with_a_measure_word_are_not_placeholders():
    assert placeholders("增速达个位数。由个人提出的申请3件。共计个案3件。申请 3 件。") == []
