"""``python -m bench [--compare] [--check] [--only NAME ...]`` — every benchmark's figures as one JSON object on
stdout, progress on stderr. With ``--check`` the exit status is 1 when a figure misses its budget (a
``…_within_budget`` that is false, at any depth) or a benchmark could not run; CI does not run the timing (the
figures are too noisy on a shared machine)."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time

#: benchmark modules, each with ``run() -> dict`` (``run(compare=True)`` where it supports it)
MODULES = ("check", "cli", "store", "output", "startup", "bundle", "summary", "windows_bundle")
#: run only when named with --only (windows_bundle downloads the Windows wheels)
ON_REQUEST = ("windows_bundle",)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument(
        "--compare", action="store_true", help="also run LibreOffice for comparison when installed"
    )
    parser.add_argument("--only", nargs="*", choices=MODULES, help="run only these benchmarks")
    parser.add_argument("--check", action="store_true", help="exit 1 when a figure misses its budget")
    args = parser.parse_args(argv)
    results: dict = {}
    for name in args.only or [m for m in MODULES if m not in ON_REQUEST]:
        started = time.perf_counter()
        print(f"[bench] {name} …", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as err:
            if err.name == f"bench.{name}":
                continue
            raise
        try:
            kwargs = (
                {"compare": True} if args.compare and "compare" in module.run.__code__.co_varnames else {}
            )
            results[name] = module.run(**kwargs)
        except Exception as err:  # a benchmark that cannot run here says why
            results[name] = {"error": f"{err.__class__.__name__}: {err}"}
        print(f"[bench] {name} done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    json.dump(results, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    sys.stdout.flush()
    if not args.check:
        return 0
    missed = misses(results)
    for line in missed:
        print(f"[bench] over budget: {line}", file=sys.stderr)
    return 1 if missed else 0


def misses(results: dict, path: str = "") -> list[str]:
    """Every ``…_within_budget`` that is false and every benchmark that failed, as ``module.key`` paths."""
    out: list[str] = []
    for key, value in results.items():
        where = f"{path}.{key}" if path else key
        if isinstance(value, dict):
            out += misses(value, where)
        elif key.endswith("within_budget") and value is False:
            out.append(where)
        elif key == "error":
            out.append(f"{where}: {value}")
    return out


if __name__ == "__main__":
    sys.exit(main())
