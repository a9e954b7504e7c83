"""``python -m bench --check`` (issue 14): which figures miss their budget, and the exit status. The timing
itself is not run here (CI does not run it: too noisy on a shared machine)."""

from __future__ import annotations

import sys
import types

import bench.__main__ as bench_main
from bench._process import paired


def test_misses_finds_every_figure_over_budget_at_any_depth():
    results = {
        "check": {"check_within_budget": True, "check_full_ms_median": 0.5},
        "store": {
            "sqlite": {"cell_edit_within_budget": False},
            "postgres": {"cell_edit_within_budget": None},
        },
        "output": {"error": "RuntimeError: 子进程退出码 1"},
        "startup": {"startup_within_budget": False, "startup_report_reopened_within_budget": True},
        "bundle": {"bundle_mb": None},  # no build: nothing to hold to a budget
    }
    assert bench_main.misses(results) == [
        "store.sqlite.cell_edit_within_budget",
        "output.error: RuntimeError: 子进程退出码 1",
        "startup.startup_within_budget",
    ]
    assert bench_main.misses({"check": {"check_within_budget": True}}) == []


def _fake(monkeypatch, name: str, figures: dict) -> None:
    module = types.ModuleType(f"bench.{name}")
    module.run = lambda: figures  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, f"bench.{name}", module)


def test_check_exits_1_over_budget_and_progress_goes_to_stderr(monkeypatch, capsys):
    _fake(monkeypatch, "check", {"check_within_budget": True})
    _fake(monkeypatch, "cli", {"cli_help_within_budget": False})
    assert bench_main.main(["--only", "check", "cli"]) == 0  # without --check: the figures only
    out = capsys.readouterr()
    assert '"cli_help_within_budget": false' in out.out
    assert "[bench] cli" in out.err and "[bench]" not in out.out
    assert bench_main.main(["--only", "check", "cli", "--check"]) == 1
    assert "over budget: cli.cli_help_within_budget" in capsys.readouterr().err
    assert bench_main.main(["--only", "check", "--check"]) == 0


def test_pairs_run_in_turn_and_ratios_are_per_pair():
    calls: list[str] = []
    times = iter([1.0, 2.0, 4.0, 2.0, 3.0, 3.0])

    def ours() -> float:
        calls.append("ours")
        return next(times)

    def theirs() -> float:
        calls.append("theirs")
        return next(times)

    a, b, ratios = paired(ours, theirs, 3)
    assert calls == ["ours", "theirs", "theirs", "ours", "ours", "theirs"]
    assert a == [1.0, 2.0, 3.0] and b == [2.0, 4.0, 3.0]
    assert ratios == [0.5, 0.5, 1.0]
