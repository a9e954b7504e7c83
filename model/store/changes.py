"""What the store records: a report as a flat state, the typed :class:`Change` between two states, and the
:class:`Revision` a change becomes in the history. Values are stored as text (``None`` = blank)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ..form import ALL_CELL_KEYS, TEXT_KEYS
from ..report import SLASH, Report, Value, parse_value, prose_too_long
from .archive import this_host
from .errors import StoreError


class ChangeKind(StrEnum):
    """What a change (and a revision of the history) is about; the value is what the database holds."""

    CELL = "cell"  # key: the cell key
    TEXT = "text"  # key: the text section
    META = "meta"  # key: agency / title / date / template
    EXPLANATION = "explanation"  # key: ``["rule", [cells…]]`` as JSON
    STATUS = "status"  # draft ↔ final (key: the archive folder when finalised)
    CREATE = "create"  # new: where the report came from (导入, 新建, 由 … 年度结转)
    RESTORE = "restore"  # old: the version before, new: the version brought back


#: the kinds of change that make up a report's content (restore replays these)
CONTENT = (ChangeKind.CELL, ChangeKind.TEXT, ChangeKind.META, ChangeKind.EXPLANATION)

#: a report as a flat state: (kind, key) → text
State = dict[tuple[ChangeKind, str], str]


@dataclass(frozen=True)
class Change:
    """One change of a report: ``old`` → ``new`` (text as stored, ``None`` for blank / absent)."""

    kind: ChangeKind
    key: str | None
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Revision:
    """One recorded change: ``what`` its kind; ``key`` the cell key, text section, meta field, or for an
    explanation ``["rule", [cells…]]`` as JSON; ``old`` / ``new`` the values as text (a cell as printed,
    ``None`` for blank); ``version`` the report's version after the change (all changes of one edit share
    it). A Chinese line for the history list: :func:`model.store.wording.describe`."""

    id: int
    at: dt.datetime  # UTC
    what: ChangeKind
    key: str | None
    old: str | None
    new: str | None
    version: int
    #: who made the change: user@computer (None for changes made before revision 0004)
    by: str | None = None


def who() -> str:
    """The user and computer making a change (``user@computer``), recorded with each revision."""
    try:
        import getpass

        user = getpass.getuser()
    except Exception:  # no user name in this environment (getpass raises OSError/KeyError)
        user = ""
    host = this_host()
    return (f"{user}@{host}" if user and host else user or host or "")[:255]


# -------------------------------------------------------------------------------------------------
# values as stored

MAX_ABS = Decimal(10) ** 15


def encode(value: Any, key: str = "") -> str | None:
    """A cell value as stored (text) — ``None`` for blank; ``StoreError`` if it is no value."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise StoreError(f"单元格 {key} 的值 {value!r} 不是数字。")
    if isinstance(value, str):
        try:
            value = parse_value(value)
        except ValueError:
            raise StoreError(f"单元格 {key} 的值“{value}”不是数字，也不是“/”。") from None
        if value is None or value == SLASH:
            return None if value is None else SLASH
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, int):
        value = Decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite():
        raise StoreError(f"单元格 {key} 的值 {value!r} 不是数字。")
    if abs(value) >= MAX_ABS:
        raise StoreError(f"单元格 {key} 的值 {value} 过大。")
    text = format(value, "f")
    if len(text) > 40:
        raise StoreError(f"单元格 {key} 的值 {value} 位数过多。")
    return text


def decode(text: str | None) -> Value:
    if text is None:
        return None
    return parse_value(text)


def as_number(text: str | None) -> float | None:
    """The number column of a stored cell (``None`` for "/" and blank): what SQL sums."""
    if text is None or text == SLASH:
        return None
    return float(Decimal(text))


def explanation_key(rule: str, cells: Iterable[str]) -> str:
    return json.dumps([rule, sorted(cells)], ensure_ascii=False)


def slots(report: Report) -> State:
    """A report as a flat state: (kind, key) → text. Blank cells and empty prose are absent."""
    too_long = prose_too_long(report.text)
    if too_long:
        raise StoreError(too_long)
    out: dict[tuple[ChangeKind, str], str | None] = {}
    for k in ALL_CELL_KEYS:
        v = encode(report.cells.get(k), k)
        if v is not None:
            out[(ChangeKind.CELL, k)] = v
    for k in TEXT_KEYS:
        if report.text.get(k):
            out[(ChangeKind.TEXT, k)] = report.text[k]
    out[(ChangeKind.META, "agency")] = report.agency or ""
    out[(ChangeKind.META, "title")] = report.title or None
    out[(ChangeKind.META, "date")] = report.date or None
    out[(ChangeKind.META, "template")] = report.template
    for e in report.explanations:
        out[(ChangeKind.EXPLANATION, explanation_key(e.rule, e.cells))] = e.text
    return {k: v for k, v in out.items() if v is not None}


def diff(old: State, new: State) -> list[Change]:
    """The changes that make ``old`` into ``new``, in the order of their (kind, key)."""
    keys = sorted(set(old) | set(new))
    return [
        Change(w, k, old.get((w, k)), new.get((w, k)))
        for (w, k) in keys
        if old.get((w, k)) != new.get((w, k))
    ]
