"""The GitHub Action's logic: ``action.yml`` runs ``python -m linter.action``.

Inputs arrive as environment variables (never spliced into a shell script):
``INPUT_PATH`` (paths, separated by spaces or newlines; quote a path with spaces),
``INPUT_PROFILE``, ``INPUT_ARGS`` (extra exp-lint arguments, split like a shell would),
``INPUT_FORMAT`` (what the log shows: ``github`` annotations by default) and
``INPUT_SARIF_FILE`` (write SARIF there when set).

It runs exp-lint once, prints the report (annotations) to the log, appends the whole
report as Markdown to ``$GITHUB_STEP_SUMMARY`` (GitHub shows only ten annotations of each
level), writes ``exit-code`` and ``sarif-file`` to ``$GITHUB_OUTPUT``, and exits with
exp-lint's status: 0 ready, 1 not ready, 2 error.
"""
from __future__ import annotations

import os
import shlex
import sys
import tempfile
from pathlib import Path

from .cli import EXIT_ERROR, FORMATS, main


def _split(value: str, name: str) -> list[str]:
    try:
        return shlex.split(value)
    except ValueError as exc:
        raise SystemExit(f"exp-lint action: input {name}: {exc}")


def build_argv(env: dict[str, str], summary_file: str | None) -> list[str]:
    paths = _split(env.get("INPUT_PATH", "") or ".", "path") or ["."]
    argv = [*paths]
    profile = env.get("INPUT_PROFILE", "").strip()
    if profile:
        argv += ["--profile", profile]
    fmt = env.get("INPUT_FORMAT", "").strip() or "github"
    if fmt not in FORMATS:
        raise SystemExit(f"exp-lint action: input format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    argv += ["--format", fmt]
    sarif = env.get("INPUT_SARIF_FILE", "").strip()
    if sarif:
        argv += ["--report", f"sarif={sarif}"]
    if summary_file:
        argv += ["--report", f"markdown={summary_file}"]
    return argv + _split(env.get("INPUT_ARGS", ""), "args")


def _append(path: str, text: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


def run(env: dict[str, str] | None = None) -> int:
    env = dict(os.environ if env is None else env)
    summary = env.get("GITHUB_STEP_SUMMARY")
    with tempfile.TemporaryDirectory(prefix="exp-lint-") as tmp:
        markdown = str(Path(tmp) / "summary.md") if summary else None
        try:
            argv = build_argv(env, markdown)
        except SystemExit as exc:
            print(f"::error title=exp-lint::{exc}", flush=True)
            status = EXIT_ERROR
        else:
            sys.stdout.flush()
            status = main(argv)
        if summary:
            if markdown and os.path.exists(markdown):
                text = Path(markdown).read_text(encoding="utf-8")
            else:
                text = f"## exp-lint: error\n\nexp-lint stopped with status {status} before it wrote a report; see the step log.\n"
            if status == EXIT_ERROR and markdown and os.path.exists(markdown):
                text += "\n> exp-lint also reported an error (status 2); see the step log.\n"
            _append(summary, text + "\n")
    if env.get("GITHUB_OUTPUT"):
        lines = f"exit-code={status}\n"
        if env.get("INPUT_SARIF_FILE", "").strip():
            lines += f"sarif-file={env['INPUT_SARIF_FILE'].strip()}\n"
        _append(env["GITHUB_OUTPUT"], lines)
    return status


if __name__ == "__main__":
    sys.exit(run())
