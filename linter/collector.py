"""The cyclic garbage collector's policy for a process that handles many inputs.

The console entry turns the collector off (linter.cli.entry): a bundle's parse trees are
~10^5 live objects that every automatic pass would rescan, ~13% of a corpus run. With several
inputs, ``start_batch`` freezes what is imported (never rescanned, and shared by forked
workers), and ``after_input`` runs a pass only once the tracked objects created since the
last one, net of those freed, pass ``GROWTH_BEFORE_PASS`` (CPython counts them for its
youngest generation even while the collector is off).

A linted bundle leaves almost no reference cycles (tests/test_memory.py), so in a clean batch
that count levels off at the size of the recent-parse cache (~0.6 M objects over the dev
corpus) and no pass runs; a pass over that heap costs ~0.15 s. A plugin that leaves cycles
gets a pass whenever its garbage reaches the bound, so memory stays bounded either way.
The speed floor (linter.bench.floor) uses the same policy, so its ratio stays the rules' cost.
"""
from __future__ import annotations

import gc

GROWTH_BEFORE_PASS = 1_000_000
_STATE = {"collect": False}


def start_batch() -> None:
    """Before the first of several inputs (and before any worker forks)."""
    gc.freeze()
    _STATE["collect"] = not gc.isenabled()  # off only under the console entry; else Python collects


def after_input() -> None:
    """After each input, in whichever process linted it."""
    if _STATE["collect"] and gc.get_count()[0] > GROWTH_BEFORE_PASS:
        gc.collect()
