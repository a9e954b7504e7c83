"""``main.py store …``, ``archive verify``, ``backup``, ``restore``: output, exit status, clear messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE, needs_rules, sample
from conftest import run_cli as run

from model.store import Store, sqlite_url

ROOT = Path(__file__).resolve().parents[1]


def test_save_list_show(cli_db, capsys):
    code, out, err = run(capsys, "--db", cli_db, "store", "save", str(SAMPLE))
    assert code == 0 and "已保存" in out and "2024" in out, err
    code, out, _ = run(
        capsys, "--db", cli_db, "store", "save", str(SAMPLE), "--organ", "另一机关", "--year", "2023"
    )
    assert code == 0
    code, out, _ = run(capsys, "--db", cli_db, "store", "list")
    lines = out.strip().splitlines()
    assert code == 0 and len(lines) == 2
    assert lines[0].startswith("另一机关\t2023\t草稿") and lines[1].startswith(
        f"{sample().agency}\t2024\t草稿"
    )
    code, out, _ = run(capsys, "--db", cli_db, "store", "show", sample().agency, "2024")
    shown = json.loads(out)
    assert code == 0 and shown.pop("revision") == 1 and shown == json.loads(sample().to_json())
    code, out, _ = run(capsys, "--db", cli_db, "store", "show", "另一机关", "2023")
    assert json.loads(out)["year"] == 2023


def test_finalize_verify_backup_restore(cli_db, capsys, tmp_path):
    needs_rules()
    run(capsys, "--db", cli_db, "store", "save", str(SAMPLE))
    code, out, err = run(capsys, "--db", cli_db, "store", "finalize", sample().agency, "2024")
    assert code == 0 and "已定稿" in out, err
    code, out, err = run(capsys, "--db", cli_db, "store", "save", str(SAMPLE))
    assert code == 2 and "已定稿" in err and "Traceback" not in err
    code, out, _ = run(capsys, "--db", cli_db, "archive", "verify")
    assert code == 0 and "归档完好" in out
    code, out, _ = run(capsys, "--db", cli_db, "backup", str(tmp_path / "备份.zip"))
    assert code == 0 and (tmp_path / "备份.zip").is_file()

    folder = next((tmp_path / "归档").rglob("manifest.json")).parent
    (folder / "年度报告.nianbao.json").write_text("{}", encoding="utf-8")
    code, out, err = run(capsys, "--db", cli_db, "archive", "verify")
    assert code == 1 and "已被改动" in out and "1 处问题" in err

    code, out, err = run(capsys, "--db", cli_db, "restore", str(tmp_path / "备份.zip"))
    assert code == 0 and "已从备份恢复" in out, err
    code, out, _ = run(capsys, "--db", cli_db, "archive", "verify")
    assert code == 0
    code, out, _ = run(capsys, "--db", cli_db, "store", "list")
    assert "已定稿" in out


def test_finalize_with_errors_is_refused(cli_db, capsys, tmp_path):
    needs_rules()
    broken = json.loads(SAMPLE.read_text(encoding="utf-8"))
    broken["cells"]["t3.new.total"] = 999
    path = tmp_path / "错.nianbao.json"
    path.write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    run(capsys, "--db", cli_db, "store", "save", str(path))
    code, out, err = run(capsys, "--db", cli_db, "store", "finalize", sample().agency, "2024")
    assert code == 2 and "不能定稿" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["store", "save", "/nonexistent/x.json"], "找不到文件"),
        (["store", "show", "无此机关", "2024"], "没有"),
        (["store", "finalize", "无此机关", "2024"], "没有"),
        (["restore", "/nonexistent/b.zip"], "找不到备份文件"),
    ],
)
def test_errors_are_clear(cli_db, capsys, argv, message):
    code, out, err = run(capsys, "--db", cli_db, *argv)
    assert code == 2 and message in err and err.startswith("错误：") and "Traceback" not in err


def test_unreadable_input_and_bad_database(cli_db, capsys, tmp_path):
    junk = tmp_path / "坏.json"
    junk.write_text("{not json", encoding="utf-8")
    code, _, err = run(capsys, "--db", cli_db, "store", "save", str(junk))
    assert code == 2 and "Traceback" not in err and err.startswith("错误：")
    notdb = tmp_path / "不是库.sqlite"
    notdb.write_bytes(b"hello world" * 100)
    code, _, err = run(capsys, "--db", sqlite_url(notdb), "store", "list")
    assert code == 2 and ("损坏" in err or "不是本程序" in err)
    restore_junk = tmp_path / "坏.zip"
    restore_junk.write_bytes(b"PK\x03\x04 broken")
    code, _, err = run(capsys, "--db", cli_db, "restore", str(restore_junk))
    assert code == 2 and "不是有效的备份文件" in err


def test_main_py_subprocess_no_traceback(tmp_path):
    url = sqlite_url(tmp_path / "db.sqlite")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--db", url, "store", "show", "无此机关", "2024"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=str(ROOT),
    )
    assert proc.returncode == 2 and "没有" in proc.stderr and "Traceback" not in proc.stderr
    with Store.open(url) as s:
        assert s.reports() == []


@pytest.mark.postgres
def test_same_commands_on_postgresql(capsys, tmp_path, monkeypatch, pg_url):
    monkeypatch.setenv("NIANBAO_ARCHIVE", str(tmp_path / "归档"))
    code, out, err = run(capsys, "--db", pg_url, "store", "save", str(SAMPLE))
    assert code == 0, err
    code, out, _ = run(capsys, "--db", pg_url, "store", "list")
    assert out.startswith(f"{sample().agency}\t2024\t草稿")
    code, out, _ = run(capsys, "--db", pg_url, "store", "show", sample().agency, "2024")
    shown = json.loads(out)
    assert shown.pop("revision") == 1 and shown == json.loads(sample().to_json())
    code, out, err = run(capsys, "--db", pg_url, "backup", str(tmp_path / "b.zip"))
    assert code == 2 and "pg_dump" in err
