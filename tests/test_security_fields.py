"""Fields are validated (issue 10, hole 6): the exchange file against a schema of its own, with messages that
name the field; never the catch-all 程序内部出错. Also ``check --previous`` with an unreadable previous file, and
``export --html`` that fails leaving no PDF behind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli as run
from test_store import SAMPLE

from model.report import Report, ReportError


def _sample() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("title", 5, "title 应为文字"),
        ("date", 20250120, "date 应为 YYYY-MM-DD"),
        ("date", "2025年1月20日", "date 应为 YYYY-MM-DD"),
        ("agency", ["甲"], "agency 应为文字"),
        ("explanations", {"rule": "x"}, "explanations 应为列表"),
        (
            "explanations",
            [{"rule": "x", "cells": "t3.new.total", "text": "说明"}],
            "explanations[0].cells 应为列表",
        ),
        ("explanations", [{"rule": "x", "cells": []}], "explanations[0] 缺少 'text'"),
        ("text", ["一"], "text 应为对象"),
        ("format_version", "2", "format_version 应为整数"),
        ("format_version", 1.5, "format_version 应为整数"),
        ("template", "2025", "template 应为 2021 或 2019"),
        ("year", "2024", "year 应为整数"),
        ("revision", "3", "revision 应为整数"),
        ("revision", -1, "revision"),
    ],
)
def test_a_field_of_the_wrong_kind_is_named(tmp_path, capsys, field, value, said):
    data = _sample()
    data[field] = value
    path = tmp_path / "坏.nianbao.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    for verb in ("import", "check"):
        code, out, err = run(capsys, verb, str(path))
        assert code == 2 and said in err, err
        assert "程序内部出错" not in err and out == ""


def test_numbers_of_5000_digits_and_lone_surrogates_are_said(tmp_path, capsys):
    text = SAMPLE.read_text(encoding="utf-8")
    cases = {
        "string": lambda d: d["cells"].__setitem__("t3.new.total", "9" * 5000),
        "sub-text": lambda d: d["text"].__setitem__("overview", 7),
    }
    for name, change in cases.items():
        data = json.loads(text)
        change(data)
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        code, _, err = run(capsys, "import", str(path))
        assert (
            code == 2
            and "程序内部出错" not in err
            and ("cells.t3.new.total" in err or "text.overview" in err)
        )
    raw = {
        "number": text.replace('"year": 2024', '"year": ' + "9" * 5000),
        "surrogate": text.replace('"title": "', '"title": "\\ud800', 1),
    }
    for name, body in raw.items():
        path = tmp_path / f"{name}.json"
        path.write_text(body, encoding="utf-8")
        code, _, err = run(capsys, "import", str(path))
        assert code == 2 and "程序内部出错" not in err, err
        assert ("位数过多" in err) if name == "number" else ("title 含有无效的字符" in err)


def test_format_version_written_as_1_point_0_is_version_1():
    data = _sample()
    data["format_version"] = 1.0
    assert Report.from_json(json.dumps(data)).year == 2024
    data["format_version"] = 2
    with pytest.raises(ReportError, match="比本程序新"):
        Report.from_json(json.dumps(data))


def test_store_show_with_an_absurd_year_is_said(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NIANBAO_ARCHIVE", str(tmp_path / "归档"))
    from model.store import sqlite_url

    db = sqlite_url(tmp_path / "db.sqlite")
    code, _, err = run(capsys, "--db", db, "store", "show", "甲", "99999999999999999999999")
    assert code == 2 and "年度" in err and "程序内部出错" not in err, err


@pytest.mark.parametrize("kind", ["folder", "binary", "foreign-json", "bad-field"])
def test_check_with_an_unreadable_previous_file_exits_2(tmp_path, capsys, kind):
    prev = tmp_path / "上年.json"
    if kind == "folder":
        prev.mkdir()
    elif kind == "binary":
        prev.write_bytes(bytes(range(256)) * 10)
    elif kind == "foreign-json":
        prev.write_text('{"a": 1}', encoding="utf-8")
    else:
        data = _sample()
        data["title"] = 5
        prev.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = run(capsys, "check", str(SAMPLE), "--previous", str(prev))
    assert code == 2 and out == "" and "程序内部出错" not in err


def test_export_whose_web_page_fails_leaves_no_pdf(tmp_path, capsys):
    out = tmp_path / "报告.pdf"
    code, _, err = run(
        capsys, "export", str(SAMPLE), "-o", str(out), "--html", str(tmp_path / "没有的文件夹" / "报告.html")
    )
    assert code == 2 and "不存在" in err, err
    assert not out.exists() and not list(Path(tmp_path).glob("*.pdf"))
