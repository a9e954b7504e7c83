"""A draft made by mistake is deleted recoverably (issue 13, item 17), on SQLite and PostgreSQL: it leaves
every list, its organ and year are free again, it cannot be edited, and it comes back with its content
and its history."""

from __future__ import annotations

import pytest

from model.store import StoreError

ORGAN = "示范县人民政府办公室"


def test_a_deleted_draft_is_gone_from_the_lists_and_comes_back(store):
    info = store.new_year(ORGAN, 2024)
    store.set_cells(info.id, {"t3.new.natural_person": 3})
    version = store.discard_draft(info.id, expected_version=store.info(info.id).version)
    assert [i.id for i in store.reports()] == []
    assert store.find(ORGAN, 2024) is None
    [gone] = store.deleted_reports()
    assert (gone.id, gone.organ, gone.year) == (info.id, ORGAN, 2024)
    with pytest.raises(StoreError):
        store.set_cells(info.id, {"t3.new.natural_person": 4})
    # the organ and year are free: a new report is made for them; bringing the old one back is refused then
    again = store.new_year(ORGAN, 2024)
    with pytest.raises(StoreError, match="已经有一份报告"):
        store.undelete(info.id)
    store.discard_draft(again.id)
    back = store.undelete(info.id)
    assert back.year == 2024 and back.status == "draft" and back.version == version + 1
    assert store.find(ORGAN, 2024).id == info.id
    report, _ = store.load(info.id)
    assert report.get("t3.new.natural_person") == 3
    status = [(r.old, r.new) for r in store.history(info.id) if r.what == "status"]
    assert status == [("draft", "deleted"), ("deleted", "draft")]
    assert [i.id for i in store.deleted_reports()] == [again.id]


def test_a_final_report_is_not_deleted(store):
    info = store.new_year(ORGAN, 2023)
    from model.fill import zero_blanks

    report, _ = store.load(info.id)
    store.set_cells(info.id, zero_blanks(report))
    store.set_meta(info.id, date="2024-01-20")
    store.finalize(info.id)
    with pytest.raises(StoreError):
        store.discard_draft(info.id)
    assert store.find(ORGAN, 2023) is not None


def test_carried_over_prose_figures_are_flagged_with_their_spans(store):
    """Issue 13, item 7: 新建 with last year's text: “2024年度…4件” in the 2025 report is flagged."""
    from model.rules import check

    last = store.new_year(ORGAN, 2024)
    store.set_text(last.id, "overview", "2024年度，本机关共收到政府信息公开申请4件。全年发布信息120条。")
    this = store.new_year(ORGAN, 2025, copy_prose=True)
    report, _ = store.load(this.id)
    report.text["overview"] = report.text["overview"].replace("全年发布信息120条", "全年发布信息150条")
    findings = [f for f in check(report, store.previous_report(this.id)) if f.rule == "prose.carried_over"]
    text = report.text["overview"]
    assert sorted(text[f.text.start : f.text.end] for f in findings) == ["2024", "4"]
    assert all(f.severity.value == "warning" and f.explainable for f in findings)
    assert "2024年度报告一字不差" in findings[0].message
