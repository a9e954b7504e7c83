"""The store's errors: every one carries a Chinese message for the clerk (``str(err)``)."""

from __future__ import annotations

from typing import Any


class StoreError(Exception):
    """Something the store could not do; ``str(err)`` is a Chinese message fit to show."""


class ConflictError(StoreError):
    """A stale write: the report changed since the caller read it (optimistic version check)."""

    def __init__(self, message: str, current_version: int | None = None, changes: list[Any] | None = None):
        super().__init__(message)
        self.current_version = current_version
        #: the revisions made since the caller's version, when known (:class:`model.store.changes.Revision`)
        self.changes = changes or []


class BusyError(StoreError):
    """The database (or a file) is held by another program; nothing was changed — try again later."""


class FrozenError(StoreError):
    """An edit of a final (定稿) report, or finalising one that is already final."""


class NotFinalizableError(StoreError):
    """Finalising a report that still has errors; ``findings`` holds them."""

    def __init__(self, message: str, findings: list[Any] | None = None):
        super().__init__(message)
        self.findings = findings or []


class NotFoundError(StoreError):
    """No such report or organ."""


class DiskFullError(StoreError):
    """The disk (or the database's size limit) is full; nothing was changed."""


class CorruptError(StoreError):
    """The file is no database of this program, or it is damaged."""


class NewerDatabaseError(StoreError):
    """The database was written by a newer version of the program; it was left untouched."""
