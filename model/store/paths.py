"""Where the store lives by default (in :func:`model.files.app_data_dir`), and writing files safely
(temporary name, then rename)."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .. import files
from ..files import app_data_dir
from .errors import DiskFullError, StoreError

DB_FILE = "nianbao.sqlite"
ARCHIVE_DIR = "归档"
#: the database chosen in the window (文件 → 选择数据库…), in the user data folder
CHOICE_FILE = "database.json"


def default_db_url(url: str | None = None) -> str:
    """The database to open, in this order: ``url`` (the global ``--db URL`` option), the environment
    variable ``NIANBAO_DB``, the choice saved in the window (:func:`remembered_db_url`), else the SQLite
    file in the user data folder."""
    if url:
        return url
    env = os.environ.get("NIANBAO_DB")
    if env:
        return env
    return remembered_db_url() or sqlite_url(app_data_dir() / DB_FILE)


def _choice_path() -> Path:
    return app_data_dir() / CHOICE_FILE


def remembered_db_url() -> str | None:
    """The database chosen in the window and saved by :func:`remember_db_url` (None when there is none, or
    the file is unreadable — then the default applies)."""
    try:
        data = json.loads(_choice_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    url = data.get("url") if isinstance(data, dict) else None
    return url.strip() if isinstance(url, str) and url.strip() else None


def remember_db_url(url: str | None) -> None:
    """Save ``url`` as the database to open from now on (``None`` or "" forgets it: back to the default).
    Written to a temporary file and renamed; readable by the user only on POSIX (a server URL may hold a
    password)."""
    path = _choice_path()
    if not url:
        try:
            path.unlink(missing_ok=True)
        except OSError as err:
            raise os_error(err, path, "恢复默认数据库") from None
        return
    data = {"format": "nianbao-database-choice", "url": url}
    with atomic_path(path, "保存数据库选择") as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        if os.name == "posix":
            os.chmod(tmp, 0o600)


def sqlite_url(path: Path) -> str:
    return "sqlite:///" + str(Path(path).absolute()).replace("\\", "/")


_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def safe_name(name: str) -> str:
    """A folder name for ``name`` that Windows accepts."""
    s = _UNSAFE.sub("_", name).strip().rstrip(". ").lstrip(".")  # no leading dot: no hidden folder
    if not s or s.upper().split(".")[0] in {
        "CON",
        "PRN",
        "AUX",
        "NUL",
        *(f"COM{i}" for i in range(1, 10)),
        *(f"LPT{i}" for i in range(1, 10)),
    }:
        s = f"_{s}"
    return s[:120]


def os_error(err: OSError, path: Path | str, doing: str) -> StoreError:
    """A Chinese :class:`StoreError` for an ``OSError`` met while ``doing`` something with ``path``."""
    if err.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return DiskFullError(f"磁盘空间已满，{doing}失败（{path}）。已保存的内容未受影响，请腾出空间后重试。")
    if isinstance(err, PermissionError) or err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreError(f"没有写入权限，{doing}失败（{path}）。请检查文件夹是否只读，或换一个位置。")
    return StoreError(f"{doing}失败（{path}）：{err.strerror or err}")


@contextlib.contextmanager
def atomic_path(target: Path, doing: str = "写入文件") -> Iterator[Path]:
    """:func:`model.files.atomic_path` (a temporary path beside ``target`` that replaces it on success), with
    the folder created and an ``OSError`` turned into a Chinese :class:`StoreError`."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with files.atomic_path(target) as tmp:
            yield tmp
    except OSError as err:
        raise os_error(err, target, doing) from None


def write_bytes_atomic(target: Path, data: bytes, doing: str = "写入文件") -> None:
    with atomic_path(target, doing) as tmp, open(tmp, "wb") as fh:
        fh.write(data)


def probe_writable(folder: Path) -> None:
    """Raise a Chinese :class:`StoreError` unless a file can really be created in ``folder``."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".nianbao-probe-", dir=folder)
        os.close(fd)
        os.unlink(name)
    except OSError as err:
        raise os_error(err, folder, "打开数据库所在的文件夹") from None
