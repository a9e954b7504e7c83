"""Finalising puts the PDF into the archive; a signed PDF of a final report joins it; export from the store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from model.finalize import archive_signed, finalize, pdf_name
from model.sample import AGENCY, YEAR, sample_report
from model.store import NotFinalizableError, Store
from tests.conftest import ROOT


@pytest.fixture
def store(tmp_path):
    s = Store.open(f"sqlite:///{tmp_path / '年报.sqlite'}", archive_root=tmp_path / "归档")
    yield s
    s.close()


def test_finalize_archives_the_pdf_with_its_hash(store):
    info = store.save_report(sample_report())
    done = finalize(store, info.id)
    assert done.problem is None and done.pdf == done.folder / pdf_name(AGENCY, YEAR)
    assert done.pdf.read_bytes().startswith(b"%PDF")
    manifest = json.loads((done.folder / "manifest.json").read_text(encoding="utf-8"))
    assert pdf_name(AGENCY, YEAR) in manifest["files"]
    assert store.archive_verify() == []
    done.pdf.write_bytes(done.pdf.read_bytes() + b"%")  # tampering is seen
    assert any(pdf_name(AGENCY, YEAR) in p for p in store.archive_verify())


def test_a_report_with_errors_is_not_finalised_and_nothing_archived(store, tmp_path):
    report = sample_report()
    report.cells["t3.total.total"] = 0
    info = store.save_report(report)
    with pytest.raises(NotFinalizableError):
        finalize(store, info.id)
    assert not store.info(info.id).is_final
    assert not any((tmp_path / "归档").rglob("*.pdf"))


def test_signed_pdf_joins_the_archive(store, tmp_path):
    info = store.save_report(sample_report())
    done = finalize(store, info.id)
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(
        done.pdf.read_bytes()
    )  # stands in for a signed copy: the archive only copies and hashes
    path = archive_signed(store, info.id, signed)
    assert path.name == pdf_name(AGENCY, YEAR, signed=True) and path.read_bytes() == signed.read_bytes()
    assert store.archive_verify() == []


def run(*args: str, env_db: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--db", f"sqlite:///{env_db}", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=180,
    )


@pytest.mark.slow
def test_command_line_finalize_and_export_signed_from_the_store(tmp_path, monkeypatch):
    from model.output.sign import create_organ_certificate, verify_pdf

    monkeypatch.setenv("NIANBAO_ARCHIVE", str(tmp_path / "归档"))
    db = tmp_path / "年报.sqlite"
    src = tmp_path / "示范.nianbao.json"
    src.write_text(sample_report().to_json(), encoding="utf-8")
    assert run("store", "save", str(src), env_db=db).returncode == 0
    p = run("store", "finalize", AGENCY, str(YEAR), env_db=db)
    assert p.returncode == 0, p.stderr
    folder = next((tmp_path / "归档").rglob("manifest.json")).parent
    assert (folder / pdf_name(AGENCY, YEAR)).is_file()

    key, _ = create_organ_certificate(tmp_path / "机关.p12", AGENCY, "正确的证书密码")
    (tmp_path / "pw.txt").write_text("正确的证书密码\n", encoding="utf-8")
    out = tmp_path / "签章版.pdf"
    p = run(
        "export", "--organ", AGENCY, "--year", str(YEAR), "-o", str(out),
        "--sign", str(key), "--password-file", str(tmp_path / "pw.txt"), env_db=db,
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    assert [s.ok for s in verify_pdf(out)] == [True]
    archived = folder / pdf_name(AGENCY, YEAR, signed=True)
    assert archived.read_bytes() == out.read_bytes()
    assert run("archive", "verify", env_db=db).returncode == 0


@pytest.mark.parametrize(
    "args, words",
    [
        (["export", "--organ", "没有的机关", "--year", "2024", "-o", "x.pdf"], "没有"),
        (["export", "-o", "x.pdf"], "请指定报告文件"),
    ],
)
def test_export_from_the_store_refuses_clearly(tmp_path, args, words):
    p = run(*args, env_db=tmp_path / "年报.sqlite")
    assert p.returncode == 2 and words in p.stderr and "Traceback" not in p.stderr
