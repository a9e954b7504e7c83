"""No quiet fallbacks: a missing part of the program (the checks, the prose checks, the importer, the output
dialogs) is a loud failure, never 错误 0 or a silently skipped step (issue 10, hole 8)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: (module made unimportable, code that must then fail with ImportError rather than carry on)
CASES = {
    "document": (
        "model.rules",
        "import gui.document",
    ),
    "rules-prose": (
        "model.prose",
        "from model.rules import check\nfrom model.report import Report\ncheck(Report(agency='甲', year=2024))",
    ),
    "pdf": (
        "model.rules",
        "from model.output.pdf import report_has_errors\nfrom model.report import Report\n"
        "report_has_errors(Report(agency='甲', year=2024))",
    ),
    "store-finalize": (
        "model.rules",
        "import tempfile, pathlib\nfrom model.store import Store, sqlite_url\nfrom model.report import Report\n"
        "d = pathlib.Path(tempfile.mkdtemp())\ns = Store.open(sqlite_url(d / 'db.sqlite'), archive_root=d / 'a')\n"
        "i = s.save_report(Report(agency='甲', year=2024))\ns.finalize(i.id)",
    ),
    "window-import": (
        "model.importer",
        "from gui.main_window import read_report\nimport pathlib\nread_report(pathlib.Path('x.json'))",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_missing_part_is_a_loud_failure(case):
    blocked, code = CASES[case]
    script = f"import sys\nsys.modules[{blocked!r}] = None\n" + code + "\nprint('CARRIED ON')\n"
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert "CARRIED ON" not in proc.stdout, proc.stderr
    assert proc.returncode != 0 and re.search(r"(ModuleNotFound|Import)Error", proc.stderr), proc.stderr[
        -2000:
    ]


def test_the_window_offers_no_quiet_fallback_for_its_parts():
    src = (ROOT / "gui" / "main_window.py").read_text(encoding="utf-8")
    assert "except ImportError" not in src and "find_spec" not in src
    for path in (
        "gui/document.py",
        "gui/backend.py",
        "model/rules.py",
        "model/output/pdf.py",
        "model/store/core.py",
        "model/store/finalizing.py",
    ):
        assert "except ImportError" not in (ROOT / path).read_text(encoding="utf-8"), path
        assert "except ModuleNotFoundError" not in (ROOT / path).read_text(encoding="utf-8"), path
