"""``main.py --self-test``: a quick check that the installed program works (filled in by a later issue)."""

from __future__ import annotations


def run_self_test() -> int:
    return 0
