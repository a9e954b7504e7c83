"""Authenticode signing of the Windows bundle and installer with ``osslsigncode`` (Debian: ``apt-get install
osslsigncode``; on a Windows runner MSYS2's).

    python packaging/sign.py dist/nianbao --pkcs12 ORGAN.p12 --password-file PW.txt [--timestamp URL]
    python packaging/sign.py dist/nianbao-0.1.0-setup.exe --pkcs12 … --password-file …
    python packaging/sign.py build/windows-layout/nianbao --throwaway     (CI: a throw-away certificate)

Every PE file (``.exe``, ``.dll``, ``.pyd``) that carries no signature is signed (SHA-256, the program's
name and address in the signature) and then checked with ``osslsigncode verify`` against the signing
certificate; a file its maker already signed (Qt's DLLs, python311.dll on a release machine) keeps the
maker's signature. The real certificate and its password stay outside the repository: they are given on
the command line (the release workflow writes them from its secrets to a temporary folder).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

PE_SUFFIXES = (".exe", ".dll", ".pyd")
DESCRIPTION = "年报"
URL = "https://example.invalid/nianbao"  # the program's page; shown by Windows in the signature's details


@dataclass
class Result:
    signed: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # signed by their maker
    failed: dict[Path, str] = field(default_factory=dict)


def osslsigncode() -> str:
    tool = shutil.which("osslsigncode")
    if not tool:
        raise SystemExit("找不到 osslsigncode（Debian：apt-get install osslsigncode），无法签名。")
    return tool


def pe_files(target: Path) -> list[Path]:
    if target.is_file():
        return [target]
    return sorted(p for p in target.rglob("*") if p.is_file() and p.suffix.lower() in PE_SUFFIXES)


def has_signature(path: Path) -> bool:
    """Does the PE file carry an Authenticode signature (a security directory)?"""
    import pefile

    try:
        pe = pefile.PE(str(path), fast_load=True)
    except pefile.PEFormatError:
        return False
    try:
        entry = pe.OPTIONAL_HEADER.DATA_DIRECTORY[pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_SECURITY"]]
        return entry.VirtualAddress != 0 and entry.Size != 0
    finally:
        pe.close()


def throwaway_certificate(folder: Path, password: str = "throwaway") -> tuple[Path, Path, Path]:
    """A self-signed code-signing certificate for CI: (PKCS#12, password file, certificate PEM)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "年报 CI 测试签名（不可信）")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, True, False, False, False), critical=True
        )
        .sign(key, hashes.SHA256())
    )
    p12 = folder / "throwaway.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"nianbao-ci",
            key,
            cert,
            None,
            serialization.BestAvailableEncryption(password.encode()),
        )
    )
    pw = folder / "throwaway.password"
    pw.write_text(password, encoding="utf-8")
    pem = folder / "throwaway.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return p12, pw, pem


def _run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, encoding="utf-8", errors="replace")


def sign_file(path: Path, pkcs12: Path, password_file: Path, timestamp: str | None = None) -> None:
    """Sign one PE file in place (written to a temporary name beside it, then renamed)."""
    out = path.with_name(path.name + ".signing")
    cmd = [osslsigncode(), "sign", "-pkcs12", str(pkcs12), "-readpass", str(password_file)]
    cmd += ["-h", "sha256", "-n", DESCRIPTION, "-i", URL]
    if timestamp:
        cmd += ["-ts", timestamp]
    cmd += ["-in", str(path), "-out", str(out)]
    proc = _run(cmd)
    if proc.returncode != 0 or not out.is_file():
        out.unlink(missing_ok=True)
        raise RuntimeError((proc.stderr or proc.stdout).strip()[-800:])
    os.replace(out, path)


def verify_file(path: Path, ca_file: Path | None = None) -> tuple[bool, str]:
    cmd = [osslsigncode(), "verify"]
    if ca_file:
        cmd += ["-CAfile", str(ca_file)]
    cmd += ["-in", str(path)]
    proc = _run(cmd)
    text = proc.stdout + proc.stderr
    return proc.returncode == 0 and "Signature verification: ok" in text, text


def sign(
    target: Path,
    pkcs12: Path,
    password_file: Path,
    *,
    timestamp: str | None = None,
    ca_file: Path | None = None,
) -> Result:
    """Sign every unsigned PE file under ``target`` (or ``target`` itself) and verify each."""
    result = Result()
    for path in pe_files(target):
        if has_signature(path):
            result.kept.append(path)
            continue
        try:
            sign_file(path, pkcs12, password_file, timestamp)
        except RuntimeError as err:
            result.failed[path] = f"签名失败：{err}"
            continue
        ok, text = verify_file(path, ca_file)
        if ok:
            result.signed.append(path)
        else:
            result.failed[path] = f"签名验证未通过：{text.strip()[-800:]}"
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="用 osslsigncode 为 Windows 程序文件签名")
    parser.add_argument("target", type=Path, help="a folder (every PE file in it) or one file")
    parser.add_argument("--pkcs12", type=Path, help="the code-signing certificate with its key (.p12/.pfx)")
    parser.add_argument("--password-file", type=Path, help="a file holding the certificate's password")
    parser.add_argument("--timestamp", help="an RFC 3161 time-stamping service")
    parser.add_argument("--ca-file", type=Path, help="the certificates to verify against (default: system)")
    parser.add_argument(
        "--throwaway", action="store_true", help="CI: sign with a throw-away self-signed certificate"
    )
    args = parser.parse_args(argv)
    if not args.target.exists():
        parser.error(f"{args.target} does not exist")
    with tempfile.TemporaryDirectory(prefix="nianbao-sign-") as tmp:
        if args.throwaway:
            pkcs12, password_file, ca_file = throwaway_certificate(Path(tmp))
        else:
            if not (args.pkcs12 and args.password_file):
                parser.error("--pkcs12 and --password-file are needed (or --throwaway)")
            pkcs12, password_file, ca_file = args.pkcs12, args.password_file, args.ca_file
        result = sign(args.target, pkcs12, password_file, timestamp=args.timestamp, ca_file=ca_file)
    print(
        f"signed and verified {len(result.signed)} PE files, kept the maker's signature on "
        f"{len(result.kept)}, failed {len(result.failed)}"
    )
    for path, message in result.failed.items():
        print(f"{path}: {message}", file=sys.stderr)
    return 1 if result.failed or not (result.signed or result.kept) else 0


if __name__ == "__main__":
    sys.exit(main())
