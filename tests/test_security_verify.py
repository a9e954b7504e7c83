"""Verification states every fact (issue 10, hole 3): intact, covers the whole file, trusted or self-signed,
expired / not yet valid, signer vs the report's organ; exit 0 only when intact, unchanged after signing and the
certificate valid now. Bytes after the signed range — an appended metadata update, a changed byte in the
signature's padding, anything after %%EOF — are a change after signing, said as content or metadata only."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from cli.main import main
from model.output.pdf import export_pdf
from model.output.sign import create_organ_certificate, sign_pdf, verify_pdf
from model.sample import sample_report

SEAL = Path(__file__).resolve().parent / "fixtures" / "seal.png"
PASSWORD = "机关密码123"
ORGAN = "示范县人民政府办公室"


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("verify")


@pytest.fixture(scope="module")
def unsigned(work) -> Path:
    report = sample_report()
    assert report.agency == ORGAN
    return export_pdf(report, work / "报告.pdf", draft=False)


@pytest.fixture(scope="module")
def signed(work, unsigned) -> Path:
    key, _ = create_organ_certificate(work / "机关.p12", ORGAN, PASSWORD)
    return sign_pdf(unsigned, work / "signed.pdf", key, PASSWORD, SEAL)


def _p12(path: Path, organ: str, start: dt.datetime, end: dt.datetime) -> Path:
    """A self-signed organ certificate valid from ``start`` to ``end`` (in the past or the future)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [x509.NameAttribute(NameOID.ORGANIZATION_NAME, organ), x509.NameAttribute(NameOID.COMMON_NAME, organ)]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .sign(key, hashes.SHA256())
    )
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"k", key, cert, None, BestAvailableEncryption(PASSWORD.encode("utf-8"))
        )
    )
    return path


def verify_cli(capsys, path: Path) -> tuple[int, str]:
    code = main(["verify", str(path)])
    out, err = capsys.readouterr()
    return code, out + err


def test_an_expired_certificate_is_said_and_exits_1(work, unsigned, tmp_path, capsys):
    now = dt.datetime.now(dt.UTC)
    key = _p12(tmp_path / "old.p12", ORGAN, now - dt.timedelta(days=400), now - dt.timedelta(days=1))
    out = sign_pdf(unsigned, tmp_path / "old.pdf", key, PASSWORD, at=now - dt.timedelta(days=100))
    [s] = verify_pdf(out)
    assert s.intact and not s.modified and s.expired and not s.ok
    assert "证书已过期" in s.message and "签名有效" not in s.message
    code, text = verify_cli(capsys, out)
    assert code == 1 and "证书已过期" in text and "✗ 证书有效期" in text


def test_a_certificate_not_yet_valid_is_said_and_exits_1(unsigned, tmp_path, capsys):
    now = dt.datetime.now(dt.UTC)
    key = _p12(tmp_path / "new.p12", ORGAN, now + dt.timedelta(days=30), now + dt.timedelta(days=400))
    out = sign_pdf(unsigned, tmp_path / "new.pdf", key, PASSWORD, at=now + dt.timedelta(days=60))
    [s] = verify_pdf(out)
    assert s.not_yet_valid and not s.ok and "尚未生效" in s.message
    code, text = verify_cli(capsys, out)
    assert code == 1 and "尚未生效" in text


def test_every_fact_is_stated_for_a_good_signature(signed, capsys):
    code, text = verify_cli(capsys, signed)
    assert code == 0, text
    for fact in ("签名完整", "覆盖整个文件", "证书来源", "证书有效期", "签章机关"):
        assert f"✓ {fact}" in text
    assert "自签名" in text and "签章人与报告机关一致" in text


def test_a_signer_who_is_not_the_reports_organ_is_said(unsigned, tmp_path, capsys):
    key, _ = create_organ_certificate(tmp_path / "别的.p12", "另一个县人民政府办公室", PASSWORD)
    out = sign_pdf(unsigned, tmp_path / "other.pdf", key, PASSWORD)
    [s] = verify_pdf(out)
    assert s.organ_mismatch and "签章人与报告机关不一致" in s.message
    code, text = verify_cli(capsys, out)
    assert "✗ 签章机关" in text and "另一个县人民政府办公室" in text


def test_an_appended_metadata_update_is_a_change_after_signing(signed, tmp_path, capsys):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(signed.read_bytes()))
    info = w.trailer["/Info"].get_object()
    info["/Title"] = generic.TextStringObject("改过的标题")
    w.update_container(info)
    buf = io.BytesIO()
    w.write(buf)
    changed = tmp_path / "meta.pdf"
    changed.write_bytes(buf.getvalue())
    [s] = verify_pdf(changed)
    assert s.intact and s.modified and not s.ok and s.change == "metadata"
    code, text = verify_cli(capsys, changed)
    assert code == 1 and "只改动了元数据" in text and "✗ 覆盖整个文件" in text


def test_bytes_after_eof_are_a_change_after_signing(signed, tmp_path, capsys):
    changed = tmp_path / "eof.pdf"
    changed.write_bytes(signed.read_bytes() + b"\n% appended after %%EOF\n")
    [s] = verify_pdf(changed)
    assert s.modified and not s.ok and not s.covers_whole
    assert verify_cli(capsys, changed)[0] == 1


def test_a_changed_byte_in_the_signature_padding_is_a_change(signed, tmp_path, capsys):
    data = bytearray(signed.read_bytes())
    start = data.find(b"/Contents <") + len(b"/Contents <")
    end = data.find(b">", start)
    assert set(data[end - 40 : end]) == {ord("0")}  # the padding: zeros after the DER signature
    data[end - 10] = ord("7")
    changed = tmp_path / "pad.pdf"
    changed.write_bytes(bytes(data))
    [s] = verify_pdf(changed)
    assert s.intact and s.modified and not s.ok and s.change == "padding"
    code, text = verify_cli(capsys, changed)
    assert code == 1 and "填充" in text


def test_a_content_change_after_signing_is_said_as_content(signed, tmp_path):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(signed.read_bytes()))
    page = w.root["/Pages"]["/Kids"][0].get_object()
    page["/Contents"] = w.add_object(generic.StreamObject(stream_data=b"BT /F1 40 Tf 100 100 Td (X) Tj ET"))
    w.update_container(page)
    buf = io.BytesIO()
    w.write(buf)
    changed = tmp_path / "content.pdf"
    changed.write_bytes(buf.getvalue())
    [s] = verify_pdf(changed)
    assert s.modified and s.change == "content" and "页面内容已改变" in s.message


def test_the_window_shows_every_fact(qtbot, unsigned, tmp_path):
    from gui import output_dialogs as od

    now = dt.datetime.now(dt.UTC)
    key = _p12(tmp_path / "old.p12", ORGAN, now - dt.timedelta(days=400), now - dt.timedelta(days=1))
    out = sign_pdf(unsigned, tmp_path / "old.pdf", key, PASSWORD, at=now - dt.timedelta(days=100))
    dlg = od.VerifyDialog(out, trust_folder=tmp_path / "trust")
    qtbot.addWidget(dlg)
    headers = [dlg.table.verticalHeaderItem(r).text() for r in range(dlg.table.rowCount())]
    [s] = dlg.results
    assert headers[3:] == [what for what, _, _ in s.facts()]
    row = [dlg.table.item(r, 0).text() for r in range(dlg.table.rowCount())]
    assert "证书已过期" in row[2] and row[6].startswith("✗ 证书已过期") and row[3].startswith("✓")
    assert "过期" in dlg.summary.text() and "完好，签名后文件未被修改" not in dlg.summary.text()
