"""The speed floor: read inputs and parse their Python files with LibCST, nothing else.

    python -m linter.bench.floor [--jobs N] PATH...

No rule runs, no YAML/TOML is parsed, nothing is reported: a lint of the same inputs cannot
be faster than this by more than the cost of its rules. Used by ``linter.bench.speed``.
"""
from __future__ import annotations

import gc
import os
import sys


def parse_one(path: str) -> int:
    import libcst as cst

    from ..loaders import load_input

    bundle = load_input(path)
    count = 0
    for name, source in bundle.files.items():
        if source.kind == "python" and source.text is not None:
            try:
                cst.parse_module(source.text)
            except Exception:  # a syntax error still cost its parse
                pass
            count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    jobs = 1
    if args[:1] == ["--jobs"]:
        jobs, args = int(args[1]), args[2:]
    if len(args) > 1:  # the same collector settings as exp-lint's check, so the ratio is the rules' cost
        import libcst  # noqa: F401  (imported before freezing, as exp-lint's engine is)

        gc.freeze()
        gc.enable()
    if jobs > 1 and len(args) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            total = sum(pool.map(parse_one, args, chunksize=1))  # as exp-lint --jobs schedules them
    else:
        total = sum(parse_one(p) for p in args)
    print(f"parsed {total} Python files from {len(args)} inputs")
    return 0


if __name__ == "__main__":
    gc.disable()  # as exp-lint's console entry does: the same process economies on both sides
    status = main()
    sys.stdout.flush()
    os._exit(status)
