"""Events as the cluster's components write them, through either of the two Event APIs.

Controllers and kubelets use client-go's record.EventRecorder (core/v1: source, first and last
timestamps, a count); the scheduler uses the events.k8s.io recorder (tools/events: eventTime with
microseconds, an action, a reporting instance, no source and no timestamps). Both end up in the one
Event storage, so both shapes are stored; the oldest are dropped past a limit, as the TTL would.
"""

from __future__ import annotations

import secrets
from collections import deque
from datetime import datetime, timezone
from typing import Any

from k9lite.demo.registry import Registry, resource
from k9lite.demo.timestamps import now_rfc3339

__all__ = ["EventRecorder"]

Key = tuple[str, str]


class EventRecorder:
    """Writes Events about objects; keeps the newest `limit`."""

    def __init__(self, registry: Registry, *, enabled: bool = True, limit: int = 2000) -> None:
        self.registry = registry
        self.enabled = enabled
        self._recent: deque[Key] = deque()
        self._limit = limit

    def record(
        self,
        involved: dict[str, Any],
        reason: str,
        message: str,
        *,
        component: str,
        type_: str = "Normal",
        host: str = "",
        field_path: str = "",
        action: str = "",
        uid: str = "",
    ) -> None:
        """One Event about `involved`.

        `host` is the reporting node (kubelets), `field_path` the part of the object concerned
        (`spec.containers{web}`), `action` makes it an events.k8s.io Event (the scheduler's),
        `uid` overrides the reference's uid (a kubelet refers to its Node by name).
        """
        if not self.enabled:
            return
        meta = involved["metadata"]
        namespace = meta.get("namespace") or "default"
        reference = {
            "kind": involved["kind"],
            "namespace": meta.get("namespace", ""),
            "name": meta["name"],
            "uid": uid or meta["uid"],
            "apiVersion": involved["apiVersion"],
            "resourceVersion": meta.get("resourceVersion", ""),
        }
        if field_path:
            reference["fieldPath"] = field_path
        event: dict[str, Any] = {
            "metadata": {"name": f"{meta['name']}.{secrets.token_hex(8)}", "namespace": namespace},
            "involvedObject": reference,
            "reason": reason,
            "message": message,
            "type": type_,
            "reportingComponent": component,
        }
        if action:
            # tools/events: the reporting instance is the controller's name and its host's.
            moment = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            event.update(
                source={},
                firstTimestamp=None,
                lastTimestamp=None,
                eventTime=moment,
                action=action,
                reportingInstance=f"{component}-{host}" if host else component,
            )
        else:
            stamp = now_rfc3339()
            event.update(
                source={"component": component, **({"host": host} if host else {})},
                firstTimestamp=stamp,
                lastTimestamp=stamp,
                count=1,
                eventTime=None,
                reportingInstance=host,
            )
        events = resource("Event")
        created = self.registry.create(events, namespace, event)
        self._recent.append((namespace, created["metadata"]["name"]))
        while len(self._recent) > self._limit:
            old_namespace, old_name = self._recent.popleft()
            if self.registry.store.find(events, old_namespace, old_name):
                self.registry.store.delete(events, old_namespace, old_name)
