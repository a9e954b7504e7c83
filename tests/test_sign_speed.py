"""Signing without pyHanko's dry-run estimate (issue 14): the room for the signature is said beforehand, and it
is enough for a large key with a certificate chain."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from model.output.pdf import export_pdf
from model.output.sign import sign_pdf, verify_pdf
from model.sample import sample_report

SEAL = Path(__file__).resolve().parent / "fixtures" / "seal.png"
PASSWORD = "签章密码-123"


def _chain_p12(path: Path, key_size: int) -> Path:
    """A PKCS#12 with a ``key_size`` RSA key whose certificate an intermediate CA issued, the intermediate and
    the root carried along (what a clerk's key from a CA looks like)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)

    def name(cn: str) -> x509.Name:
        return x509.Name(
            [x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"), x509.NameAttribute(NameOID.COMMON_NAME, cn)]
        )

    def cert(subject, key, issuer, issuer_key, ca: bool):
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if not ca:
            usage = dict.fromkeys(
                ("key_encipherment", "data_encipherment", "key_agreement", "key_cert_sign", "crl_sign"), False
            )
            builder = builder.add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    encipher_only=False,
                    decipher_only=False,
                    **usage,
                ),
                critical=True,
            )
        return builder.sign(issuer_key, hashes.SHA256())

    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    mid_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    root = cert(name("示范根证书"), root_key, name("示范根证书"), root_key, True)
    mid = cert(name("示范中级证书"), mid_key, root.subject, root_key, True)
    leaf = cert(name("示范县人民政府办公室"), key, mid.subject, mid_key, False)
    data = pkcs12.serialize_key_and_certificates(
        b"organ", key, leaf, [mid, root], serialization.BestAvailableEncryption(PASSWORD.encode("utf-8"))
    )
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def unsigned(tmp_path_factory) -> Path:
    return export_pdf(sample_report(), tmp_path_factory.mktemp("speed") / "报告.pdf", draft=False)


def test_no_dry_run_signature(tmp_path, unsigned, monkeypatch):
    """pyHanko would make a whole signature first to estimate the room it needs; we say it beforehand."""
    from pyhanko.sign.signers.pdf_signer import PdfSigningSession

    from model.output.sign import create_organ_certificate

    def estimate(*_args, **_kwargs):
        raise AssertionError("pyHanko estimated the signature size (a dry-run signature)")

    monkeypatch.setattr(PdfSigningSession, "estimate_signature_container_size", estimate)
    key, _ = create_organ_certificate(tmp_path / "k.p12", "示范县人民政府办公室", PASSWORD)
    signed = sign_pdf(unsigned, tmp_path / "signed.pdf", key, PASSWORD, SEAL)
    (status,) = verify_pdf(signed)
    assert status.intact and not status.modified


def test_room_enough_for_a_large_key_and_a_chain(tmp_path, unsigned):
    key = _chain_p12(tmp_path / "chain.p12", 4096)
    signed = sign_pdf(unsigned, tmp_path / "signed.pdf", key, PASSWORD, SEAL)
    (status,) = verify_pdf(signed)
    assert status.intact and not status.modified
    assert "示范县人民政府办公室" in status.signer
    # and signing it again (a second signature after the first) has room too
    twice = sign_pdf(signed, tmp_path / "twice.pdf", key, PASSWORD)
    assert [s.intact for s in verify_pdf(twice)] == [True, True]
