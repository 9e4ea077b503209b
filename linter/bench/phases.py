"""Where a lint spends its time: exclusive CPU seconds per parse, fact table and rule.

    python -m linter.bench.phases [--top 25] PATH...

Lints the inputs in this one process (no pool) and charges every second to the innermost
phase running: parsing a file (LibCST, or YAML/TOML), building a Python file's node index,
computing a fact table once for all rules, one rule's ``check`` (its findings consumed), or
building a finding's location. A fact first asked for inside a rule is charged to the fact, not the
rule. Use it before optimizing: the speed script says how slow, this says where.
"""
from __future__ import annotations

import argparse
import collections
import gc
import sys
import time
from typing import Callable

_clock = time.process_time


class Ledger:
    """Exclusive time per label: a nested phase's time is taken out of its caller's."""

    def __init__(self) -> None:
        self.spent: collections.Counter[str] = collections.Counter()
        self.calls: collections.Counter[str] = collections.Counter()
        self._stack: list[float] = []

    def run(self, label: str, work: Callable, *args):
        start = _clock()
        self._stack.append(0.0)
        try:
            return work(*args)
        finally:
            elapsed = _clock() - start
            nested = self._stack.pop()
            self.spent[label] += elapsed - nested
            self.calls[label] += 1
            if self._stack:
                self._stack[-1] += elapsed


def instrument(ledger: Ledger) -> None:
    """Wrap the engine's phases (in this process only) so the ledger sees them."""
    from .. import bundle as bundle_module
    from .. import engine

    Bundle, Linter = bundle_module.Bundle, engine.Linter
    parse, fact, finding, lint = Bundle._parse, Bundle.fact, Linter._finding, Linter.lint

    def timed_parse(self, path, kind, parser):
        if path in self._parsed:
            return self._parsed[path]
        return ledger.run(f"parse {kind}", parse, self, path, kind, parser)

    def timed_fact(self, fact_type):
        if fact_type in self._facts:
            return self._facts[fact_type]
        return ledger.run(f"fact {fact_type.__name__}", fact, self, fact_type)

    def timed_lint(self, bundle):
        _, rules = self.rules_for(self.settings_for(bundle))
        for rule in rules:
            if "check" not in vars(rule):  # once per rule object: consume the generator inside the timer
                check = rule.check
                rule.check = lambda b, check=check, code=rule.code: ledger.run(code, lambda: list(check(b) or ()))
        return lint(self, bundle)

    # The node index is built with each parse; timed on its own, it is charged out of the parse.
    from ..parsing import python as python_parsing

    index_type = python_parsing.NodeIndex

    class TimedNodeIndex(index_type):
        def __init__(self, module) -> None:
            ledger.run("parse: node index", index_type.__init__, self, module)

    python_parsing.NodeIndex = TimedNodeIndex
    Bundle._parse, Bundle.fact = timed_parse, timed_fact
    Linter._finding = lambda self, *args: ledger.run("finding locations", finding, self, *args)
    Linter.lint = timed_lint


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m linter.bench.phases", description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=25, help="rows to print (default 25)")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args(argv)
    started = _clock()
    from ..cli import main as lint_main

    ledger = Ledger()
    instrument(ledger)
    # The console entry's collector policy (linter.cli.entry): with the collector on, its
    # passes over the live parse trees would be charged to whatever phase they interrupt.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        status = lint_main(["--exit-zero", "--format", "json", "-o", "/dev/null", *args.paths])
    finally:
        if was_enabled:
            gc.enable()
    total = _clock() - started
    groups: collections.Counter[str] = collections.Counter()
    for label, seconds in ledger.spent.items():
        groups["parse" if label.startswith("parse") else "facts" if label.startswith("fact") else
               "finding locations" if label == "finding locations" else "rules"] += seconds
    out = [f"{len(args.paths)} inputs, {total:.2f} s CPU in all (imports, loading and reporting included)"]
    out.append("  ".join(f"{name} {seconds:.2f} s" for name, seconds in sorted(groups.items(), key=lambda kv: -kv[1])))
    out.append("")
    out.append(f"{'CPU s':>8}  {'share':>6}  {'calls':>6}  phase")
    for label, seconds in sorted(ledger.spent.items(), key=lambda kv: (-kv[1], kv[0]))[: args.top]:
        out.append(f"{seconds:8.3f}  {100 * seconds / total:5.1f}%  {ledger.calls[label]:6d}  {label}")
    sys.stdout.write("\n".join(out) + "\n")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
