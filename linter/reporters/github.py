"""GitHub Actions workflow commands, escaped as actions/toolkit escapes them.

``::error title=exp-lint (CODE),file=P,line=L,col=C,endLine=EL,endColumn=EC::message``

- the message escapes ``%``, CR and LF; property values also ``:`` and ``,``
  (actions/toolkit ``escapeData`` / ``escapeProperty``);
- ``col`` and ``endColumn`` only when the range is on one line (GitHub rejects them on a
  multi-line range);
- GitHub shows only ten annotations of each level per step, so errors come first; the
  whole report belongs in the step summary (see ``linter/action.py``).

A JSON bundle or a log has no files in the repository: its findings are annotated on the
input file itself, without a line (a line of an embedded file is not a line of the log),
and the embedded path and line go into the message. Standard input has no file at all.
"""
from __future__ import annotations

import os
import posixpath

from .text import statistics


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def repo_path(path: str) -> str:
    """A path as GitHub matches it against the repository: relative, POSIX, normalised.

    Absolute paths under the working directory (``$GITHUB_WORKSPACE`` in a workflow) are
    made relative; other absolute paths stay as they are.
    """
    path = path.replace(os.sep, "/")
    if posixpath.isabs(path):
        cwd = os.getcwd().replace(os.sep, "/")
        if path == cwd or path.startswith(cwd.rstrip("/") + "/"):
            path = posixpath.relpath(path, cwd)
    return posixpath.normpath(path)


def _file(result, path: str) -> str | None:
    if result.on_disk:
        return repo_path(path if result.path in (".", "") else posixpath.join(result.path, path))
    if result.path in ("<stdin>", "-"):
        return None
    return repo_path(result.path)


def annotation(result, f) -> str:
    level = "error" if f.severity.value == "error" else "warning"
    if result.on_disk:
        message = f"{f.name}: {f.message}"
    else:
        where = f"{f.path}:{f.line}" if f.line else f.path
        message = f"{where}: {f.name}: {f.message}"
    props = [f"title={escape_property(f'exp-lint ({f.rule})')}"]
    file = _file(result, f.path)
    if file is not None:
        props.append(f"file={escape_property(file)}")
    if f.line and result.on_disk:  # lines of a log's embedded files are not lines of the log
        props.append(f"line={f.line}")
        one_line = f.end_line in (None, f.line)
        if f.column and one_line:
            props.append(f"col={f.column}")
        if f.end_line:
            props.append(f"endLine={f.end_line}")
        if f.end_column and one_line and f.column:
            props.append(f"endColumn={f.end_column}")
    return f"::{level} {','.join(props)}::{escape_data(message)}"


def render(results, plugins, options) -> str:
    rows = []
    for index, result in enumerate(results):
        for f in result.findings:
            rows.append((f.severity.rank, index, f.sort_key(), annotation(result, f)))
    rows.sort(key=lambda r: r[:3])
    lines = [r[3] for r in rows]
    for result in results:
        state = "ready" if result.ready else "not ready"
        lines.append(f"exp-lint: {result.path}: {state} ({result.profile.name} profile)")
    if options.get("statistics"):
        lines.append(statistics(results, plugins))
    return "\n".join(lines) + "\n"
