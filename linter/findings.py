"""Findings: what a rule reports, in the order every reporter prints them."""
from __future__ import annotations

from dataclasses import field, replace
from enum import Enum

from .records import dataclass


class Severity(str, Enum):
    """How much a finding matters. Only errors make a bundle not ready."""

    ERROR = "error"
    WARNING = "warning"

    @property
    def rank(self) -> int:
        return 0 if self is Severity.ERROR else 1


@dataclass(frozen=True)
class Location:
    """A 1-based position in a bundle file. ``line`` is None for whole-file findings."""

    path: str
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None


@dataclass(frozen=True)
class Finding:
    rule: str
    name: str
    severity: Severity
    path: str
    line: int | None
    column: int | None
    end_line: int | None
    end_column: int | None
    message: str
    # Other places the finding involves (e.g. the reader of a file the writer names).
    related: tuple[Location, ...] = field(default=(), compare=True)

    def sort_key(self) -> tuple:
        # flake8's order: path, line, column, code; then message so ties are stable.
        return (
            self.path,
            self.line or 0,
            self.column or 0,
            self.rule,
            self.message,
        )

    def with_severity(self, severity: Severity) -> "Finding":
        return replace(self, severity=severity)

    def as_dict(self) -> dict:
        data = {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "message": self.message,
        }
        if self.related:
            data["related"] = [
                {"path": r.path, "line": r.line, "column": r.column} for r in self.related
            ]
        return data


def sort_findings(findings) -> list[Finding]:
    return sorted(set(findings), key=Finding.sort_key)
