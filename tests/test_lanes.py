"""Pool scheduling (linter.lanes): each input exactly once, neighbours on one worker, no idling."""
from __future__ import annotations

import copy
import multiprocessing

import pytest

from linter.lanes import Lanes


def _workers(count: int, lanes: int) -> list[Lanes]:
    """Several workers' views of one set of lanes, in this process (they share the memory)."""
    shared = Lanes(count, lanes)
    views = []
    for _ in range(lanes):
        view = copy.copy(shared)
        view.claim()
        views.append(view)
    return views


@pytest.mark.parametrize("count,lanes", [(1, 1), (2, 2), (10, 3), (216, 2), (7, 4)])
def test_every_input_is_taken_once_and_lanes_are_contiguous(count, lanes):
    views = _workers(count, lanes)
    taken: list[list[int]] = [[] for _ in views]
    schedule = [0, 0, 0, *range(1, len(views))]  # uneven speeds: worker 0 is three times as fast
    turn = 0
    while True:
        worker = schedule[turn % len(schedule)]
        index = views[worker].take()
        turn += 1
        if index is None:
            if all(view.take() is None for view in views):
                break
            continue
        taken[worker].append(index)
    assert sorted(i for t in taken for i in t) == list(range(count))
    for worker, indexes in enumerate(taken):
        own = [i for i in indexes if count * worker // lanes <= i < count * (worker + 1) // lanes]
        assert own == list(range(count * worker // lanes, count * worker // lanes + len(own)))  # its lane, in order


def test_a_fast_worker_steals_from_the_back_of_the_fullest_lane():
    fast, slow = _workers(10, 2)
    assert [fast.take() for _ in range(5)] == [0, 1, 2, 3, 4]
    assert slow.take() == 5
    assert [fast.take() for _ in range(4)] == [9, 8, 7, 6]
    assert slow.take() is None and fast.take() is None


_WORKER_STATE: dict = {}


def _remember(offset: int) -> None:
    _WORKER_STATE["offset"] = offset


def _shifted(item: int) -> tuple[int, int, int]:
    """(item + the offset the initializer set, the worker's process id, the worker's lane)."""
    import os

    from linter import lanes

    return item + _WORKER_STATE["offset"], os.getpid(), lanes._WORKER["lanes"].own


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_in_lanes_gives_every_result_in_order_from_initialized_workers(method):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} start method on this platform")
    from linter.lanes import in_lanes

    results = in_lanes(_shifted, list(range(40)), 2, _remember, (1000,), multiprocessing.get_context(method))
    assert [value for value, _, _ in results] == [1000 + i for i in range(40)]
    # Whatever the timing (a spawned worker may start after the other has finished), each
    # worker takes its own lane from the front: what it took there is a prefix of that lane.
    for lane, (start, end) in enumerate([(0, 20), (20, 40)]):
        own = [i for i, (_, _, owner) in enumerate(results) if owner == lane and start <= i < end]
        assert own == list(range(start, start + len(own)))
    assert len({pid for _, pid, _ in results}) <= 2
