"""Tests that kill mutants which survived the rest of the suite (issue 15): each pins one decision that a
plausible one-token change would silently break."""

from __future__ import annotations

import pytest

from model.form import FORM_2021
from model.importer import tables
from model.output import sign
from model.prose import RULE_MISMATCH, check_prose
from model.report import Report

T3_APPLICANTS = [
    ("商业企业", "commercial"),
    ("科研机构", "research"),
    ("社会公益组织", "social_welfare"),
    ("法律服务机构", "legal_service"),
    ("自然人", "natural_person"),
]


def _report(prose: str, cells: dict) -> Report:
    values = dict.fromkeys(FORM_2021.cell_keys, 0)
    values.update(cells)
    return Report(text={"overview": prose}, cells=values)


@pytest.mark.parametrize(("word", "column"), T3_APPLICANTS)
def test_each_applicant_qualifier_picks_its_own_column(word, column):
    prose = f"今年新收到{word}提交的信息公开申请4件。"
    right = _report(prose, {f"t3.new.{column}": 4, "t3.new.total": 4})
    assert [f for f in check_prose(right) if f.rule == RULE_MISMATCH] == []
    # the same 4 applications in any other applicant column contradict the prose
    for _, other in T3_APPLICANTS:
        if other == column:
            continue
        wrong = _report(prose, {f"t3.new.{other}": 4, "t3.new.total": 4})
        (f,) = [f for f in check_prose(wrong) if f.rule == RULE_MISMATCH]
        assert f.cells == (f"t3.new.{column}",) and f.actual == 4 and f.expected == 0


def test_a_second_seal_sits_left_of_the_first_without_overlap():
    docinfo = {"/NianbaoSeal": "2 400 100 520 220"}
    first = sign._seal_box(docinfo, 0, 3)
    second = sign._seal_box(docinfo, 1, 3)
    assert first == (2, (400, round(100 - sign.TEXT_BAND), 520, 220))
    assert second is not None and second[0] == 2
    (_, (x1, y1, x2, y2)), (_, (a1, b1, a2, b2)) = first, second
    assert a2 <= x1 - sign.SEAL_GAP + 1  # to the left, a gap between them
    assert a2 - a1 == x2 - x1 and (b1, b2) == (y1, y2)  # same size, same height
    # no room left on the page: an invisible signature rather than a seal off the page
    assert sign._seal_box(docinfo, 4, 3) is None
    assert sign._seal_box(docinfo, 0, 2) is None  # the page no longer exists


def test_a_wrapped_labels_first_line_alone_names_its_row():
    targets = tables.row_targets(FORM_2021.table["t3"])
    partial = next(t for t in targets if t.row == "partial")
    first_line = "（二）部分公开（区分处"  # the label wraps after these words; the rest follows the values
    assert tables.score(first_line, partial) >= tables.THRESHOLD
    best = max(targets, key=lambda t: tables.score(first_line, t))
    assert best.row == "partial"
