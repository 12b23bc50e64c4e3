"""pods/NAME/portforward: TCP connections to a pod's ports, carried over the API connection.

Three ways in, as kube-apiserver and the kubelet serve them: kubectl 1.31+ tunnels SPDY/3.1
inside a WebSocket (client-go's tunneling dialer, the PortForwardWebsockets feature), older
kubectl upgrades the connection to SPDY/3.1 itself (both in port_forward_spdy.py), and the
Python client speaks WebSocket `v4.channel.k8s.io` (port_forward_channels.py).
"""

from __future__ import annotations

from aiohttp import web

from k9lite.demo.dataplane import DataPlane
from k9lite.demo.errors import bad_request
from k9lite.demo.pod_ports import PodPorts
from k9lite.demo.port_forward_channels import CHANNEL_PROTOCOL, channel_ports, serve_channels
from k9lite.demo.port_forward_spdy import TUNNEL_PROTOCOL, tunnel, upgrade
from k9lite.demo.registry import resource
from k9lite.demo.store import Store

__all__ = ["PortForward"]


class PortForward:
    """Serves the portforward subresource of Pods."""

    def __init__(self, store: Store, dataplane: DataPlane | None) -> None:
        self.store = store
        self.dataplane = dataplane

    def pod(self, namespace: str, name: str) -> PodPorts:
        """The named pod: 404 if absent, 400 if not scheduled (the apiserver's location check)."""
        pod = self.store.get(resource("Pod"), namespace, name)
        if not pod["spec"].get("nodeName"):
            raise bad_request(f"pod {name} does not have a host assigned")
        status = pod.get("status") or {}
        return PodPorts(name, pod["metadata"]["uid"], status.get("podIP") or "", self.dataplane)

    async def serve(self, request: web.Request, namespace: str, name: str) -> web.StreamResponse:
        pod = self.pod(namespace, name)
        kind = request.headers.get("Upgrade", "").lower()
        if kind == "spdy/3.1":
            return await upgrade(request, pod)
        if kind != "websocket":
            raise bad_request("Upgrade request required")
        ws = web.WebSocketResponse(protocols=(TUNNEL_PROTOCOL, CHANNEL_PROTOCOL))
        if ws.can_prepare(request).protocol == TUNNEL_PROTOCOL:
            await ws.prepare(request)
            await tunnel(ws, pod)
        else:
            # The ports ride in the query (`ports=80,443`, or repeated), checked before upgrading.
            ports = channel_ports(request.query.getall("ports", []))
            await ws.prepare(request)
            await serve_channels(ws, pod, ports)
        return ws
