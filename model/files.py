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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

#: the one name of the program's folders and settings everywhere (no ``Nianbao\\Nianbao``, no ``nianbao``)
APP_DIR_NAME = "Nianbao"
ORGANISATION = APPLICATION = APP_DIR_NAME  # Qt's organisation and application name (gui/app.py)
#: the archive's folder in the clerk's Documents folder on Windows (文档\\年报归档)
ARCHIVE_DIR_NAME = "年报归档"
#: the longest path the program makes (Windows' MAX_PATH is 260; room is left for a temporary suffix)
MAX_PATH_LEN = 240


def app_data_dir() -> Path:
    """The user data folder — the database, the log, the trusted certificates. Windows: the *local* (not
    roaming) application data folder, ``%LOCALAPPDATA%\\Nianbao`` (a roaming profile would copy the
    database at every log-on and log-off); macOS: ``~/Library/Application Support/Nianbao``; elsewhere
    ``$XDG_DATA_HOME/Nianbao``. ``NIANBAO_DATA_DIR`` overrides it."""
    env = os.environ.get("NIANBAO_DATA_DIR")
    if env:
        return Path(env)
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        base = Path(local) if local else Path.home() / "AppData" / "Local"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_DIR_NAME


def legacy_data_dirs() -> list[Path]:
    """Where earlier versions kept the user data folder (moved once to :func:`app_data_dir`)."""
    if sys.platform == "win32":
        roaming = os.environ.get("APPDATA")
        base = Path(roaming) if roaming else Path.home() / "AppData" / "Roaming"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return [base / "Nianbao" / "Nianbao"]


def documents_dir() -> Path:
    """The clerk's Documents folder (文档): on Windows the known folder (which a domain may redirect to a
    server), else ``~/Documents`` (XDG's ``XDG_DOCUMENTS_DIR`` when set)."""
    if sys.platform == "win32":
        found = _windows_known_folder("{FDD39AD0-238F-46AF-ADB4-6C85480369C7}")  # FOLDERID_Documents
        if found:
            return Path(found)
        return Path(os.environ.get("USERPROFILE") or Path.home()) / "Documents"
    env = os.environ.get("XDG_DOCUMENTS_DIR")
    if env:
        return Path(os.path.expandvars(env))
    return Path.home() / "Documents"


def _windows_known_folder(guid: str) -> str | None:  # pragma: no cover - Windows only
    """``SHGetKnownFolderPath`` through ctypes; None when it cannot be asked."""
    try:
        import ctypes
        from ctypes import wintypes

        class GUID(ctypes.Structure):
            _fields_ = [
                ("Data1", wintypes.DWORD),
                ("Data2", wintypes.WORD),
                ("Data3", wintypes.WORD),
                ("Data4", ctypes.c_ubyte * 8),
            ]

        g = GUID()
        ctypes.oledll.ole32.CLSIDFromString(ctypes.c_wchar_p(guid), ctypes.byref(g))  # type: ignore[attr-defined,unused-ignore]  # Windows only
        out = ctypes.c_wchar_p()
        ctypes.windll.shell32.SHGetKnownFolderPath(ctypes.byref(g), 0, None, ctypes.byref(out))  # type: ignore[attr-defined,unused-ignore]  # Windows only
        try:
            return out.value
        finally:
            ctypes.windll.ole32.CoTaskMemFree(out)  # type: ignore[attr-defined,unused-ignore]  # Windows only
    except Exception:  # not Windows, or no shell: the fallback applies
        return None


# -------------------------------------------------------------------------------------------------
# files held open by another program: one retry helper for every rename, replace and remove

#: Windows' ERROR_ACCESS_DENIED and ERROR_SHARING_VIOLATION: a file open in WPS or Acrobat, or being
#: scanned by an antivirus program or indexed
BUSY_WINERRORS = (5, 32)
#: the pauses between attempts: about 3 s in all
RETRY_DELAYS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 0.8)


class FileBusyError(PermissionError):
    """A file stayed held open by another program through every retry; ``str()`` is a Chinese message
    naming the file to close."""

    def __init__(self, path: Path | str, err: OSError):
        self.path = str(path)
        self.cause = err
        super().__init__(err.errno, busy_message(path), self.path)

    def __str__(self) -> str:
        return busy_message(self.path)


def busy_message(path: Path | str) -> str:
    return (
        f"文件“{native(path)}”正被其他程序占用（例如在 WPS、Acrobat 中打开，或正被杀毒软件扫描）。"
        "请关闭该文件后重试。"
    )


def is_busy(err: BaseException) -> bool:
    """Whether ``err`` is Windows' “the file is in use” (or access denied by a program holding it)."""
    return isinstance(err, PermissionError) and getattr(err, "winerror", None) in BUSY_WINERRORS


def retry(action: Callable[..., T], path: Path | str, *args: Any, **kwargs: Any) -> T:
    """``action(*args, **kwargs)`` — retried for about 3 s while it fails with a “file in use”
    :class:`PermissionError` (winerror 5 or 32); then :class:`FileBusyError` naming ``path``. Any other
    error is raised at once."""
    for delay in (*RETRY_DELAYS, None):
        try:
            return action(*args, **kwargs)
        except PermissionError as err:
            if not is_busy(err):
                raise
            if delay is None:
                raise FileBusyError(getattr(err, "filename", None) or path, err) from err
            time.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover - the last delay is None


def replace(src: Path | str, target: Path | str) -> None:
    """``os.replace`` through :func:`retry` (a virus scanner or the search indexer may hold the target)."""
    retry(os.replace, target, src, target)


def rename(src: Path | str, target: Path | str) -> None:
    """``os.rename`` (a folder, or a file onto a new name) through :func:`retry`."""
    retry(os.rename, src, src, target)


def move(src: Path | str, target: Path | str) -> None:
    """``shutil.move`` (across volumes too) through :func:`retry`."""
    import shutil

    retry(shutil.move, src, str(src), str(target))


def remove(path: Path | str, missing_ok: bool = True) -> None:
    """Remove a file through :func:`retry`."""
    try:
        retry(os.remove, path, path)
    except FileNotFoundError:
        if not missing_ok:
            raise


def remove_tree(path: Path | str) -> None:
    """Remove a folder and everything in it through :func:`retry` (read-only files too); raises."""
    import shutil
    import stat

    def on_error(func: Callable[[str], object], name: str, _exc: object) -> None:
        with contextlib.suppress(OSError):
            os.chmod(name, stat.S_IWRITE)  # Windows refuses to remove a read-only file
        retry(func, name, name)

    if not Path(path).exists():
        return
    if sys.version_info >= (3, 12):  # pragma: no cover
        retry(shutil.rmtree, path, path, onexc=on_error)
    else:
        retry(shutil.rmtree, path, path, onerror=on_error)


def remove_tree_quietly(path: Path | str) -> bool:
    """:func:`remove_tree` that never raises (a temporary folder left behind is logged, not fatal);
    returns whether the folder is gone."""
    try:
        remove_tree(path)
    except OSError as err:
        import logging

        logging.getLogger("nianbao.files").warning("临时文件夹未能删除：%s（%s）", path, err)
        return False
    return True


@contextlib.contextmanager
def temp_dir(prefix: str = "nianbao-", dir: Path | str | None = None) -> Iterator[Path]:
    """A temporary folder, removed afterwards through :func:`retry` — never raising on the way out (a
    file the antivirus still holds stays behind for the system's clean-up)."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=dir))
    try:
        yield path
    finally:
        remove_tree_quietly(path)


# -------------------------------------------------------------------------------------------------
# paths as Windows wants them


def native(path: Path | str) -> str:
    """A path as the system writes it (``C:\\Users\\…`` on Windows), for messages and labels."""
    text = str(path)
    return text.replace("/", "\\") if sys.platform == "win32" else text


def short_name(name: str, limit: int) -> str:
    """``name`` when it has at most ``limit`` characters, else its beginning and a hash of the whole
    (``…~1a2b3c4d``), the suffix kept: two long names stay two names."""
    if len(name) <= limit:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 8 or not stem:
        stem, suffix = name, ""
    else:
        suffix = "." + suffix
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    keep = max(1, limit - len(suffix) - 9)
    return f"{stem[:keep]}~{digest}{suffix}"


def fit_path(path: Path | str, limit: int = MAX_PATH_LEN) -> Path:
    """``path`` with its last part shortened (:func:`short_name`) so that the whole has at most ``limit``
    characters; unchanged when it fits (or when even a short name would not: the folder is too deep)."""
    path = Path(path)
    over = len(str(path)) - limit
    if over <= 0:
        return path
    room = len(path.name) - over
    if room < 12:
        return path
    return path.with_name(short_name(path.name, room))


# -------------------------------------------------------------------------------------------------
# a SQLite file on a network share

DRIVE_REMOTE = 4  # GetDriveTypeW


def _drive_type(root: str) -> int:  # pragma: no cover - Windows only
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)))  # type: ignore[attr-defined,unused-ignore]  # Windows only


NETWORK_FILESYSTEMS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "afs", "9p", "davfs", "ncpfs"}


def _mount_type(path: Path) -> str | None:
    """The file-system type of the mount holding ``path`` (Linux, from /proc/mounts)."""
    try:
        lines = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    best, kind = "", None
    target = str(path)
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount = parts[1].replace("\\040", " ")
        if (target == mount or target.startswith(mount.rstrip("/") + "/")) and len(mount) >= len(best):
            best, kind = mount, parts[2]
    return kind


def _is_unc(text: str) -> bool:
    """``\\\\server\\share…`` or ``\\\\?\\UNC\\server…`` (not a device path such as ``\\\\?\\C:\\…``)."""
    text = text.replace("/", "\\")
    if text.startswith(("\\\\?\\", "\\\\.\\")):
        return text[4:].upper().startswith("UNC\\")
    return text.startswith("\\\\")


def is_network_path(path: Path | str) -> bool:
    """Whether ``path`` lies on a network share: a UNC path (``\\\\server\\share``), a mapped network
    drive (``GetDriveTypeW`` says DRIVE_REMOTE), a folder redirected to a server (its real path is UNC),
    or on Linux an NFS/SMB mount."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return _is_unc(text)
    if sys.platform == "win32":
        import ntpath

        try:  # a junction or a symbolic link to a share resolves to its UNC path
            real = os.path.realpath(text)
        except (OSError, ValueError):
            real = text
        if real != text and _is_unc(real):
            return True
        drive = ntpath.splitdrive(text)[0]
        if len(drive) == 2 and drive[1] == ":":
            try:
                return _drive_type(drive + "\\") == DRIVE_REMOTE
            except Exception:  # cannot ask: assume local
                return False
        return False
    if sys.platform.startswith("linux"):
        kind = _mount_type(Path(os.path.abspath(text)))
        return bool(kind) and kind in NETWORK_FILESYSTEMS
    return False


# -------------------------------------------------------------------------------------------------
# small files the clerk writes by hand


def read_password_file(path: Path | str) -> str:
    """The first line of a password file, whatever wrote it: ``echo 口令> pw.txt`` in cmd writes GBK with
    CRLF (and ``echo 口令 > pw.txt`` a trailing space), Notepad UTF-8 with or without a BOM or UTF-16.
    Trailing spaces, tabs and line ends are dropped; leading ones are kept (they may be meant). A regular
    file of at most 64 KB only (:func:`read_input`: never a pipe or a device)."""
    data = read_input(path, 64 * 1024, "密码文件")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    elif data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("gb18030", errors="replace")
    lines = text.splitlines()
    return lines[0].rstrip(" \t\r\n\x00\u3000") if lines else ""


def _read_umask() -> int:
    """The process's umask: from /proc on Linux (no change of state), else set and put back at once."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="utf-8", errors="replace").splitlines():
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
            remove(tmp)
        raise


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
