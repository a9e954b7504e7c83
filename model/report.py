"""A report: cells, prose, explanations — and the exchange JSON in and out.

A cell value is one of

* ``None`` — left blank;
* ``"/"`` — marked not applicable;
* an ``int`` — a count (or a whole amount);
* a :class:`decimal.Decimal` — a fee in 万元, or a fractional number a check will flag in a count cell.

Values are kept exactly as given (a negative or fractional count is kept so that the checks can say so);
what a cell may *hold* at all is decided by :func:`parse_value`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .form import (
    ALL_CELL_KEYS,
    AMOUNT_DECIMALS,
    CURRENT_EDITION,
    FORMS,
    TEXT_KEYS,
    CellKind,
    Form,
    exchange_keys,
    form_for,
)

FORMAT_NAME = "gov-info-disclosure-annual-report"
FORMAT_VERSION = 1

SLASH = "/"
Value = int | Decimal | str | None


class ReportError(ValueError):
    """Input that is not a report; ``str(err)`` is a Chinese message for the clerk."""


#: the longest prose section accepted (characters): a real one is a few thousand; 50 000 still prints in a few
#: seconds (checked on import, in the exchange schema and by the store)
MAX_PROSE_CHARS = 50_000


def prose_too_long(text: dict[str, str]) -> str | None:
    """A Chinese message when a section of ``text`` is longer than :data:`MAX_PROSE_CHARS`, else None."""
    from .form import form_for

    for key, body in text.items():
        if body and len(body) > MAX_PROSE_CHARS:
            section = form_for(None).text_sections.get(key)
            name = section.heading if section else key
            return f"“{name}”的正文太长（{len(body)} 字，最多 {MAX_PROSE_CHARS} 字）。"
    return None


@dataclass
class Explanation:
    """A written explanation (说明) attached to a finding: the finding's rule and cells identify it."""

    rule: str
    cells: list[str]
    text: str

    def matches(self, rule: str, cells: list[str] | tuple[str, ...]) -> bool:
        return self.rule == rule and sorted(self.cells) == sorted(cells)

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "cells": list(self.cells), "text": self.text}


@dataclass
class Report:
    template: str = CURRENT_EDITION
    agency: str = ""
    year: int | None = None
    title: str | None = None
    date: str | None = None
    text: dict[str, str] = field(default_factory=lambda: {k: "" for k in TEXT_KEYS})
    cells: dict[str, Value] = field(default_factory=dict)
    explanations: list[Explanation] = field(default_factory=list)
    #: the store's version this report was written out at (``store show``, the archive); ``None`` for new
    #: content. Saving a report with an older revision over the stored one is a conflict (exchange-format.md).
    revision: int | None = None

    def __post_init__(self) -> None:
        for k in TEXT_KEYS:
            self.text.setdefault(k, "")
        for k in exchange_keys(self.form):
            self.cells.setdefault(k, None)

    @property
    def form(self) -> Form:
        return form_for(self.template)

    def get(self, key: str) -> Value:
        return self.cells.get(key)

    def copy(self) -> Report:
        return Report(
            self.template,
            self.agency,
            self.year,
            self.title,
            self.date,
            dict(self.text),
            dict(self.cells),
            [Explanation(e.rule, list(e.cells), e.text) for e in self.explanations],
            self.revision,
        )

    # ---------------------------------------------------------------------------------------------
    # explanations

    def explanation_for(self, rule: str, cells: list[str] | tuple[str, ...]) -> Explanation | None:
        return next((e for e in self.explanations if e.matches(rule, cells)), None)

    def explain(self, rule: str, cells: list[str] | tuple[str, ...], text: str) -> None:
        """Attach (or, with empty ``text``, remove) the explanation of a finding."""
        self.explanations = [e for e in self.explanations if not e.matches(rule, cells)]
        if text.strip():
            self.explanations.append(Explanation(rule, list(cells), text.strip()))

    # ---------------------------------------------------------------------------------------------
    # exchange JSON

    def to_exchange(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "template": self.template,
            "agency": self.agency,
            "year": self.year,
        }
        if self.title:
            out["title"] = self.title
        if self.date:
            out["date"] = self.date
        out["text"] = {k: self.text.get(k, "") for k in TEXT_KEYS}
        out["cells"] = {k: value_to_json(self.cells.get(k)) for k in exchange_keys(self.form)}
        if self.explanations:
            out["explanations"] = [e.to_json() for e in self.explanations]
        if self.revision is not None:
            out["revision"] = self.revision
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_exchange(), ensure_ascii=False, indent=2)

    @classmethod
    def from_exchange(cls, data: Any) -> Report:
        if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
            raise ReportError('这不是年报交换文件（缺少 "format": "gov-info-disclosure-annual-report"）。')
        version = data.get("format_version", FORMAT_VERSION)
        whole = (
            isinstance(version, int | Decimal) and not isinstance(version, bool) and version == int(version)
        )
        if whole and version > FORMAT_VERSION:
            raise ReportError(f"交换文件的格式版本 {version} 比本程序新，请升级程序后再打开。")
        from .exchange_schema import validate

        validate(data)  # every field of the right kind, named when it is not (“title 应为文字”)
        template = str(data.get("template") or CURRENT_EDITION)
        if template not in FORMS:
            known = " 或 ".join(FORMS)
            raise ReportError(f"不认识的报告格式版本“{template}”（应为 {known}）。")
        year = data.get("year")
        if isinstance(year, Decimal | float):  # 2024.0: whole, the schema made sure
            year = int(year)
        if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
            raise ReportError(f"年度“{year}”不是一个整数年份。")
        text_in = data.get("text") or {}
        if not isinstance(text_in, dict):
            raise ReportError("交换文件中的 text 应为对象。")
        cells_in = data.get("cells") or {}
        if not isinstance(cells_in, dict):
            raise ReportError("交换文件中的 cells 应为对象。")
        form = form_for(template)
        cells: dict[str, Value] = {}
        for key, raw in cells_in.items():
            if key not in ALL_CELL_KEYS and key not in form.cells:
                continue  # a later version may add keys
            cells[key] = value_from_json(raw, key, form)
        explanations = []
        for e in data.get("explanations") or []:
            if isinstance(e, dict) and isinstance(e.get("text"), str):
                explanations.append(
                    Explanation(str(e.get("rule", "")), [str(c) for c in e.get("cells") or []], e["text"])
                )
        return cls(
            template=template,
            agency=str(data.get("agency") or ""),
            year=year,
            title=data.get("title") or None,
            date=data.get("date") or None,
            text={k: str(text_in.get(k) or "") for k in TEXT_KEYS},
            cells=cells,
            explanations=explanations,
            revision=int(data["revision"]) if data.get("revision") is not None else None,
        )

    @classmethod
    def from_json(cls, text: str) -> Report:
        try:
            data = json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
        except (json.JSONDecodeError, RecursionError) as err:
            raise ReportError(f"JSON 文件已损坏，无法读取（{err}）。") from None
        except ValueError:  # a number of more than 4300 digits
            raise ReportError("JSON 文件中有位数过多的数字，无法读取。") from None
        return cls.from_exchange(data)


def _refuse_constant(name: str) -> None:
    raise ReportError(f"JSON 文件中有非数字的值“{name}”（交换格式只允许有限的数字、“/”或 null）。")


# -------------------------------------------------------------------------------------------------
# values


def value_to_json(v: Value) -> Any:
    if isinstance(v, Decimal):
        if v == v.to_integral_value():
            return int(v)
        return float(v)
    return v


#: no count or fee of a report comes near this; larger numbers are a damaged or hostile file
MAX_MAGNITUDE = Decimal(10) ** 12


def value_from_json(raw: Any, key: str, form: Form | None = None) -> Value:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise ReportError(f"单元格 {key} 的值 {raw!r} 不是数字。")
    if isinstance(raw, (int, float, Decimal)):
        d = Decimal(str(raw)) if not isinstance(raw, int) else Decimal(raw)
        if not d.is_finite() or abs(d) >= MAX_MAGNITUDE:
            raise ReportError(f"单元格 {key} 的值 {raw} 不是一个合理的数字（过大或不是有限数）。")
        if isinstance(raw, int):
            return raw
        return int(d) if d == d.to_integral_value() and _exponent(d) >= 0 else d
    if isinstance(raw, str):
        try:
            return parse_value(raw)
        except ValueError:
            raise ReportError(f"单元格 {key} 的值“{raw}”不是数字，也不是“/”。") from None
    raise ReportError(f"单元格 {key} 的值 {raw!r} 不是数字。")


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
#: a change written in words (the 2019 edition's 本年增/减): 增4, 增加4, 减4, 减少4
_CHANGE = re.compile(r"^(增加?|减少?)(\d+)$")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．－＋／", "0123456789.-+/")


def _exponent(d: Decimal) -> int:
    """The exponent of a finite Decimal (its number of decimals, negated)."""
    exponent = d.as_tuple().exponent
    assert isinstance(exponent, int), d  # 'n', 'N', 'F': NaN and infinity, never a stored value
    return exponent


def parse_value(text: str) -> Value:
    """Read what a clerk typed (or a page printed) into a value; ``ValueError`` if it is no value.

    Accepts blanks, ``/`` (also ``／``), full-width digits, thousands separators. Does not judge whether
    the value suits the cell (a count may be fractional here): see :func:`value_problem`.
    """
    s = text.strip().translate(_FULLWIDTH).replace(",", "").replace("，", "").replace(" ", "")
    if s == "":
        return None
    if s == SLASH:
        return SLASH
    change = _CHANGE.match(s)
    if change:
        n = int(change.group(2))
        return -n if change.group(1).startswith("减") else n
    if not _NUMBER.match(s):
        raise ValueError(text)
    try:
        d = Decimal(s)
    except InvalidOperation:
        raise ValueError(text) from None
    if d == d.to_integral_value() and "." not in s:
        return int(d)
    return d


def value_problem(value: Value, kind: CellKind, slash_allowed: bool) -> str | None:
    """Why ``value`` cannot stand in a cell of this kind, as a Chinese message, or ``None``."""
    if value is None:
        return None
    if value == SLASH:
        return None if slash_allowed else "此处不能填“/”，请填写数字（没有请填 0）"
    if isinstance(value, str):
        return "请填写数字"
    if value < 0 and kind is not CellKind.CHANGE:
        return "不能为负数"
    if (value if value >= 0 else -value) >= MAX_MAGNITUDE:  # abs() of int | Decimal is no number to mypy
        return "数值过大，请核对"
    if kind in (CellKind.COUNT, CellKind.CHANGE):
        if isinstance(value, Decimal) and value != value.to_integral_value():
            return "件数应为整数"
        return None
    if isinstance(value, Decimal) and -_exponent(value) > AMOUNT_DECIMALS:
        if value != round(value, AMOUNT_DECIMALS):
            return f"金额以万元为单位，最多保留 {AMOUNT_DECIMALS} 位小数"
    return None


def accept_input(text: str, kind: CellKind, slash_allowed: bool) -> Value:
    """What the grid stores for typed ``text``; ``ValueError`` with a Chinese message if refused."""
    try:
        value = parse_value(text)
    except ValueError:
        allowed = "数字或“/”" if slash_allowed else "数字"
        raise ValueError(f"“{text.strip()}”不是有效的值，此格只能填写{allowed}") from None
    problem = value_problem(value, kind, slash_allowed)
    if problem:
        raise ValueError(problem)
    if isinstance(value, Decimal) and kind in (CellKind.COUNT, CellKind.CHANGE):
        value = int(value)
    return value


def format_value(v: Value) -> str:
    """A value as printed in a table cell (blank for ``None``)."""
    if v is None:
        return ""
    if isinstance(v, Decimal):
        s = format(v.normalize(), "f")
        return s
    return str(v)


def numeric(v: Value) -> int | Decimal | None:
    """The number in ``v`` or ``None`` for blank / "/"."""
    if v is None or isinstance(v, str):
        return None
    return v
