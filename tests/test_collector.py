"""The collector policy for many inputs: a pass every COLLECT_EVERY inputs when the collector is off."""
from __future__ import annotations

import gc

from linter import collector


def _passes(monkeypatch, enabled: bool, inputs: int) -> int:
    passes = []
    monkeypatch.setattr(collector.gc, "collect", lambda *a: passes.append(1) or 0)
    monkeypatch.setattr(collector.gc, "freeze", lambda: None)
    monkeypatch.setattr(collector, "_STATE", {"collect": False, "inputs": 0})
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        collector.start_batch()
        for _ in range(inputs):
            collector.after_input()
    finally:
        (gc.enable if was else gc.disable)()
    return len(passes)


def test_collector_off_gets_one_pass_every_few_inputs(monkeypatch):
    assert _passes(monkeypatch, enabled=False, inputs=2 * collector.COLLECT_EVERY + 1) == 2


def test_collector_on_is_left_to_python(monkeypatch):
    assert _passes(monkeypatch, enabled=True, inputs=2 * collector.COLLECT_EVERY + 1) == 0


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
