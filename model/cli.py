"""The command line (``python main.py …``).

Each feature registers its own sub-commands: a module listed in :data:`COMMAND_MODULES` provides
``register(subparsers)``, and each sub-parser sets ``func(args) -> int``. With no sub-command the window
starts. Every failure the user can cause ends in a Chinese message on stderr and exit status 2 —
never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

#: modules that add sub-commands; imported only when the command line is used
COMMAND_MODULES = (
    "model.commands",  # import, check
    "model.store.commands",  # store …, archive verify, backup, restore
    "model.output.commands",  # export, verify
    "model.summary.commands",  # summary
)


class CommandError(Exception):
    """A failure to report as ``message`` with exit status ``status`` (2 unless said otherwise)."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="年报：政府信息公开工作年度报告。不带参数时打开窗口。",
    )
    parser.add_argument("--db", metavar="URL", help="数据库（默认：用户数据目录中的 SQLite 文件）")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name and name.startswith(err.name):
                continue  # that feature is not part of this build
            raise
        module.register(sub)
    return parser


def _reconfigure_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0].startswith("-psn") or argv == ["--self-test"] or argv[0] in ("--self-test",):
        if "--self-test" in argv:
            from gui.selftest import run_self_test

            return run_self_test()
        from gui.app import run

        return run(argv)
    _reconfigure_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        if "--db" in argv and args.command is None:
            from gui.app import run

            return run(argv)
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except CommandError as err:
        print(f"错误：{err}", file=sys.stderr)
        return err.status
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except Exception as err:  # the last line of defence: a clear message, not a traceback
        print(f"错误：{err.__class__.__name__}: {err}", file=sys.stderr)
        return 2
