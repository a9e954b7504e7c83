"""No limit on size or work was a hole (issue 10, hole 5): ``python main.py`` on a FIFO, /dev/zero, a huge text, a
zip-bomb .docx, a huge PNG seal or deeply nested JSON now exits 2 within 10 s with memory under 300 MB and a
clear Chinese message; regular files only; prose per section capped. Each run is a real ``main.py`` process
whose time and peak memory are measured."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from test_store import SAMPLE, sample

from model.report import MAX_PROSE_CHARS, ReportError
from model.store import Store, StoreError, sqlite_url

ROOT = Path(__file__).resolve().parents[1]
posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, /dev/zero and getrusage are POSIX")

#: main.py run in-process under a wrapper that prints its own peak memory (KB) last on stderr
WRAPPER = r"""
import resource, runpy, sys
sys.argv = ["main.py", *sys.argv[1:]]
code = 0
try:
    runpy.run_path(MAIN, run_name="__main__")
except SystemExit as e:
    code = e.code if isinstance(e.code, int) else 1
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:  # this process's own peak (ru_maxrss keeps the forking parent's across exec on Linux)
    peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
except (OSError, StopIteration):
    pass
sys.stderr.write("\nMAXRSS %d\n" % peak)
sys.exit(code)
"""


def run_main(*args: str, timeout: float = 10) -> tuple[int, str, float, int]:
    """(exit status, stderr, seconds, peak memory in MB) of ``python main.py ARGS``."""
    code = WRAPPER.replace("MAIN", repr(str(ROOT / "main.py")))
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    t = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=timeout + 20
    )
    elapsed = time.monotonic() - t
    err, _, rss = proc.stderr.rpartition("MAXRSS ")
    return proc.returncode, err, elapsed, int(rss.strip() or 0) // 1024


def assert_refused(args: tuple[str, ...], said: str) -> None:
    code, err, elapsed, mb = run_main(*args)
    assert code == 2, err
    assert said in err and "Traceback" not in err and "程序内部出错" not in err, err
    assert elapsed < 10, f"{elapsed:.1f} s"
    assert mb < 300, f"{mb} MB"


@posix_only
@pytest.mark.parametrize("verb", ["import", "check"])
def test_a_fifo_is_refused_without_blocking(tmp_path, verb):
    fifo = tmp_path / "报告.txt"
    os.mkfifo(fifo)
    assert_refused((verb, str(fifo)), "管道")


@posix_only
def test_dev_zero_is_refused():
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    assert_refused(("import", "/dev/zero"), "不是普通文件")


@posix_only
def test_a_folder_and_a_fifo_as_backup_and_signed_pdf(tmp_path):
    fifo = tmp_path / "x.pdf"
    os.mkfifo(fifo)
    assert_refused(("verify", str(fifo)), "管道")
    assert_refused(("--db", sqlite_url(tmp_path / "db.sqlite"), "restore", str(fifo)), "不是普通文件")


@posix_only
def test_a_20_mb_one_line_text_is_refused_at_once(tmp_path):
    big = tmp_path / "一行.txt"
    with open(big, "w", encoding="utf-8") as fh:
        fh.write("一二三四五六七八九十政府信息公开1234，。" * 350_000)  # about 20 MB, one line
    assert_refused(("import", str(big)), "太大")


@posix_only
@pytest.mark.slow
def test_a_200_mb_text_is_refused_within_seconds(tmp_path):
    big = tmp_path / "200MB.txt"
    line = ("一、总体情况 本年度主动公开政府信息1234条。" * 100 + "\n").encode("utf-8")
    with open(big, "wb") as fh:
        for _ in range(200 * (1 << 20) // len(line) + 1):
            fh.write(line)
    assert big.stat().st_size >= 200 * (1 << 20)
    assert_refused(("import", str(big)), "太大")
    assert_refused(("check", str(SAMPLE), "--previous", str(big)), "太大")


def _docx_bomb(path: Path, megabytes: int) -> Path:
    """A real Word document whose body is padded with ``megabytes`` MB of spaces (a few hundred KB zipped)."""
    import io

    import docx

    buf = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("一、总体情况")
    document.save(buf)
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename != "word/document.xml":
                z.writestr(item, data)
                continue
            head, _, tail = data.partition(b"</w:body>")
            info = zipfile.ZipInfo(item.filename)
            info.compress_type = zipfile.ZIP_DEFLATED
            with z.open(info, "w", force_zip64=True) as f:
                f.write(head)
                chunk = b" " * (1 << 20)
                for _ in range(megabytes):
                    f.write(chunk)
                f.write(b"</w:body>" + tail)
    return path


@posix_only
def test_a_zip_bomb_docx_is_refused(tmp_path):
    bomb = _docx_bomb(tmp_path / "炸弹.docx", 300)
    assert bomb.stat().st_size < 1 << 20
    assert_refused(("import", str(bomb)), "Word 文件")


def test_a_docx_compressed_far_beyond_a_real_one_is_refused_in_process(tmp_path):
    from model.importer import import_file

    bomb = _docx_bomb(tmp_path / "压缩比.docx", 40)  # under the unpacked cap, not under the ratio cap
    with pytest.raises(ReportError, match="压缩比异常"):
        import_file(bomb)


@posix_only
@pytest.mark.parametrize("shape", ["arrays", "objects"])
def test_deeply_nested_json_is_refused(tmp_path, shape):
    deep = tmp_path / "深.json"
    n = 200_000
    inner = "[" * n + "]" * n if shape == "arrays" else '{"a":' * n + "1" + "}" * n
    deep.write_text(
        '{"format": "gov-info-disclosure-annual-report", "cells": ' + inner + "}", encoding="utf-8"
    )
    assert_refused(("import", str(deep)), "嵌套过深")


def _png_header(path: Path, width: int, height: int) -> Path:
    """A PNG whose header claims ``width`` × ``height`` (the pixels are never there)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 100))
        + chunk(b"IEND", b"")
    )
    return path


@posix_only
@pytest.mark.parametrize("size", [40_000, 6_000])
def test_a_huge_png_seal_is_refused(tmp_path, size):
    from model.output.sign import create_organ_certificate

    key, _ = create_organ_certificate(tmp_path / "k.p12", sample().agency, "机关密码123")
    pw = tmp_path / "pw.txt"
    pw.write_text("机关密码123\n", encoding="utf-8")
    seal = _png_header(tmp_path / "印章.png", size, size)
    out = tmp_path / "out.pdf"
    assert_refused(
        (
            "export",
            str(SAMPLE),
            "-o",
            str(out),
            "--sign",
            str(key),
            "--password-file",
            str(pw),
            "--seal",
            str(seal),
        ),
        "印章图片过大",
    )
    assert not out.exists()


def test_prose_per_section_is_capped_everywhere(tmp_path):
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["text"]["overview"] = "很" * (MAX_PROSE_CHARS + 1)
    path = tmp_path / "长.nianbao.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    from model.importer import import_file

    with pytest.raises(ReportError, match="过长"):
        import_file(path)
    with Store.open(sqlite_url(tmp_path / "db.sqlite"), archive_root=tmp_path / "归档") as s:
        info = s.save_report(sample())
        with pytest.raises(StoreError, match="太长"):
            s.set_text(info.id, "overview", "很" * (MAX_PROSE_CHARS + 1))
        big = sample()
        big.text["other"] = "很" * (MAX_PROSE_CHARS + 1)
        with pytest.raises(StoreError, match="太长"):
            s.save_report(big)
    text = "一、总体情况\n" + "很" * (MAX_PROSE_CHARS + 10) + "\n五、存在的主要问题及改进情况\n无。\n"
    from model.importer import import_text

    with pytest.raises(ReportError, match="太长"):
        import_text(text)


@posix_only
@pytest.mark.slow
def test_the_worst_text_under_the_caps_ends_within_seconds(tmp_path):
    """One line just under the text cap, each phase of the importer seeing all of it: still within seconds."""
    from model.importer import MAX_TEXT_CHARS

    worst = tmp_path / "最坏.txt"
    unit = "一二三四五六七八九十政府信息公开1234，。"
    worst.write_text(unit * ((MAX_TEXT_CHARS - 10) // len(unit)), encoding="utf-8")
    code, err, elapsed, mb = run_main("check", str(worst))
    assert code == 2 and "程序内部出错" not in err  # no report in it: said, within seconds
    assert elapsed < 10 and mb < 300, (elapsed, mb)


@posix_only
@pytest.mark.parametrize("signed", [False, True])
def test_a_large_damaged_pdf_is_refused_within_seconds(tmp_path, signed):
    """pikepdf's repair of a damaged file grows with it (a 60 MB one took a minute and 1 GB): not beyond a cap."""
    junk = tmp_path / "坏.pdf"
    body = b"".join(
        b"%d 0 obj\n<< /Type /Page /Contents [1 0 R 2 0 R] >>\nendobj\n" % i for i in range(1, 1_000_000)
    )
    tail = b"\n9 0 obj << /ByteRange [0 10 20 30] >> endobj\n" if signed else b""
    junk.write_bytes(b"%PDF-1.7\n" + body[:60_000_000] + tail)
    assert_refused(("verify", str(junk)), "坏.pdf")


@posix_only
@pytest.mark.parametrize("kind", ["fifo", "zero", "binary"])
def test_a_password_file_that_is_a_pipe_a_device_or_binary(tmp_path, kind):
    from model.output.sign import create_organ_certificate

    key, _ = create_organ_certificate(tmp_path / "k.p12", sample().agency, "机关密码123")
    if kind == "fifo":
        pw = tmp_path / "pw.txt"
        os.mkfifo(pw)
        said = "管道"
    elif kind == "zero":
        pw, said = Path("/dev/zero"), "不是普通文件"
    else:
        pw = tmp_path / "pw.bin"
        pw.write_bytes(bytes(range(256)) * 4)
        said = "密码"
    assert_refused(
        (
            "export",
            str(SAMPLE),
            "-o",
            str(tmp_path / "o.pdf"),
            "--sign",
            str(key),
            "--password-file",
            str(pw),
        ),
        said,
    )
    assert not (tmp_path / "o.pdf").exists()


def test_a_pdf_of_too_many_pages_or_too_much_text_is_refused_at_once(tmp_path):
    """Reading a PDF costs tens of milliseconds a page: a PDF of thousands of pages under the size cap would
    keep ``import`` busy for minutes."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    from model.importer import import_file
    from model.importer.pdf import MAX_PDF_PAGES

    def pdf(pages: int, lines: int) -> bytes:
        buf = io.BytesIO()
        c = Canvas(buf)
        for _p in range(pages):
            for y in range(lines):
                c.drawString(20, 820 - y * 14, "1 2 3 4 5 6 7 " * 8)
            c.showPage()
        c.save()
        return buf.getvalue()

    many = tmp_path / "多页.pdf"
    many.write_bytes(pdf(MAX_PDF_PAGES + 1, 1))
    t = time.monotonic()
    with pytest.raises(ReportError, match="页"):
        import_file(many)
    dense = tmp_path / "密.pdf"
    dense.write_bytes(pdf(80, 55))  # 80 pages of 55 lines of 56 digits: far more text than any report
    with pytest.raises(ReportError, match="文字太多"):
        import_file(dense)
    assert time.monotonic() - t < 30
