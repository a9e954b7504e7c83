"""The printed report as an official would print it (issue 12): portrait tables within the text block, no
more pages than the published report, the seal multiplied onto the text, 仿宋 body text, per-character
fallback, the title broken between words, numbers never wrapped, the page number 7 mm below the block, the
成文日期 required before finalising and signing, and the fonts found on Windows (issue 11)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from model.importer import import_file
from model.output import fonts
from model.output.layout import PAD_X, VALUE_PAD_X, measure_table
from model.output.linebreak import title_lines
from model.output.pdf import BLOCK_H, BLOCK_W, MM, TOP, export_pdf, render_pdf_bytes
from model.sample import sample_report
from tests.pdfcheck import assert_pdfa

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
PUBLISHED = ROOT.parent / "shared" / "fixtures" / "published"
SEAL = FIXTURES / "seal.png"
needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")


def published(name: str) -> Path:
    path = PUBLISHED / name
    if not path.is_file():
        pytest.skip(f"../shared/fixtures/published/{name} is absent (read-only fixtures are not committed)")
    return path


def page_sizes(data: bytes) -> list[tuple[int, int]]:
    import io

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [(round(float(p.mediabox[2])), round(float(p.mediabox[3]))) for p in pdf.pages]


def page_count(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


# --- pages --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "pdf"),
    [
        ("021_huaian-city-gov_2024.txt", "021_huaian-city-gov_2024.pdf"),
        ("016_huaian-hongze-district-gov_2024.txt", "016_huaian-hongze-district-gov_2024.pdf"),
    ],
)
def test_portrait_and_no_more_pages_than_the_published_report(fixture, pdf, tmp_path):
    report = import_file(published(fixture)).report
    out = export_pdf(report, tmp_path / "r.pdf", draft=False)
    data = out.read_bytes()
    sizes = page_sizes(data)
    assert all(s == (595, 842) for s in sizes), sizes  # A4 portrait, never landscape
    assert len(sizes) <= page_count(published(pdf))
    assert_pdfa(out)
    body = _glyphs_shown(out, size=16)
    assert max(body, key=body.get).startswith("ZhuqueFangsong"), body  # the body text in 仿宋
    _, info = render_pdf_bytes(report, draft=False)
    assert info["title_lines"] == [report.agency, f"{report.year}年政府信息公开工作年度报告"]


def test_017_portrait_in_nine_pages():
    """017's published PDF is not available (the fixture is a text conversion of it); its prose alone is
    3 250 characters (5½ pages of 22 × 28) before the three tables, which took 11 pages with table 4 on a
    landscape page of its own. Now: 9, all portrait."""
    report = import_file(FIXTURES / "published" / "017_shuyang-county-gov_2025.txt").report
    data, info = render_pdf_bytes(report, draft=False)
    sizes = page_sizes(data)
    assert all(s == (595, 842) for s in sizes)
    assert info["pages"] <= 9


def test_table4_fits_the_text_block_with_two_line_headers():
    report = sample_report()
    table = report.form.table["t4"]
    grid = measure_table(table, report, BLOCK_W)
    assert abs(grid.width - BLOCK_W) < 0.01
    cols = [grid.col_x[i + 1] - grid.col_x[i] for i in range(table.layout.cols)]
    assert all(abs(c / MM - 10.4) < 0.05 for c in cols)
    heads = {
        grid.lines[(c.row, c.col)][0] + "/" + grid.lines[(c.row, c.col)][-1]
        for c in table.layout.cells
        if c.row == 2
    }
    assert heads == {"结果/维持", "结果/纠正", "其他/结果", "尚未/审结", "总计/总计"}


def test_values_up_to_9999999_stay_on_one_line_in_table3():
    report = sample_report()
    t3 = report.form.table["t3"]
    for i, key in enumerate(t3.cell_keys):
        report.cells[key] = (9_999_999, 123_456, 1_000_000)[i % 3]
    grid = measure_table(t3, report, BLOCK_W)
    for c in t3.layout.cells:
        if not c.key:
            continue
        lines = grid.lines[(c.row, c.col)]
        assert len(lines) == 1 and lines[0] == str(report.cells[c.key])
        size = grid.size(c.row, c.col)
        width = grid.col_x[c.col + 1] - grid.col_x[c.col]
        pad = VALUE_PAD_X if (c.row, c.col) in grid.sizes else PAD_X
        assert fonts.text_width(lines[0], "song", size) <= width - 2 * pad + 0.01
    # six digits at 五号 where they fit; seven set a little smaller, never below 六号's neighbourhood
    assert min(grid.sizes.values()) >= 7.0


@needs_poppler
def test_large_values_print_whole(tmp_path):
    report = sample_report()
    t3 = report.form.table["t3"]
    for key in t3.cell_keys:
        report.cells[key] = 0
    report.cells["t3.new.natural_person"] = report.cells["t3.new.total"] = 9_999_999
    report.cells["t3.carried_over.natural_person"] = report.cells["t3.carried_over.total"] = 123_456
    out = export_pdf(report, tmp_path / "r.pdf", draft=True)
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, encoding="utf-8"
    ).stdout
    assert "9999999" in text and "123456" in text


@needs_poppler
def test_page_number_dash_7mm_below_the_text_block(tmp_path):
    import pypdfium2 as pdfium

    out = export_pdf(sample_report(), tmp_path / "r.pdf", draft=False)
    doc = pdfium.PdfDocument(str(out))
    try:
        for index in range(2):
            tp = doc[index].get_textpage()
            text = tp.get_text_range()
            dashes = [i for i, ch in enumerate(text) if ch == "—"]
            assert len(dashes) >= 2
            for i in dashes[-2:]:
                _l, bottom, _r, top = tp.get_charbox(i, loose=False)
                block_bottom = 842 - TOP - BLOCK_H  # points from the page's bottom
                drop_mm = (block_bottom - (bottom + top) / 2) / MM
                assert abs(drop_mm - 7.0) < 0.4, drop_mm
    finally:
        doc.close()


# --- the title ------------------------------------------------------------------------------------------


def test_title_breaks_only_between_words():
    def measure(s: str) -> float:
        return fonts.text_width(s, "title", 22)

    width = BLOCK_W
    cases = {
        ("2024年淮安市洪泽区人民政府政府信息公开工作年度报告", "淮安市洪泽区人民政府"): [
            "2024年淮安市洪泽区人民政府",
            "政府信息公开工作年度报告",
        ],
        ("淮安市人民政府2024年政府信息公开工作年度报告", "淮安市人民政府"): [
            "淮安市人民政府",
            "2024年政府信息公开工作年度报告",
        ],
        (
            "江苏省淮安市洪泽区高良涧街道办事处2024年政府信息公开工作年度报告",
            "江苏省淮安市洪泽区高良涧街道办事处",
        ): [
            "江苏省淮安市洪泽区高良涧街道办事处",
            "2024年政府信息公开工作年度报告",
        ],
    }
    for (title, agency), lines in cases.items():
        assert title_lines(title, agency, width, measure) == lines
    # whatever the organ's name, never inside 政府信息公开 / 工作 / 年度报告
    for n in range(2, 24):
        agency = "某" * n + "人民政府"
        lines = title_lines(f"2024年{agency}政府信息公开工作年度报告", agency, width, measure)
        assert all(measure(line) <= width + 0.01 for line in lines)
        joins = [lines[i][-2:] + "|" + lines[i + 1][:2] for i in range(len(lines) - 1)]
        for j in joins:
            assert j not in ("公开|工作", "开工|作年", "工作|年度", "年度|报告", "府信|息公"), (n, lines)


def test_the_title_in_the_pdf_is_whole_words(tmp_path):
    report = sample_report()
    report.title = f"{report.year}年{report.agency}政府信息公开工作年度报告"
    _, info = render_pdf_bytes(report, draft=False)
    assert info["title_lines"][-1] == "政府信息公开工作年度报告"


# --- faces --------------------------------------------------------------------------------------------


def _glyphs_shown(path: Path, size: float | None = None) -> dict[str, int]:
    """Per font (BaseFont without the subset tag): how many glyphs the pages show (at ``size`` only)."""
    out: dict[str, int] = {}
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            fonts_ = page.Resources.Font
            cur = None
            for operands, op in pikepdf.parse_content_stream(page):
                if op == pikepdf.Operator("Tf"):
                    cur = str(fonts_[operands[0]].BaseFont).split("+", 1)[-1]
                    if size is not None and abs(float(operands[1]) - size) > 0.01:
                        cur = None
                elif op == pikepdf.Operator("Tj") and cur:
                    out[cur] = out.get(cur, 0) + len(bytes(operands[0]))
                elif op == pikepdf.Operator("TJ") and cur:
                    n = sum(len(bytes(x)) for x in operands[0] if isinstance(x, pikepdf.String))
                    out[cur] = out.get(cur, 0) + n
    return out


def test_body_text_is_fangsong_and_the_title_a_heavy_song(tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_BUNDLED_FONTS", "1")
    out = export_pdf(sample_report(), tmp_path / "r.pdf", draft=False)
    body = _glyphs_shown(out, size=16)
    top = max(body, key=body.get)
    assert top.startswith("ZhuqueFangsong"), body  # the text at 三号 is 仿宋 prose, headings aside
    shown = _glyphs_shown(out)
    assert any(f.startswith("NotoSerifCJKsc-Bold") for f in shown)  # the title
    assert any(f.startswith("NianbaoKai") for f in shown)  # （一） headings in 楷
    assert any(f.startswith("WenQuanYiMicroHei") for f in shown)  # 一、 headings in 黑


def test_characters_the_body_face_lacks_fall_back_per_character():
    fonts.faces()
    text = "①⑴℃１２３ⅠⅡ★"
    assert fonts.unprintable(text) == []
    fang = fonts.font_chain("fang")[0]
    runs = fonts.split_runs("共" + text + "件", "fang")
    assert runs[0] == (fang, "共") and runs[-1] == (fang, "件")
    middle = "".join(r for f, r in runs[1:-1])
    assert middle == text and all(f != fang for f, _ in runs[1:-1])
    for ch in text:
        assert not fonts.covered(ch, fang) or ch in "ⅠⅡ"


def test_metrics_are_not_parsed_at_run_time(monkeypatch):
    """The shipped faces' metrics come from resources/fonts/metrics (made at build time): loading every face
    parses no font file (issue 14)."""
    calls: list[Path] = []
    real = fonts._parse_state
    monkeypatch.setattr(fonts, "_parse_state", lambda p, i: calls.append(p) or real(p, i))
    for path, index, _label in fonts.BUNDLED.values():
        state = fonts.load_state(path, index)
        assert state["charToGlyph"] and state["charWidths"]
    assert calls == []


def test_a_system_face_is_parsed_once_then_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_CACHE_DIR", str(tmp_path / "cache"))
    face = tmp_path / "simfang.ttf"
    shutil.copyfile(fonts.BUNDLED["fang"][0], face)
    calls: list[Path] = []
    real = fonts._parse_state
    monkeypatch.setattr(fonts, "_parse_state", lambda p, i: calls.append(p) or real(p, i))
    first = fonts.load_state(face)
    assert len(calls) == 1 and list((tmp_path / "cache" / "fonts").glob("*.bin"))
    again = fonts.load_state(face)
    assert len(calls) == 1 and again["charWidths"] == first["charWidths"]
    # a changed file is a new fingerprint: parsed again
    data = bytearray(face.read_bytes())
    data[12:16] = b"\0\0\0\1"  # the first table record's checksum
    face.write_bytes(bytes(data))
    fonts.load_state(face)
    assert len(calls) == 2


# --- Windows (issue 11 item 6) --------------------------------------------------------------------------


def _no_embedding_copy(src: Path, dst: Path) -> None:
    from fontTools.ttLib import TTFont

    f = TTFont(src, lazy=True)
    f["OS/2"].fsType = 0x0002  # restricted licence embedding
    f.save(dst)


@pytest.fixture
def windows(tmp_path, monkeypatch):
    windir, local = tmp_path / "Windows", tmp_path / "Local"
    system = windir / "Fonts"
    user = local / "Microsoft" / "Windows" / "Fonts"
    system.mkdir(parents=True)
    user.mkdir(parents=True)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("WINDIR", str(windir))
    monkeypatch.setenv("LOCALAPPDATA", str(local))
    monkeypatch.delenv("NIANBAO_BUNDLED_FONTS", raising=False)
    monkeypatch.setenv("NIANBAO_CACHE_DIR", str(tmp_path / "cache"))
    fonts.reset()
    yield system, user
    fonts.reset()


def test_windows_faces_from_the_system_and_the_user_folder(windows, tmp_path):
    system, user = windows
    shutil.copyfile(fonts.BUNDLED["fang"][0], system / "SIMFANG.TTF")  # any case
    shutil.copyfile(fonts.BUNDLED["hei"][0], system / "simhei.ttf")
    _no_embedding_copy(fonts.BUNDLED["kai"][0], system / "simkai.ttf")  # may not be embedded: skipped
    (system / "simsun.ttc").write_bytes(b"not a font at all")  # unreadable: skipped
    shutil.copyfile(fonts.BUNDLED["title"][0], user / "FZXBSJW.TTF")  # 方正小标宋 installed per user
    chains = fonts.faces()
    assert chains["fang"][0].path == system / "SIMFANG.TTF"
    assert chains["hei"][0].path == system / "simhei.ttf"
    assert chains["title"][0].path == user / "FZXBSJW.TTF"
    assert chains["kai"][0].path == fonts.BUNDLED["kai"][0]  # the bundled face instead
    assert chains["song"][0].path == fonts.BUNDLED["serif"][0]
    skipped = {p.name: why for p, why in fonts.skipped}
    assert "嵌入" in skipped["simkai.ttf"] and "simsun.ttc" in skipped
    out = export_pdf(sample_report(), tmp_path / "r.pdf", draft=False)
    assert_pdfa(out)
    assert any(f.startswith("ZhuqueFangsong") for f in _glyphs_shown(out))


def test_windows_without_fonts_uses_the_bundled_faces(windows):
    chains = fonts.faces()
    assert [chains[r][0].path for r in ("fang", "kai", "title")] == [
        fonts.BUNDLED["fang"][0],
        fonts.BUNDLED["kai"][0],
        fonts.BUNDLED["title"][0],
    ]


def test_embeddable_reads_fstype(tmp_path):
    assert fonts.embeddable(fonts.BUNDLED["fang"][0]) is None
    _no_embedding_copy(fonts.BUNDLED["fang"][0], tmp_path / "x.ttf")
    assert "嵌入" in fonts.embeddable(tmp_path / "x.ttf")
    (tmp_path / "y.ttf").write_bytes(b"OTTO" + bytes(100))
    assert fonts.embeddable(tmp_path / "y.ttf")


# --- the seal -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def organ_key(tmp_path_factory):
    from model.output.sign import create_organ_certificate

    d = tmp_path_factory.mktemp("key")
    return create_organ_certificate(d / "k.p12", sample_report().agency, "pass-word")[0]


def test_seal_multiplies_and_the_text_under_it_stays_readable(tmp_path, organ_key):
    import pypdfium2 as pdfium

    from model.output.sign import sign_pdf

    pdf = export_pdf(sample_report(), tmp_path / "r.pdf", draft=False)
    out = sign_pdf(pdf, tmp_path / "s.pdf", organ_key, "pass-word", SEAL)
    assert_pdfa(out)
    with pikepdf.open(out) as doc:
        annots = [a for p in doc.pages for a in (p.get("/Annots") or []) if a.get("/FT") == "/Sig"]
        assert len(annots) == 1

        def blend_modes(xobj, seen=()) -> set[str]:
            found = set()
            res = xobj.get("/Resources") or {}
            for gs in (res.get("/ExtGState") or {}).values():
                if "/BM" in gs:
                    found.add(str(gs.BM))
            for sub in (res.get("/XObject") or {}).values():
                if sub.get("/Subtype") == "/Form" and sub.objgen not in seen:
                    found |= blend_modes(sub, (*seen, sub.objgen))
            return found

        assert "/Multiply" in blend_modes(annots[0].AP.N)
        rect = [float(v) for v in annots[0].Rect]
        page_index = next(
            i
            for i, p in enumerate(doc.pages)
            if annots[0].objgen in [a.objgen for a in p.get("/Annots") or []]
        )
    # the organ's name under the red seal is still black where its strokes are
    doc = pdfium.PdfDocument(str(out))
    doc.init_forms()
    try:
        scale = 150 / 72
        page = doc[page_index]
        img = page.render(scale=scale, may_draw_forms=True).to_pil().convert("RGB")
        h = page.get_size()[1]
        box = (rect[0] * scale, (h - rect[3]) * scale, rect[2] * scale, (h - rect[1]) * scale)
        crop = img.crop(tuple(int(v) for v in box))
        px = list(zip(*(crop.getchannel(c).tobytes() for c in "RGB"), strict=True))
        red = sum(1 for r, g, b in px if r > 150 and g < 90 and b < 90)
        dark = sum(1 for r, g, b in px if r < 80 and g < 60 and b < 60)
        assert red > 0.05 * len(px)  # the seal is there
        assert dark > 0.01 * len(px)  # and the black text shows through it
    finally:
        doc.close()


def test_seal_warning_for_a_coarse_image(tmp_path):
    from PIL import Image

    from model.output.sign import seal_warnings

    assert "dpi" in seal_warnings(SEAL)[0]  # 240 px over 42 mm: 145 dpi
    big = tmp_path / "big.png"
    Image.new("RGBA", (500, 500), (200, 0, 0, 255)).save(big)
    assert seal_warnings(big) == []


# --- 成文日期 --------------------------------------------------------------------------------------------


def test_date_is_a_hint_while_writing_and_an_error_for_finalising():
    from model.findings import Severity
    from model.rules import check

    r = sample_report()
    r.date = None
    assert [f.severity for f in check(r) if f.rule == "meta.date"] == [Severity.HINT]
    assert [f.severity for f in check(r, final=True) if f.rule == "meta.date"] == [Severity.ERROR]
    r.date = "2025-01-20"
    assert not [f for f in check(r, final=True) if f.rule == "meta.date"]


def test_no_date_cannot_be_finalised(sqlite_store):
    from model.store import NotFinalizableError

    r = sample_report()
    r.date = None
    info = sqlite_store.save_report(r, organ=r.agency, year=r.year)
    with pytest.raises(NotFinalizableError, match="成文日期"):
        sqlite_store.finalize(info.id)


def test_no_date_cannot_be_signed(tmp_path, organ_key):
    from model.output.sign import SigningError, sign_pdf

    r = sample_report()
    r.date = None
    pdf = export_pdf(r, tmp_path / "r.pdf", draft=False)
    with pytest.raises(SigningError, match="成文日期"):
        sign_pdf(pdf, tmp_path / "s.pdf", organ_key, "pass-word")
    assert not (tmp_path / "s.pdf").exists()


def test_cli_export_sign_requires_the_date_and_warns(tmp_path, organ_key):
    import json

    r = sample_report()
    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT)}
    pw = tmp_path / "pw.txt"
    pw.write_text("pass-word\n", encoding="utf-8")
    undated = r.to_exchange()
    undated.pop("date", None)
    src = tmp_path / "r.json"
    src.write_text(json.dumps(undated, ensure_ascii=False), encoding="utf-8")
    cmd = [sys.executable, str(ROOT / "main.py"), "export", str(src), "-o", str(tmp_path / "o.pdf")]
    p = subprocess.run(
        [*cmd, "--sign", str(organ_key), "--password-file", str(pw)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tmp_path,
    )
    assert p.returncode != 0 and "成文日期" in p.stderr and not (tmp_path / "o.pdf").exists()
    src.write_text(json.dumps(r.to_exchange(), ensure_ascii=False), encoding="utf-8")
    p = subprocess.run(
        [*cmd, "--sign", str(organ_key), "--password-file", str(pw), "--seal", str(SEAL)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tmp_path,
    )
    assert p.returncode == 0, p.stderr
    assert "dpi" in p.stderr and "签章人" not in p.stderr
    assert_pdfa(tmp_path / "o.pdf")


def test_windows_fangsong_gb2312_comes_before_simfang(windows, tmp_path):
    system, user = windows
    shutil.copyfile(fonts.BUNDLED["fang"][0], system / "simfang.ttf")
    # GB/T 9704's face, installed per user
    shutil.copyfile(fonts.BUNDLED["fang"][0], user / "仿宋_GB2312.ttf")
    chains = fonts.faces()
    assert chains["fang"][0].path == user / "仿宋_GB2312.ttf"
    assert chains["fang"][0].name.isascii()
    out = export_pdf(sample_report(), tmp_path / "r.pdf", draft=False)
    assert_pdfa(out)


def test_the_title_never_parts_a_unit_from_its_name():
    """“…监察 / 委员会…” and “…清河 / 街道办事处…” part a unit's name from its kind (委员会, 办事处, 人民政府…):
    a line may end after such a word, never just before it."""

    def measure(s: str) -> float:
        return fonts.text_width(s, "title", 22)

    cases = [
        (
            "2024年淮安市清江浦区人民政府清河街道办事处政府信息公开工作年度报告",
            "淮安市清江浦区人民政府清河街道办事处",
        ),
        (
            "中国共产党淮安市纪律检查委员会淮安市监察委员会2024年政府信息公开工作年度报告",
            "中国共产党淮安市纪律检查委员会淮安市监察委员会",
        ),
    ]
    for title, agency in cases:
        lines = title_lines(title, agency, BLOCK_W, measure)
        assert all(measure(line) <= BLOCK_W + 0.01 for line in lines)
        for line in lines[1:]:
            assert not line.startswith(("委员会", "街道办事处", "办事处", "人民政府", "办公室")), lines
        assert lines in (
            ["2024年淮安市清江浦区人民政府", "清河街道办事处政府信息公开工作年度报告"],
            ["中国共产党淮安市纪律检查委员会", "淮安市监察委员会2024年", "政府信息公开工作年度报告"],
        ), lines
