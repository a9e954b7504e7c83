"""Summaries across units and years (model/summary): batch import, the 汇总 summed in the database, notes,
the parent check, the units table, the comparison of years, chart figures, the ``summary`` command — on
SQLite and, when NIANBAO_TEST_PG_URL is set and reachable, on PostgreSQL."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from cli.main import main as cli_main
from model.findings import Severity
from model.form import FORM_2021
from model.report import Report
from model.sample import sample_report
from model.summary import (
    BIG_MIN,
    PARENT_RULE,
    cell_units,
    chart_data,
    check_parent,
    collect_files,
    compare,
    import_batch,
    organ_years,
    outcome_categories,
    parents,
    save_summary_text,
    summarize,
    summary_line,
    summary_organ,
    summary_years,
    sync_summary,
    unit_status,
    units_of,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PUBLISHED_TOWN = FIXTURES / "published" / "005_taiping-town_2022.txt"
PARENT = "示范县人民政府"
T3 = FORM_2021.table["t3"]
NEW_TOTAL = f"t3.{T3.rows[0].key}.{T3.columns[-1].key}"  # 一、本年新收 总计
NEW_NP = f"t3.{T3.rows[0].key}.{T3.columns[0].key}"
FEE = next(c.key for c in FORM_2021.cells.values() if c.kind.value == "amount")
RULES_ISSUED = FORM_2021.table["t2"].cells[0].key  # 规章 本年制发件数 ("/" is usual there)


def unit(i: int, year: int = 2024, **cells) -> Report:
    r = sample_report()
    r.agency = f"示范县第{i}局"
    r.year = year
    r.cells.update(cells)
    return r


def write(folder: Path, name: str, report: Report) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(report.to_json(), encoding="utf-8")
    return p


@pytest.fixture
def three_units(store, tmp_path):
    """Three units under PARENT for 2024: unit 2 leaves NEW_NP blank, all write "/" in 规章."""
    folder = tmp_path / "各单位报告"
    write(folder, "第0局.nianbao.json", unit(0, **{NEW_NP: 10}))
    write(folder, "第1局.nianbao.json", unit(1, **{NEW_NP: 5, FEE: Decimal("0.1234")}))
    write(folder, "第2局.nianbao.json", unit(2, **{NEW_NP: None}))
    items = import_batch(store, [folder], PARENT)
    assert [i.outcome for i in items] == ["imported"] * 3
    return store


# -------------------------------------------------------------------------------------------------
# batch import


def test_batch_import_folder_with_a_broken_file(store, tmp_path):
    folder = tmp_path / "报告 文件夹"
    write(folder, "甲单位.json", unit(1))
    write(folder, "乙单位.json", unit(2))
    (folder / "损坏.json").write_text('{"format": "gov-info-disclosure-annual-report", "cells": {', "utf-8")
    bad_value = unit(3).to_exchange()
    bad_value["cells"][NEW_NP] = "十二"
    (folder / "丙单位.json").write_text(json.dumps(bad_value, ensure_ascii=False), encoding="utf-8")
    (folder / "说明.pdf").write_bytes(b"%PDF-1.4")  # not a kind searched for
    (folder / "~$临时.json").write_text("x", encoding="utf-8")
    seen = []
    items = import_batch(store, [folder], PARENT, progress=lambda done, total, p: seen.append((done, total)))
    by_name = {i.path.name: i for i in items}
    assert set(by_name) == {"甲单位.json", "乙单位.json", "损坏.json", "丙单位.json"}
    assert by_name["甲单位.json"].outcome == "imported" and by_name["甲单位.json"].label == "已导入"
    assert by_name["损坏.json"].outcome == "failed" and "损坏" in by_name["损坏.json"].reason
    assert by_name["丙单位.json"].outcome == "failed" and "十二" in by_name["丙单位.json"].reason
    # nothing half-imported: the failed units do not exist at all
    assert "示范县第3局" not in {o.name for o in store.organs()}
    assert units_of(store, PARENT) == ["示范县第1局", "示范县第2局"]
    assert seen[0] == (0, 4) and seen[-1] == (4, 4)
    assert summary_line(items) == "已导入 2 份，替换 0 份，失败 2 份"


def test_batch_import_replaces_a_draft_refuses_a_final_and_duplicates(store, tmp_path):
    write(tmp_path / "a", "第1局.json", unit(1, **{NEW_NP: 1}))
    write(tmp_path / "a", "第2局.json", unit(2))
    assert all(i.ok for i in import_batch(store, [tmp_path / "a"], PARENT))
    info = store.find("示范县第2局", 2024)
    store.finalize(info.id)
    write(tmp_path / "b", "第1局-改.json", unit(1, **{NEW_NP: 7}))
    write(tmp_path / "b", "第1局-又改.json", unit(1, **{NEW_NP: 8}))
    write(tmp_path / "b", "第2局.json", unit(2, **{NEW_NP: 9}))
    items = import_batch(store, sorted((tmp_path / "b").iterdir()), PARENT)
    by_name = {i.path.name: i for i in items}
    assert by_name["第1局-又改.json"].outcome == "replaced"
    assert (
        by_name["第1局-改.json"].outcome == "failed" and "同一单位同一年度" in by_name["第1局-改.json"].reason
    )
    assert by_name["第2局.json"].outcome == "failed" and "已定稿" in by_name["第2局.json"].reason
    report, _ = store.load(store.find("示范县第1局", 2024).id)
    assert report.cells[NEW_NP] == 8
    assert store.load(info.id)[0].cells[NEW_NP] != 9


def test_batch_import_published_report_unknown_agency_and_year(store, tmp_path):
    folder = tmp_path / "网页"
    shutil.copy(PUBLISHED_TOWN, folder.mkdir() or folder / PUBLISHED_TOWN.name)
    no_agency = unit(5)
    no_agency.agency = ""
    write(folder, "无名.json", no_agency)
    no_year = unit(6)
    no_year.year = None
    write(folder, "无年度.json", no_year)
    items = {i.path.name: i for i in import_batch(store, [folder], PARENT)}
    town = items[PUBLISHED_TOWN.name]
    assert town.outcome == "imported" and (town.organ, town.year) == ("太平镇人民政府", 2022)
    assert "机关名称" in items["无名.json"].reason
    assert "年度" in items["无年度.json"].reason and items["无年度.json"].outcome == "failed"
    # with a year given, a file that does not say its year is taken for that year
    items = {i.path.name: i for i in import_batch(store, [folder / "无年度.json"], PARENT, year=2023)}
    assert items["无年度.json"].outcome == "imported" and store.find("示范县第6局", 2023) is not None


def test_unit_of_another_parent_is_not_moved(store, tmp_path):
    store.ensure_organ("示范县第1局", parent="别的县人民政府")
    items = import_batch(store, [write(tmp_path, "x.json", unit(1))], PARENT)
    assert items[0].outcome == "failed" and "别的县人民政府" in items[0].reason
    assert store.find("示范县第1局", 2024) is None


def test_collect_files_keeps_order_and_skips_duplicates(tmp_path):
    a = write(tmp_path / "f", "b.json", unit(1))
    write(tmp_path / "f" / "子目录", "a.txt", unit(2))
    got = collect_files([tmp_path / "f", a])
    assert [p.name for p in got] == ["b.json", "a.txt"] or [p.name for p in got] == ["a.txt", "b.json"]
    assert len(got) == 2


# -------------------------------------------------------------------------------------------------
# the summary


def test_summary_sums_every_cell_and_notes_slash_and_blank(three_units):
    s = summarize(three_units, PARENT, 2024)
    base = sample_report()
    assert s.units == ["示范县第0局", "示范县第1局", "示范县第2局"] and s.missing == []
    assert s.report.cells[NEW_NP] == 15  # the blank counts nothing
    assert s.report.cells[FEE] == base.cells[FEE] * 2 + Decimal("0.1234")
    # every other numeric cell is three times the sample
    for key in FORM_2021.cell_keys:
        v = base.cells.get(key)
        if key in (NEW_NP, FEE) or not isinstance(v, int):
            continue
        assert s.report.cells[key] == 3 * v, key
    assert base.cells[RULES_ISSUED] == "/" and s.report.cells[RULES_ISSUED] == "/"
    assert s.note(RULES_ISSUED) == "3 个单位填“/”"
    assert s.note(NEW_NP) == "1 个单位空白"
    assert s.note(NEW_TOTAL) == ""
    assert "自动汇总" in s.banner and "计算值" in s.banner
    assert cell_units(three_units, PARENT, 2024, NEW_NP) == {"slash": [], "blank": ["示范县第2局"]}
    assert s.report.to_exchange()["cells"][FEE] == float(s.report.cells[FEE])
    assert Report.from_json(s.report.to_json()).cells[NEW_NP] == 15


def test_summary_follows_a_unit_change_and_keeps_its_prose(three_units):
    store = three_units
    save_summary_text(store, PARENT, 2024, "overview", "全县共收到申请若干件。")
    rid = store.find("示范县第1局", 2024).id
    store.set_cell(rid, NEW_NP, 105)
    s = summarize(store, PARENT, 2024)
    assert s.report.cells[NEW_NP] == 115
    assert s.report.text["overview"] == "全县共收到申请若干件。"
    # the record of the prose is no unit, and the parent is the only organ with units
    assert summary_organ(PARENT) not in units_of(store, PARENT) and parents(store) == [PARENT]
    synced = sync_summary(store, PARENT, 2024)
    stored, _ = store.load(synced.record_id)
    assert stored.cells[NEW_NP] == 115 and stored.text["overview"] == "全县共收到申请若干件。"
    store.set_cell(rid, NEW_NP, 5)
    assert store.load(sync_summary(store, PARENT, 2024).record_id)[0].cells[NEW_NP] == 15
    # the summary's record is not summed into the grand totals of the parent's units
    assert summarize(store, PARENT, 2024).report.cells[NEW_NP] == 15


def test_summary_missing_units_and_other_years(three_units):
    store = three_units
    store.ensure_organ("示范县第9局", parent=PARENT)
    store.save_report(unit(0, 2023, **{NEW_NP: 1}))
    s = summarize(store, PARENT, 2024)
    assert s.missing == ["示范县第9局"] and "1 个单位尚未报送" in s.banner
    years = summary_years(store, PARENT)
    assert sorted(years) == [2023, 2024] and years[2023].report.cells[NEW_NP] == 1
    assert years[2023].units == ["示范县第0局"]


def test_check_parent_own_figures(three_units):
    store = three_units
    own = sample_report()
    own.agency = PARENT
    s = summarize(store, PARENT, 2024)
    own.cells = {k: v for k, v in s.report.cells.items()}
    own.cells[NEW_TOTAL] = s.report.cells[NEW_TOTAL] - 2  # less than the units: cannot be their total
    own.cells[NEW_NP] = 20  # more: may include its own cases
    own.cells[FEE] = None  # not reported: not compared
    own.explanations = []
    store.save_report(own)
    findings = {f.cells[0]: f for f in check_parent(store, PARENT, 2024)}
    assert set(findings) == {NEW_TOTAL, NEW_NP}
    assert findings[NEW_TOTAL].severity is Severity.WARNING and findings[NEW_TOTAL].rule == PARENT_RULE
    assert findings[NEW_TOTAL].expected == s.report.cells[NEW_TOTAL] and "少 2" in findings[NEW_TOTAL].message
    assert findings[NEW_NP].severity is Severity.HINT and "多 5" in findings[NEW_NP].message
    assert findings[NEW_TOTAL].explainable
    assert check_parent(store, PARENT, 2024, as_total=False)[0].cells == ()


def test_check_parent_own_figures_only(three_units):
    """A parent whose report holds only its own cases (below the sums almost everywhere): one hint."""
    own = sample_report()
    own.agency = PARENT
    three_units.save_report(own)
    findings = check_parent(three_units, PARENT, 2024)
    assert len(findings) == 1 and findings[0].severity is Severity.HINT and "自身" in findings[0].message
    assert findings[0].extra["below"] > findings[0].extra["compared"] / 2
    assert len(check_parent(three_units, PARENT, 2024, as_total=True)) > 10


def test_unit_status_table(three_units):
    store = three_units
    store.ensure_organ("示范县第9局", parent=PARENT)
    store.save_report(unit(3))
    store.save_report(unit(4))
    store.ensure_organ("示范县第3局", parent=PARENT)
    store.ensure_organ("示范县第4局", parent=PARENT)
    store.finalize(store.find("示范县第3局", 2024).id)
    # units 0–2 changed 一、本年新收 自然人 without its totals → errors
    table = {u.organ: u for u in unit_status(store, PARENT, 2024)}
    assert (
        table["示范县第9局"].state_label == "未报送" and table["示范县第9局"].remark == "尚未报送本年度报告"
    )
    assert table["示范县第3局"].state_label == "已定稿" and not table["示范县第3局"].needs_chasing
    assert table["示范县第4局"].state == "draft" and table["示范县第4局"].remark == "尚未定稿"
    assert table["示范县第4局"].errors == 0 and table["示范县第4局"].needs_chasing
    assert table["示范县第2局"].errors > 0 and table["示范县第2局"].remark.startswith("有 ")
    assert "总计" in table["示范县第2局"].first_error
    order = [u.organ for u in unit_status(store, PARENT, 2024)]
    assert order == ["示范县第9局", "示范县第0局", "示范县第1局", "示范县第2局", "示范县第4局", "示范县第3局"]
    assert [u.errors for u in unit_status(store, PARENT, 2024, check=False)] == [0] * 6


# -------------------------------------------------------------------------------------------------
# comparison and charts


def test_compare_change_percentage_and_big_changes():
    last, this = sample_report(), sample_report()
    last.year = 2023
    this.cells[NEW_NP] = last.cells[NEW_NP] * 2  # +100 %
    this.cells[FEE] = last.cells[FEE] + Decimal("0.0001")  # tiny
    c = compare({2023: last, 2024: this})
    lines = {line.key: line for line in c.lines}
    assert c.years == [2023, 2024] and not c.identical
    assert lines[NEW_NP].change == last.cells[NEW_NP] and lines[NEW_NP].pct == pytest.approx(100.0)
    assert (
        lines[NEW_NP].big
        and lines[NEW_NP].pct_text == "+100.0%"
        and lines[NEW_NP].change_text.startswith("+")
    )
    assert not lines[FEE].big and lines[FEE].change == Decimal("0.0001")
    assert lines[RULES_ISSUED].change is None and lines[RULES_ISSUED].pct_text == ""
    assert [line.key for line in c.big] == [k for k in FORM_2021.cell_keys if lines[k].big]


def test_compare_from_zero_and_identical_years():
    last, this = sample_report(), sample_report()
    last.year = 2023
    c = compare({2023: last, 2024: this})
    assert c.identical and any("完全相同" in f.message for f in c.findings)
    zero_key = next(k for k, v in last.cells.items() if v == 0)
    this.cells[zero_key] = BIG_MIN
    c = compare({2023: last, 2024: this})
    line = next(line for line in c.lines if line.key == zero_key)
    assert line.pct is None and line.pct_text == "新增" and line.big and not c.identical
    this.cells[zero_key] = BIG_MIN - 1
    assert not next(x for x in compare({2023: last, 2024: this}).lines if x.key == zero_key).big


def test_compare_three_years_of_an_organ_in_the_store(store):
    for y, n in ((2022, 4), (2023, 8), (2024, 8)):
        store.save_report(unit(1, y, **{NEW_NP: n}))
    years = organ_years(store, "示范县第1局")
    c = compare(years, span=3)
    assert c.years == [2022, 2023, 2024]
    line = next(x for x in c.lines if x.key == NEW_NP)
    assert line.values == [4, 8, 8] and line.change == 0 and line.pct == 0.0
    c = compare(years, year=2023)
    assert c.year == 2023 and next(x for x in c.lines if x.key == NEW_NP).change == 4
    with pytest.raises(ValueError):
        compare(years, year=2030)


def test_chart_data_from_the_form():
    a, b = sample_report(), sample_report()
    b.cells[NEW_TOTAL] = 99
    d = chart_data({2023: a, 2024: b})
    assert d.years == [2023, 2024] and d.applications == [a.cells[NEW_TOTAL], 99]
    labels = [s.label for s in d.outcomes]
    assert labels[0].startswith("（一）") and labels[-1].startswith("（六）") and len(labels) == 6
    # the outcomes add up to （七）总计
    total_key = f"t3.{T3.rows[-2].key}.{T3.columns[-1].key}"
    assert sum(s.values[0] for s in d.outcomes) == a.cells[total_key]
    assert sum(share for _, share in d.shares()) == pytest.approx(1.0)
    review = FORM_2021.table["t4"].cells[4].key  # 行政复议 总计
    assert d.appeals[0].values[0] == a.cells[review] and d.appeals[0].label == "行政复议"
    covered = {r for _, rows in outcome_categories() for r in rows}
    assert len(covered) == len([r for r in T3.rows if r.group]) - 1  # every outcome row but （七）总计


# -------------------------------------------------------------------------------------------------
# the command


def test_summary_command(three_units, db_url, tmp_path, capsys):
    out = tmp_path / "输出" / "汇总.json"
    out.parent.mkdir()
    three_units.close()
    assert cli_main(["--db", db_url, "summary", PARENT, "2024"]) == 0
    printed = capsys.readouterr()
    data = json.loads(printed.out)
    assert data["agency"] == PARENT and data["year"] == 2024 and data["cells"][NEW_NP] == 15
    assert "已汇总 3 个单位" in printed.err
    assert cli_main(["--db", db_url, "summary", PARENT, "2024", "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["cells"][NEW_NP] == 15
    assert capsys.readouterr().out == ""
    assert cli_main(["--db", db_url, "summary", "没有这个机关", "2024"]) == 2
    err = capsys.readouterr().err
    assert "没有机关" in err and "Traceback" not in err
    assert cli_main(["--db", db_url, "summary", "示范县第1局", "2024"]) == 2
    assert "没有所属单位" in capsys.readouterr().err


def test_summary_command_into_a_missing_folder_is_refused(three_units, db_url, tmp_path, capsys):
    three_units.close()
    out = tmp_path / "没有的文件夹" / "汇总.json"
    assert cli_main(["--db", db_url, "summary", PARENT, "2024", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "输出文件夹不存在" in err and str(out.parent) in err
    assert not out.parent.exists()


# -------------------------------------------------------------------------------------------------
# two windows on one summary's prose


def test_a_stale_prose_save_is_a_conflict_not_a_lost_update(three_units):
    from model.store import ConflictError

    store = three_units
    save_summary_text(store, PARENT, 2024, "overview", "第一稿。")
    a = summarize(store, PARENT, 2024)  # window A
    b = summarize(store, PARENT, 2024)  # window B
    assert a.record_version == b.record_version is not None
    version = save_summary_text(store, PARENT, 2024, "overview", "A 的修改。", a.record_version, "第一稿。")
    assert version == a.record_version + 1
    with pytest.raises(ConflictError, match="已被其他窗口或其他用户修改"):
        save_summary_text(store, PARENT, 2024, "overview", "B 的修改。", b.record_version, "第一稿。")
    assert summarize(store, PARENT, 2024).report.text["overview"] == "A 的修改。"
    # another section B has not seen changed either: without what it saw, the version decides
    with pytest.raises(ConflictError):
        save_summary_text(store, PARENT, 2024, "other", "B 的其他。", b.record_version)
    # only the computed cells were re-synced since B read it: its prose is saved
    c = summarize(store, PARENT, 2024)
    store.set_cell(store.find("示范县第1局", 2024).id, NEW_NP, 105)
    sync_summary(store, PARENT, 2024)
    new = save_summary_text(store, PARENT, 2024, "problems", "C 的问题。", c.record_version, "")
    assert new > c.record_version + 1
    assert summarize(store, PARENT, 2024).report.text["problems"] == "C 的问题。"


def test_a_summary_record_is_resynced_from_its_units(three_units):
    from model.summary import resync_record, summary_parent

    store = three_units
    rid = sync_summary(store, PARENT, 2024).record_id
    assert summary_parent(store, rid) == PARENT
    unit_id = store.find("示范县第1局", 2024).id
    assert summary_parent(store, unit_id) is None and resync_record(store, unit_id) is False
    assert resync_record(store, rid) is False  # nothing changed
    store.set_cell(unit_id, NEW_NP, 105)
    assert resync_record(store, rid) is True
    assert store.load(rid)[0].cells[NEW_NP] == 115


def test_a_record_made_by_another_window_since_is_checked_too(three_units):
    from model.store import ConflictError

    store = three_units
    # A and B both saw no record (version 0); A saves first and makes it
    first = save_summary_text(store, PARENT, 2024, "overview", "A 的概况。", 0, "")
    assert first >= 1
    with pytest.raises(ConflictError):
        save_summary_text(store, PARENT, 2024, "overview", "B 的概况。", 0, "")
    # a section A did not write is still as B saw it (empty): B's text is saved
    assert save_summary_text(store, PARENT, 2024, "problems", "B 的问题。", 0, "") > first
    text = summarize(store, PARENT, 2024).report.text
    assert text["overview"] == "A 的概况。" and text["problems"] == "B 的问题。"
