"""A linted bundle leaves (almost) no reference cycles behind.

Corpus runs keep the cyclic collector off between passes (linter.cli._lint_one): whatever a
bundle's analysis leaves in a cycle stays in memory, with every parse-tree node it reaches,
until the next pass. A recursive closure over a rule's results was enough to keep whole trees.
"""
from __future__ import annotations

import gc

from linter.cli import _init_worker, _lint_one
from linter.config import Settings
from linter.testing import minimal_files

from conftest import ROOT, write_bundle

# Unreachable objects one bundle may leave in cycles once warm. None are left now: the standard
# library's literal_eval leaves a cycle of closures per call, so literals are evaluated once per
# distinct text (cst_helpers.evaluated); before the cycles were broken a bundle left thousands.
# The collector policy (linter.collector) counts on this: a clean batch needs no pass at all.
MOST_CYCLIC_GARBAGE = 20


def _garbage_after_lint(path: str) -> int:
    _init_worker(Settings(), None, None, ())
    _lint_one(path)  # warm: first-use caches are not garbage
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        _, result, error = _lint_one(path)
        assert error is None and result is not None
        del result
        return gc.collect()
    finally:
        if was_enabled:
            gc.enable()


def test_example_bundle_leaves_few_cycles():
    assert _garbage_after_lint(str(ROOT / "fixtures" / "examples" / "broken-bundle")) < MOST_CYCLIC_GARBAGE


def test_hydra_bundle_leaves_few_cycles(tmp_path):
    bundle = write_bundle(tmp_path / "b", minimal_files("hydra"))
    assert _garbage_after_lint(str(bundle)) < MOST_CYCLIC_GARBAGE


def test_a_batch_keeps_no_more_parse_trees_than_the_recent_parses_hold(tmp_path):
    """Tables kept per node index (linter.facts.memo) are keyed weakly: nothing in them may keep
    an index, and its tree, alive after the recent-parse cache lets it go."""
    from linter.parsing.python import RECENT_SIZE
    from linter.parsing.walk import NodeIndex

    _init_worker(Settings(), None, None, ())
    files = minimal_files("base")
    for i in range(RECENT_SIZE // 2):  # ~5 distinct Python texts each: well past the cache's size
        variant = {p: (t + f"\nVARIANT_{i} = {i}\n" if p.endswith(".py") else t) for p, t in files.items()}
        _, result, error = _lint_one(str(write_bundle(tmp_path / f"b{i}", variant)))
        assert error is None and result is not None
    gc.collect()
    alive = sum(1 for o in gc.get_objects() if type(o) is NodeIndex)
    assert alive <= RECENT_SIZE
