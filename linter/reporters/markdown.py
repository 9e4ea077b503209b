"""A Markdown report: what the GitHub Action appends to ``$GITHUB_STEP_SUMMARY``.

GitHub shows at most ten annotations of each level per step; the summary holds the whole
report: one table row per bundle, then every finding of each bundle that is not ready.
A step summary is limited to 1 MiB, so very long reports are cut with a note.
"""
from __future__ import annotations

from collections import Counter

from .text import location

MAX_ROWS = 2000


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")


def render(results, plugins, options) -> str:
    not_ready = sum(not r.ready for r in results)
    title = "ready" if not not_ready else f"{not_ready} of {len(results)} bundle{'s' if len(results) != 1 else ''} not ready"
    out = [f"## exp-lint: {title}", "", "| bundle | profile | verdict | errors | warnings |", "|---|---|---|---:|---:|"]
    for r in results:
        counts = Counter(f.severity.value for f in r.findings)
        verdict = ":white_check_mark: ready" if r.ready else ":x: not ready"
        out.append(f"| `{cell(r.path)}` | {r.profile.name} | {verdict} | {counts['error']} | {counts['warning']} |")
    rows = 0
    for r in results:
        if not r.findings:
            continue
        out += ["", f"### `{cell(r.path)}`", "", "| rule | severity | location | message |", "|---|---|---|---|"]
        for f in r.findings:
            if rows == MAX_ROWS:
                total = sum(len(x.findings) for x in results)
                out += ["", f"_Only the first {MAX_ROWS} of {total} findings are shown; run exp-lint locally for the rest._"]
                break
            rows += 1
            out.append(f"| {f.rule} {cell(f.name)} | {f.severity.value} | `{cell(location(r, f))}` | {cell(f.message)} |")
        if rows == MAX_ROWS:
            break
    if options.get("statistics"):
        counts = Counter(f.rule for r in results for f in r.findings)
        if counts:
            out += ["", "| count | rule | name |", "|---:|---|---|"]
            for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
                out.append(f"| {n} | {code} | {cell(plugins.rules[code].name) if code in plugins.rules else ''} |")
    return "\n".join(out) + "\n"
