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
