"""Each command imports only what it uses (issue 14): ``--help``, ``check`` and ``import`` load neither the store
(SQLAlchemy), nor the PDF and signing stack, nor Qt; signing and verifying never load aiohttp (pyHanko's
network stack, see :mod:`model.output.offline`).

Each case runs in a fresh Python process and lists every module loaded when it exits — what the whole
process pays, not what one function call adds. (``python -X importtime`` is what to measure the cost with;
it is not used here because it misses modules loaded through ``importlib.import_module``, as the command
modules are.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
REPORT = FIXTURES / "published" / "017_shuyang-county-gov_2025.txt"
#: what ``check`` and ``--help`` must not import (top-level package names)
HEAVY = {"sqlalchemy", "reportlab", "pyhanko", "pyhanko_certvalidator", "PySide6", "pikepdf", "aiohttp"}


def _env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


#: runs a script or ``-c`` code as ``python`` would, and at exit writes every module loaded to $MODULES_OUT
_RUN = r"""
import atexit, os, runpy, sys
atexit.register(lambda: open(os.environ["MODULES_OUT"], "w").write("\n".join(sorted(sys.modules))))
args = sys.argv[1:]
if args[0] == "-c":
    sys.argv = ["-c", *args[2:]]
    exec(compile(args[1], "<string>", "exec"), {"__name__": "__main__"})
else:
    sys.argv = args
    runpy.run_path(args[0], run_name="__main__")
"""


def _imported(args: list[str], cwd: Path = ROOT) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run ``python ARGS`` in a fresh process: the process, and every module it had loaded at exit."""
    out = Path(tempfile.mkdtemp(prefix="nianbao-modules-")) / "modules.txt"
    proc = subprocess.run(
        [sys.executable, "-c", _RUN, *args],
        cwd=cwd,
        env=dict(_env(), MODULES_OUT=str(out)),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=300,
    )
    modules = set(out.read_text(encoding="utf-8").split()) if out.is_file() else set()
    shutil.rmtree(out.parent, ignore_errors=True)
    return proc, modules


def _heavy(modules: set[str]) -> set[str]:
    return {m for m in modules if m.split(".")[0] in HEAVY}


def test_the_listing_sees_what_is_imported():
    """The measuring itself: a process that imports SQLAlchemy is seen to, also through importlib."""
    _proc, modules = _imported(["-c", "import importlib; importlib.import_module('sqlalchemy')"])
    assert "sqlalchemy" in modules
    assert _heavy(modules)


def test_help_imports_no_heavy_library():
    proc, modules = _imported([str(ROOT / "main.py"), "--help"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "summary" in proc.stdout and "export" in proc.stdout and "store" in proc.stdout
    assert not _heavy(modules)
    # nor the domain: the help text is all it prints
    assert not {m for m in modules if m.startswith(("model.report", "model.form", "model.importer"))}


@pytest.mark.parametrize("command", ["check", "import"])
def test_check_and_import_import_no_heavy_library(command):
    proc, modules = _imported([str(ROOT / "main.py"), command, str(REPORT)])
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert proc.stdout.lstrip().startswith("{")
    assert "model.importer" in modules
    assert not _heavy(modules)


def test_sub_command_help_imports_only_its_module():
    proc, modules = _imported([str(ROOT / "main.py"), "summary", "--help"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "cli.summary" in modules
    assert not _heavy(modules)
    assert "cli.output" not in modules and "cli.store" not in modules


_SIGN_AND_VERIFY = r"""
import sys
from pathlib import Path
from model.output.pdf import export_pdf
from model.output.sign import create_organ_certificate, sign_pdf, verify_pdf
from model.sample import sample_report

work = Path(sys.argv[1])
key, _ = create_organ_certificate(work / "k.p12", "示范县人民政府办公室", "sign-pass")
pdf = export_pdf(sample_report(), work / "r.pdf", draft=False)
signed = sign_pdf(pdf, work / "signed.pdf", key, "sign-pass", sys.argv[2])
(status,) = verify_pdf(signed)
print("OK" if status.intact else "BROKEN", "pyhanko" in sys.modules)
"""


@pytest.mark.slow
def test_sign_and_verify_never_import_aiohttp(tmp_path):
    proc, modules = _imported(["-c", _SIGN_AND_VERIFY, str(tmp_path), str(FIXTURES / "seal.png")])
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split() == ["OK", "True"]
    assert "pyhanko.sign.signers" in modules and "pyhanko.sign.validation" in modules
    assert not {m for m in modules if m.split(".")[0] in ("aiohttp", "yarl", "multidict")}


@pytest.mark.slow
def test_cli_export_sign_verify_never_import_aiohttp(tmp_path):
    import json

    from model.output.sign import create_organ_certificate
    from model.sample import sample_report

    key, _ = create_organ_certificate(tmp_path / "k.p12", "示范县人民政府办公室", "sign-pass")
    (tmp_path / "pw.txt").write_text("sign-pass\n", encoding="utf-8")
    report = tmp_path / "r.json"
    report.write_text(json.dumps(sample_report().to_exchange(), ensure_ascii=False), encoding="utf-8")
    args = [str(report), "-o", "out.pdf", "--sign", str(key), "--password-file", "pw.txt"]
    proc, modules = _imported([str(ROOT / "main.py"), "export", *args], tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "pyhanko.sign.signers" in modules
    assert "aiohttp" not in modules
    proc, modules = _imported([str(ROOT / "main.py"), "verify", str(tmp_path / "out.pdf")])
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "pyhanko.sign.validation" in modules
    assert "aiohttp" not in modules


_STAND_IN = r"""
import sys
import model.output.sign  # puts the stand-ins in place
from pyhanko.sign.signers import PdfSigner
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko_certvalidator.fetchers import _default_fetcher_backend
assert "aiohttp" not in sys.modules
stamper = HTTPTimeStamper("http://127.0.0.1:9/")  # the real one, loaded now
import pyhanko.sign.timestamps as ts
import pyhanko.sign.timestamps.aiohttp_client as client
backend = _default_fetcher_backend()
print("aiohttp" in sys.modules, type(stamper) is client.HTTPTimeStamper is ts.HTTPTimeStamper,
      hasattr(stamper, "async_request_tsa_response"), type(backend).__name__, hasattr(backend, "get_fetchers"))
"""


def test_stand_ins_load_the_real_network_classes_when_used():
    """Nothing of pyHanko's breaks: a time stamper or a fetcher, once asked for, is the real one."""
    proc = subprocess.run(
        [sys.executable, "-c", _STAND_IN],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split() == ["True", "True", "True", "AIOHttpFetcherBackend", "True"]


_PART = r"""
import sys
import model.output.sign
from pyhanko.sign.signers import PdfSigner  # the stand-in for the fetchers package is in place now
assert "aiohttp" not in sys.modules
from pyhanko_certvalidator.fetchers.aiohttp_fetchers.util import LazySession  # a part of it: the real package
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend
print("aiohttp" in sys.modules, AIOHttpFetcherBackend.__init__.__module__, LazySession.__name__)
"""


@pytest.mark.slow
def test_a_part_of_a_stand_in_package_imports_the_real_package():
    proc = subprocess.run(
        [sys.executable, "-c", _PART], cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split() == ["True", "pyhanko_certvalidator.fetchers.aiohttp_fetchers", "LazySession"]


def test_summary_names_resolve_lazily():
    """``model.summary`` imports its parts on first use; every exported name is the right object."""
    import model.summary as summary
    from model.summary import Comparison, compare

    assert callable(compare) and compare.__module__ == "model.summary.compare"
    assert Comparison.__module__ == "model.summary.compare"
    for name in summary.__all__:
        assert getattr(summary, name) is not None, name
    assert callable(summary.compare)
    with pytest.raises(AttributeError):
        summary.no_such_name  # noqa: B018
