"""Which input a pool worker takes next: one contiguous lane of inputs per worker, then stealing.

Inputs given together are often related (logs of one pipeline run, bundles that share a
base), and a worker reuses the parses of the files it saw recently (RecentParses). Handing
the inputs out one by one in turn splits every such group between the workers, so each
parses the shared files again: over the dev corpus with two workers that is 855 parses
instead of 804. Here each worker takes the next input of its own contiguous lane; once its
lane is empty it takes the last input of the fullest other lane, so no worker idles while an
input remains, and each input is taken exactly once.

The state is a few integers in shared memory under one lock, created by the main process
and handed to each worker when it starts (``Lanes.claim``), with any start method.
``in_lanes`` runs a function over a list this way; exp-lint's ``--jobs`` and the speed
floor both use it, so they schedule alike.
"""
from __future__ import annotations

import multiprocessing
from functools import partial
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Lanes:
    def __init__(self, count: int, lanes: int, context=None) -> None:
        context = context or multiprocessing.get_context()
        lanes = max(1, min(lanes, count))
        bounds = []
        for lane in range(lanes):  # lane i holds inputs [front, back): sizes differ by at most one
            bounds += [count * lane // lanes, count * (lane + 1) // lanes]
        self.lock = context.Lock()
        self.bounds = context.RawArray("l", bounds)
        self.claimed = context.RawValue("l", 0)
        self.lanes = lanes
        self.own: int | None = None  # set in a worker by claim()

    def claim(self) -> None:
        """In a worker, once, when it starts: take the next lane nobody owns yet."""
        with self.lock:
            self.own = self.claimed.value % self.lanes
            self.claimed.value += 1

    def take(self) -> int | None:
        """The index of the next input for this worker, or None when none is left."""
        bounds = self.bounds
        with self.lock:
            own = self.own or 0
            front, back = bounds[2 * own], bounds[2 * own + 1]
            if front < back:
                bounds[2 * own] = front + 1
                return front
            fullest = max(range(self.lanes), key=lambda lane: (bounds[2 * lane + 1] - bounds[2 * lane], -lane))
            front, back = bounds[2 * fullest], bounds[2 * fullest + 1]
            if front < back:
                bounds[2 * fullest + 1] = back - 1
                return back - 1
            return None


def in_lanes(function: Callable[[T], R], items: Sequence[T], jobs: int, initializer: Callable | None = None,
             initargs: tuple = (), context=None) -> list[R]:
    """``[function(item) for item in items]`` over a pool of ``jobs`` processes that take the
    items lane by lane; the results in the items' order. ``function`` and ``initializer``
    must be module-level (a spawned worker imports them); ``initializer(*initargs)`` runs once
    in each worker before it takes anything."""
    from concurrent.futures import ProcessPoolExecutor  # only here: ~40 ms to import

    workers = max(1, min(jobs, len(items)))
    lanes = Lanes(len(items), workers, context)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                             initargs=(tuple(items), lanes, initializer, initargs)) as pool:
        # One item per task: an input costs ~0.1-1 s and a task's round trip well under a
        # millisecond, so no worker idles long at the end; which item a task takes is the
        # lanes' choice.
        taken = list(pool.map(partial(_take_next, function), range(len(items)), chunksize=1))
    return [result for _, result in sorted(taken, key=lambda pair: pair[0])]


_WORKER: dict = {}


def _start_worker(items: tuple, lanes: Lanes, initializer: Callable | None, initargs: tuple) -> None:
    if initializer is not None:
        initializer(*initargs)
    lanes.claim()
    _WORKER["items"], _WORKER["lanes"] = items, lanes


def _take_next(function: Callable, _task: int) -> tuple[int, object]:
    index = _WORKER["lanes"].take()
    if index is None:  # cannot happen: one task per item, and each task takes one
        raise RuntimeError("no item left for a pool task")
    return index, function(_WORKER["items"][index])
