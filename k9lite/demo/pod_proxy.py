"""The API server's pod proxy: where one request to a Pod goes.

`/api/v1/namespaces/NS/pods/[scheme:]NAME[:PORT]/proxy/PATH`, as kube-apiserver serves it
(pkg/registry/core/pod/strategy.go ResourceLocation): the pod's IP and the port the id names,
else the first containerPort of the first container that declares one, else none (the scheme's
own). proxy_transport.py sends it.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from aiohttp import web

from k9lite.demo.errors import bad_request
from k9lite.demo.proxy_transport import ProxyTarget, split_scheme_name_port
from k9lite.demo.registry import resource
from k9lite.demo.store import Store

__all__ = ["pod_target"]

_BROADCAST = ipaddress.IPv4Address("255.255.255.255")
_NOSNIFF = {"X-Content-Type-Options": "nosniff"}  # http.Error's, beside its text/plain
_PANIC = "This request caused apiserver to panic. Look in the logs for details.\n"


def pod_target(store: Store, namespace: str, id_: str) -> ProxyTarget:
    """The address a request to pod `id_` goes to, as ResourceLocation builds it."""
    split = split_scheme_name_port(id_)
    if split is None:
        raise bad_request(f'invalid pod request "{id_}"')
    scheme, name, port = split
    pod = store.get(resource("Pod"), namespace, name)
    if not port:
        port = next(
            (str(c["ports"][0]["containerPort"]) for c in _containers(pod) if c.get("ports")),
            "",
        )
    ip = _pod_ip(pod)
    if ip is None or not _usable(ip):
        raise bad_request("address not allowed")
    if port and not (port.isascii() and port.isdigit()):
        # A named port is not looked up: it goes into the URL's host as it is, which
        # url.Parse then refuses, and UpgradeAwareHandler's normalizeLocation dereferences the
        # nil URL; the panic filter answers with this text.
        raise web.HTTPInternalServerError(text=_PANIC, headers=_NOSNIFF)
    return ProxyTarget(scheme, str(ip), int(port) if port else None)


def _containers(pod: dict[str, Any]) -> list[dict[str, Any]]:
    containers: list[dict[str, Any]] = pod["spec"].get("containers") or []
    return containers


def _pod_ip(pod: dict[str, Any]) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The pod's primary IP (getPodIP: podIPs[0], which the v1 podIP overrides when set)."""
    status = pod.get("status") or {}
    raw = status.get("podIP") or ((status.get("podIPs") or [{}])[0]).get("ip") or ""
    try:
        return ipaddress.ip_address(raw)
    except ValueError:
        return None


def _usable(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Go's IP.IsGlobalUnicast, except that loopback is allowed.

    The real server refuses loopback pod IPs; the demo's pods live on 127.244.x.y by design
    (their sockets stay on this machine), so the demo accepts them.
    """
    return not (ip.is_unspecified or ip.is_multicast or ip.is_link_local or ip == _BROADCAST)
