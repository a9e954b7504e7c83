"""The printed report: export, PDF/A, signing, verification — in the process (warm: the window doing it again;
first use: the window's first 导出并签章), and as a whole process (``main.py export … --sign``, from start to
exit) side by side with LibreOffice converting the same report from .docx (``soffice --headless --convert-to
pdf``, the route a clerk takes today), the two run in turn in the same run.

Budgets (issue 14):
- warm export + PDF/A + sign in the window ≤ 100 ms (median, one process doing it again);
- first use in the window ≤ 500 ms: a process that has loaded what the window has loaded by the time the clerk
  clicks (the window, the store, the checks), then the first export + PDF/A + sign — importing the PDF and
  signing stack, registering the fonts, reading the key;
- the whole process ``main.py export FILE -o OUT.pdf --sign KEY.p12 --password-file F --seal SEAL.png`` ≤ half
  of LibreOffice's docx → PDF of the same report: pairs run in turn, the ratio per pair, the median (with
  ``--compare`` where LibreOffice is installed; without it the whole-process time is reported alone).
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._process import child_env, children_cpu, load, main_py, median_ms, paired, progress, run_timed

ROOT = Path(__file__).resolve().parents[1]
BUDGET_WARM_MS = 100.0
BUDGET_FIRST_MS = 500.0
#: the whole process against LibreOffice's docx → PDF of the same report
BUDGET_VS_SOFFICE = 0.5
PASSWORD = "bench-pass"

_COLD = """
import json, sys, time
t0 = time.perf_counter()
from model.sample import sample_report
from model.output.pdf import export_pdf
t1 = time.perf_counter()
export_pdf(sample_report(), sys.argv[1], draft=False)
t2 = time.perf_counter()
print(json.dumps({"import_ms": (t1 - t0) * 1000, "export_ms": (t2 - t1) * 1000}))
"""

#: the first export + PDF/A + signature, imports included, in a fresh process — after loading what the window
#: has loaded when the clerk first clicks 导出并签章 (with WINDOW) or in a bare process (without)
_FIRST = """
import json, sys, time
if sys.argv[6] == "window":
    import gui.main_window, gui.app, model.sample
    for name in gui.app.PRELOADED:
        __import__(name)
t0, c0 = time.perf_counter(), time.process_time()
from model.sample import sample_report
from model.output.pdf import export_pdf, report_has_errors
from model.output.sign import sign_pdf
report = sample_report()
export_pdf(report, sys.argv[1], draft=report_has_errors(report, None))
t1 = time.perf_counter()
sign_pdf(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
t2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({"export_ms": (t1 - t0) * 1000, "sign_ms": (t2 - t1) * 1000, "total_ms": (t2 - t0) * 1000,
                  "cpu_ms": (c2 - c0) * 1000}))
"""


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _median(fn, rounds: int, cpu: list[float] | None = None) -> float:
    """The median wall time of ``rounds`` calls (ms); with ``cpu``, the median processor time appended."""
    times, cpus = [], []
    for _ in range(rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    if cpu is not None:
        cpu.append(_ms(statistics.median(cpus)))
    return _ms(statistics.median(times))


def write_docx(report, path: Path) -> None:
    """The report as a plain .docx (headings, prose, the tables with their merged cells) — for the comparison."""
    import docx

    from model.output.fonts import report_title
    from model.output.layout import cell_text
    from model.output.pdf import _paragraphs

    d = docx.Document()
    d.add_heading(report_title(report), 0)
    form = report.form
    for section in form.sections:
        d.add_heading(section.heading, 1)
        if section.table:
            lay = form.table[section.table].layout
            t = d.add_table(rows=lay.rows, cols=lay.cols)
            t.style = "Table Grid"
            for c in lay.cells:
                cell = t.cell(c.row, c.col)
                if c.rowspan > 1 or c.colspan > 1:
                    cell = cell.merge(t.cell(c.row + c.rowspan - 1, c.col + c.colspan - 1))
                cell.text = cell_text(c, report)
        else:
            for p in _paragraphs(report.text.get(section.text_key or "", "")):
                d.add_paragraph(p)
    d.add_paragraph(report.agency)
    d.save(str(path))


def _soffice(soffice: str, docx_path: Path, work: Path, cpu: list[float] | None = None) -> tuple[float, bool]:
    """One ``soffice --headless --convert-to pdf`` (its own profile folder, so that a LibreOffice the user
    has open does not take the job): (seconds, whether the PDF came out); its processor seconds appended to
    ``cpu`` where known."""
    cpu0 = children_cpu()
    outdir = work / "lo"
    pdf = outdir / (docx_path.stem + ".pdf")
    pdf.unlink(missing_ok=True)
    profile = (work / "lo-profile").as_uri()
    t0 = time.perf_counter()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(docx_path),
        ],
        capture_output=True,
        timeout=300,
        check=False,
    )
    elapsed = time.perf_counter() - t0
    cpu1 = children_cpu()
    if cpu is not None and cpu0 is not None and cpu1 is not None:
        cpu.append(cpu1 - cpu0)
    return elapsed, pdf.is_file()


def _child(code: str, *args: str, env: dict | None = None) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, env=env, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"子进程退出码 {proc.returncode}：{proc.stderr.strip()[-600:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run(compare: bool = True, rounds: int = 5, process_rounds: int = 7) -> dict:
    """Every figure; ``compare`` (the default) runs LibreOffice too wherever it is installed."""
    from model.output.pdf import export_pdf, render_pdf_bytes
    from model.output.pdfa import check_pdfa, make_pdfa
    from model.output.sign import create_organ_certificate, sign_pdf, verify_pdf
    from model.sample import sample_report

    out: dict = {"machine": load()}
    report = sample_report()
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-", ignore_cleanup_errors=True) as tmp:
        d = Path(tmp)
        env = child_env(d / "pycache", {"XDG_DATA_HOME": str(d / "data"), "XDG_CACHE_HOME": str(d / "cache")})
        key, _ = create_organ_certificate(d / "k.p12", "示范县人民政府办公室", PASSWORD)
        seal = ROOT / "tests" / "fixtures" / "seal.png"
        first_args = [str(d / "first.pdf"), str(d / "first-signed.pdf"), str(key), PASSWORD, str(seal)]
        # untimed: fills the bytecode cache (an installed program has its bytecode compiled)
        _child(_FIRST, *first_args, "window", env=env)

        progress("output: first use in fresh processes")
        figures = _child(_COLD, str(d / "cold.pdf"), env=env)
        out["first_export_fresh_process_ms"] = round(figures["export_ms"], 1)
        out["first_export_import_ms"] = round(figures["import_ms"], 1)
        in_window = [_child(_FIRST, *first_args, "window", env=env) for _ in range(3)]
        bare = [_child(_FIRST, *first_args, "bare", env=env) for _ in range(3)]
        first_ms = round(statistics.median(f["total_ms"] for f in in_window), 1)

        progress("output: warm, in this process")
        pdf = d / "warm.pdf"
        export_pdf(report, pdf, draft=False)
        out["export_warm_ms_median"] = _median(lambda: export_pdf(report, pdf, draft=False), rounds)
        raw, info = render_pdf_bytes(report, draft=False)
        out["pages"] = info["pages"]
        out["layout_reportlab_ms_median"] = _median(lambda: render_pdf_bytes(report, draft=False), rounds)
        out["pdfa_convert_ms_median"] = _median(lambda: make_pdfa(raw), rounds)
        out["pdfa_check_ms_median"] = _median(lambda: check_pdfa(pdf), rounds)
        out["pdf_bytes"] = pdf.stat().st_size

        signed = d / "signed.pdf"
        sign_pdf(pdf, signed, key, PASSWORD, seal)
        out["sign_ms_median"] = _median(lambda: sign_pdf(pdf, signed, key, PASSWORD, seal), rounds)
        out["verify_ms_median"] = _median(lambda: verify_pdf(signed), rounds)

        def export_and_sign() -> None:
            export_pdf(report, pdf, draft=False)
            sign_pdf(pdf, signed, key, PASSWORD, seal)

        warm_cpu: list[float] = []
        warm = _median(export_and_sign, max(rounds, 9), warm_cpu)
        out["export_pdfa_sign_warm_ms_median"] = warm
        out["export_pdfa_sign_warm_budget_ms"] = BUDGET_WARM_MS
        out["export_pdfa_sign_warm_within_budget"] = warm <= BUDGET_WARM_MS
        out["export_pdfa_sign_warm_cpu_ms_median"] = warm_cpu[0]
        out["export_pdfa_sign_first_use_in_window_ms_median"] = first_ms
        out["export_pdfa_sign_first_use_budget_ms"] = BUDGET_FIRST_MS
        out["export_pdfa_sign_first_use_within_budget"] = first_ms <= BUDGET_FIRST_MS
        out["export_pdfa_sign_first_use_in_window_cpu_ms_median"] = round(
            statistics.median(f["cpu_ms"] for f in in_window), 1
        )
        out["first_use_in_window_export_ms"] = round(statistics.median(f["export_ms"] for f in in_window), 1)
        out["first_use_in_window_sign_ms"] = round(statistics.median(f["sign_ms"] for f in in_window), 1)
        out["export_pdfa_sign_first_use_bare_process_ms_median"] = round(
            statistics.median(f["total_ms"] for f in bare), 1
        )

        # the whole process, as a clerk or a script runs it
        report_json = d / "report.json"
        report_json.write_text(json.dumps(report.to_exchange(), ensure_ascii=False), encoding="utf-8")
        (d / "pw.txt").write_text(PASSWORD + "\n", encoding="utf-8")
        export_args = main_py(
            "export", str(report_json), "-o", str(d / "cli.pdf"), "--sign", str(key), "--password-file",
            str(d / "pw.txt"), "--seal", str(seal),
        )  # fmt: skip
        run_timed(export_args, env)  # untimed: the bytecode cache

        ours_cpu: list[float] = []
        lo_cpu: list[float] = []

        def ours() -> float:
            return run_timed(export_args, env, cpu=ours_cpu)

        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if not compare:
            out["soffice"] = "skipped (compare=False)"
        elif not soffice:
            out["soffice"] = "not installed"
        if not (compare and soffice):
            progress(f"output: whole process, {process_rounds} runs")
            whole = [ours() for _ in range(process_rounds)]
            out["export_pdfa_sign_whole_process_ms_median"] = median_ms(whole)
            if ours_cpu:
                out["export_pdfa_sign_whole_process_cpu_ms_median"] = median_ms(ours_cpu)
            return out

        docx_path = d / "report.docx"
        write_docx(report, docx_path)
        lo_first, first_ok = _soffice(soffice, docx_path, d)  # a fresh profile: LibreOffice's first start
        oks = [first_ok]

        def theirs() -> float:
            elapsed, ok = _soffice(soffice, docx_path, d, lo_cpu)
            oks.append(ok)
            return elapsed

        progress(f"output: whole process and LibreOffice in turn, {process_rounds} pairs")
        whole, lo, ratios = paired(ours, theirs, process_rounds)
        ratio = round(statistics.median(ratios), 2)
        out["export_pdfa_sign_whole_process_ms_median"] = median_ms(whole)
        out["soffice"] = soffice
        out["soffice_ok"] = all(oks)
        out["soffice_docx_to_pdf_first_start_ms"] = round(lo_first * 1000, 1)
        out["soffice_docx_to_pdf_ms_median"] = median_ms(lo)
        out["whole_process_vs_soffice_ratio_median"] = ratio
        out["whole_process_vs_soffice_ratios"] = [round(r, 2) for r in ratios]
        if len(ours_cpu) == len(lo_cpu) == process_rounds:  # processor time: hardly touched by a busy machine
            out["export_pdfa_sign_whole_process_cpu_ms_median"] = median_ms(ours_cpu)
            out["soffice_docx_to_pdf_cpu_ms_median"] = median_ms(lo_cpu)
            out["whole_process_vs_soffice_cpu_ratio_median"] = round(
                statistics.median(a / b for a, b in zip(ours_cpu, lo_cpu, strict=True)), 2
            )
        out["whole_process_vs_soffice_budget_ratio"] = BUDGET_VS_SOFFICE
        out["whole_process_vs_soffice_within_budget"] = ratio <= BUDGET_VS_SOFFICE and all(oks)
        out["pairs"] = process_rounds
        out["side_by_side_ms"] = {
            "nianbao_export_pdfa_sign_whole_process": out["export_pdfa_sign_whole_process_ms_median"],
            "nianbao_export_pdfa_sign_first_use_in_window": first_ms,
            "nianbao_export_pdfa_sign_warm": warm,
            "soffice_docx_to_pdf_whole_process": out["soffice_docx_to_pdf_ms_median"],
            "soffice_docx_to_pdf_first_start": out["soffice_docx_to_pdf_first_start_ms"],
        }
    return out


if __name__ == "__main__":
    print(json.dumps(run(compare="--no-compare" not in sys.argv), ensure_ascii=False, indent=2))
