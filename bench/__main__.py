"""``python -m bench [--compare] [--only NAME ...]`` — every benchmark's figures as one JSON object."""

from __future__ import annotations

import argparse
import importlib
import json
import sys

#: benchmark modules, each with ``run() -> dict`` (``run(compare=True)`` where it supports it)
MODULES = ("check", "store", "output", "startup", "bundle", "summary", "windows_bundle")
#: run only when named with --only (windows_bundle downloads the Windows wheels)
ON_REQUEST = ("windows_bundle",)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument(
        "--compare", action="store_true", help="also run LibreOffice for comparison when installed"
    )
    parser.add_argument("--only", nargs="*", choices=MODULES, help="run only these benchmarks")
    args = parser.parse_args(argv)
    results: dict = {}
    for name in args.only or [m for m in MODULES if m not in ON_REQUEST]:
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
    json.dump(results, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
