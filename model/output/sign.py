"""Digital signatures: PAdES B-B (SHA-256) with pyHanko from a PKCS#12 file; self-signed organ certificates;
verification against the clerk's trust store.

The visible signature is the organ's seal (a PNG, made PDF/A-safe) pressed onto the organ's name and the date
at the end of the report (the box :mod:`model.output.pdf` recorded), with the signer and the time in Chinese.
A signed file can be signed again (incremental update): earlier signatures stay valid.

Passwords are never stored. Every failure is a :class:`SigningError` with a Chinese message, and no output
file is left behind. pyHanko, cryptography and reportlab are imported on first use.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from model import files as files_mod
from model.files import app_data_dir

from .offline import keep_offline

keep_offline()  # before pyHanko is imported: its network time-stamp client (aiohttp) stays unloaded
logging.getLogger("pyhanko").addHandler(logging.NullHandler())
logging.getLogger("pyhanko_certvalidator").addHandler(logging.NullHandler())

__all__ = [
    "SigningError",
    "SignatureStatus",
    "create_organ_certificate",
    "sign_pdf",
    "seal_warnings",
    "report_facts",
    "signer_of",
    "verify_pdf",
    "trust_store_dir",
    "import_trusted_certificate",
    "trusted_certificates",
    "certificate_info",
]

MIN_PASSWORD = 6
FIELD_PREFIX = "Signature"
SEAL_GAP = 4 * 72 / 25.4
TEXT_SIZE = 6.5
#: the band under the seal for the signer and the time
TEXT_BAND = 2 * (TEXT_SIZE + 1.5) + 3
#: input caps: a seal image file and its pixels, a key file, a PDF to sign or verify
MAX_SEAL_BYTES = 16 * 1024 * 1024
MAX_SEAL_PIXELS = 16_000_000
MAX_KEY_BYTES = 1024 * 1024
MAX_PDF_BYTES = 64 * 1024 * 1024
#: a damaged PDF is repaired (pikepdf rebuilds its cross-reference: time and memory grow with it) up to this
MAX_REPAIR_BYTES = 8 * 1024 * 1024
#: the seal's printed size (the box model.output.pdf leaves for it) and the least resolution for print there
SEAL_MM = 42
SEAL_MIN_DPI = 300


class SigningError(Exception):
    """Signing or reading a key failed; ``str(err)`` is a Chinese message for the clerk."""


class VerifyError(Exception):
    """The file cannot be read as a PDF."""


# -------------------------------------------------------------------------------------------------
# the trust store


def trust_store_dir() -> Path:
    """The folder of certificates (.cer/.crt/.pem/.der) the clerk imported as trusted: in the user data folder
    beside the store's database (``NIANBAO_DATA_DIR`` overrides that folder)."""
    env = os.environ.get("NIANBAO_DATA_DIR")
    return (Path(env) if env else app_data_dir()) / "trusted-certificates"


def _load_certs(data: bytes):
    """asn1crypto certificates in PEM or DER ``data``."""
    from asn1crypto import pem, x509

    if pem.detect(data):
        return [x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
    cert = x509.Certificate.load(data)
    cert.native  # noqa: B018 — parse now, fail here
    return [cert]


def trusted_certificates(folder: Path | None = None) -> list:
    folder = folder or trust_store_dir()
    out = []
    if folder.is_dir():
        for p in sorted(folder.iterdir()):
            if p.suffix.lower() in (".cer", ".crt", ".pem", ".der"):
                try:
                    out.extend(_load_certs(p.read_bytes()))
                except Exception:  # an unreadable file in the folder is skipped
                    continue
    return out


def import_trusted_certificate(path: str | Path, folder: Path | None = None) -> Path:
    """Copy a certificate into the trust store; returns where it went."""
    path = Path(path)
    try:
        certs = _load_certs(path.read_bytes())
    except FileNotFoundError:
        raise SigningError(f"找不到证书文件“{path}”。") from None
    except Exception:
        raise SigningError(f"“{path.name}”不是有效的证书文件（.cer/.crt/.pem）。") from None
    folder = folder or trust_store_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{certs[0].sha256.hex()[:16]}{path.suffix.lower() or '.cer'}"
    shutil.copyfile(path, target)
    return target


# -------------------------------------------------------------------------------------------------
# certificates


def _cn(name) -> str:
    """The most telling part of an asn1crypto Name, for people."""
    native = name.native
    return native.get("common_name") or native.get("organization_name") or name.human_friendly


def certificate_info(cert) -> dict:
    """Subject, issuer, validity and whether self-signed, of an asn1crypto certificate."""
    return {
        "subject": _cn(cert.subject),
        "issuer": _cn(cert.issuer),
        "not_before": cert["tbs_certificate"]["validity"]["not_before"].native,
        "not_after": cert["tbs_certificate"]["validity"]["not_after"].native,
        "self_signed": cert.self_signed in ("maybe", "yes"),
        "sha256": cert.sha256.hex(),
        "organ": (cert.subject.native.get("organization_name") or "").strip(),
    }


def create_organ_certificate(
    out_p12: str | Path,
    organ: str,
    password: str,
    *,
    person: str | None = None,
    years: int = 5,
    overwrite: bool = False,
) -> tuple[Path, Path]:
    """A self-signed organ certificate: ``out_p12`` (key and certificate, protected by ``password``) and the
    certificate alone beside it (``.cer``, to give to whoever should trust it). Returns both paths."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    from .pdf import ExportError, write_atomic

    organ = organ.strip()
    if not organ:
        raise SigningError("请填写机关名称。")
    if len(password) < MIN_PASSWORD:
        raise SigningError(f"密码至少需要 {MIN_PASSWORD} 位。")
    out_p12 = Path(out_p12)
    out_cer = out_p12.with_suffix(".cer")
    if not overwrite and out_p12.exists():
        raise SigningError(f"文件“{out_p12.name}”已存在，请换一个文件名。")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cn = f"{organ} {person.strip()}" if person and person.strip() else organ
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organ),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    p12 = pkcs12.serialize_key_and_certificates(
        cn.encode("utf-8"), key, cert, None, serialization.BestAvailableEncryption(password.encode("utf-8"))
    )
    try:
        write_atomic(out_p12, p12)
        write_atomic(out_cer, cert.public_bytes(serialization.Encoding.PEM))
    except ExportError as err:
        raise SigningError(str(err)) from None
    return out_p12, out_cer


#: keys already read in this process: (file digest, keyed password digest) → (key, certificate, others). The
#: PKCS#12 key derivation and RSA's key check cost ~100 ms per read; a clerk signs several files in a row.
#: Nothing of it is written anywhere; the password itself is not kept (only an HMAC of it under a random
#: per-process key, so a wrong password still misses the cache and fails as before).
_KEYS: dict[tuple[bytes, bytes], tuple] = {}
_KEYS_MAX = 4
_CACHE_SALT = os.urandom(32)


def _cache_key(data: bytes, password: str) -> tuple[bytes, bytes]:
    import hashlib
    import hmac

    return (
        hashlib.sha256(data).digest(),
        hmac.new(_CACHE_SALT, password.encode("utf-8"), "sha256").digest(),
    )


def _read_p12(p12_path: Path, data: bytes, password: str):
    """(cryptography key, certificate, extra certificates) from PKCS#12 ``data``, or :class:`SigningError`."""
    from asn1crypto import core
    from cryptography.hazmat.primitives.serialization import pkcs12

    if "\x00" in (password or ""):  # (cryptography's PKCS#12 reader panics on it: never passed on)
        raise SigningError("证书密码错误（密码中含有空字符，可能选错了密码文件）。")
    ck = _cache_key(data, password)
    hit = _KEYS.get(ck)
    if hit is not None:
        return hit
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(
            data, password.encode("utf-8") if password else None
        )
    except Exception:
        try:
            core.Sequence.load(data, strict=True)
            structured = data[:1] == b"\x30"
        except Exception:
            structured = False
        if structured:
            raise SigningError("证书密码错误。") from None
        raise SigningError(f"“{p12_path.name}”不是有效的证书文件（.p12/.pfx）。") from None
    if key is None or cert is None:
        raise SigningError(f"“{p12_path.name}”中没有私钥和证书，不能用于签章。")
    if len(_KEYS) >= _KEYS_MAX:
        _KEYS.pop(next(iter(_KEYS)))
    _KEYS[ck] = (key, cert, tuple(extra or ()))
    return _KEYS[ck]


def _signer_class():
    """pyHanko's SimpleSigner that signs with the key object already loaded (pyHanko's own re-reads the key
    from DER for every signature it makes, twice per file with RSA's slow key check). Same signature: the
    mechanism comes from pyHanko as before; only the key is not parsed again."""
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko.sign.signers import SimpleSigner

    class LoadedKeySigner(SimpleSigner):
        def __init__(self, *args, pyca_key, **kwargs):
            super().__init__(*args, **kwargs)
            self._pyca_key = pyca_key

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)["algorithm"].native
            key = self._pyca_key
            hash_algo = get_pyca_cryptography_hash(digest_algorithm)
            if mechanism.endswith("_rsa") or mechanism == "rsassa_pkcs1v15":
                if isinstance(key, RSAPrivateKey):
                    return key.sign(data, PKCS1v15(), hash_algo)
            elif mechanism.endswith("_ecdsa") or mechanism == "ecdsa":
                if isinstance(key, EllipticCurvePrivateKey):
                    return key.sign(data, ECDSA(hash_algo))
            return super().sign_raw(data, digest_algorithm)

    return LoadedKeySigner


def _bytes_reserved(signer) -> int:
    """Room for the signature container in the PDF (hex digits): the certificates it carries plus 4 KiB for the
    signed attributes and the signature value (1 KiB even for an RSA-8192 key). Said beforehand, pyHanko does
    not make a whole dry-run signature first to estimate it (a third of the time a signature takes)."""
    certs = [signer.signing_cert, *(signer.cert_registry or ())]
    return 2 * (sum(len(c.dump()) for c in certs if c is not None) + 4096)


def load_key(p12_path: str | Path, password: str, *, at: dt.datetime | None = None):
    """(pyHanko signer, asn1crypto certificate) from a PKCS#12 file; :class:`SigningError` if it cannot be
    used (missing, unreadable, wrong password, no key, expired)."""
    from asn1crypto import keys, x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from model.files import InputTooLarge, NotRegularFile, read_input

    p12_path = Path(p12_path)
    try:
        data = read_input(p12_path, MAX_KEY_BYTES, "证书文件")
    except (InputTooLarge, NotRegularFile) as err:
        raise SigningError(str(err)) from None
    except FileNotFoundError:
        raise SigningError(f"找不到证书文件“{p12_path}”。") from None
    except OSError as err:
        raise SigningError(f"无法读取证书文件“{p12_path}”：{err.strerror or err}") from None
    key, cert, extra = _read_p12(p12_path, data, password)
    now = at or dt.datetime.now(dt.UTC)
    if cert.not_valid_after_utc < now:
        d = cert.not_valid_after_utc
        raise SigningError(f"证书已于 {d.year}年{d.month}月{d.day}日 过期，不能用于签章。")
    if cert.not_valid_before_utc > now:
        d = cert.not_valid_before_utc
        raise SigningError(f"证书自 {d.year}年{d.month}月{d.day}日 起才生效，现在不能用于签章。")
    a_cert = x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    a_key = keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    others = [x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in extra]
    signer = _signer_class()(
        signing_cert=a_cert,
        signing_key=a_key,
        cert_registry=SimpleCertificateStore.from_certs([a_cert, *others]),
        pyca_key=key,
    )
    return signer, a_cert


# -------------------------------------------------------------------------------------------------
# signing


def safe_seal_image(png_path: str | Path):
    """The seal as an 8-bit RGBA Pillow image without colour profile or gamma (PDF/A-safe; the alpha
    channel becomes a soft mask, which PDF/A-2 allows)."""
    from PIL import Image, UnidentifiedImageError

    from model.files import InputTooLarge, NotRegularFile, read_input

    try:
        data = read_input(png_path, MAX_SEAL_BYTES, "印章图片")
    except (InputTooLarge, NotRegularFile) as err:
        raise SigningError(str(err)) from None
    except OSError:
        data = b""  # not found: said below, as before
    try:
        with Image.open(io.BytesIO(data) if data else png_path) as im:
            if im.width * im.height > MAX_SEAL_PIXELS:  # checked before the pixels are decoded
                raise SigningError(
                    f"印章图片过大（{im.width}×{im.height} 像素），最大 {MAX_SEAL_PIXELS // 1_000_000} 百万像素。"
                    "请用 1000×1000 像素左右的图片。"
                )
            im.load()
            if im.mode in ("P", "PA") or (im.mode in ("L", "RGB") and "transparency" in im.info):
                im = im.convert("RGBA")
            elif im.mode not in ("RGBA", "RGB"):
                im = im.convert("RGBA")
            else:
                im = im.copy()
    except FileNotFoundError:
        raise SigningError(f"找不到印章图片“{png_path}”。") from None
    except Image.DecompressionBombError:  # Pillow's own limit, met while reading the header
        raise SigningError(
            f"印章图片过大，最大 {MAX_SEAL_PIXELS // 1_000_000} 百万像素。请用 1000×1000 像素左右的图片。"
        ) from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise SigningError(f"“{Path(png_path).name}”不是可用的 PNG 图片。") from None
    im.info = {}
    if im.mode == "RGBA" and im.getchannel("A").getextrema() == (255, 255):
        im = im.convert("RGB")
    return im


NO_DATE = "这份报告没有成文日期，不能签章。请先填写成文日期，再重新导出 PDF。"


def report_facts(pdf_path: str | Path) -> dict[str, str]:
    """What the PDF says of its report (the document information this program writes): ``organ``, ``date``
    (ISO; empty when the report has none, absent when the PDF does not say), ``status`` (草稿 / 定稿)."""
    import pikepdf

    try:
        with pikepdf.open(pdf_path) as pdf:
            info = {k: str(v) for k, v in pdf.docinfo.items()}
    except (pikepdf.PdfError, OSError):
        return {}
    out = {"organ": info.get("/Author", ""), "status": info.get("/NianbaoStatus", "")}
    if "/NianbaoDate" in info:
        out["date"] = info["/NianbaoDate"].strip()
    return out


def signer_of(p12_path: str | Path, password: str) -> str:
    """The certificate's signer (its common name); :class:`SigningError` when the key cannot be read."""
    _signer, cert = load_key(p12_path, password)
    return _cn(cert.subject)


def seal_warnings(png_path: str | Path) -> list[str]:
    """What the clerk should know about a seal image before signing, in Chinese (empty: nothing): an image
    too coarse for print — under 300 dpi at the seal's 42 mm."""
    im = safe_seal_image(png_path)
    px = min(im.size)
    dpi = px / (SEAL_MM / 25.4)
    if dpi < SEAL_MIN_DPI - 0.5:
        need = int(SEAL_MIN_DPI * SEAL_MM / 25.4 + 0.999)
        return [
            f"印章图片只有 {im.size[0]}×{im.size[1]} 像素，按 {SEAL_MM} 毫米印出时约 {dpi:.0f} dpi，"
            f"打印会模糊（至少需要 {SEAL_MIN_DPI} dpi，即 {need}×{need} 像素）。请换用更清晰的印章图片。"
        ]
    return []


def _appearance_pdf(path: Path, width: float, height: float, seal, lines: list[str]) -> None:
    """A one-page PDF of the box's size: the seal image and the signer's lines (embedded CJK face).

    The seal is drawn with multiply blending (PDF/A-2 allows blend modes): like ink on paper, its red darkens
    what is under it and the organ's name and the date stay readable through it."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    from . import fonts

    fonts.faces()
    song = fonts.font_chain("song")[0]
    c = Canvas(
        str(path), pagesize=(width, height), initialFontName=song, initialFontSize=7, pageCompression=1
    )
    text_h = TEXT_BAND
    if seal is not None:
        iw, ih = seal.size
        scale = min(width / iw, (height - text_h) / ih)
        w, h = iw * scale, ih * scale
        c.saveState()
        c.setBlendMode("Multiply")
        c.drawImage(
            ImageReader(seal),
            (width - w) / 2,
            text_h + (height - text_h - h) / 2,
            w,
            h,
            mask="auto" if seal.mode == "RGBA" else None,
        )
        c.restoreState()
    size = TEXT_SIZE
    c.setFillColorRGB(0.55, 0.0, 0.0)
    y = 2 + (len(lines) - 1) * (size + 1.5)
    for line in lines:
        t = c.beginText(2, y)
        for font, run in fonts.split_runs(line, "song"):
            t.setFont(font, size)
            t.textOut(run)
        c.drawText(t)
        y -= size + 1.5
    c.showPage()
    c.save()


def _seal_box(docinfo, n_existing: int, page_count: int):
    """(page index, box) for the next signature, or None for an invisible one."""
    raw = docinfo.get("/NianbaoSeal")
    if raw is None:
        return None
    try:
        page, x1, y1, x2, y2 = str(raw).split()
        page_i = int(page)
        box = [float(x1), float(y1), float(x2), float(y2)]
    except ValueError:
        return None
    if not 0 <= page_i < page_count:
        return None
    shift = n_existing * (box[2] - box[0] + SEAL_GAP)
    box[0] -= shift
    box[2] -= shift
    box[1] -= TEXT_BAND
    if box[0] < 0:
        return None
    return page_i, tuple(int(round(v)) for v in box)


def _one_producer(writer) -> None:
    """pyHanko appends its name to the document information's Producer but writes only its name into the XMP
    metadata's: PDF/A wants the two equal. So the Producer becomes pyHanko's name before it signs (it then
    leaves it as it is)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.metadata.model import VENDOR

    ref = writer._info
    if ref is None:
        return
    info = ref.get_object()
    info["/Producer"] = generic.TextStringObject(VENDOR)
    writer.mark_update(ref)


def sign_pdf(
    in_path: str | Path,
    out_path: str | Path,
    p12_path: str | Path,
    password: str,
    seal_png: str | Path | None = None,
    *,
    reason: str = "政府信息公开工作年度报告签章",
    at: dt.datetime | None = None,
) -> Path:
    """Sign ``in_path`` into ``out_path`` (PAdES B-B, SHA-256; may be the same path). Returns ``out_path``.

    Refuses a draft (a report with errors) and a file that is not PDF/A-2b.
    """
    import pikepdf
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import StaticStampStyle

    from .pdf import ExportError, write_atomic
    from .pdfa import check_pdfa

    in_path, out_path = Path(in_path), Path(out_path)
    try:
        data = in_path.read_bytes()
    except FileNotFoundError:
        raise SigningError(f"找不到文件“{in_path}”。") from None
    except OSError as err:
        raise SigningError(f"无法读取“{in_path}”：{err.strerror or err}") from None
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            status = str(pdf.docinfo.get("/NianbaoStatus", ""))
            page_count = len(pdf.pages)
            docinfo = {k: str(v) for k, v in pdf.docinfo.items()}
            n_existing = sum(
                1
                for f in (pdf.Root.get("/AcroForm", {}).get("/Fields") or [])
                if f.get("/FT") == pikepdf.Name.Sig
            )
    except pikepdf.PdfError:
        raise SigningError(f"“{in_path.name}”不是可读的 PDF 文件。") from None
    if status == "草稿":
        raise SigningError("这份报告仍有错误（草稿），不能签章。请先改正错误，再重新导出 PDF。")
    if "/NianbaoDate" in docinfo and not docinfo["/NianbaoDate"].strip():
        raise SigningError(NO_DATE)
    problems = check_pdfa(data)
    if problems:
        raise SigningError("文件不符合 PDF/A-2b，不能签章：" + "；".join(problems))
    signer, cert = load_key(p12_path, password, at=at)
    seal = safe_seal_image(seal_png) if seal_png else None
    now = (at or dt.datetime.now(dt.UTC)).astimezone()
    who = _cn(cert.subject)
    placement = _seal_box(docinfo, n_existing, page_count)
    field_name = f"{FIELD_PREFIX}{n_existing + 1}"
    with files_mod.temp_dir(prefix="nianbao-sign-") as tmp:
        stamp = None
        spec = fields.SigFieldSpec(field_name, on_page=0)
        if placement:
            page_i, box = placement
            w, h = box[2] - box[0], box[3] - box[1]
            lines = [f"签章人：{who}", f"时间：{now.year}年{now.month}月{now.day}日 {now:%H:%M}"]
            ap = Path(tmp) / "appearance.pdf"
            _appearance_pdf(ap, w, h, seal, lines)
            stamp = StaticStampStyle.from_pdf_file(str(ap), border_width=0)
            spec = fields.SigFieldSpec(field_name, on_page=page_i, box=box)
        meta = signers.PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason,
            name=who,
        )
        pdf_signer = signers.PdfSigner(meta, signer, stamp_style=stamp, new_field_spec=spec)
        out = io.BytesIO()
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
            _one_producer(writer)
            pdf_signer.sign_pdf(writer, output=out, bytes_reserved=_bytes_reserved(signer))
        except Exception as err:
            raise SigningError(f"签章失败：{err}") from None
    try:
        write_atomic(out_path, out.getvalue())
    except ExportError as err:
        raise SigningError(str(err)) from None
    return out_path


# -------------------------------------------------------------------------------------------------
# verification


@dataclass
class SignatureStatus:
    field: str
    signer: str
    time: dt.datetime | None
    #: the signed bytes are unchanged and the signature value matches them
    intact: bool
    #: the document was changed after this signature (bytes after its signed range that no later signature
    #: accounts for, or a changed byte in the signature's own padding)
    modified: bool
    #: the certificate chains to a certificate in the trust store
    trusted: bool
    self_signed: bool
    expired: bool
    issuer: str = ""
    #: what is wrong, in Chinese, where more is known than intact / modified
    problem: str = ""
    #: the certificate is not valid yet (its start lies in the future)
    not_yet_valid: bool = False
    #: the signature's range ends where the file ends
    covers_whole: bool = True
    #: what changed after signing: "content" (what the pages show), "metadata" (document information or
    #: bytes appended after the end of the file, the pages unchanged), "padding" (the signature's padding)
    change: str = ""
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None
    #: the organ the certificate names (its organisation, else its common name)
    signer_organ: str = ""
    #: the organ of the report (the PDF's author, as the program wrote it)
    report_organ: str = ""

    @property
    def ok(self) -> bool:
        """Intact, not changed afterwards, and the certificate valid now (trust is a separate fact)."""
        return self.intact and not self.modified and not self.expired and not self.not_yet_valid

    @property
    def organ_mismatch(self) -> bool:
        return bool(self.report_organ and self.signer_organ and self.signer_organ != self.report_organ)

    @property
    def change_text(self) -> str:
        return {
            "content": "文件在签名后被修改，页面内容已改变",
            "metadata": "文件在签名后被修改（只改动了元数据：文档信息或文件末尾追加的数据；页面内容未变）",
            "padding": "文件在签名后被修改（签名数据的填充部分被改动）",
        }.get(self.change, "文件在签名后被修改")

    @property
    def message(self) -> str:
        text = self._verdict()
        if self.organ_mismatch:
            text += f"；签章人与报告机关不一致（签章人：{self.signer_organ}，报告机关：{self.report_organ}）"
        return text

    def _verdict(self) -> str:
        if self.problem:
            return self.problem
        if not self.intact:
            return "签名已损坏：签名后的内容被改动，或签名本身无效"
        if self.modified:
            return f"签名完好，但{self.change_text}"
        if self.expired:
            return f"签名完好，但证书已过期（{_day(self.valid_until)} 到期）"
        if self.not_yet_valid:
            return f"签名完好，但证书尚未生效（{_day(self.valid_from)} 起生效）"
        if self.trusted:
            return "签名有效，证书受信任"
        if self.self_signed:
            return "签名有效；自签名机关证书（尚未导入为受信任证书）"
        return "签名完好；证书无法追溯到受信任的证书"

    def facts(self) -> list[tuple[str, bool, str]]:
        """Every fact of the verification, as (what, good?, said in Chinese) — shown by ``verify`` and the
        window's 验证签章 alike."""
        if self.trusted:
            trust = (True, "受信任")
        elif self.self_signed:
            trust = (True, "自签名机关证书（尚未导入为受信任证书）")
        else:
            trust = (False, f"无法追溯到受信任的证书（颁发者：{self.issuer or '未知'}）")
        if self.expired:
            validity = (False, f"证书已过期（{_day(self.valid_from)} 至 {_day(self.valid_until)}）")
        elif self.not_yet_valid:
            validity = (False, f"证书尚未生效（{_day(self.valid_from)} 至 {_day(self.valid_until)}）")
        else:
            validity = (True, f"在有效期内（{_day(self.valid_from)} 至 {_day(self.valid_until)}）")
        if not self.report_organ:
            organ = (True, f"签章人：{self.signer_organ or self.signer}（报告中未写机关）")
        elif self.organ_mismatch:
            organ = (
                False,
                f"签章人与报告机关不一致（签章人：{self.signer_organ}，报告机关：{self.report_organ}）",
            )
        else:
            organ = (True, f"签章人与报告机关一致（{self.report_organ}）")
        return [
            ("签名完整", self.intact, "签名的内容未被改动，签名值正确" if self.intact else "签名已损坏"),
            (
                "覆盖整个文件",
                not self.modified,
                ("是" if self.covers_whole else "是（其后只有后来的签章）")
                if not self.modified
                else self.change_text,
            ),
            ("证书来源", trust[0], trust[1]),
            ("证书有效期", validity[0], validity[1]),
            ("签章机关", organ[0], organ[1]),
        ]

    def time_text(self) -> str:
        if not self.time:
            return "未知"
        t = self.time.astimezone()
        return f"{t.year}年{t.month}月{t.day}日 {t:%H:%M:%S}"


def _day(t: dt.datetime | None) -> str:
    return f"{t.year}年{t.month}月{t.day}日" if t else "未知"


def verify_pdf(path: str | Path, *, trust_folder: Path | None = None) -> list[SignatureStatus]:
    """Every signature of the PDF at ``path``, checked, in signing order. :class:`VerifyError` only when the
    file is not a PDF at all; a damaged signature is a broken signature, listed with the others."""
    from model.files import InputTooLarge, NotRegularFile, read_input

    path = Path(path)
    try:
        data = read_input(path, MAX_PDF_BYTES, "PDF 文件")
    except (InputTooLarge, NotRegularFile) as err:
        raise VerifyError(str(err)) from None
    except FileNotFoundError:
        raise VerifyError(f"找不到文件“{path}”。") from None
    except OSError as err:
        raise VerifyError(f"无法读取“{path}”：{err.strerror or err}") from None
    roots = trusted_certificates(trust_folder)
    try:
        return [st for _, st in _verify_bytes(data, roots)]
    except _Unreadable as err:
        if b"/ByteRange" not in data and b"/Sig" not in data:  # no signature anywhere: nothing to repair for
            raise VerifyError(f"“{path.name}”不是可读的 PDF 文件（{err}）。") from None
        if len(data) > MAX_REPAIR_BYTES:
            raise VerifyError(
                f"“{path.name}”已损坏，且太大（{len(data) >> 20} MB），无法修复后核验其中的签名。"
            ) from None
        return _verify_damaged(path, data, roots, err)


class _Unreadable(Exception):
    pass


def _verify_bytes(data: bytes, roots) -> list[tuple[int, SignatureStatus]]:
    """pyHanko reads the file; each signature is checked on its own (one that cannot be parsed is broken).
    (end of the signed bytes, status) of each, in signing order."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields
    from pyhanko.sign.validation import EmbeddedPdfSignature

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        fields = list(enumerate_sig_fields(reader, filled_status=True))
    except (PdfReadError, ValueError, KeyError, IndexError, TypeError, AttributeError) as err:
        raise _Unreadable(str(err)) from None
    found: list[tuple[int, SignatureStatus]] = []
    for name, sig_obj, sig_field in fields:
        end = _byte_range_end(sig_obj)
        try:
            sig = EmbeddedPdfSignature(reader, sig_field, name)
        except Exception:  # a signature that cannot be parsed (damaged /Contents) is broken
            found.append((end, _broken(name, "签名已损坏：签名数据无法读取")))
            continue
        found.append((end, _check(sig, roots)))
    found.sort(key=lambda x: x[0])
    _after_signing(data, fields, found)
    return found


def _after_signing(data: bytes, fields: list, found: list[tuple[int, SignatureStatus]]) -> None:
    """What happened after each signature. Bytes after its signed range are a change after signing unless a
    later signature of this file accounts for them (pyHanko found only a new signature added: the second
    signing of a report); bytes after the last signature's range (an appended update, anything after
    ``%%EOF``) and a changed byte in a signature's padding always are. Also reads the report's organ."""
    last_end = max((end for end, _ in found), default=0)
    padding = {name: _padding_intact(data, sig_obj) for name, sig_obj, _ in fields}
    for end, st in found:
        st.report_organ = _report_organ(data[: min(end, len(data))])
        if not st.intact:
            continue
        st.covers_whole = end == len(data)
        if not padding.get(st.field, True):
            st.modified, st.change = True, "padding"
        elif not st.covers_whole and last_end < len(data):
            st.modified = True
        if st.modified and not st.change:
            st.change = _what_changed(data[:end], data)


def _padding_intact(data: bytes, sig_obj) -> bool:
    """Whether the signature's /Contents is its DER value followed by zeros only (the padding is outside the
    signed range: a changed byte there changes nothing the signature checks)."""
    try:
        br = [int(x) for x in sig_obj.get_object()["/ByteRange"]]
        hole = data[br[0] + br[1] : br[2]].strip()
        if not (hole.startswith(b"<") and hole.endswith(b">")):
            return False
        raw = bytes.fromhex(hole[1:-1].decode("ascii"))
        if raw[0] != 0x30:
            return False
        if raw[1] < 0x80:
            length, head = raw[1], 2
        else:
            n = raw[1] & 0x7F
            length, head = int.from_bytes(raw[2 : 2 + n], "big"), 2 + n
        return not raw[head + length :].strip(b"\0")
    except Exception:  # unreadable: pyHanko's own check says the signature is broken
        return True


def _report_organ(data: bytes) -> str:
    """The organ of the report: the PDF's author as the program wrote it ("" when unknown)."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return str(pdf.docinfo.get("/Author", "")).strip()
    except Exception:
        return ""


def _what_changed(signed: bytes, now: bytes) -> str:
    """ "content" when a page of ``now`` differs from the signed revision (its content streams, resources,
    annotations other than signature fields), else "metadata"."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(signed)) as a, pikepdf.open(io.BytesIO(now)) as b:
            if len(a.pages) != len(b.pages):
                return "content"
            for pa, pb in zip(a.pages, b.pages, strict=True):
                if _digest(pa.obj) != _digest(pb.obj):
                    return "content"
    except Exception:  # cannot compare: say the worse
        return "content"
    return "metadata"


def _digest(obj) -> str:
    """A hash of a page: every object it reaches (not its parent), streams by their raw bytes."""
    import hashlib

    import pikepdf

    h = hashlib.sha256()
    seen: set = set()
    todo = [obj]
    while todo:
        o = todo.pop()
        if isinstance(o, pikepdf.Dictionary | pikepdf.Stream | pikepdf.Array) and o.is_indirect:
            if o.objgen in seen:
                h.update(b"@")
                continue
            seen.add(o.objgen)
        if isinstance(o, pikepdf.Stream):
            h.update(b"S" + o.read_raw_bytes())
            todo.extend(v for k, v in sorted(o.items()) if k != "/Length")
        elif isinstance(o, pikepdf.Dictionary):
            if o.get("/FT") == pikepdf.Name.Sig:  # a signature field (a later signing): not content
                continue
            for k, v in sorted(o.items()):
                if k != "/Parent":
                    h.update(b"K" + k.encode())
                    todo.append(v)
        elif isinstance(o, pikepdf.Array):
            h.update(b"A%d" % len(o))
            todo.extend(reversed(list(o)))
        else:
            h.update(b"V" + repr(o).encode())
    return h.hexdigest()


def _byte_range_end(sig_obj) -> int:
    try:
        br = [int(x) for x in sig_obj.get_object()["/ByteRange"]]
        return br[2] + br[3]
    except Exception:
        return 1 << 62


def _broken(field: str, problem: str, signer: str = "（无法读取）") -> SignatureStatus:
    return SignatureStatus(
        field=field,
        signer=signer,
        time=None,
        intact=False,
        modified=False,
        trusted=False,
        self_signed=False,
        expired=False,
        problem=problem,
    )


def _check(sig, roots) -> SignatureStatus:
    from pyhanko.sign.diff_analysis.policy_api import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        info = certificate_info(sig.signer_cert)
        time = sig.self_reported_timestamp
    except Exception:
        return _broken(sig.field_name, "签名已损坏：签名者证书无法读取")
    vc = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    try:
        st = validate_pdf_signature(sig, vc)
        intact, valid, trusted = st.intact, st.valid, st.trusted
        coverage, level, docmdp = st.coverage, st.modification_level, st.docmdp_ok
    except Exception:  # whatever fails, the signature does not hold
        intact, valid, trusted = False, False, False
        coverage, level, docmdp = None, None, False
    covers_all = coverage == SignatureCoverageLevel.ENTIRE_FILE
    # a later signature adds a form field (FORM_FILLING); metadata updates (pyHanko: LTA_UPDATES) are not
    # allowed — the document information was changed after signing
    allowed = level in (ModificationLevel.NONE, ModificationLevel.FORM_FILLING)
    modified = intact and valid and not covers_all and not (docmdp and allowed)
    now = dt.datetime.now(dt.UTC)
    return SignatureStatus(
        field=sig.field_name,
        signer=info["subject"],
        time=time,
        intact=bool(intact and valid),
        modified=bool(modified),
        trusted=bool(trusted),
        self_signed=info["self_signed"],
        expired=info["not_after"] < now,
        issuer=info["issuer"],
        not_yet_valid=info["not_before"] > now,
        covers_whole=covers_all,
        valid_from=info["not_before"],
        valid_until=info["not_after"],
        signer_organ=info.get("organ") or info["subject"],
    )


def _verify_damaged(path: Path, data: bytes, roots, err: Exception) -> list[SignatureStatus]:
    """pyHanko cannot read the file (truncated, its last cross-reference lost): where pikepdf can still
    repair it, each signature is checked on the part of the file it signed. A signature whose signed bytes
    are gone is broken; one whose bytes are all there is intact, but the file was changed after it."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            ranges = _signature_ranges(pdf)
    except Exception:  # not a PDF even for pikepdf
        raise VerifyError(f"“{path.name}”不是可读的 PDF 文件（{err}）。") from None
    # signature dictionaries pikepdf no longer reaches from the form (their revision's cross-reference lost)
    known = {end for _, end in ranges}
    for m in re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data):
        end = int(m.group(3)) + int(m.group(4))
        if end not in known:
            known.add(end)
            ranges.append(("", end))
    out: list[SignatureStatus] = []
    for name, end in sorted(ranges, key=lambda x: x[1]):
        if end > len(data):
            out.append(_broken(name, "签名已损坏：文件不完整（被截断），签名的内容已缺失"))
            continue
        try:
            earlier = dict(_verify_bytes(data[:end], roots))
        except _Unreadable:
            earlier = {}
        st = earlier.get(end)
        if st is None:
            out.append(_broken(name, "签名已损坏：文件已损坏，签名无法核验"))
            continue
        if st.intact:
            st.modified = True
            st.problem = "签名完好，但文件在签名后被改动或损坏（文件不完整）"
        out.append(st)
    return out


def _signature_ranges(pdf) -> list[tuple[str, int]]:
    """(field name, end of the signed bytes) of every signature field, read by pikepdf (of a damaged file:
    a field without its value counts, its end past the end of the file)."""
    out: list[tuple[str, int]] = []
    acro = pdf.Root.get("/AcroForm")
    if acro is None:
        return out
    todo = [(f, "") for f in acro.get("/Fields", [])]
    while todo:
        f, prefix = todo.pop(0)
        name = prefix + str(f.get("/T", ""))
        if "/Kids" in f:
            todo.extend((k, name + ".") for k in f.Kids)
        v = f.get("/V")
        if f.get("/FT") != "/Sig":
            continue
        if v is not None and "/ByteRange" in v:
            br = [int(x) for x in v.ByteRange]
            out.append((name, br[2] + br[3]))
        else:  # the field is there, its value lost with the damaged part of the file
            out.append((name, 1 << 62))
    return out
