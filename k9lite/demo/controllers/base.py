"""What every controller shares: a dirty set fed by store events, run on the event loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

from k9lite.demo.controllers.recorder import EventRecorder
from k9lite.demo.errors import APIError
from k9lite.demo.managed_fields import writing_as
from k9lite.demo.registry import Registry
from k9lite.demo.store import StoreEvent
from k9lite.demo.tasks import observe

__all__ = ["Controller", "ControllerManager", "Key", "owner_key"]

log = logging.getLogger(__name__)

Key = tuple[str, str]
_BATCH = 50
_FAILED_RETRY = 5.0


def owner_key(obj: dict[str, Any], kind: str) -> Key | None:
    """(namespace, name) of the controlling owner of `obj` if it is of `kind`."""
    for ref in obj["metadata"].get("ownerReferences") or ():
        if ref.get("kind") == kind and ref.get("controller"):
            return obj["metadata"].get("namespace", ""), ref["name"]
    return None


class Controller:
    """Reconciles objects by key; `keys_for` says which keys a store event makes dirty."""

    name = "controller"
    kinds: tuple[str, ...] = ()
    field_manager = "kube-controller-manager"
    """Who its writes are attributed to in managedFields: its binary, as on a real cluster."""

    def __init__(self, registry: Registry, recorder: EventRecorder) -> None:
        self.registry = registry
        self.store = registry.store
        self.recorder = recorder

    def keys_for(self, event: StoreEvent) -> Iterable[Key]:
        meta = event.obj["metadata"]
        return ((meta.get("namespace", ""), meta["name"]),)

    def reconcile(self, key: Key) -> float | None:
        """Bring one object's world in line; a number asks to run again after that many seconds."""
        raise NotImplementedError

    def resync(self) -> Iterable[Key]:
        """Every key this controller owns, for a full pass at start."""
        return ()


class ControllerManager:
    """Runs controllers on the event loop: store events mark keys dirty, a task drains them."""

    def __init__(self, controllers: Iterable[Controller]) -> None:
        self.controllers = list(controllers)
        self._dirty: dict[Controller, set[Key]] = {c: set() for c in self.controllers}
        self._by_kind: dict[str, list[Controller]] = {}
        for controller in self.controllers:
            for kind in controller.kinds:
                self._by_kind.setdefault(kind, []).append(controller)
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._timers: dict[tuple[Controller, Key], asyncio.TimerHandle] = {}

    def on_event(self, event: StoreEvent) -> None:
        for controller in self._by_kind.get(event.resource.kind, ()):
            self._dirty[controller].update(controller.keys_for(event))
        self._wakeup.set()

    def mark(self, controller: Controller, key: Key) -> None:
        self._dirty[controller].add(key)
        self._wakeup.set()

    def start(self) -> None:
        for controller in self.controllers:
            self._dirty[controller].update(controller.resync())
        self._task = observe(
            asyncio.get_running_loop().create_task(self._run(), name="controllers"),
            "the controller loop",
        )
        self._wakeup.set()

    async def stop(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            for controller in self.controllers:
                keys, self._dirty[controller] = self._dirty[controller], set()
                for count, key in enumerate(sorted(keys), start=1):
                    if count % _BATCH == 0:
                        # Let HTTP handlers run: a pass over 2,000 Services takes a while.
                        await asyncio.sleep(0)
                    delay = self._reconcile(controller, key)
                    if delay is not None:
                        previous = self._timers.pop((controller, key), None)
                        if previous:
                            previous.cancel()
                        self._timers[(controller, key)] = loop.call_later(
                            delay, self._requeue, controller, key
                        )
                await asyncio.sleep(0)

    def _requeue(self, controller: Controller, key: Key) -> None:
        self._timers.pop((controller, key), None)
        self.mark(controller, key)

    @staticmethod
    def _reconcile(controller: Controller, key: Key) -> float | None:
        try:
            with writing_as(controller.field_manager):
                return controller.reconcile(key)
        except APIError as exc:
            # A conflict or a vanished object: the next event brings the key back.
            log.debug("%s: %s/%s: %s", controller.name, key[0], key[1], exc.message)
            return 1.0
        except Exception:
            # A bug in one reconcile must not end the loop that runs every controller.
            log.exception("%s: %s/%s failed", controller.name, key[0], key[1])
            return _FAILED_RETRY
