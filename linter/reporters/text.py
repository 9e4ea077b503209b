"""Concise ``path:line:col: CODE message`` lines, the form editors parse, then a summary."""
from __future__ import annotations

from collections import Counter


def location(result, finding) -> str:
    where = result.display_path(finding.path)
    if finding.line:
        where += f":{finding.line}:{finding.column or 1}"
    return where


def render(results, plugins, options) -> str:
    out = []
    total = Counter()
    for result in results:
        for f in result.findings:
            sev = "" if f.severity.value == "error" else " (warning)"
            out.append(f"{location(result, f)}: {f.rule}{sev} {f.message}")
            total[f.severity.value] += 1
        state = "ready" if result.ready else "not ready"
        out.append(f"{result.path}: {state} ({result.profile.name} profile)")
    if options.get("statistics"):
        out.append(statistics(results, plugins))
    errors, warnings = total["error"], total["warning"]
    out.append(f"Found {errors} error{'s' if errors != 1 else ''} and {warnings} warning{'s' if warnings != 1 else ''} in {len(results)} bundle{'s' if len(results) != 1 else ''}.")
    return "\n".join(out) + "\n"


def statistics(results, plugins) -> str:
    counts = Counter(f.rule for r in results for f in r.findings)
    rows = [f"{n:5d}  {code}  {plugins.rules[code].name if code in plugins.rules else ''}" for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return "\n".join(rows) if rows else "No findings."
