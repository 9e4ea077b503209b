"""The reviewer's JSON verdict, built deterministically from the findings."""
from __future__ import annotations

from typing import Sequence

from .findings import Finding, Severity
from .profiles import Profile


def issue_text(findings: Sequence[Finding]) -> str:
    """A numbered summary of the error findings, one per line; empty when there are none."""
    errors = [f for f in findings if f.severity is Severity.ERROR]
    lines = []
    for number, finding in enumerate(errors, start=1):
        where = finding.path + (f":{finding.line}" if finding.line else "")
        lines.append(f"{number}. [{finding.rule}] {where}: {finding.message}")
    return "\n".join(lines)


def verdict(profile: Profile, findings: Sequence[Finding]) -> dict:
    ready_key, issue_key = profile.verdict_keys
    text = issue_text(findings)
    return {ready_key: not text, issue_key: text}
