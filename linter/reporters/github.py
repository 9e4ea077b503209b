"""GitHub Actions workflow commands, escaped as actions/toolkit escapes them.

``::error title=exp-lint (CODE),file=P,line=L,col=C,endLine=EL,endColumn=EC::message``.
GitHub shows only ten annotations of each level per step, so errors come first.
"""
from __future__ import annotations

import posixpath


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _file(result, path: str) -> str:
    # Annotations need repository paths: a directory bundle's files are joined onto it;
    # a JSON bundle or log has no files on disk, so the annotation goes on the input itself.
    if result.on_disk:
        return path if result.path in (".", "") else posixpath.join(result.path, path)
    return result.path


def annotation(result, f) -> str:
    level = "error" if f.severity.value == "error" else "warning"
    message = f"{f.name}: {f.message}" if result.on_disk else f"{f.path}:{f.line or ''}: {f.name}: {f.message}"
    props = [f"title={escape_property(f'exp-lint ({f.rule})')}", f"file={escape_property(_file(result, f.path))}"]
    if f.line and result.on_disk:  # lines of a log's embedded files are not lines of the log
        props.append(f"line={f.line}")
        one_line = f.end_line in (None, f.line)
        if f.column and one_line:
            props.append(f"col={f.column}")
        if f.end_line:
            props.append(f"endLine={f.end_line}")
        if f.end_column and one_line:
            props.append(f"endColumn={f.end_column}")
    return f"::{level} {','.join(props)}::{escape_data(message)}"


def render(results, plugins, options) -> str:
    rows = []
    for result in results:
        for f in result.findings:
            rows.append((f.severity.rank, result.path, f.sort_key(), annotation(result, f)))
    rows.sort(key=lambda r: r[:3])
    lines = [r[3] for r in rows]
    for result in results:
        state = "ready" if result.ready else "not ready"
        lines.append(f"exp-lint: {result.path}: {state} ({result.profile.name} profile)")
    return "\n".join(lines) + "\n"
