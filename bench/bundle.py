"""The size on disk of the built program folder (``python packaging/build.py`` makes ``dist/nianbao/``).

Budget (issue 6): ≤ 120 MB (decimal megabytes, the stricter reading). Reports ``null`` with the reason when no
build is there; ``NIANBAO_BUNDLE`` names another folder (a Windows build copied here, say). Besides the total,
the parts that weigh most: Qt (and, on Linux, the ICU data Qt carries), the bundled fonts, the Python runtime.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET_MB = 120.0
MB = 1000 * 1000


def bundle_dir() -> Path:
    env = os.environ.get("NIANBAO_BUNDLE")
    return Path(env) if env else ROOT / "dist" / "nianbao"


def _file_size(path: Path) -> int:
    st = path.stat()
    blocks = getattr(st, "st_blocks", None)  # allocated blocks where the system says (not on Windows)
    return blocks * 512 if blocks is not None else st.st_size


def size_on_disk(folder: Path) -> int:
    """Bytes the folder's files take on disk (symbolic links count nothing: their target is counted)."""
    return sum(_file_size(p) for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _parts(folder: Path) -> dict[str, int]:
    internal = folder / "_internal" if (folder / "_internal").is_dir() else folder
    parts: dict[str, int] = {}
    for path in internal.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        rel = path.relative_to(internal).as_posix()
        name = path.name.lower()
        if name.startswith(("libicu", "icu")):
            key = "qt_icu"
        elif rel.startswith("PySide6/") or rel.startswith("shiboken6/") or name.startswith(("qt6", "libqt6")):
            key = "qt"
        elif rel.startswith("resources/fonts/"):
            key = "fonts"
        elif name.startswith(("libpython", "python3")) or rel.startswith(("python3", "lib-dynload/")):
            key = "python"
        else:
            key = rel.split("/", 1)[0] if "/" in rel else "other_libraries"
        parts[key] = parts.get(key, 0) + _file_size(path)
    exe = [p for p in folder.iterdir() if p.is_file()]
    parts["executable_and_python_code"] = sum(_file_size(p) for p in exe)
    return parts


def run() -> dict:
    folder = bundle_dir()
    exe = folder / ("nianbao.exe" if sys.platform == "win32" else "nianbao")
    if not folder.is_dir() or not (exe.is_file() or (folder / "nianbao.exe").is_file()):
        return {
            "bundle_mb": None,
            "bundle_budget_mb": BUDGET_MB,
            "bundle_reason": f"没有构建：{folder} 不存在（先运行 python packaging/build.py）",
        }
    total = size_on_disk(folder)
    parts = sorted(_parts(folder).items(), key=lambda kv: -kv[1])
    built = dt.datetime.fromtimestamp(max(p.stat().st_mtime for p in folder.iterdir())).isoformat(
        timespec="seconds"
    )
    return {
        "bundle_mb": round(total / MB, 1),
        "bundle_mib": round(total / 2**20, 1),
        "bundle_budget_mb": BUDGET_MB,
        "bundle_within_budget": total / MB <= BUDGET_MB,
        "bundle_files": sum(1 for p in folder.rglob("*") if p.is_file()),
        "bundle_path": str(folder),
        "bundle_built": built,
        "bundle_largest_parts_mb": {k: round(v / MB, 1) for k, v in parts[:12]},
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=2))
