"""The API server's service proxy: where one request to a Service goes.

`/api/v1/namespaces/NS/services/[scheme:]NAME[:PORT]/proxy/PATH`, as kube-apiserver serves it
(pkg/registry/core/service/storage/rest.go ResourceLocation): it reads the v1 Endpoints, picks a
ready address per request, and answers 503 when there is none. proxy_transport.py sends it.
"""

from __future__ import annotations

import random

from k9lite.demo.errors import APIError, bad_request
from k9lite.demo.proxy_transport import ProxyTarget, split_scheme_name_port
from k9lite.demo.registry import resource
from k9lite.demo.store import Store

__all__ = ["ServiceProxy"]


class ServiceProxy:
    """Finds a random ready endpoint of a Service port for each proxied request."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.rng = random.Random()

    def target(self, namespace: str, id_: str) -> ProxyTarget:
        """The endpoint a request to Service `id_` goes to, as ResourceLocation chooses it."""
        split = split_scheme_name_port(id_)
        if split is None:
            raise bad_request(f'invalid service request "{id_}"')
        scheme, name, port = split
        svc = self.store.get(resource("Service"), namespace, name)
        ports = svc["spec"].get("ports") or []
        service_port = next(
            (p for p in ports if port in ("", str(p.get("port")), p.get("name"))), None
        )
        if service_port is None:
            raise _no_endpoints(name)
        endpoints = self.store.find(resource("Endpoints"), namespace, name) or {}
        candidates = [
            (address["ip"], p["port"])
            for subset in endpoints.get("subsets") or ()
            for p in subset.get("ports") or ()
            if (p.get("name") or "") == (service_port.get("name") or "")
            for address in subset.get("addresses") or ()
        ]
        if not candidates:
            raise _no_endpoints(name)
        ip, target_port = self.rng.choice(candidates)
        return ProxyTarget(scheme, ip, target_port)


def _no_endpoints(name: str) -> APIError:
    return APIError(503, "ServiceUnavailable", f'no endpoints available for service "{name}"')
