"""``python main.py import FILE`` and ``python main.py check FILE [--previous FILE]``.

Output and exit codes as ``exchange-format.md`` says: ``import`` prints the exchange JSON; ``check`` prints
``{"findings": [...]}`` and exits 0 without errors, 1 with errors, 2 when the input could not be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .main import CommandError

if TYPE_CHECKING:
    from model.report import Report


def read_report(path: str) -> Report:
    """Any file ``import`` reads, as a report; :class:`CommandError` (exit 2) if it cannot be read."""
    from model.importer import import_file
    from model.report import ReportError

    try:
        result = import_file(Path(path))
    except ReportError as err:
        raise CommandError(f"无法读取“{path}”：{err}") from None
    for note in result.missing:
        print(f"注意：{note}", file=sys.stderr)
    return result.report


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def cmd_import(args: argparse.Namespace) -> int:
    _print_json(read_report(args.file).to_exchange())
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from model.rules import check, has_errors

    report = read_report(args.file)
    previous = read_report(args.previous) if args.previous else None
    findings = check(report, previous)
    _print_json({"findings": [f.to_json() for f in findings]})
    return 1 if has_errors(findings) else 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="读取年报（交换 JSON、已发布的文本、HTML 或 .docx），输出交换 JSON")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("check", help="核对年报，输出发现的问题（JSON）")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--previous", metavar="FILE", help="上一年度的报告，用于跨年核对")
    p.set_defaults(func=cmd_check)
