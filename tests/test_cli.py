"""The command line contract of exchange-format.md, run as a real process: output, exit codes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from model.sample import sample_report
from tests.conftest import FIXTURES, ROOT

FIXTURE = FIXTURES / "000_e8e20449add4641b.txt"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=120,
    )


def test_import_fixture_prints_exchange_json():
    p = run("import", str(FIXTURE))
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["format"] == "gov-info-disclosure-annual-report" and data["format_version"] == 1
    assert data["template"] == "2021" and data["year"] == 2024
    assert len(data["cells"]) == 200
    c = data["cells"]
    assert (c["t3.new.natural_person"], c["t3.new.commercial"], c["t3.new.total"]) == (3, 1, 4)
    assert (c["t3.granted.natural_person"], c["t3.granted.commercial"], c["t3.granted.total"]) == (2, 1, 3)
    assert (c["t3.unable.not_held.natural_person"], c["t3.unable.not_held.total"]) == (1, 1)
    assert all(c[f"t3.total.{col}"] == 0 for col in ("natural_person", "commercial", "total"))
    assert set(data["text"]) == {"overview", "problems", "other"}
    assert data["text"]["overview"].startswith("(一)主动公开") or "主动公开" in data["text"]["overview"][:20]
    assert "处理费" in data["text"]["other"]


def test_check_fixture_reports_exactly_the_published_defects():
    p = run("check", str(FIXTURE))
    assert p.returncode == 1, p.stderr
    findings = json.loads(p.stdout)["findings"]
    errors = [f for f in findings if f["severity"] == "error"]
    got = sorted((f["rule"], f["cells"][0]) for f in errors)
    assert got == sorted(
        [
            (rule, f"t3.total.{col}")
            for rule in ("t3.outcome_sum", "t3.balance")
            for col in ("natural_person", "commercial", "total")
        ]
    )
    outcome = next(
        f for f in errors if f["rule"] == "t3.outcome_sum" and f["cells"][0] == "t3.total.natural_person"
    )
    assert outcome["expected"] == 3 and outcome["actual"] == 0
    assert outcome["message"].startswith("（七）总计 自然人 应为 3")
    warnings = [f for f in findings if f["severity"] == "warning"]
    prose = {f["rule"]: f for f in warnings if "text" in f}
    overview = json.loads(run("import", str(FIXTURE)).stdout)["text"]["overview"]
    mismatch = prose["prose.table_mismatch"]
    assert (
        mismatch["cells"] == ["t3.new.natural_person"]
        and mismatch["actual"] == 4
        and mismatch["expected"] == 3
    )
    span = mismatch["text"]
    assert span["section"] == "overview" and "4" in overview[span["start"] : span["end"]]
    hole = prose["prose.placeholder"]
    assert hole["cells"] == [] and overview[hole["text"]["start"] : hole["text"]["end"]] == "由个"
    assert len([f for f in warnings if "text" in f]) == 2


def test_check_with_previous_year(tmp_path):
    this, last = sample_report(), sample_report()
    last.year = 2023
    last.cells["t3.carried_over.natural_person"] = 3
    a, b = tmp_path / "本年.json", tmp_path / "上年.json"
    a.write_text(this.to_json(), encoding="utf-8")
    b.write_text(last.to_json(), encoding="utf-8")
    p = run("check", str(a), "--previous", str(b))
    assert p.returncode == 0, p.stderr
    rules = [f["rule"] for f in json.loads(p.stdout)["findings"]]
    assert "year.carry_over" in rules


def test_check_clean_report_exits_0(tmp_path):
    f = tmp_path / "示范.nianbao.json"
    f.write_text(sample_report().to_json(), encoding="utf-8")
    p = run("check", str(f))
    assert p.returncode == 0, p.stderr
    assert [x for x in json.loads(p.stdout)["findings"] if x["severity"] == "error"] == []


def _exchange_with(fee: str) -> str:
    """A valid exchange file whose fee is ``fee`` written as a bare JSON token (NaN, -Infinity, 1e400 …)."""
    return sample_report().to_json().replace('"t2.fees.amount": 0.35', f'"t2.fees.amount": {fee}')


def _docx_broken(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")


@pytest.mark.parametrize(
    "name, make",
    [
        ("missing.txt", None),
        ("empty.txt", lambda p: p.write_bytes(b"")),
        ("binary.txt", lambda p: p.write_bytes(bytes(range(256)) * 40)),
        (
            "broken.json",
            lambda p: p.write_text(
                '{"format": "gov-info-disclosure-annual-report", "cells": {', encoding="utf-8"
            ),
        ),
        ("wrong.json", lambda p: p.write_text('{"hello": 1}', encoding="utf-8")),
        ("nan.json", lambda p: p.write_text(_exchange_with("NaN"), encoding="utf-8")),
        ("infinity.json", lambda p: p.write_text(_exchange_with("-Infinity"), encoding="utf-8")),
        ("huge.json", lambda p: p.write_text(_exchange_with("1e400"), encoding="utf-8")),
        ("broken.docx", _docx_broken),
        ("notzip.docx", lambda p: p.write_bytes(b"PK\x03\x04 not really a zip")),
        ("image.png", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)),
        ("目录", lambda p: p.mkdir()),
    ],
)
@pytest.mark.parametrize("command", ["import", "check"])
def test_unreadable_input_is_a_clear_message_and_exit_2(tmp_path, name, make, command):
    path = tmp_path / name
    if make:
        make(path)
    p = run(command, str(path))
    assert p.returncode == 2
    assert p.stdout == ""
    assert "Traceback" not in p.stderr and p.stderr.strip()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in p.stderr), p.stderr  # a Chinese message
