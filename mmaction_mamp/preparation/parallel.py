"""Ordered, streaming map over input files with a process pool."""

import multiprocessing
import os
from typing import Callable, Iterable, Iterator, TypeVar

Item = TypeVar('Item')
Result = TypeVar('Result')


def default_num_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def ordered_map(
    func: Callable[[Item], Result],
    items: Iterable[Item],
    num_workers: int,
    chunksize: int = 16,
) -> Iterator[Result]:
    """``map`` in input order, in ``num_workers`` processes when > 1.

    Each task gets one item (one file): workers read one file at a time and
    results stream back, so raw text is never held for more than a few files
    per worker. ``func`` must be a picklable module-level callable (or a
    ``functools.partial`` of one).
    """
    if num_workers <= 1:
        yield from map(func, items)
        return
    with multiprocessing.Pool(num_workers) as pool:
        yield from pool.imap(func, items, chunksize=chunksize)
