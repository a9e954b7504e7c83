"""The yearly archive: one folder per organ and year, one sub-folder per final revision (第1版, 第2版 …),
each with the final exchange JSON, the PDF and the signed PDF when provided, and ``manifest.json`` holding
the SHA-256 of every file. Files are written under a temporary name and renamed."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import uuid
from pathlib import Path
from typing import Any

from .. import files
from ..files import sha256_file
from .errors import StoreError
from .paths import atomic_path, os_error, safe_name, write_bytes_atomic

MANIFEST = "manifest.json"
REPORT_JSON = "年度报告.nianbao.json"
MANIFEST_FORMAT = "nianbao-archive"


def this_host() -> str:
    """This computer's name, as recorded with a final report's archive (Windows: the computer name)."""
    return (os.environ.get("COMPUTERNAME") or platform.node() or "").strip()


def revision_folder(root: Path, organ: str, year: int, revision_no: int) -> Path:
    return Path(root) / safe_name(organ) / str(year) / f"第{revision_no}版"


def _manifest_data(folder: Path, meta: dict[str, Any]) -> dict[str, Any]:
    files = {}
    for p in sorted(folder.iterdir()):
        if p.is_file() and p.name != MANIFEST and not p.name.startswith("."):
            files[p.name] = {"sha256": sha256_file(p), "size": p.stat().st_size}
    return {"format": MANIFEST_FORMAT, "format_version": 1, **meta, "files": files}


def write_manifest(folder: Path, meta: dict[str, Any]) -> None:
    data = _manifest_data(folder, meta)
    write_bytes_atomic(
        folder / MANIFEST, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"), "写入归档清单"
    )


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise StoreError(f"归档清单无法读取（{folder / MANIFEST}）：{err}") from None
    if (
        not isinstance(data, dict)
        or data.get("format") != MANIFEST_FORMAT
        or not isinstance(data.get("files"), dict)
    ):
        raise StoreError(f"归档清单格式不对（{folder / MANIFEST}）。")
    return data


def write_final(
    root: Path, organ: str, year: int, revision_no: int, report_json: str, meta: dict[str, Any]
) -> Path:
    """Create the folder of a final revision; returns it. All or nothing: built aside, then renamed."""
    folder = revision_folder(root, organ, year, revision_no)
    tmp = folder.parent / f".{folder.name}.tmp-{uuid.uuid4().hex[:8]}"
    try:
        tmp.mkdir(parents=True)
        with open(tmp / REPORT_JSON, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(report_json)
            fh.flush()
            os.fsync(fh.fileno())
        write_manifest(tmp, meta)
        if folder.exists():  # left by an attempt whose database step failed: keep it, out of the way
            files.rename(folder, folder.with_name(f"{folder.name}.作废-{uuid.uuid4().hex[:8]}"))
        files.rename(tmp, folder)
    except OSError as err:
        files.remove_tree_quietly(tmp)
        raise os_error(err, folder, "写入归档") from None
    except BaseException:
        files.remove_tree_quietly(tmp)
        raise
    return folder


def discard(folder: Path) -> None:
    """Undo :func:`write_final` when the database refused the finalising."""
    with contextlib.suppress(OSError):
        files.remove_tree(folder)


def add_files(folder: Path, files: dict[str, Path]) -> None:
    """Copy ``files`` ({name in the archive: source}) into ``folder`` and update its manifest."""
    meta = {k: v for k, v in read_manifest(folder).items() if k not in ("format", "format_version", "files")}
    for name, src in files.items():
        if not name or name != Path(name).name or name in (MANIFEST, ".", "..") or name.startswith("."):
            raise StoreError(f"归档文件名“{name}”无效（不能含路径，不能是 {MANIFEST}）。")
        if not Path(src).is_file():
            raise StoreError(f"要归档的文件不存在：{src}")
    for name, src in files.items():
        with atomic_path(folder / name, "复制文件到归档") as tmp:
            shutil.copyfile(src, tmp)
    write_manifest(folder, meta)


def manifests(root: Path) -> list[Path]:
    """Every folder under ``root`` holding a manifest (temporary folders excluded)."""
    if not Path(root).is_dir():
        return []
    return sorted(p.parent for p in Path(root).rglob(MANIFEST) if not p.parent.name.startswith("."))


def folder_files(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file of an archive folder, its manifest included: name → (SHA-256, size). Recorded in the
    database at finalising (and when a file joins), so that the manifest does not vouch only for itself."""
    return {
        p.name: (sha256_file(p), p.stat().st_size)
        for p in sorted(Path(folder).iterdir())
        if p.is_file() and not p.name.startswith(".")
    }


def verify_folder(folder: Path, anchor: dict[str, str] | None = None) -> list[str]:
    """The problems of one archive folder: its files against its manifest and, when ``anchor`` (name →
    SHA-256 as recorded in the database) is given, every file and the manifest itself against the database
    — a file changed and its hash changed in the manifest to match is caught there. One problem per file."""
    problems = _verify_manifest(folder)
    if anchor is None:
        return problems
    said = {p.rsplit("：", 1)[-1] for p in problems}
    more: list[str] = []
    for name, digest in sorted(anchor.items()):
        path = folder / name
        if not path.is_file():
            more.append(f"缺少文件：{path}")
            continue
        try:
            if sha256_file(path) != digest:
                more.append(f"文件与数据库中的记录不符（SHA-256）：{path}")
        except OSError as err:
            more.append(f"文件无法读取：{path}（{err.strerror or err}）")
    for p in sorted(folder.iterdir()):
        if p.is_file() and not p.name.startswith(".") and p.name not in anchor:
            more.append(f"数据库中没有记录的文件：{p}")
    return problems + [p for p in more if p.rsplit("：", 1)[-1] not in said]


def _verify_manifest(folder: Path) -> list[str]:
    problems: list[str] = []
    try:
        data = read_manifest(folder)
    except StoreError as err:
        return [str(err)]
    listed = data["files"]
    for name, entry in sorted(listed.items()):
        path = folder / name
        if not path.is_file():
            problems.append(f"缺少文件：{path}")
            continue
        try:
            digest = sha256_file(path)
        except OSError as err:
            problems.append(f"文件无法读取：{path}（{err.strerror or err}）")
            continue
        if not isinstance(entry, dict) or digest != entry.get("sha256"):
            problems.append(f"文件已被改动（SHA-256 不符）：{path}")
    for p in sorted(folder.iterdir()):
        if p.is_file() and p.name != MANIFEST and not p.name.startswith(".") and p.name not in listed:
            problems.append(f"清单中没有的文件：{p}")
    return problems


def verify(root: Path) -> list[str]:
    problems: list[str] = []
    for folder in manifests(root):
        problems += verify_folder(folder)
    return problems
