"""The collector policy for many inputs: with the collector off, a pass only once enough
objects have piled up since the last one; with it on, Python's own collector decides."""
from __future__ import annotations

import gc

from linter import collector


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def _passes(monkeypatch, enabled: bool, inputs: int, garbage_per_input: int) -> tuple[int, int]:
    """(passes run, cyclic objects left at the end) over a batch whose every input leaves
    ``garbage_per_input`` objects in reference cycles."""
    passes = []
    real_collect = gc.collect
    monkeypatch.setattr(collector.gc, "collect", lambda *a: passes.append(1) or real_collect(*a))
    monkeypatch.setattr(collector.gc, "freeze", lambda: None)  # leave the test process's heap alone
    monkeypatch.setattr(collector, "GROWTH_BEFORE_PASS", 20_000)
    monkeypatch.setattr(collector, "_STATE", {"collect": False})
    was = gc.isenabled()
    real_collect()
    (gc.enable if enabled else gc.disable)()
    try:
        collector.start_batch()  # it decides, from whether the collector is on
        for _ in range(inputs):
            for _ in range(garbage_per_input):
                _Cycle()
            collector.after_input()
        left = sum(1 for o in gc.get_objects() if type(o) is _Cycle)
    finally:
        (gc.enable if was else gc.disable)()
    return len(passes), left


def test_a_clean_batch_gets_no_pass(monkeypatch):
    passes, left = _passes(monkeypatch, enabled=False, inputs=200, garbage_per_input=0)
    assert passes == 0 and left == 0


def test_garbage_gets_a_pass_each_time_it_reaches_the_bound(monkeypatch):
    # 200 inputs x 1,000 cyclic objects = 200,000; with a bound of 20,000, about 10 passes.
    passes, left = _passes(monkeypatch, enabled=False, inputs=200, garbage_per_input=1_000)
    assert 8 <= passes <= 12
    assert left <= 20_000  # never more than the bound's worth of garbage waits for a pass


def test_collector_on_is_left_to_python(monkeypatch):
    """Under an enabled collector (linter.cli.main called in-process), Python decides: no
    pass of ours, even past the bound."""
    monkeypatch.setattr(collector.gc, "freeze", lambda: None)
    monkeypatch.setattr(collector, "_STATE", {"collect": False})
    was = gc.isenabled()
    try:
        for enabled, ours in ((True, False), (False, True)):
            (gc.enable if enabled else gc.disable)()
            collector.start_batch()
            assert collector._STATE["collect"] is ours
    finally:
        (gc.enable if was else gc.disable)()
    passes, _ = _passes(monkeypatch, enabled=True, inputs=200, garbage_per_input=1_000)
    assert passes == 0


def _batch_state() -> tuple[bool, bool, bool]:
    import gc as _gc

    from linter import collector as _collector
    from linter.parsing import construction

    return bool(construction._INSTALLED), _gc.isenabled(), _collector._STATE["collect"]


def test_a_spawned_pool_worker_sets_up_the_batch_economies_itself():
    """Workers started by spawn or a fork server inherit nothing from the main process."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from linter.cli import _init_worker
    from linter.config import Settings

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_init_worker,
                             initargs=(Settings(), None, None, (), (True, True))) as pool:
        assert pool.submit(_batch_state).result(timeout=120) == (True, False, True)
    with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_init_worker,
                             initargs=(Settings(), None, None, ())) as pool:
        assert pool.submit(_batch_state).result(timeout=120) == (False, True, False)  # one input: nothing to set up
