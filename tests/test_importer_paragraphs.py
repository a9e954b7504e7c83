"""Imported prose: lines a web page or pdftotext wrapped are joined; a paragraph starts only where the source
starts one (model/importer/paragraphs.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.importer import import_bytes, import_file, import_text
from model.importer.paragraphs import is_open, prose

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "published"

P1 = (
    "2024年，我局坚持以群众需求为导向，聚焦重点领域和关键环节，努力让政务信息“看得懂、用得上、易监督”。"
    "全年主动公开政府信息1136条，其中政策文件21件。"
)
P2 = "（一）主动公开情况。主要通过政府门户网站主动公开政府文件、项目信息和财政预决算，回应社会关切。"
P3 = "针对存在问题，下一步将着力加强政策解读质效，重点提升解读的针对性和通俗化，增强队伍凝聚力。"


def _wrap(text: str, width: int = 28, first: int = 28, indent: str = "") -> list[str]:
    """``text`` cut into lines of ``width`` characters, the first line ``first`` wide (fixed-width wrapping)."""
    lines = [indent + text[:first]]
    rest = text[first:]
    while rest:
        lines.append(rest[:width])
        rest = rest[width:]
    return lines


def _paras(text: str) -> list[str]:
    return [p for p in text.split("\n") if p]


def test_fixture_017_keeps_a_wrapped_quote_in_one_paragraph():
    report = import_file(FIXTURES / "published" / "017_shuyang-county-gov_2025.txt").report
    paras = _paras(report.text["overview"])
    assert any("努力让政务信息“看得懂、用得上、易监督”。" in p for p in paras)
    assert any("及时向责任单位进行提醒通知" in p for p in paras)
    assert any("通过案例实操，赋能业务提升" in p for p in paras)
    assert not any(p.startswith(("得懂", "进行提醒", "操，")) for p in paras)
    # the sub-headings stay paragraphs of their own
    assert "三是提高解读效能。" in paras and "（二）规范化办理依申请公开。" in paras
    for section in ("overview", "problems", "other"):
        assert not any(is_open(p) for p in _paras(report.text[section])), section


@pytest.mark.parametrize("name", ["021_huaian-city-gov_2024.txt", "021_huaian-city-gov_2024_plain.txt"])
def test_fixture_021_paragraphs(name):
    path = SHARED / name
    if not path.exists():
        pytest.skip("../shared fixture 021 not present")
    report = import_file(path).report
    overview = _paras(report.text["overview"])
    assert len(overview) == 6
    assert [p[:3] for p in overview[1:]] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
    problems = _paras(report.text["problems"])
    assert len(problems) == 2 and problems[1].startswith("针对存在问题")
    for section in ("overview", "problems", "other"):
        assert not any(is_open(p) for p in _paras(report.text[section])), section


def test_web_page_line_breaks_inside_a_sentence_are_joined():
    html = (
        "<html><body><h2>一、总体情况</h2>"
        "<p>2024年，我局坚持以群众需求为导向，努力让政务信息“看<br>得懂、用得上、易监督”。</p>"
        "<p>全年主动公开政府信息1136条，<br><br>其中政策文件21件。</p>"
        "<p>（一）主动公开情况</p><p>主要通过政府门户网站主动公开。</p>"
        "<h2>五、存在的主要问题及改进情况</h2><p>无。</p></body></html>"
    )
    text = import_bytes(html.encode("utf-8"), "r.html").report.text["overview"]
    assert _paras(text) == [
        "2024年，我局坚持以群众需求为导向，努力让政务信息“看得懂、用得上、易监督”。",
        "全年主动公开政府信息1136条，其中政策文件21件。",
        "（一）主动公开情况",
        "主要通过政府门户网站主动公开。",
    ]


def test_pdftotext_indented_paragraphs():
    lines = (
        _wrap(P1, first=26, indent="    ")
        + _wrap(P2, first=26, indent="    ")
        + _wrap(P3, first=26, indent="    ")
    )
    assert _paras(prose(lines)) == [P1, P2, P3]


def test_pdftotext_paragraphs_that_lost_their_indentation():
    """pdftotext without -layout: a paragraph's first line is two characters short; a sentence that ends at
    the end of a full line does not end the paragraph."""
    p1 = "全年主动公开政府信息共计一千一百三十六条信息。" + P1  # the first sentence ends a full line
    assert len(p1[:26]) == 26
    lines = _wrap(p1, first=26) + ["— 2 —", ""] + _wrap(P2, first=26) + _wrap(P3, first=26)
    assert _paras(prose(lines)) == [p1, P2, P3]


def test_a_sentence_ending_a_short_line_ends_the_paragraph():
    assert len(P1) % 28 and len(P2) % 28  # both end on a short line
    lines = _wrap(P1) + _wrap(P2.replace("（一）", "")) + _wrap(P3)
    assert _paras(prose(lines, wrapped=True)) == [P1, P2.replace("（一）", ""), P3]


def test_blank_lines_and_headings_in_plain_text():
    text = (
        "一、总体情况\n"
        "## （一）主动公开情况\n"
        "主要通过政府门户网站主动公开政府文件，\n\n项目信息和财政预决算。\n"
        "\n"
        "另起一段。\n"
        "一是拓宽主动公开渠道。强化县政府门户网站信息公开主阵地功能。\n"
        "二是提升公开质量，\n全年公开政策文件4件。\n"
        "五、存在的主要问题及改进情况\n无。\n"
    )
    assert _paras(import_text(text).report.text["overview"]) == [
        "（一）主动公开情况",
        "主要通过政府门户网站主动公开政府文件，项目信息和财政预决算。",
        "另起一段。",
        "一是拓宽主动公开渠道。强化县政府门户网站信息公开主阵地功能。",
        "二是提升公开质量，全年公开政策文件4件。",
    ]


def test_open_line_ends():
    assert is_open("努力让政务信息“看")
    assert is_open("其中政策文件21")
    assert is_open("全年主动公开，")
    assert not is_open("易监督”。")
    assert not is_open("主要表现在：")


def test_short_sentences_in_text_that_looks_wrapped_stay_paragraphs():
    """Lines too short to be text wrapped at a width (a fill-in form's "0。" lines) end their paragraphs at
    each finished sentence (found by the importer's property test)."""
    assert _paras(prose(["0。", "0。", "无。"], wrapped=True)) == ["0。", "0。", "无。"]
