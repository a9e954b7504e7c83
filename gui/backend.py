"""What the window needs from the store (``model.store``), in one place."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication

from model.report import Report
from model.store import ConflictError, FrozenError, NotFinalizableError, StoreError

if TYPE_CHECKING:
    from model.store import Store

__all__ = [
    "ConflictError",
    "FrozenError",
    "NotFinalizableError",
    "Store",
    "StoreError",
    "is_final",
    "local_time",
    "open_store",
    "organ_names",
    "previous_of",
    "status_label",
]


def __getattr__(name: str):
    if name == "Store":  # the store's code imports SQLAlchemy (~0.2 s): not before the window shows
        from model.store import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_store(url: str | None = None) -> Store:
    from model.store import Store

    return Store.open(url)


def is_final(info: Any) -> bool:
    return bool(info.is_final)


def status_label(info: Any) -> str:
    return (
        QCoreApplication.translate("backend", "已定稿")
        if info.is_final
        else QCoreApplication.translate("backend", "草稿")
    )


def organ_names(store: Any) -> list[str]:
    return [o.name for o in store.organs()]


def local_time(at: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored time (UTC) as the clerk's local time."""
    if not isinstance(at, _dt.datetime):
        return str(at or "")
    if at.tzinfo is None:
        at = at.replace(tzinfo=_dt.UTC)
    return at.astimezone().strftime(fmt)


def previous_of(store: Any, report_id: int) -> Report | None:
    """Last year's report of the same organ (for the checks across years). A store that cannot read it
    raises (no quiet ``None``: the cross-year checks would silently find nothing)."""
    return store.previous_report(report_id)
