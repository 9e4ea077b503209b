"""The speed floor: read inputs and parse their Python files with LibCST, nothing else.

    python -m linter.bench.floor [--jobs N] [--exp-lint-parse] PATH...

No rule runs, no YAML/TOML is parsed, nothing is reported: a lint of the same inputs cannot
be faster than this by more than the cost of its rules. Used by ``linter.bench.speed``.

By default each file is parsed with ``libcst.parse_module`` as LibCST ships it (the floor the
speed targets are defined against). ``--exp-lint-parse`` parses as exp-lint does: without
LibCST's per-node re-validation and, for a batch, with lean node constructors
(``linter.parsing.construction``), and once per text among the last few parsed
(``RecentParses``). Against that floor, the ratio shows the cost of
exp-lint's facts and rules alone.
"""
from __future__ import annotations

import gc
import os
import sys

from .. import collector

_STATE = {"parse": None}


def parse_one(path: str) -> int:
    from ..loaders import load_input

    parse = _STATE["parse"]
    if parse is None:
        import libcst as cst

        parse = cst.parse_module
    bundle = load_input(path)
    count = 0
    for name, source in bundle.files.items():
        if source.kind == "python" and source.text is not None:
            try:
                parse(source.text)
            except Exception:  # a syntax error still cost its parse
                pass
            count += 1
    collector.after_input()
    return count


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    jobs = 1
    if args[:1] == ["--jobs"]:
        jobs, args = int(args[1]), args[2:]
    if args[:1] == ["--exp-lint-parse"]:
        from ..parsing.python import RECENT_CHARS, RECENT_SIZE, _parse_module
        from ..parsing.recent import RecentParses

        recent = RecentParses(RECENT_SIZE, RECENT_CHARS)

        def parse_or_error(text: str):
            try:
                return _parse_module(text)
            except Exception as exc:  # remembered like exp-lint's syntax problems
                return exc

        _STATE["parse"], args = (lambda text: recent.get(text, parse_or_error)), args[1:]
        from ..parsing import construction

        if len(args) >= construction.INSTALL_FROM:  # as exp-lint's command line decides
            construction.install()
    if len(args) > 1:  # the same collector settings as exp-lint's check, so the ratio is the rules' cost
        import libcst  # noqa: F401  (imported before freezing, as exp-lint's engine is)

        collector.start_batch()
    if jobs > 1 and len(args) > 1:
        from ..lanes import in_lanes

        total = sum(in_lanes(parse_one, args, jobs))  # as exp-lint --jobs schedules them
    else:
        total = sum(parse_one(p) for p in args)
    print(f"parsed {total} Python files from {len(args)} inputs")
    return 0


if __name__ == "__main__":
    gc.disable()  # as exp-lint's console entry does: the same process economies on both sides
    status = main()
    sys.stdout.flush()
    os._exit(status)
