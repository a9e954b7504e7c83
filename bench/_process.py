"""Whole processes, timed the way a clerk meets them: from starting ``python main.py …`` to its exit.

The children run as an installed program does — with Python's bytecode cache (an installed package and the
PyInstaller bundle carry compiled bytecode; a ``PYTHONDONTWRITEBYTECODE`` in the environment would make every
run compile the program's own modules again). The cache goes to a folder of the benchmark's own
(``PYTHONPYCACHEPREFIX``), never into the source tree, and a first, untimed run of each command fills it.

Pairs (ours and LibreOffice's, say) run in turn, so that a busy moment of a shared machine hits both alike;
the ratio is taken per pair and the median reported. :func:`load` says how busy the machine was.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAIN = ROOT / "main.py"


def progress(message: str) -> None:
    """A line of progress on stderr (stdout carries the JSON)."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def child_env(cache: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.update(extra or {})
    return env


def children_cpu() -> float | None:
    """Processor seconds (user + system) of the ended child processes so far (None where unknown: Windows).
    Unlike the wall clock, it hardly grows when other work crowds the machine."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_timed(
    args: Sequence[str],
    env: dict[str, str],
    cwd: Path = ROOT,
    ok: Callable[[int], bool] = lambda rc: rc == 0,
    cpu: list[float] | None = None,
) -> float:
    """Seconds from starting the process to its exit (its processor seconds appended to ``cpu``, where
    known); :class:`RuntimeError` if it failed."""
    cpu0 = children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, timeout=300, check=False)
    elapsed = time.perf_counter() - t0
    cpu1 = children_cpu()
    if cpu is not None and cpu0 is not None and cpu1 is not None:
        cpu.append(cpu1 - cpu0)
    if not ok(proc.returncode):
        err = proc.stderr.decode("utf-8", "replace").strip()[-600:]
        raise RuntimeError(f"{' '.join(map(str, args[:4]))} … 退出码 {proc.returncode}：{err}")
    return elapsed


def main_py(*args: str) -> list[str]:
    return [sys.executable, str(MAIN), *args]


def median_ms(times: Sequence[float]) -> float:
    return round(statistics.median(times) * 1000, 1)


def paired(first: Callable[[], float], second: Callable[[], float], rounds: int) -> tuple[list, list, list]:
    """``rounds`` pairs run in turn (which goes first alternates): both lists of seconds and the ratios
    first / second per pair."""
    a: list[float] = []
    b: list[float] = []
    for i in range(rounds):
        if i % 2:
            b.append(second())
            a.append(first())
        else:
            a.append(first())
            b.append(second())
    return a, b, [x / y for x, y in zip(a, b, strict=True)]


def load() -> dict:
    """How busy the machine was: the load averages (1, 5, 15 min) and the number of processors."""
    try:
        one, five, fifteen = os.getloadavg()
    except (AttributeError, OSError):  # Windows
        return {"cpus": os.cpu_count()}
    return {"load_1_5_15_min": [round(one, 2), round(five, 2), round(fifteen, 2)], "cpus": os.cpu_count()}
