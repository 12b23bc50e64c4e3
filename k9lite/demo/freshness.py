"""Reads from a resourceVersion the store has not reached yet: wait a little, then say so.

kube-apiserver's watch cache waits up to 3 s (blockTimeout) for a requested version, then
answers 504 "Too large resource version" (storage.NewTooLargeResourceVersionError) with a
ResourceVersionTooLarge cause; client-go's reflector then relists from the newest state. A
client resuming against a restarted demo cluster, whose counter began again, is told the same.
"""

from __future__ import annotations

import asyncio

from k9lite.demo.errors import too_large_resource_version
from k9lite.demo.requests import non_negative
from k9lite.demo.store import Store

__all__ = ["BLOCK_TIMEOUT", "parse_resource_version", "wait_until_fresh"]

BLOCK_TIMEOUT = 3.0
_POLL = 0.05


def parse_resource_version(text: str) -> int:
    """A resourceVersion parameter as the store's counter; 0 for "" (any)."""
    return non_negative({"resourceVersion": text}, "resourceVersion")


async def wait_until_fresh(store: Store, wanted: int, timeout: float = BLOCK_TIMEOUT) -> None:
    """Return once the store has reached version `wanted`; 504 Too large after `timeout`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while store.resource_version < wanted:
        if loop.time() >= deadline:
            raise too_large_resource_version(wanted, store.resource_version)
        await asyncio.sleep(_POLL)
