"""Signing and verification: intact, tampered, signed twice, trust store, and failures that leave no file."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from model.output.pdf import export_pdf
from model.output.pdfa import check_pdfa
from model.output.sign import (
    SigningError,
    VerifyError,
    create_organ_certificate,
    import_trusted_certificate,
    sign_pdf,
    verify_pdf,
)
from model.sample import sample_report

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEAL = FIXTURES / "seal.png"
PASSWORD = "机关密码123"


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("sign")


@pytest.fixture(scope="module")
def unsigned(work) -> Path:
    return export_pdf(sample_report(), work / "报告.pdf", draft=False)


@pytest.fixture(scope="module")
def organ_key(work) -> tuple[Path, Path]:
    return create_organ_certificate(work / "机关证书.p12", "示范县人民政府办公室", PASSWORD)


@pytest.fixture(scope="module")
def head_key(work) -> tuple[Path, Path]:
    return create_organ_certificate(
        work / "head.p12", "示范县人民政府办公室", "另一个签章密码", person="张喆"
    )


@pytest.fixture(scope="module")
def signed(work, unsigned, organ_key) -> Path:
    return sign_pdf(unsigned, work / "signed.pdf", organ_key[0], PASSWORD, SEAL)


@pytest.fixture
def empty_trust(tmp_path) -> Path:
    return tmp_path / "trust"


def test_signature_is_intact_for_pyhanko(signed):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature

    with signed.open("rb") as f:
        sigs = PdfFileReader(f).embedded_signatures
        assert len(sigs) == 1
        from pyhanko_certvalidator import ValidationContext

        status = validate_pdf_signature(sigs[0], ValidationContext(trust_roots=[], allow_fetching=False))
        assert status.intact and status.valid
        assert status.md_algorithm == "sha256"
        # PAdES: ETSI.CAdES.detached
        assert str(sigs[0].sig_object["/SubFilter"]) == "/ETSI.CAdES.detached"


def test_verify_reports_self_signed_not_invalid(signed, empty_trust):
    [s] = verify_pdf(signed, trust_folder=empty_trust)
    assert s.ok and s.intact and not s.modified
    assert s.self_signed and not s.trusted
    assert "自签名" in s.message and "损坏" not in s.message
    assert s.signer == "示范县人民政府办公室"
    assert s.time is not None and abs((dt.datetime.now(dt.UTC) - s.time).total_seconds()) < 600


def test_trusted_after_import(signed, organ_key, tmp_path):
    folder = tmp_path / "trust"
    import_trusted_certificate(organ_key[1], folder)
    [s] = verify_pdf(signed, trust_folder=folder)
    assert s.trusted and s.ok and "受信任" in s.message


def test_signed_file_is_still_pdfa_and_fonts_embedded(signed):
    import pikepdf

    from model.output.pdfa import _embedded, _fonts_of

    assert check_pdfa(signed) == []
    assert b"Helvetica" not in signed.read_bytes() and b"/Helv" not in signed.read_bytes()
    with pikepdf.open(signed) as pdf:
        [field] = pdf.Root.AcroForm.Fields
        fonts = list(_fonts_of(field.AP.N, set()))
        assert fonts and all(_embedded(f) for f in fonts)  # the signer's name is set in an embedded CJK face


def test_one_changed_byte_is_detected(signed, tmp_path):
    data = bytearray(signed.read_bytes())
    # change a byte inside the signed range: the first page's content stream is covered
    i = data.index(b"stream", 2000) + 20
    data[i] = (data[i] + 1) % 256
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(bytes(data))
    [s] = verify_pdf(bad)
    assert not s.intact and not s.ok
    assert "损坏" in s.message


def test_change_appended_after_signing_is_detected(signed, tmp_path):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(signed.read_bytes()))
    page_ref = w.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 40 Tf 100 100 Td (X) Tj ET")
    page["/Contents"] = w.add_object(stream)
    w.update_container(page)
    out = io.BytesIO()
    w.write(out)
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(out.getvalue())
    [s] = verify_pdf(changed)
    assert s.intact and s.modified and not s.ok
    assert "修改" in s.message


def test_second_signature_keeps_the_first(signed, head_key, work):
    twice = sign_pdf(signed, work / "twice.pdf", head_key[0], "另一个签章密码", SEAL)
    results = verify_pdf(twice)
    assert [s.ok for s in results] == [True, True]
    assert results[1].signer.endswith("张喆")
    assert check_pdfa(twice) == []


def test_wrong_password_leaves_no_file(unsigned, organ_key, tmp_path):
    out = tmp_path / "out.pdf"
    with pytest.raises(SigningError, match="密码错误"):
        sign_pdf(unsigned, out, organ_key[0], "wrong-password")
    assert list(tmp_path.iterdir()) == []


def test_missing_key_leaves_no_file(unsigned, tmp_path):
    out = tmp_path / "out.pdf"
    with pytest.raises(SigningError, match="找不到证书文件"):
        sign_pdf(unsigned, out, tmp_path / "none.p12", PASSWORD)
    assert not out.exists()


def test_unreadable_key(unsigned, tmp_path):
    junk = tmp_path / "junk.p12"
    junk.write_bytes(b"this is not a key")
    with pytest.raises(SigningError, match="不是有效的证书文件"):
        sign_pdf(unsigned, tmp_path / "out.pdf", junk, PASSWORD)
    assert not (tmp_path / "out.pdf").exists()


def test_expired_certificate_is_refused(unsigned, organ_key, tmp_path):
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=365 * 6)
    with pytest.raises(SigningError, match="过期"):
        sign_pdf(unsigned, tmp_path / "out.pdf", organ_key[0], PASSWORD, at=later)
    assert not (tmp_path / "out.pdf").exists()


def test_draft_cannot_be_signed(organ_key, tmp_path):
    draft = export_pdf(sample_report(), tmp_path / "draft.pdf", draft=True)
    with pytest.raises(SigningError, match="草稿"):
        sign_pdf(draft, tmp_path / "out.pdf", organ_key[0], PASSWORD)
    assert not (tmp_path / "out.pdf").exists()


def test_not_pdfa_cannot_be_signed(organ_key, tmp_path):
    from model.output.pdf import render_pdf_bytes

    data, _ = render_pdf_bytes(sample_report(), draft=False)
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(data)
    with pytest.raises(SigningError, match="PDF/A"):
        sign_pdf(plain, tmp_path / "out.pdf", organ_key[0], PASSWORD)


def test_bad_seal_image(unsigned, organ_key, tmp_path):
    bad = tmp_path / "seal.png"
    bad.write_text("not an image", encoding="utf-8")
    with pytest.raises(SigningError, match="PNG"):
        sign_pdf(unsigned, tmp_path / "out.pdf", organ_key[0], PASSWORD, bad)
    assert not (tmp_path / "out.pdf").exists()


def test_palette_seal_is_made_safe(tmp_path):
    from PIL import Image

    from model.output.sign import safe_seal_image

    im = Image.new("P", (20, 20), 0)
    im.putpalette([255, 0, 0, 255, 255, 255])
    im.paste(1, (0, 0, 10, 20))
    im.info["transparency"] = 1
    p = tmp_path / "p.png"
    im.save(p)
    safe = safe_seal_image(p)
    assert safe.mode == "RGBA" and not safe.info


def test_certificate_password_rules(tmp_path):
    with pytest.raises(SigningError, match="至少"):
        create_organ_certificate(tmp_path / "a.p12", "某局", "123")
    with pytest.raises(SigningError, match="机关名称"):
        create_organ_certificate(tmp_path / "a.p12", " ", "123456")
    create_organ_certificate(tmp_path / "a.p12", "某局", "123456")
    with pytest.raises(SigningError, match="已存在"):
        create_organ_certificate(tmp_path / "a.p12", "某局", "123456")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.cer", "a.p12"]
    assert b"123456" not in (tmp_path / "a.p12").read_bytes()


def test_verify_unreadable_and_unsigned(unsigned, tmp_path):
    with pytest.raises(VerifyError):
        verify_pdf(tmp_path / "missing.pdf")
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\nnonsense")
    with pytest.raises(VerifyError):
        verify_pdf(junk)
    assert verify_pdf(unsigned) == []


def _damage_contents(data: bytes, which: int, offset: int) -> bytes:
    """One hex digit of the ``which``-th signature's /Contents changed (``offset`` digits into it)."""
    starts = []
    i = data.find(b"/Contents <")
    while i != -1:
        starts.append(i + len(b"/Contents <"))
        i = data.find(b"/Contents <", i + 1)
    start = starts[which]
    if offset < 0:  # from the end of the DER (30 82 LL LL …): the signature value
        der_len = 4 + int(data[start + 4 : start + 8], 16)
        offset += 2 * der_len
    j = start + offset
    out = bytearray(data)
    out[j] = ord("0") if out[j] != ord("0") else ord("7")
    return bytes(out)


@pytest.mark.parametrize("offset", [5, 30, -20])
def test_damaged_signature_is_broken_and_the_others_listed(signed, head_key, work, tmp_path, offset):
    twice = work / "twice.pdf"
    if not twice.exists():
        sign_pdf(signed, twice, head_key[0], "另一个签章密码", SEAL)
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(_damage_contents(twice.read_bytes(), 1, offset))
    first, second = verify_pdf(bad)
    assert first.ok and first.signer == "示范县人民政府办公室"
    assert not second.intact and not second.ok and "损坏" in second.message
    one = tmp_path / "one.pdf"
    one.write_bytes(_damage_contents(signed.read_bytes(), 0, offset))
    [s] = verify_pdf(one)
    assert not s.ok and "损坏" in s.message


def test_truncated_signed_file(signed, head_key, work, tmp_path):
    twice = work / "twice.pdf"
    if not twice.exists():
        sign_pdf(signed, twice, head_key[0], "另一个签章密码", SEAL)
    data = twice.read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[:-300])  # the second revision's end (xref, trailer) lost
    first, second = verify_pdf(cut)
    assert first.intact and first.modified and not first.ok  # its bytes are there; the file changed after
    assert not second.intact and "截断" in second.message
    # cut inside the first signature's signed bytes: pikepdf still repairs it, nothing holds
    cut.write_bytes(data[: len(signed.read_bytes()) - 2000])
    results = verify_pdf(cut)
    assert results and not any(s.ok for s in results)
    # so little left that it is no PDF any more: cannot be read
    cut.write_bytes(data[:1000])
    with pytest.raises(VerifyError):
        verify_pdf(cut)
