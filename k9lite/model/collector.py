"""Building thousands of objects without the cyclic garbage collector running all the while.

A 10,000-pod list allocates millions of dicts, tuples and dataclasses, none of them in cycles;
the collector's generation-0 passes over them more than double the time to decode it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["LARGE_LIST", "collector_paused", "keep_listed_objects"]

# Below this many objects a list costs a full collection little (~1 ms per 1,000 pods), and
# freezing is not worth what it also freezes: whatever cyclic garbage is waiting right then.
LARGE_LIST = 2000

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block; nested and concurrent uses share one pause."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()


def keep_listed_objects(count: int) -> None:
    """Exempt every object alive now from future collections, once a list of `count` objects
    is stored (under `collector_paused`, before any collection has walked them); nothing for a
    list smaller than LARGE_LIST.

    Listed objects (cycle-free) would otherwise be walked by every later full collection, a
    pause of ~1 s at 50,000 pods on whichever thread sets it off. Frozen objects that die are
    still freed by reference counting. No `gc.collect()` first: it walks every object with the
    interpreter lock held (0.5 s at 10,000 pods), a pause of the UI thread whatever thread runs
    it; `gc.freeze()` only splices the collector's lists, whatever their length.
    """
    if count >= LARGE_LIST:
        gc.freeze()
