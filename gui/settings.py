"""Typed settings over QSettings (after Picard's ``config.py``): each option is declared once with its
type and default; reading never fails (a bad stored value gives the default); a version number allows
upgrades of renamed or retyped options.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

T = TypeVar("T")

SETTINGS_VERSION = 1
#: where the settings of earlier versions were (QSettings' native place: the registry on Windows)
LEGACY_ORGANIZATION = LEGACY_APPLICATION = "nianbao"
#: the settings file, in the local user data folder beside the database and the log (one place, one name)
SETTINGS_FILE = "settings.ini"


def default_qsettings() -> QSettings:
    """The program's settings: ``settings.ini`` in the user data folder; the settings of an earlier version
    (registry ``HKCU\\Software\\nianbao\\nianbao`` on Windows) are copied in once."""
    from model.files import app_data_dir

    path = app_data_dir() / SETTINGS_FILE
    fresh = not path.exists()
    qs = QSettings(str(path), QSettings.Format.IniFormat)
    if fresh:
        old = QSettings(LEGACY_ORGANIZATION, LEGACY_APPLICATION)
        keys = old.allKeys()
        for key in keys:
            qs.setValue(key, old.value(key))
        if keys:
            qs.sync()
    return qs


@dataclass(frozen=True)
class Option(Generic[T]):
    key: str
    default: T
    kind: type

    def read(self, qs: QSettings) -> T:
        raw = qs.value(self.key)
        if raw is None:
            return self.default
        try:
            if self.kind is bool:
                if isinstance(raw, str):
                    return raw.lower() in ("true", "1", "yes")  # type: ignore[return-value]
                return bool(raw)  # type: ignore[return-value]
            if self.kind is QByteArray:
                return raw if isinstance(raw, QByteArray) else QByteArray(raw)  # type: ignore[return-value]
            if self.kind is list:
                if isinstance(raw, str):
                    return [raw]  # type: ignore[return-value]
                return list(raw)  # type: ignore[return-value]
            value: T = self.kind(raw)
            return value
        except (TypeError, ValueError):
            return self.default


class Settings:
    """``Settings().last_report`` reads, ``Settings().last_report = 3`` writes."""

    OPTIONS: dict[str, Option[Any]] = {
        o.key: o
        for o in (
            Option("version", 0, int),
            Option("window/geometry", QByteArray(), QByteArray),
            Option("window/state", QByteArray(), QByteArray),
            Option("window/splitter", QByteArray(), QByteArray),
            Option("last_report", 0, int),
            Option("last_db", "", str),
            Option("files/last_dir", "", str),
            Option("backup/reminder_days", 30, int),  # 备份提醒: a backup older than this is due; 0: never
        )
    }

    def __init__(self, qsettings: QSettings | None = None):
        self._qs = qsettings or default_qsettings()
        self.upgrade()

    @property
    def qsettings(self) -> QSettings:
        return self._qs

    def get(self, key: str) -> Any:
        return self.OPTIONS[key].read(self._qs)

    def set(self, key: str, value: Any) -> None:
        if key not in self.OPTIONS:
            raise KeyError(key)
        self._qs.setValue(key, value)

    # column widths of a grid, one option per table (declared on the fly: "columns/<table>")
    def column_widths(self, table: str) -> list[int]:
        raw = self._qs.value(f"columns/{table}")
        if not raw:
            return []
        try:
            return [int(x) for x in (raw if isinstance(raw, list) else [raw])]
        except (TypeError, ValueError):
            return []

    def set_column_widths(self, table: str, widths: list[int]) -> None:
        self._qs.setValue(f"columns/{table}", [int(w) for w in widths])

    def start_folder(self) -> str:
        """Where a file dialog opens: the folder used last, else the clerk's 文档 (Documents) — never the
        program's own folder."""
        last = self.get("files/last_dir")
        if last and Path(last).is_dir():
            return last
        docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return docs if docs and Path(docs).is_dir() else str(Path.home())

    def used_folder(self, path: str | Path) -> None:
        """Remember the folder of a file the clerk chose."""
        p = Path(path)
        self.set("files/last_dir", str(p if p.is_dir() else p.parent))

    def upgrade(self) -> None:
        version = self.get("version")
        # future upgrades: ``if version < 2: rename/convert options``
        if version != SETTINGS_VERSION:
            self._qs.setValue("version", SETTINGS_VERSION)

    def sync(self) -> None:
        self._qs.sync()

    # typed shortcuts
    @property
    def last_report(self) -> int:
        value: int = self.get("last_report")
        return value

    @last_report.setter
    def last_report(self, value: int) -> None:
        self.set("last_report", int(value))
