"""Findings are data: what a check found, where, and what the clerk should do about it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from .report import value_to_json


class Severity(enum.StrEnum):
    ERROR = "error"  # must be fixed before the report is final
    WARNING = "warning"  # fix it or attach an explanation (说明)
    HINT = "hint"  # may be ignored

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "hint": "提示"}[self.value]


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.HINT: 2}


@dataclass(frozen=True)
class TextSpan:
    """A character span ``[start, end)`` in one prose section (overview / problems / other)."""

    section: str
    start: int
    end: int

    def to_json(self) -> dict[str, Any]:
        return {"section": self.section, "start": self.start, "end": self.end}


@dataclass
class Finding:
    rule: str
    severity: Severity
    cells: tuple[str, ...]
    message: str
    expected: Any = None
    actual: Any = None
    #: the involved cells that were left blank (counted as 0 in the sum)
    blank: tuple[str, ...] = ()
    text: TextSpan | None = None
    #: whether a written explanation (说明) may be attached instead of a correction
    explainable: bool = False
    #: the explanation attached to it, if any
    explanation: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def identity(self) -> tuple[str, tuple[str, ...]]:
        """What an explanation is attached to: the rule and the cells (or the text span)."""
        return self.rule, self.anchor

    @property
    def anchor(self) -> tuple[str, ...]:
        if self.cells:
            return tuple(self.cells)
        if self.text:
            return (f"text.{self.text.section}",)
        return ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity.value,
            "cells": list(self.cells),
            "expected": value_to_json(self.expected),
            "actual": value_to_json(self.actual),
            "message": self.message,
        }
        if self.blank:
            out["blank"] = list(self.blank)
        if self.text:
            out["text"] = self.text.to_json()
        if self.explanation:
            out["explanation"] = self.explanation
        return out
