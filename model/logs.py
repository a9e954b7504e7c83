"""The program's log, and nothing lost when it fails: a rotating log file in the local user data folder
(``logs/nianbao.log``), the missing standard streams of a windowed build replaced by the log, and the last
resort hooks (``sys.excepthook``, ``threading.excepthook``, ``faulthandler``) writing there.

No Qt here: the window adds Qt's message handler and the Chinese message box (gui/crash.py).
"""

from __future__ import annotations

import io
import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from .files import app_data_dir

LOG_FILE = "nianbao.log"
FAULT_FILE = "崩溃记录.txt"
LOG_BYTES = 1_000_000
LOG_COUNT = 5

log = logging.getLogger("nianbao")
_STATE: dict[str, Any] = {}


def log_dir() -> Path:
    return app_data_dir() / "logs"


def log_file() -> Path:
    return log_dir() / LOG_FILE


class LogStream(io.TextIOBase):
    """Stands in for a missing ``sys.stdout``/``sys.stderr`` (a windowed build has none): what is written
    goes to the log, line by line, and nothing raises."""

    def __init__(self, name: str, level: int):
        super().__init__()
        self.name = name
        self.level = level
        self._buffer = ""
        self._lock = threading.Lock()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            text = str(text)
        with self._lock:
            self._buffer += text
            *lines, self._buffer = self._buffer.split("\n")
        for line in lines:
            if line.strip():
                logging.getLogger(f"nianbao.{self.name}").log(self.level, "%s", line)
        return len(text)

    def flush(self) -> None:
        with self._lock:
            rest, self._buffer = self._buffer, ""
        if rest.strip():
            logging.getLogger(f"nianbao.{self.name}").log(self.level, "%s", rest)

    def fileno(self) -> int:
        raise OSError("没有控制台")


def ensure_streams() -> bool:
    """Replace a missing ``sys.stdout``/``sys.stderr`` (``None`` in a windowed build) by :class:`LogStream`
    and start the log file, so that ``print`` and ``sys.stdout.write`` work and the words reach the log.
    Returns whether a stream was missing."""
    missing = False
    if sys.stdout is None:
        sys.stdout = LogStream("stdout", logging.INFO)
        missing = True
    if sys.stderr is None:
        sys.stderr = LogStream("stderr", logging.WARNING)
        missing = True
    if missing:
        setup_logging()
    return missing


def setup_logging(folder: Path | None = None) -> Path | None:
    """The rotating log file (1 MB × 5) in ``folder`` (the local user data folder's ``logs``); idempotent.
    Returns the file, or None when no folder can be written (then nothing is logged to a file)."""
    folder = Path(folder) if folder is not None else log_dir()
    path = folder / LOG_FILE
    current = _STATE.get("handler")
    if current is not None and _STATE.get("path") == path:
        return path
    import logging.handlers

    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=LOG_BYTES, backupCount=LOG_COUNT, encoding="utf-8", delay=True
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"))
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    if current is not None:
        root.removeHandler(current)
        current.close()
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    _STATE.update(handler=handler, path=path)
    return path


def format_exception(
    exc_type: type[BaseException], exc: BaseException | None, tb: TracebackType | None
) -> str:
    import traceback

    return "".join(traceback.format_exception(exc_type, exc, tb))


def install_hooks(show: Callable[[str], None] | None = None) -> None:
    """``sys.excepthook`` and ``threading.excepthook`` log an uncaught exception with its traceback and
    then call ``show(text)`` (the window's message box); ``faulthandler`` writes a crash of the
    interpreter itself (a fault in Qt, a DLL) to ``logs/崩溃记录.txt``."""
    setup_logging()

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        text = format_exception(exc_type, exc, tb)
        log.critical("未处理的错误：\n%s", text)
        if show is not None:
            try:
                show(text)
            except Exception:  # the message box itself failed: the log has it
                log.exception("错误提示框未能显示")

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "?"
        text = format_exception(args.exc_type, args.exc_value, args.exc_traceback)
        log.critical("线程 %s 中未处理的错误：\n%s", name, text)
        if show is not None:
            try:
                show(text)
            except Exception:
                log.exception("错误提示框未能显示")

    sys.excepthook = hook
    threading.excepthook = thread_hook
    enable_faulthandler()


def enable_faulthandler() -> Path | None:
    import faulthandler

    if _STATE.get("fault") is not None:
        return _STATE.get("fault_path")
    try:
        log_dir().mkdir(parents=True, exist_ok=True)
        path = log_dir() / FAULT_FILE
        fh = open(path, "a", encoding="utf-8")  # open for the life of the process
        faulthandler.enable(file=fh, all_threads=True)
    except (OSError, ValueError, RuntimeError):
        return None
    _STATE.update(fault=fh, fault_path=path)
    return path
