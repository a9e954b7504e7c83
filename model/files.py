"""The program's files: where they live (the user data folder) and how they are written — to a temporary
file beside the target, flushed to disk, then renamed over it (``os.replace``, atomic on Windows and POSIX).
A crash, a full disk or a failed step leaves the target as it was and no temporary file behind.

The writers raise plain :class:`OSError`; each caller turns it into its own clear Chinese message (the
store: :func:`model.store.paths.atomic_path`; the output: :func:`model.output.pdf.write_atomic`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ORGANISATION = "Nianbao"
APPLICATION = "Nianbao"


def app_data_dir() -> Path:
    """The user data folder — the database, the archive, the trusted certificates: what Qt's
    ``QStandardPaths.AppDataLocation`` gives for organisation and application "Nianbao"."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / ORGANISATION / APPLICATION


def _read_umask() -> int:
    """The process's umask: from /proc on Linux (no change of state), else set and put back at once."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def normal_mode() -> int:
    """The mode a file created the ordinary way gets on POSIX: ``0o666`` less the umask."""
    return 0o666 & ~_read_umask()


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a new empty temporary file beside ``target`` (whose folder must exist) for the block to write;
    when the block completes the file is flushed to disk and renamed over ``target``, when it raises (or
    the rename fails) the file is removed. On POSIX the file gets the ordinary mode (``0o666`` less the
    umask), not ``mkstemp``'s private 0600."""
    target = Path(target)
    fd, name = tempfile.mkstemp(prefix=f".{target.name[:40]}.", suffix=".tmp", dir=target.parent)
    tmp = Path(name)
    try:
        if os.name == "posix":
            os.fchmod(fd, normal_mode())
    finally:
        os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def replace(src: Path, target: Path) -> None:
    """``os.replace``, tried a second time after a moment on ``PermissionError``: on Windows a virus scanner
    or the search indexer may hold the target open briefly."""
    try:
        os.replace(src, target)
    except PermissionError:
        time.sleep(0.2)
        os.replace(src, target)


def atomic_write_bytes(target: Path, data: bytes) -> None:
    with atomic_path(target) as tmp, open(tmp, "wb") as fh:
        fh.write(data)


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's content (hex), read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# -------------------------------------------------------------------------------------------------
# reading what the user gives: regular files only, never more than a cap


class InputTooLarge(ValueError):
    """A file larger than the cap of its kind; ``str(err)`` is a Chinese message."""


class NotRegularFile(ValueError):
    """A device, a pipe (FIFO), a socket or a folder where a file was expected; ``str(err)`` is Chinese."""


def read_input(path: str | Path, cap: int, what: str = "文件") -> bytes:
    """The content of the regular file at ``path``, at most ``cap`` bytes.

    A FIFO, a device (``/dev/zero``), a socket or a folder is refused (:class:`NotRegularFile`) without
    blocking: the file is opened non-blocking and checked by the handle, so that nothing swapped in between
    the check and the read can hang the program. A file larger than ``cap`` is refused
    (:class:`InputTooLarge`) before it is read, and at most ``cap + 1`` bytes are ever read (a file that grows
    meanwhile). ``OSError`` (not found, no permission) is left to the caller."""
    import stat

    p = Path(path)
    if p.is_dir():  # (Windows cannot open a folder at all)
        raise NotRegularFile(f"“{p}”是一个文件夹，不是文件。")
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(p, flags)
    except IsADirectoryError:
        raise NotRegularFile(f"“{p}”是一个文件夹，不是文件。") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "文件夹" if stat.S_ISDIR(mode) else "管道" if stat.S_ISFIFO(mode) else "设备或特殊文件"
            raise NotRegularFile(f"“{p}”是{kind}，不是普通文件，无法读取。")
        size = os.fstat(fd).st_size
        if size > cap:
            raise InputTooLarge(_too_large(p, size, cap, what))
        chunks, got = [], 0
        while got <= cap:
            chunk = os.read(fd, min(1 << 20, cap + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    finally:
        os.close(fd)
    if got > cap:
        raise InputTooLarge(_too_large(p, got, cap, what))
    return b"".join(chunks)


def _mb(n: int) -> str:
    return f"{n / (1 << 20):.1f}".rstrip("0").rstrip(".") + " MB"


def _too_large(p: Path, size: int, cap: int, what: str) -> str:
    return f"“{p.name}”太大（{_mb(size)}），{what}最大 {_mb(cap)}。请检查是否选错了文件。"
