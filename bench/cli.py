"""The command line as whole processes: ``main.py --help`` and ``main.py check FILE`` from start to exit
(beside ``check``'s in-process figure, a full check after one edit), and what each sub-command imports.

Budgets (issue 14): ``--help`` ≤ 300 ms, ``check FILE`` (a published report as text: reading, importing and
every check) ≤ 500 ms, medians. Each sub-command imports only what it uses: the heavy libraries loaded by each
command are listed (``--help``, ``check`` and ``import`` must load none; ``tests/test_lazy_imports.py`` holds
that too).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench._process import ROOT, child_env, load, main_py, median_ms, progress, run_timed

BUDGET_HELP_MS = 300.0
BUDGET_CHECK_MS = 500.0
REPORT = ROOT / "tests" / "fixtures" / "published" / "017_shuyang-county-gov_2025.txt"
HEAVY = ("sqlalchemy", "reportlab", "pyhanko", "pikepdf", "PySide6", "aiohttp", "cryptography", "PIL", "docx")

#: runs main.py with ARGS and, at exit, prints the heavy libraries and the number of modules loaded on stderr
_LISTING = r"""
import atexit, runpy, sys
heavy = {heavy!r}
atexit.register(lambda: print("MODULES", len(sys.modules),
                              ",".join(h for h in heavy if h in sys.modules) or "-", file=sys.stderr))
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def _modules(args: list[str], env: dict[str, str], cwd: Path) -> dict:
    code = _LISTING.replace("{heavy!r}", repr(HEAVY))
    proc = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "main.py"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=300,
        check=False,
    )
    line = next((x for x in proc.stderr.splitlines() if x.startswith("MODULES ")), "")
    if not line:
        return {"error": f"退出码 {proc.returncode}：{proc.stderr.strip()[-300:]}"}
    _, count, heavy = line.split()
    return {"modules": int(count), "heavy": [] if heavy == "-" else heavy.split(",")}


def run(rounds: int = 9) -> dict:
    out: dict = {"machine": load()}
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-cli-", ignore_cleanup_errors=True) as tmp:
        folder = Path(tmp)
        env = child_env(folder / "pycache", {"XDG_DATA_HOME": str(folder / "data")})
        db = (folder / "store.sqlite").as_uri().replace("file://", "sqlite:///", 1)
        if os.name == "nt":  # pragma: no cover - sqlite:///C:/… on Windows
            db = "sqlite:///" + (folder / "store.sqlite").as_posix()
        help_args = main_py("--help")
        check_args = main_py("check", str(REPORT))
        checked = lambda rc: rc in (0, 1)  # noqa: E731 - 1: the report has errors
        run_timed(help_args, env)  # fills the bytecode cache
        run_timed(check_args, env, ok=checked)
        progress(f"cli: --help and check FILE, {rounds} runs each")
        helps, checks = [], []
        helps_cpu: list[float] = []
        checks_cpu: list[float] = []
        for _ in range(rounds):
            helps.append(run_timed(help_args, env, cpu=helps_cpu))
            checks.append(run_timed(check_args, env, ok=checked, cpu=checks_cpu))
        help_ms, check_ms = median_ms(helps), median_ms(checks)
        out.update(
            {
                "cli_help_whole_process_ms_median": help_ms,
                "cli_help_budget_ms": BUDGET_HELP_MS,
                "cli_help_within_budget": help_ms <= BUDGET_HELP_MS,
                "cli_check_file_whole_process_ms_median": check_ms,
                "cli_check_file_budget_ms": BUDGET_CHECK_MS,
                "cli_check_file_within_budget": check_ms <= BUDGET_CHECK_MS,
                "cli_python_bare_ms_median": median_ms(
                    [run_timed([sys.executable, "-c", "pass"], env) for _ in range(rounds)]
                ),
                "cli_rounds": rounds,
            }
        )
        if helps_cpu and checks_cpu:  # processor time: hardly touched by a busy machine
            out["cli_help_whole_process_cpu_ms_median"] = median_ms(helps_cpu)
            out["cli_check_file_whole_process_cpu_ms_median"] = median_ms(checks_cpu)
        progress("cli: what each command imports")
        report_json = folder / "r.json"
        from model.sample import sample_report

        report_json.write_text(
            json.dumps(sample_report().to_exchange(), ensure_ascii=False), encoding="utf-8"
        )
        commands = {
            "--help": ["--help"],
            "check": ["check", str(REPORT)],
            "import": ["import", str(REPORT)],
            "store list": ["--db", db, "store", "list"],
            "summary --help": ["summary", "--help"],
            "export": ["export", str(report_json), "-o", str(folder / "r.pdf")],
            "verify": ["verify", str(folder / "r.pdf")],
        }
        imports = {name: _modules(args, env, folder) for name, args in commands.items()}
        out["cli_imports"] = imports
        light = ("--help", "check", "import", "summary --help")  # must load no heavy library
        out["cli_imports_within_budget"] = all(
            not imports[c].get("heavy") and "error" not in imports[c] for c in light
        )
    return out


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=2))
