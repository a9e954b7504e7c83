"""Reports as saved web pages and as signed at the end: the page around the report is not the report.

A saved page has a menu and a breadcrumb above the title, and print buttons, copyright, ICP number and
the site's owner below the signature (organ and date); none of that is the title's organ or prose.
Titles may write the year in Chinese numerals; a report without title and date may be signed by the
organ's name alone.
"""

from __future__ import annotations

import pytest

from model.form import FORM_2019, FORM_2021
from model.importer import import_bytes, import_text
from model.importer.markup import html_to_text

TITLE = "某某县人民政府2024年政府信息公开工作年度报告"
OVERVIEW = "2024年，县政府认真贯彻落实《中华人民共和国政府信息公开条例》。"
PROBLEMS = "一是公开内容不够全面。二是解读形式单一。"
OTHER = "本年度未收取信息处理费。"


def page(crumb: str = "首页 &gt; 政府信息公开 &gt; 政务公开", sign: str = "某某县人民政府") -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="gb18030">
<title>{TITLE}_政务公开_某某县人民政府</title></head><body>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zw">政务公开</a></li>
<li><a href="/bs">办事服务</a></li><li><a href="/hd">互动交流</a></li></ul></div>
<div class="crumb">{crumb}</div>
<div class="article"><h1>{TITLE}</h1>
<p>一、总体情况</p><p>{OVERVIEW}</p>
<p>二、主动公开政府信息情况</p>
<table><tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>
<tr><td>规章</td><td>0</td><td>1</td><td>5</td></tr></table>
<p>五、存在的主要问题及改进情况</p><p>{PROBLEMS}</p>
<p>六、其他需要报告的事项</p><p>{OTHER}</p>
<p style="text-align:right">{sign}</p>
<p style="text-align:right">2025年1月20日</p></div>
<div class="tools">【打印本页】【关闭窗口】</div>
<div class="footer"><p>版权所有：某某县人民政府办公室 ICP备案：京ICP备12345678号</p>
<p>主办单位：某某县人民政府办公室 技术支持：某某网络公司</p><p>网站标识码：1234567890</p></div>
</body></html>"""


CRUMBS = [
    "首页 &gt; 政府信息公开 &gt; 政务公开",
    "首页 政府信息公开 政务公开",
    "当前位置：首页 » 政府信息公开 » 政务公开",
    "总体情况",
    "某某县人民政府",  # the site's name above a title that names the organ itself
]


def _assert_page(report) -> None:
    assert (report.year, report.agency, report.title, report.date) == (
        2024,
        "某某县人民政府",
        TITLE,
        "2025-01-20",
    )
    assert report.text == {"overview": OVERVIEW, "problems": PROBLEMS, "other": OTHER}
    assert [report.cells[f"t2.rules.{h}"] for h in ("issued", "repealed", "in_force")] == [0, 1, 5]


@pytest.mark.parametrize("crumb", CRUMBS)
def test_saved_page_gb18030(crumb):
    _assert_page(import_bytes(page(crumb).encode("gb18030"), "年报.html").report)


@pytest.mark.parametrize("crumb", CRUMBS)
def test_saved_page_as_plain_text(crumb):
    text = html_to_text(page(crumb))
    assert "主办单位" in text and "首页" in text  # the page text is there to be left out
    _assert_page(import_bytes(text.encode("gb18030"), "年报.txt").report)
    _assert_page(import_text(text).report)


def test_page_signed_without_date_ends_prose_at_the_organ():
    text = html_to_text(page()).replace("2025年1月20日\n", "")
    report = import_text(text).report
    assert report.text["other"] == OTHER and report.date is None


def test_page_without_signature_ends_prose_at_the_page_text():
    text = html_to_text(page()).replace("某某县人民政府\n2025年1月20日\n", "")
    report = import_text(text).report
    assert report.text["other"] == OTHER and report.date is None and report.agency == "某某县人民政府"


def test_footer_words_inside_prose_stay():
    # "技术支持" and "主办单位" in a sentence are prose, not the site's footer
    other = "加强平台技术支持，主办单位按要求维护网站。\n本年度未收取信息处理费。"
    report = import_text(f"{TITLE}\n一、总体情况\n{OVERVIEW}\n六、其他需要报告的事项\n{other}\n").report
    assert report.text["other"] == other


@pytest.mark.parametrize(
    "head",
    [
        "某某县人民政府\n2024 年政府信息公开工作年度报告",
        "某某县人民政府\n2024 年政府信息公开工作\n年度报告",
        "   某某县人民政府\n   2024年政府信息公开\n   工作年度报告",
    ],
)
def test_organ_on_its_own_line_above_the_title_is_joined(head):
    report = import_text(f"{head}\n一、总体情况\n{OVERVIEW}\n").report
    assert (report.year, report.agency) == (2024, "某某县人民政府")
    assert report.title == TITLE


@pytest.mark.parametrize("year", ["二〇二三", "二零二三", "二○二三", "二〇二三年度"])
def test_year_in_chinese_numerals(year):
    year = year.removesuffix("年度")
    for title in (
        f"某某县人民政府{year}年政府信息公开工作年度报告",
        f"某某县人民政府{year}年度政府信息公开工作报告",
    ):
        report = import_text(f"{title}\n一、总体情况\n本机关认真落实条例。\n").report
        assert (report.year, report.agency, report.title) == (2023, "某某县人民政府", title)


def test_year_first_in_chinese_numerals():
    title = "二〇二三年某某市司法局政府信息公开工作年度报告"
    report = import_text(f"{title}\n一、总体情况\n本局认真落实条例。\n").report
    assert (report.year, report.agency) == (2023, "某某市司法局")


@pytest.mark.parametrize(
    "organ",
    ["某某县人民政府", "某某县人民政府办公室", "某某市教育局", "某某市卫生健康委员会", "某某街道办事处"],
)
@pytest.mark.parametrize("after", ["", "\n\n", "\n\n-5-\n", "\n【打印本页】【关闭窗口】\n版权所有：某某网\n"])
def test_lone_organ_line_at_the_end_is_the_signature(organ, after):
    text = f"一、总体情况\n本机关认真落实条例。\n六、其他需要报告的事项\n{OTHER}\n{organ}{after}"
    report = import_text(text).report
    assert report.text["other"] == OTHER
    assert report.agency == organ and report.date is None


def test_prose_line_at_the_end_is_not_a_signature():
    text = f"一、总体情况\n本机关认真落实条例。\n六、其他需要报告的事项\n{OTHER}\n无其他需要报告的事项\n"
    report = import_text(text).report
    assert report.text["other"] == OTHER + "\n无其他需要报告的事项" and report.agency == ""


def test_signature_below_the_tables():
    # no prose section after table 4: the signature is read from the end all the same
    text = "\n".join(
        [
            "一、总体情况",
            "本机关认真落实条例。",
            "四、政府信息公开行政复议、行政诉讼情况",
            "行政复议 | 行政诉讼 |",
            " | ".join(["0"] * 15) + " |",
            "某某市司法局",
            "2025年1月20日",
            "【打印本页】 【关闭窗口】",
            "主办单位：某某市司法局",
        ]
    )
    report = import_text(text).report
    assert (report.agency, report.date) == ("某某市司法局", "2025-01-20")
    assert all(report.cells[c.key] == 0 for c in FORM_2021.table["t4"].cells)


def test_2021_only_rows_make_a_2021_report():
    # year 2020, no table 2: a 2019 report by default — unless table 3 has a row only the 2021 form has
    t3 = FORM_2021.table["t3"]
    only_2021 = [r for r in t3.rows if r.key not in {x.key for x in FORM_2019.table["t3"].rows}]
    assert only_2021
    for row in only_2021:
        text = "\n".join(
            [
                "某某县人民政府2020年政府信息公开工作年度报告",
                "一、总体情况",
                "2020年，本机关认真落实条例。",
                "三、收到和处理政府信息公开申请情况",
                f"(六)其他处理 | {row.label} | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
                "(七)总计 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
            ]
        )
        report = import_text(text).report
        assert report.template == "2021", row.key
        assert report.cells[f"t3.{row.key}.natural_person"] == 1
