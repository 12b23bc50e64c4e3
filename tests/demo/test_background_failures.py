"""The demo's background work never fails unobserved, and one failure does not stop the rest."""

from __future__ import annotations

import asyncio
import logging

import pytest

from k9lite.demo.controllers.base import Controller, ControllerManager, Key
from k9lite.demo.controllers.recorder import EventRecorder
from k9lite.demo.registry import Registry
from k9lite.demo.store import Store
from k9lite.demo.tasks import observe


async def test_a_failed_task_is_logged_as_it_fails(caplog: pytest.LogCaptureFixture) -> None:
    async def fail() -> None:
        raise RuntimeError("no IP addresses available")

    task = observe(asyncio.get_running_loop().create_task(fail()), "kubelet: a pod task")
    await asyncio.wait({task})  # waits without reading the exception
    await asyncio.sleep(0)  # done callbacks run on the next loop iteration
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.ERROR, "kubelet: a pod task failed: no IP addresses available")
    ]


class Flaky(Controller):
    """Fails on one key, records the others."""

    name = "flaky"

    def __init__(self, registry: Registry) -> None:
        super().__init__(registry, EventRecorder(registry, enabled=False))
        self.done: list[Key] = []

    def reconcile(self, key: Key) -> float | None:
        if key == ("a", "broken"):
            raise KeyError("a bug")
        self.done.append(key)
        return None


async def test_a_failing_reconcile_does_not_end_the_controller_loop(
    caplog: pytest.LogCaptureFixture,
) -> None:
    flaky = Flaky(Registry(Store()))
    manager = ControllerManager([flaky])
    manager.start()
    try:
        manager.mark(flaky, ("a", "broken"))
        manager.mark(flaky, ("b", "fine"))
        for _ in range(100):  # bounded: a few loop turns are enough
            if flaky.done:
                break
            await asyncio.sleep(0)
        assert flaky.done == [("b", "fine")]
        manager.mark(flaky, ("c", "later"))
        for _ in range(100):
            if len(flaky.done) == 2:
                break
            await asyncio.sleep(0)
        assert flaky.done == [("b", "fine"), ("c", "later")]
    finally:
        await manager.stop()
    assert "flaky: a/broken failed" in caplog.text
