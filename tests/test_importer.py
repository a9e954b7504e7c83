"""The importer: published reports (text, HTML, .docx, exchange JSON) → report; and the text renderer."""

from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from model.form import FORM_2019, FORM_2021
from model.importer import import_bytes, import_file, import_text
from model.output.text import render_text
from model.report import Report, ReportError

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
PUBLISHED_LOCAL = FIXTURES / "published"
#: 015, 016 and 021 are read only from ../shared (never committed)
PUBLISHED_SHARED = ROOT.parent / "shared" / "fixtures" / "published"
FIXTURE_000 = FIXTURES / "000_e8e20449add4641b.txt"

T3 = FORM_2021.table["t3"]
T3_COLS = [c.key for c in T3.columns]


def same(a, b) -> bool:
    if a is None or b is None or isinstance(a, str) or isinstance(b, str):
        return a == b
    return Decimal(str(a)) == Decimal(str(b))


def check_expected(txt: Path, expected: Path) -> tuple[int, int, list[str]]:
    """(cells read right, cells expected, keys read wrong)."""
    exp = json.loads(expected.read_text(encoding="utf-8"))
    result = import_file(txt)
    got = result.report.cells
    right = [k for k, v in exp["cells"].items() if got.get(k) is not None and same(got[k], v)]
    wrong = [k for k, v in exp["cells"].items() if got.get(k) is not None and not same(got[k], v)]
    return len(right), len(exp["cells"]), wrong


def row(key: str, values) -> dict[str, object]:
    return {f"t3.{key}.{c}": v for c, v in zip(T3_COLS, values, strict=True)}


# --------------------------------------------------------------------------------------------------
# the fixture of the issue


def _assert_000(result) -> None:
    r = result.report
    assert r.year == 2024
    assert r.agency == ""
    assert r.template == "2021"
    expected = {k: 0 for k in FORM_2021.cell_keys}
    expected.update(row("new", [3, 1, 0, 0, 0, 0, 4]))
    expected.update(row("granted", [2, 1, 0, 0, 0, 0, 3]))
    expected.update(row("unable.not_held", [1, 0, 0, 0, 0, 0, 1]))
    # （七）总计 is printed all 0 (wrong, but as printed)
    expected.update(row("total", [0] * 7))
    assert r.cells == expected
    assert r.text["overview"].startswith("(一)主动公开。2024年,我办")
    assert "由个压缩至10个" in r.text["overview"]
    assert r.text["overview"].endswith("推动政务公开工作规范化、制度化、常态化发展。")
    assert r.text["problems"].startswith("2024年,我办政府信息公开工作稳步推进")
    assert r.text["other"] == "2024年,我单位未收取政府信息公开处理费。"
    assert result.missing == []


def test_fixture_000_utf8():
    _assert_000(import_file(FIXTURE_000))


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("gbk"),
        lambda t: t.replace("\n", "\r\n").encode("gbk"),
        lambda t: t.encode("gb18030"),
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
        lambda t: t.replace("\n", "\r\n").encode("utf-16"),
    ],
    ids=["gbk", "gbk-crlf", "gb18030", "utf8-bom", "utf16"],
)
def test_fixture_000_other_encodings(tmp_path, encode):
    text = FIXTURE_000.read_text(encoding="utf-8")
    path = tmp_path / "渭滨区年报.txt"
    path.write_bytes(encode(text))
    result = import_file(path)
    _assert_000(result)
    assert result.report.to_exchange() == import_file(FIXTURE_000).report.to_exchange()


# --------------------------------------------------------------------------------------------------
# published fixtures with their expected cells

LOCAL = sorted(p for p in PUBLISHED_LOCAL.glob("*.txt"))
SHARED_NAMES = (
    "015_huaian-hongze-district-gov_2023",
    "016_huaian-hongze-district-gov_2024",
    "021_huaian-city-gov_2024",
)


@pytest.mark.parametrize("path", LOCAL, ids=[p.stem for p in LOCAL])
def test_published_local(path):
    expected = path.with_name(path.stem + ".expected.json")
    right, total, wrong = check_expected(path, expected)
    assert wrong == []
    assert right == total
    exp = json.loads(expected.read_text(encoding="utf-8"))
    assert import_file(path).report.year == exp["year"]


def _shared(name: str) -> Path:
    path = PUBLISHED_SHARED / f"{name}.txt"
    if not path.exists():
        pytest.skip(f"{path} is absent: 015/016/021 are read only from ../shared/fixtures/published")
    return path


@pytest.mark.parametrize("name", SHARED_NAMES)
def test_published_shared_layout(name):
    path = _shared(name)
    expected = path.with_name(name + ".expected.json")
    right, total, wrong = check_expected(path, expected)
    assert wrong == []
    assert right == total
    report = import_file(path).report
    assert report.year == json.loads(expected.read_text(encoding="utf-8"))["year"]
    assert report.template == "2021"


#: cells read from the pdftotext-without-layout versions (the column-wise dump of the tables): at least
_PLAIN_AT_LEAST = {
    "015_huaian-hongze-district-gov_2023": 53,
    "016_huaian-hongze-district-gov_2024": 53,
    "021_huaian-city-gov_2024": 185,
}


@pytest.mark.parametrize("name", SHARED_NAMES)
def test_published_shared_plain(name):
    path = _shared(name).with_name(name + "_plain.txt")
    if not path.exists():
        pytest.skip(f"{path} is absent")
    right, total, wrong = check_expected(path, path.with_name(name + ".expected.json"))
    assert wrong == [], "a cell read from the plain text must never be wrong"
    assert right >= _PLAIN_AT_LEAST[name]


def test_shared_015_single_other_handling_row():
    report = import_file(_shared("015_huaian-hongze-district-gov_2023")).report
    assert report.template == "2021"
    assert report.cells["t3.other_handling.other.total"] == 0
    assert report.cells["t3.other_handling.no_correction.total"] is None
    assert report.cells["t3.other_handling.no_fee.natural_person"] is None
    assert report.agency == "洪泽区人民政府"
    assert "2023 年，洪泽区人民政府坚持" in report.text["overview"]
    assert "-1-" not in report.text["overview"]
    # wrapped lines of a paragraph are joined
    assert "始终将政务公开工作摆在重要位置" in report.text["overview"]


def test_shared_021_meta():
    report = import_file(_shared("021_huaian-city-gov_2024")).report
    assert report.agency == "淮安市人民政府"
    assert report.title == "淮安市人民政府2024年政府信息公开工作年度报告"
    assert report.date is None
    assert "全年收取政府信息公开信息处理费 3940 元" in report.text["other"]


def test_cut_off_rows_are_not_guessed():
    report = import_file(PUBLISHED_LOCAL / "002_longgang-district-dept_2024.txt").report
    # "7.属于行政执法案卷 | 0 | 0 | 0 | 0 | 0 | 0 |" — six of seven cells, then the page ends
    assert all(report.cells[f"t3.refused.enforcement_file.{c}"] is None for c in T3_COLS)
    assert report.cells["t3.refused.process_info.total"] == 0
    assert all(v is None for k, v in report.cells.items() if k.startswith("t4."))
    result = import_file(PUBLISHED_LOCAL / "009_xuwen-county-justice-bureau_unknown.txt")
    assert result.report.year is None
    assert result.report.cells["t3.refused.process_info.total"] is None
    assert any(n.startswith("表四") for n in result.missing)
    assert any("（三）6.属于四类过程性信息" in n for n in result.missing)


def test_blank_parts_of_a_printed_total_are_zero():
    # 009: "一、本年新收… | 0 | | | | | | 0 |"
    report = import_file(PUBLISHED_LOCAL / "009_xuwen-county-justice-bureau_unknown.txt").report
    assert [report.cells[f"t3.new.{c}"] for c in T3_COLS] == [0] * 7


def test_markdown_fixture_017():
    result = import_file(PUBLISHED_LOCAL / "017_shuyang-county-gov_2025.txt")
    r = result.report
    assert (r.year, r.agency, r.date) == (2025, "沐阳县人民政府", "2026-01-23")
    assert r.cells["t2.fees.amount"] == Decimal("4068.208")
    assert r.text["problems"].startswith("2025 年，我县县政府信息公开工作")
    assert r.text["other"].endswith("收取380元。")  # the signature below it is not prose
    assert "系统化推进主动公开" in r.text["overview"] and "###" not in r.text["overview"]


# --------------------------------------------------------------------------------------------------
# manglings, each a small synthetic case


def t3_text(rows: list[str], head: str = "三、收到和处理政府信息公开申请情况") -> str:
    return "\n".join(
        ["一、总体情况", "2023年,我局认真落实条例。", head, *rows, "五、存在的主要问题及改进情况", "无。"]
    )


def test_pipe_rows_with_padding_and_lone_bars():
    text = t3_text(
        [
            "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | 申请人情况 | ||||",
            "自然人 | 法人或其他组织 | 总计 | |||",
            "|",
            "一、本年新收政府信息公开申请数量 | 5 | 1 | 0 | 0 | 0 | 0 | 6 | ||",
            "| |||",
            "二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        ]
    )
    cells = import_text(text).report.cells
    assert [cells[f"t3.new.{c}"] for c in T3_COLS] == [5, 1, 0, 0, 0, 0, 6]
    assert [cells[f"t3.carried_in.{c}"] for c in T3_COLS] == [0] * 7


def test_cells_separated_by_blank_lines_only():
    values = ["3", "0", "0", "0", "1", "0", "4"]
    text = t3_text(["", "一、本年新收政府信息公开申请数量", "", *sum(([v, ""] for v in values), [])])
    assert [import_text(text).report.cells[f"t3.new.{c}"] for c in T3_COLS] == [3, 0, 0, 0, 1, 0, 4]


def test_group_labels_glued_and_leading_empty_cells():
    text = t3_text(
        [
            "三、本年度办理结果 | (一)予以公开 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |",
            "| (二)部分公开(区分处理的,只计这一情形,不计其他情形) | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
            "| (三)不予公开 | 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
            "| | 2.其他法律行政法规禁止公开 | 4 | 0 | 0 | 0 | 0 | 0 | 4 |",
        ]
    )
    c = import_text(text).report.cells
    assert c["t3.granted.total"] == 2 and c["t3.partial.natural_person"] == 1
    assert c["t3.refused.state_secret.total"] == 0 and c["t3.refused.law_prohibited.total"] == 4


def test_split_labels_one_character_per_line_header_and_quotes():
    text = t3_text(
        [
            "自",
            "然",
            "人",
            "商业",
            "企业",
            "科研",
            "机构",
            "(三)",
            "不予公开",
            "3.危及三安全",
            "一稳定",  # quotes missing, label split
            "1 | 0 | 0 | 0 | 0 | 0 | 1 |",
            "4.保护第三方合法 权益 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |",
            "(六)其他处理 | 1.申请人无正当理由逾期不补正,行政机关不再处理其政府信息公开申请 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
            "2．申请人逾期未按收费通知要求缴纳费用，行政机关不再处理其政府信息公开申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        ]
    )
    c = import_text(text).report.cells
    assert c["t3.refused.security_stability.natural_person"] == 1
    assert c["t3.refused.third_party.total"] == 2
    assert c["t3.other_handling.no_correction.total"] == 1
    assert c["t3.other_handling.no_fee.total"] == 0


def test_blank_slash_and_dash_cells():
    text = t3_text(
        [
            "一、本年新收政府信息公开申请数量 | 2 | | - | | | | 2 |",  # parts add up: blanks and dash are 0
            "二、上年结转政府信息公开申请数量 | 1 | | - | | | | 3 |",  # they do not: unknown
            "(一)予以公开 | / | / | / | / | / | / | / |",
        ]
    )
    c = import_text(text).report.cells
    assert [c[f"t3.new.{k}"] for k in T3_COLS] == [2, 0, 0, 0, 0, 0, 2]
    assert [c[f"t3.carried_in.{k}"] for k in T3_COLS] == [1, None, None, None, None, None, 3]
    assert [c[f"t3.granted.{k}"] for k in T3_COLS] == ["/"] * 7


def test_label_typo_and_rows_without_label():
    text = t3_text(
        [
            "(三)不予公开 | 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
            "2.其他法律行政止公开 | 7 | 0 | 0 | 0 | 0 | 0 | 7 |",
            "| 5 | 0 | 0 | 0 | 0 | 0 | 5 |",  # the label of 3.危及… is lost: the one row between
            "4.保护第三方合法权益 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
            "| 9 | 0 | 0 | 0 | 0 | 0 | 9 |",  # labels of 5. and 6. lost: two rows of values for two rows
            "| 8 | 0 | 0 | 0 | 0 | 0 | 8 |",
            "7.属于行政执法案卷 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
            "| 6 | 0 | 0 | 0 | 0 | 0 | 6 |",  # one row of values where two labels (8., (四)1.) are lost
            "(四)无法提供 | 2.没有现成信息需要另行制作 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
        ]
    )
    result = import_text(text)
    c = result.report.cells
    assert c["t3.refused.law_prohibited.total"] == 7
    assert c["t3.refused.security_stability.total"] == 5
    assert c["t3.refused.third_party.total"] == 0
    assert c["t3.refused.internal_affairs.total"] == 9
    assert c["t3.refused.process_info.total"] == 8
    assert c["t3.refused.enforcement_file.total"] is None  # 14 cells after its label: not certain
    assert c["t3.refused.inquiry.total"] is None
    assert c["t3.unable.not_held.total"] is None
    assert c["t3.unable.needs_creation.total"] == 1
    assert any("（三）8.属于行政查询事项" in n for n in result.missing)


def test_2019_edition():
    text = "\n".join(
        [
            "某某县人民政府办公室2019年政府信息公开工作年度报告",
            "一、总体情况",
            "2019年,我办认真落实条例。",
            "二、主动公开政府信息情况",
            "第二十条第(一)项 | 信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |",
            "规章 | 0 | 0 | 0 |",
            "规范性文件 | 5 | 4 | 30 |",
            "第二十条第(五)项 | 信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |",
            "行政许可 | 12 | 减4 | 310 |",
            "第二十条第(九)项 | 信息内容 | 采购项目数量 | 采购总金额 |",
            "政府集中采购 | 3 | 12.5 |",
            "三、收到和处理政府信息公开申请情况",
            "(五)不予处理 | 5.要求行政机关确认或重新出具已获取信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
            "(六)其他处理 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |",
            "(七)总计 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |",
            "四、政府信息公开行政复议、行政诉讼情况",
            "行政复议 | 行政诉讼 |",
            "0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        ]
    )
    result = import_text(text)
    r = result.report
    assert r.template == "2019" and r.year == 2019 and r.agency == "某某县人民政府办公室"
    assert r.cells["t3.other_handling.other.total"] == 3
    assert r.cells["t3.total.natural_person"] == 3
    # its own table 2, "减4" a change of -4
    assert [r.cells[f"t2.normative_docs.{c}"] for c in ("made", "published", "public_total")] == [5, 4, 30]
    assert [r.cells[f"t2.licensing.{c}"] for c in ("prior_items", "change", "decisions")] == [12, -4, 310]
    assert r.cells["t2.rules.made"] == 0 and r.cells["t2.procurement.items"] == 3
    assert str(r.cells["t2.procurement.amount"]) == "12.5"
    assert r.cells["t2.fees.prior_items"] is None and "t2.rules.issued" in r.cells
    assert set(r.cells) >= set(FORM_2019.cell_keys)
    assert r.cells["t4.review.total"] == 0
    # the rows of its table 2 the text does not give are said, as such
    t2_notes = [n for n in result.missing if n.startswith("表二")]
    assert t2_notes and "行政处罚" in t2_notes[0] and "行政许可" not in t2_notes[0]


def test_2021_report_with_single_other_handling_row():
    text = t3_text(
        [
            "(五)不予处理 | 5.要求行政机关确认或重新出具已获取信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
            "(六)其他处理 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |",
            "(七)总计 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |",
        ]
    )
    r = import_text(text).report
    assert r.template == "2021"
    assert r.cells["t3.other_handling.other.natural_person"] == 2
    assert r.cells["t3.other_handling.no_correction.natural_person"] is None
    assert r.cells["t3.other_handling.no_fee.total"] is None


PDF_LAYOUT = """\
              淮安市某某区人民政府
      2023 年政府信息公开工作年度报告

   一、总体情况
   2023 年，某某区人民政府坚持以习近平新时代中国特色社会
主义思想为指导，全面贯彻落实《条例》相关规范要求。
   （一）主动公开情况。主要通过政府门户网站主动公开政府
文件。

                                           -1-
   三、收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量                             21    0      0     0   0   0     21
                  （二）部分公开（区分处理的，只计这一情 形，不
                  计其他情形）
                                              4    0      0     0   0   0     4
                            1.属于国家秘密         1     0      0     0   0   0     1
 三 、本 年 度办 理 结果

                                          — 3 —
                            2.其他法律行政止公开      0     0      0     0   0   0     0
                  （三）不予公开
                            5.属于三类内部事务信息     0     0      0     0   0   0     0
                  （四）无法提供   1.本机关不掌握相关政府信息   10    0      0     0   0   0     10
                 5.要求行政机关确认或重 新出具
                     已获取信息
                                       2    0   0   0    0    0   2
     五、存在的主要问题及改进情况
     2023 年，工作取得一定的成效，但对照
上级要求，仍存在一定差距。
"""


def test_pdftotext_layout():
    result = import_text(PDF_LAYOUT)
    r = result.report
    assert r.year == 2023 and r.agency == "淮安市某某区人民政府"
    c = r.cells
    assert c["t3.new.total"] == 21
    assert [c[f"t3.partial.{k}"] for k in T3_COLS] == [4, 0, 0, 0, 0, 0, 4]
    assert c["t3.refused.state_secret.natural_person"] == 1
    assert c["t3.refused.law_prohibited.total"] == 0
    assert c["t3.refused.internal_affairs.total"] == 0
    assert c["t3.unable.not_held.total"] == 10
    assert c["t3.not_processed.confirmation.total"] == 2
    assert c["t3.carried_in.total"] is None
    assert r.text["overview"] == (
        "2023 年，某某区人民政府坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实《条例》相关规范要求。\n"
        "（一）主动公开情况。主要通过政府门户网站主动公开政府文件。"
    )
    assert r.text["problems"] == "2023 年，工作取得一定的成效，但对照上级要求，仍存在一定差距。"


def test_tables_missing_are_reported():
    result = import_text("一、总体情况\n2024年,我办认真落实条例。\n五、存在的主要问题及改进情况\n无。\n")
    assert result.report.year == 2024
    assert "表二 缺失（主动公开政府信息情况）" in result.missing
    assert any(n.startswith("表三 缺失") for n in result.missing)
    assert any(n.startswith("表四 缺失") for n in result.missing)
    assert any(n.startswith("六、其他需要报告的事项") for n in result.missing)
    assert all(v is None for v in result.report.cells.values())


def test_table4_cut_off_keeps_complete_groups():
    text = "\n".join(
        ["四、政府信息公开行政复议、行政诉讼情况", "行政复议 | 行政诉讼 |", "1 | 0 | 0 | 0 | 1 | 0 | 0 |"]
    )
    c = import_text(text).report.cells
    assert [c[f"t4.review.{k}"] for k in ("upheld", "corrected", "other", "pending", "total")] == [
        1,
        0,
        0,
        0,
        1,
    ]
    assert c["t4.litigation_direct.upheld"] is None


def test_table2_and_fee():
    text = "\n".join(
        [
            "二、主动公开政府信息情况",
            "第二十条第(一)项 | |||",
            "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
            "规章 | / | / | / |",
            "行政规范性文件 | 2 | | 30 |",
            "行政许可 |",
            "1,234 | ||",
            "行政事业性收费 | 12.5 |",
        ]
    )
    c = import_text(text).report.cells
    assert [c["t2.rules.issued"], c["t2.rules.in_force"]] == ["/", "/"]
    assert [c["t2.normative_docs.issued"], c["t2.normative_docs.repealed"]] == [2, None]
    assert c["t2.licensing.decisions"] == 1234
    assert c["t2.fees.amount"] == Decimal("12.5")


@pytest.mark.parametrize(
    ("head", "year", "agency"),
    [
        ("太平镇人民政府2022年政府信息公开工作年度报告", 2022, "太平镇人民政府"),
        ("   某某市人民政府\n   2021 年政府信息公开工作\n年度报告", 2021, "某某市人民政府"),
        (
            "# 沐阳县人民政府 2025 年 政府信息公开工作年度报告\n沐阳县人民政府\n(2026年1月23日)",
            2025,
            "沐阳县人民政府",
        ),
        ("本报告所列数据的统计期限为2024年1月1日至2024年12月31日。\n发布日期：2025年1月20日", 2024, ""),
        ("发布日期：2025年1月20日", None, ""),
    ],
)
def test_year_and_organ(head, year, agency):
    r = import_text(head + "\n一、总体情况\n我局积极落实条例。\n").report
    assert (r.year, r.agency) == (year, agency)


def test_year_from_overview_not_from_date():
    r = import_text("(2025年1月20日)\n一、总体情况\n2024年,我办认真落实条例。\n").report
    assert r.year == 2024 and r.date == "2025-01-20"


# --------------------------------------------------------------------------------------------------
# HTML and Word


HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>年报</title>
<style>td {border: 1px}</style><script>var x = "| 1 | 2 |";</script></head><body>
<h1>某某区教育局2024年政府信息公开工作年度报告</h1>
<p>一、总体情况</p><p>2024年,我局认真落实<b>条例</b>。</p>
<p>三、收到和处理政府信息公开申请情况</p>
<table>
<tr><td colspan="3" rowspan="3">(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)</td>
    <td colspan="7">申请人情况</td></tr>
<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td>商业<br>企业</td><td>科研<br/>机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
<tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td>6</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>7</td></tr>
<tr><td rowspan="3">三、本年度办理结果</td><td colspan="2">(一)予以公开</td>
    <td>5</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>6</td></tr>
<tr><td rowspan="2">(三)不予公开</td><td>1.属于国家秘密</td>
    <td>1</td><td></td><td></td><td></td><td></td><td></td><td>1</td></tr>
<tr><td>2.其他法律行政法规禁止公开</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
</table>
<p>四、政府信息公开行政复议、行政诉讼情况</p>
<table><tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>
<tr><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td><td>0</td><td>0</td><td>0</td><td>1</td>
<td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr></table>
<p>五、存在的主要问题及改进情况</p><p>一是人员不足。</p>
<p>六、其他需要报告的事项</p><p>未收取信息处理费。</p>
</body></html>"""


def test_html_with_rowspan_and_colspan(tmp_path):
    path = tmp_path / "年报.html"
    path.write_bytes(HTML.encode("gbk").replace(b'charset="utf-8"', b'charset="gbk"'))
    result = import_file(path)
    r = result.report
    assert (r.year, r.agency) == (2024, "某某区教育局")
    c = r.cells
    assert [c[f"t3.new.{k}"] for k in T3_COLS] == [6, 1, 0, 0, 0, 0, 7]
    assert c["t3.granted.total"] == 6
    assert [c[f"t3.refused.state_secret.{k}"] for k in T3_COLS] == [1, 0, 0, 0, 0, 0, 1]
    assert c["t3.refused.law_prohibited.total"] == 0
    assert c["t4.litigation_direct.upheld"] == 1 and c["t4.litigation_direct.total"] == 1
    assert r.text == {
        "overview": "2024年,我局认真落实条例。",
        "problems": "一是人员不足。",
        "other": "未收取信息处理费。",
    }


def _docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("某某街道办事处2023年政府信息公开工作年度报告")
    d.add_paragraph("一、总体情况")
    d.add_paragraph("2023年,我办认真落实条例。")
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    t = d.add_table(rows=6, cols=10)
    t.cell(0, 0).merge(t.cell(2, 2)).text = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
    t.cell(0, 3).merge(t.cell(0, 9)).text = "申请人情况"
    t.cell(1, 3).merge(t.cell(2, 3)).text = "自然人"
    t.cell(1, 4).merge(t.cell(1, 8)).text = "法人或其他组织"
    t.cell(1, 9).merge(t.cell(2, 9)).text = "总计"
    for i, label in enumerate(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]):
        t.cell(2, 4 + i).text = label
    t.cell(3, 0).merge(t.cell(3, 2)).text = "一、本年新收政府信息公开申请数量"
    t.cell(4, 0).merge(t.cell(5, 0)).text = "三、本年度办理结果"
    t.cell(4, 1).merge(t.cell(4, 2)).text = "(一)予以公开"
    t.cell(5, 1).merge(t.cell(5, 2)).text = "(二)部分公开(区分处理的,只计这一情形,不计其他情形)"
    for r_, vals in ((3, [4, 0, 0, 0, 1, 0, 5]), (4, [3, 0, 0, 0, 1, 0, 4]), (5, [1, 0, 0, 0, 0, 0, 1])):
        for i, v in enumerate(vals):
            t.cell(r_, 3 + i).text = str(v)
    d.add_paragraph("五、存在的主要问题及改进情况")
    d.add_paragraph("一是人员不足。")
    d.save(str(path))


def test_docx_with_merged_cells(tmp_path):
    path = tmp_path / "年报.docx"
    _docx(path)
    r = import_file(path).report
    assert (r.year, r.agency) == (2023, "某某街道办事处")
    c = r.cells
    assert [c[f"t3.new.{k}"] for k in T3_COLS] == [4, 0, 0, 0, 1, 0, 5]
    assert [c[f"t3.granted.{k}"] for k in T3_COLS] == [3, 0, 0, 0, 1, 0, 4]
    assert [c[f"t3.partial.{k}"] for k in T3_COLS] == [1, 0, 0, 0, 0, 0, 1]
    assert r.text["problems"] == "一是人员不足。"


def test_exchange_json(tmp_path):
    report = import_file(FIXTURE_000).report
    path = tmp_path / "r.nianbao.json"
    path.write_text(report.to_json(), encoding="utf-8")
    result = import_file(path)
    assert result.report.to_exchange() == report.to_exchange()
    assert result.missing == []


# --------------------------------------------------------------------------------------------------
# unreadable input


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("empty.txt", b"", "空"),
        ("blank.txt", b" \n\r\n ", "空"),
        ("binary.txt", bytes(range(256)) * 8, "二进制"),
        ("broken.json", b'{"format": "gov-info-disclosure-annual-report", "cells": {', "JSON"),
        ("other.json", b'{"a": 1}', "交换文件"),
        ("broken.docx", b"PK\x03\x04 this is not a zip", "Word"),
        ("zip.docx", b"", "空"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".doc"),
        ("scan.pdf", b"%PDF-1.7\n", "PDF"),
        ("notes.txt", "今天天气很好，我们去公园散步。\n1 2 3\n".encode(), "未能"),
        ("bad.txt", "年报".encode() + b"\x80\xff" * 3, "编码"),
        ("page.html", b"<html><body><p>hello</p></body></html>", "未能"),
    ],
)
def test_unreadable_input(tmp_path, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReportError) as err:
        import_file(path)
    assert words in str(err.value)


def test_docx_that_is_a_zip_but_not_word(tmp_path):
    import zipfile

    path = tmp_path / "x.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(ReportError, match="Word"):
        import_file(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ReportError, match="找不到文件"):
        import_file(tmp_path / "无此文件.txt")
    with pytest.raises(ReportError):
        import_file(tmp_path)


# --------------------------------------------------------------------------------------------------
# the text renderer


def test_render_text_uses_official_labels():
    report = Report(agency="某某局", year=2024, date="2025-01-20")
    report.cells["t3.new.total"] = 4
    text = render_text(report)
    assert text.startswith("某某局2024年政府信息公开工作年度报告\n")
    for s in FORM_2021.sections:
        assert s.heading in text
    for r in T3.rows:
        assert r.label in text
    assert "| 一、本年新收政府信息公开申请数量 |  |  |  |  |  |  | 4 |" in text
    assert text.rstrip().endswith("某某局\n2025年1月20日")
    again = import_text(text).report
    assert (again.agency, again.year, again.date) == ("某某局", 2024, "2025-01-20")


def test_render_and_import_fixture_round_trip():
    report = import_file(FIXTURE_000).report
    again = import_text(render_text(report)).report
    assert again.cells == report.cells
    assert again.text == report.text


def test_bytes_api():
    data = FIXTURE_000.read_bytes()
    assert import_bytes(data, "x.txt").report.cells == import_file(FIXTURE_000).report.cells


def test_html_page_inside_a_layout_table():
    inner = HTML.split("<body>")[1].split("</body>")[0]
    page = f"<html><body><table><tr><td>导航</td></tr><tr><td>{inner}</td></tr></table></body></html>"
    r = import_text_html(page)
    assert r.year == 2024
    assert r.cells["t3.new.total"] == 7 and r.cells["t4.litigation_direct.total"] == 1
    assert r.text["problems"] == "一是人员不足。"


def import_text_html(page: str):
    return import_bytes(page.encode("utf-8"), "page.htm").report


def test_group_label_floating_beside_a_sub_row_does_not_take_its_values():
    text = t3_text(
        [
            "          1、申请人无正当理由逾期不补",
            "（六）其他处理      67   3   0   0   1   0   71",
            "          正、行政机关不再处理其政府信息公开申请",
            "          2、申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请   6   0   0   0   0   0   6",
        ]
    )
    c = import_text(text).report.cells
    assert c["t3.other_handling.no_correction.total"] == 71
    assert c["t3.other_handling.no_fee.total"] == 6
    assert c["t3.other_handling.other.total"] is None


def test_title_with_guanyu():
    r = import_text(
        "某某区财政局关于2024年度政府信息公开工作年度报告\n一、总体情况\n我局积极落实条例。\n"
    ).report
    assert (r.year, r.agency) == (2024, "某某区财政局")


def test_tab_separated_copy():
    values = "\t".join(["3", "0", "0", "0", "1", "0", "4"])
    text = t3_text(
        [f"一、本年新收政府信息公开申请数量\t{values}", f"二、上年结转政府信息公开申请数量\t{values}"]
    )
    c = import_text(text).report.cells
    assert [c[f"t3.carried_in.{k}"] for k in T3_COLS] == [3, 0, 0, 0, 1, 0, 4]


def test_deeply_nested_html_is_refused_cleanly():
    page = "<html><body>" + "<div>" * 5000 + "一、总体情况" + "</div>" * 5000 + "</body></html>"
    try:
        result = import_bytes(page.encode(), "deep.html")
    except ReportError as err:
        assert str(err)
    else:
        assert result.report.text["overview"] == ""


# --------------------------------------------------------------------------------------------------
# pdftotext without -layout: labels float away from their values


def _loose(label_before: str, values: list[int], label_after: str, floating: list[str] = ()) -> str:
    """Table 3 as pdftotext prints it without -layout: one cell a line, labels where they fall."""
    head = "三、收到和处理政府信息公开申请情况"
    body = [label_before, *map(str, values[:7]), *floating, *map(str, values[7:]), label_after, "0", "0"]
    return t3_text(body, head)


def _t3_row(c, key: str) -> list:
    return [c[f"t3.{key}.{col}"] for col in T3_COLS]


def test_rows_between_two_labels_are_read_in_order_when_they_check():
    # （二）部分公开 … then the values of three rows, a cluster of floating labels among them, then 3.危及
    rows = [[3, 0, 0, 0, 0, 0, 3], [1, 2, 0, 0, 0, 0, 3], [0, 0, 0, 0, 0, 4, 4]]
    text = _loose(
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        [v for r in rows for v in r],
        "3.危及“三安全一稳定”",
        floating=["三、本", "1.属于国家秘密", "年度办", "理结果 （三）", "申请人情况", "自然", "人"],
    )
    c = import_text(text).report.cells
    assert _t3_row(c, "partial") == rows[0]
    assert _t3_row(c, "refused.state_secret") == rows[1]
    assert _t3_row(c, "refused.law_prohibited") == rows[2]


def test_rows_between_two_labels_are_not_read_when_a_row_does_not_check():
    rows = [[3, 0, 0, 0, 0, 0, 3], [1, 2, 0, 0, 0, 0, 4], [0, 0, 0, 0, 0, 4, 4]]
    text = _loose("（二）部分公开", [v for r in rows for v in r], "3.危及“三安全一稳定”")
    c = import_text(text).report.cells
    for key in ("partial", "refused.state_secret", "refused.law_prohibited"):
        assert _t3_row(c, key) == [None] * 7


def test_rows_that_also_read_column_by_column_are_not_read():
    # row by row: [0…0], [1,0,2,0,3,0,6]; column by column: [0…0], [0,0,0,1,2,3,6] — both add up
    values = [0] * 7 + [1, 0, 2, 0, 3, 0, 6]
    c = import_text(_loose("1.属于国家秘密", values, "3.危及“三安全一稳定”")).report.cells
    assert _t3_row(c, "refused.state_secret") == [None] * 7
    assert _t3_row(c, "refused.law_prohibited") == [None] * 7
    # the same values but one: they read only row by row
    values = [0] * 7 + [1, 0, 2, 0, 3, 1, 7]
    c = import_text(_loose("1.属于国家秘密", values, "3.危及“三安全一稳定”")).report.cells
    assert _t3_row(c, "refused.state_secret") == [0] * 7
    assert _t3_row(c, "refused.law_prohibited") == [1, 0, 2, 0, 3, 1, 7]


def test_a_count_that_does_not_fit_reads_nothing():
    rows = [[3, 0, 0, 0, 0, 0, 3], [1, 2, 0, 0, 0, 0, 3]]
    text = _loose("（二）部分公开", [v for r in rows for v in r] + [5], "3.危及“三安全一稳定”")
    c = import_text(text).report.cells
    assert _t3_row(c, "partial") == [None] * 7
    assert _t3_row(c, "refused.state_secret") == [None] * 7


def test_a_floating_label_right_before_other_rows_values_is_not_trusted():
    # pdftotext: the labels of rows 1–3 of （三） float together; the seven values after them are not row 3's
    text = t3_text(
        [
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            *"3 0 0 0 0 0 3".split(),
            "1.属于国家秘密",
            "2.其他法律行政法规禁止公开",
            "3.危及“三安全一稳定”",
            *"0 7176 0 0 18 5458 0".split(),
        ]
    )
    c = import_text(text).report.cells
    assert _t3_row(c, "partial") == [3, 0, 0, 0, 0, 0, 3]
    assert _t3_row(c, "refused.security_stability") == [None] * 7


def test_other_handling_label_beside_its_first_sub_row_with_that_label_lost():
    text = t3_text(
        [
            "| （六）其他处理 |  | 0 | 27 | 0 | 0 | 0 | 0 | 27 |",
            "| 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
            "| 3.其他 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
            "| （七）总计 | 1 | 27 | 0 | 0 | 0 | 0 | 28 |",
        ]
    )
    result = import_text(text)
    c = result.report.cells
    assert _t3_row(c, "other_handling.no_correction") == [0, 27, 0, 0, 0, 0, 27]
    assert _t3_row(c, "other_handling.no_fee") == [1, 0, 0, 0, 0, 0, 1]
    assert _t3_row(c, "other_handling.other") == [0] * 7


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize("layout", [False, True], ids=["plain", "layout"])
def test_our_pdf_through_pdftotext(tmp_path, layout):
    from model.output.pdf import render_pdf_bytes
    from model.sample import sample_report

    report = sample_report()
    pdf = tmp_path / "年报.pdf"
    pdf.write_bytes(render_pdf_bytes(report, draft=False)[0])
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(pdf), "-"]
    text = subprocess.run(args, capture_output=True, check=True).stdout.decode("utf-8")
    got = import_text(text).report
    assert got.cells == report.cells
    assert (got.year, got.agency, got.date, got.title) == (
        report.year,
        report.agency,
        report.date,
        report.title,
    )
    assert got.text["other"] == report.text["other"]


def _layout_row(label: str, values: list, at: list[int]) -> str:
    """A line as pdftotext -layout prints it: each value centred at its column."""
    line = " " * 8 + label
    for v, c in zip(values, at, strict=True):
        if v is None:
            continue
        text = str(v)
        start = c - (len(text) - 1) // 2
        line = line.ljust(start - 1) + " " + text
    return line


_AT = [40, 48, 56, 64, 72, 80, 88]


def test_layout_rows_with_blank_cells_read_by_their_columns():
    rows = [
        ("1.属于国家秘密", [1, 0, 0, 0, 0, 0, 1]),
        ("2.其他法律行政法规禁止公开", [0, 2, None, 0, 0, 0, 2]),
        ("3.危及“三安全一稳定”", [0, 0, 0, 0, 0, 0, 0]),
        ("4.保护第三方合法权益", [None, 3, 0, 0, 0, 1, None]),
    ]
    text = t3_text([_layout_row(label, vals, _AT) for label, vals in rows])
    c = import_text(text).report.cells
    assert _t3_row(c, "refused.state_secret") == [1, 0, 0, 0, 0, 0, 1]
    # the blank part is 0: the printed total proves it
    assert _t3_row(c, "refused.law_prohibited") == [0, 2, 0, 0, 0, 0, 2]
    # no total printed: the blank stays blank, the values stand in their columns
    assert _t3_row(c, "refused.third_party") == [None, 3, 0, 0, 0, 1, None]


def test_layout_value_between_two_columns_is_not_placed():
    at = list(_AT)
    rows = [
        ("1.属于国家秘密", [1, 0, 0, 0, 0, 0, 1], _AT),
        ("2.其他法律行政法规禁止公开", [0, 0, 0, 0, 0, 0, 0], _AT),
        ("3.危及“三安全一稳定”", [0, 2, None, 0, 0, 0, 2], [*at[:3], at[3] - 4, *at[4:]]),
    ]
    text = t3_text([_layout_row(label, vals, a) for label, vals, a in rows])
    c = import_text(text).report.cells
    assert _t3_row(c, "refused.state_secret") == [1, 0, 0, 0, 0, 0, 1]
    assert _t3_row(c, "refused.security_stability") == [None] * 7
