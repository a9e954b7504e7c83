"""``export`` and ``verify`` on the command line: outputs, exit statuses, no file left on failure."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cli.main import main
from model.output.sign import create_organ_certificate
from model.sample import sample_report

SEAL = Path(__file__).resolve().parent / "fixtures" / "seal.png"


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    report = d / "报告.nianbao.json"
    report.write_text(sample_report().to_json(), encoding="utf-8")
    p12, cer = create_organ_certificate(d / "key.p12", "示范县人民政府办公室", "secret-123")
    pw = d / "pw.txt"
    pw.write_text("secret-123\n", encoding="utf-8")
    return d, report, p12, pw


def test_export_sign_html_and_verify(setup, capsys):
    d, report, p12, pw = setup
    out = d / "签章版.pdf"
    html = d / "报告.html"
    args = ["export", str(report), "-o", str(out), "--sign", str(p12), "--password-file", str(pw)]
    assert main([*args, "--seal", str(SEAL), "--html", str(html)]) == 0
    assert out.read_bytes().startswith(b"%PDF") and "<table" in html.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["verify", str(out)]) == 0
    assert "自签名" in capsys.readouterr().out

    tampered = d / "tampered.pdf"
    data = bytearray(out.read_bytes())
    i = data.index(b"stream", 2000) + 20
    data[i] ^= 0x01
    tampered.write_bytes(bytes(data))
    assert main(["verify", str(tampered)]) == 1


def test_verify_exit_statuses(setup, tmp_path, capsys):
    d, report, _, _ = setup
    assert main(["verify", str(tmp_path / "none.pdf")]) == 2
    assert main(["verify", str(report)]) == 2  # not a PDF
    unsigned = tmp_path / "u.pdf"
    assert main(["export", str(report), "-o", str(unsigned)]) == 0
    assert main(["verify", str(unsigned)]) == 1  # no signature to vouch for it
    assert "没有数字签名" in capsys.readouterr().out


def test_wrong_password_leaves_nothing(setup, tmp_path, capsys):
    d, report, p12, _ = setup
    pw = tmp_path / "pw"
    pw.write_text("wrong", encoding="utf-8")
    out = tmp_path / "out.pdf"
    assert main(["export", str(report), "-o", str(out), "--sign", str(p12), "--password-file", str(pw)]) == 2
    assert "密码错误" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pw"]


def test_missing_key_and_bad_input(setup, tmp_path, capsys):
    d, report, _, pw = setup
    out = tmp_path / "out.pdf"
    assert (
        main(
            [
                "export",
                str(report),
                "-o",
                str(out),
                "--sign",
                str(tmp_path / "k.p12"),
                "--password-file",
                str(pw),
            ]
        )
        == 2
    )
    assert not out.exists()
    assert main(["export", str(tmp_path / "missing.json"), "-o", str(out)]) == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["export", str(bad), "-o", str(out)]) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert "Traceback" not in err and "错误" in err


def test_draft_cannot_be_signed_on_the_command_line(setup, tmp_path, capsys):
    d, _, p12, pw = setup
    r = sample_report()
    r.cells["t3.new.total"] = 12345
    src = tmp_path / "r.json"
    src.write_text(r.to_json(), encoding="utf-8")
    out = tmp_path / "out.pdf"
    assert main(["export", str(src), "-o", str(out), "--sign", str(p12), "--password-file", str(pw)]) == 2
    assert not out.exists() and "错误" in capsys.readouterr().err
    assert main(["export", str(src), "-o", str(out)]) == 0
    assert "草稿" in capsys.readouterr().out


def test_published_report_exports(shared_published, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    import subprocess

    src = shared_published / "021_huaian-city-gov_2024.txt"
    out = tmp_path / "021.pdf"
    assert main(["export", str(src), "-o", str(out)]) == 0
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, encoding="utf-8"
    ).stdout
    assert "淮安市人民政府" in text and "3119" in text


def test_verify_damaged_and_truncated_signatures(setup, tmp_path, capsys):
    d, report, p12, pw = setup
    out = tmp_path / "s.pdf"
    args = ["export", str(report), "-o", str(out), "--sign", str(p12), "--password-file", str(pw)]
    assert main(args) == 0
    data = out.read_bytes()
    i = data.index(b"/Contents <") + len(b"/Contents <") + 5
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(data[:i] + (b"0" if data[i : i + 1] != b"0" else b"7") + data[i + 1 :])
    capsys.readouterr()
    assert (
        main(["verify", str(bad)]) == 1
    )  # a damaged signature is a broken signature, not an unreadable file
    assert "签名 1" in capsys.readouterr().out
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[:-200])
    assert main(["verify", str(cut)]) == 1
    assert "截断" in capsys.readouterr().out
