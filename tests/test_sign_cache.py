"""The per-process key cache of signing (performance, issue 6) must not weaken anything: a wrong password still
fails after the right one was used, a changed key file is read again, and the signature stays PAdES with
SHA-256 and verifies."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.output import sign
from model.output.pdf import export_pdf
from model.output.sign import SigningError, create_organ_certificate, load_key, sign_pdf, verify_pdf
from model.sample import sample_report

SEAL = Path(__file__).resolve().parent / "fixtures" / "seal.png"
PASSWORD = "缓存测试密码1"


@pytest.fixture(scope="module")
def key(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("sign-cache")
    return create_organ_certificate(d / "机关.p12", "示范县人民政府办公室", PASSWORD)[0]


def test_wrong_password_fails_after_right_one(key):
    load_key(key, PASSWORD)
    assert sign._KEYS, "the key was not cached"
    with pytest.raises(SigningError, match="密码错误"):
        load_key(key, PASSWORD + "x")
    with pytest.raises(SigningError, match="密码错误"):
        load_key(key, "")


def test_replaced_key_file_is_read_again(key, tmp_path):
    first, cert1 = load_key(key, PASSWORD)
    other = create_organ_certificate(tmp_path / "新.p12", "另一机关", PASSWORD)[0]
    moved = tmp_path / "同名.p12"
    moved.write_bytes(key.read_bytes())
    assert load_key(moved, PASSWORD)[1].sha256 == cert1.sha256
    moved.write_bytes(other.read_bytes())
    assert load_key(moved, PASSWORD)[1].sha256 != cert1.sha256


def test_signature_from_cached_key_verifies_pades_sha256(key, tmp_path):
    pdf = export_pdf(sample_report(), tmp_path / "报告.pdf", draft=False)
    for name in ("一.pdf", "二.pdf"):  # the second signature uses the cached key
        out = sign_pdf(pdf, tmp_path / name, key, PASSWORD, SEAL)
        (status,) = verify_pdf(out, trust_folder=tmp_path / "trust")
        assert status.intact and not status.modified
    from pyhanko.pdf_utils.reader import PdfFileReader

    with open(out, "rb") as fh:
        (emb,) = PdfFileReader(fh).embedded_signatures
        assert emb.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
        assert emb.md_algorithm == "sha256"
        assert emb.signer_info["signature_algorithm"]["algorithm"].native in ("rsassa_pkcs1v15", "sha256_rsa")
