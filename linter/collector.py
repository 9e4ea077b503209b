"""The cyclic garbage collector's policy for a process that handles many inputs.

The console entry turns the collector off (linter.cli.entry): a bundle's parse trees are
~10^5 live objects that every automatic pass would rescan, ~13% of a corpus run. With several
inputs, ``start_batch`` freezes what is imported (never rescanned, and shared by forked
workers) and ``after_input`` runs one pass every ``COLLECT_EVERY`` inputs: a linted bundle
leaves only a few small reference cycles (tests/test_memory.py), so that bounds memory.
The speed floor (linter.bench.floor) uses the same policy, so its ratio stays the rules' cost.
"""
from __future__ import annotations

import gc

COLLECT_EVERY = 64
_STATE = {"collect": False, "inputs": 0}


def start_batch() -> None:
    """Before the first of several inputs (and before any worker forks)."""
    gc.freeze()
    _STATE["collect"] = not gc.isenabled()  # off only under the console entry; else Python collects


def after_input() -> None:
    """After each input, in whichever process linted it."""
    if _STATE["collect"]:
        _STATE["inputs"] += 1
        if _STATE["inputs"] % COLLECT_EVERY == 0:
            gc.collect()
