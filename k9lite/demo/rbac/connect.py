"""The compound check on pod connections.

KEP 4006, gate AuthorizePodWebsocketUpgradeCreatePermission (on by default since 1.35).

A WebSocket upgrade is a GET, so `pods/exec`, `pods/attach` and `pods/portforward` are first
authorized as `get`; the API server then also requires `create` on the same subresource, as
SPDY's POST always did, so that a read-only role cannot open a shell.
"""

from __future__ import annotations

import dataclasses

from k9lite.demo.rbac.attributes import Attributes

__all__ = ["create_also_required"]

_CONNECT = frozenset({"exec", "attach", "portforward"})


def create_also_required(attributes: Attributes, upgrade: str) -> Attributes | None:
    """The `create` attributes a WebSocket upgrade to a pod connection needs besides its `get`."""
    if (
        attributes.verb == "get"
        and attributes.resource == "pods"
        and attributes.subresource in _CONNECT
        and upgrade.lower() == "websocket"
    ):
        return dataclasses.replace(attributes, verb="create")
    return None
