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

#: modules that add sub-commands, and the commands each adds; only the module of the command given is
#: imported, so that ``import`` and ``check`` do not pay for the store or the PDF stack
COMMAND_MODULES = {
    "cli.report": ("import", "check"),
    "cli.store": ("store", "archive", "backup", "restore"),
    "cli.output": ("export", "verify"),
    "cli.summary": ("summary",),
}


class CommandError(Exception):
    """A failure to report as ``message`` with exit status ``status`` (2 unless said otherwise)."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


#: argparse's own words, in Chinese (argparse looks them up through ``argparse._``)
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示此帮助并退出",
    "the following arguments are required: %s": "缺少参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项：%(value)r（可选：%(choices)s）",
    "expected one argument": "需要一个参数",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
}


def _localise_argparse() -> None:
    original = argparse._

    def translate(message: str) -> str:
        return _ARGPARSE_ZH.get(message, original(message))

    argparse._ = translate  # type: ignore[attr-defined]


def _command_of(argv: list[str]) -> str | None:
    """The sub-command named in ``argv`` (skipping the global ``--db URL``), if any."""
    rest = iter(argv)
    for arg in rest:
        if arg == "--db":
            next(rest, None)
        elif not arg.startswith("-"):
            return arg
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``command``, only the module adding that command is imported (all when unknown)."""
    _localise_argparse()
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="年报：政府信息公开工作年度报告。不带参数时打开窗口。",
    )
    parser.add_argument("--db", metavar="URL", help="数据库（默认：用户数据目录中的 SQLite 文件）")
    parser.add_argument("--create", action="store_true", help="--db 所在的文件夹不存在时新建它")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = [m for m, commands in COMMAND_MODULES.items() if command in commands] or list(COMMAND_MODULES)
    for name in wanted:
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


def _window(argv: list[str]) -> int:
    from gui.app import run

    return run(argv)


def _check_db_folder(args: argparse.Namespace) -> None:
    """``--db`` naming a SQLite file in a folder that does not exist: refused (a typing error would otherwise
    make a new empty database somewhere), unless ``--create``."""
    from pathlib import Path

    url = getattr(args, "db", None) or ""
    if not url.startswith("sqlite:///") or getattr(args, "create", False):
        return
    folder = Path(url[len("sqlite:///") :].split("?", 1)[0]).parent
    if not folder.is_dir():
        raise CommandError(f"数据库所在的文件夹“{folder}”不存在。若要在那里新建数据库，请加 --create。")


def file_to_open(argv: list[str]) -> str | None:
    """The file given on the command line to open in the window (``nianbao.exe 报告.nianbao.json``, a
    double-clicked published report), when the first word is no sub-command but a file that exists."""
    word = _command_of(argv)
    if word is None or word in {c for commands in COMMAND_MODULES.values() for c in commands}:
        return None
    from pathlib import Path

    try:
        return word if Path(word).is_file() else None
    except (OSError, ValueError):
        return None


def main(argv: list[str] | None = None) -> int:
    if sys.stdout is None or sys.stderr is None:  # a windowed build: what would go there goes to the log
        from model.logs import ensure_streams

        ensure_streams()
    argv = sys.argv[1:] if argv is None else argv
    if "--self-test" in argv:
        from gui.selftest import run_self_test

        return run_self_test()
    if not argv or argv[0].startswith("-psn"):  # no command (or macOS's process serial number): the window
        return _window(argv)
    if file_to_open(argv):  # a report given to open: the window, with it
        return _window(argv)
    _reconfigure_streams()
    parser = build_parser(_command_of(argv))
    args = parser.parse_args(argv)
    if args.command is None:
        return _window(argv)  # e.g. ``main.py --db URL``
    try:
        _check_db_folder(args)
        return int(args.func(args) or 0)
    except CommandError as err:
        print(f"错误：{err}", file=sys.stderr)
        return err.status
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (``main.py store list | head``): quietly, as tools do
        import os

        try:  # no second complaint when Python flushes stdout at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return 141 if os.name == "posix" else 0  # 128 + SIGPIPE, what a shell reports for a closed pipe
    except Exception as err:  # the last line of defence: a clear message, not a traceback
        print(
            f"错误：程序内部出错（{err.__class__.__name__}：{err}）。请把这条信息告诉技术支持。",
            file=sys.stderr,
        )
        return 2
