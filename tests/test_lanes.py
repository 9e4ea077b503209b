"""Pool scheduling (linter.lanes): each input exactly once, neighbours on one worker, no idling."""
from __future__ import annotations

import copy
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

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


def _take_all(_task: int) -> int:
    return _LANES["lanes"].take()


_LANES: dict = {}


def _claim(lanes: Lanes) -> None:
    lanes.claim()
    _LANES["lanes"] = lanes


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_pool_workers_take_every_input_once(method):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} start method on this platform")
    context = multiprocessing.get_context(method)
    lanes = Lanes(40, 2, context)
    with ProcessPoolExecutor(max_workers=2, mp_context=context, initializer=_claim, initargs=(lanes,)) as pool:
        taken = list(pool.map(_take_all, range(40), chunksize=1))
    assert sorted(taken) == list(range(40))
